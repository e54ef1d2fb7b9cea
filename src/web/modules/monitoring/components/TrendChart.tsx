import { LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useMemo, useRef } from 'react';
import { SEVERITY_COLOUR, type Thresholds } from '../../../../core/monitoring';
import { useT } from '../../../app/i18n';
import { formatDateTime } from '../../../shared/format';
import { type Alarm, isRollup, type Series } from '../api';
import { SEVERITY_HEX } from './tags';

echarts.use([
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomComponent,
  MarkLineComponent,
  MarkAreaComponent,
  CanvasRenderer,
]);

const LINE_KEYS = ['powerCut', 'highHigh', 'high', 'restore', 'low', 'lowLow'] as const;
const LINE_COLOUR: Record<(typeof LINE_KEYS)[number], string> = {
  powerCut: '#a8071a',
  highHigh: '#cf1322',
  high: '#fa8c16',
  restore: '#389e0d',
  low: '#fa8c16',
  lowLow: '#cf1322',
};

/**
 * A point's history: the values (raw, or the rollup's average with its min and max), the thresholds as
 * horizontal lines, and the alarm periods shaded in their severity colour (raised → cleared/closed, or → now).
 * Zooming in (wheel, pinch, slider) to under half the window asks the page for that window, which then loads a
 * finer step: a year of hourly data zooms down to raw readings.
 */
export function TrendChart({
  series,
  thresholds,
  alarms,
  unit,
  height = 360,
  onZoom,
}: {
  series: Series;
  thresholds: Thresholds | null;
  alarms: Alarm[];
  unit: string;
  height?: number;
  onZoom?: (from: string, to: string) => void;
}) {
  const t = useT();
  const zoomTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const option = useMemo(() => {
    const from = Date.parse(series.from);
    const to = Date.parse(series.to);
    const rollup = series.items.length > 0 && series.items.every(isRollup);
    const main = series.items.map((i) => [Date.parse(i.ts), isRollup(i) ? i.avg : i.value]);
    const marks = LINE_KEYS.flatMap((k) => {
      const v = thresholds?.[k];
      return typeof v === 'number'
        ? [
            {
              yAxis: v,
              name: t(`monitoring.threshold.${k}`),
              lineStyle: { color: LINE_COLOUR[k], type: k === 'restore' ? 'dotted' : 'dashed', width: 1.2 },
              label: {
                formatter: `${t(`monitoring.threshold.${k}`)} ${v}`,
                position: 'insideEndTop',
                color: LINE_COLOUR[k],
              },
            },
          ]
        : [];
    });
    const areas = alarms.flatMap((a) => {
      const start = Date.parse(a.raisedAt);
      const endIso = a.clearedAt ?? a.closedAt;
      const end = endIso ? Date.parse(endIso) : Date.now();
      if (end < from || start > to) return [];
      const colour = SEVERITY_HEX[SEVERITY_COLOUR[a.severity]];
      return [
        [
          {
            name: a.code,
            xAxis: Math.max(start, from),
            itemStyle: { color: colour, opacity: 0.14 },
            label: { color: colour, fontSize: 11 },
          },
          { xAxis: Math.min(end, to) },
        ],
      ];
    });
    // Keep the thresholds in view even when the values stay far below them.
    const values = main.map((p) => p[1] ?? 0);
    const levels = marks.map((m) => m.yAxis);
    const lo = Math.min(...values, ...levels);
    const hi = Math.max(...values, ...levels);
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
    // Round the axis ends to a readable step (0 … 2 rather than 0.096 … 1.604).
    const step = 10 ** Math.floor(Math.log10(hi - lo + 2 * pad || 1)) / 2;
    // A quantity that never went negative (a concentration, a level) keeps its axis at or above 0.
    const yMin = Number.isFinite(lo)
      ? Math.max(lo >= 0 ? 0 : Number.NEGATIVE_INFINITY, Number((Math.floor((lo - pad) / step) * step).toPrecision(6)))
      : undefined;
    const yMax = Number.isFinite(hi) ? Number((Math.ceil((hi + pad) / step) * step).toPrecision(6)) : undefined;
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 36, bottom: 56, containLabel: true },
      legend: {
        top: 0,
        data: rollup ? [t('monitoring.point.avg'), t('monitoring.point.min'), t('monitoring.point.max')] : [],
      },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number) => (typeof v === 'number' ? `${Number(v.toPrecision(5))} ${unit}` : ''),
        axisPointer: { type: 'line' },
      },
      xAxis: {
        type: 'time',
        min: from,
        max: to,
        axisLabel: { hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        name: unit,
        scale: true,
        min: yMin,
        max: yMax,
      },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
        {
          type: 'slider',
          xAxisIndex: 0,
          filterMode: 'none',
          height: 22,
          bottom: 8,
          labelFormatter: (v: number) => formatDateTime(new Date(v)).slice(5),
        },
      ],
      series: [
        {
          name: rollup ? t('monitoring.point.avg') : t('monitoring.point.value'),
          type: 'line',
          data: main,
          showSymbol: main.length < 60,
          symbolSize: 4,
          sampling: 'lttb',
          lineStyle: { width: 1.6, color: '#1557b0' },
          itemStyle: { color: '#1557b0' },
          // A gap longer than 3 intervals shows as a break rather than a straight line across it.
          connectNulls: false,
          markLine: { symbol: 'none', silent: true, data: marks },
          markArea: { silent: true, data: areas },
        },
        ...(rollup
          ? [
              {
                name: t('monitoring.point.min'),
                type: 'line',
                data: series.items.map((i) => [Date.parse(i.ts), isRollup(i) ? i.min : null]),
                showSymbol: false,
                lineStyle: { width: 0.8, color: '#8fb3e6' },
                itemStyle: { color: '#8fb3e6' },
              },
              {
                name: t('monitoring.point.max'),
                type: 'line',
                data: series.items.map((i) => [Date.parse(i.ts), isRollup(i) ? i.max : null]),
                showSymbol: false,
                lineStyle: { width: 0.8, color: '#e6a08f' },
                itemStyle: { color: '#e6a08f' },
              },
            ]
          : []),
      ],
    };
  }, [series, thresholds, alarms, unit, t]);

  const onEvents = useMemo(
    () => ({
      datazoom: (_: unknown, chart: echarts.ECharts) => {
        if (!onZoom) return;
        if (zoomTimer.current) clearTimeout(zoomTimer.current);
        zoomTimer.current = setTimeout(() => {
          const opt = chart.getOption() as { dataZoom?: { startValue?: number; endValue?: number }[] };
          const z = opt.dataZoom?.[0];
          const from = Date.parse(series.from);
          const to = Date.parse(series.to);
          if (!z || typeof z.startValue !== 'number' || typeof z.endValue !== 'number') return;
          const span = z.endValue - z.startValue;
          if (span > 0 && span < (to - from) * 0.5 && span >= 60_000) {
            onZoom(new Date(z.startValue).toISOString(), new Date(z.endValue).toISOString());
          }
        }, 700);
      },
    }),
    [onZoom, series.from, series.to],
  );

  return (
    <div data-testid="trend-chart" data-points={series.items.length} data-step={series.step}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        onEvents={onEvents}
        style={{ height, width: '100%' }}
      />
    </div>
  );
}
