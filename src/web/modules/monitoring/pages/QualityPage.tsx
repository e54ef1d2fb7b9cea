import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Card,
  Col,
  Progress,
  Row,
  Select,
  Spin,
  Statistic,
  Table,
  type TableProps,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { translateDynamic, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { type DeadLetter, MONITORING_KEYS, monitoringApi, type QualityItem } from '../api';

function pct(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 10;
}

function reasonName(reason: string): string {
  return translateDynamic(`monitoring.reason.${reason}`) ?? reason;
}

function ReasonTags({ byReason }: { byReason: Record<string, number> }) {
  return (
    <>
      {Object.entries(byReason)
        .sort((a, b) => b[1] - a[1])
        .map(([r, n]) => (
          <Tag key={r}>{`${reasonName(r)} ${n}`}</Tag>
        ))}
    </>
  );
}

/**
 * Data quality, the regulators' KPI: online rate per enterprise now, completeness over 24 hours (readings
 * received / expected), rejected data (dead letters) by reason, and suspected tampering; then the dead letters.
 */
export default function QualityPage() {
  const t = useT();
  const q = useQuery({ queryKey: MONITORING_KEYS.quality, queryFn: monitoringApi.quality, refetchInterval: 30_000 });
  const [page, setPage] = useState(1);
  const [enterpriseId, setEnterpriseId] = useState<string | undefined>();
  const dead = useQuery({
    queryKey: MONITORING_KEYS.deadLetters(page, enterpriseId),
    queryFn: () => monitoringApi.deadLetters(page, enterpriseId),
    placeholderData: keepPreviousData,
  });

  if (q.isPending) {
    return (
      <div className="fx-center">
        <Spin size="large" />
      </div>
    );
  }
  if (q.error) return <Alert type="error" showIcon title={errorMessage(q.error)} />;
  const rows = q.data.enterprises;
  const points = rows.reduce((n, r) => n + r.points, 0);
  const online = rows.reduce((n, r) => n + r.online, 0);
  const names = new Map(rows.map((r) => [r.enterpriseId, r.name]));
  const unattributed = q.data.unattributedDeadLetters24h;

  const columns: TableProps<QualityItem>['columns'] = [
    {
      title: t('monitoring.alarms.enterprise'),
      key: 'name',
      render: (_, r) => <Link to={`/monitoring/enterprises/${r.enterpriseId}`}>{r.name}</Link>,
    },
    {
      title: t('monitoring.quality.onlineRate'),
      key: 'online',
      sorter: (a, b) => (a.onlineRate ?? 0) - (b.onlineRate ?? 0),
      defaultSortOrder: 'ascend',
      render: (_, r) => (
        <div style={{ minWidth: 140 }} data-testid={`quality-online-${r.enterpriseId}`}>
          <Progress
            percent={pct(r.onlineRate) ?? 0}
            size="small"
            status={r.onlineRate !== null && r.onlineRate < 0.9 ? 'exception' : 'normal'}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('monitoring.overview.pointsSummary', { online: r.online, points: r.points })}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('monitoring.quality.completeness'),
      key: 'completeness',
      sorter: (a, b) => (a.completeness24h ?? 0) - (b.completeness24h ?? 0),
      render: (_, r) => (r.completeness24h === null ? '—' : `${pct(r.completeness24h)}%`),
    },
    {
      title: t('monitoring.quality.deadLetters'),
      key: 'dead',
      sorter: (a, b) => a.deadLetters24h - b.deadLetters24h,
      render: (_, r) =>
        r.deadLetters24h === 0 ? (
          0
        ) : (
          <Tooltip title={<ReasonTags byReason={r.deadLettersByReason} />}>
            <Tag color="orange">{r.deadLetters24h}</Tag>
          </Tooltip>
        ),
    },
    {
      title: t('monitoring.quality.tampering'),
      key: 'tampering',
      sorter: (a, b) => a.tampering.open - b.tampering.open,
      render: (_, r) =>
        r.tampering.last30Days === 0 ? (
          '—'
        ) : (
          <Link to={`/monitoring/alarms?view=tampering`}>
            <Tag
              color={r.tampering.open ? 'purple' : 'default'}
            >{`${r.tampering.open} / ${r.tampering.last30Days}`}</Tag>
          </Link>
        ),
    },
  ];

  const deadColumns: TableProps<DeadLetter>['columns'] = [
    {
      title: t('monitoring.quality.receivedAt'),
      key: 'at',
      width: 150,
      render: (_, d) => formatDateTime(d.receivedAt),
    },
    {
      title: t('monitoring.alarms.enterprise'),
      key: 'ent',
      render: (_, d) => (d.enterpriseId ? (names.get(d.enterpriseId) ?? d.enterpriseId) : '—'),
    },
    { title: t('monitoring.quality.reason'), key: 'reason', render: (_, d) => <Tag>{reasonName(d.reason)}</Tag> },
    { title: t('monitoring.quality.pointRef'), key: 'point', render: (_, d) => d.point ?? '—' },
    { title: t('monitoring.quality.source'), dataIndex: 'source', width: 70 },
    {
      title: t('monitoring.quality.detail'),
      key: 'detail',
      render: (_, d) => (
        <Typography.Text type="secondary" ellipsis={{ tooltip: d.payload ?? d.detail }} style={{ maxWidth: 260 }}>
          {d.detail ?? d.payload ?? ''}
        </Typography.Text>
      ),
    },
  ];

  return (
    <>
      <h1 className="fx-page-title">{t('monitoring.quality.title')}</h1>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={12} md={6}>
          <Card size="small" data-testid="quality-county-rate">
            <Statistic
              title={t('monitoring.quality.countyOnlineRate')}
              value={points ? Math.round((online / points) * 1000) / 10 : 0}
              suffix="%"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('monitoring.quality.offlinePoints')} value={points - online} />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
            {t('monitoring.quality.kpiHint')}
          </Typography.Paragraph>
          {Object.keys(unattributed).length > 0 && (
            <div style={{ marginTop: 6 }}>
              <Typography.Text>{t('monitoring.quality.unattributed')}: </Typography.Text>
              <ReasonTags byReason={unattributed} />
            </div>
          )}
        </Col>
      </Row>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Table<QualityItem>
          size="small"
          rowKey="enterpriseId"
          data-testid="quality-table"
          columns={columns}
          dataSource={rows}
          pagination={rows.length > 20 ? { pageSize: 20 } : false}
          scroll={{ x: 720 }}
        />
      </Card>
      <Card
        size="small"
        title={t('monitoring.quality.deadLetterList')}
        extra={
          <Select
            allowClear
            size="small"
            style={{ width: 220 }}
            placeholder={t('monitoring.quality.allEnterprises')}
            value={enterpriseId}
            onChange={(v?: string) => {
              setEnterpriseId(v);
              setPage(1);
            }}
            options={rows.map((r) => ({ value: r.enterpriseId, label: r.name }))}
          />
        }
      >
        {dead.error && <Alert type="error" showIcon title={errorMessage(dead.error)} />}
        <Table<DeadLetter>
          size="small"
          rowKey="id"
          data-testid="dead-letters"
          loading={dead.isFetching}
          columns={deadColumns}
          dataSource={dead.data?.items ?? []}
          scroll={{ x: 760 }}
          pagination={{
            current: page,
            pageSize: 20,
            total: dead.data?.total ?? 0,
            showSizeChanger: false,
            showTotal: (total) => t('common.total', { total }),
            onChange: setPage,
          }}
        />
      </Card>
    </>
  );
}
