import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { EXEMPT_INSPECTION_KINDS } from '../../../../core/supervision/entry-rules';
import { useLang, useT } from '../../../app/i18n';
import { type ApiError, isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { useMe } from '../../auth/api';
import { EnterprisePicker } from '../../hazards/components/EnterprisePicker';
import { useDepartments } from '../../org/api';
import { INSPECTION_KEYS, type InspectionKind, inspectionApi, KINDS } from './api';

interface Values {
  enterpriseId: string;
  kind: InspectionKind;
  /** `YYYY-MM-DDTHH:mm`, local time of the device. */
  plannedAt: string;
  departmentIds: string[];
  inspectorIds: string[];
  unannounced: boolean;
  exemptionReason?: string;
}
const RULE_CODES = ['QUIET_PERIOD', 'CAP_EXCEEDED', 'TOO_MANY_INSPECTORS'] as const;
type RuleCode = (typeof RULE_CODES)[number];
const isRuleRefusal = (err: unknown): err is ApiError & { code: RuleCode } =>
  isApiError(err) && (RULE_CODES as readonly string[]).includes(err.code);

/**
 * 安排检查: enterprise, kind, time, departments, inspectors, 四不两直, and the exemption reason required for every
 * kind but routine. A refusal by the rules of entry (409) is shown in the form, naming the rule with the server's
 * own words (its numbers); nothing is written.
 */
export function ScheduleForm({
  open,
  onClose,
  enterpriseId,
}: {
  open: boolean;
  onClose: () => void;
  enterpriseId?: string;
}) {
  const t = useT();
  const lang = useLang();
  const me = useMe();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [refusal, setRefusal] = useState<(ApiError & { code: RuleCode }) | null>(null);
  const kind = Form.useWatch('kind', form) ?? 'routine';
  const departments = useDepartments();
  const user = me.data?.user;
  const chosenDepartments = Form.useWatch('departmentIds', form) ?? [];
  // Candidates from the scheduler's own unit (the server decides: county all, a department or township its own).
  const officers = useQuery({
    queryKey: INSPECTION_KEYS.inspectors,
    queryFn: () => inspectionApi.inspectors(),
    enabled: open,
    staleTime: 60_000,
  });
  // A department officer goes in only for a participating department (the server refuses the others).
  const candidates = (officers.data?.items ?? []).filter(
    (u) => u.role !== 'dept_officer' || (u.departmentId !== null && chosenDepartments.includes(u.departmentId)),
  );
  const unitOf = (u: (typeof candidates)[number]) => (lang === 'en' ? u.departmentNameEn : u.departmentName);
  const inspectorOptions = [
    ...(user ? [{ value: user.id, label: t('supervision.inspections.me', { name: user.displayName }) }] : []),
    ...candidates
      .filter((u) => u.id !== user?.id)
      .map((u) => ({ value: u.id, label: unitOf(u) ? `${u.displayName}（${unitOf(u)}）` : u.displayName })),
  ];
  const deptOptions = (departments.data ?? []).map((d) => ({
    value: d.id,
    label: lang === 'en' ? d.name_en : d.name_zh,
  }));

  const schedule = useMutation({
    mutationFn: (v: Values) =>
      inspectionApi.schedule({
        enterpriseId: v.enterpriseId,
        kind: v.kind,
        plannedAt: new Date(v.plannedAt).toISOString(),
        departmentIds: v.departmentIds ?? [],
        inspectorIds: v.inspectorIds,
        unannounced: v.unannounced ?? false,
        ...(v.kind !== 'routine' && v.exemptionReason ? { exemptionReason: v.exemptionReason.trim() } : {}),
      }),
    onSuccess: (r) => {
      message.success(t('supervision.inspections.scheduled', { code: r.code }));
      void qc.invalidateQueries({ queryKey: INSPECTION_KEYS.all });
      form.resetFields();
      onClose();
      navigate(`/inspections/${r.id}`);
    },
    onError: (err) => {
      if (isRuleRefusal(err)) {
        setRefusal(err);
        return;
      }
      if (isApiError(err) && err.fields.length) {
        const rest = applyFieldErrors(form, serverFieldErrors(err.fields), [
          'enterpriseId',
          'kind',
          'plannedAt',
          'departmentIds',
          'inspectorIds',
          'exemptionReason',
        ]);
        if (rest.length === 0) return;
      }
      message.error(errorMessage(err));
    },
  });

  const ruleMessage = (err: ApiError) => {
    const en = typeof err.extra.messageEn === 'string' ? err.extra.messageEn : undefined;
    return lang === 'en' && en ? en : err.message;
  };

  return (
    <Modal
      open={open}
      title={t('supervision.inspections.scheduleTitle')}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
      width={560}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onValuesChange={() => setRefusal(null)}
        initialValues={{
          enterpriseId,
          kind: 'routine',
          unannounced: false,
          departmentIds: user?.department ? [user.department.id] : [],
          inspectorIds: user ? [user.id] : [],
        }}
        onFinish={(v) => schedule.mutate(v)}
      >
        <Form.Item name="enterpriseId" label={t('supervision.inspections.enterprise')} rules={[{ required: true }]}>
          <EnterprisePicker testId="sched-enterprise" />
        </Form.Item>
        <Form.Item name="kind" label={t('supervision.inspections.kindLabel')} rules={[{ required: true }]}>
          <Select
            data-testid="sched-kind"
            options={KINDS.map((k) => ({ value: k, label: t(`supervision.inspections.kind.${k}`) }))}
          />
        </Form.Item>
        {(EXEMPT_INSPECTION_KINDS as readonly string[]).includes(kind) && (
          <Form.Item
            name="exemptionReason"
            label={t('supervision.inspections.exemptionReason')}
            extra={t('supervision.inspections.exemptionReasonHint')}
            rules={[{ required: true, whitespace: true, message: t('supervision.inspections.exemptionRequired') }]}
          >
            <Input.TextArea rows={2} maxLength={1000} data-testid="sched-reason" />
          </Form.Item>
        )}
        <Form.Item name="plannedAt" label={t('supervision.inspections.plannedAt')} rules={[{ required: true }]}>
          {/* The phone's own date-time picker; the value is the device's local time. */}
          <Input type="datetime-local" data-testid="sched-date" />
        </Form.Item>
        <Form.Item
          name="departmentIds"
          label={t('supervision.inspections.departments')}
          rules={[
            { required: user?.role !== 'town_officer', type: 'array', min: user?.role === 'town_officer' ? 0 : 1 },
          ]}
        >
          <Select
            mode="multiple"
            options={deptOptions}
            // Typing a department's name finds it (AntD filters on the value, a uuid, by default).
            optionFilterProp="label"
            loading={departments.isLoading}
            data-testid="sched-departments"
          />
        </Form.Item>
        <Form.Item
          name="inspectorIds"
          label={t('supervision.inspections.inspectors')}
          extra={t('supervision.inspections.inspectorsHint')}
          rules={[{ required: true, type: 'array', min: 1 }]}
        >
          <Select
            mode="multiple"
            options={inspectorOptions}
            optionFilterProp="label"
            loading={officers.isLoading}
            data-testid="sched-inspectors"
          />
        </Form.Item>
        <Form.Item
          name="unannounced"
          label={t('supervision.inspections.unannounced')}
          valuePropName="checked"
          extra={t('supervision.inspections.unannouncedHint')}
        >
          <Switch data-testid="sched-unannounced" />
        </Form.Item>
        {refusal && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="schedule-refused"
            data-code={refusal.code}
            title={`${t('supervision.inspections.refused')}：${t(`supervision.inspections.refusedRule.${refusal.code}`)}`}
            description={
              <>
                <div data-testid="schedule-refused-message">{ruleMessage(refusal)}</div>
                {refusal.code !== 'TOO_MANY_INSPECTORS' && (
                  <Typography.Text type="secondary">{t('supervision.inspections.refusedHint')}</Typography.Text>
                )}
              </>
            }
          />
        )}
        <Button type="primary" htmlType="submit" block loading={schedule.isPending} data-testid="sched-submit">
          {t('supervision.inspections.schedule')}
        </Button>
      </Form>
    </Modal>
  );
}
