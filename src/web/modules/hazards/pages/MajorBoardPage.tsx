import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Empty, Input, Modal, Row, Space, Spin, Statistic, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useT } from '../../../app/i18n';
import { api } from '../../../shared/api';
import { errorMessage } from '../../../shared/errors';
import { formatDate, formatDateTime } from '../../../shared/format';
import { useIsPhone } from '../../../shared/hooks';
import { useMe } from '../../auth/api';
import { HAZARD_KEYS, hazardApi, type Listing, type MajorBoardItem } from '../api';
import { DaysLeftChart, StackedBars } from '../components/Charts';
import { DeadlineTag, HazardStatusTag } from '../components/Tags';

/** 重大事故隐患动态清零: every open major hazard in scope, its plan, days left and listing state. */
export default function MajorBoardPage() {
  const t = useT();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const me = useMe();
  const board = useQuery({ queryKey: HAZARD_KEYS.board({}), queryFn: () => hazardApi.board({}) });
  const listings = useQuery({
    queryKey: HAZARD_KEYS.listings({ status: 'active' }),
    queryFn: () => hazardApi.listings({ status: 'active', pageSize: 100 }),
  });
  const [lifting, setLifting] = useState<Listing | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const county = me.data?.user.role === 'county_admin';

  if (board.isPending) {
    return (
      <div className="fx-center">
        <Spin size="large" />
      </div>
    );
  }
  if (board.error) return <Alert type="error" showIcon title={errorMessage(board.error)} />;
  const { summary, items } = board.data;
  const withDeadline = items.filter((i) => i.daysLeft !== null && i.status === 'rectifying');
  const townships = new Map<string, { name: string; ok: number; overdue: number; awaiting: number }>();
  for (const i of items) {
    const k = i.township?.code ?? '-';
    const g = townships.get(k) ?? { name: i.township?.name ?? '—', ok: 0, overdue: 0, awaiting: 0 };
    if (i.status === 'reported') g.awaiting++;
    else if (i.overdue) g.overdue++;
    else g.ok++;
    townships.set(k, g);
  }
  const groups = [...townships.values()].sort(
    (a, b) => b.ok + b.overdue + b.awaiting - (a.ok + a.overdue + a.awaiting),
  );
  const cards = [
    { key: 'open', value: summary.open, color: '#cf1322', label: t('hazards.board.open') },
    { key: 'awaiting', value: summary.awaitingConfirmation, color: '#d46b08', label: t('hazards.board.awaiting') },
    { key: 'overdue', value: summary.overdue, color: '#a8071a', label: t('hazards.board.overdue') },
    { key: 'listed', value: summary.listed, color: '#722ed1', label: t('hazards.board.listed') },
  ];

  const lift = async () => {
    if (!lifting) return;
    setBusy(true);
    try {
      await api(`/api/hazard-listings/${lifting.id}/lift`, {
        method: 'POST',
        body: { version: lifting.version, reason: reason.trim() },
      });
      await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
      setLifting(null);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 className="fx-page-title">{t('hazards.board.title')}</h1>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {cards.map((c) => (
          <Col xs={12} md={6} key={c.key}>
            <Card size="small" data-testid={`board-${c.key}`}>
              <Statistic title={c.label} value={c.value} styles={{ content: { color: c.color, fontWeight: 600 } }} />
            </Card>
          </Col>
        ))}
      </Row>
      {items.length === 0 ? (
        <Card>
          <Empty description={t('hazards.board.allClear')} />
        </Card>
      ) : (
        <>
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            <Col xs={24} lg={14}>
              <Card size="small" title={t('hazards.board.chartDays')}>
                {withDeadline.length ? (
                  <DaysLeftChart
                    axisName={t('hazards.board.daysAxis')}
                    rows={withDeadline.map((i) => ({
                      id: i.id,
                      label: `${i.enterprise.name} ${i.place}`,
                      daysLeft: i.daysLeft ?? 0,
                    }))}
                    onPick={(id) => navigate(`/hazards/${id}`)}
                  />
                ) : (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
                )}
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card size="small" title={t('hazards.board.chartTownship')}>
                <StackedBars
                  testId="chart-board-township"
                  categories={groups.map((g) => g.name)}
                  series={[
                    { name: t('hazards.status.rectifying'), data: groups.map((g) => g.ok), color: '#1557b0' },
                    { name: t('hazards.board.overdue'), data: groups.map((g) => g.overdue), color: '#cf1322' },
                    { name: t('hazards.board.awaiting'), data: groups.map((g) => g.awaiting), color: '#fa8c16' },
                  ]}
                />
              </Card>
            </Col>
          </Row>
          <Card size="small" style={{ marginBottom: 12 }}>
            <Table<MajorBoardItem>
              rowKey="id"
              size="small"
              data-testid="board-table"
              dataSource={items}
              pagination={{ pageSize: 20, size: 'small' }}
              scroll={{ x: 1000 }}
              columns={[
                {
                  title: t('hazards.fields.code'),
                  dataIndex: 'code',
                  width: 150,
                  render: (c: string, r) => <Link to={`/hazards/${r.id}`}>{c}</Link>,
                },
                {
                  title: t('hazards.fields.enterprise'),
                  render: (_: unknown, r) => (
                    <div>
                      <Link to={`/enterprises/${r.enterprise.id}`}>{r.enterprise.name}</Link>
                      <div style={{ fontSize: 12, color: '#888' }}>
                        {r.township?.name ?? ''} · {r.place}
                      </div>
                    </div>
                  ),
                },
                {
                  title: t('hazards.fields.status'),
                  width: 170,
                  render: (_: unknown, r) => (
                    <Space size={[0, 4]} wrap>
                      <HazardStatusTag status={r.status} />
                      <DeadlineTag status={r.status} daysLeft={r.daysLeft} overdue={r.overdue} />
                      {r.pendingExtension && <Tag color="gold">{t('hazards.tags.extensionPending')}</Tag>}
                    </Space>
                  ),
                },
                {
                  title: t('hazards.fields.plan'),
                  render: (_: unknown, r) =>
                    r.plan ? (
                      <div style={{ fontSize: 12, maxWidth: 320 }}>
                        {t('hazards.fields.planOwner')}：{r.plan.owner}；{t('hazards.fields.planFunds')}：{r.plan.funds}
                        ；{t('hazards.fields.planDeadline')}：{r.plan.deadline}
                      </div>
                    ) : (
                      <Tag color="orange">{t('hazards.board.noPlan')}</Tag>
                    ),
                },
                {
                  title: t('hazards.fields.listing'),
                  width: 170,
                  render: (_: unknown, r) => (
                    <Space size={[0, 4]} wrap>
                      {r.listing && <Tag color="red">{r.listing.code}</Tag>}
                      {r.listing?.card && (
                        <Tag color={r.listing.card === 'red' ? 'red' : 'gold'}>
                          {t(r.listing.card === 'red' ? 'hazards.tags.redCard' : 'hazards.tags.yellowCard')}
                        </Tag>
                      )}
                      {!r.listing && r.enterpriseListed && <Tag color="volcano">{t('hazards.tags.listed')}</Tag>}
                      {r.pendingSummons > 0 && <Tag>{t('hazards.tags.summons', { count: r.pendingSummons })}</Tag>}
                    </Space>
                  ),
                },
                { title: t('hazards.fields.foundAt'), width: 110, render: (_: unknown, r) => formatDate(r.foundAt) },
              ]}
            />
          </Card>
        </>
      )}
      <Card size="small" title={t('hazards.board.listings')}>
        <Table<Listing>
          rowKey="id"
          size="small"
          loading={listings.isFetching}
          dataSource={listings.data?.items ?? []}
          pagination={false}
          scroll={phone ? { x: 640 } : undefined}
          columns={[
            { title: t('hazards.fields.code'), dataIndex: 'code', width: 150 },
            {
              title: t('hazards.fields.enterprise'),
              render: (_: unknown, l) => <Link to={`/enterprises/${l.enterpriseId}`}>{l.enterpriseName}</Link>,
            },
            {
              title: t('hazards.fields.reason'),
              render: (_: unknown, l) => (
                <>
                  {l.reason === 'major_overdue' || l.reason === 'overdue_count'
                    ? t(`hazards.board.reason.${l.reason}`)
                    : l.reason}
                  {l.hazardId && (
                    <>
                      {' '}
                      <Link to={`/hazards/${l.hazardId}`}>{l.hazardCode}</Link>
                    </>
                  )}
                </>
              ),
            },
            {
              title: t('hazards.tags.listed'),
              width: 170,
              render: (_: unknown, l) => (
                <>
                  {formatDateTime(l.listedAt)}{' '}
                  {l.card && (
                    <Tag color={l.card.color === 'red' ? 'red' : 'gold'}>
                      {t(l.card.color === 'red' ? 'hazards.tags.redCard' : 'hazards.tags.yellowCard')}
                    </Tag>
                  )}
                </>
              ),
            },
            ...(county
              ? [
                  {
                    title: t('common.actions'),
                    width: 110,
                    render: (_: unknown, l: Listing) => (
                      <Button
                        size="small"
                        onClick={() => {
                          setReason('');
                          setLifting(l);
                        }}
                      >
                        {t('hazards.board.liftListing')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Modal
        open={lifting !== null}
        title={`${t('hazards.board.liftListing')} ${lifting?.code ?? ''}`}
        onCancel={() => setLifting(null)}
        onOk={() => void lift()}
        confirmLoading={busy}
        okButtonProps={{ disabled: !reason.trim() }}
      >
        <Input.TextArea
          autoSize={{ minRows: 3 }}
          maxLength={2000}
          placeholder={t('hazards.board.liftReason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </>
  );
}
