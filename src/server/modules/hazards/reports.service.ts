import { randomInt } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { rewardForFine } from '../../../core/hazards/index.js';
import { audit } from '../../platform/audit/audit.js';
import { type Actor, requirePermission, SYSTEM_ACTOR, scopeKind } from '../../platform/authz/actor.js';
import { escapeLike } from '../../platform/authz/scope.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { AppError, forbidden, notFound, staleVersion } from '../../platform/errors.js';
import type { RequestCtx } from '../../platform/http/context.js';
import { canSeeHazard } from './hazards.repo.js';
import { hazardCreateSchema } from './hazards.schemas.js';
import { createHazard, type HazardDeps } from './hazards.service.js';
import { type Effects, illegal, invalid, isUuid, notify, usersOf } from './hazards.shared.js';

/** 32 symbols without 0/O/1/I: 12 characters carry 60 random bits — not guessable, easy to read out on a phone. */
const TRACKING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const TRACKING_CODE_LENGTH = 12;
export function newTrackingCode(): string {
  let s = '';
  for (let i = 0; i < TRACKING_CODE_LENGTH; i++) s += TRACKING_ALPHABET[randomInt(TRACKING_ALPHABET.length)];
  return s;
}

export const PUBLIC_PHOTO_MAX = 6;
export const PUBLIC_PHOTO_MAX_BYTES = 10 * 1024 * 1024;

/** The public form. Text is stored as typed and only ever returned as JSON data (inert). */
export const publicReportSchema = z.object({
  text: z.string().trim().min(1).max(5000),
  place: z.string().trim().max(200).default(''),
  contact: z.string().trim().max(100).optional(),
  enterpriseName: z.string().trim().max(200).default(''),
  regionCode: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  sector: z.string().max(50).optional(),
});
export type PublicReportInput = z.infer<typeof publicReportSchema>;

export const employeeReportSchema = z.object({
  text: z.string().trim().min(1).max(5000),
  place: z.string().trim().max(200).default(''),
  anonymous: z.boolean().default(false),
  photoFileIds: z.array(z.uuid()).max(PUBLIC_PHOTO_MAX).default([]),
});

const accepted = hazardCreateSchema.omit({ source: true, finderName: true, foundAt: true, campaignTaskId: true });
export const acceptSchema = accepted.extend({
  version: z.number().int(),
  place: accepted.shape.place.optional(),
  description: accepted.shape.description.optional(),
  reply: z.string().trim().max(2000).optional(),
});
export const transferSchema = z.object({
  version: z.number().int(),
  departmentId: z.uuid(),
  note: z.string().trim().max(2000).default(''),
});
export const rejectSchema = z.object({ version: z.number().int(), reply: z.string().trim().min(1).max(2000) });
export const fineSchema = z.object({
  version: z.number().int(),
  fineYuan: z.number().int().min(0).max(1_000_000_000),
  decisionNumber: z.string().trim().min(1).max(100),
});
export const internalRewardSchema = z.object({
  version: z.number().int(),
  amountYuan: z.number().int().min(0).max(10_000_000),
  note: z.string().trim().max(2000).default(''),
});

/** zod issues as the API's 400: MISSING_FIELD when blank or absent, INVALID_FIELD otherwise. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = (issue?.path ?? []).map(String).join('.') || 'body';
  let v: unknown = input;
  for (const k of issue?.path ?? [])
    v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  const blank = v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  if (blank)
    throw new AppError(400, 'MISSING_FIELD', `${path} is required`, [{ path, message: 'required' }], { field: path });
  throw new AppError(
    400,
    'INVALID_FIELD',
    `${path}: ${issue?.message ?? 'invalid'}`,
    [{ path, message: issue?.message ?? 'invalid' }],
    {
      field: path,
    },
  );
}

export const PUBLIC_ACTOR: Actor = { ...SYSTEM_ACTOR, username: 'public', displayName: '公众' };

// ---------------------------------------------------------------------------------------------------------
// Who sees and who triages
// ---------------------------------------------------------------------------------------------------------

/** Reports an actor may see: county all; department its queue; township public reports of its territory; an
 * enterprise's safety manager its internal employee reports; everyone the reports they filed themselves. */
