import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/client.js';
import { ensurePartition, listPartitions, partitionName, partitionStart } from './partitions.js';

/**
 * How a rollup row (alias `r`) absorbs the aggregate of more readings (`excluded`): min, max, sum and count add up,
 * the last value is the later one's. Shared by the job and by the ingest's inline path for late readings.
 */
export const MERGE_INTO_ROLLUP = sql`on conflict (point_id, bucket) do update set
  min = least(r.min, excluded.min),
  max = greatest(r.max, excluded.max),
  sum = r.sum + excluded.sum,
  count = r.count + excluded.count,
  last_value = case when excluded.last_ts >= r.last_ts then excluded.last_value else r.last_value end,
  last_ts = greatest(r.last_ts, excluded.last_ts)`;

/**
 * Rollups after the fact. The ingest transaction stores each reading and folds into `readings_1m` /
 * `readings_1h` only the *late* ones (older than `inline_before`); the job `monitoring.rollup` (every minute)
 * brings the rollups of newer readings up to the raw rows. With single-reading messages this makes a reading one
 * row write at ingest instead of three (its row and two rollup upserts).
 *
 * Each run:
 * 1. **Advance** `inline_before` to the start of the previous minute, under the exclusive advisory lock
 *    `ROLLUP_LOCK` that every ingest transaction holds *shared* from its first statement to its commit. So the job
 *    waits for the transactions that decided "leave it to the job" under the old value to commit, and every later
 *    transaction reads the new value (its statements start after the lock was granted): no reading is left both to
 *    the ingest and to the job, or to neither. The lock is held for one UPDATE (`lock_timeout` 2 s: a run that
 *    cannot get it advances nothing and the next one tries again).
 * 2. **Reconcile** `[reconciled_before, inline_before)` in chunks of an hour, one transaction each, one run at a time
 *    (`ROLLUP_JOB_LOCK`, try-lock: another instance's run already does it): per point and minute, the raw aggregate
 *    minus what the 1-minute row already holds (late readings folded in by the ingest) is *added* to the 1-minute
 *    and 1-hour rows (min/max/last merged, which is idempotent). Adding a difference rather than overwriting keeps a
 *    late reading that an ingest transaction folds in concurrently (its row lock serialises the two upserts, and
 *    its reading is in neither side of the difference). A bucket whose count already matches is not touched, so a
 *    second run over the same range changes nothing.
 *
 * Readers (readings.ts, sparklines.ts) take buckets before `reconciled_before` from the rollups and the rest from
 * raw readings, in one statement: the rollup tables lag by 1–2 minutes, what the API answers does not.
 */
export const ROLLUP_LOCK = 0x46_58_52_4c; // 'FXRL': ingest shared, the watermark's advance exclusive
const ROLLUP_JOB_LOCK = 0x46_58_52_4a; // 'FXRJ': one reconciliation at a time
const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Readings this much older than the run's minute are late: folded in by the ingest itself. */
export const ROLLUP_GRACE_MS = MINUTE;

export interface RollupWatermark {
  inlineBefore: Date;
  reconciledBefore: Date;
}

export async function rollupWatermark(db: Db): Promise<RollupWatermark> {
  const r = await sql<{ inline_before: Date; reconciled_before: Date }>`
    select inline_before, reconciled_before from monitoring_rollup_state`.execute(db);
  const row = r.rows[0];
  if (!row) throw new Error('monitoring_rollup_state has no row (migration 0018)');
  return { inlineBefore: new Date(row.inline_before), reconciledBefore: new Date(row.reconciled_before) };
}

export interface RollupReport {
  inlineBefore: string;
  reconciledBefore: string;
  advanced: boolean;
  chunks: number;
  buckets: number;
  readings: number;
  busy?: boolean;
}

export interface RollupOptions {
  /**
   * Points per transaction when reconciling (null: all points of a chunk in one statement). On PGlite every
   * statement of the process shares one connection, so a minute's reconciliation in one statement holds back the
   * ingest's commits — and the alarms they raise — for as long as it runs (seconds at tens of thousands of readings a
   * second); in slices the ingest commits between them. On PostgreSQL the ingest has connections of its own and one
   * statement reads the minute once through the BRIN index on `ts`, so it is not sliced.
   */
  slicePoints?: number | null;
}

/** Points per reconciliation transaction on PGlite (see RollupOptions.slicePoints). */
export const PGLITE_ROLLUP_SLICE_POINTS = 50;
/** The pause between two slices, in which the rest of the process gets the event loop and the connection. */
const SLICE_PAUSE_MS = 5;

/** How the job reconciles on this kind of database. */
export function rollupOptionsFor(kind: 'pglite' | 'postgres'): RollupOptions {
  return { slicePoints: kind === 'pglite' ? PGLITE_ROLLUP_SLICE_POINTS : null };
}

