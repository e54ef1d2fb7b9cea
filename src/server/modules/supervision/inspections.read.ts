import { sql } from 'kysely';
import { isUuid } from '../../../core/ids.js';
import { allowedInspectionActions, type InspectionStatus } from '../../../core/supervision/index.js';
import { type Actor, scopeKind } from '../../platform/authz/actor.js';
import { enterpriseScope, escapeLike } from '../../platform/authz/scope.js';
import type { Executor } from '../../platform/db/client.js';
import { notFound } from '../../platform/errors.js';
import type { InspectionRow } from './inspections.service.js';
import { checklistOf, INSPECTOR_ROLES } from './inspections.service.js';
import { inspectionVisibility, isOrganiser } from './shared.js';

/** Every read of inspections starts here: joined to the enterprise, scoped, hidden when unannounced. */
export function scopedInspections(db: Executor, actor: Actor) {
  return db
    .selectFrom('inspections')
    .innerJoin('enterprises', 'enterprises.id', 'inspections.enterprise_id')
    .where(enterpriseScope(actor))
    .where(inspectionVisibility(actor));
}

export async function canSeeInspection(db: Executor, actor: Actor, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const r = await scopedInspections(db, actor)
    .select('inspections.id')
    .where('inspections.id', '=', id)
    .executeTakeFirst();
  return Boolean(r);
}

async function namesOf(db: Executor, i: Pick<InspectionRow, 'department_ids' | 'inspector_ids'>[]) {
  const deptIds = [...new Set(i.flatMap((x) => x.department_ids))];
  const userIds = [...new Set(i.flatMap((x) => x.inspector_ids))];
  const [depts, users] = await Promise.all([
    deptIds.length ? db.selectFrom('departments').select(['id', 'name_zh']).where('id', 'in', deptIds).execute() : [],
    userIds.length ? db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', userIds).execute() : [],
  ]);
  return {
    dept: new Map(depts.map((d) => [d.id, d.name_zh])),
    user: new Map(users.map((u) => [u.id, u.display_name])),
  };
}

export function presentListItem(
  i: InspectionRow & { enterprise_name: string },
  names: Awaited<ReturnType<typeof namesOf>>,
) {
  return {
    id: i.id,
    code: i.code,
    enterpriseId: i.enterprise_id,
    enterpriseName: i.enterprise_name,
    kind: i.kind,
    exempt: i.exempt,
    status: i.status,
    plannedAt: i.planned_at,
    startedAt: i.started_at,
    endedAt: i.ended_at,
    unannounced: i.unannounced,
    departmentIds: i.department_ids,
    departmentNames: i.department_ids.map((d) => names.dept.get(d) ?? ''),
    townCode: i.town_code,
    inspectorIds: i.inspector_ids,
    inspectorNames: i.inspector_ids.map((u) => names.user.get(u) ?? ''),
    compliantCount: i.compliant_count,
    nonCompliantCount: i.non_compliant_count,
    notApplicableCount: i.not_applicable_count,
    version: i.version,
  };
}

export async function listItems(db: Executor, rows: (InspectionRow & { enterprise_name: string })[]) {
  const names = await namesOf(db, rows);
  return rows.map((r) => presentListItem(r, names));
}

