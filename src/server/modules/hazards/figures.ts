/**
 * The dashboard figures from the stored aggregates of migration 0012 (docs/hazards.md "Scale"): a few thousand
 * summary rows per request instead of every scoped hazard. The live queries in stats.ts stay the definition and
 * answer what the aggregates cannot (see `figuresServable`); `test/hazards.figures.test.ts` checks that both agree.
 */
import { type RawBuilder, sql } from 'kysely';
import { type Actor, scopeKind } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor } from '../../platform/db/client.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { enterpriseConds, type HazardFilters, regionPrefixSql, scopedHazards } from './hazards.repo.js';
import { townshipSql } from './hazards.shared.js';

export type FiguresGroupBy = 'township' | 'enterprise' | 'department';

/** The figures of one group (or the totals) as the route presents them. */
export interface MetricRow {
  found: number;
  closed: number;
  rejected: number;
  open: number;
  overdue: number;
  overdue_now: number;
  major: number;
  major_open: number;
  avg_days_to_close: number | null;
}

/** What the stored rows hold; overdue needs the live remainder (`OverdueRemainder`) on top. */
export interface StoredRow {
  found: number;
  closed: number;
  rejected: number;
  open: number;
  ever_overdue: number;
  rectifying_marked: number;
  major: number;
  major_open: number;
  avg_days_to_close: number | null;
}

/** Filters the stored figures are keyed by; any other filter (status, dates, source, sector, text…) is read live. */
const STORED_FILTERS: ReadonlySet<string> = new Set(['regionCode', 'departmentId', 'enterpriseId', 'level']);

export function figuresServable(f: HazardFilters): boolean {
  return Object.entries(f).every(
    ([k, v]) => STORED_FILTERS.has(k) || v === undefined || (Array.isArray(v) && v.length === 0),
  );
}

const and = (conds: RawBuilder<boolean>[]) =>
  conds.length ? sql<boolean>`(${sql.join(conds, sql` and `)})` : sql<boolean>`true`;

/** Sums over stored rows `x` (level and one column per status bucket, migration 0012). */
const storedMetrics = sql`
  coalesce(sum(x.found), 0)::int as found,
  coalesce(sum(x.closed), 0)::int as closed,
  coalesce(sum(x.rejected), 0)::int as rejected,
  coalesce(sum(x.open), 0)::int as open,
  coalesce(sum(x.ever_overdue), 0)::int as ever_overdue,
  coalesce(sum(x.rectifying_marked), 0)::int as rectifying_marked,
  coalesce(sum(x.found) filter (where x.level = 'major'), 0)::int as major,
  coalesce(sum(x.open) filter (where x.level = 'major'), 0)::int as major_open,
  round((sum(x.close_seconds) / nullif(sum(x.closed_timed), 0) / 86400)::numeric, 1)::float8 as avg_days_to_close`;

/** The scope and stored filters on a cell table (`region_path`, `department_ids`, `level`) under `alias`. */
function cellConds(actor: Actor, f: HazardFilters, alias: string): RawBuilder<boolean>[] {
  const c = [enterpriseScope(actor, alias)];
  if (f.regionCode) c.push(regionPrefixSql(alias, f.regionCode));
  if (f.departmentId) c.push(sql<boolean>`${sql.ref(`${alias}.department_ids`)} @> array[${f.departmentId}::uuid]`);
  if (f.level) c.push(sql<boolean>`${sql.ref(`${alias}.level`)} = ${f.level}`);
  return c;
}

/** Rows of a per-enterprise table `x` joined to their enterprise, the scope and filters applied there. */
function enterpriseRows(actor: Actor, f: HazardFilters) {
  return sql`hazard_figures_enterprise x join enterprises on enterprises.id = x.enterprise_id
    where ${enterpriseScope(actor)} and ${and(enterpriseConds(f))}
      and ${f.level ? sql`x.level = ${f.level}` : sql`true`}`;
}

