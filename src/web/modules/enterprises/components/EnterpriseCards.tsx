import { PhoneOutlined } from '@ant-design/icons';
import { Card, Empty, Pagination, Space, Spin } from 'antd';
import { Link } from 'react-router';
import { useT } from '../../../app/i18n';
import type { EnterpriseListItem } from '../api';
import { FlagTags, StatusTag } from './Tags';

/** The enterprise list on phones: one card per enterprise instead of a wide table. */
export function EnterpriseCards({
  items,
  total,
  page,
  pageSize,
  loading,
  regionName,
  sectorName,
  onPage,
}: {
  items: EnterpriseListItem[];
  total: number;
  page: number;
  pageSize: number;
  loading: boolean;
  regionName: (code: string) => string;
  sectorName: (code: string) => string;
  onPage: (page: number) => void;
}) {
  const t = useT();
  if (!loading && items.length === 0) return <Empty description={t('common.noData')} />;
  return (
    <Spin spinning={loading}>
      <div data-testid="enterprise-cards" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
        {items.map((e) => (
          <Card key={e.id} size="small" data-testid="enterprise-card">
            <Link to={`/enterprises/${e.id}`} style={{ fontWeight: 600, fontSize: 15 }}>
              {e.name}
            </Link>
            <div style={{ color: '#888', fontSize: 12, margin: '2px 0 6px' }}>
              {e.code} · {e.credit_code}
            </div>
            <Space size={[0, 4]} wrap>
              <StatusTag status={e.status} />
              <FlagTags isKey={e.is_key} hasMajorHazard={e.has_major_hazard} />
            </Space>
            <div style={{ marginTop: 6, fontSize: 13 }}>
              {regionName(e.region_code)} · {sectorName(e.primary_sector)} · {t(`enterprises.scale.${e.scale}`)}
            </div>
            {e.principal_name && (
              <div style={{ marginTop: 4, fontSize: 13 }}>
                {t('enterprises.fields.principal')}: {e.principal_name}{' '}
                {e.principal_phone && (
                  <a href={`tel:${e.principal_phone}`}>
                    <PhoneOutlined /> {e.principal_phone}
                  </a>
                )}
              </div>
            )}
          </Card>
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
