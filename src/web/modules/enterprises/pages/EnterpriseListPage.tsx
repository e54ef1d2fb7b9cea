import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Space, Table, type TableProps } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useDownload, useIsPhone } from '../../../shared/hooks';
import { useCan } from '../../auth/api';
import { regionNames, useRegions, useSectors } from '../../org/api';
import { ENTERPRISE_KEYS, type EnterpriseListItem, enterpriseApi, filterQuery, type SortKey } from '../api';
import { EnterpriseCards } from '../components/EnterpriseCards';
import { Filters } from '../components/Filters';
import { ImportModal } from '../components/ImportModal';
import { FlagTags, StatusTag } from '../components/Tags';
import { ViewSwitch } from '../components/ViewSwitch';
import { useListState } from '../useListState';

export default function EnterpriseListPage() {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const can = useCan();
  const navigate = useNavigate();
  const state = useListState();
  const { list: params } = state;
  const [importOpen, setImportOpen] = useState(false);
  const exporter = useDownload();

  const list = useQuery({
    queryKey: ENTERPRISE_KEYS.list(params),
    queryFn: () => enterpriseApi.list(params),
    placeholderData: keepPreviousData,
  });
  const regions = useRegions();
  const sectors = useSectors();
  const regionMap = regionNames(regions.data);
  const sectorMap = new Map((sectors.data ?? []).map((s) => [s.code, lang === 'en' ? s.name_en : s.name_zh]));
  const regionName = (code: string) => regionMap.get(code) ?? code;
  const sectorName = (code: string) => sectorMap.get(code) ?? code;

  const exportXlsx = () =>
    exporter.start('/api/enterprises/export.xlsx', filterQuery(state.filters), 'enterprises.xlsx');

  const sortOrder = (key: SortKey) =>
    params.sort === key ? (params.order === 'asc' ? ('ascend' as const) : ('descend' as const)) : null;

  const columns: TableProps<EnterpriseListItem>['columns'] = [
    {
      title: t('enterprises.fields.code'),
      dataIndex: 'code',
      key: 'code',
      width: 120,
      sorter: true,
      sortOrder: sortOrder('code'),
    },
    {
      title: t('enterprises.fields.name'),
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (name: string, r) => (
        <div>
          <Link to={`/enterprises/${r.id}`}>{name}</Link>
          <div style={{ color: '#999', fontSize: 12 }}>{r.credit_code}</div>
        </div>
      ),
    },
    { title: t('enterprises.fields.region'), dataIndex: 'region_code', render: regionName },
    { title: t('enterprises.fields.primarySector'), dataIndex: 'primary_sector', render: sectorName },
    {
      title: t('enterprises.fields.scale'),
      dataIndex: 'scale',
      width: 90,
      render: (s: EnterpriseListItem['scale']) => t(`enterprises.scale.${s}`),
    },
    {
      title: t('enterprises.fields.employees'),
      dataIndex: 'employees',
      key: 'employees',
      width: 100,
      align: 'right',
      sorter: true,
      sortOrder: sortOrder('employees'),
    },
    {
      title: t('enterprises.fields.flags'),
      key: 'flags',
      render: (_: unknown, r) => <FlagTags isKey={r.is_key} hasMajorHazard={r.has_major_hazard} />,
    },
    { title: t('enterprises.fields.status'), dataIndex: 'status', width: 90, render: (s) => <StatusTag status={s} /> },
    {
      title: t('common.updatedAt'),
      dataIndex: 'updated_at',
      key: 'updated_at',
      width: 150,
      sorter: true,
      sortOrder: sortOrder('updated_at'),
      render: (v: string) => formatDateTime(v),
    },
  ];

  const onTableChange: TableProps<EnterpriseListItem>['onChange'] = (pagination, _filters, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const key = s?.order ? (String(s.columnKey) as SortKey) : 'updated_at';
    state.setPaging({
      page: pagination.current ?? 1,
      pageSize: pagination.pageSize ?? 20,
      sort: key,
      order: s?.order === 'ascend' ? 'asc' : 'desc',
    });
  };

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('menu.enterprises')}
        </h1>
        <ViewSwitch value="list" search={state.search} />
        <Space wrap>
          {can('enterprise.create') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate('/enterprises/new')}
              data-testid="ent-new"
            >
              {t('common.create')}
            </Button>
          )}
          {can('enterprise.import') && can('enterprise.create') && (
            <Button icon={<UploadOutlined />} onClick={() => setImportOpen(true)} data-testid="import-open">
              {t('enterprises.import.button')}
            </Button>
          )}
          {can('enterprise.export') && (
            <Button
              icon={<DownloadOutlined />}
              loading={exporter.downloading}
              onClick={() => void exportXlsx()}
              data-testid="ent-export"
            >
              {t('enterprises.export')}
            </Button>
          )}
        </Space>
      </div>
      <Filters filters={state.filters} onChange={state.setFilters} onReset={state.reset} />
      {list.error && <Alert type="error" showIcon title={errorMessage(list.error)} style={{ marginBottom: 12 }} />}
      {phone ? (
        <EnterpriseCards
          items={list.data?.items ?? []}
          total={list.data?.total ?? 0}
          page={params.page}
          pageSize={params.pageSize}
          loading={list.isFetching}
          regionName={regionName}
          sectorName={sectorName}
          onPage={(page) => state.setPaging({ page })}
        />
      ) : (
        <Table<EnterpriseListItem>
          data-testid="enterprise-table"
          rowKey="id"
          size="middle"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          onChange={onTableChange}
          scroll={{ x: 1100 }}
          pagination={{
            current: params.page,
            pageSize: params.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100],
            showTotal: (total) => t('common.total', { total }),
          }}
        />
      )}
      <ImportModal open={importOpen} onClose={() => setImportOpen(false)} />
    </>
  );
}
