import { Alert, Card, Col, Empty, List, Row, Spin, Statistic, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { useIsPhone } from '../../../shared/hooks';
import { useMe } from '../../auth/api';
import { type OverviewItem, useAlarms, useOverview } from '../api';
import { AlarmList } from '../components/AlarmList';
import { AlarmSoundControl, useAlarmSound } from '../components/AlarmSound';
import { LiveBadge } from '../components/LiveBadge';
import { MonitoringMap } from '../components/MonitoringMap';
import { StateDot, stateHex } from '../components/tags';
import { type AlarmLiveEvent, useMonitoringLive } from '../useMonitoringLive';

const FEED = { status: ['active', 'cleared'] as ('active' | 'cleared')[], page: 1, pageSize: 50 };

/**
 * The county's live picture: counts of points online / offline / in alarm, the enterprises on a map and in a
 * list coloured by their worst state, and the feed of open alarms with their actions — all refreshed by the
 * SSE alarm stream (and a slow poll for online/offline changes, which carry no event).
 */
export default function MonitoringOverviewPage() {
  const t = useT();
  const phone = useIsPhone();
  const { data: me } = useMe();
  const overview = useOverview();
  const feed = useAlarms(FEED);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const sound = useAlarmSound();
  const { announce } = sound;
  const onAlarm = useCallback(
    (e: AlarmLiveEvent) => {
      announce(e);
      if (e.event !== 'raise' && e.event !== 'return') return;
      setFresh((s) => new Set([...s, e.alarm.id]));
    },
    [announce],
  );
  const connected = useMonitoringLive(onAlarm);

  if (overview.isPending) {
    return (
      <div className="fx-center">
        <Spin size="large" />
      </div>
    );
  }
  if (overview.error) return <Alert type="error" showIcon title={errorMessage(overview.error)} />;
  const { totals, items } = overview.data;
  const noCoords = items.filter((i) => !i.coordinates).length;
  const cards = [
    { key: 'enterprises', value: totals.enterprises, color: '#1557b0' },
    { key: 'points', value: totals.points, color: '#1557b0' },
    { key: 'online', value: totals.online, color: '#389e0d' },
    { key: 'offline', value: totals.offline, color: '#8c8c8c' },
    { key: 'inAlarm', value: totals.inAlarm, color: '#cf1322' },
    { key: 'unacknowledged', value: totals.unacknowledged, color: '#c41d7f' },
  ] as const;

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('monitoring.overview.title')}
        </h1>
        <span className="fx-mon-bar">
          <AlarmSoundControl sound={sound} />
          <LiveBadge connected={connected} asOf={overview.data.asOf} />
        </span>
      </div>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {cards.map((c) => (
          <Col xs={8} md={4} key={c.key}>
            <Card size="small" data-testid={`mon-total-${c.key}`}>
              <Statistic
                title={t(`monitoring.totals.${c.key}`)}
                value={c.value}
                styles={{ content: { color: c.color, fontWeight: 600, fontSize: phone ? 20 : 24 } }}
              />
            </Card>
          </Col>
        ))}
      </Row>
      {items.length === 0 ? (
        <Card>
          <Empty description={t('monitoring.overview.noEnterprises')} />
        </Card>
      ) : (
        <Row gutter={[12, 12]}>
          <Col xs={24} xl={14}>
            <Card size="small" title={t('monitoring.overview.map')} styles={{ body: { padding: 0 } }}>
              <MonitoringMap
                items={items}
                tileUrl={me?.tileUrl ?? null}
                height={phone ? '320px' : 'max(380px, calc(100vh - 470px))'}
              />
              {noCoords > 0 && (
                <Typography.Text type="secondary" style={{ display: 'block', padding: 8 }}>
                  {t('monitoring.overview.noCoordinates', { count: noCoords })}
                </Typography.Text>
              )}
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Card size="small" title={t('monitoring.overview.enterprises')}>
              <EnterpriseStateList items={items} />
            </Card>
          </Col>
        </Row>
      )}
      <Card
        size="small"
        style={{ marginTop: 12 }}
        title={
          <span>
            {t('monitoring.overview.feed')} <Tag>{feed.data?.total ?? 0}</Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 400 }}>
              {t('monitoring.overview.feedHint')}
            </Typography.Text>
          </span>
        }
        extra={<Link to="/monitoring/alarms">{t('monitoring.menu.alarms')}</Link>}
      >
        {feed.error && <Alert type="error" showIcon title={errorMessage(feed.error)} />}
        <AlarmList alarms={feed.data?.items ?? []} loading={feed.isPending} fresh={fresh} testId="alarm-feed" />
      </Card>
    </>
  );
}

function EnterpriseStateList({ items }: { items: OverviewItem[] }) {
  const t = useT();
  return (
    <List
      size="small"
      data-testid="mon-enterprises"
      dataSource={items}
      style={{ maxHeight: 420, overflow: 'auto' }}
      renderItem={(i) => (
        <List.Item
          key={i.enterpriseId}
          data-testid={`mon-ent-${i.enterpriseId}`}
          data-state={i.worstState}
          extra={
            <span style={{ whiteSpace: 'nowrap' }}>
              {i.inAlarm > 0 && <Tag color="red">{`${t('monitoring.totals.inAlarm')} ${i.inAlarm}`}</Tag>}
              {i.unacknowledged > 0 && (
                <Tag color="magenta">{`${t('monitoring.totals.unacknowledged')} ${i.unacknowledged}`}</Tag>
              )}
              {i.offline > 0 && <Tag>{`${t('monitoring.totals.offline')} ${i.offline}`}</Tag>}
              {i.tamperingOpen > 0 && <Tag color="purple">{t('monitoring.alarms.tampering')}</Tag>}
            </span>
          }
        >
          <span style={{ display: 'flex', alignItems: 'center', minWidth: 0 }}>
            <StateDot colour={stateHex(i.worstState, i.worstSeverity)} />
            <span style={{ minWidth: 0 }}>
              <Link to={`/monitoring/enterprises/${i.enterpriseId}`}>{i.name}</Link>
              <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                {t('monitoring.overview.pointsSummary', { online: i.online, points: i.points })}
              </Typography.Text>
            </span>
          </span>
        </List.Item>
      )}
    />
  );
}
