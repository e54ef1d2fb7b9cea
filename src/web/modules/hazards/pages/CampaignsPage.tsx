import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Empty, Input, List, Modal, Progress, Row, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useIsPhone } from '../../../shared/hooks';
import { useMe } from '../../auth/api';
import { useSectors } from '../../org/api';
import { type Campaign, type CampaignDetail, type CampaignTask, HAZARD_KEYS, hazardApi, type TaskStatus } from '../api';

const TASK_COLOR: Record<TaskStatus, string> = { pending: 'orange', nothing_found: 'green', hazards_found: 'red' };

function ProgressLine({ c }: { c: Campaign }) {
  const t = useT();
  const p = c.progress;
  return (
    <div>
      <Progress percent={Math.round(p.answeredRate * 100)} size="small" status={p.late > 0 ? 'exception' : 'normal'} />
      <Space size={[4, 4]} wrap style={{ fontSize: 12 }}>
        <span>
          {t('hazards.campaigns.answered')} {p.answered}/{p.tasks}
        </span>
        {p.late > 0 && <Tag color="red">{`${t('hazards.campaigns.late')} ${p.late}`}</Tag>}
        <Tag>{`${t('hazards.campaigns.hazardsFound')} ${p.hazardsFound}`}</Tag>
      </Space>
    </div>
  );
}

