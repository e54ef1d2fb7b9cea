import { Card, Empty, Pagination, Space, Spin } from 'antd';
import { Link } from 'react-router';
import { useT } from '../../../app/i18n';
import { formatDate } from '../../../shared/format';
import type { HazardListItem } from '../api';
import { DeadlineTag, HazardStatusTag, LevelTag } from './Tags';

/** One hazard as a card (phones, kanban columns, the enterprise tab). */
export function HazardCard({ h, extra }: { h: HazardListItem; extra?: React.ReactNode }) {
  const t = useT();
  return (
    <Card size="small" data-testid="hazard-card" styles={{ body: { padding: 10 } }}>
      <Link to={`/hazards/${h.id}`} style={{ fontWeight: 600 }}>
        {h.code}
      </Link>
      <div style={{ margin: '4px 0' }}>
        <Space size={[0, 4]} wrap>
          <HazardStatusTag status={h.status} />
          <LevelTag level={h.level} />
          <DeadlineTag status={h.status} daysLeft={h.daysLeft} overdue={h.overdue} />
        </Space>
      </div>
      <div style={{ fontSize: 13 }}>{h.enterpriseName}</div>
      <div style={{ fontSize: 13, color: '#555', overflowWrap: 'anywhere' }}>
        {h.place} · {h.description.length > 60 ? `${h.description.slice(0, 60)}…` : h.description}
      </div>
      <div style={{ fontSize: 12, color: '#888', marginTop: 4 }}>
        {t(`hazards.source.${h.source}`)} · {formatDate(h.foundAt)}
        {h.deadline ? ` · ${t('hazards.fields.deadline')} ${h.deadline}` : ''}
      </div>
      {extra}
    </Card>
  );
}

export function HazardCards({
  items,
  total,
  page,
  pageSize,
  loading,
  onPage,
}: {
  items: HazardListItem[];
  total: number;
  page: number;
  pageSize: number;
  loading: boolean;
  onPage: (page: number) => void;
}) {
  const t = useT();
  if (!loading && items.length === 0) return <Empty description={t('common.noData')} />;
  return (
    <Spin spinning={loading}>
      <div data-testid="hazard-cards" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
        {items.map((h) => (
          <HazardCard key={h.id} h={h} />
        ))}
      </div>
      <Pagination
        simple
        style={{ marginTop: 12, textAlign: 'center' }}
        current={page}
        pageSize={pageSize}
        total={total}
        onChange={onPage}
      />
    </Spin>
  );
}
