import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, DatePicker, Form, Input, Modal, Radio } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import type { HazardAction, HazardLevel } from '../../../../core/hazards/workflow';
import { type MessageKey, useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { HAZARD_KEYS, type HazardDetail, hazardApi } from '../api';
import { testIdProps } from '../testId';
import { PhotoUpload } from './Photos';

/** What an action form needs of the hazard: which one, its version (optimistic lock) and level. */
export interface ActionTarget {
  id: string;
  code: string;
  version: number;
  level: HazardLevel;
  deadline: string | null;
}

const KNOWN = [
  'plan',
  'interimMeasures',
  'reason',
  'note',
  'evidenceFileIds',
  'newDeadline',
  'requestedDeadline',
  'approved',
];

export function actionLabel(action: HazardAction, level: HazardLevel): MessageKey {
  return action === 'close' && level === 'major' ? 'hazards.closeMajor' : `hazards.action.${action}`;
}

type Values = {
  plan?: { owner: string; measures: string; funds: string; deadline: Dayjs; contingency: string };
  interimMeasures?: string;
  reason?: string;
  note?: string;
  evidenceFileIds?: string[];
  newDeadline?: Dayjs;
  requestedDeadline?: Dayjs;
  approved?: boolean;
};

const day = (d: Dayjs | undefined) => (d ? d.format('YYYY-MM-DD') : undefined);

/** The payload the API expects for each action (core `actionPayloadSchemas`), from the form's values. */
function payloadOf(action: HazardAction, v: Values): Record<string, unknown> {
  switch (action) {
    case 'confirm':
      return {
        plan: v.plan ? { ...v.plan, deadline: day(v.plan.deadline) } : undefined,
        interimMeasures: v.interimMeasures,
      };
    case 'reject':
      return { reason: v.reason };
    case 'submit':
      return { note: v.note || undefined, evidenceFileIds: v.evidenceFileIds ?? [] };
    case 'return':
      return { reason: v.reason, newDeadline: day(v.newDeadline) };
    case 'verify':
      return { note: v.note || undefined, evidenceFileIds: v.evidenceFileIds ?? [] };
    case 'close':
      return { note: v.note || undefined };
    case 'request_extension':
      return { reason: v.reason, requestedDeadline: day(v.requestedDeadline) };
    case 'decide_extension':
      return {
        approved: v.approved === true,
        newDeadline: v.approved ? day(v.newDeadline) : undefined,
        reason: v.reason || undefined,
      };
  }
}

/**
 * The form of one workflow step (report → confirm → submit → verify → close, and return / reject / extensions),
 * posted to `POST /api/hazards/:id/actions` with the version read. Field errors from the server land on their
 * fields; a stale version says so and reloads the hazard.
 */
export function ActionModal({
  target,
  action,
  onClose,
  onDone,
}: {
  target: ActionTarget | null;
  action: HazardAction | null;
  onClose: () => void;
  onDone?: (d: HazardDetail) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const approved = Form.useWatch('approved', form);
  const open = target !== null && action !== null;

  useEffect(() => {
    if (open) {
      form.resetFields();
      setError(null);
    }
  }, [open, form]);

  if (!target || !action) return null;
  const notPast = (d: Dayjs) => d.isBefore(dayjs().startOf('day'));
  const afterDeadline = (d: Dayjs) =>
    notPast(d) || (target.deadline !== null && !d.isAfter(dayjs(target.deadline), 'day'));
  const required = [{ required: true, message: t('fieldErrors.required') }];
  const text = (name: string | string[], label: MessageKey, opts: { req?: boolean; rows?: number } = {}) => (
    <Form.Item name={name} label={t(label)} rules={opts.req ? required : []}>
      <Input.TextArea
        autoSize={{ minRows: opts.rows ?? 2, maxRows: 8 }}
        maxLength={2000}
        data-testid={`act-${Array.isArray(name) ? name.join('-') : name}`}
      />
    </Form.Item>
  );

  const fields = () => {
    switch (action) {
      case 'confirm':
        return (
          <>
            {text(['plan', 'owner'], 'hazards.fields.planOwner', { req: true, rows: 1 })}
            {text(['plan', 'measures'], 'hazards.fields.planMeasures', { req: true })}
            {text(['plan', 'funds'], 'hazards.fields.planFunds', { req: true, rows: 1 })}
            <Form.Item name={['plan', 'deadline']} label={t('hazards.fields.planDeadline')} rules={required}>
              <DatePicker style={{ width: '100%' }} disabledDate={notPast} data-testid="act-plan-deadline" />
            </Form.Item>
            {text(['plan', 'contingency'], 'hazards.fields.planContingency', { req: true })}
            {text('interimMeasures', 'hazards.fields.interimMeasures', { req: true })}
          </>
        );
      case 'reject':
        return text('reason', 'hazards.fields.reason', { req: true });
      case 'submit':
        return (
          <>
            {text('note', 'hazards.fields.submission', { req: target.level === 'major' })}
            <Form.Item
              name="evidenceFileIds"
              label={t('hazards.fields.evidence')}
              rules={
                target.level === 'major'
                  ? [{ required: true, type: 'array', min: 1, message: t('hazards.form.evidenceRequired') }]
                  : []
              }
            >
              <PhotoUpload testId="act-evidence" accept="image/*,application/pdf" />
            </Form.Item>
          </>
        );
      case 'return':
        return (
          <>
            {text('reason', 'hazards.fields.reason', { req: true })}
            <Form.Item name="newDeadline" label={t('hazards.fields.newDeadline')}>
              <DatePicker style={{ width: '100%' }} disabledDate={notPast} />
            </Form.Item>
          </>
        );
      case 'verify':
        return (
          <>
            {text('note', 'hazards.fields.verifyOpinion')}
            <Form.Item name="evidenceFileIds" label={t('hazards.fields.photos')}>
              <PhotoUpload testId="act-verify-photos" />
            </Form.Item>
          </>
        );
      case 'close':
        return text('note', 'hazards.fields.note');
      case 'request_extension':
        return (
          <>
            {text('reason', 'hazards.fields.reason', { req: true })}
            <Form.Item name="requestedDeadline" label={t('hazards.fields.requestedDeadline')} rules={required}>
              <DatePicker style={{ width: '100%' }} disabledDate={afterDeadline} />
            </Form.Item>
          </>
        );
      case 'decide_extension':
        return (
          <>
            <Form.Item name="approved" label={t('hazards.fields.approved')} rules={required}>
              <Radio.Group
                options={[
                  { value: true, label: t('hazards.form.approve') },
                  { value: false, label: t('hazards.form.deny') },
                ]}
              />
            </Form.Item>
            {approved === true && (
              <Form.Item name="newDeadline" label={t('hazards.fields.newDeadline')} rules={required}>
                <DatePicker style={{ width: '100%' }} disabledDate={afterDeadline} />
              </Form.Item>
            )}
            {text('reason', 'hazards.fields.note')}
          </>
        );
    }
  };

  const submit = async () => {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const d = await hazardApi.act(target.id, { action, version: target.version, ...payloadOf(action, values) });
      qc.setQueryData(HAZARD_KEYS.detail(d.id), d);
      await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
      message.success(t('hazards.form.done', { action: t(actionLabel(action, target.level)) }));
      onDone?.(d);
      onClose();
    } catch (err) {
      if (isApiError(err, 'STALE_VERSION') || isApiError(err, 'ILLEGAL_ACTION')) {
        await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
      }
      if (isApiError(err) && err.fields.length) {
        const rest = applyFieldErrors(form, serverFieldErrors(err.fields), KNOWN);
        if (rest.length) setError(rest.map((f) => f.text).join('；'));
      } else if (isApiError(err) && typeof err.extra.field === 'string') {
        setError(`${errorMessage(err)}：${err.extra.field}`);
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={`${t(actionLabel(action, target.level))} · ${target.code}`}
      onCancel={onClose}
      onOk={() => void submit()}
      confirmLoading={busy}
      okButtonProps={testIdProps('act-ok')}
      destroyOnHidden
      width={560}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" requiredMark>
        {fields()}
      </Form>
    </Modal>
  );
}
