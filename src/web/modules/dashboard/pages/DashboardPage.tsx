import { Alert, Card, Col, Row, Spin, Statistic, Table, Tag } from 'antd';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { useIsPhone } from '../../../shared/hooks';
import { useCan } from '../../auth/api';
import { ExpiryTag } from '../../enterprises/components/ExpiryTag';
import { type ExpiringItem, useDashboardSummary } from '../api';
import { BarChart } from '../components/BarChart';

// The hazards module's figures (its own chunk; shown to users who may read hazards).
const DashboardHazards = lazy(() => import('../../hazards/components/DashboardHazards'));

export default function DashboardPage() {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const summary = useDashboardSummary();
  const can = useCan();

  if (summary.isPending) {
    return (
      <div className="fx-center">
        <Spin size="large" />
      </div>
    );
  }
  if (summary.error) return <Alert type="error" showIcon title={errorMessage(summary.error)} />;
  const { totals, bySector, byTownship } = summary.data.enterprises;
  const cards = [
    { key: 'total', value: totals.total, color: '#1557b0', link: '/enterprises' },
    { key: 'key', value: totals.key, color: '#d46b08', link: '/enterprises?isKey=true' },
    { key: 'major', value: totals.major, color: '#cf1322', link: '/enterprises?hasMajorHazard=true' },
    { key: 'suspended', value: totals.suspended, color: '#595959', link: '/enterprises?status=suspended' },
  ] as const;

  return (
    <>
      <h1 className="fx-page-title">{t('dashboard.title')}</h1>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {cards.map((c) => (
          <Col xs={12} md={6} key={c.key}>
            <Link to={c.link} data-testid={`stat-${c.key}`}>
              <Card hoverable size="small">
                <Statistic
                  title={t(`dashboard.cards.${c.key}`)}
                  value={c.value}
                  styles={{ content: { color: c.color, fontWeight: 600 } }}
                />
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
      {can('hazard.read') && (
        <Suspense fallback={<Spin />}>
          <DashboardHazards />
        </Suspense>
      )}
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.bySector')} size="small">
            <BarChart
              testId="chart-sector"
              data={bySector.map((s) => ({ name: lang === 'en' ? s.name_en : s.name_zh, value: s.count }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.byTownship')} size="small">
            <BarChart
              testId="chart-township"
              color="#13a8a8"
              data={byTownship.map((s) => ({ name: s.name, value: s.count }))}
            />
          </Card>
        </Col>
      </Row>
      <Card
        size="small"
        title={
          <span>
            {t('dashboard.expiring')} <Tag>{summary.data.expiringTotal}</Tag>
          </span>
        }
      >
        <Table<ExpiringItem>
          size="small"
          data-testid="expiring-table"
          rowKey={(r) => `${r.enterpriseId}:${r.kind}:${r.number}`}
          dataSource={summary.data.expiring}
          pagination={{ pageSize: 10, size: 'small', showSizeChanger: false }}
          scroll={phone ? { x: 560 } : undefined}
          columns={[
            {
              title: t('enterprises.fields.name'),
              dataIndex: 'enterpriseName',
              render: (name: string, r) => <Link to={`/enterprises/${r.enterpriseId}`}>{name}</Link>,
            },
            {
              title: t('dashboard.certificate'),
              dataIndex: 'kind',
              render: (k: string) => (k === 'standardization' ? t('enterprises.fields.standardization') : k),
            },
            {
              title: t('enterprises.licence.number'),
              dataIndex: 'number',
              render: (n: string, r) =>
                r.kind === 'standardization' ? t('enterprises.grade', { grade: n.replace(/\D/g, '') }) : n,
            },
            { title: t('enterprises.licence.expiry'), dataIndex: 'expiry' },
            {
              title: t('dashboard.daysLeft'),
              dataIndex: 'daysLeft',
              render: (_: number, r) => <ExpiryTag state={r.state} daysLeft={r.daysLeft} />,
            },
          ]}
        />
      </Card>
    </>
  );
}
