import { sql } from 'kysely';
import { localDate } from '../../../core/dates.js';
import type { UncoveredEnterprise } from '../../../core/supervision/index.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { escapeLike } from '../../platform/authz/scope.js';
import type { Executor } from '../../platform/db/client.js';
import type { RequestCtx } from '../../platform/http/context.js';
import { departmentCondition, requireRegulator } from './access.js';
import { findPlan, type PlanRow } from './plans.service.js';

function presentPlanRow(p: PlanRow, dept: { name_zh: string; name_en: string } | undefined) {
  return {
    id: p.id,
    departmentId: p.department_id,
    departmentName: dept?.name_zh ?? '',
    departmentNameEn: dept?.name_en ?? '',
    year: p.year,
    status: p.status,
    legalWorkdays: p.legal_workdays,
    inspectors: p.inspectors,
    otherEnforcementDays: p.other_enforcement_days,
    nonEnforcementDays: p.non_enforcement_days,
    inspectorDaysPerInspection: p.inspector_days_per_inspection,
    capacityDays: p.capacity_days,
    capacity: p.capacity,
    tierSources: p.tier_sources,
    createdByName: p.created_by_name,
    approvedAt: p.approved_at,
    approvedByName: p.approved_by_name,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    version: p.version,
    isDemo: p.is_demo,
  };
}

/** The plans of a year in the actor's scope, each with its counts; for the county also the departments without one. */
export async function listPlans(db: Executor, ctx: RequestCtx, year: number) {
  requirePermission(ctx.actor, 'supervision.read');
  requireRegulator(ctx.actor);
  const today = localDate(ctx.now);
  const plans = await db
    .selectFrom('inspection_plans')
    .innerJoin('departments', 'departments.id', 'inspection_plans.department_id')
    .selectAll('inspection_plans')
    .select(['departments.name_zh', 'departments.name_en'])
    .select((eb) => [
      eb
        .selectFrom('plan_visits')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('plan_visits.plan_id', '=', 'inspection_plans.id')
        .where('plan_visits.status', '<>', 'cancelled')
        .as('planned'),
      eb
        .selectFrom('plan_visits')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('plan_visits.plan_id', '=', 'inspection_plans.id')
        .where('plan_visits.status', '=', 'done')
        .as('done'),
      eb
        .selectFrom('plan_visits')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('plan_visits.plan_id', '=', 'inspection_plans.id')
        .where('plan_visits.status', '=', 'planned')
        .where('plan_visits.planned_date', '<', today)
        .as('overdue'),
    ])
    .where('inspection_plans.year', '=', year)
    .where(departmentCondition(ctx.actor, 'inspection_plans.department_id'))
    .orderBy('departments.code')
    .execute();
  const withPlan = new Set(plans.map((p) => p.department_id));
  const departments = await db
    .selectFrom('departments')
    .select(['id', 'name_zh', 'name_en'])
    .where(departmentCondition(ctx.actor, 'departments.id'))
    .orderBy('code')
    .execute();
  return {
    year,
    items: plans.map((p) => ({
      ...presentPlanRow(p, p),
      planned: p.planned ?? 0,
      done: p.done ?? 0,
      overdue: p.overdue ?? 0,
    })),
    departmentsWithoutPlan: departments
      .filter((d) => !withPlan.has(d.id))
      .map((d) => ({ id: d.id, name: d.name_zh, nameEn: d.name_en })),
  };
}

