import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Input, List, Modal, Segmented, Space, Tabs, Tag, Timeline } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { translateDynamic, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useMe } from '../../auth/api';
import { HAZARD_KEYS, type Card as HazardCard, hazardApi, type Listing, type SupervisionEvent } from '../api';
import { testIdProps } from '../testId';

type Status = 'active' | 'lifted' | 'all';
type Lifting = { kind: 'listing' | 'card'; id: string; code: string; version: number };

const CardTag = ({ color, lifted }: { color: 'yellow' | 'red'; lifted?: boolean }) => {
  const t = useT();
  return (
    <Tag color={lifted ? 'default' : color === 'red' ? 'red' : 'gold'}>{t(`hazards.listings.color.${color}`)}</Tag>
  );
};

function Events({ events }: { events: SupervisionEvent[] }) {
  return (
    <Timeline
      items={events.map((e) => ({
        key: String(e.id),
        content: (
          <div style={{ overflowWrap: 'anywhere' }}>
            <b>{translateDynamic(`hazards.listings.action.${e.action}`) ?? e.action}</b> {formatDateTime(e.at)}
            {e.actor_name ? ` · ${e.actor_name}` : ''}
            {e.reason ? <div>{e.reason}</div> : null}
          </div>
        ),
      }))}
      style={{ marginTop: 8 }}
      data-testid="listing-history"
    />
  );
}

/** A listing's history and its card's, read when opened. */
function ListingHistory({ id }: { id: string }) {
  const t = useT();
  const q = useQuery({ queryKey: HAZARD_KEYS.listing(id), queryFn: () => hazardApi.listing(id) });
  if (q.error) return <Alert type="error" showIcon title={errorMessage(q.error)} />;
  if (!q.data) return null;
  return (
    <>
      <Events events={q.data.history} />
      {q.data.cardHistory.length > 0 && (
        <>
          <div style={{ color: '#888' }}>{t('hazards.listings.cardsTab')}</div>
          <Events events={q.data.cardHistory} />
        </>
      )}
    </>
  );
}

/**
 * 挂牌督办与红黄牌: listings and cards in the caller's jurisdiction with their history; the county office (the
 * approver) lifts a listing or a card with a reason.
 */
