import {
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  InputNumber,
  Modal,
  Progress,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Tag,
} from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { datesOfYear, dayOfWeek } from '../../../../core/supervision/calendar';
import { inspectionCapacity, inspectionsFromCapacity } from '../../../../core/supervision/plan';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { useIsPhone } from '../../../shared/hooks';
import { useCan, useMe } from '../../auth/api';
import { useDepartments } from '../../org/api';
import {
  currentYear,
  type GenerateBody,
  type PlanList,
  type PlanSettings,
  planApi,
  usePlanMutation,
  usePlanSettings,
  usePlans,
} from './api';
import { buttonProps, planError, YearSelect } from './common';

export function StatusTag({ status }: { status: 'draft' | 'approved' }) {
  const t = useT();
  return <Tag color={status === 'approved' ? 'green' : 'gold'}>{t(`supervision.plans.status.${status}`)}</Tag>;
}

/** Legal workdays from the calendar and the county's holiday settings (the server counts the same way). */
function calendarWorkdays(year: number, s: PlanSettings | undefined): number {
  const holidays = new Set(s?.holidays ?? []);
  const working = new Set(s?.workingWeekends ?? []);
  return datesOfYear(year).filter((d) => {
    if (holidays.has(d)) return false;
    const w = dayOfWeek(d);
    return (w !== 0 && w !== 6) || working.has(d);
  }).length;
}

type GenerateForm = Omit<GenerateBody, 'year'>;

