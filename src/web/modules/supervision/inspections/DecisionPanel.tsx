import { useMutation } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, InputNumber, List, Select, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useCan } from '../../auth/api';
import {
  AT_SITE,
  DECISION_KINDS,
  type DecisionBody,
  type DecisionKind,
  type InspectionDetail,
  inspectionApi,
} from './api';

interface Values {
  kind: DecisionKind;
  fineYuan?: number;
  suspensionScope?: string;
  suspensionUntil?: string;
  legalBasis: string;
  facts: string;
}

/** 执法决定 (warning, fine with amount, suspension, referral to police), each with its legal basis. */
export function DecisionPanel({ inspection, onChanged }: { inspection: InspectionDetail; onChanged: () => void }) {
  const t = useT();
  const can = useCan();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [adding, setAdding] = useState(false);
  const kind = Form.useWatch('kind', form);
  const editable =
    can('enforcement.decide') &&
    inspection.canConduct &&
    ['in_progress', 'completed', 'documents_issued'].includes(inspection.status);

  const decide = useMutation({
    ...AT_SITE,
    mutationFn: (v: Values) => {
      const body: DecisionBody = { kind: v.kind, legalBasis: v.legalBasis, facts: v.facts };
      if (v.kind === 'fine' && v.fineYuan !== undefined) body.fineYuan = v.fineYuan;
      if (v.kind === 'suspension') {
        if (v.suspensionScope) body.suspensionScope = v.suspensionScope;
        if (v.suspensionUntil) body.suspensionUntil = v.suspensionUntil;
      }
      return inspectionApi.decide(inspection.id, body);
    },
    onSuccess: (d) => {
      message.success(t('supervision.inspections.decided', { number: d.number }));
      form.resetFields();
      setAdding(false);
      onChanged();
    },
    onError: (err) => {
      if (isApiError(err) && err.fields.length) {
        applyFieldErrors(form, serverFieldErrors(err.fields), [
          'kind',
          'fineYuan',
          'suspensionScope',
          'suspensionUntil',
          'legalBasis',
          'facts',
        ]);
      }
      message.error(errorMessage(err));
    },
  });

  if (!editable && inspection.decisions.length === 0) return null;
  return (
    <Card
      size="small"
      title={t('supervision.inspections.decisions')}
      style={{ marginBottom: 12 }}
      data-testid="decisions"
    >
      <List
        size="small"
        dataSource={inspection.decisions}
        locale={{ emptyText: ' ' }}
        renderItem={(d) => (
          <List.Item>
            <div>
              <Typography.Text strong>
                {d.number} · {t(`supervision.inspections.decisionKind.${d.kind}`)}
                {d.fineYuan !== null && ` ${d.fineYuan.toLocaleString()} 元`}
              </Typography.Text>
              <div>{d.facts}</div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('supervision.inspections.legalBasis')}：{d.legalBasis} · {d.decidedBy} {formatDateTime(d.decidedAt)}
              </Typography.Text>
            </div>
          </List.Item>
        )}
      />
      {editable && !adding && (
        <Button block onClick={() => setAdding(true)} data-testid="decision-add">
          {t('supervision.inspections.decisionAdd')}
        </Button>
      )}
      {editable && adding && (
        <Form form={form} layout="vertical" onFinish={(v) => decide.mutate(v)} initialValues={{ kind: 'warning' }}>
          <Form.Item name="kind" label={t('supervision.inspections.decisionKindLabel')} rules={[{ required: true }]}>
            <Select
              options={DECISION_KINDS.map((k) => ({ value: k, label: t(`supervision.inspections.decisionKind.${k}`) }))}
            />
          </Form.Item>
          {kind === 'fine' && (
            <Form.Item name="fineYuan" label={t('supervision.inspections.fineYuan')} rules={[{ required: true }]}>
              <InputNumber min={1} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          )}
          {kind === 'suspension' && (
            <>
              <Form.Item
                name="suspensionScope"
                label={t('supervision.inspections.suspensionScope')}
                rules={[{ required: true, whitespace: true }]}
              >
                <Input maxLength={500} />
              </Form.Item>
              <Form.Item name="suspensionUntil" label={t('supervision.inspections.suspensionUntil')}>
                <Input type="date" />
              </Form.Item>
            </>
          )}
          <Form.Item
            name="legalBasis"
            label={t('supervision.inspections.legalBasis')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input placeholder={t('supervision.inspections.legalBasisPlaceholder')} maxLength={1000} />
          </Form.Item>
          <Form.Item
            name="facts"
            label={t('supervision.inspections.facts')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input.TextArea rows={3} maxLength={5000} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={decide.isPending}>
            {t('supervision.inspections.decisionAdd')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
