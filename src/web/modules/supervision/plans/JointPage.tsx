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
  Space,
  Spin,
  Table,
  Tag,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useIsPhone } from '../../../shared/hooks';
import { useCan, useMe } from '../../auth/api';
import {
  currentYear,
  type DeptRef,
  type JointDecision,
  type JointProposal,
  type JointSide,
  planApi,
  useJoint,
  usePlanMutation,
} from './api';
import { buttonProps, planError, YearSelect } from './common';

type Dialog = { kind: 'accept' | 'decline'; proposal: JointProposal } | null;

export default function JointPage() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const phone = useIsPhone();
  const { message } = App.useApp();
  const [year, setYear] = useState(currentYear());
  const [dialog, setDialog] = useState<Dialog>(null);
  const [form] = Form.useForm<{ date?: dayjs.Dayjs; reason?: string }>();
  const joint = useJoint(year);
  const decide = usePlanMutation(async (v: { date?: dayjs.Dayjs; reason?: string }) => {
    if (!dialog) return null;
    const ids = dialog.proposal.visits.map((x) => x.id);
    return dialog.kind === 'accept'
      ? planApi.accept(ids, v.date?.format('YYYY-MM-DD'))
      : planApi.decline(ids, v.reason ?? '');
  });
  const dept = (d: DeptRef) => (lang === 'en' ? d.nameEn : d.name);
  const me = useMe();
  const ownDepartment = me.data?.user.department?.id ?? null;
  const side = (a: JointSide) =>
    t(a.onBehalf ? 'supervision.plans.joint.sideOnBehalf' : 'supervision.plans.joint.sideAccepted', {
      dept: dept(a.department),
      date: a.date,
    });
  return (
    <>
      <h1 className="fx-page-title">{t('supervision.plans.joint.title')}</h1>
      <div className="fx-toolbar">
        <YearSelect value={year} onChange={setYear} />
        <span className="fx-grow" />
        <Link to="/supervision/plans">{t('supervision.plans.menu')}</Link>
      </div>
      {joint.isPending ? (
        <div className="fx-center">
          <Spin />
        </div>
      ) : joint.error ? (
        <Alert type="error" showIcon title={errorMessage(joint.error)} />
      ) : (
        <>
          <Alert
            type="info"
            showIcon
            title={t('supervision.plans.joint.intro', { days: joint.data.windowDays })}
            style={{ marginBottom: 12 }}
          />
          {joint.data.items.length === 0 ? (
            <Empty description={t('supervision.plans.joint.none')} />
          ) : (
            <Row gutter={[12, 12]}>
              {joint.data.items.map((p) => (
                <Col xs={24} md={12} xl={8} key={p.key}>
                  <Card
                    size="small"
                    data-testid="joint-proposal"
                    title={<Link to={`/enterprises/${p.enterpriseId}`}>{p.enterpriseName}</Link>}
                    actions={
                      can('plan.manage')
                        ? [
                            <Button
                              key="accept"
                              type="link"
                              data-testid="joint-accept"
                              // A department accepts once; the county office accepts for those still awaited.
                              disabled={
                                ownDepartment !== null && p.accepted.some((a) => a.department.id === ownDepartment)
                              }
                              onClick={() => {
                                form.setFieldsValue({ date: dayjs(p.agreedDate ?? p.proposedDate) });
                                setDialog({ kind: 'accept', proposal: p });
                              }}
                            >
                              {t('supervision.plans.joint.accept')}
                            </Button>,
                            <Button
                              key="decline"
                              type="link"
                              danger
                              data-testid="joint-decline"
                              onClick={() => {
                                form.resetFields();
                                setDialog({ kind: 'decline', proposal: p });
                              }}
                            >
                              {t('supervision.plans.joint.decline')}
                            </Button>,
                          ]
                        : undefined
                    }
                  >
                    <p>
                      {t('supervision.plans.joint.proposedDate')}：<b>{p.proposedDate}</b>
                    </p>
                    <Space orientation="vertical" size={2}>
                      {p.visits.map((v) => (
                        <span key={v.id}>
                          <Tag>{dept(v.department)}</Tag>
                          {t('supervision.plans.joint.plannedDates')} {v.date}
                        </span>
                      ))}
                      {p.accepted.map((a) => (
                        <Tag color="green" key={a.department.id} data-testid="joint-side">
                          {side(a)}
                        </Tag>
                      ))}
                      {p.accepted.length > 0 && p.waitingFor.length > 0 && (
                        <small data-testid="joint-waiting">
                          {t('supervision.plans.joint.waitingFor', { names: p.waitingFor.map(dept).join('、') })}
                        </small>
                      )}
                    </Space>
                  </Card>
                </Col>
              ))}
            </Row>
          )}
          <Card size="small" title={t('supervision.plans.joint.decisions')} style={{ marginTop: 12 }}>
            <Table<JointDecision>
              size="small"
              rowKey="key"
              dataSource={joint.data.decisions}
              pagination={{ pageSize: 10, size: 'small' }}
              scroll={phone ? { x: 600 } : undefined}
              columns={[
                { title: t('supervision.plans.enterprise'), dataIndex: 'enterpriseName' },
                {
                  title: t('supervision.plans.joint.departments'),
                  render: (_, d) => d.departments.map((x) => <Tag key={x.id}>{dept(x)}</Tag>),
                },
                {
                  title: t('common.status'),
                  render: (_, d) => (
                    <Space orientation="vertical" size={0}>
                      <Tag color={d.status === 'accepted' ? 'purple' : 'default'}>
                        {t(`supervision.plans.joint.decision.${d.status}`)}
                      </Tag>
                      {d.reason && <small>{d.reason}</small>}
                      {d.accepted.map((a) => (
                        <small key={a.department.id}>{side(a)}</small>
                      ))}
                    </Space>
                  ),
                },
                {
                  title: t('common.updatedAt'),
                  render: (_, d) =>
                    t('supervision.plans.joint.decidedBy', { name: d.decidedByName, at: formatDateTime(d.decidedAt) }),
                },
              ]}
            />
          </Card>
        </>
      )}
      <Modal
        open={dialog !== null}
        title={
          dialog?.kind === 'accept' ? t('supervision.plans.joint.acceptTitle') : t('supervision.plans.joint.decline')
        }
        onCancel={() => setDialog(null)}
        onOk={() => form.submit()}
        okButtonProps={buttonProps('joint-ok', { loading: decide.isPending })}
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) =>
            decide.mutate(v, {
              onSuccess: (r) => {
                const pending = r !== null && 'status' in r && r.status === 'pending';
                message.success(
                  t(
                    dialog?.kind !== 'accept'
                      ? 'supervision.plans.joint.declined'
                      : pending
                        ? 'supervision.plans.joint.acceptedPending'
                        : 'supervision.plans.joint.accepted',
                  ),
                );
                setDialog(null);
              },
              onError: (err) => message.error(planError(err, t)),
            })
          }
        >
          {dialog?.kind === 'accept' ? (
            <Form.Item
              name="date"
              label={t('supervision.plans.joint.proposedDate')}
              rules={[{ required: true }]}
              extra={
                dialog.proposal.agreedDate
                  ? t('supervision.plans.joint.agreedDate', { date: dialog.proposal.agreedDate })
                  : undefined
              }
            >
              <DatePicker
                disabled={dialog.proposal.agreedDate !== null}
                style={{ width: '100%' }}
                inputReadOnly
                disabledDate={(d) => d.year() !== year || d.day() === 0 || d.day() === 6}
              />
            </Form.Item>
          ) : (
            <Form.Item
              name="reason"
              label={t('supervision.plans.joint.declineReason')}
              rules={[{ required: true, whitespace: true }]}
            >
              <Input.TextArea rows={3} maxLength={500} data-testid="joint-reason" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