// Each condition is one parenthesised expression: Kysely splices raw SQL into `where … and <raw>` as is, so an
// unbracketed `or` would escape the surrounding `and id = …`.
export function reportScope(actor: Actor, alias = 'public_reports'): RawBuilder<boolean> {
  const col = (c: string) => sql.ref(`${alias}.${c}`);
  const own = sql<boolean>`${col('reporter_user_id')} = ${actor.userId}::uuid`;
  switch (scopeKind(actor)) {
    case 'county':
      return sql<boolean>`true`;
    case 'department':
      return actor.departmentId
        ? sql<boolean>`((${col('kind')} = 'public' and ${col('department_id')} = ${actor.departmentId}::uuid) or ${own})`
        : own;
    case 'region':
      return actor.regionPath
        ? sql<boolean>`((${col('kind')} = 'public' and ${col('region_path')} like ${`${escapeLike(actor.regionPath)}%`}) or ${own})`
        : own;
    case 'enterprise':
      return actor.enterpriseId && actor.role === 'enterprise_admin'
        ? sql<boolean>`((${col('kind')} = 'employee' and ${col('enterprise_id')} = ${actor.enterpriseId}::uuid) or ${own})`
        : own;
  }
}

interface TriageFields {
  kind: 'public' | 'employee';
  department_id: string | null;
  enterprise_id: string | null;
  reporter_user_id: string | null;
}

/** Triage: the county office or the department the report is with; internal reports: the safety manager. */
export function mayTriage(actor: Actor, r: TriageFields): boolean {
  if (r.kind === 'public') {
    if (actor.role === 'county_admin') return true;
    return actor.role === 'dept_officer' && actor.departmentId !== null && r.department_id === actor.departmentId;
  }
  return actor.role === 'enterprise_admin' && actor.enterpriseId !== null && r.enterprise_id === actor.enterpriseId;
}

/** The reporter's contact is shown to triage roles and to the reporter. */
export function maySeeContact(actor: Actor, r: TriageFields): boolean {
  return mayTriage(actor, r) || (r.reporter_user_id !== null && r.reporter_user_id === actor.userId);
}

export function canSeeReport(db: Executor, actor: Actor, id: string): Promise<boolean> {
  if (!isUuid(id)) return Promise.resolve(false);
  return db
    .selectFrom('public_reports')
    .select('id')
    .where('id', '=', id)
    .where(reportScope(actor))
    .executeTakeFirst()
    .then(Boolean);
}

/** What the public sees of its report. */
export function publicStatus(status: string, hazardStatus: string | null) {
  if (status === 'accepted') return hazardStatus === 'closed' ? 'resolved' : 'accepted';
  if (status === 'transferred') return 'processing';
  return status as 'received' | 'rejected';
}

// ---------------------------------------------------------------------------------------------------------
// Use cases
// ---------------------------------------------------------------------------------------------------------

async function addReportEvent(
  tx: Executor,
  reportId: string,
  at: Date,
  actor: Actor,
  action: string,
  data: Record<string, unknown> = {},
) {
  await tx
    .insertInto('public_report_events')
    .values({
      report_id: reportId,
      at,
      actor_id: isUuid(actor.userId) && actor !== PUBLIC_ACTOR ? actor.userId : null,
      actor_name: actor.displayName,
      action,
      data: JSON.stringify(data),
    })
    .execute();
}

/**
 * The web page where a report is triaged (`/hazards/reports`, the report opened by `?report=`): the link of the
 * notifications sent to the people who triage it.
 */
export const triageLink = (reportId: string) => `/hazards/reports?report=${encodeURIComponent(reportId)}`;

const TRIAGE_TITLE = {
  public: { zh: '收到一条新的群众举报，请及时分办', en: 'A new public report awaits triage' },
  employee: { zh: '收到一条职工隐患报告，请及时核查', en: 'An employee hazard report awaits triage' },
} as const;

/**
 * Tells the people who triage a new report that it waits for them: the county office for a public report, the
 * enterprise's safety managers for an employee's internal one (never the employee who filed it).
 */
async function notifyTriage(
  tx: Tx,
  fx: Effects,
  report: { id: string; kind: 'public' | 'employee'; text: string; enterpriseId: string | null },
  at: Date,
  exceptUserId?: string,
) {
  const users =
    report.kind === 'public'
      ? await usersOf(tx, { county: true }, exceptUserId)
      : await usersOf(
          tx,
          { enterpriseId: report.enterpriseId ?? undefined, enterpriseRoles: ['enterprise_admin'] },
          exceptUserId,
        );
  const excerpt = report.text.slice(0, 100);
  await notify(
    tx,
    fx,
    {
      userIds: users,
      kind: 'report.received',
      title: TRIAGE_TITLE[report.kind],
      body: { zh: excerpt, en: excerpt },
      link: triageLink(report.id),
      entityType: 'public_report',
      entityId: report.id,
    },
    at,
  );
}

