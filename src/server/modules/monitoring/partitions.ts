import { sql } from 'kysely';
import type { Executor } from '../../platform/db/client.js';
import type { MonitoringSettings } from './monitoring.settings.js';

/**
 * Native range partitions of the time-series tables: `readings` by UTC day, `readings_1m` and `readings_1h` by
 * UTC month. Names carry the start: readings_p20260615, readings_1m_p202606.
 */
export type Granularity = 'day' | 'month';
export type SeriesTable = 'readings' | 'readings_1m' | 'readings_1h';

export const SERIES: readonly { table: SeriesTable; granularity: Granularity }[] = [
  { table: 'readings', granularity: 'day' },
  { table: 'readings_1m', granularity: 'month' },
  { table: 'readings_1h', granularity: 'month' },
];

const DAY = 86_400_000;

export function partitionStart(granularity: Granularity, ts: number): number {
  const d = new Date(ts);
  return granularity === 'day'
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function partitionEnd(granularity: Granularity, start: number): number {
  const d = new Date(start);
  return granularity === 'day' ? start + DAY : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export function partitionName(table: SeriesTable, granularity: Granularity, start: number): string {
  const iso = new Date(start).toISOString();
  const stamp = granularity === 'day' ? iso.slice(0, 10).replaceAll('-', '') : iso.slice(0, 7).replace('-', '');
  return `${table}_p${stamp}`;
}

/** Parses a partition name back to its start (epoch ms), or null if it is not one of ours. */
export function parsePartitionName(table: SeriesTable, name: string): number | null {
  const m = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})?$`).exec(name);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1);
}

export async function listPartitions(db: Executor, table: SeriesTable): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    join pg_namespace n on n.oid = p.relnamespace
    where p.relname = ${table} and n.nspname = current_schema()`.execute(db);
  return r.rows.map((x) => x.name);
}

/** Creates the partition holding `ts` if it does not exist; safe when several instances race. */
export async function ensurePartition(db: Executor, table: SeriesTable, granularity: Granularity, ts: number) {
  const start = partitionStart(granularity, ts);
  const end = partitionEnd(granularity, start);
  const name = partitionName(table, granularity, start);
  try {
    await sql
      .raw(
        `create table if not exists ${name} partition of ${table} for values from ('${new Date(start).toISOString()}') to ('${new Date(end).toISOString()}')`,
      )
      .execute(db);
  } catch (err) {
    // Another instance created it between "if not exists" and the insert into the catalog.
    const code = (err as { code?: string }).code;
    if (code !== '42P07' && code !== '23505') throw err;
  }
  return name;
}

export interface PartitionReport {
  created: string[];
  dropped: string[];
}

/**
 * Creates partitions from yesterday to `daysAhead` days ahead (and this and next month for rollups), and drops
 * those whose whole range is older than the retention period of their table.
 */
export async function maintainPartitions(
  db: Executor,
  now: Date,
  settings: Pick<MonitoringSettings, 'retentionDays' | 'rollup1mRetentionDays' | 'rollup1hRetentionDays'>,
  daysAhead = 7,
): Promise<PartitionReport> {
  const report: PartitionReport = { created: [], dropped: [] };
  const t = now.getTime();
  for (const { table, granularity } of SERIES) {
    const existing = new Set(await listPartitions(db, table));
    const wanted = new Set<number>();
    if (granularity === 'day') for (let d = -1; d <= daysAhead; d++) wanted.add(partitionStart('day', t + d * DAY));
    else for (const d of [-1, 0, daysAhead, 32]) wanted.add(partitionStart('month', t + d * DAY));
    for (const start of [...wanted].sort()) {
      const name = partitionName(table, granularity, start);
      if (existing.has(name)) continue;
      await ensurePartition(db, table, granularity, start);
      report.created.push(name);
    }
    const retention =
      table === 'readings'
        ? settings.retentionDays
        : table === 'readings_1m'
          ? settings.rollup1mRetentionDays
          : settings.rollup1hRetentionDays;
    const cutoff = t - retention * DAY;
    for (const name of existing) {
      const start = parsePartitionName(table, name);
      if (start === null) continue;
      if (partitionEnd(granularity, start) <= cutoff) {
        await sql.raw(`drop table if exists ${name}`).execute(db);
        report.dropped.push(name);
      }
    }
  }
  return report;
}
