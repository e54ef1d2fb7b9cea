import { sql } from 'kysely';
import type { Executor } from '../../platform/db/client.js';

export const SPARKLINE_MAX_MINUTES = 24 * 60;

/**
 * Sparklines of an enterprise's active points: the 1-minute averages over the last `minutes` (from the
 * `readings_1m` rollup, so one indexed query serves the whole page). The caller checks the enterprise's scope.
 */
export async function enterpriseSparklines(
  db: Executor,
  enterpriseId: string,
  now: Date,
  minutes: number,
): Promise<Record<string, [string, number][]>> {
  const from = new Date(Math.floor((now.getTime() - minutes * 60_000) / 60_000) * 60_000);
  const rows = await sql<{ point_id: string; bucket: Date; avg: number }>`
    select r.point_id, r.bucket, (case when r.count > 0 then r.sum / r.count else r.last_value end)::float8 as avg
    from readings_1m r
    join monitoring_points pt on pt.id = r.point_id
    where pt.enterprise_id = ${enterpriseId} and pt.active and r.bucket >= ${from} and r.bucket <= ${now}
    order by r.point_id, r.bucket`.execute(db);
  const out: Record<string, [string, number][]> = {};
  for (const r of rows.rows) {
    const list = out[r.point_id] ?? [];
    list.push([new Date(r.bucket).toISOString(), r.avg]);
    out[r.point_id] = list;
  }
  return out;
}
