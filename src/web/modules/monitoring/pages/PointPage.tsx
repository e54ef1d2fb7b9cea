import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Select, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { MONITORING_KEYS, monitoringApi, type Step, useAlarms } from '../api';
import { AlarmList } from '../components/AlarmList';
import { LiveBadge } from '../components/LiveBadge';
import { PointTrend } from '../components/PointTrend';
import { isPreset, RangeSelect, resolveRange, type TimeRange } from '../components/RangeSelect';
import { formatValue, StateDot, stateHex } from '../components/tags';
import { useMonitoringLive } from '../useMonitoringLive';

const THRESHOLD_ORDER = ['powerCut', 'highHigh', 'high', 'restore', 'low', 'lowLow'] as const;
const STEPS: (Step | 'auto')[] = ['auto', 'raw', '1m', '1h'];

/**
 * One monitoring point: its current value and state, thresholds, the history chart (15 minutes to a year;
 * the server picks raw readings or 1-minute / 1-hour rollups, or the user does), and its alarms.
 * The range lives in the URL (`range=h1` or `from`/`to`), so a link shows the same window.
 */
export default function PointPage() {
  const t = useT();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const connected = useMonitoringLive();
  const point = useQuery({
    queryKey: MONITORING_KEYS.point(id),
    queryFn: () => monitoringApi.point(id),
    refetchInterval: 10_000,
  });
  const history = useAlarms({ pointId: id, page: 1, pageSize: 20 });

  const rangeParam = params.get('range');
  const range: TimeRange =
    params.get('from') && params.get('to')
      ? { from: params.get('from') ?? '', to: params.get('to') ?? '' }
      : { preset: isPreset(rangeParam) ? rangeParam : 'h1' };
  const stepParam = params.get('step');
  const step: Step | 'auto' = stepParam === 'raw' || stepParam === '1m' || stepParam === '1h' ? stepParam : 'auto';
  // A preset window follows the clock: recomputed every 10 s so new readings scroll in.
  const [tick, setTick] = useState(() => Date.now());
  useEffect(() => {
    if (!('preset' in range)) return;
    const h = setInterval(() => setTick(Date.now()), 10_000);
    return () => clearInterval(h);
  }, [range]);
  const span = resolveRange(range, tick);

  const setRange = (r: TimeRange) => {
    const next = new URLSearchParams(params);
    next.delete('range');
    next.delete('from');
    next.delete('to');
    if ('preset' in r) {
      if (r.preset !== 'h1') next.set('range', r.preset);
    } else {
      next.set('from', r.from);
      next.set('to', r.to);
    }
    setTick(Date.now());
    setParams(next, { replace: true });
  };

  if (point.error) {
    return (
      <Alert
        type="error"
        showIcon
        title={errorMessage(point.error)}
        action={<Button onClick={() => navigate('/monitoring')}>{t('common.back')}</Button>}
      />
    );
  }
  if (!point.data) {
    return (
      <div className="fx-center">
        <Spin />
      </div>
    );
  }
  const p = point.data;
  const s = p.status;
  const state = !s?.lastTs ? 'noData' : s.worstSeverity ? 'alarm' : s.online ? 'normal' : 'offline';
  const thresholds = THRESHOLD_ORDER.flatMap((k) => {
    const v = p.effectiveThresholds?.[k];
    return typeof v === 'number' ? [{ k, v }] : [];
  });

  return (
    <>
      <div className="fx-toolbar">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('common.back')} />
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }} data-testid="point-title">
          {p.name} <Typography.Text type="secondary">{p.code}</Typography.Text>
        </h1>
        <LiveBadge connected={connected} />
      </div>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap size={16} align="center" style={{ marginBottom: 8 }}>
          <span style={{ fontSize: 28, fontWeight: 600 }} data-testid="point-value">
            <StateDot colour={stateHex(state, s?.worstSeverity ?? null)} size={14} />
            {formatValue(s?.lastValue, p.unit)}
          </span>
          <Tag data-testid="point-state" data-state={state}>
            {t(`monitoring.state.${state}`)}
          </Tag>
          <Typography.Text type="secondary">{s?.lastTs ? formatDateTime(s.lastTs) : ''}</Typography.Text>
        </Space>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
          <Descriptions.Item label={t('monitoring.alarms.enterprise')}>
            <Link to={`/monitoring/enterprises/${p.enterpriseId}`}>{p.enterpriseName}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('monitoring.enterprise.location')}>
            {[p.installation, p.location].filter(Boolean).join(' · ') || '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('monitoring.point.template')}>
            {p.template ?? '—'}
            {p.templateUncertain && (
              <Tag color="gold" style={{ marginLeft: 6 }}>
                {t('monitoring.point.uncertain')}
              </Tag>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('monitoring.point.thresholds')}>
            <Space size={4} wrap>
              {thresholds.map(({ k, v }) => (
                <Tag key={k}>{`${t(`monitoring.threshold.${k}`)} ${formatValue(v, p.unit)}`}</Tag>
              ))}
              {thresholds.length === 0 && '—'}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t(`monitoring.kind.${p.kind}`)}>
            {t('monitoring.point.interval', { seconds: p.intervalSeconds })}
            {p.rangeMin !== null &&
              p.rangeMax !== null &&
              ` · ${t('monitoring.point.range', { min: p.rangeMin, max: p.rangeMax, unit: p.unit })}`}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card
        size="small"
        style={{ marginBottom: 12 }}
        title={t('monitoring.point.chart')}
        extra={
          <Select<Step | 'auto'>
            size="small"
            value={step}
            style={{ width: 110 }}
            aria-label={t('monitoring.point.step')}
            data-testid="step-select"
            onChange={(v) => {
              const next = new URLSearchParams(params);
              if (v === 'auto') next.delete('step');
              else next.set('step', v);
              setParams(next, { replace: true });
            }}
            options={STEPS.map((v) => ({
              value: v,
              label:
                v === 'auto'
                  ? t('monitoring.point.stepAuto')
                  : v === 'raw'
                    ? t('monitoring.point.stepRaw')
                    : v === '1m'
                      ? t('monitoring.point.step1m')
                      : t('monitoring.point.step1h'),
            }))}
          />
        }
      >
        <div style={{ marginBottom: 8 }}>
          <RangeSelect value={range} onChange={setRange} />
        </div>
        <PointTrend
          pointId={p.id}
          from={span.from}
          to={span.to}
          step={step}
          onZoom={(from, to) => setRange({ from, to })}
        />
      </Card>
      <Card size="small" title={t('monitoring.point.alarmHistory')}>
        <AlarmList alarms={history.data?.items ?? []} loading={history.isPending} showEnterprise={false} />
      </Card>
    </>
  );
}
