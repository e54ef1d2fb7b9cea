/**
 * A sparkline as inline SVG: one per point row, so a page of 100 points does not start 100 chart instances.
 * The full charts (point page) are ECharts.
 */
export function Sparkline({
  data,
  colour,
  width = 120,
  height = 28,
  high,
}: {
  data: readonly [string, number][];
  colour: string;
  width?: number;
  height?: number;
  /** A threshold drawn as a dashed line when it falls inside the range shown. */
  high?: number | undefined;
}) {
  if (data.length < 2) return <svg width={width} height={height} aria-hidden className="fx-spark" />;
  const xs = data.map(([ts]) => Date.parse(ts));
  const ys = data.map(([, v]) => v);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (high !== undefined && high <= y1 * 1.5 && high >= y0) y1 = Math.max(y1, high);
  if (y1 === y0) {
    y0 -= 1;
    y1 += 1;
  }
  const px = (x: number) => ((x - x0) / (x1 - x0 || 1)) * (width - 2) + 1;
  const py = (y: number) => height - 2 - ((y - y0) / (y1 - y0)) * (height - 4);
  const d = xs.map((x, i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(ys[i] ?? 0).toFixed(1)}`).join('');
  const showHigh = high !== undefined && high >= y0 && high <= y1;
  return (
    <svg width={width} height={height} aria-hidden className="fx-spark">
      {showHigh && (
        <line x1={0} x2={width} y1={py(high)} y2={py(high)} stroke="#cf1322" strokeDasharray="3 2" strokeWidth={1} />
      )}
      <path d={d} fill="none" stroke={colour} strokeWidth={1.5} />
    </svg>
  );
}
