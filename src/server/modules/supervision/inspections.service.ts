/**
 * Inspections: scheduling under the rules of entry, the life cycle, checklist answers that make hazards, the
 * quiz, enforcement decisions. Each use case is one transaction with its event and audit rows.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import { addDays, localDate } from '../../../core/hazards/index.js';
import { isUuid } from '../../../core/ids.js';
import {
  checkEntry,
  checkInspectionTransition,
  drawQuestions,
  INSPECTION_ACTIONS,
  INSPECTION_KIND_LABELS,
  INSPECTION_KINDS,
  quizFailureHazard,
  scoreQuiz,
} from '../../../core/supervision/index.js';
import { audit } from '../../platform/audit/audit.js';
import { type Actor, requirePermission, scopeKind } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import type { ChecklistItemRow, InspectionSignature, InspectionsTable } from '../../platform/db/schema.js';
import { nextSequence } from '../../platform/db/sequences.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import type { FileService } from '../../platform/files/files.js';
import type { RequestCtx } from '../../platform/http/context.js';
import { createHazard } from '../hazards/index.js';
import { recordInspectionInPlans } from '../supervision-plans/index.js';
import { recomputeCredit } from './credit.js';
import { countsForYear, effectiveRules, unitKeys } from './entry.js';
import { loadSettings } from './settings.js';
import {
  type Effects,
  forbiddenAction,
  illegal,
  inspectionVisibility,
  invalid,
  isOrganiser,
  missing,
  notify,
  ruleError,
  scopedEnterprise,
  townshipOf,
} from './shared.js';

export type InspectionRow = Selectable<InspectionsTable>;

export interface Deps {
  files: FileService;
  fx: Effects;
}

const iso = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);

export const scheduleSchema = z.object({
  enterpriseId: z.uuid(),
  kind: z.enum(INSPECTION_KINDS),
  plannedAt: iso,
  departmentIds: z.array(z.uuid()).max(10),
  inspectorIds: z.array(z.uuid()).min(1).max(50),
  unannounced: z.boolean().default(false),
  exemptionReason: z.string().trim().max(2000).optional(),
  templateIds: z.array(z.uuid()).max(20).optional(),
});
export type ScheduleInput = z.infer<typeof scheduleSchema>;

/** The year of the local (Asia/Shanghai) date of an instant. */
const localYear = (d: Date) => Number(localDate(d).slice(0, 4));

/** Enforcement officers who may be sent in: department and township officers and the county office. */
export const INSPECTOR_ROLES = ['dept_officer', 'town_officer', 'county_admin'] as const;

