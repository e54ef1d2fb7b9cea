import { Space, type TableColumnsType, type TableProps, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { pickLang, useLang, useT } from '../../../app/i18n';
import { formatDateTime } from '../../../shared/format';
import { ResponsiveList } from '../../../shared/ResponsiveList';
import type { Alarm } from '../api';
import { AlarmActions } from './AlarmActions';
import { AlarmStatusTag, formatDuration, formatValue, measureUnit, SeverityTag } from './tags';

function valueText(a: Alarm, t: ReturnType<typeof useT>): string {
  const unit = a.point?.unit ?? '';
  if (a.lastValue === null && a.peakValue === null) return '—';
  const parts = [t('monitoring.alarms.last', { value: formatValue(a.lastValue, unit) })];
  if (a.peakValue !== null && (a.peakValue !== a.lastValue || a.rule === 'rate_of_change')) {
    parts.push(t('monitoring.alarms.peak', { value: formatValue(a.peakValue, measureUnit(a)) }));
  }
  return parts.join(' · ');
}

/**
 * Alarms as a table (desktop) or cards (phone), newest first, with the actions each one allows right on the row:
 * what an officer woken at night needs without opening anything — where, what, how bad, since when, and a button.
 */
export function AlarmList({
  alarms,
  loading,
  showEnterprise = true,
  fresh,
  pagination,
  testId = 'alarm-list',
}: {
  alarms: Alarm[];
  loading?: boolean;
  showEnterprise?: boolean;
  /** Alarms that just arrived live: highlighted. */
  fresh?: ReadonlySet<string>;
  pagination?: TableProps<Alarm>['pagination'];
  testId?: string;
}) {
  const t = useT();
  const lang = useLang();
  const now = Date.now();
  const since = (a: Alarm) =>
    a.status === 'active'
      ? t('monitoring.alarms.since', { duration: formatDuration(now - Date.parse(a.raisedAt), lang) })
      : '';

  const columns: TableColumnsType<Alarm> = [
    {
      title: t('monitoring.alarms.severity'),
      dataIndex: 'severity',
      width: 110,
      render: (_, a) => <SeverityTag severity={a.severity} />,
    },
    {
      title: t('monitoring.alarms.rule'),
      key: 'rule',
      render: (_, a) => (
        <Space vertical size={0}>
          <Link to={`/monitoring/alarms/${a.id}`} data-testid={`alarm-link-${a.code}`}>
            {pickLang(lang, a.ruleName.zh, a.ruleName.en)}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {a.code}
            {a.count > 1 ? ` ×${a.count}` : ''}
          </Typography.Text>
          {a.tampering && <Tag color="purple">{t('monitoring.alarms.tampering')}</Tag>}
        </Space>
      ),
    },
    ...(showEnterprise
      ? [
          {
            title: t('monitoring.alarms.enterprise'),
            key: 'enterprise',
            render: (_: unknown, a: Alarm) => (
              <Link to={`/monitoring/enterprises/${a.enterpriseId}`}>{a.enterpriseName}</Link>
            ),
          },
        ]
      : []),
    {
      title: t('monitoring.alarms.point'),
      key: 'point',
      render: (_, a) => <Link to={`/monitoring/points/${a.pointId}`}>{a.point ? `${a.point.name}` : a.pointId}</Link>,
    },
    {
      title: t('monitoring.alarms.value'),
      key: 'value',
      render: (_, a) => (
        <span data-testid="alarm-value">
          {valueText(a, t)}
          {a.threshold !== null && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {t('monitoring.alarms.threshold')} {formatValue(a.threshold, measureUnit(a))}
            </Typography.Text>
          )}
        </span>
      ),
    },
    {
      title: t('monitoring.alarms.raisedAt'),
      dataIndex: 'raisedAt',
      width: 150,
      render: (_, a) => (
        <>
          {formatDateTime(a.raisedAt)}
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {since(a)}
          </Typography.Text>
        </>
      ),
    },
    {
      title: t('monitoring.alarms.status'),
      key: 'status',
      width: 150,
      render: (_, a) => <AlarmStatusTag status={a.status} acknowledged={a.acknowledged} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, a) => <AlarmActions alarm={a} size="small" />,
    },
  ];

  return (
    <ResponsiveList<Alarm>
      testId={testId}
      loading={loading}
      items={alarms}
      rowKey="id"
      emptyText={t('monitoring.alarms.empty')}
      columns={columns}
      table={{ scroll: { x: 900 } }}
      pagination={pagination}
      phonePagination={
        pagination
          ? {
              current: pagination.current,
              pageSize: pagination.pageSize,
              total: pagination.total,
              onChange: pagination.onChange,
              size: 'small',
            }
          : false
      }
      rowClassName={(a) => (fresh?.has(a.id) ? 'fx-alarm-fresh' : undefined)}
      rowTestId={(a) => `alarm-row-${a.code}`}
      phoneItem="card"
      cardStyle={(a) => ({ borderLeft: `4px solid ${a.colour ? `var(--fx-sev-${a.colour})` : '#ccc'}` })}
      renderCard={(a) => (
        <>
          <Space size={4} wrap style={{ marginBottom: 4 }}>
            <SeverityTag severity={a.severity} />
            <AlarmStatusTag status={a.status} acknowledged={a.acknowledged} />
            {a.tampering && <Tag color="purple">{t('monitoring.alarms.tampering')}</Tag>}
          </Space>
          <div style={{ fontWeight: 600 }}>
            {pickLang(lang, a.ruleName.zh, a.ruleName.en)} · {a.point?.name ?? ''}
          </div>
          {showEnterprise && <div>{a.enterpriseName}</div>}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatDateTime(a.raisedAt)} {since(a)} · {valueText(a, t)}
          </Typography.Text>
          <Space style={{ marginTop: 8 }} wrap>
            <AlarmActions alarm={a} size="large" />
            <Link to={`/monitoring/alarms/${a.id}`} data-testid={`alarm-link-${a.code}`}>
              {t('monitoring.alarms.detail')}
            </Link>
          </Space>
        </>
      )}
    />
  );
}
