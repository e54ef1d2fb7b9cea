import { type Selectable, sql } from 'kysely';
import { localDate } from '../../../core/dates.js';
import { isUuid } from '../../../core/ids.js';
import { datesOfYear, dayOfWeek } from '../../../core/supervision/calendar.js';
import {
  DEFAULT_CREDIT_SETTINGS,
  generatePlan,
  type InspectionFrequency,
  inQuietPeriod,
  inspectionCapacity,
  inspectionsFromCapacity,
  type RiskTier,
} from '../../../core/supervision/index.js';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import type { InspectionPlansTable, PlanVisitsTable } from '../../platform/db/schema.js';
import { AppError, badRequest, notFound, staleVersion } from '../../platform/errors.js';
import type { RequestCtx } from '../../platform/http/context.js';
import { departmentCondition, ownDepartment, requireRegulator } from './access.js';
import { type PlanSettings, readPlanSettings } from './settings.js';
import { enterpriseTiers } from './tiers.js';

export type PlanRow = Selectable<InspectionPlansTable>;
export type VisitRow = Selectable<PlanVisitsTable>;

/** Legal workdays of a year: Monday–Friday, minus public holidays, plus working weekends (调休). */
export function legalWorkdays(year: number, s: Pick<PlanSettings, 'holidays' | 'workingWeekends'>): number {
  return datesOfYear(year).filter((d) => isWorkday(d, s)).length;
}

function isWorkday(d: string, s: Pick<PlanSettings, 'holidays' | 'workingWeekends'>): boolean {
  if (s.holidays.includes(d)) return false;
  const w = dayOfWeek(d);
  return (w !== 0 && w !== 6) || s.workingWeekends.includes(d);
}

export function frequencyOf(s: PlanSettings): Record<RiskTier, InspectionFrequency> {
  const f = DEFAULT_CREDIT_SETTINGS.frequency;
  return {
    high: { perYear: s.frequency.high, commitmentRequired: f.high.commitmentRequired },
    general: { perYear: s.frequency.general, commitmentRequired: f.general.commitmentRequired },
    low: { perYear: s.frequency.low, commitmentRequired: f.low.commitmentRequired },
  };
}

/**
 * A date a routine visit may be planned on: inside the plan's year, a workday, outside the quiet period.
 * Answers 400 naming the rule.
 */
export function checkVisitDate(date: string, year: number, s: PlanSettings, path = 'date'): void {
  if (Number(date.slice(0, 4)) !== year) {
    throw badRequest(`The date must fall in ${year}`, [{ path, message: 'plan.date_outside_year' }]);
  }
  if (!isWorkday(date, s)) {
    throw badRequest(`${date} is not a workday`, [{ path, message: 'plan.date_not_workday' }]);
  }
  if (inQuietPeriod(Number(date.slice(8, 10)), s.quietPeriod)) {
    const q = s.quietPeriod;
    throw badRequest(`${date} is in the quiet period (days ${q?.fromDay}–${q?.toDay} of each month)`, [
      { path, message: 'plan.date_quiet_period' },
    ]);
  }
}

export interface GenerateInput {
  departmentId?: string | undefined;
  year: number;
  inspectors: number;
  otherEnforcementDays: number;
  nonEnforcementDays: number;
  legalWorkdays?: number | undefined;
}

