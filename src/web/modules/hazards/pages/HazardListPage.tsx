import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Select, Space, Table, type TableProps } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDate } from '../../../shared/format';
import { useDownload, useIsPhone } from '../../../shared/hooks';
import { useCan, useMe } from '../../auth/api';
import { useSectors } from '../../org/api';
import { HAZARD_KEYS, HAZARD_SORTS, type HazardListItem, type HazardSort, hazardApi, hazardFilterQuery } from '../api';
import { EmployeeReportModal } from '../components/EmployeeReportModal';
import { HazardCards } from '../components/HazardCards';
import { HazardFiltersBar, ViewsMenu } from '../components/HazardFilters';
import { DeadlineTag, HazardStatusTag, LevelTag } from '../components/Tags';
import { HazardViewSwitch } from '../components/ViewSwitch';
import { useHazardListState } from '../useHazardListState';

export default function HazardListPage() {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const can = useCan();
  const navigate = useNavigate();
  const state = useHazardListState();
  const { list: params } = state;
  const exporter = useDownload();
  const [reporting, setReporting] = useState(false);
  const me = useMe();
  const enterpriseUser = me.data?.user.enterprise != null;
  const list = useQuery({
    queryKey: HAZARD_KEYS.list(params),
    queryFn: () => hazardApi.list(params),
    placeholderData: keepPreviousData,
  });
  const sectors = useSectors();
  const sectorMap = new Map((sectors.data ?? []).map((s) => [s.code, lang === 'en' ? s.name_en : s.name_zh]));
  const total = list.data?.total ?? 0;

  const exportXlsx = () => exporter.start('/api/hazards/export.xlsx', hazardFilterQuery(state.filters), 'hazards.xlsx');

  const columns: TableProps<HazardListItem>['columns'] = [
    {
      title: t('hazards.fields.code'),
      dataIndex: 'code',
      width: 150,
      render: (code: string, r) => (
        <Link to={`/hazards/${r.id}`} data-testid="hazard-link">
          {code}
        </Link>
      ),
    },
    {
      title: t('hazards.fields.enterprise'),
      dataIndex: 'enterpriseName',
      render: (name: string, r) => (
        <div>
          <div>{name}</div>
          <div style={{ color: '#999', fontSize: 12 }}>
            {r.townshipName ?? ''} · {sectorMap.get(r.sector) ?? r.sector}
          </div>
        </div>
      ),
    },
    {
      title: t('hazards.fields.description'),
      dataIndex: 'description',
      render: (d: string, r) => (
        <div style={{ maxWidth: 360 }}>
          <div style={{ fontWeight: 500 }}>{r.place}</div>
          <div style={{ color: '#555', fontSize: 13 }}>{d.length > 80 ? `${d.slice(0, 80)}…` : d}</div>
        </div>
      ),
    },
    { title: t('hazards.fields.level'), dataIndex: 'level', width: 100, render: (l) => <LevelTag level={l} /> },
    {
      title: t('hazards.fields.status'),
      dataIndex: 'status',
      width: 160,
      render: (_: unknown, r) => (
        <Space size={[0, 4]} wrap>
          <HazardStatusTag status={r.status} />
          <DeadlineTag status={r.status} daysLeft={r.daysLeft} overdue={r.overdue} />
        </Space>
      ),
    },
    {
      title: t('hazards.fields.source'),
      dataIndex: 'source',
      width: 100,
      render: (s: HazardListItem['source']) => t(`hazards.source.${s}`),
    },
    { title: t('hazards.fields.foundAt'), dataIndex: 'foundAt', width: 110, render: (v: string) => formatDate(v) },
    { title: t('hazards.fields.deadline'), dataIndex: 'deadline', width: 110 },
  ];

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('hazards.menu.list')}
        </h1>
        <HazardViewSwitch value="list" search={state.search} />
        <Space wrap>
          <ViewsMenu search={state.search} onApply={state.apply} />
          <Select<HazardSort>
            value={params.sort}
            style={{ width: 120 }}
            options={HAZARD_SORTS.map((s) => ({ value: s, label: t(`hazards.list.sort.${s}`) }))}
            onChange={(sort) => state.setPaging({ sort, page: 1 })}
          />
          {can('hazard.create') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate('/hazards/new')}
              data-testid="hazard-new"
            >
              {t('hazards.action.create')}
            </Button>
          )}
          {enterpriseUser && can('hazard.create') && (
            <Button onClick={() => setReporting(true)} data-testid="employee-report">
              {t('hazards.employee.button')}
            </Button>
          )}
          {can('hazard.export') && (
            <Button
              icon={<DownloadOutlined />}
              loading={exporter.downloading}
              onClick={() => void exportXlsx()}
              data-testid="hazard-export"
            >
              {t('hazards.list.exportLedger')}
            </Button>
          )}
        </Space>
      </div>
      <HazardFiltersBar filters={state.filters} onChange={state.setFilters} onReset={state.reset} />
      {list.error && <Alert type="error" showIcon title={errorMessage(list.error)} style={{ marginBottom: 12 }} />}
      {phone ? (
        <HazardCards
          items={list.data?.items ?? []}
          total={total}
          page={params.page}
          pageSize={params.pageSize}
          loading={list.isFetching}
          onPage={(page) => state.setPaging({ page })}
        />
      ) : (
        <Table<HazardListItem>
          data-testid="hazard-table"
          rowKey="id"
          size="middle"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 1100 }}
          onChange={(p) => state.setPaging({ page: p.current ?? 1, pageSize: p.pageSize ?? 20 })}
          pagination={{
            current: params.page,
            pageSize: params.pageSize,
            total,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100],
            showTotal: (n) =>
              list.data?.totalExact === false
                ? t('hazards.list.totalApprox', { total: n })
                : t('common.total', { total: n }),
          }}
        />
      )}
      <EmployeeReportModal open={reporting} onClose={() => setReporting(false)} />
    </>
  );
}
