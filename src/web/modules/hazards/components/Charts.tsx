import { BarChart as EBar, LineChart as ELine } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';

echarts.use([EBar, ELine, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

/**
 * Days left per open major hazard, one bar each, most urgent on top: overdue bars run left of zero in red,
 * due within 7 days in orange, the rest blue; hazards awaiting a plan have no deadline and are not drawn.
 */
export function DaysLeftChart({
  rows,
  axisName,
  onPick,
}: {
  rows: { id: string; label: string; daysLeft: number }[];
  axisName: string;
  onPick?: (id: string) => void;
}) {
  const data = [...rows].sort((a, b) => b.daysLeft - a.daysLeft);
  const option = {
    grid: { left: 8, right: 40, top: 24, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', name: axisName, nameLocation: 'middle', nameGap: 24, minInterval: 1 },
    yAxis: { type: 'category', data: data.map((r) => r.label), axisLabel: { width: 140, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        barMaxWidth: 16,
        data: data.map((r) => ({
          value: r.daysLeft,
          itemStyle: { color: r.daysLeft < 0 ? '#cf1322' : r.daysLeft <= 7 ? '#fa8c16' : '#1557b0' },
        })),
        label: { show: true, position: 'right' },
        markLine: { silent: true, symbol: 'none', data: [{ xAxis: 0 }], lineStyle: { color: '#cf1322' } },
      },
    ],
  };
  return (
    <div data-testid="chart-days-left">
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        onEvents={{
          click: (p: { dataIndex: number }) => {
            const r = data[p.dataIndex];
            if (r && onPick) onPick(r.id);
          },
        }}
        style={{ height: Math.max(180, data.length * 26 + 60), width: '100%' }}
      />
    </div>
  );
}

/** Stacked horizontal bars per group (e.g. township): the parts of a whole side by side. */
export function StackedBars({
  categories,
  series,
  testId,
}: {
  categories: string[];
  series: { name: string; data: number[]; color: string }[];
  testId?: string;
}) {
  const option = {
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: [...categories].reverse(), axisLabel: { width: 110, overflow: 'truncate' } },
    series: series.map((s) => ({
      name: s.name,
      type: 'bar',
      stack: 'x',
      barMaxWidth: 18,
      itemStyle: { color: s.color },
      data: [...s.data].reverse(),
    })),
  };
  return (
    <div data-testid={testId}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        style={{ height: Math.max(200, categories.length * 26 + 60), width: '100%' }}
      />
    </div>
  );
}

/** Found and closed per month (lines) — the trend a leader reads first. */
export function TrendChart({
  months,
  series,
}: {
  months: string[];
  series: { name: string; data: number[]; color: string }[];
}) {
  const option = {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s) => ({
      name: s.name,
      type: 'line',
      smooth: true,
      data: s.data,
      itemStyle: { color: s.color },
      areaStyle: { opacity: 0.08 },
    })),
  };
  return (
    <div data-testid="chart-trend">
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 280, width: '100%' }} />
    </div>
  );
}
