import { sql } from 'kysely';
import type { Executor } from '../../platform/db/client.js';

export const SPARKLINE_MAX_MINUTES = 24 * 60;

/**
 * Sparklines of an enterprise's active points: the 1-minute averages over the last `minutes` (from the
 * `readings_1m` rollup, so one indexed query serves the whole page, and the raw readings of the minutes the rollup
 * job has not reconciled yet). The caller checks the enterprise's scope.
 */
export async function enterpriseSparklines(
  db: Executor,
  enterpriseId: string,
  now: Date,
  minutes: number,
): Promise<Record<string, [string, number][]>> {
  const from = new Date(Math.floor((now.getTime() - minutes * 60_000) / 60_000) * 60_000);
  // Minutes before the rollup job's `reconciled_before` from `readings_1m`, the last 1–2 minutes from the raw
  // readings (rollups.ts), in one statement so both sides see the same watermark.
  const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
  const rows = await sql<{ point_id: string; bucket: Date; avg: number }>`
    with wm as (select reconciled_before as w from monitoring_rollup_state),
    pts as (select id from monitoring_points where enterprise_id = ${enterpriseId} and active)
    select point_id, bucket, avg from (
      select r.point_id, r.bucket, (case when r.count > 0 then r.sum / r.count else r.last_value end)::float8 as avg
      from readings_1m r join pts on pts.id = r.point_id
      where r.bucket >= ${from} and r.bucket <= ${now}
        and r.bucket < coalesce((select w from wm), 'infinity'::timestamptz)
      union all
      select x.point_id, date_bin('1 minute', x.ts, timestamptz 'epoch'), avg(x.value)::float8
      from readings x join pts on pts.id = x.point_id
      where x.ts >= greatest(${from}, coalesce((select w from wm), 'infinity'::timestamptz)) and x.ts < ${end}
      group by 1, 2
    ) s
    order by point_id, bucket`.execute(db);
  const out: Record<string, [string, number][]> = {};
  for (const r of rows.rows) {
    const list = out[r.point_id] ?? [];
    list.push([new Date(r.bucket).toISOString(), r.avg]);
    out[r.point_id] = list;
  }
  return out;
}
