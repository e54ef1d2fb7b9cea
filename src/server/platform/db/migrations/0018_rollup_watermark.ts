import type { Migration } from '../migrate.js';

/**
 * Rollups after the fact (docs/monitoring.md §4). One row says how far the job `monitoring.rollup` has taken the
 * 1-minute and 1-hour rollups:
 *
 * - `inline_before`: readings older than this are folded into the rollups by the ingest transaction itself (late
 *   readings); newer ones are left to the job. Moved forward only under the exclusive advisory lock the ingest
 *   transactions hold shared, so no transaction decides on a value the job has already moved past.
 * - `reconciled_before`: the rollups of every bucket before this equal the raw readings; readers take buckets from
 *   here on from `readings` itself.
 *
 * Both start at the migration's minute: everything stored before was rolled up inline by the previous code.
 * A BRIN index on `readings.ts` lets the job read one minute of every point without a scan of the day's partition
 * (readings arrive nearly in time order; `autosummarize` keeps the index current as pages fill).
 */
export const m0018: Migration = {
  name: '0018_rollup_watermark',
  statements: [
    `create table monitoring_rollup_state (
      id boolean primary key default true check (id),
      inline_before timestamptz not null,
      reconciled_before timestamptz not null
    )`,
    `insert into monitoring_rollup_state (id, inline_before, reconciled_before)
      values (true, date_trunc('minute', now()), date_trunc('minute', now()))`,
    `create index readings_ts_brin on readings using brin (ts) with (autosummarize = on)`,
  ],
};
