import type { Executor } from '../../platform/db/client.js';

export const STEPS = ['raw', '1m', '1h'] as const;
export type Step = (typeof STEPS)[number];

const HOUR = 3_600_000;
/** Raw readings up to 6 hours, 1-minute rollups up to 7 days, else 1-hour rollups. */
export function pickStep(fromMs: number, toMs: number): Step {
  const span = toMs - fromMs;
  if (span <= 6 * HOUR) return 'raw';
  if (span <= 7 * 24 * HOUR) return '1m';
  return '1h';
}

export const MAX_SERIES_ROWS = 20_000;

export interface RawItem {
  ts: Date;
  value: number;
}
export interface RollupItem {
  ts: Date;
  min: number;
  max: number;
  avg: number;
  last: number;
  count: number;
}

/** A point's series in [from, to): raw or a rollup; at most MAX_SERIES_ROWS rows (`truncated` says so). */
export async function readSeries(
  db: Executor,
  pointId: string,
  from: Date,
  to: Date,
  step: Step,
): Promise<{ items: RawItem[] | RollupItem[]; truncated: boolean }> {
  if (step === 'raw') {
    const rows = await db
      .selectFrom('readings')
      .select(['ts', 'value'])
      .where('point_id', '=', pointId)
      .where('ts', '>=', from)
      .where('ts', '<', to)
      .orderBy('ts')
      .limit(MAX_SERIES_ROWS + 1)
      .execute();
    return { items: rows.slice(0, MAX_SERIES_ROWS), truncated: rows.length > MAX_SERIES_ROWS };
  }
  const size = step === '1m' ? 60_000 : HOUR;
  const start = new Date(Math.floor(from.getTime() / size) * size);
  const rows = await db
    .selectFrom(step === '1m' ? 'readings_1m' : 'readings_1h')
    .select(['bucket', 'min', 'max', 'sum', 'count', 'last_value'])
    .where('point_id', '=', pointId)
    .where('bucket', '>=', start)
    .where('bucket', '<', to)
    .orderBy('bucket')
    .limit(MAX_SERIES_ROWS + 1)
    .execute();
  return {
    items: rows.slice(0, MAX_SERIES_ROWS).map((r) => ({
      ts: r.bucket,
      min: r.min,
      max: r.max,
      avg: r.count ? r.sum / r.count : r.last_value,
      last: r.last_value,
      count: r.count,
    })),
    truncated: rows.length > MAX_SERIES_ROWS,
  };
}
