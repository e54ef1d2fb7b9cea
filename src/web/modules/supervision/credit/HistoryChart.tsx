import { LineChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useT } from '../../../app/i18n';
import { formatDateTime } from '../../../shared/format';
import type { CreditHistoryItem } from './api';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkAreaComponent, CanvasRenderer]);

/** The stored assessments as a step line, with the tier bands (cut-offs from the settings) behind it. */
export function HistoryChart({
  items,
  lowMin,
  generalMin,
}: {
  items: CreditHistoryItem[];
  lowMin: number;
  generalMin: number;
}) {
  const t = useT();
  const rows = [...items].reverse();
  const option = {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      formatter: (p: { dataIndex: number }[]) => {
        const r = rows[p[0]?.dataIndex ?? 0];
        if (!r) return '';
        const reason = r.reason.replaceAll('.', '_');
        return `${formatDateTime(r.computedAt)}<br/>${r.score} · ${t(`supervision.credit.tier.${r.tier}`)}<br/>${
          r.change?.zh ?? ''
        } (${reason})`;
      },
    },
    xAxis: { type: 'category', data: rows.map((r) => formatDateTime(r.computedAt).slice(0, 10)) },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      {
        type: 'line',
        step: 'end',
        data: rows.map((r) => r.score),
        symbolSize: 6,
        lineStyle: { color: '#1557b0' },
        markArea: {
          silent: true,
          data: [
            [{ yAxis: 0, itemStyle: { color: 'rgba(207,19,34,0.06)' } }, { yAxis: generalMin }],
            [{ yAxis: generalMin, itemStyle: { color: 'rgba(250,173,20,0.06)' } }, { yAxis: lowMin }],
            [{ yAxis: lowMin, itemStyle: { color: 'rgba(56,158,13,0.06)' } }, { yAxis: 100 }],
          ],
        },
      },
    ],
  };
  return (
    <div data-testid="credit-history-chart">
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 220, width: '100%' }} />
    </div>
  );
}
