import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { SecretModal } from '../../../shared/SecretModal';
import { type ApiToken, authApi, TOKENS_KEY } from '../api';

/** Personal API tokens: list, create (the secret is shown once), revoke. */
export function TokensCard() {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string }>();
  const [secret, setSecret] = useState<string | null>(null);

  const tokens = useQuery({ queryKey: TOKENS_KEY, queryFn: authApi.tokens });
  const create = useMutation({
    mutationFn: (name: string) => authApi.createToken(name),
    onSuccess: (r) => {
      setSecret(r.token);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: TOKENS_KEY });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => authApi.revokeToken(id),
    onSuccess: () => {
      message.success(t('tokens.revoked'));
      void qc.invalidateQueries({ queryKey: TOKENS_KEY });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  return (
    <Card title={t('tokens.title')}>
      <Typography.Paragraph type="secondary">{t('tokens.hint')}</Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={(v) => create.mutate(v.name.trim())} style={{ marginBottom: 16 }}>
        <Form.Item
          name="name"
          rules={[{ required: true, whitespace: true, message: t('fieldErrors.required') }]}
          style={{ flex: '1 1 200px', marginBottom: 8 }}
        >
          <Input placeholder={t('tokens.namePlaceholder')} maxLength={100} data-testid="token-name" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="token-create">
          {t('tokens.create')}
        </Button>
      </Form>
      <Table<ApiToken>
        rowKey="id"
        size="small"
        loading={tokens.isPending}
        dataSource={tokens.data?.items ?? []}
        pagination={false}
        scroll={{ x: 640 }}
        columns={[
          { title: t('tokens.name'), dataIndex: 'name' },
          { title: t('tokens.prefix'), dataIndex: 'prefix', render: (p: string) => <code>{p}…</code> },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => formatDateTime(v) },
          {
            title: t('tokens.lastUsed'),
            dataIndex: 'last_used_at',
            render: (v: string | null) => (v ? formatDateTime(v) : '—'),
          },
          {
            title: t('common.status'),
            key: 'status',
            render: (_: unknown, r) =>
              r.revoked_at ? (
                <Tag>{t('tokens.statusRevoked')}</Tag>
              ) : (
                <Tag color="green">{t('tokens.statusActive')}</Tag>
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, r) =>
              r.revoked_at ? null : (
                <Space>
                  <Popconfirm title={t('tokens.revokeConfirm')} onConfirm={() => revoke.mutate(r.id)}>
                    <Button size="small" danger>
                      {t('tokens.revoke')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <SecretModal
        open={secret !== null}
        title={t('tokens.createdTitle')}
        secret={secret}
        hint={t('tokens.createdHint')}
        onClose={() => setSecret(null)}
      />
    </Card>
  );
}