export async function inspectionDetail(db: Executor, actor: Actor, id: string) {
  if (!isUuid(id)) return null;
  const i = await scopedInspections(db, actor)
    .selectAll('inspections')
    .select('enterprises.name as enterprise_name')
    .where('inspections.id', '=', id)
    .executeTakeFirst();
  if (!i) return null;
  const names = await namesOf(db, [i]);
  const { templates, answers } = await checklistOf(db, i);
  const hazardIds = answers.map((a) => a.hazard_id).filter((h): h is string => h !== null);
  const [quizzes, decisions, documents, visits] = await Promise.all([
    db.selectFrom('quiz_sessions').selectAll().where('inspection_id', '=', i.id).orderBy('created_at').execute(),
    db
      .selectFrom('enforcement_decisions')
      .selectAll()
      .where('inspection_id', '=', i.id)
      .orderBy('decided_at')
      .execute(),
    db.selectFrom('inspection_documents').selectAll().where('inspection_id', '=', i.id).orderBy('created_at').execute(),
    db.selectFrom('inspection_visits').selectAll().where('inspection_id', '=', i.id).orderBy('id').execute(),
  ]);
  const quizHazards = quizzes.map((q) => q.hazard_id).filter((h): h is string => h !== null);
  const allHazards = [...hazardIds, ...quizHazards];
  const hazards = allHazards.length
    ? await db
        .selectFrom('hazards')
        .select(['id', 'code', 'level', 'status', 'deadline'])
        .where('id', 'in', allHazards)
        .execute()
    : [];
  const hazardCode = new Map(hazards.map((h) => [h.id, h.code]));
  const checklist = i.checklist.flatMap((ref) => {
    const t = templates.find((x) => x.id === ref.templateId);
    if (!t) return [];
    return [
      {
        templateId: t.id,
        code: t.code,
        title: t.title,
        version: t.template_version,
        sector: t.sector,
        departmentId: ref.departmentId,
        departmentName: ref.departmentId ? (names.dept.get(ref.departmentId) ?? '') : null,
        items: t.items.map((it) => {
          const a = answers.find((x) => x.template_id === t.id && x.item_key === it.key);
          return {
            ...it,
            answer: a
              ? {
                  result: a.result,
                  note: a.note,
                  photoFileIds: a.photo_file_ids,
                  hazardId: a.hazard_id,
                  hazardCode: a.hazard_id ? (hazardCode.get(a.hazard_id) ?? null) : null,
                  answeredBy: a.answered_by_name,
                  answeredAt: a.answered_at,
                }
              : null,
          };
        }),
      },
    ];
  });
  const total = checklist.reduce((n, t) => n + t.items.length, 0);
  const enterpriseSide = scopeKind(actor) === 'enterprise';
  return {
    ...presentListItem(i, names),
    exemptionReason: i.exemption_reason,
    summary: i.summary,
    cancelReason: i.cancel_reason,
    signatures: i.signatures,
    createdByName: i.created_by_name,
    createdAt: i.created_at,
    allowedActions: allowedInspectionActions({
      status: i.status as InspectionStatus,
      plannedAt: i.planned_at.toISOString(),
      actorRole: actor.role,
      actorIsOrganiser: isOrganiser(actor, i),
    }).filter((a) => a !== 'issue_documents'),
    canConduct: !enterpriseSide && isOrganiser(actor, i),
    checklist,
    counts: {
      compliant: answers.filter((a) => a.result === 'compliant').length,
      notCompliant: answers.filter((a) => a.result === 'not_compliant').length,
      notApplicable: answers.filter((a) => a.result === 'not_applicable').length,
      unanswered: Math.max(0, total - answers.length),
    },
    quizzes: quizzes.map((q) => ({
      id: q.id,
      personName: q.person_name,
      personRole: q.person_role,
      status: q.status,
      score: q.score,
      passed: q.passed,
      passMark: q.pass_mark,
      questionCount: Array.isArray(q.questions) ? q.questions.length : 0,
      hazardId: q.hazard_id,
      createdAt: q.created_at,
      scoredAt: q.scored_at,
    })),
    decisions: decisions.map(presentDecision),
    documents: documents.map((d) => ({
      kind: d.kind,
      number: d.number,
      issuedAt: d.created_at,
      issuedBy: d.issued_by_name,
    })),
    visits: visits.map((v) => ({
      userId: v.user_id,
      name: v.user_name,
      arrivedAt: v.arrived_at,
      leftAt: v.left_at,
      minutes: v.minutes,
    })),
    hazards: hazards.map((h) => ({ id: h.id, code: h.code, level: h.level, status: h.status, deadline: h.deadline })),
  };
}

export function presentDecision(d: {
  id: string;
  number: string;
  inspection_id: string | null;
  enterprise_id: string;
  kind: string;
  fine_yuan: number | null;
  suspension_scope: string | null;
  suspension_until: string | null;
  legal_basis: string;
  facts: string;
  decided_by_name: string;
  decided_at: Date;
}) {
  return {
    id: d.id,
    number: d.number,
    inspectionId: d.inspection_id,
    enterpriseId: d.enterprise_id,
    kind: d.kind,
    fineYuan: d.fine_yuan === null ? null : Number(d.fine_yuan),
    suspensionScope: d.suspension_scope,
    suspensionUntil: d.suspension_until,
    legalBasis: d.legal_basis,
    facts: d.facts,
    decidedBy: d.decided_by_name,
    decidedAt: d.decided_at,
  };
}

