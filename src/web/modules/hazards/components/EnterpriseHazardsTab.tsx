import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Space, Spin, Table, Tag } from 'antd';
import { Link, useNavigate } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDate } from '../../../shared/format';
import { useCan } from '../../auth/api';
import type { EnterpriseTabProps } from '../../enterprises/tabs';
import { HAZARD_KEYS, type HazardListItem, hazardApi } from '../api';
import { DeadlineTag, HazardStatusTag, LevelTag } from './Tags';

const OPEN = ['reported', 'rectifying', 'submitted', 'verified'] as const;

/** The enterprise detail tab 隐患: its figures, its open hazards, a link to the full ledger. */
export default function EnterpriseHazardsTab({ enterprise }: EnterpriseTabProps) {
  const t = useT();
  const can = useCan();
  const navigate = useNavigate();
  const params = { enterpriseId: enterprise.id, status: [...OPEN], page: 1, pageSize: 50, sort: 'deadline' as const };
  const list = useQuery({ queryKey: HAZARD_KEYS.list(params), queryFn: () => hazardApi.list(params) });
  const statsQ = { enterpriseId: enterprise.id, groupBy: 'enterprise' };
  const stats = useQuery({ queryKey: HAZARD_KEYS.stats(statsQ), queryFn: () => hazardApi.stats(statsQ) });
  if (list.error) return <Alert type="error" showIcon title={errorMessage(list.error)} />;
  if (!list.data) return <Spin />;
  const items = list.data.items;
  const totals = stats.data?.totals;
  return (
    <div data-testid="enterprise-hazards">
      <Space wrap style={{ marginBottom: 8 }}>
        <span>
          {t('hazards.tab.summary', {
            open: list.data.total ?? items.length,
            major: items.filter((h) => h.level === 'major').length,
            overdue: items.filter((h) => h.overdue).length,
          })}
        </span>
        {totals && (
          <Tag color="green">
            {t('hazards.figures.rectificationRate')} {(totals.rectificationRate * 100).toFixed(1)}%
          </Tag>
        )}
        <Link to={`/hazards?enterpriseId=${enterprise.id}`}>{t('hazards.tab.viewAll')}</Link>
        {can('hazard.create') && (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => navigate(`/hazards/new?enterpriseId=${enterprise.id}`)}
          >
            {t('hazards.action.create')}
          </Button>
        )}
      </Space>
      <Table<HazardListItem>
        rowKey="id"
        size="small"
        dataSource={items}
        pagination={false}
        scroll={{ x: 720 }}
        columns={[
          {
            title: t('hazards.fields.code'),
            dataIndex: 'code',
            width: 150,
            render: (c: string, r) => <Link to={`/hazards/${r.id}`}>{c}</Link>,
          },
          { title: t('hazards.fields.place'), dataIndex: 'place' },
          { title: t('hazards.fields.level'), dataIndex: 'level', width: 100, render: (l) => <LevelTag level={l} /> },
          {
            title: t('hazards.fields.status'),
            width: 170,
            render: (_: unknown, r) => (
              <Space size={[0, 4]} wrap>
                <HazardStatusTag status={r.status} />
                <DeadlineTag status={r.status} daysLeft={r.daysLeft} overdue={r.overdue} />
              </Space>
            ),
          },
          { title: t('hazards.fields.foundAt'), width: 110, render: (_: unknown, r) => formatDate(r.foundAt) },
          { title: t('hazards.fields.deadline'), dataIndex: 'deadline', width: 110 },
        ]}
      />
    </div>
  );
}
