import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  InputNumber,
  List,
  Modal,
  Row,
  Space,
  Spin,
  Statistic,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useCan } from '../../auth/api';
import type { EnterpriseTabProps } from '../../enterprises/tabs';
import { TierTag } from '../inspections/Tags';
import { CREDIT_KEYS, creditApi, type EntryRules, type EntryRulesPut, supervisionSettings } from './api';
import { HistoryChart } from './HistoryChart';

/** The enterprise detail tab 信用与分级: score, tier, mode, every contribution, history, rules of entry. */
export default function CreditTab({ enterprise }: EnterpriseTabProps) {
  const t = useT();
  const lang = useLang();
  const credit = useQuery({
    queryKey: CREDIT_KEYS.credit(enterprise.id),
    queryFn: () => creditApi.credit(enterprise.id),
  });
  const history = useQuery({
    queryKey: CREDIT_KEYS.history(enterprise.id),
    queryFn: () => creditApi.history(enterprise.id),
  });
  const settings = useQuery({ queryKey: ['supervision', 'settings'], queryFn: supervisionSettings, staleTime: 60_000 });
  if (credit.error) return <Alert type="error" showIcon title={errorMessage(credit.error)} />;
  if (!credit.data) return <Spin />;
  const c = credit.data;
  const color = c.tier === 'high' ? '#cf1322' : c.tier === 'general' ? '#d48806' : '#389e0d';
  return (
    <div data-testid="enterprise-credit">
      <Row gutter={[12, 12]}>
        <Col xs={24} md={8}>
          <Card size="small">
            <Statistic
              title={t('supervision.credit.score')}
              value={c.score}
              valueStyle={{ color, fontSize: 40 }}
              suffix={<span style={{ fontSize: 14 }}> / 100</span>}
            />
            <div data-testid="credit-score" hidden>
              {c.score}
            </div>
            <Space wrap style={{ marginTop: 8 }}>
              <TierTag tier={c.tier} />
              <Tag>{t(`supervision.credit.mode.${c.mode}`)}</Tag>
            </Space>
            <Typography.Paragraph style={{ margin: '8px 0 0' }}>
              {t('supervision.credit.frequency', { n: c.minimumFrequency.perYear })}
              {c.minimumFrequency.commitmentRequired && <div>{t('supervision.credit.commitmentRequired')}</div>}
            </Typography.Paragraph>
            {c.forcedHigh && (
              <Alert
                type="error"
                style={{ marginTop: 8 }}
                title={t('supervision.credit.forcedHigh', {
                  reason: lang === 'en' ? c.forcedHigh.en : c.forcedHigh.zh,
                })}
                description={t('supervision.credit.scoreTier', { tier: t(`supervision.credit.tier.${c.scoreTier}`) })}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} md={16}>
          <Card
            size="small"
            title={t('supervision.credit.contributions')}
            extra={<span>{t('supervision.credit.base', { base: c.base })}</span>}
          >
            <List
              size="small"
              dataSource={c.contributions}
              locale={{ emptyText: t('supervision.credit.noContributions') }}
              data-testid="credit-contributions"
              renderItem={(x) => (
                <List.Item data-testid={`contribution-${x.input}`}>
                  <Typography.Text type={x.points < 0 ? 'danger' : 'success'}>
                    {lang === 'en' ? x.detailEn : x.detail}
                  </Typography.Text>
                  {x.capped && <Tag>{t('supervision.credit.capped')}</Tag>}
                </List.Item>
              )}
            />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('supervision.credit.computedAt', { at: formatDateTime(c.computedAt) })}
              {c.stored &&
                ` · ${t('supervision.credit.stored', {
                  score: c.stored.score,
                  tier: t(`supervision.credit.tier.${c.stored.tier}`),
                  at: formatDateTime(c.stored.computedAt),
                })}`}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small" title={t('supervision.credit.history')}>
            {history.error && <Alert type="error" showIcon title={errorMessage(history.error)} />}
            {history.data && history.data.items.length === 0 && (
              <Typography.Text type="secondary">{t('supervision.credit.noHistory')}</Typography.Text>
            )}
            {history.data && history.data.items.length > 0 && (
              <>
                <HistoryChart
                  items={history.data.items}
                  lowMin={settings.data?.credit.lowRiskMinScore ?? 85}
                  generalMin={settings.data?.credit.generalRiskMinScore ?? 60}
                />
                <List
                  size="small"
                  dataSource={history.data.items.slice(0, 10)}
                  renderItem={(h) => (
                    <List.Item>
                      <span>
                        {formatDateTime(h.computedAt)} · {h.score} · <TierTag tier={h.tier} />
                      </span>
                      <Typography.Text type="secondary">
                        {(lang === 'en' ? h.change?.en : h.change?.zh) ||
                          t(
                            `supervision.credit.reason.${h.reason.replaceAll('.', '_')}` as 'supervision.credit.reason.nightly',
                          )}
                      </Typography.Text>
                    </List.Item>
                  )}
                />
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <EntryRulesCard enterpriseId={enterprise.id} />
        </Col>
      </Row>
    </div>
  );
}

function EntryRulesCard({ enterpriseId }: { enterpriseId: string }) {
  const t = useT();
  const can = useCan();
  const [editing, setEditing] = useState(false);
  const q = useQuery({ queryKey: CREDIT_KEYS.entry(enterpriseId), queryFn: () => creditApi.entryRules(enterpriseId) });
  if (q.error) return <Alert type="error" showIcon title={errorMessage(q.error)} />;
  if (!q.data) return <Spin />;
  const r = q.data;
  const src = (k: keyof EntryRules['override']) => (
    <Tag color={k in r.override ? 'blue' : 'default'}>
      {k in r.override ? t('supervision.credit.overridden') : t('supervision.credit.countyDefault')}
    </Tag>
  );
  const qp = r.effective.quietPeriod;
  return (
    <Card
      size="small"
      title={t('supervision.credit.entry')}
      data-testid="entry-rules"
      extra={
        can('plan.manage') && (
          <Button size="small" onClick={() => setEditing(true)} data-testid="entry-edit">
            {t('supervision.credit.editEntry')}
          </Button>
        )
      }
    >
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('supervision.credit.quietPeriod')}>
          <span data-testid="entry-quiet">
            {qp
              ? t('supervision.credit.quietPeriodValue', { from: qp.fromDay, to: qp.toDay })
              : t('supervision.credit.noQuietPeriod')}
          </span>
          {src('quietPeriod')}
        </Descriptions.Item>
        <Descriptions.Item label={t('supervision.credit.capDept')}>
          {t('supervision.credit.times', { n: r.effective.yearlyCapPerDepartment })} {src('yearlyCapPerDepartment')}
        </Descriptions.Item>
        <Descriptions.Item label={t('supervision.credit.capTotal')}>
          {t('supervision.credit.times', { n: r.effective.yearlyCapTotal })} {src('yearlyCapTotal')}
        </Descriptions.Item>
        <Descriptions.Item label={t('supervision.credit.maxInspectors')}>
          {t('supervision.credit.persons', { n: r.effective.maxInspectorsPerVisit })} {src('maxInspectorsPerVisit')}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Text type="secondary">
        {t('supervision.credit.yearCounts', {
          year: r.year,
          routine: r.counts.routine.total,
          exempt: r.counts.exempt.total,
        })}
      </Typography.Text>
      {editing && <EntryRulesModal rules={r} onClose={() => setEditing(false)} />}
    </Card>
  );
}

interface EntryValues {
  hasQuiet: boolean;
  fromDay: number;
  toDay: number;
  yearlyCapPerDepartment: number | null;
  yearlyCapTotal: number | null;
  maxInspectorsPerVisit: number | null;
}

function EntryRulesModal({ rules, onClose }: { rules: EntryRules; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<EntryValues>();
  const hasQuiet = Form.useWatch('hasQuiet', form);
  const save = useMutation({
    mutationFn: (body: EntryRulesPut) => creditApi.putEntryRules(rules.enterpriseId, body),
    onSuccess: (r) => {
      qc.setQueryData(CREDIT_KEYS.entry(rules.enterpriseId), r);
      message.success(t('supervision.credit.saved'));
      onClose();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const qp = rules.effective.quietPeriod;
  const caps = ['yearlyCapPerDepartment', 'yearlyCapTotal', 'maxInspectorsPerVisit'] as const;
  const label = {
    yearlyCapPerDepartment: t('supervision.credit.capDept'),
    yearlyCapTotal: t('supervision.credit.capTotal'),
    maxInspectorsPerVisit: t('supervision.credit.maxInspectors'),
  };
  return (
    <Modal
      open
      title={t('supervision.credit.editEntry')}
      onCancel={onClose}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      footer={(_, { OkBtn, CancelBtn }) => (
        <>
          <Button onClick={() => save.mutate({ version: rules.version, reset: true })}>
            {t('supervision.credit.resetAll')}
          </Button>
          <CancelBtn />
          <OkBtn />
        </>
      )}
    >
      <Form<EntryValues>
        form={form}
        layout="vertical"
        initialValues={{
          hasQuiet: qp !== null,
          fromDay: qp?.fromDay ?? 1,
          toDay: qp?.toDay ?? 15,
          yearlyCapPerDepartment: rules.override.yearlyCapPerDepartment ?? null,
          yearlyCapTotal: rules.override.yearlyCapTotal ?? null,
          maxInspectorsPerVisit: rules.override.maxInspectorsPerVisit ?? null,
        }}
        onFinish={(v) =>
          save.mutate({
            version: rules.version,
            quietPeriod: v.hasQuiet ? { fromDay: v.fromDay, toDay: v.toDay } : null,
            yearlyCapPerDepartment: v.yearlyCapPerDepartment ?? null,
            yearlyCapTotal: v.yearlyCapTotal ?? null,
            maxInspectorsPerVisit: v.maxInspectorsPerVisit ?? null,
          })
        }
      >
        <Form.Item name="hasQuiet" label={t('supervision.credit.hasQuietPeriod')} valuePropName="checked">
          <Switch />
        </Form.Item>
        {hasQuiet && (
          <Space>
            <Form.Item name="fromDay" label={t('supervision.credit.fromDay')} rules={[{ required: true }]}>
              <InputNumber min={1} max={31} precision={0} />
            </Form.Item>
            <Form.Item
              name="toDay"
              label={t('supervision.credit.toDay')}
              dependencies={['fromDay']}
              rules={[
                { required: true },
                ({ getFieldValue }) => ({
                  validator: (_, v: number) =>
                    v >= getFieldValue('fromDay') ? Promise.resolve() : Promise.reject(new Error('≥')),
                }),
              ]}
            >
              <InputNumber min={1} max={31} precision={0} />
            </Form.Item>
          </Space>
        )}
        {caps.map((k) => (
          <Form.Item key={k} name={k} label={label[k]} extra={t('supervision.credit.useDefault')}>
            <InputNumber
              min={1}
              max={k === 'maxInspectorsPerVisit' ? 50 : 366}
              precision={0}
              style={{ width: '100%' }}
            />
          </Form.Item>
        ))}
      </Form>
    </Modal>
  );
}