/** Generates a department's yearly plan (draft) within its capacity; one plan per department and year. */
export async function createPlan(tx: Tx, ctx: RequestCtx, input: GenerateInput): Promise<string> {
  requirePermission(ctx.actor, 'plan.manage');
  requireRegulator(ctx.actor);
  const own = ownDepartment(ctx.actor);
  const departmentId = input.departmentId ?? own;
  if (!departmentId) {
    throw badRequest('Choose the department the plan is for', [{ path: 'departmentId', message: 'required' }]);
  }
  if (own !== null && departmentId !== own) throw notFound('department');
  const dept = await tx.selectFrom('departments').select('id').where('id', '=', departmentId).executeTakeFirst();
  if (!dept) throw notFound('department');
  const existing = await tx
    .selectFrom('inspection_plans')
    .select('id')
    .where('department_id', '=', departmentId)
    .where('year', '=', input.year)
    .executeTakeFirst();
  if (existing) {
    throw new AppError(409, 'DUPLICATE', `This department already has a plan for ${input.year}`, undefined, {
      planId: existing.id,
    });
  }

  const s = await readPlanSettings(tx);
  const workdays = input.legalWorkdays ?? legalWorkdays(input.year, s);
  const capacityDays = inspectionCapacity({
    legalWorkdays: workdays,
    inspectors: input.inspectors,
    otherEnforcementDays: input.otherEnforcementDays,
    nonEnforcementDays: input.nonEnforcementDays,
  });
  const capacity = inspectionsFromCapacity(capacityDays, s.inspectorDaysPerInspection);

  const ents = await tx
    .selectFrom('enterprises')
    .select(['id'])
    .where(sql<boolean>`department_ids @> array[${departmentId}::uuid]`)
    .where('status', '=', 'operating')
    .orderBy('code')
    .execute();
  const tiers = await enterpriseTiers(
    tx,
    ents.map((e) => e.id),
    ctx.now,
  );
  const sources: Record<string, number> = {};
  const planEnterprises = ents.map((e) => {
    const t = tiers.get(e.id) ?? { tier: 'general' as const, source: 'derived' as const };
    sources[t.source] = (sources[t.source] ?? 0) + 1;
    return { id: e.id, tier: t.tier, departmentId };
  });
  const generated = generatePlan({
    year: input.year,
    enterprises: planEnterprises,
    capacity,
    quietPeriod: s.quietPeriod,
    holidays: s.holidays,
    workingWeekends: s.workingWeekends,
    frequency: frequencyOf(s),
  });

  const plan = await tx
    .insertInto('inspection_plans')
    .values({
      department_id: departmentId,
      year: input.year,
      legal_workdays: workdays,
      inspectors: input.inspectors,
      other_enforcement_days: input.otherEnforcementDays,
      non_enforcement_days: input.nonEnforcementDays,
      inspector_days_per_inspection: s.inspectorDaysPerInspection,
      capacity_days: capacityDays,
      capacity,
      uncovered: JSON.stringify(generated.uncovered),
      tier_sources: JSON.stringify(sources),
      created_by_id: ctx.actor.userId,
      created_by_name: ctx.actor.displayName,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  const rows = generated.items.flatMap((item) =>
    item.dates.map((date) => ({
      plan_id: plan.id,
      enterprise_id: item.enterpriseId,
      department_id: departmentId,
      tier: item.tier,
      planned_date: date,
      created_at: ctx.now,
      updated_at: ctx.now,
    })),
  );
  for (let i = 0; i < rows.length; i += 1000) {
    await tx
      .insertInto('plan_visits')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  await audit(tx, ctx, {
    action: 'plan.generated',
    entityType: 'inspection_plan',
    entityId: plan.id,
    after: {
      departmentId,
      year: input.year,
      legalWorkdays: workdays,
      inspectors: input.inspectors,
      otherEnforcementDays: input.otherEnforcementDays,
      nonEnforcementDays: input.nonEnforcementDays,
      capacityDays,
      capacity,
      planned: generated.plannedTotal,
      enterprises: generated.items.length,
      uncovered: generated.uncovered.length,
      tierSources: sources,
    },
  });
  return plan.id;
}

/** A plan the actor may see, or 404. */
export async function findPlan(db: Executor, ctx: RequestCtx, id: string, lock = false): Promise<PlanRow> {
  requirePermission(ctx.actor, 'supervision.read');
  requireRegulator(ctx.actor);
  if (!isUuid(id)) throw notFound('plan');
  let q = db
    .selectFrom('inspection_plans')
    .selectAll()
    .where('id', '=', id)
    .where(departmentCondition(ctx.actor, 'inspection_plans.department_id'));
  if (lock) q = q.forUpdate();
  const plan = await q.executeTakeFirst();
  if (!plan) throw notFound('plan');
  return plan;
}

/**
 * After an edit: the plan's version moves on, and an approved plan goes back to draft (the county approves the
 * changed plan again); the reopening is audited.
 */
export async function touchPlan(tx: Tx, ctx: RequestCtx, planId: string, reason: string): Promise<void> {
  const plan = await tx
    .selectFrom('inspection_plans')
    .select(['id', 'status', 'version'])
    .where('id', '=', planId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  await tx
    .updateTable('inspection_plans')
    .set({
      status: 'draft',
      approved_at: null,
      approved_by_id: null,
      approved_by_name: null,
      updated_at: ctx.now,
      version: plan.version + 1,
    })
    .where('id', '=', planId)
    .execute();
  if (plan.status === 'approved') {
    await audit(tx, ctx, {
      action: 'plan.reopened',
      entityType: 'inspection_plan',
      entityId: planId,
      before: { status: 'approved' },
      after: { status: 'draft', reason },
    });
  }
}

async function activeCount(tx: Executor, planId: string): Promise<number> {
  const r = await tx
    .selectFrom('plan_visits')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('plan_id', '=', planId)
    .where('status', '<>', 'cancelled')
    .executeTakeFirstOrThrow();
  return r.n;
}

/** Adds a visit to an enterprise the plan's department supervises, within capacity. */
export async function addVisit(
  tx: Tx,
  ctx: RequestCtx,
  planId: string,
  input: { enterpriseId: string; date: string },
): Promise<VisitRow> {
  requirePermission(ctx.actor, 'plan.manage');
  const plan = await findPlan(tx, ctx, planId, true);
  const ent = await tx
    .selectFrom('enterprises')
    .select(['id'])
    .where('id', '=', input.enterpriseId)
    .where(enterpriseScope(ctx.actor))
    .where(sql<boolean>`department_ids @> array[${plan.department_id}::uuid]`)
    .executeTakeFirst();
  if (!ent) throw notFound('enterprise');
  const s = await readPlanSettings(tx);
  checkVisitDate(input.date, plan.year, s);
  const used = await activeCount(tx, plan.id);
  if (used >= plan.capacity) {
    throw new AppError(
      409,
      'CONFLICT',
      `The plan is at its capacity (${plan.capacity} inspections); move or remove a visit first`,
      undefined,
      { rule: 'capacity', capacity: plan.capacity, planned: used },
    );
  }
  const tier = (await enterpriseTiers(tx, [ent.id], ctx.now)).get(ent.id)?.tier ?? 'general';
  const row = await tx
    .insertInto('plan_visits')
    .values({
      plan_id: plan.id,
      enterprise_id: ent.id,
      department_id: plan.department_id,
      tier,
      planned_date: input.date,
      source: 'added',
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await touchPlan(tx, ctx, plan.id, 'visit added');
  await audit(tx, ctx, { action: 'plan.visit_added', entityType: 'plan_visit', entityId: row.id, after: row });
  return row;
}

/** A visit of a plan the actor may see, locked, or 404. */
async function findVisit(tx: Tx, ctx: RequestCtx, id: string) {
  if (!isUuid(id)) throw notFound('visit');
  requireRegulator(ctx.actor);
  const v = await tx
    .selectFrom('plan_visits')
    .innerJoin('inspection_plans', 'inspection_plans.id', 'plan_visits.plan_id')
    .selectAll('plan_visits')
    .select(['inspection_plans.year'])
    .where('plan_visits.id', '=', id)
    .where(departmentCondition(ctx.actor, 'inspection_plans.department_id'))
    .forUpdate()
    .executeTakeFirst();
  if (!v) throw notFound('visit');
  return v;
}

export interface VisitUpdate {
  version: number;
  date?: string | undefined;
  status?: 'planned' | 'done' | undefined;
  doneOn?: string | undefined;
}

/**
 * Moves a visit or marks it done (or not done). A joint visit moves and completes as one: every department's
 * visit of it changes together, and each plan concerned is touched.
 */
export async function updateVisit(tx: Tx, ctx: RequestCtx, id: string, input: VisitUpdate): Promise<VisitRow> {
  requirePermission(ctx.actor, 'plan.manage');
  const v = await findVisit(tx, ctx, id);
  if (v.version !== input.version) throw staleVersion(v.version);
  if (v.status === 'cancelled') throw new AppError(409, 'ILLEGAL_ACTION', 'A removed visit cannot be changed');
  const members = v.joint_visit_id
    ? await tx
        .selectFrom('plan_visits')
        .selectAll()
        .where('joint_visit_id', '=', v.joint_visit_id)
        .where('status', '<>', 'cancelled')
        .forUpdate()
        .execute()
    : [v];
  const set: { planned_date?: string; status?: string; done_on?: string | null; inspection_id?: null } = {};
  const today = localDate(ctx.now);
  if (input.date !== undefined && input.date !== v.planned_date) {
    if (v.status === 'done') throw new AppError(409, 'ILLEGAL_ACTION', 'A visit already done cannot be moved');
    checkVisitDate(input.date, v.year, await readPlanSettings(tx));
    set.planned_date = input.date;
  }
  if (input.status === 'done') {
    const doneOn = input.doneOn ?? today;
    if (doneOn > today)
      throw badRequest('A visit cannot be done in the future', [{ path: 'doneOn', message: 'date.future' }]);
    set.status = 'done';
    set.done_on = doneOn;
  } else if (input.status === 'planned') {
    // Undoing progress also drops the link to the inspection that did it (the inspection itself stays).
    set.status = 'planned';
    set.done_on = null;
    set.inspection_id = null;
  }
  if (Object.keys(set).length === 0) return v;
  const ids = members.map((m) => m.id);
  await tx
    .updateTable('plan_visits')
    .set({ ...set, updated_at: ctx.now, version: sql`version + 1` })
    .where('id', 'in', ids)
    .execute();
  if (v.joint_visit_id && set.planned_date) {
    await tx
      .updateTable('joint_visits')
      .set({ planned_date: set.planned_date })
      .where('id', '=', v.joint_visit_id)
      .execute();
  }
  // Moving changes the plan (re-approval); recording progress does not.
  if (set.planned_date) {
    for (const planId of new Set(members.map((m) => m.plan_id))) await touchPlan(tx, ctx, planId, 'visit moved');
  }
  await audit(tx, ctx, {
    action: set.planned_date ? 'plan.visit_moved' : 'plan.visit_progress',
    entityType: 'plan_visit',
    entityId: v.id,
    before: {
      plannedDate: v.planned_date,
      status: v.status,
      doneOn: v.done_on,
      jointVisitId: v.joint_visit_id,
      inspectionId: v.inspection_id,
    },
    after: { ...set, visits: ids },
  });
  return tx.selectFrom('plan_visits').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
}

/** Removes a visit from the plan (kept as cancelled with the reason). A joint visit loses this department. */
export async function cancelVisit(
  tx: Tx,
  ctx: RequestCtx,
  id: string,
  input: { version: number; reason: string },
): Promise<VisitRow> {
  requirePermission(ctx.actor, 'plan.manage');
  const v = await findVisit(tx, ctx, id);
  if (v.version !== input.version) throw staleVersion(v.version);
  if (v.status !== 'planned') {
    throw new AppError(409, 'ILLEGAL_ACTION', `A visit that is ${v.status} cannot be removed`);
  }
  await tx
    .updateTable('plan_visits')
    .set({ status: 'cancelled', cancel_reason: input.reason, updated_at: ctx.now, version: v.version + 1 })
    .where('id', '=', v.id)
    .execute();
  if (v.joint_visit_id) {
    const rest = await tx
      .selectFrom('plan_visits')
      .select(['id', 'department_id'])
      .where('joint_visit_id', '=', v.joint_visit_id)
      .where('status', '<>', 'cancelled')
      .execute();
    await tx
      .updateTable('joint_visits')
      .set({ department_ids: rest.map((r) => r.department_id) })
      .where('id', '=', v.joint_visit_id)
      .execute();
    // One department left: the visit is no longer joint.
    if (rest.length < 2 && rest.length > 0) {
      await tx
        .updateTable('plan_visits')
        .set({ joint_visit_id: null, updated_at: ctx.now, version: sql`version + 1` })
        .where(
          'id',
          'in',
          rest.map((r) => r.id),
        )
        .execute();
    }
  }
  await touchPlan(tx, ctx, v.plan_id, 'visit removed');
  await audit(tx, ctx, {
    action: 'plan.visit_removed',
    entityType: 'plan_visit',
    entityId: v.id,
    before: { status: v.status, plannedDate: v.planned_date, jointVisitId: v.joint_visit_id },
    after: { status: 'cancelled', reason: input.reason },
  });
  return tx.selectFrom('plan_visits').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
}

/** County approval of a draft plan (plan.approve). */
export async function approvePlan(tx: Tx, ctx: RequestCtx, id: string, version: number): Promise<PlanRow> {
  requirePermission(ctx.actor, 'plan.approve');
  const plan = await findPlan(tx, ctx, id, true);
  if (plan.version !== version) throw staleVersion(plan.version);
  if (plan.status !== 'draft') throw new AppError(409, 'ILLEGAL_ACTION', 'The plan is already approved');
  const planned = await activeCount(tx, plan.id);
  if (planned > plan.capacity) {
    throw new AppError(409, 'CONFLICT', `The plan exceeds its capacity (${planned} > ${plan.capacity})`, undefined, {
      rule: 'capacity',
    });
  }
  const row = await tx
    .updateTable('inspection_plans')
    .set({
      status: 'approved',
      approved_at: ctx.now,
      approved_by_id: ctx.actor.userId,
      approved_by_name: ctx.actor.displayName,
      updated_at: ctx.now,
      version: plan.version + 1,
    })
    .where('id', '=', plan.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, {
    action: 'plan.approved',
    entityType: 'inspection_plan',
    entityId: plan.id,
    before: { status: 'draft' },
    after: { status: 'approved', planned },
  });
  return row;
}
