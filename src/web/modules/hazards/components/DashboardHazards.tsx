import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Row, Spin, Statistic } from 'antd';
import { Link } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { HAZARD_KEYS, hazardApi } from '../api';
import { TrendChart } from './Charts';

const OPEN = 'status=reported,rectifying,submitted,verified';

/** The hazard figures on the home page (scoped by the server): open, overdue, major open, rate, trend. */
export default function DashboardHazards() {
  const t = useT();
  const q = { groupBy: 'township', limit: 1 };
  const stats = useQuery({ queryKey: HAZARD_KEYS.stats(q), queryFn: () => hazardApi.stats(q) });
  if (stats.error) return <Alert type="error" showIcon title={errorMessage(stats.error)} />;
  if (!stats.data) return <Spin />;
  const s = stats.data.totals;
  const cards = [
    { key: 'open', value: s.open, color: '#d46b08', link: `/hazards?${OPEN}` },
    { key: 'overdue', value: s.overdueNow, color: '#cf1322', link: '/hazards?overdue=true' },
    { key: 'majorOpen', value: s.majorOpen, color: '#a8071a', link: '/hazards/board' },
    {
      key: 'rectificationRate',
      value: `${(s.rectificationRate * 100).toFixed(1)}%`,
      color: '#389e0d',
      link: '/hazards/figures',
    },
  ] as const;
  return (
    <Card
      size="small"
      title={<Link to="/hazards/figures">{t('hazards.title')}</Link>}
      style={{ marginBottom: 12 }}
      data-testid="dashboard-hazards"
    >
      <Row gutter={[12, 12]}>
        {cards.map((c) => (
          <Col xs={12} md={6} key={c.key}>
            <Link to={c.link}>
              <Statistic
                title={t(`hazards.figures.${c.key}`)}
                value={c.value}
                styles={{ content: { color: c.color, fontWeight: 600 } }}
              />
            </Link>
          </Col>
        ))}
      </Row>
      <TrendChart
        months={stats.data.trend.map((m) => m.month)}
        series={[
          { name: t('hazards.figures.found'), data: stats.data.trend.map((m) => m.found), color: '#1557b0' },
          { name: t('hazards.figures.closed'), data: stats.data.trend.map((m) => m.closed), color: '#389e0d' },
        ]}
      />
    </Card>
  );
}
