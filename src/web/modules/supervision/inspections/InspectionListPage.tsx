import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { ResponsiveList } from '../../../shared/ResponsiveList';
import { useCan } from '../../auth/api';
import { useDepartments } from '../../org/api';
import {
  INSPECTION_KEYS,
  type InspectionKind,
  type InspectionListItem,
  type InspectionStatus,
  inspectionApi,
  KINDS,
  STATUSES,
} from './api';
import { ScheduleForm } from './ScheduleForm';
import { InspectionStatusTag, KindTag } from './Tags';

type Announce = 'all' | 'unannounced' | 'announced';
const PAGE_SIZE = 20;

/** 监督检查 list: filters in the URL, cards on a phone, and the schedule form. */
export default function InspectionListPage() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const [sp, setSp] = useSearchParams();
  const [scheduling, setScheduling] = useState(sp.get('schedule') === '1');
  const status = (sp.get('status')?.split(',').filter(Boolean) ?? []) as InspectionStatus[];
  const kind = (sp.get('kind')?.split(',').filter(Boolean) ?? []) as InspectionKind[];
  const departmentId = sp.get('departmentId') ?? undefined;
  const announce = (sp.get('announce') ?? 'all') as Announce;
  const mine = sp.get('mine') === '1';
  const page = Number(sp.get('page') ?? '1') || 1;
  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(sp);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k !== 'page') next.delete('page');
    setSp(next, { replace: true });
  };
  const params = {
    status,
    kind,
    mine,
    departmentId,
    unannounced: announce === 'all' ? undefined : announce === 'unannounced',
    page,
    pageSize: PAGE_SIZE,
  };
  const list = useQuery({
    queryKey: INSPECTION_KEYS.list(params),
    queryFn: () => inspectionApi.list(params),
    placeholderData: keepPreviousData,
  });
  const departments = useDepartments();
  const items = list.data?.items ?? [];
  const pagination = {
    current: page,
    pageSize: PAGE_SIZE,
    total: list.data?.total ?? 0,
    showSizeChanger: false,
    onChange: (p: number) => set('page', String(p)),
  };

  const filters = (
    <Space wrap style={{ marginBottom: 12 }}>
      <Select<InspectionStatus[]>
        mode="multiple"
        allowClear
        style={{ minWidth: 160 }}
        placeholder={t('supervision.inspections.statusLabel')}
        value={status}
        onChange={(v) => set('status', v.join(','))}
        options={STATUSES.map((s) => ({ value: s, label: t(`supervision.inspections.status.${s}`) }))}
        data-testid="filter-status"
      />
      <Select<InspectionKind[]>
        mode="multiple"
        allowClear
        style={{ minWidth: 160 }}
        placeholder={t('supervision.inspections.kindLabel')}
        value={kind}
        onChange={(v) => set('kind', v.join(','))}
        options={KINDS.map((k) => ({ value: k, label: t(`supervision.inspections.kind.${k}`) }))}
        data-testid="filter-kind"
      />
      <Select<string>
        allowClear
        style={{ minWidth: 160 }}
        placeholder={t('supervision.inspections.allDepartments')}
        value={departmentId}
        onChange={(v) => set('departmentId', v)}
        options={(departments.data ?? []).map((d) => ({ value: d.id, label: lang === 'en' ? d.name_en : d.name_zh }))}
        data-testid="filter-department"
      />
      <Select<Announce>
        style={{ minWidth: 130 }}
        value={announce}
        onChange={(v) => set('announce', v === 'all' ? undefined : v)}
        options={[
          { value: 'all', label: t('supervision.inspections.anyAnnounce') },
          { value: 'unannounced', label: t('supervision.inspections.onlyUnannounced') },
          { value: 'announced', label: t('supervision.inspections.onlyAnnounced') },
        ]}
        data-testid="filter-announce"
      />
      <Checkbox checked={mine} onChange={(e) => set('mine', e.target.checked ? '1' : undefined)}>
        {t('supervision.inspections.mine')}
      </Checkbox>
    </Space>
  );

  const when = (i: InspectionListItem) => formatDateTime(i.startedAt ?? i.plannedAt);
  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('supervision.inspections.title')}
        </h1>
        {can('inspection.schedule') && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setScheduling(true)}
            data-testid="insp-schedule"
          >
            {t('supervision.inspections.schedule')}
          </Button>
        )}
      </div>
      {filters}
      {list.error && <Alert type="error" showIcon title={errorMessage(list.error)} />}
      <ResponsiveList<InspectionListItem>
        testId="insp-list"
        loading={list.isLoading}
        items={items}
        rowKey="id"
        pagination={pagination}
        rowTestId={() => 'insp-row'}
        phoneItem="card"
        cardLink={(i) => `/inspections/${i.id}`}
        renderCard={(i) => (
          <>
            <Typography.Text strong>{i.enterpriseName}</Typography.Text>
            <div>
              <InspectionStatusTag status={i.status} />
              <KindTag kind={i.kind} unannounced={i.unannounced} />
            </div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {i.code} · {when(i)} · {i.inspectorNames.join('、')}
            </Typography.Text>
          </>
        )}
        columns={[
          {
            title: t('supervision.inspections.code'),
            dataIndex: 'code',
            width: 150,
            render: (c: string, r) => <Link to={`/inspections/${r.id}`}>{c}</Link>,
          },
          { title: t('supervision.inspections.enterprise'), dataIndex: 'enterpriseName' },
          {
            title: t('supervision.inspections.kindLabel'),
            width: 190,
            render: (_: unknown, r) => (
              <>
                <KindTag kind={r.kind} unannounced={r.unannounced} />
                {r.exempt && <Tag color="purple">{t('supervision.inspections.exempt')}</Tag>}
              </>
            ),
          },
          {
            title: t('supervision.inspections.statusLabel'),
            width: 110,
            render: (_: unknown, r) => <InspectionStatusTag status={r.status} />,
          },
          { title: t('supervision.inspections.plannedAt'), width: 150, render: (_: unknown, r) => when(r) },
          {
            title: t('supervision.inspections.departments'),
            render: (_: unknown, r) => r.departmentNames.join('、'),
          },
          { title: t('supervision.inspections.inspectors'), render: (_: unknown, r) => r.inspectorNames.join('、') },
          {
            title: t('supervision.inspections.findings', { n: '' }).trim(),
            width: 90,
            render: (_: unknown, r) =>
              r.nonCompliantCount ? <Tag color="red">{r.nonCompliantCount}</Tag> : r.nonCompliantCount === 0 ? 0 : '',
          },
        ]}
      />
      {scheduling && <ScheduleForm open={scheduling} onClose={() => setScheduling(false)} />}
    </>
  );
}
