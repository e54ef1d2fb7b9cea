import { BarChart as EBar } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';

// Only the pieces the dashboard draws: keeps the chart chunk small.
echarts.use([EBar, GridComponent, TooltipComponent, CanvasRenderer]);

export interface Bar {
  name: string;
  value: number;
}

/** A horizontal bar chart (long Chinese names read better on the y axis), tallest bar on top. */
export function BarChart({ data, color = '#1557b0', testId }: { data: Bar[]; color?: string; testId?: string }) {
  const rows = [...data].reverse();
  const option = {
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      data: rows.map((r) => r.name),
      axisLabel: { width: 110, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        data: rows.map((r) => r.value),
        itemStyle: { color, borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: 'right' },
        barMaxWidth: 18,
      },
    ],
  };
  return (
    <div data-testid={testId}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        style={{ height: Math.max(200, rows.length * 26 + 24), width: '100%' }}
      />
    </div>
  );
}
