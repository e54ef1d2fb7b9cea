import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Radio, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { AlarmUserAction } from '../../../../core/monitoring';
import { useT } from '../../../app/i18n';
import { api } from '../../../shared/api';
import { errorMessage } from '../../../shared/errors';
import { type Alarm, MONITORING_KEYS, monitoringApi } from '../api';

interface HazardForm {
  level: 'general' | 'major';
  deadline?: Dayjs | null;
  measures?: string;
  note?: string;
}

/**
 * The buttons for what this user may do to this alarm now — exactly the server's `allowedActions` (core
 * alarm-workflow table), so an officer never sees a button that would be refused. Acknowledge takes an optional
 * note; a forced close needs a reason; turning into a hazard asks for the hazard's level and deadline.
 */
export function AlarmActions({
  alarm,
  size = 'middle',
  withHazard = false,
}: {
  alarm: Alarm;
  size?: 'small' | 'middle' | 'large';
  /** Offer "turn into hazard" (detail page); lists keep to acknowledge and close. */
  withHazard?: boolean;
}) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState<AlarmUserAction | null>(null);
  const [form] = Form.useForm<{ note?: string; reason?: string } & Partial<HazardForm>>();
  const act = useMutation({
    mutationFn: async (values: { note?: string; reason?: string } & Partial<HazardForm>) => {
      if (open === 'to_hazard') {
        return api<Alarm & { hazard?: { id?: string; code?: string; status?: string } }>(
          `/api/alarms/${encodeURIComponent(alarm.id)}/actions`,
          {
            method: 'POST',
            body: {
              action: 'to_hazard',
              note: values.note?.trim() || undefined,
              hazard: {
                level: values.level ?? 'general',
                rectification: {
                  deadline: values.deadline ? values.deadline.format('YYYY-MM-DD') : undefined,
                  measures: values.measures?.trim() || undefined,
                },
              },
            },
          },
        );
      }
      // The version goes with a forced close only (a decision about the alarm as shown). An active alarm's version
      // moves with every reading, so acknowledging with it would fail again and again during an excursion; the
      // server's workflow table refuses an acknowledgement that no longer applies anyway.
      return monitoringApi.act(
        alarm.id,
        open === 'close'
          ? { action: 'close', version: alarm.version, reason: values.reason?.trim() ?? '' }
          : { action: 'acknowledge', note: values.note?.trim() || undefined },
      );
    },
    onSuccess: (res) => {
      if (open === 'close') message.success(t('monitoring.actions.closed', { code: alarm.code }));
      else if (open === 'to_hazard') {
        const h = (res as { hazard?: { code?: string; status?: string } }).hazard;
        message.success(
          h?.status === 'requested'
            ? t('monitoring.actions.hazardRequested')
            : t('monitoring.actions.hazardCreated', { code: h?.code ?? '' }),
        );
      } else message.success(t('monitoring.actions.acknowledged', { code: alarm.code }));
      setOpen(null);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: MONITORING_KEYS.all });
    },
    // The alarm changed meanwhile (cleared, acknowledged by someone else): show its current state and actions.
    onError: () => void qc.invalidateQueries({ queryKey: MONITORING_KEYS.all }),
  });

  const cancel = () => {
    setOpen(null);
    act.reset();
  };
  const allowed = (alarm.allowedActions ?? []).filter((a) => withHazard || a !== 'to_hazard');
  if (allowed.length === 0) return null;

  const title =
    open === 'close'
      ? t('monitoring.actions.closeTitle', { code: alarm.code })
      : open === 'to_hazard'
        ? t('monitoring.actions.toHazardTitle', { code: alarm.code })
        : t('monitoring.actions.acknowledgeTitle', { code: alarm.code });

  return (
    <>
      <Space size={6} wrap>
        {allowed.includes('acknowledge') && (
          <Button
            type="primary"
            size={size}
            onClick={() => setOpen('acknowledge')}
            data-testid={`alarm-acknowledge-${alarm.code}`}
          >
            {t('monitoring.actions.acknowledge')}
          </Button>
        )}
        {allowed.includes('to_hazard') && (
          <Button size={size} onClick={() => setOpen('to_hazard')} data-testid={`alarm-to-hazard-${alarm.code}`}>
            {t('monitoring.actions.to_hazard')}
          </Button>
        )}
        {allowed.includes('close') && (
          <Button danger size={size} onClick={() => setOpen('close')} data-testid={`alarm-close-${alarm.code}`}>
            {t('monitoring.actions.close')}
          </Button>
        )}
      </Space>
      <Modal
        open={open !== null}
        title={title}
        onCancel={cancel}
        destroyOnHidden
        footer={[
          <Button key="cancel" onClick={cancel}>
            {t('common.cancel')}
          </Button>,
          <Button
            key="ok"
            type="primary"
            danger={open === 'close'}
            loading={act.isPending}
            onClick={() => form.submit()}
            data-testid="alarm-action-submit"
          >
            {open ? t(`monitoring.actions.${open}`) : ''}
          </Button>,
        ]}
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          {alarm.enterpriseName ? `${alarm.enterpriseName} · ` : ''}
          {alarm.point ? `${alarm.point.name}(${alarm.point.code})` : ''}
        </Typography.Paragraph>
        {open === 'close' && (
          <Alert type="warning" showIcon title={t('monitoring.actions.closeWarning')} style={{ marginBottom: 12 }} />
        )}
        {act.error && <Alert type="error" showIcon title={errorMessage(act.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={(v) => act.mutate(v)} initialValues={{ level: 'general' }}>
          {open === 'to_hazard' && (
            <>
              <Form.Item name="level" label={t('monitoring.actions.hazardLevel')}>
                <Radio.Group>
                  <Radio value="general">{t('monitoring.actions.hazardGeneral')}</Radio>
                  <Radio value="major">{t('monitoring.actions.hazardMajor')}</Radio>
                </Radio.Group>
              </Form.Item>
              <Form.Item name="deadline" label={t('monitoring.actions.deadline')}>
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="measures" label={t('monitoring.actions.measures')}>
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
            </>
          )}
          {open === 'close' ? (
            <Form.Item
              name="reason"
              label={t('monitoring.actions.reason')}
              rules={[{ required: true, whitespace: true, message: t('monitoring.actions.reasonRequired') }]}
            >
              <Input.TextArea
                rows={3}
                maxLength={500}
                placeholder={t('monitoring.actions.reasonPlaceholder')}
                data-testid="alarm-action-reason"
              />
            </Form.Item>
          ) : (
            <Form.Item name="note" label={t('monitoring.actions.note')}>
              <Input.TextArea
                rows={3}
                maxLength={500}
                placeholder={t('monitoring.actions.notePlaceholder')}
                data-testid="alarm-action-note"
              />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