/** Visits per enterprise in a local year, most visited first, with the total cap to compare. */
export async function visitFrequency(db: Executor, actor: Actor, year: number) {
  const rows = await db
    .selectFrom('inspections')
    .innerJoin('enterprises', 'enterprises.id', 'inspections.enterprise_id')
    .leftJoin('enterprise_credit', 'enterprise_credit.enterprise_id', 'enterprises.id')
    .where(enterpriseScope(actor))
    .where('inspections.started_at', 'is not', null)
    .where(sql<boolean>`extract(year from (inspections.started_at at time zone 'Asia/Shanghai'))::int = ${year}`)
    .groupBy(['enterprises.id', 'enterprises.name', 'enterprise_credit.tier'])
    .select([
      'enterprises.id',
      'enterprises.name',
      'enterprise_credit.tier',
      sql<number>`count(*)::int`.as('visits'),
      sql<number>`count(*) filter (where inspections.kind = 'routine')::int`.as('routine'),
      sql<number>`count(*) filter (where inspections.kind <> 'routine')::int`.as('exempt'),
      sql<number>`(select count(*) from inspection_visits v join inspections i2 on i2.id = v.inspection_id
                   where i2.enterprise_id = enterprises.id
                   and extract(year from (v.arrived_at at time zone 'Asia/Shanghai'))::int = ${year})::int`.as(
        'inspector_visits',
      ),
      sql<number>`(select coalesce(sum(v.minutes), 0) from inspection_visits v join inspections i2 on i2.id = v.inspection_id
                   where i2.enterprise_id = enterprises.id
                   and extract(year from (v.arrived_at at time zone 'Asia/Shanghai'))::int = ${year})::int`.as(
        'minutes',
      ),
    ])
    .orderBy('visits', 'desc')
    .limit(500)
    .execute();
  return rows;
}

/**
 * The officers a scheduler may name as inspectors, within the scheduler's own unit: the county office any
 * enforcement officer (department officers of the given departments when `departmentId` is sent); a department
 * its own officers; a township its own town officers. A department asking for another department's officers
 * gets 404, like a missing department. Active users only; names and units, nothing else about them.
 */
export async function inspectorCandidates(
  db: Executor,
  actor: Actor,
  f: { departmentId?: string[] | undefined; q?: string | undefined },
) {
  let q = db
    .selectFrom('users')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .select([
      'users.id',
      'users.display_name',
      'users.role',
      'users.department_id',
      'users.region_code',
      'departments.name_zh as department_name',
      'departments.name_en as department_name_en',
    ])
    .where('users.disabled_at', 'is', null)
    .where('users.role', 'in', [...INSPECTOR_ROLES]);
  switch (scopeKind(actor)) {
    case 'county':
      break;
    case 'department': {
      const own = actor.departmentId;
      if (!own || f.departmentId?.some((d) => d !== own)) throw notFound('department');
      q = q.where('users.role', '=', 'dept_officer').where('users.department_id', '=', own);
      break;
    }
    case 'region':
      if (actor.role !== 'town_officer' || !actor.regionCode) return [];
      q = q.where('users.role', '=', 'town_officer').where('users.region_code', '=', actor.regionCode);
      break;
    case 'enterprise':
      return [];
  }
  if (f.departmentId?.length) {
    q = q.where('users.role', '=', 'dept_officer').where('users.department_id', 'in', f.departmentId);
  }
  if (f.q) q = q.where('users.display_name', 'ilike', `%${escapeLike(f.q)}%`);
  const rows = await q.orderBy('users.display_name').orderBy('users.id').limit(200).execute();
  return rows.map((u) => ({
    id: u.id,
    displayName: u.display_name,
    role: u.role,
    departmentId: u.department_id,
    departmentName: u.department_name,
    departmentNameEn: u.department_name_en,
    regionCode: u.region_code,
  }));
}
