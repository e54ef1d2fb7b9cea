import { sql } from 'kysely';
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
  // Buckets that start before `to`, whole (as the rollup rows are): readings up to the end of the last one.
  const end = new Date(Math.ceil(to.getTime() / size) * size);
  const width = step === '1m' ? '1 minute' : '1 hour';
  // One statement, one snapshot: buckets before the rollup job's `reconciled_before` (w) from the rollup of the
  // step; for 1-hour steps the hour holding w from its reconciled 1-minute rows; everything from w on from the
  // raw readings (1–2 minutes of one point: an index range). See rollups.ts.
  const rows = await sql<{
    bucket: Date;
    min: number;
    max: number;
    sum: number;
    count: number;
    last_value: number;
  }>`
    with wm as (
      select reconciled_before as w, date_bin(${width}::interval, reconciled_before, timestamptz 'epoch') as bw
      from monitoring_rollup_state
    ), parts as (
      select bucket, min, max, sum, count, last_ts, last_value
      from ${sql.table(step === '1m' ? 'readings_1m' : 'readings_1h')}
      where point_id = ${pointId} and bucket >= ${start} and bucket < ${to}
        and bucket < coalesce((select bw from wm), 'infinity'::timestamptz)
      union all
      select date_bin(${width}::interval, bucket, timestamptz 'epoch'), min, max, sum, count, last_ts, last_value
      from readings_1m
      where point_id = ${pointId} and bucket >= greatest(${start}, (select bw from wm)) and bucket < (select w from wm)
        and bucket < ${end}
      union all
      select date_bin(${width}::interval, ts, timestamptz 'epoch'), value, value, value, 1, ts, value
      from readings
      where point_id = ${pointId} and ts >= greatest(${start}, coalesce((select w from wm), 'infinity'::timestamptz))
        and ts < ${end}
    )
    select bucket, min(min) as min, max(max) as max, sum(sum)::float8 as sum, sum(count)::int as count,
           (array_agg(last_value order by last_ts desc))[1] as last_value
    from parts group by bucket order by bucket limit ${MAX_SERIES_ROWS + 1}`.execute(db);
  const list = rows.rows;
  return {
    items: list.slice(0, MAX_SERIES_ROWS).map((r) => ({
      ts: new Date(r.bucket),
      min: r.min,
      max: r.max,
      avg: r.count ? r.sum / r.count : r.last_value,
      last: r.last_value,
      count: r.count,
    })),
    truncated: list.length > MAX_SERIES_ROWS,
  };
}
