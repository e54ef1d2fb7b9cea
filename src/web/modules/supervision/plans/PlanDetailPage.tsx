import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useIsPhone } from '../../../shared/hooks';
import { useCan } from '../../auth/api';
import { type PlanDetail, type PlanVisit, planApi, usePlan, usePlanMutation, usePlanVisits } from './api';
import { buttonProps, EnterpriseSelect, planError } from './common';
import { MonthChart } from './MonthChart';
import { StatusTag } from './PlansPage';

const TIER_COLOR = { high: 'red', general: 'orange', low: 'green' } as const;
const STATUS_COLOR = { planned: 'blue', done: 'green', cancelled: 'default' } as const;

type Dialog = { kind: 'move' | 'done' | 'remove'; visit: PlanVisit } | { kind: 'add' } | null;

function VisitDialog({ plan, dialog, onClose }: { plan: PlanDetail; dialog: Dialog; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ date?: dayjs.Dayjs; reason?: string; enterpriseId?: string }>();
  const save = usePlanMutation(async (v: { date?: dayjs.Dayjs; reason?: string; enterpriseId?: string }) => {
    if (!dialog) return null;
    const date = v.date?.format('YYYY-MM-DD');
    if (dialog.kind === 'add')
      return planApi.addVisit(plan.id, { enterpriseId: v.enterpriseId ?? '', date: date ?? '' });
    if (dialog.kind === 'move') return planApi.updateVisit(dialog.visit.id, { version: dialog.visit.version, date });
    if (dialog.kind === 'done')
      return planApi.updateVisit(dialog.visit.id, { version: dialog.visit.version, status: 'done', doneOn: date });
    return planApi.cancelVisit(dialog.visit.id, { version: dialog.visit.version, reason: v.reason ?? '' });
  });
  if (!dialog) return null;
  const title =
    dialog.kind === 'add'
      ? t('supervision.plans.addVisit')
      : `${t(`supervision.plans.${dialog.kind === 'done' ? 'markDone' : dialog.kind}`)} · ${dialog.visit.enterpriseName}`;
  const yearStart = dayjs(`${plan.year}-01-01`);
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={buttonProps('visit-dialog-ok', { loading: save.isPending })}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={
          dialog.kind === 'add'
            ? {}
            : dialog.kind === 'done'
              ? { date: dayjs().isBefore(dayjs(dialog.visit.plannedDate)) ? dayjs() : dayjs(dialog.visit.plannedDate) }
              : { date: dayjs(dialog.visit.plannedDate) }
        }
        onFinish={(v) =>
          save.mutate(v, {
            onSuccess: () => {
              message.success(t('supervision.plans.saved'));
              onClose();
            },
            onError: (err) => message.error(planError(err, t)),
          })
        }
      >
        {dialog.kind === 'add' && (
          <Form.Item name="enterpriseId" label={t('supervision.plans.enterprise')} rules={[{ required: true }]}>
            <EnterpriseSelect departmentId={plan.departmentId} testId="add-visit-enterprise" />
          </Form.Item>
        )}
        {dialog.kind !== 'remove' && (
          <Form.Item
            name="date"
            label={dialog.kind === 'done' ? t('supervision.plans.doneOn') : t('supervision.plans.newDate')}
            rules={[{ required: true }]}
          >
            <DatePicker
              style={{ width: '100%' }}
              data-testid="visit-date"
              disabledDate={(d) =>
                dialog.kind === 'done'
                  ? d.isAfter(dayjs(), 'day')
                  : d.year() !== plan.year || d.day() === 0 || d.day() === 6
              }
              defaultPickerValue={yearStart}
              inputReadOnly
            />
          </Form.Item>
        )}
        {dialog.kind === 'remove' && (
          <Form.Item
            name="reason"
            label={t('supervision.plans.removeReason')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input.TextArea rows={3} maxLength={500} data-testid="remove-reason" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function Visits({ plan }: { plan: PlanDetail }) {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const phone = useIsPhone();
  const { message } = App.useApp();
  const [month, setMonth] = useState<number | undefined>(undefined);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState<Dialog>(null);
  const visits = usePlanVisits(plan.id, { month, q, page, pageSize: 20 });
  const undo = usePlanMutation((v: PlanVisit) => planApi.updateVisit(v.id, { version: v.version, status: 'planned' }));
  const manage = can('plan.manage');
  return (
    <Card
      size="small"
      title={t('supervision.plans.visits')}
      style={{ marginTop: 12 }}
      extra={
        manage && (
          <Button size="small" onClick={() => setDialog({ kind: 'add' })} data-testid="add-visit">
            {t('supervision.plans.addVisit')}
          </Button>
        )
      }
    >
      <div className="fx-toolbar">
        <Select<number | undefined>
          value={month}
          allowClear
          placeholder={t('supervision.plans.allMonths')}
          style={{ width: 120 }}
          onChange={(m) => {
            setMonth(m);
            setPage(1);
          }}
          options={Array.from({ length: 12 }, (_, i) => ({
            value: i + 1,
            label: t('supervision.plans.month', { m: i + 1 }),
          }))}
          data-testid="visits-month"
        />
        <Input.Search
          allowClear
          placeholder={t('supervision.plans.searchEnterprise')}
          style={{ maxWidth: 260 }}
          onSearch={(v) => {
            setQ(v);
            setPage(1);
          }}
        />
      </div>
      <Table<PlanVisit>
        size="small"
        rowKey="id"
        data-testid="visits-table"
        loading={visits.isFetching}
        dataSource={visits.data?.items ?? []}
        scroll={phone ? { x: 640 } : undefined}
        pagination={{
          current: page,
          pageSize: 20,
          total: visits.data?.total ?? 0,
          onChange: setPage,
          size: 'small',
          showSizeChanger: false,
          showTotal: (total) => t('common.total', { total }),
        }}
        columns={[
          {
            title: t('supervision.plans.enterprise'),
            render: (_, v) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/enterprises/${v.enterpriseId}`}>{v.enterpriseName}</Link>
                {v.jointVisitId && (
                  <Tag color="purple" data-testid="joint-tag">
                    {t('supervision.plans.jointWith', {
                      names: v.jointDepartments.map((d) => (lang === 'en' ? d.nameEn : d.name)).join('、'),
                    })}
                  </Tag>
                )}
              </Space>
            ),
          },
          {
            title: t('supervision.plans.tiers'),
            dataIndex: 'tier',
            width: 70,
            render: (tier: PlanVisit['tier']) => (
              <Tag color={TIER_COLOR[tier]}>{t(`supervision.plans.tierShort.${tier}`)}</Tag>
            ),
          },
          { title: t('supervision.plans.date'), dataIndex: 'plannedDate', width: 110 },
          {
            title: t('common.status'),
            width: 120,
            render: (_, v) => (
              <Space orientation="vertical" size={0}>
                <Tag color={STATUS_COLOR[v.status]}>{t(`supervision.plans.visitStatus.${v.status}`)}</Tag>
                {v.doneOn && <small>{v.doneOn}</small>}
                {v.inspectionId && (
                  <Link to={`/inspections/${v.inspectionId}`} data-testid="visit-inspection">
                    <small>{t('supervision.plans.doneByInspection', { code: v.inspectionCode ?? '' })}</small>
                  </Link>
                )}
                {v.cancelReason && <small>{v.cancelReason}</small>}
                {v.source === 'added' && <small>{t('supervision.plans.added')}</small>}
              </Space>
            ),
          },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  width: 200,
                  render: (_: unknown, v: PlanVisit) =>
                    v.status === 'planned' ? (
                      <Space wrap size={4}>
                        <Button
                          size="small"
                          onClick={() => setDialog({ kind: 'move', visit: v })}
                          data-testid="visit-move"
                        >
                          {t('supervision.plans.move')}
                        </Button>
                        <Button
                          size="small"
                          onClick={() => setDialog({ kind: 'done', visit: v })}
                          data-testid="visit-done"
                        >
                          {t('supervision.plans.markDone')}
                        </Button>
                        <Button
                          size="small"
                          danger
                          onClick={() => setDialog({ kind: 'remove', visit: v })}
                          data-testid="visit-remove"
                        >
                          {t('supervision.plans.remove')}
                        </Button>
                      </Space>
                    ) : v.status === 'done' ? (
                      <Button
                        size="small"
                        loading={undo.isPending}
                        onClick={() => undo.mutate(v, { onError: (err) => message.error(planError(err, t)) })}
                      >
                        {t('supervision.plans.undoDone')}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      <VisitDialog plan={plan} dialog={dialog} onClose={() => setDialog(null)} />
    </Card>
  );
}

export default function PlanDetailPage() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const { message, modal } = App.useApp();
  const { id = '' } = useParams();
  const plan = usePlan(id);
  const approve = usePlanMutation((p: PlanDetail) => planApi.approve(p.id, p.version));
  if (plan.isPending)
    return (
      <div className="fx-center">
        <Spin size="large" />
      </div>
    );
  if (plan.error) return <Alert type="error" showIcon title={errorMessage(plan.error)} />;
  const p = plan.data;
  const overdue = p.months.reduce((s, m) => s + m.overdue, 0);
  return (
    <>
      <h1 className="fx-page-title">
        {lang === 'en' ? p.departmentNameEn : p.departmentName} · {p.year} <StatusTag status={p.status} />
        {p.isDemo && <Tag color="gold">{t('common.demo')}</Tag>}
      </h1>
      <div className="fx-toolbar">
        <Link to="/supervision/plans">{t('common.back')}</Link>
        <span className="fx-grow" />
        {p.approvedAt && p.approvedByName && (
          <small>
            {t('supervision.plans.approvedBy', { name: p.approvedByName, at: formatDateTime(p.approvedAt) })}
          </small>
        )}
        {can('plan.approve') && p.status === 'draft' && (
          <Button
            type="primary"
            data-testid="approve-plan"
            loading={approve.isPending}
            onClick={() =>
              modal.confirm({
                title: t('supervision.plans.approve'),
                content: t('supervision.plans.reopenedHint'),
                onOk: () =>
                  approve.mutateAsync(p).then(
                    () => message.success(t('supervision.plans.approved')),
                    (err) => message.error(planError(err, t)),
                  ),
              })
            }
          >
            {t('supervision.plans.approve')}
          </Button>
        )}
      </div>
      <Row gutter={[12, 12]}>
        {[
          { key: 'capacity', value: p.capacity, suffix: `/ ${p.capacityDays}` },
          { key: 'planned', value: p.planned },
          { key: 'done', value: p.done, color: '#389e0d' },
          { key: 'overdue', value: overdue, color: overdue ? '#cf1322' : undefined },
          { key: 'remaining', value: p.remainingCapacity },
          { key: 'coverage', value: p.coverage.covered, suffix: `/ ${p.coverage.supervised}` },
        ].map((s) => (
          <Col xs={12} md={8} xl={4} key={s.key}>
            <Card size="small" data-testid={`plan-stat-${s.key}`}>
              <Statistic
                title={t(`supervision.plans.${s.key as 'capacity'}`)}
                value={s.value}
                suffix={s.suffix}
                styles={{ content: { color: s.color, fontWeight: 600 } }}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <p style={{ color: '#8c8c8c', fontSize: 12, marginTop: 8 }}>
        {t('supervision.plans.formula')} ·{' '}
        {t('supervision.plans.tierSources', { credit: p.tierSources.credit ?? 0, derived: p.tierSources.derived ?? 0 })}
      </p>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={16}>
          <Card size="small" title={t('supervision.plans.chartTitle')}>
            <MonthChart months={p.months} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('supervision.plans.tiers')}>
            {p.tiers.map((tier) => (
              <div key={tier.tier} style={{ marginBottom: 6 }}>
                <Tag color={TIER_COLOR[tier.tier]}>{t(`supervision.plans.tier.${tier.tier}`)}</Tag>
                <span>{t('supervision.plans.tierRow', tier)}</span>
              </div>
            ))}
          </Card>
          <Card size="small" title={t('supervision.plans.uncovered')} style={{ marginTop: 12 }} data-testid="uncovered">
            {p.uncovered.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              p.uncovered.map((u) => (
                <div key={u.enterpriseId} style={{ marginBottom: 4 }}>
                  <Link to={`/enterprises/${u.enterpriseId}`}>{u.enterpriseName}</Link>{' '}
                  <Tag color={TIER_COLOR[u.tier]}>{t(`supervision.plans.tierShort.${u.tier}`)}</Tag>
                  <small>
                    {t(`supervision.plans.uncoveredReason.${u.reason}`, {
                      required: u.required,
                      available: u.available,
                    })}
                  </small>
                </div>
              ))
            )}
          </Card>
        </Col>
      </Row>
      <Visits plan={p} />
    </>
  );
}
