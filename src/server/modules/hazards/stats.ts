import type { FastifyInstance } from 'fastify';
import { type CompiledQuery, sql } from 'kysely';
import { z } from 'zod';
import { addDays, daysBetween, localDate } from '../../../core/hazards/index.js';
import { type Actor, requirePermission } from '../../platform/authz/actor.js';
import type { Executor } from '../../platform/db/client.js';
import { prepared } from '../../platform/db/statements.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf } from '../../platform/http/context.js';
import type { Platform } from '../../platform/platform.js';
import {
  type FiguresGroupBy,
  figuresQueries,
  type MetricRow,
  type OverdueRemainder,
  remainderIn,
  withOverdue,
} from './figures.js';
import { type HazardFilters, OPEN_STATUSES, resolveFilters, scopedHazards } from './hazards.repo.js';
import { hazardFilterQuery } from './hazards.schemas.js';
import { townshipSql } from './hazards.shared.js';

const OPEN_SQL = sql.raw(`('reported','rectifying','submitted','verified')`);

/** The figures per group, over an aliased subquery `x` of scoped hazards. */
const metrics = (today: string) => sql`
  count(*)::int as found,
  count(*) filter (where x.status = 'closed')::int as closed,
  count(*) filter (where x.status = 'rejected')::int as rejected,
  count(*) filter (where x.status in ${OPEN_SQL})::int as open,
  count(*) filter (where x.ever_overdue or (x.status = 'rectifying' and x.deadline < ${today}::date))::int as overdue,
  count(*) filter (where x.status = 'rectifying' and x.deadline < ${today}::date)::int as overdue_now,
  count(*) filter (where x.level = 'major')::int as major,
  count(*) filter (where x.level = 'major' and x.status in ${OPEN_SQL})::int as major_open,
  round((avg(extract(epoch from (x.closed_at - x.found_at)) / 86400) filter (where x.status = 'closed'))::numeric, 1)::float8 as avg_days_to_close`;