/**
 * The queries of GET /api/hazards/stats from the stored figures, or undefined when they cannot answer (a filter
 * they are not keyed by). One enterprise (an enterprise user, or `enterpriseId`) reads the per-enterprise tables;
 * otherwise totals and the groups by township / department come from the cells, the groups by enterprise from
 * the per-enterprise table, and the trend from the per-village table (county, township, village) or the
 * per-department one (a department); a department combined with a region has no stored trend and is read live.
 */
export function figuresQueries(
  db: Executor,
  actor: Actor,
  f: HazardFilters,
  groupBy: FiguresGroupBy,
  limit: number,
  today: string,
  trendFrom: string,
  trendTo: string,
) {
  if (!figuresServable(f)) return undefined;
  const oneEnterprise = scopeKind(actor) === 'enterprise' || f.enterpriseId !== undefined;
  const perEnterprise = enterpriseRows(actor, f);
  const cells = sql`hazard_figures x where ${and(cellConds(actor, f, 'x'))}`;

  const totals = sql<StoredRow>`select ${storedMetrics} from ${oneEnterprise ? perEnterprise : cells}`;

  let groups: RawBuilder<StoredRow & { key: string }>;
  if (groupBy === 'enterprise') {
    groups = sql<
      StoredRow & { key: string }
    >`select x.enterprise_id::text as key, ${storedMetrics} from ${perEnterprise}
      group by 1 having sum(x.found) > 0 order by found desc, key limit ${limit}`;
  } else if (oneEnterprise) {
    const key = groupBy === 'township' ? townshipSql() : sql`d.id::text`;
    const from =
      groupBy === 'township'
        ? perEnterprise
        : sql`hazard_figures_enterprise x join enterprises on enterprises.id = x.enterprise_id
            cross join lateral unnest(enterprises.department_ids) as d(id)
            where ${enterpriseScope(actor)} and ${and(enterpriseConds(f))}
              and ${f.level ? sql`x.level = ${f.level}` : sql`true`}`;
    groups = sql<StoredRow & { key: string }>`select ${key} as key, ${storedMetrics} from ${from}
      group by 1 having sum(x.found) > 0 order by found desc, key limit ${limit}`;
  } else if (groupBy === 'department') {
    groups = sql<StoredRow & { key: string }>`select d.id::text as key, ${storedMetrics}
      from hazard_figures x cross join lateral unnest(x.department_ids) as d(id)
      where ${and(cellConds(actor, f, 'x'))}
      group by 1 having sum(x.found) > 0 order by found desc, key limit ${limit}`;
  } else {
    groups = sql<StoredRow & { key: string }>`select ${townshipSql('x')} as key, ${storedMetrics} from ${cells}
      group by 1 having sum(x.found) > 0 order by found desc, key limit ${limit}`;
  }

  const range = sql`x.month >= ${`${trendFrom.slice(0, 7)}-01`}::date and x.month <= ${trendTo}::date`;
  const level = f.level ? sql`x.level = ${f.level}` : sql`true`;
  const departments = [
    ...(scopeKind(actor) === 'department' ? [actor.departmentId] : []),
    ...(f.departmentId ? [f.departmentId] : []),
  ];
  const regional = scopeKind(actor) === 'region' || f.regionCode !== undefined;
  let trendFromRows: RawBuilder<unknown> | undefined;
  if (oneEnterprise) {
    trendFromRows = sql`hazard_trend_enterprise x join enterprises on enterprises.id = x.enterprise_id
      where ${enterpriseScope(actor)} and ${and(enterpriseConds(f))} and ${level} and ${range}`;
  } else if (departments.length === 0) {
    const conds = [enterpriseScope(actor, 'x'), ...(f.regionCode ? [regionPrefixSql('x', f.regionCode)] : [])];
    trendFromRows = sql`hazard_trend_region x where ${and(conds)} and ${level} and ${range}`;
  } else if (!regional && new Set(departments).size === 1) {
    const d = departments[0] ?? null;
    trendFromRows =
      d === null
        ? sql`hazard_trend_department x where false`
        : sql`hazard_trend_department x where x.department_id = ${d}::uuid and ${level} and ${range}`;
  }
  const trend = trendFromRows
    ? sql<{ month: string; found: number; closed: number }>`
        select to_char(x.month, 'YYYY-MM') as month, sum(x.found)::int as found, sum(x.closed)::int as closed
        from ${trendFromRows} group by 1`
    : undefined;

  // Overdue now: the hazards the escalation job has not marked yet, and marked ones given a later deadline (or
  // none) — usually none. Found first without the enterprise (one range scan per branch of the partial indexes
  // hazards_rectifying_unmarked / _marked, next to nothing to plan), then scoped and filtered by `remainder`.
  const ids = (cond: RawBuilder<boolean>) =>
    db.selectFrom('hazards').select('hazards.id').where(sql<boolean>`hazards.status = 'rectifying'`).where(cond);
  const remainderIds = ids(sql<boolean>`not hazards.ever_overdue and hazards.deadline < ${today}::date`)
    .unionAll(ids(sql<boolean>`hazards.ever_overdue and hazards.deadline >= ${today}::date`))
    .unionAll(ids(sql<boolean>`hazards.ever_overdue and hazards.deadline is null`));
  const remainder = (hazardIds: string[]) =>
    scopedHazards(db, actor, f, today)
      .where(sql<boolean>`hazards.id = any(${hazardIds}::uuid[])`)
      .select([
        'hazards.enterprise_id',
        'hazards.ever_overdue',
        'enterprises.department_ids',
        townshipSql().as('township_code'),
      ]);

  return { totals, groups, trend, remainderIds, remainder };
}

