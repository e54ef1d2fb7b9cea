import { sql } from 'kysely';
import { addDays } from '../../../core/dates.js';
import { proposeJointInspections } from '../../../core/supervision/index.js';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { AppError, badRequest, notFound } from '../../platform/errors.js';
import type { RequestCtx } from '../../platform/http/context.js';
import type { Platform } from '../../platform/platform.js';
import { ownDepartment, requireRegulator } from './access.js';
import { checkVisitDate, touchPlan } from './plans.service.js';
import { readPlanSettings } from './settings.js';

/** A proposal is named by the sorted ids of the visits it groups: the same grouping is decided once. */
export const proposalKey = (visitIds: readonly string[]) => [...visitIds].sort().join(',');

interface OpenVisit {
  id: string;
  enterprise_id: string;
  department_id: string;
  planned_date: string;
}

async function openVisits(db: Executor, year: number, enterpriseIds?: string[]): Promise<OpenVisit[]> {
  let q = db
    .selectFrom('plan_visits')
    .innerJoin('inspection_plans', 'inspection_plans.id', 'plan_visits.plan_id')
    .select(['plan_visits.id', 'plan_visits.enterprise_id', 'plan_visits.department_id', 'plan_visits.planned_date'])
    .where('inspection_plans.year', '=', year)
    .where('plan_visits.status', '=', 'planned')
    .where('plan_visits.joint_visit_id', 'is', null);
  if (enterpriseIds) q = q.where('plan_visits.enterprise_id', 'in', enterpriseIds);
  return q.orderBy('plan_visits.planned_date').orderBy('plan_visits.id').execute();
}

/**
 * Proposals of a year: planned visits of different departments to one enterprise within the county's window
 * (core `proposeJointInspections`), minus groupings already accepted or declined. A department sees the
 * proposals it takes part in; the county sees all. Decisions of the year are listed too.
 */
export async function listProposals(db: Executor, ctx: RequestCtx, year: number) {
  requirePermission(ctx.actor, 'supervision.read');
  requireRegulator(ctx.actor);
  const s = await readPlanSettings(db);
  const own = ownDepartment(ctx.actor);
  const visits = await openVisits(db, year);
  const proposals = groupProposals(visits, s.jointWindowDays);
  const decided = new Set(
    (
      await db
        .selectFrom('joint_decisions')
        .select('proposal_key')
        .where('proposal_key', 'in', proposals.length ? proposals.map((p) => p.key) : [''])
        .execute()
    ).map((d) => d.proposal_key),
  );
  const open = proposals.filter((p) => !decided.has(p.key) && (own === null || p.departmentIds.includes(own)));

  const decisions = await db
    .selectFrom('joint_decisions')
    .innerJoin('enterprises', 'enterprises.id', 'joint_decisions.enterprise_id')
    .selectAll('joint_decisions')
    .select(['enterprises.name as enterprise_name'])
    .where(sql<boolean>`extract(year from joint_decisions.proposed_date) = ${year}`)
    .where(own === null ? sql<boolean>`true` : sql<boolean>`${own}::uuid = any(joint_decisions.department_ids)`)
    .orderBy('joint_decisions.decided_at', 'desc')
    .limit(200)
    .execute();

  const entIds = [...new Set(open.map((p) => p.enterpriseId))];
  const ents = entIds.length
    ? await db.selectFrom('enterprises').select(['id', 'name', 'code']).where('id', 'in', entIds).execute()
    : [];
  const entName = new Map(ents.map((e) => [e.id, e]));
  const depts = await db.selectFrom('departments').select(['id', 'name_zh', 'name_en']).execute();
  const deptName = new Map(depts.map((d) => [d.id, d]));
  const dept = (id: string) => ({ id, name: deptName.get(id)?.name_zh ?? '', nameEn: deptName.get(id)?.name_en ?? '' });
  const sides = await sidesOf(db, [...open.map((p) => p.key), ...decisions.map((d) => d.proposal_key)]);
  const sidesView = (key: string) =>
    (sides.get(key) ?? []).map((a) => ({
      department: dept(a.department_id),
      date: a.agreed_date,
      onBehalf: a.on_behalf,
      acceptedByName: a.accepted_by_name,
      acceptedAt: a.accepted_at,
    }));
  return {
    year,
    windowDays: s.jointWindowDays,
    items: open.map((p) => ({
      key: p.key,
      enterpriseId: p.enterpriseId,
      enterpriseName: entName.get(p.enterpriseId)?.name ?? '',
      enterpriseCode: entName.get(p.enterpriseId)?.code ?? '',
      proposedDate: p.proposedDate,
      departments: p.departmentIds.map(dept),
      visits: p.visits.map((v) => ({ ...v, department: dept(v.departmentId) })),
      /** The departments that accepted so far, with the date they agreed to; the rest are awaited. */
      accepted: sidesView(p.key),
      agreedDate: sides.get(p.key)?.[0]?.agreed_date ?? null,
      waitingFor: p.departmentIds.filter((d) => !(sides.get(p.key) ?? []).some((a) => a.department_id === d)).map(dept),
    })),
    decisions: decisions.map((d) => ({
      key: d.proposal_key,
      enterpriseId: d.enterprise_id,
      enterpriseName: d.enterprise_name,
      status: d.status,
      proposedDate: d.proposed_date,
      departments: d.department_ids.map(dept),
      jointVisitId: d.joint_visit_id,
      accepted: sidesView(d.proposal_key),
      reason: d.reason,
      decidedByName: d.decided_by_name,
      decidedAt: d.decided_at,
    })),
  };
}

