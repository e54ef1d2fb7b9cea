import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Row, Segmented, Spin, Statistic, Table } from 'antd';
import { useState } from 'react';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { useIsPhone } from '../../../shared/hooks';
import { type Figures, HAZARD_KEYS, type HazardStats, hazardApi } from '../api';
import { StackedBars, TrendChart } from '../components/Charts';

type GroupBy = HazardStats['groupBy'];
const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

/** Found, closed, rectification and overdue rates, major hazards open, days to close — by unit and by month. */
export default function HazardFiguresPage() {
  const t = useT();
  const phone = useIsPhone();
  const [groupBy, setGroupBy] = useState<GroupBy>('township');
  const q = { groupBy, limit: 30 };
  const stats = useQuery({ queryKey: HAZARD_KEYS.stats(q), queryFn: () => hazardApi.stats(q) });

  if (stats.isPending) {
    return (
      <div className="fx-center">
        <Spin size="large" />
      </div>
    );
  }
  if (stats.error) return <Alert type="error" showIcon title={errorMessage(stats.error)} />;
  const s = stats.data;
  const cards: { key: keyof Figures; value: string | number; color: string }[] = [
    { key: 'found', value: s.totals.found, color: '#1557b0' },
    { key: 'closed', value: s.totals.closed, color: '#389e0d' },
    { key: 'open', value: s.totals.open, color: '#d46b08' },
    { key: 'majorOpen', value: s.totals.majorOpen, color: '#cf1322' },
    { key: 'rectificationRate', value: pct(s.totals.rectificationRate), color: '#389e0d' },
    { key: 'overdueRate', value: pct(s.totals.overdueRate), color: '#a8071a' },
    { key: 'avgDaysToClose', value: s.totals.avgDaysToClose ?? '—', color: '#595959' },
  ];
  const label = (k: keyof Figures) =>
    k === 'avgDaysToClose' ? t('hazards.figures.avgDays') : t(`hazards.figures.${k as 'found'}`);

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('hazards.figures.title')}
        </h1>
        <Segmented<GroupBy>
          value={groupBy}
          onChange={setGroupBy}
          options={(['township', 'department', 'enterprise'] as const).map((g) => ({
            value: g,
            label: t(`hazards.figures.groupBy.${g}`),
          }))}
        />
      </div>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {cards.map((c) => (
          <Col xs={12} md={6} xl={3} key={c.key}>
            <Card size="small" data-testid={`fig-${c.key}`}>
              <Statistic
                title={label(c.key)}
                value={c.value}
                styles={{ content: { color: c.color, fontWeight: 600 } }}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('hazards.figures.trend')}>
            <TrendChart
              months={s.trend.map((m) => m.month)}
              series={[
                { name: t('hazards.figures.found'), data: s.trend.map((m) => m.found), color: '#1557b0' },
                { name: t('hazards.figures.closed'), data: s.trend.map((m) => m.closed), color: '#389e0d' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t(`hazards.figures.groupBy.${groupBy}`)}>
            <StackedBars
              testId="chart-groups"
              categories={s.groups.slice(0, 15).map((g) => g.name)}
              series={[
                {
                  name: t('hazards.figures.closed'),
                  data: s.groups.slice(0, 15).map((g) => g.closed),
                  color: '#389e0d',
                },
                {
                  name: t('hazards.figures.open'),
                  data: s.groups.slice(0, 15).map((g) => g.open - g.overdueNow),
                  color: '#fa8c16',
                },
                {
                  name: t('hazards.figures.overdue'),
                  data: s.groups.slice(0, 15).map((g) => g.overdueNow),
                  color: '#cf1322',
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small">
        <Table
          rowKey="key"
          size="small"
          dataSource={s.groups}
          pagination={{ pageSize: 20, size: 'small' }}
          scroll={phone ? { x: 800 } : undefined}
          columns={[
            { title: t('hazards.figures.group'), dataIndex: 'name' },
            { title: t('hazards.figures.found'), dataIndex: 'found', align: 'right' },
            { title: t('hazards.figures.closed'), dataIndex: 'closed', align: 'right' },
            { title: t('hazards.figures.open'), dataIndex: 'open', align: 'right' },
            { title: t('hazards.figures.majorOpen'), dataIndex: 'majorOpen', align: 'right' },
            {
              title: t('hazards.figures.rectificationRate'),
              dataIndex: 'rectificationRate',
              align: 'right',
              render: pct,
            },
            { title: t('hazards.figures.overdueRate'), dataIndex: 'overdueRate', align: 'right', render: pct },
            {
              title: t('hazards.figures.avgDays'),
              dataIndex: 'avgDaysToClose',
              align: 'right',
              render: (v: number | null) => v ?? '—',
            },
          ]}
        />
      </Card>
    </>
  );
}
