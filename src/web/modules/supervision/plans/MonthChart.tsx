import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useT } from '../../../app/i18n';
import type { PlanMonth } from './api';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Planned, done and overdue visits per month (bars) and the share of high-tier enterprises covered (line). */
export function MonthChart({ months }: { months: PlanMonth[] }) {
  const t = useT();
  const option = {
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
    xAxis: { type: 'category', data: months.map((m) => t('supervision.plans.month', { m: m.month })) },
    yAxis: [
      { type: 'value', minInterval: 1 },
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      {
        name: t('supervision.plans.chartPlanned'),
        type: 'bar',
        data: months.map((m) => m.planned),
        itemStyle: { color: '#91caff' },
        barMaxWidth: 18,
      },
      {
        name: t('supervision.plans.chartDone'),
        type: 'bar',
        data: months.map((m) => m.done),
        itemStyle: { color: '#389e0d' },
        barMaxWidth: 18,
      },
      {
        name: t('supervision.plans.chartOverdue'),
        type: 'bar',
        data: months.map((m) => m.overdue),
        itemStyle: { color: '#cf1322' },
        barMaxWidth: 18,
      },
      {
        name: t('supervision.plans.chartHigh'),
        type: 'line',
        yAxisIndex: 1,
        data: months.map((m) => (m.highTotal ? Math.round((100 * m.highCovered) / m.highTotal) : null)),
        itemStyle: { color: '#d46b08' },
      },
    ],
  };
  return (
    <div data-testid="plan-month-chart">
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 280, width: '100%' }} />
    </div>
  );
}