interface Proposal {
  key: string;
  enterpriseId: string;
  departmentIds: string[];
  proposedDate: string;
  visits: { id: string; departmentId: string; date: string }[];
}

/** Runs the core grouping and maps each grouped (department, date) back to a visit id. */
function groupProposals(visits: OpenVisit[], windowDays: number): Proposal[] {
  const byPair = new Map<string, { enterpriseId: string; departmentId: string; dates: string[] }>();
  const idsAt = new Map<string, string[]>();
  for (const v of visits) {
    const pair = `${v.enterprise_id}|${v.department_id}`;
    const entry = byPair.get(pair) ?? { enterpriseId: v.enterprise_id, departmentId: v.department_id, dates: [] };
    entry.dates.push(v.planned_date);
    byPair.set(pair, entry);
    const at = `${pair}|${v.planned_date}`;
    idsAt.set(at, [...(idsAt.get(at) ?? []), v.id]);
  }
  const out: Proposal[] = [];
  for (const p of proposeJointInspections([...byPair.values()], windowDays)) {
    const taken: { id: string; departmentId: string; date: string }[] = [];
    for (const v of p.visits) {
      const ids = idsAt.get(`${p.enterpriseId}|${v.departmentId}|${v.date}`);
      const id = ids?.shift();
      if (id) taken.push({ id, departmentId: v.departmentId, date: v.date });
    }
    if (taken.length < 2) continue;
    out.push({
      key: proposalKey(taken.map((t) => t.id)),
      enterpriseId: p.enterpriseId,
      departmentIds: p.departmentIds,
      proposedDate: p.proposedDate,
      visits: taken,
    });
  }
  return out;
}

/** Locks and checks a grouping of visits: open, one enterprise, different departments, within the window. */
async function lockGrouping(tx: Tx, ctx: RequestCtx, visitIds: string[]) {
  requirePermission(ctx.actor, 'plan.manage');
  requireRegulator(ctx.actor);
  const rows = await tx
    .selectFrom('plan_visits')
    .innerJoin('inspection_plans', 'inspection_plans.id', 'plan_visits.plan_id')
    .selectAll('plan_visits')
    .select('inspection_plans.year')
    .where('plan_visits.id', 'in', visitIds)
    .orderBy('plan_visits.planned_date')
    .forUpdate()
    .execute();
  const own = ownDepartment(ctx.actor);
  // A visit that does not exist, or a grouping the actor's department has no part in: 404 alike.
  if (rows.length !== visitIds.length || (own !== null && !rows.some((r) => r.department_id === own))) {
    throw notFound('visit');
  }
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) throw notFound('visit');
  const s = await readPlanSettings(tx);
  const fail = (message: string, code: string) => {
    throw new AppError(409, 'CONFLICT', message, [{ path: 'visitIds', message: code }]);
  };
  if (rows.some((r) => r.enterprise_id !== first.enterprise_id))
    fail('The visits are to different enterprises', 'joint.enterprises');
  if (new Set(rows.map((r) => r.department_id)).size !== rows.length)
    fail('A joint visit takes one visit per department', 'joint.same_department');
  if (rows.some((r) => r.status !== 'planned' || r.joint_visit_id !== null))
    fail('Only planned visits that are not already joint can be merged', 'joint.not_open');
  if (rows.some((r) => r.year !== first.year)) fail('The visits belong to plans of different years', 'joint.years');
  if (last.planned_date > addDays(first.planned_date, s.jointWindowDays))
    fail(`The visits are more than ${s.jointWindowDays} days apart`, 'joint.window');
  const key = proposalKey(visitIds);
  const decided = await tx
    .selectFrom('joint_decisions')
    .select('status')
    .where('proposal_key', '=', key)
    .executeTakeFirst();
  if (decided) throw new AppError(409, 'DUPLICATE', `This proposal was already ${decided.status}`);
  const dates = rows.map((r) => r.planned_date);
  const proposedDate = dates[Math.floor((dates.length - 1) / 2)] ?? first.planned_date;
  return { rows, key, proposedDate, settings: s, enterpriseId: first.enterprise_id, year: first.year };
}