/** The enterprise's side: its tasks, answered "nothing found" or by recording the hazards found. */
function MyTasks() {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const tasks = useQuery({ queryKey: HAZARD_KEYS.tasks(''), queryFn: () => hazardApi.tasks('') });
  const [answering, setAnswering] = useState<CampaignTask | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const answer = async () => {
    if (!answering) return;
    setBusy(true);
    try {
      await hazardApi.answerTask(answering.id, { version: answering.version, note: note.trim() });
      await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
      setAnswering(null);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  if (tasks.error) return <Alert type="error" showIcon title={errorMessage(tasks.error)} />;
  return (
    <Card size="small" title={t('hazards.campaigns.myTasks')}>
      <List<CampaignTask>
        loading={tasks.isFetching}
        dataSource={tasks.data?.items ?? []}
        locale={{ emptyText: t('hazards.campaigns.none') }}
        renderItem={(task) => (
          <List.Item
            actions={
              task.status === 'pending'
                ? [
                    <Button
                      key="nothing"
                      size="small"
                      onClick={() => {
                        setNote('');
                        setAnswering(task);
                      }}
                    >
                      {t('hazards.campaigns.answerNothing')}
                    </Button>,
                    <Button
                      key="record"
                      size="small"
                      type="primary"
                      onClick={() => navigate(`/hazards/new?campaignTaskId=${task.id}`)}
                    >
                      {t('hazards.campaigns.recordHazard')}
                    </Button>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              title={
                <Space wrap size={4}>
                  <span>{task.campaignCode}</span>
                  <Tag color={TASK_COLOR[task.status]}>{t(`hazards.campaigns.taskStatus.${task.status}`)}</Tag>
                  {task.late && <Tag color="red">{t('hazards.campaigns.late')}</Tag>}
                </Space>
              }
              description={
                <>
                  <div style={{ whiteSpace: 'pre-wrap' }}>{task.instruction}</div>
                  <div>
                    {t('hazards.campaigns.deadline')}：{task.deadline}
                  </div>
                </>
              }
            />
          </List.Item>
        )}
      />
      <Modal
        open={answering !== null}
        title={t('hazards.campaigns.answerNothing')}
        onCancel={() => setAnswering(null)}
        onOk={() => void answer()}
        confirmLoading={busy}
      >
        <Input.TextArea
          autoSize={{ minRows: 3 }}
          maxLength={2000}
          placeholder={t('hazards.campaigns.answerNote')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
    </Card>
  );
}

/** 举一反三 progress board: who answered, who is late, how many hazards each campaign found. */
export default function CampaignsPage() {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const me = useMe();
  const sectors = useSectors();
  const [params, setParams] = useSearchParams();
  const [page, setPage] = useState(1);
  const selected = params.get('id');
  const list = useQuery({ queryKey: HAZARD_KEYS.campaigns(page), queryFn: () => hazardApi.campaigns(page) });
  const detail = useQuery({
    queryKey: HAZARD_KEYS.campaign(selected ?? ''),
    queryFn: () => hazardApi.campaign(selected ?? ''),
    enabled: selected !== null,
  });
  const sectorName = (code: string) => {
    const s = sectors.data?.find((x) => x.code === code);
    return s ? (lang === 'en' ? s.name_en : s.name_zh) : code;
  };
  const enterpriseUser = me.data?.user.enterprise != null;
  const d: CampaignDetail | undefined = detail.data;

  return (
    <>
      <h1 className="fx-page-title">{t('hazards.campaigns.title')}</h1>
      {enterpriseUser && (
        <div style={{ marginBottom: 12 }}>
          <MyTasks />
        </div>
      )}
      {list.error && <Alert type="error" showIcon title={errorMessage(list.error)} />}
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={10}>
          <Card size="small">
            <List<Campaign>
              loading={list.isFetching}
              dataSource={list.data?.items ?? []}
              locale={{ emptyText: t('hazards.campaigns.none') }}
              pagination={{
                current: page,
                pageSize: 20,
                total: list.data?.total ?? 0,
                size: 'small',
                onChange: setPage,
              }}
              renderItem={(c) => (
                <List.Item
                  onClick={() => setParams({ id: c.id }, { replace: true })}
                  style={{ cursor: 'pointer', background: c.id === selected ? '#e6f4ff' : undefined, display: 'block' }}
                >
                  <div style={{ fontWeight: 600 }}>{c.code}</div>
                  <div style={{ fontSize: 13, color: '#555' }}>
                    {c.instruction.length > 60 ? `${c.instruction.slice(0, 60)}…` : c.instruction}
                  </div>
                  <div style={{ fontSize: 12, color: '#888' }}>
                    {c.sectors.map(sectorName).join('、')} · {t('hazards.campaigns.deadline')} {c.deadline}
                  </div>
                  <ProgressLine c={c} />
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          {!selected && <Empty />}
          {detail.error && <Alert type="error" showIcon title={errorMessage(detail.error)} />}
          {d && (
            <Card size="small" title={d.code}>
              <p style={{ whiteSpace: 'pre-wrap' }}>{d.instruction}</p>
              <Space wrap style={{ marginBottom: 8, fontSize: 13 }}>
                <span>
                  {t('hazards.campaigns.startedBy')}：{d.startedBy} · {formatDateTime(d.createdAt)}
                </span>
                {d.sourceHazardId && <Link to={`/hazards/${d.sourceHazardId}`}>{t('hazards.campaigns.source')}</Link>}
              </Space>
              <ProgressLine c={d} />
              <Table
                rowKey="id"
                size="small"
                style={{ marginTop: 8 }}
                dataSource={d.tasks}
                pagination={{ pageSize: 20, size: 'small' }}
                scroll={phone ? { x: 560 } : undefined}
                columns={[
                  {
                    title: t('hazards.fields.enterprise'),
                    dataIndex: 'enterpriseName',
                    render: (n: string, r) => <Link to={`/enterprises/${r.enterpriseId}`}>{n}</Link>,
                  },
                  {
                    title: t('hazards.fields.status'),
                    width: 170,
                    render: (_: unknown, r) => (
                      <Space size={[0, 4]} wrap>
                        <Tag color={TASK_COLOR[r.status]}>{t(`hazards.campaigns.taskStatus.${r.status}`)}</Tag>
                        {r.late && <Tag color="red">{t('hazards.campaigns.late')}</Tag>}
                      </Space>
                    ),
                  },
                  { title: t('hazards.campaigns.hazardsFound'), dataIndex: 'hazardCount', width: 90, align: 'right' },
                  {
                    title: t('hazards.campaigns.answered'),
                    width: 150,
                    render: (_: unknown, r) => (r.answeredAt ? formatDateTime(r.answeredAt) : '—'),
                  },
                ]}
              />
            </Card>
          )}
        </Col>
      </Row>
    </>
  );
}
