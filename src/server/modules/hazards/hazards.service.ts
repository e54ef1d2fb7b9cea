import type { Updateable } from 'kysely';
import {
  checkTransition,
  closePayloadSchema,
  confirmPayloadSchema,
  decideExtensionPayloadSchema,
  type FinderSide,
  finderSideForRole,
  formatHazardCode,
  generalSubmitPayloadSchema,
  type HazardAction,
  type HazardStatus,
  hazardPath,
  initialStatus,
  isSourceAllowedFor,
  levelForCatalogItem,
  localDate,
  majorSubmitPayloadSchema,
  rejectPayloadSchema,
  requestExtensionPayloadSchema,
  returnPayloadSchema,
  verifyPayloadSchema,
} from '../../../core/hazards/index.js';
import { isUuid } from '../../../core/ids.js';
import { audit } from '../../platform/audit/audit.js';
import type { Actor } from '../../platform/authz/actor.js';
import { requirePermission, scopeKind } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import type { HazardsTable } from '../../platform/db/schema.js';
import { nextSequence } from '../../platform/db/sequences.js';
import { AppError, forbidden, notFound, staleVersion } from '../../platform/errors.js';
import type { FileService } from '../../platform/files/files.js';
import type { RequestCtx } from '../../platform/http/context.js';
import { ACTION_TEXT } from './hazards.labels.js';
import { mayEditHazard, workflowContext } from './hazards.policy.js';
import { type HazardRow, lockHazard } from './hazards.repo.js';
import type { HazardCreateInput, HazardUpdateInput } from './hazards.schemas.js';
import {
  type Effects,
  illegal,
  invalid,
  missing,
  notify,
  type Parties,
  townshipOf,
  usersOf,
} from './hazards.shared.js';

export interface HazardDeps {
  files: FileService;
  fx: Effects;
}

/** Who hears about a hazard's steps: the enterprise; its supervisors unless it is a self-path general hazard. */
export function hazardParties(
  h: Pick<HazardRow, 'level' | 'path' | 'enterprise_id' | 'finder_id'>,
  e: { region_path: string; department_ids: string[] },
): Parties {
  const supervised = h.level === 'major' || h.path === 'supervised';
  return {
    enterpriseId: h.enterprise_id,
    enterpriseRoles: ['enterprise_admin'],
    departmentIds: supervised ? e.department_ids : [],
    townshipCode: supervised ? townshipOf(e.region_path) : null,
    county: h.level === 'major',
    userIds: [h.finder_id],
  };
}

