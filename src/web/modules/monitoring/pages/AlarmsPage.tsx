import { Alert, Card, Segmented, Select, Space } from 'antd';
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Severity } from '../../../../core/monitoring';
import { SEVERITY_COLOUR, SEVERITY_WARNING_LEVEL } from '../../../../core/monitoring';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { type AlarmFilters, useAlarms } from '../api';
import { AlarmList } from '../components/AlarmList';
import { LiveBadge } from '../components/LiveBadge';
import { type AlarmLiveEvent, useMonitoringLive } from '../useMonitoringLive';

const VIEWS = ['open', 'unacked', 'tampering', 'all'] as const;
type View = (typeof VIEWS)[number];

function filtersOf(view: View): AlarmFilters {
  switch (view) {
    case 'open':
      return { status: ['active', 'cleared'] };
    case 'unacked':
      return { status: ['active', 'cleared'], acknowledged: false };
    case 'tampering':
      return { tampering: true };
    default:
      return {};
  }
}

/** Every alarm in the user's jurisdiction: open ones first by default, filters kept in the URL. */
export default function AlarmsPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const view: View = (VIEWS as readonly string[]).includes(params.get('view') ?? '')
    ? (params.get('view') as View)
    : 'open';
  const severity = (params.get('severity') ?? '')
    .split(',')
    .map(Number)
    .filter((n): n is Severity => n >= 1 && n <= 4);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [pageSize, setPageSize] = useState(20);
  const list = useAlarms({ ...filtersOf(view), severity: severity.length ? severity : undefined, page, pageSize });
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const connected = useMonitoringLive(
    useCallback((e: AlarmLiveEvent) => {
      if (e.event === 'raise' || e.event === 'return') setFresh((s) => new Set([...s, e.alarm.id]));
    }, []),
  );
  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('monitoring.alarms.title')}
        </h1>
        <LiveBadge connected={connected} />
      </div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          data-testid="alarm-view"
          value={view}
          onChange={(v) => set({ view: String(v) === 'open' ? null : String(v), page: null })}
          options={[
            { value: 'open', label: t('monitoring.alarms.filterOpen') },
            { value: 'unacked', label: t('monitoring.alarms.filterUnacked') },
            { value: 'tampering', label: t('monitoring.alarms.filterTampering') },
            { value: 'all', label: t('monitoring.alarms.filterAll') },
          ]}
        />
        <Select<Severity[]>
          mode="multiple"
          allowClear
          style={{ minWidth: 200 }}
          placeholder={t('monitoring.alarms.severity')}
          value={severity}
          onChange={(v) => set({ severity: v.length ? v.join(',') : null, page: null })}
          options={([4, 3, 2, 1] as const).map((s) => ({
            value: s,
            label: `${t('monitoring.severity.level', { level: SEVERITY_WARNING_LEVEL[s] })}·${t(`monitoring.severity.${SEVERITY_COLOUR[s]}`)}`,
          }))}
        />
      </Space>
      {list.error && <Alert type="error" showIcon title={errorMessage(list.error)} style={{ marginBottom: 12 }} />}
      <Card size="small">
        <AlarmList
          alarms={list.data?.items ?? []}
          loading={list.isFetching && !list.data}
          fresh={fresh}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (p, size) => {
              setPageSize(size);
              set({ page: p > 1 ? String(p) : null });
            },
          }}
        />
      </Card>
    </>
  );
}
