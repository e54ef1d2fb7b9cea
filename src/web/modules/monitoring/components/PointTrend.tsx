import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Empty, Spin } from 'antd';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { MONITORING_KEYS, monitoringApi, type Step } from '../api';
import { TrendChart } from './TrendChart';

/** A point's chart over [from, to): its readings, thresholds and the alarms that overlap the window. */
export function PointTrend({
  pointId,
  from,
  to,
  step = 'auto',
  height,
  onZoom,
}: {
  pointId: string;
  from: string;
  to: string;
  step?: Step | 'auto';
  height?: number;
  onZoom?: (from: string, to: string) => void;
}) {
  const t = useT();
  const point = useQuery({ queryKey: MONITORING_KEYS.point(pointId), queryFn: () => monitoringApi.point(pointId) });
  const series = useQuery({
    queryKey: MONITORING_KEYS.series(pointId, from, to, step),
    queryFn: () => monitoringApi.series(pointId, from, to, step),
    placeholderData: keepPreviousData,
  });
  // Alarms raised before the window's end; those that ended before its start are dropped by the chart.
  const alarms = useQuery({
    queryKey: MONITORING_KEYS.alarms({ pointId, to, page: 1, pageSize: 200 }),
    queryFn: () => monitoringApi.alarms({ pointId, to, page: 1, pageSize: 200 }),
    placeholderData: keepPreviousData,
  });
  const error = point.error ?? series.error ?? alarms.error;
  if (error) return <Alert type="error" showIcon title={errorMessage(error)} />;
  if (!point.data || !series.data) {
    return (
      <div className="fx-center" style={{ height: height ?? 360 }}>
        <Spin />
      </div>
    );
  }
  return (
    <Spin spinning={series.isFetching}>
      {series.data.truncated && (
        <Alert type="warning" showIcon title={t('monitoring.point.truncated')} style={{ marginBottom: 8 }} />
      )}
      {series.data.items.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('monitoring.point.noData')} />
      )}
      <TrendChart
        series={series.data}
        thresholds={point.data.effectiveThresholds}
        alarms={alarms.data?.items ?? []}
        unit={point.data.unit}
        {...(height ? { height } : {})}
        {...(onZoom ? { onZoom } : {})}
      />
    </Spin>
  );
}