export interface IngestedPhoto {
  sha256: string;
  mime: string;
  size: number;
  hasThumb: boolean;
  name: string;
}

/** A public report (no login): stored with its photos, the county office told; returns the tracking code. */
export async function createPublicReport(
  tx: Tx,
  ctx: RequestCtx,
  fx: Effects,
  input: PublicReportInput,
  photos: IngestedPhoto[],
) {
  let regionPath: string | null = null;
  if (input.regionCode) {
    const region = await tx
      .selectFrom('regions')
      .select('path')
      .where('code', '=', input.regionCode)
      .executeTakeFirst();
    if (!region) throw invalid('regionCode', 'Unknown region');
    regionPath = region.path;
  }
  if (input.sector) {
    const s = await tx.selectFrom('sectors').select('code').where('code', '=', input.sector).executeTakeFirst();
    if (!s) throw invalid('sector', 'Unknown sector');
  }
  const contact = input.contact?.trim() || null;
  let row: { id: string; tracking_code: string } | undefined;
  for (let attempt = 0; !row && attempt < 5; attempt++) {
    row = await tx
      .insertInto('public_reports')
      .values({
        tracking_code: newTrackingCode(),
        kind: 'public',
        text: input.text,
        place: input.place,
        contact,
        anonymous: contact === null,
        enterprise_name: input.enterpriseName,
        region_code: input.regionCode ?? null,
        region_path: regionPath,
        sector: input.sector ?? null,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .onConflict((oc) => oc.column('tracking_code').doNothing())
      .returning(['id', 'tracking_code'])
      .executeTakeFirst();
  }
  if (!row) throw new Error('could not allocate a tracking code');
  const report = row;
  if (photos.length) {
    const files = await tx
      .insertInto('files')
      .values(
        photos.map((f) => ({
          sha256: f.sha256,
          name: f.name,
          size: f.size,
          mime: f.mime,
          has_thumb: f.hasThumb,
          uploader_id: null,
          owner_type: 'public_report',
          owner_id: report.id,
          created_at: ctx.now,
        })),
      )
      .returning('id')
      .execute();
    await tx
      .updateTable('public_reports')
      .set({ photo_file_ids: files.map((f) => f.id) })
      .where('id', '=', report.id)
      .execute();
  }
  await addReportEvent(tx, report.id, ctx.now, PUBLIC_ACTOR, 'received', {
    photos: photos.length,
    anonymous: contact === null,
  });
  await audit(tx, ctx, {
    action: 'report.received',
    entityType: 'public_report',
    entityId: report.id,
    after: { kind: 'public', photos: photos.length, anonymous: contact === null, regionCode: input.regionCode ?? null },
  });
  await notifyTriage(tx, fx, { id: report.id, kind: 'public', text: input.text, enterpriseId: null }, ctx.now);
  return report;
}

/** An employee's report through the enterprise's internal channel; triaged by its safety manager. */
export async function createEmployeeReport(
  tx: Tx,
  ctx: RequestCtx,
  deps: HazardDeps,
  input: z.infer<typeof employeeReportSchema>,
) {
  const { actor } = ctx;
  requirePermission(actor, 'hazard.create');
  if (scopeKind(actor) !== 'enterprise' || !actor.enterpriseId) {
    throw forbidden('Employee reports are filed by enterprise staff; the public uses /api/public/reports');
  }
  const enterprise = await tx
    .selectFrom('enterprises')
    .select(['id', 'name'])
    .where('id', '=', actor.enterpriseId)
    .executeTakeFirstOrThrow();
  let row: { id: string; tracking_code: string } | undefined;
  for (let attempt = 0; !row && attempt < 5; attempt++) {
    row = await tx
      .insertInto('public_reports')
      .values({
        tracking_code: newTrackingCode(),
        kind: 'employee',
        text: input.text,
        place: input.place,
        contact: null,
        anonymous: input.anonymous,
        reporter_user_id: input.anonymous ? null : actor.userId,
        reporter_name: input.anonymous ? null : actor.displayName,
        enterprise_id: enterprise.id,
        enterprise_name: enterprise.name,
        photo_file_ids: input.photoFileIds,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .onConflict((oc) => oc.column('tracking_code').doNothing())
      .returning(['id', 'tracking_code'])
      .executeTakeFirst();
  }
  if (!row) throw new Error('could not allocate a tracking code');
  await deps.files.attach(tx, actor, input.photoFileIds, 'public_report', row.id, 'photoFileIds');
  await addReportEvent(
    tx,
    row.id,
    ctx.now,
    input.anonymous ? { ...actor, displayName: '匿名职工' } : actor,
    'received',
    {
      anonymous: input.anonymous,
    },
  );
  await audit(tx, ctx, {
    action: 'report.received',
    entityType: 'public_report',
    entityId: row.id,
    after: { kind: 'employee', enterpriseId: enterprise.id, anonymous: input.anonymous },
  });
  await notifyTriage(
    tx,
    deps.fx,
    { id: row.id, kind: 'employee', text: input.text, enterpriseId: enterprise.id },
    ctx.now,
    actor.userId,
  );
  return row;
}

async function lockReport(tx: Tx, actor: Actor, id: string) {
  if (!isUuid(id)) throw notFound('report');
  const r = await tx
    .selectFrom('public_reports')
    .selectAll()
    .where('id', '=', id)
    .where(reportScope(actor))
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw notFound('report');
  return r;
}

function requireTriage(actor: Actor, r: TriageFields) {
  requirePermission(actor, 'report.triage');
  if (!mayTriage(actor, r)) {
    throw new AppError(
      403,
      'FORBIDDEN_ACTION',
      'Only the county office or the department the report is with may triage it',
    );
  }
}

const OPEN_REPORT = ['received', 'transferred'];

export async function acceptReport(
  tx: Tx,
  ctx: RequestCtx,
  deps: HazardDeps,
  id: string,
  input: z.infer<typeof acceptSchema>,
) {
  const r = await lockReport(tx, ctx.actor, id);
  requireTriage(ctx.actor, r);
  if (r.version !== input.version) throw staleVersion(r.version);
  if (!OPEN_REPORT.includes(r.status)) throw illegal(`A ${r.status} report cannot be accepted`);
  const { version: _v, reply, ...h } = input;
  const enterpriseId = r.kind === 'employee' ? (r.enterprise_id ?? undefined) : h.enterpriseId;
  const hazard = await createHazard(
    tx,
    ctx,
    deps,
    {
      ...h,
      enterpriseId,
      place: h.place ?? (r.place || '举报所述地点'),
      description: h.description ?? r.text,
      source: r.kind === 'public' ? 'public_report' : 'employee_report',
      foundAt: r.created_at.toISOString(),
    },
    {
      finderSide: r.kind === 'public' ? 'public' : 'enterprise',
      finderName: r.reporter_name ?? (r.kind === 'public' ? '群众举报' : '职工报告（匿名）'),
      finderId: r.reporter_user_id,
      reportId: r.id,
      inheritedPhotoIds: r.photo_file_ids,
    },
  );
  const publicReply = reply || '您反映的问题经核查已受理，正在督促整改。';
  await tx
    .updateTable('public_reports')
    .set({
      status: 'accepted',
      hazard_id: hazard.id,
      enterprise_id: hazard.enterprise_id,
      public_reply: publicReply,
      triaged_by_id: ctx.actor.userId,
      triaged_by_name: ctx.actor.displayName,
      triaged_at: ctx.now,
      updated_at: ctx.now,
      version: r.version + 1,
    })
    .where('id', '=', r.id)
    .execute();
  await addReportEvent(tx, r.id, ctx.now, ctx.actor, 'accepted', {
    hazardId: hazard.id,
    hazardCode: hazard.code,
    reply: publicReply,
  });
  await audit(tx, ctx, {
    action: 'report.accepted',
    entityType: 'public_report',
    entityId: r.id,
    before: { status: r.status },
    after: { status: 'accepted', hazardId: hazard.id },
  });
  if (r.reporter_user_id) {
    await notify(
      tx,
      deps.fx,
      {
        userIds: [r.reporter_user_id],
        kind: 'report.accepted',
        title: {
          zh: `您的隐患报告已受理，隐患编号 ${hazard.code}`,
          en: `Your hazard report was accepted as ${hazard.code}`,
        },
        link: `/hazards/${hazard.id}`,
        entityType: 'public_report',
        entityId: r.id,
      },
      ctx.now,
    );
  }
  return hazard;
}

export async function transferReport(
  tx: Tx,
  ctx: RequestCtx,
  fx: Effects,
  id: string,
  input: z.infer<typeof transferSchema>,
) {
  const r = await lockReport(tx, ctx.actor, id);
  requireTriage(ctx.actor, r);
  if (r.version !== input.version) throw staleVersion(r.version);
  if (r.kind !== 'public') throw illegal('An internal employee report stays with its enterprise');
  if (!OPEN_REPORT.includes(r.status)) throw illegal(`A ${r.status} report cannot be transferred`);
  if (r.department_id === input.departmentId)
    throw invalid('departmentId', 'The report is already with this department');
  const dept = await tx
    .selectFrom('departments')
    .select(['id', 'name_zh'])
    .where('id', '=', input.departmentId)
    .executeTakeFirst();
  if (!dept) throw invalid('departmentId', 'Unknown department');
  await tx
    .updateTable('public_reports')
    .set({ status: 'transferred', department_id: dept.id, updated_at: ctx.now, version: r.version + 1 })
    .where('id', '=', r.id)
    .execute();
  await addReportEvent(tx, r.id, ctx.now, ctx.actor, 'transferred', {
    from: r.department_id,
    to: dept.id,
    note: input.note,
  });
  await audit(tx, ctx, {
    action: 'report.transferred',
    entityType: 'public_report',
    entityId: r.id,
    before: { departmentId: r.department_id, status: r.status },
    after: { departmentId: dept.id, status: 'transferred' },
  });
  const users = await usersOf(tx, { departmentIds: [dept.id] }, ctx.actor.userId);
  await notify(
    tx,
    fx,
    {
      userIds: users,
      kind: 'report.transferred',
      title: { zh: `一条群众举报已转交${dept.name_zh}办理`, en: 'A public report was transferred to your department' },
      body: { zh: input.note, en: input.note },
      link: triageLink(r.id),
      entityType: 'public_report',
      entityId: r.id,
    },
    ctx.now,
  );
}

export async function rejectReport(
  tx: Tx,
  ctx: RequestCtx,
  fx: Effects,
  id: string,
  input: z.infer<typeof rejectSchema>,
) {
  const r = await lockReport(tx, ctx.actor, id);
  requireTriage(ctx.actor, r);
  if (r.version !== input.version) throw staleVersion(r.version);
  if (!OPEN_REPORT.includes(r.status)) throw illegal(`A ${r.status} report cannot be rejected`);
  await tx
    .updateTable('public_reports')
    .set({
      status: 'rejected',
      public_reply: input.reply,
      triaged_by_id: ctx.actor.userId,
      triaged_by_name: ctx.actor.displayName,
      triaged_at: ctx.now,
      updated_at: ctx.now,
      version: r.version + 1,
    })
    .where('id', '=', r.id)
    .execute();
  await addReportEvent(tx, r.id, ctx.now, ctx.actor, 'rejected', { reply: input.reply });
  await audit(tx, ctx, {
    action: 'report.rejected',
    entityType: 'public_report',
    entityId: r.id,
    before: { status: r.status },
    after: { status: 'rejected' },
  });
  if (r.reporter_user_id) {
    await notify(
      tx,
      fx,
      {
        userIds: [r.reporter_user_id],
        kind: 'report.rejected',
        title: { zh: '您的隐患报告未予受理', en: 'Your hazard report was not accepted' },
        body: { zh: input.reply, en: input.reply },
        // No link: the employee who reported has no page of reports (the reply is in the notification).
        entityType: 'public_report',
        entityId: r.id,
      },
      ctx.now,
    );
  }
}

/** A fine was imposed on the reported unit: the reporter's reward per 举报奖励办法 (15 %, ¥3,000–¥300,000). */
export async function recordFine(tx: Tx, ctx: RequestCtx, id: string, input: z.infer<typeof fineSchema>) {
  const { actor } = ctx;
  requirePermission(actor, 'report.triage');
  const r = await lockReport(tx, actor, id);
  if (r.kind !== 'public') throw illegal('Fines are recorded on reports to the regulator');
  if (!(actor.role === 'county_admin' || actor.role === 'dept_officer')) {
    throw new AppError(403, 'FORBIDDEN_ACTION', 'Only the county office or a supervising department records a fine');
  }
  if (r.version !== input.version) throw staleVersion(r.version);
  if (r.status !== 'accepted' || !r.hazard_id) throw illegal('Only an accepted report leads to a fine');
  if (!(await canSeeHazard(tx, actor, r.hazard_id))) throw notFound('report');
  const reward = rewardForFine(input.fineYuan);
  const inserted = await tx
    .insertInto('report_rewards')
    .values({
      report_id: r.id,
      hazard_id: r.hazard_id,
      kind: 'public',
      fine_yuan: input.fineYuan,
      reward_yuan: reward,
      decision_number: input.decisionNumber,
      note: '安全生产领域举报奖励办法：罚款额15%，最低3000元，最高30万元',
      recorded_by_id: actor.userId,
      recorded_by_name: actor.displayName,
      created_at: ctx.now,
    })
    .onConflict((oc) => oc.column('report_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) throw new AppError(409, 'DUPLICATE', 'A fine and reward are already recorded for this report');
  const reply =
    reward > 0
      ? `${r.public_reply}\n您举报的问题经查属实，已依法处罚。请凭查询码与县应急管理局联系领取举报奖励。`
      : r.public_reply;
  await tx
    .updateTable('public_reports')
    .set({ public_reply: reply, updated_at: ctx.now, version: r.version + 1 })
    .where('id', '=', r.id)
    .execute();
  await addReportEvent(tx, r.id, ctx.now, actor, 'fine_recorded', {
    fineYuan: input.fineYuan,
    rewardYuan: reward,
    decisionNumber: input.decisionNumber,
  });
  await audit(tx, ctx, {
    action: 'report.reward_recorded',
    entityType: 'public_report',
    entityId: r.id,
    after: { kind: 'public', fineYuan: input.fineYuan, rewardYuan: reward, decisionNumber: input.decisionNumber },
  });
  return inserted;
}

/** The enterprise's internal reward for an accepted employee report (企业内部隐患报告奖励). */
export async function recordInternalReward(
  tx: Tx,
  ctx: RequestCtx,
  fx: Effects,
  id: string,
  input: z.infer<typeof internalRewardSchema>,
) {
  const { actor } = ctx;
  const r = await lockReport(tx, actor, id);
  if (r.kind !== 'employee') throw illegal('Internal rewards are for employee reports');
  requireTriage(actor, r);
  if (r.version !== input.version) throw staleVersion(r.version);
  if (r.status !== 'accepted') throw illegal('Only an accepted report is rewarded');
  const inserted = await tx
    .insertInto('report_rewards')
    .values({
      report_id: r.id,
      hazard_id: r.hazard_id,
      kind: 'internal',
      fine_yuan: null,
      reward_yuan: input.amountYuan,
      note: input.note,
      recorded_by_id: actor.userId,
      recorded_by_name: actor.displayName,
      created_at: ctx.now,
    })
    .onConflict((oc) => oc.column('report_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) throw new AppError(409, 'DUPLICATE', 'A reward is already recorded for this report');
  await tx
    .updateTable('public_reports')
    .set({ updated_at: ctx.now, version: r.version + 1 })
    .where('id', '=', r.id)
    .execute();
  await addReportEvent(tx, r.id, ctx.now, actor, 'reward_recorded', { rewardYuan: input.amountYuan });
  await audit(tx, ctx, {
    action: 'report.reward_recorded',
    entityType: 'public_report',
    entityId: r.id,
    after: { kind: 'internal', rewardYuan: input.amountYuan },
  });
  if (r.reporter_user_id) {
    await notify(
      tx,
      fx,
      {
        userIds: [r.reporter_user_id],
        kind: 'report.rewarded',
        title: {
          zh: `您的隐患报告获得内部奖励 ${input.amountYuan} 元`,
          en: `Your hazard report earned an internal reward of ¥${input.amountYuan}`,
        },
        // The hazard the report became (the employee who reported has no page of reports).
        ...(r.hazard_id ? { link: `/hazards/${r.hazard_id}` } : {}),
        entityType: 'public_report',
        entityId: r.id,
      },
      ctx.now,
    );
  }
  return inserted;
}
