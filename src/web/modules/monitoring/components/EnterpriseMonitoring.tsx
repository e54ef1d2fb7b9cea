import { Alert, Card, type TableColumnsType, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { ResponsiveList } from '../../../shared/ResponsiveList';
import { useCan } from '../../auth/api';
import { type MonitoringPoint, useAlarms, useEnterprisePoints, useSparklines } from '../api';
import { type AlarmLiveEvent, useMonitoringLive } from '../useMonitoringLive';
import { AlarmList } from './AlarmList';
import { AlarmSoundControl, useAlarmSound } from './AlarmSound';
import { LiveBadge } from './LiveBadge';
import { Sparkline } from './Sparkline';
import { formatValue, StateDot, stateHex } from './tags';

type PointState = 'alarm' | 'offline' | 'normal' | 'noData';

function pointState(p: MonitoringPoint): PointState {
  const s = p.status;
  if (!s?.lastTs) return 'noData';
  if (s.worstSeverity) return 'alarm';
  return s.online ? 'normal' : 'offline';
}

/**
 * An enterprise's monitoring: its open alarms with their actions first (what needs doing), then every point
 * with its current value, state and last hour. Live: an alarm event refreshes both at once.
 */
export function EnterpriseMonitoring({ enterpriseId }: { enterpriseId: string }) {
  const t = useT();
  const can = useCan();
  const points = useEnterprisePoints(enterpriseId);
  const sparks = useSparklines(enterpriseId);
  const alarms = useAlarms({ enterpriseId, status: ['active', 'cleared'], page: 1, pageSize: 100 });
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const sound = useAlarmSound();
  const { announce } = sound;
  const connected = useMonitoringLive(
    useCallback(
      (e: AlarmLiveEvent) => {
        if (e.alarm.enterpriseId !== enterpriseId) return;
        if (e.event === 'raise' || e.event === 'return') setFresh((s) => new Set([...s, e.alarm.id]));
        announce(e);
      },
      [enterpriseId, announce],
    ),
  );

  const spark = (p: MonitoringPoint) => {
    const high = p.effectiveThresholds?.high ?? p.effectiveThresholds?.highHigh;
    return (
      <Sparkline
        data={sparks.data?.items[p.id] ?? []}
        colour={stateHex(pointState(p), p.status?.worstSeverity ?? null)}
        high={typeof high === 'number' ? high : undefined}
      />
    );
  };
  const stateCell = (p: MonitoringPoint) => {
    const st = pointState(p);
    return (
      <span data-testid={`point-state-${p.code}`} data-state={st}>
        <StateDot colour={stateHex(st, p.status?.worstSeverity ?? null)} />
        {t(`monitoring.state.${st}`)}
      </span>
    );
  };

  const columns: TableColumnsType<MonitoringPoint> = [
    {
      title: t('monitoring.enterprise.points'),
      key: 'name',
      render: (_, p) => (
        <>
          <Link to={`/monitoring/points/${p.id}`} data-testid={`point-link-${p.code}`}>
            {p.name}
          </Link>
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {p.code} · {t(`monitoring.kind.${p.kind}`)}
          </Typography.Text>
        </>
      ),
    },
    {
      title: t('monitoring.enterprise.value'),
      key: 'value',
      align: 'right',
      render: (_, p) => (
        <span style={{ fontWeight: 600, fontVariantNumeric: 'tabular-nums' }} data-testid={`point-value-${p.code}`}>
          {formatValue(p.status?.lastValue, p.unit)}
        </span>
      ),
    },
    { title: t('monitoring.enterprise.state'), key: 'state', render: (_, p) => stateCell(p) },
    { title: t('monitoring.enterprise.trend'), key: 'trend', render: (_, p) => spark(p) },
    {
      title: t('monitoring.enterprise.lastSeen'),
      key: 'lastSeen',
      render: (_, p) => formatDateTime(p.status?.lastTs ?? null) || '—',
    },
    {
      title: t('monitoring.enterprise.location'),
      key: 'location',
      responsive: ['lg'],
      render: (_, p) => [p.installation, p.location].filter(Boolean).join(' · '),
    },
  ];

  const error = points.error ?? alarms.error;
  return (
    <div data-testid="enterprise-monitoring">
      <div className="fx-mon-bar" style={{ marginBottom: 8 }}>
        {can('monitoring.manage') && (
          <>
            <Link to={`/monitoring/points?enterpriseId=${enterpriseId}`} data-testid="mon-setup-points">
              {t('monitoring.menu.points')}
            </Link>
            <Link to={`/monitoring/gateways?enterpriseId=${enterpriseId}`} data-testid="mon-setup-gateways">
              {t('monitoring.menu.gateways')}
            </Link>
          </>
        )}
        <AlarmSoundControl sound={sound} />
        <LiveBadge connected={connected} />
      </div>
      {error && <Alert type="error" showIcon title={errorMessage(error)} style={{ marginBottom: 12 }} />}
      <Card
        size="small"
        style={{ marginBottom: 12 }}
        title={
          <span>
            {t('monitoring.enterprise.openAlarms')}{' '}
            <Tag color={alarms.data?.total ? 'red' : 'default'}>{alarms.data?.total ?? 0}</Tag>
          </span>
        }
      >
        <AlarmList
          alarms={alarms.data?.items ?? []}
          loading={alarms.isPending}
          showEnterprise={false}
          fresh={fresh}
          testId="enterprise-alarms"
        />
      </Card>
      <Card size="small" title={t('monitoring.enterprise.points')}>
        <ResponsiveList<MonitoringPoint>
          testId="point-table"
          loading={points.isPending}
          items={points.data?.items ?? []}
          rowKey="id"
          emptyText={t('monitoring.enterprise.noPoints')}
          columns={columns}
          cardExtra={spark}
          renderCard={(p) => (
            <div style={{ minWidth: 0 }}>
              <Link to={`/monitoring/points/${p.id}`} data-testid={`point-link-${p.code}`}>
                {p.name}
              </Link>
              <div>
                <span style={{ fontWeight: 600, marginRight: 8 }} data-testid={`point-value-${p.code}`}>
                  {formatValue(p.status?.lastValue, p.unit)}
                </span>
                {stateCell(p)}
              </div>
            </div>
          )}
        />
      </Card>
    </div>
  );
}
