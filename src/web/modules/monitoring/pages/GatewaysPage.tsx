import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, type ButtonProps, Descriptions, Form, Input, Modal, Tag, Typography } from 'antd';
import { useState } from 'react';
import { pointCreateSchema } from '../../../../core/monitoring';
import { useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { ResponsiveList } from '../../../shared/ResponsiveList';
import { zodRule } from '../../../shared/zod';
import { useCan } from '../../auth/api';
import { type Gateway, type GatewayConnection, MONITORING_KEYS, monitoringApi } from '../api';
import { SetupScreen, useSetupEnterprise } from '../components/SetupEnterprise';

const gatewayName = pointCreateSchema.shape.name;

/**
 * An enterprise's gateways: register one (its token is shown once, with the MQTT and HTTP settings to put into
 * the device), see when each last reported, revoke one. Users above the enterprise choose it first.
 */
export default function GatewaysPage() {
  const t = useT();
  const can = useCan();
  const { modal, message } = App.useApp();
  const qc = useQueryClient();
  const setup = useSetupEnterprise();
  const enterpriseId = setup.enterpriseId;
  const list = useQuery({
    queryKey: MONITORING_KEYS.gateways(enterpriseId ?? ''),
    queryFn: () => monitoringApi.gateways(enterpriseId ?? ''),
    enabled: Boolean(enterpriseId),
  });
  const [registering, setRegistering] = useState(false);
  const [created, setCreated] = useState<(Gateway & { token: string }) | null>(null);
  const manage = can('monitoring.manage');

  const revoke = useMutation({
    mutationFn: (g: Gateway) => monitoringApi.revokeGateway(g.id),
    onSuccess: (g) => void message.success(t('monitoring.gateways.revokedDone', { name: g.name })),
    onError: (err) => void message.error(errorMessage(err)),
    onSettled: () => qc.invalidateQueries({ queryKey: MONITORING_KEYS.gateways(enterpriseId ?? '') }),
  });
  const confirmRevoke = (g: Gateway) =>
    modal.confirm({
      title: t('monitoring.gateways.revokeTitle', { name: g.name }),
      content: t('monitoring.gateways.revokeBody'),
      okText: t('monitoring.gateways.revokeOk'),
      okButtonProps: { danger: true, 'data-testid': 'gateway-revoke-confirm' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: () => revoke.mutateAsync(g),
    });

  const statusTag = (g: Gateway) =>
    g.status === 'revoked' ? (
      <Tag data-testid={`gateway-status-${g.id}`} data-status="revoked">
        {t('monitoring.gateways.revoked')}
      </Tag>
    ) : (
      <Tag color="green" data-testid={`gateway-status-${g.id}`} data-status="active">
        {t('monitoring.gateways.active')}
      </Tag>
    );
  const revokeButton = (g: Gateway) =>
    manage && g.status === 'active' ? (
      <Button
        size="small"
        danger
        icon={<StopOutlined />}
        onClick={() => confirmRevoke(g)}
        data-testid={`gateway-revoke-${g.id}`}
      >
        {t('monitoring.gateways.revoke')}
      </Button>
    ) : null;
  const lastSeen = (g: Gateway) => (g.lastSeenAt ? formatDateTime(g.lastSeenAt) : t('monitoring.gateways.never'));

  const items = list.data?.items ?? [];
  return (
    <>
      <SetupScreen
        title={t('monitoring.gateways.title')}
        setup={setup}
        error={list.error}
        action={
          manage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setRegistering(true)}
              data-testid="gateway-new"
            >
              {t('monitoring.gateways.register')}
            </Button>
          )
        }
      >
        <ResponsiveList<Gateway>
          testId="gateway-list"
          loading={list.isPending}
          items={items}
          rowKey="id"
          emptyText={t('monitoring.gateways.empty')}
          rowTestId={(g) => `gateway-${g.id}`}
          cardExtra={revokeButton}
          renderCard={(g) => (
            <div style={{ minWidth: 0 }}>
              <div>
                <Typography.Text strong>{g.name}</Typography.Text> {statusTag(g)}
              </div>
              <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                {t('monitoring.gateways.lastSeen')}: {lastSeen(g)}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                {t('monitoring.gateways.createdAt')}: {formatDateTime(g.createdAt)}
              </Typography.Text>
            </div>
          )}
          columns={[
            { title: t('monitoring.gateways.name'), dataIndex: 'name', key: 'name' },
            {
              title: t('monitoring.gateways.id'),
              key: 'id',
              render: (_, g) => (
                <Typography.Text copyable={{ text: g.id }} style={{ fontSize: 12 }} code>
                  {g.id}
                </Typography.Text>
              ),
            },
            {
              title: t('monitoring.gateways.createdAt'),
              key: 'createdAt',
              render: (_, g) => formatDateTime(g.createdAt),
            },
            { title: t('monitoring.gateways.lastSeen'), key: 'lastSeen', render: (_, g) => lastSeen(g) },
            {
              title: t('monitoring.gateways.status'),
              key: 'status',
              render: (_, g) => (
                <>
                  {statusTag(g)}
                  <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                    {g.revokedAt
                      ? t('monitoring.gateways.revokedAt', { time: formatDateTime(g.revokedAt) })
                      : t('monitoring.gateways.tokenHint', { hint: g.tokenHint })}
                  </Typography.Text>
                </>
              ),
            },
            ...(manage
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, g: Gateway) => revokeButton(g),
                  },
                ]
              : []),
          ]}
        />
      </SetupScreen>
      {enterpriseId && (
        <RegisterModal
          open={registering}
          enterpriseId={enterpriseId}
          onClose={() => setRegistering(false)}
          onCreated={(g) => {
            setRegistering(false);
            setCreated(g);
            void qc.invalidateQueries({ queryKey: MONITORING_KEYS.gateways(enterpriseId) });
          }}
        />
      )}
      <TokenModal gateway={created} connection={list.data?.connection ?? null} onClose={() => setCreated(null)} />
    </>
  );
}

