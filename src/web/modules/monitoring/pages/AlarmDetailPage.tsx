import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Descriptions, Row, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { pickLang, translateDynamic, useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { type AlarmDetail, type AlarmEventRow, MONITORING_KEYS, monitoringApi } from '../api';
import { AlarmActions } from '../components/AlarmActions';
import { LiveBadge } from '../components/LiveBadge';
import { PointTrend } from '../components/PointTrend';
import { AlarmStatusTag, formatDuration, formatValue, measureUnit, SeverityTag } from '../components/tags';
import { useMonitoringLive } from '../useMonitoringLive';

const EVENT_COLOUR: Record<string, string> = {
  raise: 'red',
  return: 'red',
  clear: 'green',
  clear_closed: 'green',
  acknowledge: 'blue',
  close: 'gray',
  auto_closed: 'gray',
  escalated: 'orange',
  to_hazard: 'blue',
  to_hazard_requested: 'blue',
};

/** An alarm with its facts, the actions this user may take, its timeline and the readings around it. */
export default function AlarmDetailPage() {
  const t = useT();
  const lang = useLang();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const connected = useMonitoringLive();
  const q = useQuery({ queryKey: MONITORING_KEYS.alarm(id), queryFn: () => monitoringApi.alarm(id) });

  if (q.error) {
    return (
      <Alert
        type="error"
        showIcon
        title={errorMessage(q.error)}
        action={<Button onClick={() => navigate('/monitoring/alarms')}>{t('common.back')}</Button>}
      />
    );
  }
  if (!q.data) {
    return (
      <div className="fx-center">
        <Spin />
      </div>
    );
  }
  const a = q.data;
  const unit = a.point?.unit ?? '';
  const end = a.clearedAt ?? a.closedAt;
  const windowFrom = new Date(Date.parse(a.raisedAt) - 30 * 60_000).toISOString();
  // "Now" rounded up to the minute keeps the chart's query key stable across re-renders.
  const now = Math.ceil(Date.now() / 60_000) * 60_000;
  const windowTo = new Date(Math.min(now, (end ? Date.parse(end) : now) + 30 * 60_000)).toISOString();

  return (
    <>
      <div className="fx-toolbar">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('common.back')} />
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }} data-testid="alarm-title">
          {t('monitoring.detail.title', { code: a.code })}
        </h1>
        <LiveBadge connected={connected} />
      </div>
      <Card size="small" style={{ marginBottom: 12 }} data-testid="alarm-detail" data-status={a.status}>
        <Space wrap style={{ marginBottom: 8 }}>
          <SeverityTag severity={a.severity} />
          <AlarmStatusTag status={a.status} acknowledged={a.acknowledged} />
          {a.tampering && <Tag color="purple">{t('monitoring.alarms.tampering')}</Tag>}
          {a.count > 1 && <Tag>{`×${a.count}`}</Tag>}
        </Space>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {pickLang(lang, a.ruleName.zh, a.ruleName.en)} · {a.point?.name}
        </Typography.Title>
        <Typography.Paragraph>
          <Link to={`/monitoring/enterprises/${a.enterpriseId}`}>{a.enterpriseName}</Link> ·{' '}
          <Link to={`/monitoring/points/${a.pointId}`}>
            {a.point?.name}({a.point?.code})
          </Link>
        </Typography.Paragraph>
        <div style={{ marginBottom: 12 }}>
          <AlarmActions alarm={a} size="large" withHazard />
          {(a.allowedActions ?? []).length === 0 && a.status !== 'closed' && (
            <Typography.Text type="secondary">{t('monitoring.actions.autoCloseHint')}</Typography.Text>
          )}
        </div>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} bordered>
          <Descriptions.Item label={t('monitoring.detail.raisedAt')}>
            {formatDateTime(a.raisedAt)}
            {a.status === 'active' && ` (${formatDuration(Date.now() - Date.parse(a.raisedAt), lang)})`}
          </Descriptions.Item>
          <Descriptions.Item label={t('monitoring.alarms.threshold')}>
            {formatValue(a.threshold, measureUnit(a))}
          </Descriptions.Item>
          <Descriptions.Item label={t('monitoring.detail.firstValue')}>
            {formatValue(a.firstValue, unit)}
          </Descriptions.Item>
          <Descriptions.Item label={t('monitoring.detail.peakValue')}>
            {formatValue(a.peakValue, measureUnit(a))}
          </Descriptions.Item>
          <Descriptions.Item label={t('monitoring.detail.lastValue')}>
            {formatValue(a.lastValue, unit)}
          </Descriptions.Item>
          <Descriptions.Item label={t('monitoring.detail.acknowledgedAt')}>
            {a.acknowledgedAt ? formatDateTime(a.acknowledgedAt) : '—'}
          </Descriptions.Item>
          {a.acknowledgeNote && (
            <Descriptions.Item label={t('monitoring.detail.acknowledgeNote')}>{a.acknowledgeNote}</Descriptions.Item>
          )}
          <Descriptions.Item label={t('monitoring.detail.clearedAt')}>
            {a.clearedAt ? formatDateTime(a.clearedAt) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('monitoring.detail.closedAt')}>
            {a.closedAt ? formatDateTime(a.closedAt) : '—'}
            {a.closedHow &&
              ` · ${a.closedHow === 'auto' ? t('monitoring.detail.closeAuto') : t('monitoring.detail.closeForced')}`}
          </Descriptions.Item>
          {a.closeReason && (
            <Descriptions.Item label={t('monitoring.detail.closeReason')}>{a.closeReason}</Descriptions.Item>
          )}
          {a.escalatedAt && (
            <Descriptions.Item label={t('monitoring.detail.escalatedAt')}>
              {formatDateTime(a.escalatedAt)}
            </Descriptions.Item>
          )}
          {(a.hazardId || a.hazardRequestedAt) && (
            <Descriptions.Item label={t('monitoring.detail.hazard')}>
              {a.hazardId ?? t('monitoring.detail.hazardRequested')}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={9}>
          <Card size="small" title={t('monitoring.detail.timeline')}>
            <Timeline data-testid="alarm-timeline" items={timelineItems(a, t)} />
          </Card>
        </Col>
        <Col xs={24} lg={15}>
          <Card
            size="small"
            title={t('monitoring.detail.trend')}
            extra={<Link to={`/monitoring/points/${a.pointId}`}>{t('monitoring.detail.openPoint')}</Link>}
          >
            <PointTrend pointId={a.pointId} from={windowFrom} to={windowTo} height={300} />
          </Card>
        </Col>
      </Row>
    </>
  );
}

function eventLabel(e: AlarmEventRow): string {
  return translateDynamic(`monitoring.event.${e.type}`) ?? e.type;
}

function timelineItems(a: AlarmDetail, t: ReturnType<typeof useT>) {
  const unit = a.point?.unit ?? '';
  // Value updates while active can be many: keep the first and last of each run so the timeline stays readable.
  const events = a.events.filter((e, i, all) => {
    if (e.type !== 'update') return true;
    return all[i - 1]?.type !== 'update' || all[i + 1]?.type !== 'update';
  });
  return events.map((e, i) => ({
    key: `${e.at}-${i}`,
    color: EVENT_COLOUR[e.type] ?? 'gray',
    title: formatDateTime(e.at),
    content: (
      <div data-testid={`timeline-${e.type}`}>
        <strong>{eventLabel(e)}</strong>
        {e.value !== null && ` · ${formatValue(e.value, unit)}`}
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {e.actorName ?? t('monitoring.event.system')}
          </Typography.Text>
        </div>
        {e.note && <div>{e.note}</div>}
      </div>
    ),
  }));
}