export default function ListingsPage() {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const me = useMe();
  const approver = me.data?.user.role === 'county_admin';
  const [tab, setTab] = useState<'listings' | 'cards'>('listings');
  const [status, setStatus] = useState<Status>('active');
  const [page, setPage] = useState(1);
  // `?listing=<id>` (the link of the listing notification) shows that listing first, its history open.
  const [params, setParams] = useSearchParams();
  const linked = params.get('listing');
  const [openHistory, setOpenHistory] = useState<string | null>(linked);
  const [lifting, setLifting] = useState<Lifting | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const query = { status: status === 'all' ? undefined : status, page, pageSize: 20 };
  const listings = useQuery({
    queryKey: HAZARD_KEYS.listings(query),
    queryFn: () => hazardApi.listings(query),
    enabled: tab === 'listings',
  });
  const linkedListing = useQuery({
    queryKey: HAZARD_KEYS.listing(linked ?? ''),
    queryFn: () => hazardApi.listing(linked ?? ''),
    enabled: linked !== null,
  });
  const cards = useQuery({
    queryKey: HAZARD_KEYS.cards(query),
    queryFn: () => hazardApi.cards(query),
    enabled: tab === 'cards',
  });

  const startLift = (l: Lifting) => {
    setReason('');
    setError(null);
    setLifting(l);
  };
  const lift = async () => {
    if (!lifting || !reason.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const body = { version: lifting.version, reason: reason.trim() };
      if (lifting.kind === 'listing') await hazardApi.liftListing(lifting.id, body);
      else await hazardApi.liftCard(lifting.id, body);
      await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
      message.success(t('common.saved'));
      setLifting(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const historyButton = (listingId: string) => (
    <Button
      key="history"
      size="small"
      type="link"
      onClick={() => setOpenHistory(openHistory === listingId ? null : listingId)}
    >
      {t('hazards.listings.history')}
    </Button>
  );
  const liftedLine = (l: { liftedAt: string | null; liftedBy: string | null; liftReason: string | null }) =>
    l.liftedAt ? (
      <div>
        {t('hazards.listings.liftedAt')} {formatDateTime(l.liftedAt)} · {l.liftedBy ?? ''} · {l.liftReason ?? ''}
      </div>
    ) : null;

  const listingItem = (l: Listing) => (
    <List.Item
      data-testid="listing-item"
      actions={[
        historyButton(l.id),
        ...(approver && l.status === 'active'
          ? [
              <Button
                key="lift"
                size="small"
                danger
                onClick={() => startLift({ kind: 'listing', id: l.id, code: l.code, version: l.version })}
                {...testIdProps('listing-lift')}
              >
                {t('hazards.listings.liftListing')}
              </Button>,
            ]
          : []),
      ]}
    >
      <List.Item.Meta
        title={
          <Space size={4} wrap>
            <Tag color={l.status === 'active' ? 'red' : 'default'}>{t(`hazards.listings.status.${l.status}`)}</Tag>
            <span>{l.code}</span>
            {l.card && <CardTag color={l.card.color} lifted={l.card.status !== 'active'} />}
            {l.public && <Tag>{t('hazards.listings.public')}</Tag>}
          </Space>
        }
        description={
          <div style={{ overflowWrap: 'anywhere' }}>
            <div>
              <Link to={`/enterprises/${l.enterpriseId}`}>{l.enterpriseName}</Link> ·{' '}
              {translateDynamic(`hazards.board.reason.${l.reason}`) ?? l.reason}
              {l.hazardId && (
                <>
                  {' '}
                  <Link to={`/hazards/${l.hazardId}`}>{l.hazardCode}</Link>
                </>
              )}
              {l.reason === 'overdue_count' && ` · ${t('hazards.listings.overdueCount', { count: l.overdueCount })}`}
            </div>
            <div>
              {t('hazards.listings.listedAt')} {formatDateTime(l.listedAt)}
            </div>
            {liftedLine(l)}
            {openHistory === l.id && <ListingHistory id={l.id} />}
          </div>
        }
      />
    </List.Item>
  );

  const cardItem = (c: HazardCard) => (
    <List.Item
      data-testid="card-item"
      actions={[
        historyButton(c.listingId),
        ...(approver && c.status === 'active'
          ? [
              <Button
                key="lift"
                size="small"
                danger
                onClick={() => startLift({ kind: 'card', id: c.id, code: c.listingCode, version: c.version })}
                {...testIdProps('card-lift')}
              >
                {t('hazards.listings.liftCard')}
              </Button>,
            ]
          : []),
      ]}
    >
      <List.Item.Meta
        title={
          <Space size={4} wrap>
            <CardTag color={c.color} lifted={c.status !== 'active'} />
            <Tag>{t(`hazards.listings.cardStatus.${c.status}`)}</Tag>
            <Link to={`/enterprises/${c.enterpriseId}`}>{c.enterpriseName}</Link>
          </Space>
        }
        description={
          <div style={{ overflowWrap: 'anywhere' }}>
            <div>
              {t('hazards.listings.listing')} {c.listingCode} · {t('hazards.listings.issuedAt')}{' '}
              {formatDateTime(c.issuedAt)}
            </div>
            {liftedLine(c)}
            {openHistory === c.listingId && <ListingHistory id={c.listingId} />}
          </div>
        }
      />
    </List.Item>
  );

  const current = tab === 'listings' ? listings : cards;
  const pagination = {
    current: page,
    pageSize: 20,
    total: current.data?.total ?? 0,
    size: 'small' as const,
    onChange: setPage,
  };
  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('hazards.listings.title')}
        </h1>
        <Segmented
          value={status}
          onChange={(v) => {
            setStatus(v as Status);
            setPage(1);
          }}
          options={[
            { value: 'active', label: t('hazards.listings.status.active') },
            { value: 'lifted', label: t('hazards.listings.status.lifted') },
            { value: 'all', label: t('hazards.listings.all') },
          ]}
        />
      </div>
      {current.error && <Alert type="error" showIcon title={errorMessage(current.error)} />}
      {linked !== null && (linkedListing.error || linkedListing.data) && (
        <Card
          size="small"
          title={t('hazards.listings.linked')}
          extra={
            <Button size="small" type="link" onClick={() => setParams({}, { replace: true })}>
              {t('common.close')}
            </Button>
          }
          style={{ marginBottom: 12 }}
          data-testid="listing-linked"
        >
          {linkedListing.error ? (
            <Alert type="error" showIcon title={errorMessage(linkedListing.error)} />
          ) : (
            <List<Listing> dataSource={linkedListing.data ? [linkedListing.data] : []} renderItem={listingItem} />
          )}
        </Card>
      )}
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => {
            setTab(k as 'listings' | 'cards');
            setPage(1);
            setOpenHistory(null);
          }}
          items={[
            {
              key: 'listings',
              label: t('hazards.listings.listingsTab'),
              children: (
                <List<Listing>
                  loading={listings.isFetching}
                  dataSource={listings.data?.items ?? []}
                  locale={{ emptyText: <Empty /> }}
                  pagination={pagination}
                  renderItem={listingItem}
                />
              ),
            },
            {
              key: 'cards',
              label: t('hazards.listings.cardsTab'),
              children: (
                <List<HazardCard>
                  loading={cards.isFetching}
                  dataSource={cards.data?.items ?? []}
                  locale={{ emptyText: <Empty /> }}
                  pagination={pagination}
                  renderItem={cardItem}
                />
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={lifting !== null}
        title={`${lifting?.kind === 'card' ? t('hazards.listings.liftCard') : t('hazards.listings.liftListing')} ${lifting?.code ?? ''}`}
        onCancel={() => setLifting(null)}
        onOk={() => void lift()}
        confirmLoading={busy}
        okButtonProps={{ ...testIdProps('lift-ok'), disabled: !reason.trim() }}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Input.TextArea
          autoSize={{ minRows: 3 }}
          maxLength={2000}
          placeholder={t('hazards.listings.liftReason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          status={reason.trim() ? undefined : 'warning'}
          data-testid="lift-reason"
        />
        {!reason.trim() && <div style={{ color: '#888', marginTop: 4 }}>{t('hazards.listings.reasonRequired')}</div>}
      </Modal>
    </>
  );
}