function RegisterModal({
  open,
  enterpriseId,
  onClose,
  onCreated,
}: {
  open: boolean;
  enterpriseId: string;
  onClose: () => void;
  onCreated: (g: Gateway & { token: string }) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<{ name: string }>();
  const create = useMutation({
    mutationFn: (name: string) => monitoringApi.createGateway(enterpriseId, name),
    onSuccess: (g) => {
      form.resetFields();
      onCreated(g);
    },
    onError: (err) => {
      if (isApiError(err) && err.fields.length) applyFieldErrors(form, serverFieldErrors(err.fields), ['name']);
      else form.setFields([{ name: 'name', errors: [errorMessage(err)] }]);
    },
  });
  return (
    <Modal
      open={open}
      title={t('monitoring.gateways.register')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('monitoring.gateways.register')}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'gateway-submit' } as ButtonProps}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v.name.trim())}>
        <Form.Item name="name" label={t('monitoring.gateways.name')} rules={[zodRule(gatewayName)]} required>
          <Input
            maxLength={100}
            placeholder={t('monitoring.gateways.namePlaceholder')}
            data-testid="gateway-name"
            autoFocus
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The token, once, with everything the device needs: MQTT topic, username, password, and the HTTP alternative. */
function TokenModal({
  gateway,
  connection,
  onClose,
}: {
  gateway: (Gateway & { token: string }) | null;
  connection: GatewayConnection | null;
  onClose: () => void;
}) {
  const t = useT();
  if (!gateway) return null;
  const topic = `${connection?.topicPrefix ?? 'fangxian/v1/readings/'}${gateway.id}`;
  const httpUrl = `${window.location.origin}${connection?.httpPath ?? '/api/ingest/readings'}`;
  const copy = (text: string) => ({ text, tooltips: [t('common.copy'), t('common.copied')] });
  const payload = `{"readings":[{"point":"<${t('monitoring.gateways.pointCode')}>","ts":"2026-06-15T10:00:00+08:00","value":0.32}]}`;
  return (
    <Modal
      open
      title={t('monitoring.gateways.tokenTitle', { name: gateway.name })}
      onOk={onClose}
      onCancel={onClose}
      okText={t('monitoring.gateways.done')}
      okButtonProps={{ 'data-testid': 'gateway-token-done' } as ButtonProps}
      cancelButtonProps={{ style: { display: 'none' } }}
      mask={{ closable: false }}
      width={640}
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        title={t('monitoring.gateways.tokenOnce')}
        description={t('monitoring.gateways.tokenOnceHint')}
        style={{ marginBottom: 12 }}
      />
      <Typography.Text type="secondary">{t('monitoring.gateways.token')}</Typography.Text>
      <Typography.Paragraph
        copyable={copy(gateway.token)}
        code
        data-testid="gateway-token"
        style={{ fontSize: 15, wordBreak: 'break-all' }}
      >
        {gateway.token}
      </Typography.Paragraph>
      <Descriptions
        size="small"
        column={1}
        bordered
        title={t('monitoring.gateways.mqtt')}
        data-testid="gateway-mqtt"
        styles={{ label: { whiteSpace: 'nowrap' }, content: { wordBreak: 'break-all' } }}
        items={[
          {
            key: 'broker',
            label: t('monitoring.gateways.broker'),
            children:
              connection && !connection.externalBroker && connection.mqttPort
                ? t('monitoring.gateways.brokerEmbedded', { host: window.location.hostname, port: connection.mqttPort })
                : t('monitoring.gateways.brokerExternal'),
          },
          {
            key: 'topic',
            label: t('monitoring.gateways.topic'),
            children: (
              <Typography.Text copyable={copy(topic)} code data-testid="gateway-topic">
                {topic}
              </Typography.Text>
            ),
          },
          {
            key: 'username',
            label: t('monitoring.gateways.username'),
            children: (
              <Typography.Text copyable={copy(gateway.id)} code data-testid="gateway-username">
                {gateway.id}
              </Typography.Text>
            ),
          },
          {
            key: 'password',
            label: t('monitoring.gateways.password'),
            children: t('monitoring.gateways.passwordIsToken'),
          },
          { key: 'qos', label: t('monitoring.gateways.qos'), children: '1' },
          {
            key: 'payload',
            label: t('monitoring.gateways.payload'),
            children: <Typography.Text code>{payload}</Typography.Text>,
          },
        ]}
      />
      <Descriptions
        size="small"
        column={1}
        bordered
        style={{ marginTop: 12 }}
        title={t('monitoring.gateways.http')}
        styles={{ label: { whiteSpace: 'nowrap' }, content: { wordBreak: 'break-all' } }}
        items={[
          {
            key: 'url',
            label: 'POST',
            children: (
              <Typography.Text copyable={copy(httpUrl)} code data-testid="gateway-http">
                {httpUrl}
              </Typography.Text>
            ),
          },
          { key: 'hint', label: 'Authorization', children: t('monitoring.gateways.httpHint') },
        ]}
      />
    </Modal>
  );
}