export async function addHazardEvent(
  tx: Executor,
  e: {
    hazardId: string;
    at: Date;
    actor: Actor | null;
    action: string;
    from?: HazardStatus | null;
    to?: HazardStatus | null;
    data?: Record<string, unknown>;
  },
) {
  return tx
    .insertInto('hazard_events')
    .values({
      hazard_id: e.hazardId,
      at: e.at,
      actor_id: e.actor?.userId ?? null,
      actor_name: e.actor?.displayName ?? '系统',
      actor_role: e.actor?.role ?? null,
      action: e.action,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** The audit summary of a hazard (no file bytes, no long texts beyond the record itself). */
export function auditView(h: HazardRow) {
  return {
    code: h.code,
    enterpriseId: h.enterprise_id,
    level: h.level,
    path: h.path,
    status: h.status,
    source: h.source,
    deadline: h.deadline,
    pendingExtension: h.pending_extension,
    extensionRequested: h.extension_requested,
    catalogItemCode: h.catalog_item_code,
    version: h.version,
  };
}

export interface CreateOptions {
  /** Accepting a report: the finder is the public (or, for an internal report, the enterprise). */
  finderSide?: FinderSide;
  finderName?: string;
  finderId?: string | null;
  reportId?: string;
  /** Files already held by another record (a report's photos): copied, not moved. */
  inheritedPhotoIds?: string[];
}

/** Copies file rows (same bytes, content-addressed) to a new owner; returns the new ids. */
export async function copyFiles(tx: Executor, ids: string[], ownerType: string, ownerId: string, now: Date) {
  if (ids.length === 0) return [];
  const src = await tx
    .selectFrom('files')
    .select(['sha256', 'name', 'size', 'mime', 'has_thumb', 'uploader_id'])
    .where('id', 'in', ids)
    .execute();
  if (src.length === 0) return [];
  const rows = await tx
    .insertInto('files')
    .values(
      src.map((f) => ({
        sha256: f.sha256,
        name: f.name,
        size: f.size,
        mime: f.mime,
        has_thumb: f.has_thumb,
        uploader_id: f.uploader_id,
        owner_type: ownerType,
        owner_id: ownerId,
        created_at: now,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function createHazard(
  tx: Tx,
  ctx: RequestCtx,
  deps: HazardDeps,
  input: HazardCreateInput,
  opts: CreateOptions = {},
): Promise<HazardRow> {
  const { actor } = ctx;
  requirePermission(actor, 'hazard.create');
  const finderSide = opts.finderSide ?? finderSideForRole(actor.role);
  if (finderSide === null) throw forbidden(`Role ${actor.role} does not record hazards`);
  if (!isSourceAllowedFor(finderSide, input.source)) {
    throw invalid('source', `A ${finderSide} finder cannot record a hazard with source "${input.source}"`);
  }
  const enterpriseId = input.enterpriseId ?? (scopeKind(actor) === 'enterprise' ? actor.enterpriseId : null);
  if (!enterpriseId) throw missing('enterpriseId');
  const enterprise = await tx
    .selectFrom('enterprises')
    .select(['id', 'name', 'primary_sector', 'sectors', 'region_path', 'department_ids'])
    .where('id', '=', enterpriseId)
    .where(enterpriseScope(actor))
    .executeTakeFirst();
  if (!enterprise) throw invalid('enterpriseId', 'Unknown enterprise, or outside your jurisdiction');

  const sector = input.sector ?? enterprise.primary_sector;
  const sectorRow = await tx.selectFrom('sectors').select('code').where('code', '=', sector).executeTakeFirst();
  if (!sectorRow) throw invalid('sector', `Unknown sector ${sector}`);

  let level = input.level;
  let majorBasis: string | null = null;
  let catalogItemCode: string | null = null;
  if (input.catalogItemCode) {
    const item = await tx
      .selectFrom('hazard_catalog_items')
      .select(['code', 'sector_codes', 'text_zh', 'basis'])
      .where('code', '=', input.catalogItemCode)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!item) throw invalid('catalogItemCode', 'Unknown or withdrawn major-hazard catalog item');
    const sectors = new Set([...enterprise.sectors, sector]);
    if (item.sector_codes.length > 0 && !item.sector_codes.some((s) => sectors.has(s))) {
      throw invalid('catalogItemCode', 'This catalog item does not apply to the sector of the hazard or enterprise');
    }
    level = levelForCatalogItem(item.code);
    catalogItemCode = item.code;
    majorBasis = `${item.basis}：${item.text_zh}`;
  } else if (level === 'major') {
    if (!input.majorBasis) throw missing('majorBasis', 'A major hazard needs a catalog item or a stated basis');
    majorBasis = input.majorBasis;
  }

  const today = localDate(ctx.now);
  let deadline: string | null = null;
  if (level === 'general') {
    deadline = input.rectification?.deadline ?? null;
    if (!deadline) throw missing('rectification.deadline', 'A general hazard needs a rectification deadline');
    if (deadline < today) throw invalid('rectification.deadline', 'The deadline may not be in the past');
  }
  const foundAt = input.foundAt ? new Date(input.foundAt) : ctx.now;
  if (foundAt.getTime() > ctx.now.getTime() + 5 * 60_000) throw invalid('foundAt', 'foundAt is in the future');

  let campaignId: string | null = null;
  if (input.source === 'campaign') {
    if (!input.campaignTaskId) throw missing('campaignTaskId', 'A campaign finding names its campaign task');
    const task = await tx
      .selectFrom('campaign_tasks')
      .select(['id', 'campaign_id'])
      .where('id', '=', input.campaignTaskId)
      .where('enterprise_id', '=', enterprise.id)
      .forUpdate()
      .executeTakeFirst();
    if (!task) throw invalid('campaignTaskId', 'No such campaign task for this enterprise');
    campaignId = task.campaign_id;
  } else if (input.campaignTaskId) {
    throw invalid('campaignTaskId', 'Only a hazard with source "campaign" belongs to a campaign task');
  }

  const origin = { level, source: input.source, finderSide };
  const year = Number(today.slice(0, 4));
  const code = formatHazardCode(year, await nextSequence(tx, `YH-${year}`));
  const row = await tx
    .insertInto('hazards')
    .values({
      code,
      enterprise_id: enterprise.id,
      place: input.place,
      sector,
      category: input.category,
      level,
      path: hazardPath(origin),
      status: initialStatus(origin),
      description: input.description,
      source: input.source,
      finder_side: finderSide,
      finder_id: opts.finderId === undefined ? actor.userId : opts.finderId,
      finder_name: opts.finderName ?? input.finderName ?? actor.displayName,
      found_at: foundAt,
      catalog_item_code: catalogItemCode,
      major_basis: majorBasis,
      photo_file_ids: input.photoFileIds,
      document_file_ids: input.documentFileIds,
      rectification_measures: input.rectification?.measures ?? '',
      responsible_person: input.rectification?.responsiblePerson ?? '',
      rectification_funds: input.rectification?.funds ?? '',
      deadline,
      report_id: opts.reportId ?? null,
      campaign_id: campaignId,
      campaign_task_id: input.campaignTaskId ?? null,
      created_by: actor.userId,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await deps.files.attach(tx, actor, input.photoFileIds, 'hazard', row.id, 'photoFileIds');
  await deps.files.attach(tx, actor, input.documentFileIds, 'hazard', row.id, 'documentFileIds');
  let result = row;
  if (opts.inheritedPhotoIds?.length) {
    const copies = await copyFiles(tx, opts.inheritedPhotoIds, 'hazard', row.id, ctx.now);
    result = await tx
      .updateTable('hazards')
      .set({ photo_file_ids: [...row.photo_file_ids, ...copies] })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  if (input.campaignTaskId) {
    await tx
      .updateTable('campaign_tasks')
      .set((eb) => ({
        status: 'hazards_found',
        hazard_count: eb('hazard_count', '+', 1),
        answered_at: eb.fn.coalesce('answered_at', eb.val(ctx.now)),
        answered_by_id: eb.fn.coalesce('answered_by_id', eb.val(actor.userId)),
        answered_by_name: eb.fn.coalesce('answered_by_name', eb.val(actor.displayName)),
        updated_at: ctx.now,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', input.campaignTaskId)
      .execute();
  }
  await addHazardEvent(tx, {
    hazardId: row.id,
    at: ctx.now,
    actor,
    action: 'create',
    to: row.status,
    data: {
      level,
      source: input.source,
      deadline,
      catalogItemCode,
      reportId: opts.reportId ?? null,
      campaignTaskId: input.campaignTaskId ?? null,
    },
  });
  await audit(tx, ctx, { action: 'hazard.created', entityType: 'hazard', entityId: row.id, after: auditView(result) });
  const users = await usersOf(tx, hazardParties(result, enterprise), actor.userId);
  await notify(
    tx,
    deps.fx,
    {
      userIds: users,
      kind: 'hazard.created',
      title: {
        zh: `${enterprise.name}新增${level === 'major' ? '重大事故' : ''}隐患 ${code}`,
        en: `New ${level} hazard ${code} at ${enterprise.name}`,
      },
      body: { zh: input.description.slice(0, 200), en: input.description.slice(0, 200) },
      link: `/hazards/${row.id}`,
      entityType: 'hazard',
      entityId: row.id,
    },
    ctx.now,
  );
  return result;
}

const WORKFLOW_HTTP = { ILLEGAL_ACTION: 409, FORBIDDEN_ACTION: 403, MISSING_FIELD: 400, INVALID_FIELD: 400 } as const;

function notBefore(today: string, date: string | undefined, field: string) {
  if (date !== undefined && date < today) throw invalid(field, `${field} may not be in the past`);
}

/**
 * One step of the life cycle: row lock, scope (404), version (409 STALE_VERSION), the core table (409
 * ILLEGAL_ACTION, 403 FORBIDDEN_ACTION, 400 MISSING_FIELD/INVALID_FIELD), then the write, the history row, the
 * audit row and the notifications — all in the caller's transaction, so a failure writes nothing.
 */
export async function actOnHazard(
  tx: Tx,
  ctx: RequestCtx,
  deps: HazardDeps,
  id: string,
  body: { action: HazardAction; version: number } & Record<string, unknown>,
): Promise<HazardRow> {
  const { actor } = ctx;
  requirePermission(actor, 'hazard.read');
  const h = await lockHazard(tx, actor, id);
  if (!h) throw notFound('hazard');
  if (h.version !== body.version) throw staleVersion(h.version);
  const { action, version: _v, ...payload } = body;
  const check = checkTransition(workflowContext(h, actor), action, payload);
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
  const today = localDate(ctx.now);
  const set: Updateable<HazardsTable> = {
    status: check.next.status,
    deadline: check.next.deadline,
    extension_requested: check.next.extensionRequestedForCurrentDeadline,
    pending_extension: check.next.pendingExtension,
  };
  let data: Record<string, unknown> = {};
  let evidence: string[] = [];
  switch (action) {
    case 'confirm': {
      const p = confirmPayloadSchema.parse(payload);
      notBefore(today, p.plan.deadline, 'plan.deadline');
      set.plan = JSON.stringify(p.plan);
      set.interim_measures = p.interimMeasures;
      set.rectification_measures = p.plan.measures;
      set.responsible_person = p.plan.owner;
      set.rectification_funds = p.plan.funds;
      data = p;
      break;
    }
    case 'reject': {
      const p = rejectPayloadSchema.parse(payload);
      set.rejected_reason = p.reason;
      data = p;
      break;
    }
    case 'submit': {
      const p = (h.level === 'major' ? majorSubmitPayloadSchema : generalSubmitPayloadSchema).parse(payload);
      evidence = p.evidenceFileIds ?? [];
      set.submitted_at = ctx.now;
      set.submission_note = p.note ?? '';
      set.requested_deadline = null;
      data = p;
      break;
    }
    case 'verify': {
      const p = verifyPayloadSchema.parse(payload);
      evidence = p.evidenceFileIds ?? [];
      set.verifier_id = actor.userId;
      set.verifier_name = actor.displayName;
      set.verify_opinion = p.note ?? '';
      set.verified_at = ctx.now;
      data = p;
      break;
    }
    case 'close': {
      const p = closePayloadSchema.parse(payload);
      set.closed_at = ctx.now;
      set.closed_by_name = actor.displayName;
      data = p;
      break;
    }
    case 'return': {
      const p = returnPayloadSchema.parse(payload);
      notBefore(today, p.newDeadline, 'newDeadline');
      set.verifier_id = null;
      set.verifier_name = null;
      set.verify_opinion = null;
      set.verified_at = null;
      set.closed_at = null;
      set.closed_by_name = null;
      data = p;
      break;
    }
    case 'request_extension': {
      const p = requestExtensionPayloadSchema.parse(payload);
      notBefore(today, p.requestedDeadline, 'requestedDeadline');
      set.requested_deadline = p.requestedDeadline;
      set.extension_reason = p.reason;
      data = p;
      break;
    }
    case 'decide_extension': {
      const p = decideExtensionPayloadSchema.parse(payload);
      notBefore(today, p.newDeadline, 'newDeadline');
      set.requested_deadline = null;
      data = p;
      break;
    }
  }
  const evidenceIds = [...new Set(evidence)];
  if (evidenceIds.length) {
    if (!evidenceIds.every(isUuid)) throw invalid('evidenceFileIds', 'Not a file id');
    await deps.files.attach(tx, actor, evidenceIds, 'hazard', h.id, 'evidenceFileIds');
    set.evidence_file_ids = [...h.evidence_file_ids, ...evidenceIds];
  }
  const after = await tx
    .updateTable('hazards')
    .set({ ...set, updated_at: ctx.now, version: h.version + 1 })
    .where('id', '=', h.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await addHazardEvent(tx, { hazardId: h.id, at: ctx.now, actor, action, from: h.status, to: after.status, data });
  await audit(tx, ctx, {
    action: `hazard.${action}`,
    entityType: 'hazard',
    entityId: h.id,
    before: auditView(h),
    after: auditView(after),
  });
  const users = await usersOf(
    tx,
    hazardParties(after, { region_path: h.enterprise_region_path, department_ids: h.enterprise_department_ids }),
    actor.userId,
  );
  const verb = ACTION_TEXT[action];
  await notify(
    tx,
    deps.fx,
    {
      userIds: users,
      kind: `hazard.${action}`,
      title: {
        zh: `隐患 ${h.code}（${h.enterprise_name}）${verb.zh}`,
        en: `Hazard ${h.code} (${h.enterprise_name}) ${verb.en}`,
      },
      body: {
        zh: typeof data.reason === 'string' ? data.reason : typeof data.note === 'string' ? data.note : '',
        en: typeof data.reason === 'string' ? data.reason : typeof data.note === 'string' ? data.note : '',
      },
      link: `/hazards/${h.id}`,
      entityType: 'hazard',
      entityId: h.id,
    },
    ctx.now,
  );
  return after;
}

/** Edits the descriptive fields of an open hazard (not its status, level or deadline). */
export async function updateHazard(
  tx: Tx,
  ctx: RequestCtx,
  deps: HazardDeps,
  id: string,
  input: HazardUpdateInput,
): Promise<HazardRow> {
  const { actor } = ctx;
  requirePermission(actor, 'hazard.read');
  const h = await lockHazard(tx, actor, id);
  if (!h) throw notFound('hazard');
  requirePermission(actor, 'hazard.create');
  if (scopeKind(actor) === 'enterprise' && actor.enterpriseId !== h.enterprise_id) throw notFound('hazard');
  if (h.version !== input.version) throw staleVersion(h.version);
  // The specific refusals above keep their codes; what remains of the edit rule (open status) is the policy's.
  if (!mayEditHazard(h, actor)) throw illegal(`A ${h.status} hazard can no longer be edited`);
  const set: Updateable<HazardsTable> = {};
  if (input.place !== undefined) set.place = input.place;
  if (input.description !== undefined) set.description = input.description;
  if (input.category !== undefined) set.category = input.category;
  if (input.rectification?.measures !== undefined) set.rectification_measures = input.rectification.measures;
  if (input.rectification?.responsiblePerson !== undefined)
    set.responsible_person = input.rectification.responsiblePerson;
  if (input.rectification?.funds !== undefined) set.rectification_funds = input.rectification.funds;
  await deps.files.attach(tx, actor, input.addPhotoFileIds, 'hazard', h.id, 'addPhotoFileIds');
  await deps.files.attach(tx, actor, input.addDocumentFileIds, 'hazard', h.id, 'addDocumentFileIds');
  if (input.addPhotoFileIds.length) set.photo_file_ids = [...h.photo_file_ids, ...input.addPhotoFileIds];
  if (input.addDocumentFileIds.length) set.document_file_ids = [...h.document_file_ids, ...input.addDocumentFileIds];
  const after = await tx
    .updateTable('hazards')
    .set({ ...set, updated_at: ctx.now, version: h.version + 1 })
    .where('id', '=', h.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const { version: _v, ...changes } = input;
  await addHazardEvent(tx, { hazardId: h.id, at: ctx.now, actor, action: 'update', data: changes });
  await audit(tx, ctx, {
    action: 'hazard.updated',
    entityType: 'hazard',
    entityId: h.id,
    before: { place: h.place, description: h.description, category: h.category },
    after: { place: after.place, description: after.description, category: after.category, changes },
  });
  return after;
}