function GenerateModal({ year, open, onClose }: { year: number; open: boolean; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const me = useMe();
  const settings = usePlanSettings();
  const departments = useDepartments();
  const [form] = Form.useForm<GenerateForm>();
  const values = Form.useWatch([], form) as Partial<GenerateForm> | undefined;
  const ownDepartment = me.data?.user.department;
  const generate = usePlanMutation((b: GenerateBody) => planApi.generate(b));
  const workdays = values?.legalWorkdays ?? calendarWorkdays(year, settings.data);
  const per = settings.data?.inspectorDaysPerInspection ?? 2;
  const days = inspectionCapacity({
    legalWorkdays: workdays,
    inspectors: Math.max(0, values?.inspectors ?? 0),
    otherEnforcementDays: Math.max(0, values?.otherEnforcementDays ?? 0),
    nonEnforcementDays: Math.max(0, values?.nonEnforcementDays ?? 0),
  });
  return (
    <Modal
      open={open}
      title={`${t('supervision.plans.generateTitle')} · ${year}`}
      onCancel={onClose}
      okText={t('supervision.plans.generate')}
      okButtonProps={buttonProps('generate-submit', { loading: generate.isPending })}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<GenerateForm>
        form={form}
        layout="vertical"
        initialValues={{ inspectors: 4, otherEnforcementDays: 0, nonEnforcementDays: 0 }}
        onFinish={(v) =>
          generate.mutate(
            { ...v, year, ...(ownDepartment ? { departmentId: undefined } : {}) },
            {
              onSuccess: (plan) => {
                message.success(t('common.saved'));
                onClose();
                navigate(`/supervision/plans/${plan.id}`);
              },
              onError: (err) => message.error(planError(err, t)),
            },
          )
        }
      >
        {!ownDepartment && (
          <Form.Item name="departmentId" label={t('supervision.plans.department')} rules={[{ required: true }]}>
            <Select
              data-testid="generate-department"
              loading={departments.isPending}
              options={(departments.data ?? []).map((d) => ({
                value: d.id,
                label: lang === 'en' ? d.name_en : d.name_zh,
              }))}
            />
          </Form.Item>
        )}
        <Form.Item name="inspectors" label={t('supervision.plans.inspectors')} rules={[{ required: true }]}>
          <InputNumber min={0} max={10000} precision={0} style={{ width: '100%' }} data-testid="generate-inspectors" />
        </Form.Item>
        <Form.Item
          name="legalWorkdays"
          label={t('supervision.plans.legalWorkdays')}
          extra={t('supervision.plans.legalWorkdaysHint')}
        >
          <InputNumber
            min={0}
            max={366}
            precision={0}
            style={{ width: '100%' }}
            placeholder={String(calendarWorkdays(year, settings.data))}
          />
        </Form.Item>
        <Form.Item
          name="otherEnforcementDays"
          label={t('supervision.plans.otherDays')}
          extra={t('supervision.plans.otherDaysHint')}
          rules={[{ required: true }]}
        >
          <InputNumber min={0} max={100000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="nonEnforcementDays"
          label={t('supervision.plans.nonDays')}
          extra={t('supervision.plans.nonDaysHint')}
          rules={[{ required: true }]}
        >
          <InputNumber min={0} max={100000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <p style={{ color: '#595959', fontSize: 12 }}>{t('supervision.plans.formula')}</p>
        <p data-testid="capacity-preview">
          <b>{t('supervision.plans.capacityPreview', { days, n: inspectionsFromCapacity(days, per), per })}</b>
        </p>
      </Form>
    </Modal>
  );
}

function PlanCards({ data }: { data: PlanList }) {
  const t = useT();
  const lang = useLang();
  return (
    <Row gutter={[12, 12]}>
      {data.items.map((p) => (
        <Col xs={24} md={12} xl={8} key={p.id}>
          <Link to={`/supervision/plans/${p.id}`} data-testid="plan-card">
            <Card
              size="small"
              hoverable
              title={lang === 'en' ? p.departmentNameEn : p.departmentName}
              extra={
                <>
                  {p.isDemo && <Tag color="gold">{t('common.demo')}</Tag>}
                  <StatusTag status={p.status} />
                </>
              }
            >
              <Space orientation="vertical" style={{ width: '100%' }} size={4}>
                <span>
                  {t('supervision.plans.capacity')}：
                  {t('supervision.plans.capacityValue', { n: p.capacity, days: p.capacityDays })}
                </span>
                <span>
                  {t('supervision.plans.planned')} {p.planned} · {t('supervision.plans.done')} {p.done} ·{' '}
                  <span style={{ color: p.overdue ? '#cf1322' : undefined }}>
                    {t('supervision.plans.overdue')} {p.overdue}
                  </span>
                </span>
                <Progress percent={p.planned ? Math.round((100 * p.done) / p.planned) : 0} size="small" />
              </Space>
            </Card>
          </Link>
        </Col>
      ))}
    </Row>
  );
}

export default function PlansPage() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const phone = useIsPhone();
  const [year, setYear] = useState(currentYear());
  const [open, setOpen] = useState(false);
  const plans = usePlans(year);
  return (
    <>
      <h1 className="fx-page-title">{t('supervision.plans.title')}</h1>
      <div className="fx-toolbar">
        <YearSelect value={year} onChange={setYear} />
        <span className="fx-grow" />
        <Link to="/supervision/plans/joint">{t('supervision.plans.jointMenu')}</Link>
        {can('plan.manage') && (
          <Button type="primary" onClick={() => setOpen(true)} data-testid="generate-plan">
            {t('supervision.plans.generate')}
          </Button>
        )}
      </div>
      {plans.isPending ? (
        <div className="fx-center">
          <Spin />
        </div>
      ) : plans.error ? (
        <Empty description={errorMessage(plans.error)} />
      ) : plans.data.items.length === 0 ? (
        <Empty description={t('supervision.plans.noPlans')} />
      ) : phone ? (
        <PlanCards data={plans.data} />
      ) : (
        <Table
          size="small"
          rowKey="id"
          data-testid="plans-table"
          dataSource={plans.data.items}
          pagination={false}
          columns={[
            {
              title: t('supervision.plans.department'),
              render: (_, p) => (
                <>
                  <Link to={`/supervision/plans/${p.id}`}>{lang === 'en' ? p.departmentNameEn : p.departmentName}</Link>
                  {p.isDemo && (
                    <Tag color="gold" style={{ marginLeft: 8 }}>
                      {t('common.demo')}
                    </Tag>
                  )}
                </>
              ),
            },
            { title: t('common.status'), render: (_, p) => <StatusTag status={p.status} /> },
            {
              title: t('supervision.plans.capacity'),
              render: (_, p) => t('supervision.plans.capacityValue', { n: p.capacity, days: p.capacityDays }),
            },
            { title: t('supervision.plans.planned'), dataIndex: 'planned' },
            { title: t('supervision.plans.done'), dataIndex: 'done' },
            {
              title: t('supervision.plans.overdue'),
              dataIndex: 'overdue',
              render: (n: number) => <span style={{ color: n ? '#cf1322' : undefined }}>{n}</span>,
            },
            {
              title: '%',
              width: 160,
              render: (_, p) => (
                <Progress percent={p.planned ? Math.round((100 * p.done) / p.planned) : 0} size="small" />
              ),
            },
          ]}
        />
      )}
      {plans.data && plans.data.departmentsWithoutPlan.length > 0 && (
        <Card size="small" title={t('supervision.plans.withoutPlan')} style={{ marginTop: 12 }}>
          <Space wrap>
            {plans.data.departmentsWithoutPlan.map((d) => (
              <Tag key={d.id}>{lang === 'en' ? d.nameEn : d.name}</Tag>
            ))}
          </Space>
        </Card>
      )}
      <GenerateModal year={year} open={open} onClose={() => setOpen(false)} />
    </>
  );
}