/** One plan: capacity, month-by-month coverage and progress, tier coverage, and what could not be covered. */
export async function planDetail(db: Executor, ctx: RequestCtx, id: string) {
  const plan = await findPlan(db, ctx, id);
  const today = localDate(ctx.now);
  const dept = await db
    .selectFrom('departments')
    .select(['name_zh', 'name_en'])
    .where('id', '=', plan.department_id)
    .executeTakeFirst();
  const monthRows = await db
    .selectFrom('plan_visits')
    .select([
      sql<number>`extract(month from planned_date)::int`.as('month'),
      sql<number>`count(*) filter (where status <> 'cancelled')::int`.as('planned'),
      sql<number>`count(*) filter (where status = 'done')::int`.as('done'),
      sql<number>`count(*) filter (where status = 'done' and inspection_id is not null)::int`.as('byInspection'),
      sql<number>`count(*) filter (where status = 'planned' and planned_date < ${today}::date)::int`.as('overdue'),
      sql<number>`count(*) filter (where status <> 'cancelled' and joint_visit_id is not null)::int`.as('joint'),
      sql<number>`count(distinct enterprise_id) filter (where status <> 'cancelled')::int`.as('enterprises'),
      sql<number>`count(distinct enterprise_id) filter (where status <> 'cancelled' and tier = 'high')::int`.as(
        'highEnterprises',
      ),
    ])
    .where('plan_id', '=', plan.id)
    .groupBy(sql`extract(month from planned_date)`)
    .execute();
  const byMonth = new Map(monthRows.map((r) => [r.month, r]));
  const tierRows = await db
    .selectFrom('plan_visits')
    .select([
      'tier',
      sql<number>`count(distinct enterprise_id)::int`.as('enterprises'),
      sql<number>`count(*)::int`.as('visits'),
      sql<number>`count(*) filter (where status = 'done')::int`.as('done'),
    ])
    .where('plan_id', '=', plan.id)
    .where('status', '<>', 'cancelled')
    .groupBy('tier')
    .execute();
  const supervised = await db
    .selectFrom('enterprises')
    .select(sql<number>`count(*)::int`.as('n'))
    .where(sql<boolean>`department_ids @> array[${plan.department_id}::uuid]`)
    .where('status', '=', 'operating')
    .executeTakeFirstOrThrow();
  const uncovered = plan.uncovered as UncoveredEnterprise[];
  const names = uncovered.length
    ? await db
        .selectFrom('enterprises')
        .select(['id', 'name', 'code'])
        .where(
          'id',
          'in',
          uncovered.map((u) => u.enterpriseId),
        )
        .execute()
    : [];
  const nameOf = new Map(names.map((n) => [n.id, n]));
  const highEnterprises = tierRows.find((t) => t.tier === 'high')?.enterprises ?? 0;
  const months = Array.from({ length: 12 }, (_, i) => {
    const r = byMonth.get(i + 1);
    return {
      month: i + 1,
      planned: r?.planned ?? 0,
      done: r?.done ?? 0,
      /** Of `done`, the visits done by a completed inspection of the inspections module. */
      byInspection: r?.byInspection ?? 0,
      overdue: r?.overdue ?? 0,
      joint: r?.joint ?? 0,
      enterprises: r?.enterprises ?? 0,
      /** High-tier enterprises with a visit this month, of all high-tier enterprises in the plan. */
      highCovered: r?.highEnterprises ?? 0,
      highTotal: highEnterprises,
    };
  });
  const planned = months.reduce((s, m) => s + m.planned, 0);
  return {
    ...presentPlanRow(plan, dept),
    planned,
    done: months.reduce((s, m) => s + m.done, 0),
    byInspection: months.reduce((s, m) => s + m.byInspection, 0),
    remainingCapacity: Math.max(0, plan.capacity - planned),
    months,
    tiers: (['high', 'general', 'low'] as const).map((tier) => {
      const r = tierRows.find((t) => t.tier === tier);
      return { tier, enterprises: r?.enterprises ?? 0, visits: r?.visits ?? 0, done: r?.done ?? 0 };
    }),
    coverage: {
      supervised: supervised.n,
      covered: tierRows.reduce((s, t) => s + t.enterprises, 0),
    },
    uncovered: uncovered.map((u) => ({
      ...u,
      enterpriseName: nameOf.get(u.enterpriseId)?.name ?? '',
      enterpriseCode: nameOf.get(u.enterpriseId)?.code ?? '',
    })),
  };
}

export interface VisitFilters {
  month?: number | undefined;
  status?: ('planned' | 'done' | 'cancelled')[] | undefined;
  q?: string | undefined;
  page: number;
  pageSize: number;
}

/** The visits of a plan, by date, with the enterprise and (for joint visits) the departments taking part. */
export async function planVisits(db: Executor, ctx: RequestCtx, id: string, f: VisitFilters) {
  const plan = await findPlan(db, ctx, id);
  let q = db
    .selectFrom('plan_visits')
    .innerJoin('enterprises', 'enterprises.id', 'plan_visits.enterprise_id')
    .leftJoin('joint_visits', 'joint_visits.id', 'plan_visits.joint_visit_id')
    .leftJoin('inspections', 'inspections.id', 'plan_visits.inspection_id')
    .where('plan_visits.plan_id', '=', plan.id);
  if (f.month) q = q.where(sql<boolean>`extract(month from plan_visits.planned_date) = ${f.month}`);
  if (f.status?.length) q = q.where('plan_visits.status', 'in', f.status);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    q = q.where((eb) => eb.or([eb('enterprises.name', 'ilike', like), eb('enterprises.code', 'ilike', like)]));
  }
  const [rows, total] = await Promise.all([
    q
      .select([
        'plan_visits.id',
        'plan_visits.enterprise_id',
        'enterprises.name as enterprise_name',
        'enterprises.code as enterprise_code',
        'plan_visits.tier',
        'plan_visits.planned_date',
        'plan_visits.status',
        'plan_visits.source',
        'plan_visits.joint_visit_id',
        'joint_visits.department_ids as joint_department_ids',
        'plan_visits.done_on',
        'plan_visits.inspection_id',
        'inspections.code as inspection_code',
        'plan_visits.cancel_reason',
        'plan_visits.version',
      ])
      .orderBy('plan_visits.planned_date')
      .orderBy('enterprises.code')
      .orderBy('plan_visits.id')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const deptIds = [...new Set(rows.flatMap((r) => r.joint_department_ids ?? []))];
  const depts = deptIds.length
    ? await db.selectFrom('departments').select(['id', 'name_zh', 'name_en']).where('id', 'in', deptIds).execute()
    : [];
  const deptName = new Map(depts.map((d) => [d.id, d]));
  return {
    items: rows.map((r) => ({
      id: r.id,
      enterpriseId: r.enterprise_id,
      enterpriseName: r.enterprise_name,
      enterpriseCode: r.enterprise_code,
      tier: r.tier,
      plannedDate: r.planned_date,
      status: r.status,
      source: r.source,
      jointVisitId: r.joint_visit_id,
      jointDepartments: (r.joint_department_ids ?? []).map((d) => ({
        id: d,
        name: deptName.get(d)?.name_zh ?? '',
        nameEn: deptName.get(d)?.name_en ?? '',
      })),
      doneOn: r.done_on,
      inspectionId: r.inspection_id,
      inspectionCode: r.inspection_code,
      cancelReason: r.cancel_reason,
      version: r.version,
    })),
    total: total.n,
    page: f.page,
    pageSize: f.pageSize,
  };
}