async function addEvent(
  tx: Executor,
  e: {
    inspectionId: string;
    at: Date;
    actor: Actor;
    action: string;
    from?: string | null;
    to?: string | null;
    data?: Record<string, unknown>;
  },
) {
  await tx
    .insertInto('inspection_events')
    .values({
      inspection_id: e.inspectionId,
      at: e.at,
      actor_id: e.actor.userId,
      actor_name: e.actor.displayName,
      action: e.action,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

function auditView(i: InspectionRow) {
  return {
    code: i.code,
    enterpriseId: i.enterprise_id,
    kind: i.kind,
    exempt: i.exempt,
    exemptionReason: i.exemption_reason,
    plannedAt: i.planned_at,
    status: i.status,
    departmentIds: i.department_ids,
    inspectorIds: i.inspector_ids,
    unannounced: i.unannounced,
    version: i.version,
  };
}

/** The checklist of a new inspection: the given templates, or each department's for the enterprise's sectors. */
async function chooseTemplates(
  tx: Executor,
  enterpriseSectors: string[],
  departments: { id: string; sectors: string[] }[],
  templateIds: string[] | undefined,
) {
  if (templateIds?.length) {
    const rows = await tx
      .selectFrom('checklist_templates')
      .select(['id', 'sector'])
      .where('id', 'in', templateIds)
      .where('status', '=', 'active')
      .execute();
    const known = new Set(rows.map((r) => r.id));
    const bad = templateIds.findIndex((t) => !known.has(t));
    if (bad >= 0) throw invalid(`templateIds.${bad}`, 'Unknown or superseded checklist template');
    return templateIds.map((id) => {
      const sector = rows.find((r) => r.id === id)?.sector ?? '';
      const d = departments.find((x) => x.sectors.includes(sector));
      return { templateId: id, departmentId: d?.id ?? null };
    });
  }
  const active = await tx
    .selectFrom('checklist_templates')
    .select(['id', 'sector'])
    .where('status', '=', 'active')
    .where('sector', 'in', enterpriseSectors.length ? enterpriseSectors : ['__none__'])
    .orderBy('code')
    .execute();
  const out: { templateId: string; departmentId: string | null }[] = [];
  const seen = new Set<string>();
  if (departments.length === 0) {
    for (const t of active) out.push({ templateId: t.id, departmentId: null });
    return out;
  }
  // 执一次法、查多项事: each department brings the templates of its own sectors.
  for (const d of departments) {
    for (const t of active) {
      if (d.sectors.includes(t.sector) && !seen.has(t.id)) {
        seen.add(t.id);
        out.push({ templateId: t.id, departmentId: d.id });
      }
    }
  }
  return out;
}

function refuse(check: Exclude<ReturnType<typeof checkEntry>, { ok: true }>): never {
  if (check.code === 'EXEMPTION_REASON_REQUIRED') throw missing('exemptionReason', check.message.zh);
  throw ruleError(409, check.code, check.message, check.departmentId ? { departmentId: check.departmentId } : {});
}

export async function scheduleInspection(tx: Tx, ctx: RequestCtx, deps: Deps, input: ScheduleInput) {
  const { actor } = ctx;
  requirePermission(actor, 'inspection.schedule');
  // The enterprise row is locked so two schedulings at once cannot both take the last place under a cap.
  const e = await scopedEnterprise(tx, actor, input.enterpriseId, { lock: true });
  if (e.status === 'closed') throw invalid('enterpriseId', 'The enterprise is closed');
  const plannedAt = new Date(input.plannedAt);
  if (localDate(plannedAt) < localDate(ctx.now)) throw invalid('plannedAt', 'The planned time may not be in the past');

  const departmentIds = [...new Set(input.departmentIds)];
  const kind = scopeKind(actor);
  let townCode: string | null = null;
  if (kind === 'department' && (!actor.departmentId || !departmentIds.includes(actor.departmentId))) {
    throw invalid('departmentIds', 'A department schedules its own inspections: list your department');
  }
  if (actor.role === 'town_officer') townCode = actor.regionCode ?? townshipOf(e.region_path);
  if (departmentIds.length === 0 && !townCode) throw missing('departmentIds', 'Name the departments that inspect');
  const departments = departmentIds.length
    ? await tx.selectFrom('departments').select(['id', 'name_zh', 'sectors']).where('id', 'in', departmentIds).execute()
    : [];
  const unknownDept = departmentIds.findIndex((d) => !departments.some((x) => x.id === d));
  if (unknownDept >= 0) throw invalid(`departmentIds.${unknownDept}`, 'Unknown department');

  const inspectorIds = [...new Set(input.inspectorIds)];
  const inspectors = await tx
    .selectFrom('users')
    .select(['id', 'display_name', 'role', 'department_id', 'region_code'])
    .where('id', 'in', inspectorIds)
    .where('disabled_at', 'is', null)
    .execute();
  inspectorIds.forEach((id, n) => {
    const u = inspectors.find((x) => x.id === id);
    const fits =
      u &&
      (INSPECTOR_ROLES as readonly string[]).includes(u.role) &&
      (u.role !== 'dept_officer' || (u.department_id !== null && departmentIds.includes(u.department_id)));
    if (!fits) {
      throw invalid(
        `inspectorIds.${n}`,
        'An inspector is an active enforcement officer of a participating department, a township or the county office',
      );
    }
  });

  const { settings } = await loadSettings(tx);
  const { rules } = await effectiveRules(tx, e.id, settings, ctx.now);
  const year = localYear(plannedAt);
  const counts = await countsForYear(tx, e.id, year);
  const check = checkEntry({
    kind: input.kind,
    plannedAt,
    inspectorsCount: inspectorIds.length,
    exemptionReason: input.exemptionReason ?? null,
    enterpriseRules: rules,
    countsThisYear: counts.routine,
    departmentIds: unitKeys(departmentIds, townCode),
  });
  if (!check.ok) refuse(check);

  const checklist = await chooseTemplates(tx, e.sectors, departments, input.templateIds);
  const code = `JC-${year}-${String(await nextSequence(tx, `JC-${year}`)).padStart(6, '0')}`;
  const row = await tx
    .insertInto('inspections')
    .values({
      code,
      enterprise_id: e.id,
      kind: input.kind,
      exempt: check.exempt,
      exemption_reason: check.exempt ? (input.exemptionReason ?? null) : null,
      planned_at: plannedAt,
      planned_year: year,
      department_ids: departmentIds,
      town_code: townCode,
      inspector_ids: inspectorIds,
      unannounced: input.unannounced,
      checklist: JSON.stringify(checklist),
      signatures: '[]',
      created_by_id: actor.userId,
      created_by_name: actor.displayName,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await addEvent(tx, {
    inspectionId: row.id,
    at: ctx.now,
    actor,
    action: 'schedule',
    to: 'planned',
    data: { exempt: check.exempt, exemptionReason: row.exemption_reason },
  });
  await audit(tx, ctx, {
    action: check.exempt ? 'inspection.scheduled_exempt' : 'inspection.scheduled',
    entityType: 'inspection',
    entityId: row.id,
    after: auditView(row),
  });
  const label = INSPECTION_KIND_LABELS[input.kind];
  await notify(
    tx,
    deps.fx,
    {
      userIds: inspectorIds.filter((id) => id !== actor.userId),
      kind: 'inspection.assigned',
      title: { zh: `检查任务 ${code}：${e.name}（${label.zh}）`, en: `Inspection ${code}: ${e.name} (${label.en})` },
      link: `/inspections/${row.id}`,
      entityType: 'inspection',
      entityId: row.id,
    },
    ctx.now,
  );
  if (!input.unannounced) {
    const admins = await tx
      .selectFrom('users')
      .select('id')
      .where('enterprise_id', '=', e.id)
      .where('role', '=', 'enterprise_admin')
      .where('disabled_at', 'is', null)
      .execute();
    await notify(
      tx,
      deps.fx,
      {
        userIds: admins.map((a) => a.id),
        kind: 'inspection.scheduled',
        title: {
          zh: `${localDate(plannedAt)} 将对贵单位开展${label.zh}（${code}）`,
          en: `A ${label.en} is planned on ${localDate(plannedAt)} (${code})`,
        },
        link: `/inspections/${row.id}`,
        entityType: 'inspection',
        entityId: row.id,
      },
      ctx.now,
    );
  }
  return row;
}

/** The inspection for a use case: scoped, visible, locked. 404 otherwise. */
export async function lockInspection(tx: Executor, actor: Actor, id: string) {
  if (!isUuid(id)) throw notFound('inspection');
  const row = await tx
    .selectFrom('inspections')
    .innerJoin('enterprises', 'enterprises.id', 'inspections.enterprise_id')
    .selectAll('inspections')
    .select(['enterprises.name as enterprise_name', 'enterprises.sectors as enterprise_sectors'])
    .where('inspections.id', '=', id)
    .where(enterpriseScope(actor))
    .where(inspectionVisibility(actor))
    .forUpdate(['inspections'])
    .executeTakeFirst();
  if (!row) throw notFound('inspection');
  return row;
}

const WORKFLOW_HTTP = { ILLEGAL_ACTION: 409, FORBIDDEN_ACTION: 403, MISSING_FIELD: 400, INVALID_FIELD: 400 } as const;

export const actionSchema = z.looseObject({ action: z.enum(INSPECTION_ACTIONS), version: z.number().int() });

const signatureSchema = z.object({ role: z.enum(['inspector', 'enterprise']), name: text(50) });
const completeSchema = z.object({
  summary: z.string().trim().max(10_000).optional(),
  signatures: z
    .array(signatureSchema)
    .min(2)
    .max(20)
    .refine((s) => s.some((x) => x.role === 'inspector') && s.some((x) => x.role === 'enterprise'), {
      message: 'signatures.both_sides',
    }),
});

async function closeVisits(tx: Executor, inspectionId: string, at: Date) {
  await tx
    .updateTable('inspection_visits')
    .set({
      left_at: at,
      minutes: sql<number>`greatest(0, round(extract(epoch from (${at}::timestamptz - arrived_at)) / 60))::int`,
    })
    .where('inspection_id', '=', inspectionId)
    .where('left_at', 'is', null)
    .execute();
}

/** Items of the inspection's checklist, by template, and the answers given so far. */
export async function checklistOf(db: Executor, inspection: Pick<InspectionRow, 'id' | 'checklist'>) {
  const ids = inspection.checklist.map((c) => c.templateId);
  const templates = ids.length
    ? await db
        .selectFrom('checklist_templates')
        .select(['id', 'code', 'title', 'template_version', 'sector', 'items'])
        .where('id', 'in', ids)
        .execute()
    : [];
  const answers = await db
    .selectFrom('inspection_answers')
    .selectAll()
    .where('inspection_id', '=', inspection.id)
    .execute();
  return { templates, answers };
}

export async function actOnInspection(
  tx: Tx,
  ctx: RequestCtx,
  deps: Deps,
  id: string,
  body: { action: (typeof INSPECTION_ACTIONS)[number]; version: number } & Record<string, unknown>,
) {
  const { actor } = ctx;
  requirePermission(actor, 'supervision.read');
  const i = await lockInspection(tx, actor, id);
  if (i.version !== body.version) throw staleVersion(i.version);
  const { action, version: _v, ...payload } = body;
  let corePayload: Record<string, unknown> = payload;
  let counts = { compliant: 0, notCompliant: 0, notApplicable: 0 };
  if (action === 'complete') {
    const { templates, answers } = await checklistOf(tx, i);
    const total = templates.reduce((n, t) => n + t.items.length, 0);
    counts = {
      compliant: answers.filter((a) => a.result === 'compliant').length,
      notCompliant: answers.filter((a) => a.result === 'not_compliant').length,
      notApplicable: answers.filter((a) => a.result === 'not_applicable').length,
    };
    corePayload = { ...payload, nonCompliantItems: counts.notCompliant, compliantItems: counts.compliant };
    const check = checkInspectionTransition(
      {
        status: i.status,
        plannedAt: i.planned_at.toISOString(),
        actorRole: actor.role,
        actorIsOrganiser: isOrganiser(actor, i),
      },
      action,
      corePayload,
    );
    if (check.ok && answers.length < total) {
      throw missing('answers', `${total - answers.length} checklist items are not answered yet`);
    }
  }
  const check = checkInspectionTransition(
    {
      status: i.status,
      plannedAt: i.planned_at.toISOString(),
      actorRole: actor.role,
      actorIsOrganiser: isOrganiser(actor, i),
    },
    action,
    corePayload,
  );
  if (!check.ok) {
    const fields = check.field
      ? [{ path: check.field, message: check.code === 'MISSING_FIELD' ? 'required' : 'invalid' }]
      : undefined;
    throw new AppError(
      WORKFLOW_HTTP[check.code],
      check.code,
      check.message,
      fields,
      check.field ? { field: check.field } : undefined,
    );
  }
  const set: Partial<Record<keyof InspectionsTable, unknown>> = { status: check.to };
  let data: Record<string, unknown> = {};
  switch (action) {
    case 'start': {
      const startedAt = typeof payload.startedAt === 'string' ? new Date(payload.startedAt) : ctx.now;
      if (startedAt.getTime() > ctx.now.getTime() + 5 * 60_000)
        throw invalid('startedAt', 'startedAt is in the future');
      set.started_at = startedAt;
      const people = await tx
        .selectFrom('users')
        .select(['id', 'display_name'])
        .where('id', 'in', i.inspector_ids)
        .execute();
      if (people.length) {
        await tx
          .insertInto('inspection_visits')
          .values(
            people.map((u) => ({
              inspection_id: i.id,
              enterprise_id: i.enterprise_id,
              user_id: u.id,
              user_name: u.display_name,
              arrived_at: startedAt,
            })),
          )
          .onConflict((oc) => oc.columns(['inspection_id', 'user_id']).doNothing())
          .execute();
      }
      data = { startedAt: startedAt.toISOString() };
      break;
    }
    case 'reschedule': {
      const plannedAt = new Date(String(payload.plannedAt));
      if (localDate(plannedAt) < localDate(ctx.now))
        throw invalid('plannedAt', 'The planned time may not be in the past');
      await tx.selectFrom('enterprises').select('id').where('id', '=', i.enterprise_id).forUpdate().execute();
      const { settings } = await loadSettings(tx);
      const { rules } = await effectiveRules(tx, i.enterprise_id, settings, ctx.now);
      const year = localYear(plannedAt);
      const counts = await countsForYear(tx, i.enterprise_id, year, { exceptInspectionId: i.id });
      const entry = checkEntry({
        kind: i.kind,
        plannedAt,
        inspectorsCount: i.inspector_ids.length,
        exemptionReason: i.exemption_reason,
        enterpriseRules: rules,
        countsThisYear: counts.routine,
        departmentIds: unitKeys(i.department_ids, i.town_code),
      });
      if (!entry.ok) refuse(entry);
      set.planned_at = plannedAt;
      set.planned_year = year;
      data = { from: i.planned_at.toISOString(), to: plannedAt.toISOString(), reason: payload.reason };
      break;
    }
    case 'cancel': {
      set.cancel_reason = String(payload.reason);
      if (i.status === 'in_progress') {
        set.ended_at = ctx.now;
        await closeVisits(tx, i.id, ctx.now);
      }
      data = { reason: payload.reason };
      break;
    }
    case 'complete': {
      const p = completeSchema.safeParse(payload);
      if (!p.success) {
        const issue = p.error.issues[0];
        const path = ['signatures', ...(issue?.path ?? []).map(String)].filter((x, n) => n > 0 || x).join('.');
        throw missing(
          issue?.path[0] === 'summary' ? 'summary' : path || 'signatures',
          'Signatures of an inspector and of the enterprise are required (names)',
        );
      }
      const signatures: InspectionSignature[] = p.data.signatures.map((s) => ({ ...s, at: ctx.now.toISOString() }));
      set.signatures = JSON.stringify(signatures);
      set.summary = p.data.summary ?? '';
      set.ended_at = ctx.now;
      set.compliant_count = counts.compliant;
      set.non_compliant_count = counts.notCompliant;
      set.not_applicable_count = counts.notApplicable;
      await closeVisits(tx, i.id, ctx.now);
      data = { counts, signatures };
      break;
    }
    case 'issue_documents':
      throw illegal('Documents are issued by downloading them (site-record.docx, rectification-order.docx)');
  }
  const after = await tx
    .updateTable('inspections')
    .set({ ...(set as Record<string, never>), updated_at: ctx.now, version: i.version + 1 })
    .where('id', '=', i.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await addEvent(tx, { inspectionId: i.id, at: ctx.now, actor, action, from: i.status, to: after.status, data });
  await audit(tx, ctx, {
    action: `inspection.${action}`,
    entityType: 'inspection',
    entityId: i.id,
    before: auditView(i),
    after: { ...auditView(after), ...data },
  });
  if (action === 'complete') {
    await recomputeCredit(tx, i.enterprise_id, 'inspection.completed', ctx.now);
    // The yearly plans count it as the visit they planned (each department's plan, in this transaction).
    await recordInspectionInPlans(tx, ctx, {
      id: i.id,
      code: i.code,
      enterpriseId: i.enterprise_id,
      departmentIds: i.department_ids,
      endedAt: ctx.now,
    });
  }
  if (action === 'start' && i.unannounced) {
    // 四不两直: the enterprise learns of it when the inspectors are at the gate.
    const admins = await tx
      .selectFrom('users')
      .select('id')
      .where('enterprise_id', '=', i.enterprise_id)
      .where('role', '=', 'enterprise_admin')
      .where('disabled_at', 'is', null)
      .execute();
    await notify(
      tx,
      deps.fx,
      {
        userIds: admins.map((a) => a.id),
        kind: 'inspection.started',
        title: { zh: `检查组已到达现场（${i.code}，四不两直）`, en: `Inspectors on site (${i.code}, unannounced)` },
        link: `/inspections/${i.id}`,
        entityType: 'inspection',
        entityId: i.id,
      },
      ctx.now,
    );
  }
  return after;
}

// ---------------------------------------------------------------------------------------------------------
// Checklist answers
// ---------------------------------------------------------------------------------------------------------

export const answersSchema = z.object({
  answers: z
    .array(
      z.object({
        templateId: z.uuid(),
        itemKey: text(100),
        result: z.enum(['compliant', 'not_compliant', 'not_applicable']),
        note: z.string().trim().max(2000).default(''),
        photoFileIds: z.array(z.uuid()).max(10).default([]),
        place: z.string().trim().max(200).optional(),
        deadline: z.iso.date().optional(),
      }),
    )
    .min(1)
    .max(500),
});
export type AnswersInput = z.infer<typeof answersSchema>;

/** The acting organiser on an inspection in progress (404 / 403 FORBIDDEN_ACTION / 409 ILLEGAL_ACTION). */
function requireConducting(actor: Actor, i: InspectionRow, statuses: readonly string[] = ['in_progress']) {
  requirePermission(actor, 'inspection.conduct');
  if (!isOrganiser(actor, i)) throw forbiddenAction('Only the inspecting units act on this inspection');
  if (!statuses.includes(i.status)) throw illegal(`Not possible on an inspection in status "${i.status}"`);
}

export async function answerItems(tx: Tx, ctx: RequestCtx, deps: Deps, id: string, input: AnswersInput) {
  const { actor } = ctx;
  const i = await lockInspection(tx, actor, id);
  requireConducting(actor, i);
  const { templates, answers: existing } = await checklistOf(tx, i);
  const { settings } = await loadSettings(tx);
  const today = localDate(ctx.now);
  let created = 0;
  for (const [n, a] of input.answers.entries()) {
    const t = templates.find((x) => x.id === a.templateId);
    if (!t) throw invalid(`answers.${n}.templateId`, 'This template is not on the inspection’s checklist');
    const item: ChecklistItemRow | undefined = t.items.find((x) => x.key === a.itemKey);
    if (!item) throw invalid(`answers.${n}.itemKey`, 'No such item in this template version');
    const prev = existing.find((x) => x.template_id === a.templateId && x.item_key === a.itemKey);
    if (a.result === 'not_compliant' && a.note === '' && a.photoFileIds.length === 0) {
      throw missing(`answers.${n}.note`, 'A non-compliant item needs a note or a photo');
    }
    if (prev?.hazard_id && a.result !== 'not_compliant') {
      throw illegal('This finding already became a hazard; handle it in the hazard module');
    }
    if (a.deadline && a.deadline < today) throw invalid(`answers.${n}.deadline`, 'The deadline may not be in the past');
    let hazardId = prev?.hazard_id ?? null;
    let photos = [...(prev?.photo_file_ids ?? [])];
    const newPhotos = a.photoFileIds.filter((f) => !photos.includes(f));
    if (a.result === 'not_compliant' && !hazardId) {
      const sector = i.enterprise_sectors.includes(t.sector) ? t.sector : undefined;
      const hazard = await createHazard(tx, ctx, deps, {
        enterpriseId: i.enterprise_id,
        place: a.place || item.text.slice(0, 200),
        ...(sector ? { sector } : {}),
        category: (item.category as 'management') ?? 'management',
        level: item.level,
        ...(item.catalogItemCode ? { catalogItemCode: item.catalogItemCode } : {}),
        ...(item.level === 'major' && !item.catalogItemCode ? { majorBasis: `${item.basis}：${item.text}` } : {}),
        description: `${item.text}${a.note ? `：${a.note}` : ''}（检查 ${i.code}）`,
        source: 'inspection',
        photoFileIds: newPhotos,
        documentFileIds: [],
        ...(item.level === 'general'
          ? {
              rectification: {
                measures: '',
                responsiblePerson: '',
                funds: '',
                deadline: a.deadline ?? addDays(today, settings.inspection.defaultRectificationDays),
              },
            }
          : {}),
      });
      hazardId = hazard.id;
      photos = [...photos, ...newPhotos];
      created++;
    } else if (newPhotos.length) {
      const ownerType = hazardId ? 'hazard' : 'inspection';
      await deps.files.attach(tx, actor, newPhotos, ownerType, hazardId ?? i.id, `answers.${n}.photoFileIds`);
      if (hazardId) {
        await tx
          .updateTable('hazards')
          .set((eb) => ({ photo_file_ids: sql<string[]>`${eb.ref('photo_file_ids')} || ${newPhotos}::uuid[]` }))
          .where('id', '=', hazardId)
          .execute();
      }
      photos = [...photos, ...newPhotos];
    }
    const values = {
      result: a.result,
      note: a.note,
      photo_file_ids: photos,
      hazard_id: hazardId,
      answered_by_id: actor.userId,
      answered_by_name: actor.displayName,
      answered_at: ctx.now,
    };
    await tx
      .insertInto('inspection_answers')
      .values({ inspection_id: i.id, template_id: a.templateId, item_key: a.itemKey, ...values })
      .onConflict((oc) => oc.columns(['inspection_id', 'template_id', 'item_key']).doUpdateSet(values))
      .execute();
  }
  await tx.updateTable('inspections').set({ updated_at: ctx.now }).where('id', '=', i.id).execute();
  await addEvent(tx, {
    inspectionId: i.id,
    at: ctx.now,
    actor,
    action: 'answer',
    data: { answered: input.answers.length, hazardsCreated: created },
  });
  await audit(tx, ctx, {
    action: 'inspection.answered',
    entityType: 'inspection',
    entityId: i.id,
    after: {
      answers: input.answers.map((a) => ({ templateId: a.templateId, itemKey: a.itemKey, result: a.result })),
      hazardsCreated: created,
    },
  });
  return { hazardsCreated: created };
}

// ---------------------------------------------------------------------------------------------------------
// Quiz (逢查必考)
// ---------------------------------------------------------------------------------------------------------

export const quizStartSchema = z.object({
  personName: text(50),
  personRole: z.enum(['principal', 'safety_manager', 'staff']),
});

interface StoredQuestion {
  id: string;
  type: 'single' | 'multiple' | 'true_false';
  stem: string;
  options: { key: string; text: string }[];
  answer: string | string[] | boolean;
  basis: string;
}

export async function startQuiz(tx: Tx, ctx: RequestCtx, id: string, input: z.infer<typeof quizStartSchema>) {
  const { actor } = ctx;
  const i = await lockInspection(tx, actor, id);
  requireConducting(actor, i);
  const { settings } = await loadSettings(tx);
  const bank = await tx
    .selectFrom('quiz_questions')
    .select(['id', 'type', 'stem', 'options', 'answer', 'basis'])
    .where('active', '=', true)
    .where('sector', 'in', [...i.enterprise_sectors, 'general'])
    .orderBy('id')
    .execute();
  const seed = randomUUID();
  const drawn = drawQuestions(bank, settings.quiz.questionsPerQuiz, seed);
  if (drawn.length === 0) throw illegal('The question bank has no question for this enterprise’s sectors');
  const questions: StoredQuestion[] = drawn.map((q) => ({ ...q }));
  const row = await tx
    .insertInto('quiz_sessions')
    .values({
      inspection_id: i.id,
      enterprise_id: i.enterprise_id,
      person_name: input.personName,
      person_role: input.personRole,
      seed,
      questions: JSON.stringify(questions),
      pass_mark: settings.quiz.passMark,
      created_by_name: actor.displayName,
      created_at: ctx.now,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, {
    action: 'inspection.quiz_started',
    entityType: 'inspection',
    entityId: i.id,
    after: { quizId: row.id, personName: input.personName, personRole: input.personRole, questions: questions.length },
  });
  return {
    id: row.id,
    passMark: settings.quiz.passMark,
    questions: questions.map((q) => ({ id: q.id, type: q.type, stem: q.stem, options: q.options })),
  };
}

export const quizAnswersSchema = z.object({
  answers: z.record(z.string().max(100), z.union([z.string().max(1), z.array(z.string().max(1)).max(10), z.boolean()])),
});

export async function submitQuiz(
  tx: Tx,
  ctx: RequestCtx,
  deps: Deps,
  quizId: string,
  input: z.infer<typeof quizAnswersSchema>,
) {
  const { actor } = ctx;
  if (!isUuid(quizId)) throw notFound('quiz');
  const q = await tx.selectFrom('quiz_sessions').selectAll().where('id', '=', quizId).forUpdate().executeTakeFirst();
  if (!q) throw notFound('quiz');
  const i = await lockInspection(tx, actor, q.inspection_id).catch(() => {
    throw notFound('quiz');
  });
  requireConducting(actor, i, ['in_progress', 'completed']);
  if (q.status !== 'open') throw illegal('This quiz has already been scored');
  const questions = q.questions as StoredQuestion[];
  const result = scoreQuiz(questions as Parameters<typeof scoreQuiz>[0], input.answers, q.pass_mark);
  const { settings } = await loadSettings(tx);
  const failure = quizFailureHazard(result, settings.quiz);
  let hazardId: string | null = null;
  if (failure) {
    const h = await createHazard(tx, ctx, deps, {
      enterpriseId: i.enterprise_id,
      place: '安全管理',
      category: 'management',
      level: 'general',
      description: `${failure.description.zh}（受测人：${q.person_name}；检查 ${i.code}；依据：${failure.basis}）`,
      source: 'inspection',
      photoFileIds: [],
      documentFileIds: [],
      rectification: {
        measures: '组织主要负责人和安全生产管理人员参加安全生产知识和管理能力培训并重新考核',
        responsiblePerson: '',
        funds: '',
        deadline: addDays(localDate(ctx.now), settings.inspection.defaultRectificationDays),
      },
    });
    hazardId = h.id;
  }
  await tx
    .updateTable('quiz_sessions')
    .set({
      answers: JSON.stringify(input.answers),
      score: result.score,
      passed: result.passed,
      status: 'scored',
      hazard_id: hazardId,
      scored_at: ctx.now,
    })
    .where('id', '=', q.id)
    .execute();
  await audit(tx, ctx, {
    action: 'inspection.quiz_scored',
    entityType: 'inspection',
    entityId: i.id,
    after: { quizId: q.id, score: result.score, passed: result.passed, passMark: q.pass_mark, hazardId },
  });
  await recomputeCredit(tx, i.enterprise_id, 'quiz.scored', ctx.now);
  return {
    id: q.id,
    personName: q.person_name,
    score: result.score,
    passed: result.passed,
    passMark: result.passMark,
    correct: result.correct,
    total: result.total,
    items: questions.map((qq, n) => ({
      questionId: qq.id,
      stem: qq.stem,
      correct: result.items[n]?.correct ?? false,
      answer: qq.answer,
      given: input.answers[qq.id] ?? null,
      basis: qq.basis,
    })),
    hazardId,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Enforcement decisions
// ---------------------------------------------------------------------------------------------------------

export const decisionSchema = z
  .object({
    kind: z.enum(['warning', 'fine', 'suspension', 'police_referral']),
    fineYuan: z.number().int().positive().max(100_000_000).optional(),
    suspensionScope: z.string().trim().max(500).optional(),
    suspensionUntil: z.iso.date().optional(),
    legalBasis: text(1000),
    facts: text(5000),
  })
  .superRefine((d, c) => {
    if (d.kind === 'fine' && d.fineYuan === undefined)
      c.addIssue({ code: 'custom', path: ['fineYuan'], message: 'required' });
    if (d.kind !== 'fine' && d.fineYuan !== undefined)
      c.addIssue({ code: 'custom', path: ['fineYuan'], message: 'fine_only' });
    if (d.kind === 'suspension' && !d.suspensionScope)
      c.addIssue({ code: 'custom', path: ['suspensionScope'], message: 'required' });
  });

export const DECISION_KIND_ZH = {
  warning: '警告',
  fine: '罚款',
  suspension: '责令停产停业整顿',
  police_referral: '移送公安机关',
} as const;

export async function decide(tx: Tx, ctx: RequestCtx, id: string, input: z.infer<typeof decisionSchema>) {
  const { actor } = ctx;
  requirePermission(actor, 'enforcement.decide');
  const i = await lockInspection(tx, actor, id);
  if (!isOrganiser(actor, i)) throw forbiddenAction('Only the inspecting units decide on this inspection');
  if (!['in_progress', 'completed', 'documents_issued'].includes(i.status)) {
    throw illegal('A decision follows an inspection that has started');
  }
  const year = localDate(ctx.now).slice(0, 4);
  const seq = await nextSequence(tx, `ZJ-${year}`);
  const row = await tx
    .insertInto('enforcement_decisions')
    .values({
      number: `执决〔${year}〕${String(seq).padStart(6, '0')}号`,
      inspection_id: i.id,
      enterprise_id: i.enterprise_id,
      kind: input.kind,
      fine_yuan: input.fineYuan ?? null,
      suspension_scope: input.suspensionScope ?? null,
      suspension_until: input.suspensionUntil ?? null,
      legal_basis: input.legalBasis,
      facts: input.facts,
      decided_by_id: actor.userId,
      decided_by_name: actor.displayName,
      decided_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await addEvent(tx, {
    inspectionId: i.id,
    at: ctx.now,
    actor,
    action: 'decide',
    data: { decisionId: row.id, kind: row.kind, number: row.number },
  });
  await audit(tx, ctx, { action: 'enforcement.decided', entityType: 'inspection', entityId: i.id, after: row });
  await recomputeCredit(tx, i.enterprise_id, 'enforcement.decided', ctx.now);
  return row;
}