/** The departments' recorded sides of proposals, by proposal key. */
async function sidesOf(db: Executor, keys: string[]) {
  const rows = keys.length
    ? await db
        .selectFrom('joint_acceptances')
        .selectAll()
        .where('proposal_key', 'in', keys)
        .orderBy('accepted_at')
        .orderBy('department_id')
        .execute()
    : [];
  const out = new Map<string, typeof rows>();
  for (const r of rows) out.set(r.proposal_key, [...(out.get(r.proposal_key) ?? []), r]);
  return out;
}

/**
 * Accepts a proposal for a side. A department officer accepts for their own department only, with the date it
 * agrees to (the proposed date unless given); once another department has accepted, the date is the one agreed
 * and a different date is refused (409 naming it: decline instead). The county office, which coordinates the
 * departments, accepts for every department that has not yet (recorded `onBehalf`). Every side is recorded and
 * audited. When every department of the grouping has accepted, the visits merge: one joint visit carrying every
 * department, each department's visit moved to the agreed date and linked to it (both plans change: an approved
 * plan goes back to draft), the departments told after commit. Until then the answer is `pending`, with whom it
 * waits for, and the departments still to accept are told.
 */
export async function acceptProposal(
  p: Platform,
  ctx: RequestCtx,
  input: { visitIds: string[]; date?: string | undefined },
) {
  const { result, stored } = await p.transaction(async (tx) => {
    const g = await lockGrouping(tx, ctx, input.visitIds);
    const departmentIds = g.rows.map((r) => r.department_id).sort();
    const before = (await sidesOf(tx, [g.key])).get(g.key) ?? [];
    const own = ownDepartment(ctx.actor);
    if (own !== null && before.some((a) => a.department_id === own)) {
      throw new AppError(409, 'DUPLICATE', 'Your department has already accepted this proposal');
    }
    const agreed = before[0]?.agreed_date ?? null;
    const date = input.date ?? agreed ?? g.proposedDate;
    if (agreed !== null && date !== agreed) {
      throw new AppError(
        409,
        'CONFLICT',
        `The other departments accepted the joint inspection on ${agreed}: accept that date, or decline`,
        [{ path: 'date', message: 'joint.date_differs' }],
        { agreedDate: agreed },
      );
    }
    checkVisitDate(date, g.year, g.settings);
    const sides = own === null ? departmentIds.filter((d) => !before.some((a) => a.department_id === d)) : [own];
    await tx
      .insertInto('joint_acceptances')
      .values(
        sides.map((d) => ({
          proposal_key: g.key,
          department_id: d,
          visit_id: g.rows.find((r) => r.department_id === d)?.id ?? '',
          agreed_date: date,
          on_behalf: own === null,
          accepted_by_id: ctx.actor.userId,
          accepted_by_name: ctx.actor.displayName,
          accepted_at: ctx.now,
        })),
      )
      .execute();
    await audit(tx, ctx, {
      action: 'plan.joint_side_accepted',
      entityType: 'joint_proposal',
      entityId: null,
      after: { key: g.key, enterpriseId: g.enterpriseId, date, departmentIds: sides, onBehalf: own === null },
    });
    const accepted = new Set([...before.map((a) => a.department_id), ...sides]);
    const waitingFor = departmentIds.filter((d) => !accepted.has(d));
    const ent = await tx.selectFrom('enterprises').select('name').where('id', '=', g.enterpriseId).executeTakeFirst();
    const officersOf = async (depts: string[]) =>
      depts.length
        ? (
            await tx
              .selectFrom('users')
              .select('id')
              .where('role', '=', 'dept_officer')
              .where('department_id', 'in', depts)
              .where('disabled_at', 'is', null)
              .where('id', '<>', ctx.actor.userId)
              .execute()
          ).map((u) => u.id)
        : [];

    if (waitingFor.length > 0) {
      const stored = await p.notifier.store(
        tx,
        {
          userIds: await officersOf(waitingFor),
          kind: 'plan.joint_pending',
          title: {
            zh: `联合检查待确认：${ent?.name ?? ''}（${date}）`,
            en: `Joint inspection to confirm: ${ent?.name ?? ''} (${date})`,
          },
          body: {
            zh: `${ctx.actor.displayName} 已接受联合检查建议，待贵部门确认后合并为一次检查。`,
            en: `${ctx.actor.displayName} accepted the joint-inspection proposal; it merges once your department accepts.`,
          },
          link: '/supervision/plans/joint',
          dedupeKey: `joint-pending:${g.key}:${[...accepted].sort().join(',')}`,
        },
        ctx.now,
      );
      return {
        result: { status: 'pending' as const, date, departmentIds, accepted: [...accepted].sort(), waitingFor },
        stored,
      };
    }

    const joint = await tx
      .insertInto('joint_visits')
      .values({
        enterprise_id: g.enterpriseId,
        planned_date: date,
        department_ids: departmentIds,
        created_by_id: ctx.actor.userId,
        created_by_name: ctx.actor.displayName,
        created_at: ctx.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('plan_visits')
      .set({ planned_date: date, joint_visit_id: joint.id, updated_at: ctx.now, version: sql`version + 1` })
      .where('id', 'in', input.visitIds)
      .execute();
    for (const planId of new Set(g.rows.map((r) => r.plan_id))) await touchPlan(tx, ctx, planId, 'joint visit');
    await tx
      .insertInto('joint_decisions')
      .values({
        proposal_key: g.key,
        enterprise_id: g.enterpriseId,
        status: 'accepted',
        visit_ids: g.rows.map((r) => r.id),
        department_ids: departmentIds,
        proposed_date: g.proposedDate,
        joint_visit_id: joint.id,
        decided_by_id: ctx.actor.userId,
        decided_by_name: ctx.actor.displayName,
        decided_at: ctx.now,
      })
      .execute();
    await audit(tx, ctx, {
      action: 'plan.joint_accepted',
      entityType: 'joint_visit',
      entityId: joint.id,
      before: g.rows.map((r) => ({ visitId: r.id, departmentId: r.department_id, plannedDate: r.planned_date })),
      after: { enterpriseId: g.enterpriseId, date, departmentIds, plans: [...new Set(g.rows.map((r) => r.plan_id))] },
    });
    const stored = await p.notifier.store(
      tx,
      {
        userIds: await officersOf(departmentIds.filter((d) => d !== ctx.actor.departmentId)),
        kind: 'plan.joint_accepted',
        title: {
          zh: `联合检查：${ent?.name ?? ''} 定于 ${date}`,
          en: `Joint inspection: ${ent?.name ?? ''} on ${date}`,
        },
        body: {
          zh: '各部门均已接受联合检查建议，计划中的检查已合并为一次。',
          en: "Every department accepted the joint-inspection proposal; each department's planned visit is merged into one.",
        },
        link: '/supervision/plans/joint',
        entityType: 'joint_visit',
        entityId: joint.id,
        dedupeKey: `joint:${joint.id}`,
      },
      ctx.now,
    );
    return {
      result: {
        status: 'accepted' as const,
        jointVisitId: joint.id,
        date,
        departmentIds,
        accepted: departmentIds,
        waitingFor: [] as string[],
        visitIds: g.rows.map((r) => r.id),
      },
      stored,
    };
  });
  p.notifier.deliver(stored);
  return result;
}

/** Declines a proposal with a reason: recorded, and not proposed again. */
export async function declineProposal(tx: Tx, ctx: RequestCtx, input: { visitIds: string[]; reason: string }) {
  const g = await lockGrouping(tx, ctx, input.visitIds);
  const departmentIds = [...new Set(g.rows.map((r) => r.department_id))].sort();
  await tx
    .insertInto('joint_decisions')
    .values({
      proposal_key: g.key,
      enterprise_id: g.enterpriseId,
      status: 'declined',
      visit_ids: g.rows.map((r) => r.id),
      department_ids: departmentIds,
      proposed_date: g.proposedDate,
      reason: input.reason,
      decided_by_id: ctx.actor.userId,
      decided_by_name: ctx.actor.displayName,
      decided_at: ctx.now,
    })
    .execute();
  await audit(tx, ctx, {
    action: 'plan.joint_declined',
    entityType: 'joint_decision',
    entityId: null,
    after: { key: g.key, enterpriseId: g.enterpriseId, departmentIds, reason: input.reason },
  });
  return { key: g.key, status: 'declined' as const };
}

export function validateVisitIds(ids: string[]): void {
  if (new Set(ids).size !== ids.length)
    throw badRequest('A visit is listed twice', [{ path: 'visitIds', message: 'duplicate' }]);
}