export interface OverdueRemainder {
  enterprise_id: string;
  ever_overdue: boolean;
  department_ids: string[];
  township_code: string;
}

/** Adds the live remainder to the stored counts: overdue = marked + unmarked past; now = rectifying marked − moved + unmarked. */
export function withOverdue(
  row: StoredRow,
  remainder: OverdueRemainder[],
  inGroup: (r: OverdueRemainder) => boolean,
): MetricRow {
  let unmarked = 0;
  let moved = 0;
  for (const r of remainder) {
    if (!inGroup(r)) continue;
    if (r.ever_overdue) moved++;
    else unmarked++;
  }
  return {
    found: row.found,
    closed: row.closed,
    rejected: row.rejected,
    open: row.open,
    overdue: row.ever_overdue + unmarked,
    overdue_now: row.rectifying_marked - moved + unmarked,
    major: row.major,
    major_open: row.major_open,
    avg_days_to_close: row.avg_days_to_close,
  };
}

/** Whether a remainder row belongs to the group `key` of `groupBy`. */
export function remainderIn(groupBy: FiguresGroupBy, key: string) {
  return (r: OverdueRemainder) =>
    groupBy === 'enterprise'
      ? r.enterprise_id === key
      : groupBy === 'township'
        ? r.township_code === key
        : r.department_ids.includes(key);
}

/**
 * `jobs:run hazards.figures-rebuild`: recomputes every stored figure from the hazards (after a bulk load with
 * triggers off, a restore, or to check them). Hazard writes wait for it; readers keep the previous figures
 * until it commits. Idempotent: the same hazards give the same rows.
 */
export function figuresRebuildJob(): JobDefinition {
  return {
    name: 'hazards.figures-rebuild',
    description: 'Recompute the stored hazard figures (dashboard aggregates) from the hazards table',
    async run({ db, log }) {
      const t0 = performance.now();
      await db.transaction().execute((tx) => sql`select fx_hazard_figures_rebuild()`.execute(tx));
      const rows = await sql<{ cells: number; enterprises: number; months: number }>`
        select (select count(*)::int from hazard_figures) as cells,
               (select count(*)::int from hazard_figures_enterprise) as enterprises,
               (select count(*)::int from hazard_trend_region) as months`.execute(db);
      const seconds = Math.round(performance.now() - t0) / 1000;
      log.info({ seconds }, 'hazard figures rebuilt');
      return { seconds, ...rows.rows[0] };
    },
  };
}
