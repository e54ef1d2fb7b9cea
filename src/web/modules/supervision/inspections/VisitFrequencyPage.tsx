import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Checkbox, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { BarChart as EBar } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { INSPECTION_KEYS, inspectionApi, type VisitFrequencyItem } from './api';
import { TierTag } from './Tags';

echarts.use([EBar, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

const thisYear = () =>
  Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

/** 入企频次: which enterprises are visited too often (visits against the yearly cap). */
export default function VisitFrequencyPage() {
  const t = useT();
  const [year, setYear] = useState(thisYear);
  const [onlyTooOften, setOnlyTooOften] = useState(false);
  const q = useQuery({ queryKey: INSPECTION_KEYS.frequency(year), queryFn: () => inspectionApi.visitFrequency(year) });
  const items = (q.data?.items ?? []).filter((i) => !onlyTooOften || i.tooOften);
  const top = [...(q.data?.items ?? [])].slice(0, 15).reverse();
  const option = {
    grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      data: top.map((r) => r.enterpriseName),
      axisLabel: { width: 120, overflow: 'truncate' },
    },
    series: [
      {
        name: t('supervision.visits.routine'),
        type: 'bar',
        stack: 'v',
        data: top.map((r) => r.routine),
        itemStyle: { color: '#1557b0' },
      },
      {
        name: t('supervision.visits.exempt'),
        type: 'bar',
        stack: 'v',
        data: top.map((r) => r.exempt),
        itemStyle: { color: '#9254de' },
      },
      {
        name: t('supervision.visits.cap'),
        type: 'bar',
        data: top.map((r) => r.yearlyCapTotal),
        itemStyle: { color: 'rgba(0,0,0,0.12)' },
        barGap: '-100%',
        z: -1,
      },
    ],
  };
  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('supervision.visits.title')}
        </h1>
        <InputNumber value={year} min={2000} max={2100} onChange={(v) => v && setYear(v)} data-testid="visits-year" />
      </div>
      <Typography.Paragraph type="secondary">{t('supervision.visits.intro')}</Typography.Paragraph>
      {q.error && <Alert type="error" showIcon title={errorMessage(q.error)} />}
      {top.length > 0 && (
        <Card size="small" title={t('supervision.visits.chart')} style={{ marginBottom: 12 }}>
          <ReactEChartsCore
            echarts={echarts}
            option={option}
            notMerge
            style={{ height: Math.max(200, top.length * 28 + 40) }}
          />
        </Card>
      )}
      <Space style={{ marginBottom: 8 }}>
        <Checkbox checked={onlyTooOften} onChange={(e) => setOnlyTooOften(e.target.checked)}>
          {t('supervision.visits.onlyTooOften')}
        </Checkbox>
      </Space>
      <Table<VisitFrequencyItem>
        rowKey="enterpriseId"
        size="small"
        loading={q.isLoading}
        dataSource={items}
        scroll={{ x: 720 }}
        data-testid="visits-table"
        onRow={(r) => ({ style: r.tooOften ? { background: '#fff1f0' } : undefined })}
        columns={[
          {
            title: t('supervision.inspections.enterprise'),
            render: (_: unknown, r) => <Link to={`/enterprises/${r.enterpriseId}`}>{r.enterpriseName}</Link>,
          },
          { title: t('supervision.credit.tierLabel'), width: 90, render: (_: unknown, r) => <TierTag tier={r.tier} /> },
          {
            title: t('supervision.visits.visits'),
            dataIndex: 'visits',
            width: 80,
            sorter: (a, b) => a.visits - b.visits,
          },
          { title: t('supervision.visits.routine'), dataIndex: 'routine', width: 70 },
          { title: t('supervision.visits.exempt'), dataIndex: 'exempt', width: 70 },
          { title: t('supervision.visits.cap'), dataIndex: 'yearlyCapTotal', width: 80 },
          { title: t('supervision.visits.inspectorVisits'), dataIndex: 'inspectorVisits', width: 80 },
          { title: t('supervision.visits.minutes'), dataIndex: 'minutes', width: 110 },
          {
            title: '',
            width: 70,
            render: (_: unknown, r) => (r.tooOften ? <Tag color="red">{t('supervision.visits.tooOften')}</Tag> : null),
          },
        ]}
      />
    </>
  );
}