/** One run of `monitoring.rollup` as of `asOf` (idempotent; safe when several instances run it at once). */
export async function runRollups(db: Db, asOf: Date, opts: RollupOptions = {}): Promise<RollupReport> {
  const target = new Date(Math.floor((asOf.getTime() - ROLLUP_GRACE_MS) / MINUTE) * MINUTE);
  let advanced = false;
  try {
    await db.transaction().execute(async (tx) => {
      await sql`set local lock_timeout = '2s'`.execute(tx);
      await sql`select pg_advisory_xact_lock(${ROLLUP_LOCK}::int8)`.execute(tx);
      const r = await sql`
        update monitoring_rollup_state set inline_before = ${target}
        where inline_before < ${target}`.execute(tx);
      advanced = Number(r.numAffectedRows ?? 0) > 0;
    });
  } catch (err) {
    if ((err as { code?: string }).code !== '55P03') throw err; // lock_not_available: next run
  }

  const report: RollupReport = {
    inlineBefore: '',
    reconciledBefore: '',
    advanced,
    chunks: 0,
    buckets: 0,
    readings: 0,
  };
  const wm = await rollupWatermark(db);
  await ensureRollupPartitions(db, wm.reconciledBefore.getTime(), wm.inlineBefore.getTime());
  const slicePoints = opts.slicePoints == null ? null : Math.max(1, Math.floor(opts.slicePoints));
  for (;;) {
    // The next chunk: [reconciled_before, the next hour boundary or inline_before).
    const wmNow = await rollupWatermark(db);
    const from = wmNow.reconciledBefore.getTime();
    const upto = wmNow.inlineBefore.getTime();
    if (from >= upto) break;
    const end = new Date(Math.min(upto, (Math.floor(from / HOUR) + 1) * HOUR));
    // Readings are stored only for monitoring points, which are never deleted, so the slices of the points' ids
    // cover every reading of the chunk: the chunk ends at or before inline_before, so its readings were committed
    // before the watermark moved (and their points before them); one arriving later is older than inline_before and
    // rolled up by the ingest itself.
    const slices: (string[] | null)[] = [];
    if (slicePoints === null) slices.push(null);
    else {
      const ids = (await db.selectFrom('monitoring_points').select('id').orderBy('id').execute()).map((r) => r.id);
      for (let i = 0; i < ids.length; i += slicePoints) slices.push(ids.slice(i, i + slicePoints));
      if (slices.length === 0) slices.push([]);
    }
    let busy = false;
    for (const [i, slice] of slices.entries()) {
      const last = i === slices.length - 1;
      const step = await db.transaction().execute(async (tx) => {
        // Each slice under the job lock, with a fresh snapshot: a bucket another run reconciled meanwhile has its
        // count matching and is skipped, so no reading is added twice.
        const got = await sql<{
          ok: boolean;
        }>`select pg_try_advisory_xact_lock(${ROLLUP_JOB_LOCK}::int8) as ok`.execute(tx);
        if (!got.rows[0]?.ok) return 'busy' as const;
        const r = await sql<{ buckets: number; readings: number }>`
          with raw as (
            select point_id, date_bin('1 minute', ts, timestamptz 'epoch') as bucket, min(value) as min,
                   max(value) as max, sum(value) as sum, count(*)::int as count, max(ts) as last_ts,
                   (array_agg(value order by ts desc))[1] as last_value
            from readings where ts >= ${new Date(from)} and ts < ${end}${
              slice === null ? sql`` : sql` and point_id = any(${slice}::uuid[])`
            }
            group by 1, 2
          ), d as (
            select raw.point_id, raw.bucket, raw.min, raw.max, raw.sum - coalesce(m.sum, 0) as sum,
                   raw.count - coalesce(m.count, 0) as count, raw.last_ts, raw.last_value
            from raw left join readings_1m m on m.point_id = raw.point_id and m.bucket = raw.bucket
            where m.count is distinct from raw.count
          ), m as (
            insert into readings_1m as r (point_id, bucket, min, max, sum, count, last_ts, last_value)
            select point_id, bucket, min, max, sum, count, last_ts, last_value from d order by 1, 2
            ${MERGE_INTO_ROLLUP}
          ), h as (
            insert into readings_1h as r (point_id, bucket, min, max, sum, count, last_ts, last_value)
            select point_id, date_bin('1 hour', bucket, timestamptz 'epoch'), min(min), max(max), sum(sum),
                   sum(count)::int, max(last_ts), (array_agg(last_value order by last_ts desc))[1]
            from d group by 1, 2 order by 1, 2
            ${MERGE_INTO_ROLLUP}
          )
          select count(*)::int as buckets, coalesce(sum(count), 0)::int as readings from d`.execute(tx);
        // The chunk is done with its last slice (never moved back: another run may have gone further meanwhile).
        if (last) {
          await sql`update monitoring_rollup_state set reconciled_before = greatest(reconciled_before, ${end})`.execute(
            tx,
          );
        }
        return { buckets: Number(r.rows[0]?.buckets ?? 0), readings: Number(r.rows[0]?.readings ?? 0) };
      });
      if (step === 'busy') {
        busy = true;
        break;
      }
      report.buckets += step.buckets;
      report.readings += step.readings;
      // PGlite runs each statement synchronously in this thread, so slice after slice would never let the event
      // loop turn: the ingest would not even see its messages until the last one. A short timer lets it receive
      // them and queue its flush on the connection first.
      if (!last) await sleep(SLICE_PAUSE_MS);
    }
    if (busy) {
      report.busy = true;
      break;
    }
    report.chunks++;
  }
  const after = await rollupWatermark(db);
  report.inlineBefore = after.inlineBefore.toISOString();
  report.reconciledBefore = after.reconciledBefore.toISOString();
  return report;
}

/** The monthly rollup partitions of [from, to) (a backlog may reach into a month the daily job has not made). */
async function ensureRollupPartitions(db: Db, from: number, to: number) {
  if (from >= to) return;
  for (const table of ['readings_1m', 'readings_1h'] as const) {
    const have = new Set(await listPartitions(db, table));
    for (let m = partitionStart('month', from); m < to; m = partitionStart('month', m + 32 * 86_400_000)) {
      if (!have.has(partitionName(table, 'month', m))) await ensurePartition(db, table, 'month', m);
    }
  }
}