const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : 0);
function present(m: MetricRow) {
  const counted = m.found - m.rejected;
  return {
    found: m.found,
    closed: m.closed,
    open: m.open,
    rejected: m.rejected,
    overdue: m.overdue,
    overdueNow: m.overdue_now,
    major: m.major,
    majorOpen: m.major_open,
    rectificationRate: rate(m.closed, counted),
    overdueRate: rate(m.overdue, counted),
    avgDaysToClose: m.avg_days_to_close === null ? null : Number(m.avg_days_to_close),
  };
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endY = Number(to.slice(0, 4));
  const endM = Number(to.slice(5, 7));
  while ((y < endY || (y === endY && m <= endM)) && out.length < 120) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

export type StatsGroupBy = FiguresGroupBy;

/** The months of the trend: from `from` (default the first of the month eleven months back) to `to` (default today). */
export function trendRange(filters: HazardFilters, today: string) {
  return { trendFrom: filters.from ?? `${addDays(today, -334).slice(0, 7)}-01`, trendTo: filters.to ?? today };
}

/**
 * The live definition: the four queries of GET /api/hazards/stats over the scoped, filtered hazards: totals, figures per group (the
 * first `limit` by hazards found), and hazards found and closed per month (from `from`, default the first of the
 * month eleven months back, to `to`, default today).
 */
export function statsQueries(
  db: Executor,
  actor: Actor,
  filters: HazardFilters,
  groupBy: StatsGroupBy,
  limit: number,
  today: string,
) {
  const sub = scopedHazards(db, actor, filters, today).select([
    'hazards.id',
    'hazards.status',
    'hazards.level',
    'hazards.found_at',
    'hazards.closed_at',
    'hazards.deadline',
    'hazards.ever_overdue',
    'hazards.enterprise_id',
    'enterprises.name as enterprise_name',
    'enterprises.department_ids',
    townshipSql().as('township_code'),
  ]);
  const key =
    groupBy === 'enterprise'
      ? sql`x.enterprise_id::text`
      : groupBy === 'department'
        ? sql`d.id::text`
        : sql`x.township_code`;
  const join = groupBy === 'department' ? sql`cross join lateral unnest(x.department_ids) as d(id)` : sql``;
  const { trendFrom, trendTo } = trendRange(filters, today);
  return {
    trendFrom,
    trendTo,
    totals: sql<MetricRow>`select ${metrics(today)} from (${sub}) x`,
    groups: sql<MetricRow & { key: string }>`
      select ${key} as key, ${metrics(today)} from (${sub}) x ${join}
      group by 1 order by found desc, key limit ${limit}`,
    foundTrend: sql<{ month: string; n: number }>`
      select to_char(x.found_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, count(*)::int as n
      from (${sub}) x group by 1`,
    closedTrend: sql<{ month: string; n: number }>`
      select to_char(x.closed_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, count(*)::int as n
      from (${sub}) x where x.status = 'closed' and x.closed_at is not null group by 1`,
  };
}

const NO_HAZARDS: MetricRow = {
  found: 0,
  closed: 0,
  rejected: 0,
  open: 0,
  overdue: 0,
  overdue_now: 0,
  major: 0,
  major_open: 0,
  avg_days_to_close: null,
};

export interface Figures {
  /** Whether the stored figures answered (false: a filter they are not keyed by; read live). */
  stored: boolean;
  totals: MetricRow;
  groups: (MetricRow & { key: string })[];
  trend: Map<string, { found: number; closed: number }>;
  trendFrom: string;
  trendTo: string;
}

/**
 * The figures of GET /api/hazards/stats: from the stored aggregates (figures.ts) when they are keyed by every
 * filter given, else by the live queries; the trend of a department combined with a region is read live.
 */
export async function computeFigures(
  db: Executor,
  actor: Actor,
  filters: HazardFilters,
  groupBy: StatsGroupBy,
  limit: number,
  today: string,
): Promise<Figures> {
  const { trendFrom, trendTo } = trendRange(filters, today);
  const stored = figuresQueries(db, actor, filters, groupBy, limit, today, trendFrom, trendTo);
  const live = () => statsQueries(db, actor, filters, groupBy, limit, today);
  // Prepared statements (platform/db/statements.ts): planning is a large part of these small aggregate reads.
  const run = <R>(q: CompiledQuery<R>) => db.executeQuery(prepared(q));
  if (stored) {
    const liveTrend = stored.trend ? undefined : live();
    const [totals, groups, trend, remainder, found, closed] = await Promise.all([
      run(stored.totals.compile(db)),
      run(stored.groups.compile(db)),
      stored.trend && run(stored.trend.compile(db)),
      run(stored.remainderIds.compile()).then(async ({ rows }): Promise<OverdueRemainder[]> => {
        return rows.length ? (await run(stored.remainder(rows.map((r) => r.id)).compile())).rows : [];
      }),
      liveTrend && run(liveTrend.foundTrend.compile(db)),
      liveTrend && run(liveTrend.closedTrend.compile(db)),
    ]);
    const months = new Map<string, { found: number; closed: number }>();
    for (const t of trend?.rows ?? []) months.set(t.month, { found: t.found, closed: t.closed });
    for (const t of found?.rows ?? []) months.set(t.month, { found: t.n, closed: 0 });
    for (const t of closed?.rows ?? []) {
      const m = months.get(t.month);
      months.set(t.month, { found: m?.found ?? 0, closed: t.n });
    }
    const first = totals.rows[0];
    return {
      stored: true,
      totals: first ? withOverdue(first, remainder, () => true) : NO_HAZARDS,
      groups: groups.rows.map((g) => ({ key: g.key, ...withOverdue(g, remainder, remainderIn(groupBy, g.key)) })),
      trend: months,
      trendFrom,
      trendTo,
    };
  }
  const q = live();
  const [totals, groups, foundTrend, closedTrend] = await Promise.all([
    run(q.totals.compile(db)),
    run(q.groups.compile(db)),
    run(q.foundTrend.compile(db)),
    run(q.closedTrend.compile(db)),
  ]);
  const months = new Map<string, { found: number; closed: number }>();
  for (const t of foundTrend.rows) months.set(t.month, { found: t.n, closed: 0 });
  for (const t of closedTrend.rows) months.set(t.month, { found: months.get(t.month)?.found ?? 0, closed: t.n });
  return {
    stored: false,
    totals: totals.rows[0] ?? NO_HAZARDS,
    groups: groups.rows,
    trend: months,
    trendFrom,
    trendTo,
  };
}

export function statsRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  /** Found / closed / rectification rate / overdue rate / major open / average days to close, by group and month. */
  r.get(
    '/api/hazards/stats',
    {
      schema: {
        tags: ['hazards'],
        querystring: z.object({
          ...hazardFilterQuery,
          groupBy: z.enum(['township', 'enterprise', 'department']).default('township'),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      const { groupBy, limit, ...query } = req.query;
      const today = localDate(ctx.now);
      const figures = await computeFigures(p.db, ctx.actor, await resolveFilters(p.db, query), groupBy, limit, today);
      const { totals, groups, trend, trendFrom, trendTo } = figures;
      const keys = groups.map((g) => g.key).filter(Boolean);
      const names = new Map<string, string>();
      if (keys.length) {
        if (groupBy === 'enterprise') {
          for (const e of await p.db.selectFrom('enterprises').select(['id', 'name']).where('id', 'in', keys).execute())
            names.set(e.id, e.name);
        } else if (groupBy === 'department') {
          for (const d of await p.db
            .selectFrom('departments')
            .select(['id', 'name_zh'])
            .where('id', 'in', keys)
            .execute())
            names.set(d.id, d.name_zh);
        } else {
          for (const t of await p.db.selectFrom('regions').select(['code', 'name']).where('code', 'in', keys).execute())
            names.set(t.code, t.name);
        }
      }
      return {
        asOf: today,
        groupBy,
        totals: present(totals),
        groups: groups.map((g) => ({ key: g.key, name: names.get(g.key) ?? g.key, ...present(g) })),
        trend: monthsBetween(trendFrom, trendTo).map((month) => ({
          month,
          found: trend.get(month)?.found ?? 0,
          closed: trend.get(month)?.closed ?? 0,
        })),
      };
    },
  );

  /** Every open major hazard in scope with its plan, days left and listing state (重大隐患挂图作战). */
  r.get(
    '/api/hazards/major-board',
    {
      schema: {
        tags: ['hazards'],
        querystring: z.object({
          regionCode: hazardFilterQuery.regionCode,
          departmentId: hazardFilterQuery.departmentId,
          sector: hazardFilterQuery.sector,
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      const today = localDate(ctx.now);
      const rows = await scopedHazards(p.db, ctx.actor, { ...req.query, level: 'major', status: OPEN_STATUSES }, today)
        .leftJoin('regions as township', 'township.code', 'enterprises.region_level2')
        .select([
          'hazards.id',
          'hazards.code',
          'hazards.status',
          'hazards.place',
          'hazards.description',
          'hazards.sector',
          'hazards.catalog_item_code',
          'hazards.major_basis',
          'hazards.plan',
          'hazards.interim_measures',
          'hazards.deadline',
          'hazards.pending_extension',
          'hazards.found_at',
          'hazards.version',
          'hazards.enterprise_id',
          'enterprises.name as enterprise_name',
          'enterprises.lng',
          'enterprises.lat',
          'township.code as township_code',
          'township.name as township_name',
          sql<{ id: string; code: string; listedAt: string; card: string | null } | null>`(
            select json_build_object('id', l.id, 'code', l.code, 'listedAt', l.listed_at, 'reason', l.reason, 'card', c.color)
            from hazard_listings l left join hazard_cards c on c.listing_id = l.id and c.status = 'active'
            where l.status = 'active' and l.hazard_id = hazards.id order by l.listed_at desc limit 1)`.as('listing'),
          sql<boolean>`exists (select 1 from hazard_listings l where l.status = 'active' and l.enterprise_id = hazards.enterprise_id)`.as(
            'enterprise_listed',
          ),
          sql<number>`(select count(*)::int from hazard_summons s where s.hazard_id = hazards.id and s.status = 'pending')`.as(
            'pending_summons',
          ),
        ])
        .orderBy(sql`hazards.deadline asc nulls first`)
        .orderBy('hazards.id')
        .execute();
      const items = rows.map((h) => {
        const daysLeft = h.deadline ? daysBetween(today, h.deadline) : null;
        return {
          id: h.id,
          code: h.code,
          status: h.status,
          enterprise: { id: h.enterprise_id, name: h.enterprise_name, lng: h.lng, lat: h.lat },
          township: h.township_code ? { code: h.township_code, name: h.township_name } : null,
          place: h.place,
          description: h.description,
          sector: h.sector,
          catalogItemCode: h.catalog_item_code,
          majorBasis: h.major_basis,
          plan: h.plan,
          interimMeasures: h.interim_measures,
          deadline: h.deadline,
          daysLeft,
          overdue: h.status === 'rectifying' && daysLeft !== null && daysLeft < 0,
          pendingExtension: h.pending_extension,
          listing: h.listing,
          enterpriseListed: h.enterprise_listed,
          pendingSummons: h.pending_summons,
          foundAt: h.found_at,
          version: h.version,
        };
      });
      return {
        asOf: today,
        summary: {
          open: items.length,
          awaitingConfirmation: items.filter((i) => i.status === 'reported').length,
          overdue: items.filter((i) => i.overdue).length,
          listed: items.filter((i) => i.listing !== null).length,
        },
        items,
      };
    },
  );
}
