/**
 * Demo data for the plans pages: the emergency bureau's (县应急局) plan of the current year, generated from its
 * capacity like any plan and approved by the county office, marked `is_demo`. Visits whose date has passed are
 * recorded as done on their date, so a newcomer sees month-by-month progress as well as what is still planned.
 */
import { localDate } from '../../../core/dates.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { Platform } from '../../platform/platform.js';
import { approvePlan, createPlan } from './plans.service.js';

export async function seedPlansDemo(p: Platform, county: Actor): Promise<{ plans: number; visits: number }> {
  const now = p.clock.now();
  const emergency = await p.db
    .selectFrom('departments')
    .select('id')
    .where('code', '=', 'emergency')
    .executeTakeFirst();
  if (!emergency) return { plans: 0, visits: 0 };
  const year = Number(localDate(now).slice(0, 4));
  const ctx = { actor: county, ip: '127.0.0.1', now };
  return p.transaction(async (tx) => {
    // Six enforcement officers; 40 days of other enforcement work and 60 of training, meetings and leave (150号).
    const planId = await createPlan(tx, ctx, {
      departmentId: emergency.id,
      year,
      inspectors: 6,
      otherEnforcementDays: 40,
      nonEnforcementDays: 60,
    });
    await tx.updateTable('inspection_plans').set({ is_demo: true }).where('id', '=', planId).execute();
    const { version } = await tx
      .selectFrom('inspection_plans')
      .select('version')
      .where('id', '=', planId)
      .executeTakeFirstOrThrow();
    await approvePlan(tx, ctx, planId, version);
    const today = localDate(now);
    await tx
      .updateTable('plan_visits')
      .set((eb) => ({ status: 'done', done_on: eb.ref('planned_date') }))
      .where('plan_id', '=', planId)
      .where('status', '=', 'planned')
      .where('planned_date', '<', today)
      .execute();
    const visits = await tx
      .selectFrom('plan_visits')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('plan_id', '=', planId)
      .executeTakeFirstOrThrow();
    return { plans: 1, visits: Number(visits.n) };
  });
}
