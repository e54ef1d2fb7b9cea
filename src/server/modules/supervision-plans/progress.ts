/**
 * Plan progress from the inspections module (issue #4 §2: "coverage and progress are tracked month by month").
 * A completed inspection is the visit a plan promised: for each department taking part, the department's plan of
 * that year marks one planned visit of the enterprise done, dated the day the inspection ended, and keeps the
 * inspection's id. Called by the inspections module inside the transaction that completes the inspection.
 */
import { sql } from 'kysely';
import { localDate } from '../../../core/dates.js';
import { audit } from '../../platform/audit/audit.js';
import type { Tx } from '../../platform/db/client.js';
import type { RequestCtx } from '../../platform/http/context.js';

export interface CompletedInspection {
  id: string;
  code: string;
  enterpriseId: string;
  departmentIds: readonly string[];
  endedAt: Date;
}

/**
 * Marks, per department of the inspection, the planned visit of the enterprise nearest the completion date
 * (the earlier one on a tie, so an overdue visit is caught up before a future one is taken) as done by it.
 * Visits already done or removed are left alone; a department without a plan for the year, or whose plan has
 * no open visit of the enterprise, counts nothing (the inspection was outside the plan). A township's own
 * inspection has no department and touches no plan. Returns the ids of the visits marked.
 */
export async function recordInspectionInPlans(tx: Tx, ctx: RequestCtx, i: CompletedInspection): Promise<string[]> {
  if (i.departmentIds.length === 0) return [];
  const doneOn = localDate(i.endedAt);
  const year = Number(doneOn.slice(0, 4));
  const open = await tx
    .selectFrom('plan_visits')
    .innerJoin('inspection_plans', 'inspection_plans.id', 'plan_visits.plan_id')
    .select([
      'plan_visits.id',
      'plan_visits.plan_id',
      'plan_visits.planned_date',
      'plan_visits.joint_visit_id',
      'plan_visits.version',
      'inspection_plans.department_id',
    ])
    .where('inspection_plans.year', '=', year)
    .where('inspection_plans.department_id', 'in', [...i.departmentIds])
    .where('plan_visits.enterprise_id', '=', i.enterpriseId)
    .where('plan_visits.status', '=', 'planned')
    .orderBy(sql`abs(plan_visits.planned_date - ${doneOn}::date)`)
    .orderBy('plan_visits.planned_date')
    .orderBy('plan_visits.id')
    .forUpdate(['plan_visits'])
    .execute();
  const chosen = new Map<string, (typeof open)[number]>();
  for (const v of open) if (!chosen.has(v.plan_id)) chosen.set(v.plan_id, v);
  const marked: string[] = [];
  for (const v of chosen.values()) {
    await tx
      .updateTable('plan_visits')
      .set({ status: 'done', done_on: doneOn, inspection_id: i.id, updated_at: ctx.now, version: v.version + 1 })
      .where('id', '=', v.id)
      .execute();
    await audit(tx, ctx, {
      action: 'plan.visit_done_by_inspection',
      entityType: 'plan_visit',
      entityId: v.id,
      before: { status: 'planned', plannedDate: v.planned_date },
      after: { status: 'done', doneOn, inspectionId: i.id, inspectionCode: i.code, departmentId: v.department_id },
    });
    marked.push(v.id);
  }
  return marked;
}
