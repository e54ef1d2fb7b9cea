/**
 * Inspection (监督检查) life cycle as a transition table plus pure functions over it.
 *
 *   planned --start--> in_progress --complete--> completed --issue_documents--> documents_issued
 *   planned --reschedule--> planned            (new time and reason; the server re-runs checkEntry)
 *   planned | in_progress --cancel--> cancelled (reason)
 *
 * Legal basis:
 * - 安全生产法 (2021) §65 (on-site inspection powers), §66 (inspectors show their certificates and keep the
 *   enterprise's secrets), §67 (the inspection, the problems found and their handling are recorded in writing
 *   and signed: 现场检查记录); 行政处罚法 (2021) §42 (at least two officers), §44–§45 (notice before a penalty),
 *   §59 (penalty decision). Enforcement documents of RULES §10.
 * - Unannounced inspections, 四不两直 (RULES §10; seed 一(二)): no notice, no greeting, no briefing, no escort,
 *   straight to the site. So an unannounced inspection is invisible to the enterprise until it starts.
 *
 * Decisions:
 * - Acting roles: dept_officer, town_officer, county_admin — and only when the actor's unit organises or takes part
 *   in the inspection (`ctx.actorIsOrganiser`; always true for county scope). Every other role (sys_admin,
 *   county_leader, village_worker, enterprise_admin, enterprise_staff) never acts.
 * - `cancel` is possible before and during the visit (e.g. the site is found closed), never after completion:
 *   a completed inspection is a record and is corrected by new documents, not erased.
 * - `complete` requires `nonCompliantItems` (feeds the credit score); `issue_documents` requires at least one
 *   document and always the 现场检查记录 (安全生产法 §67), each with a document number.
 * - `reschedule` requires a new time different from the current one, and a reason.
 * - Error codes as in the hazard workflow: ILLEGAL_ACTION (no row), FORBIDDEN_ACTION (row, not this actor),
 *   MISSING_FIELD / INVALID_FIELD (payload), checked in that order.
 */
import { z } from 'zod';
import type { Role } from '../roles.js';
import type { LocalizedText } from './calendar.js';

export const INSPECTION_STATUSES = ['planned', 'in_progress', 'completed', 'documents_issued', 'cancelled'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];

export const INSPECTION_ACTIONS = ['start', 'complete', 'issue_documents', 'cancel', 'reschedule'] as const;
export type InspectionAction = (typeof INSPECTION_ACTIONS)[number];

export const INSPECTION_STATUS_LABELS: Readonly<Record<InspectionStatus, LocalizedText>> = {
  planned: { zh: '已计划', en: 'planned' },
  in_progress: { zh: '检查中', en: 'in progress' },
  completed: { zh: '已完成', en: 'completed' },
  documents_issued: { zh: '文书已送达', en: 'documents issued' },
  cancelled: { zh: '已取消', en: 'cancelled' },
};

export const INSPECTION_ACTION_LABELS: Readonly<Record<InspectionAction, LocalizedText>> = {
  start: { zh: '开始检查', en: 'start' },
  complete: { zh: '完成检查', en: 'complete' },
  issue_documents: { zh: '出具文书', en: 'issue documents' },
  cancel: { zh: '取消', en: 'cancel' },
  reschedule: { zh: '改期', en: 'reschedule' },
};

/** Enforcement documents (RULES §10). */
export const ENFORCEMENT_DOCUMENT_KINDS = [
  'site_record',
  'rectification_order',
  'review_opinion',
  'penalty_notice',
  'penalty_decision',
] as const;
export type EnforcementDocumentKind = (typeof ENFORCEMENT_DOCUMENT_KINDS)[number];

export const ENFORCEMENT_DOCUMENT_LABELS: Readonly<Record<EnforcementDocumentKind, LocalizedText>> = {
  site_record: { zh: '现场检查记录', en: 'on-site inspection record' },
  rectification_order: { zh: '责令限期整改指令书', en: 'rectification order' },
  review_opinion: { zh: '整改复查意见书', en: 'rectification review opinion' },
  penalty_notice: { zh: '行政处罚告知书', en: 'notice of intended penalty' },
  penalty_decision: { zh: '行政处罚决定书', en: 'penalty decision' },
};

/** The roles that may act on inspections (with ctx.actorIsOrganiser). */
export const INSPECTION_ACTOR_ROLES: readonly Role[] = ['dept_officer', 'town_officer', 'county_admin'];

export interface InspectionTransition {
  readonly from: InspectionStatus;
  readonly action: InspectionAction;
  readonly to: InspectionStatus;
  readonly roles: readonly Role[];
  /** Payload fields that must be present and non-empty. */
  readonly requiredFields: readonly string[];
  readonly basis: string;
}

export const INSPECTION_TRANSITIONS: readonly InspectionTransition[] = [
  {
    from: 'planned',
    action: 'start',
    to: 'in_progress',
    roles: INSPECTION_ACTOR_ROLES,
    requiredFields: [],
    basis: '安全生产法 §65, §66 (进入现场检查，出示执法证件)',
  },
  {
    from: 'planned',
    action: 'reschedule',
    to: 'planned',
    roles: INSPECTION_ACTOR_ROLES,
    requiredFields: ['plannedAt', 'reason'],
    basis: '安全生产法 §63 (监督检查计划); 国办发〔2024〕54号 (入企检查规范) — local',
  },
  {
    from: 'planned',
    action: 'cancel',
    to: 'cancelled',
    roles: INSPECTION_ACTOR_ROLES,
    requiredFields: ['reason'],
    basis: '安全生产法 §63 — local',
  },
  {
    from: 'in_progress',
    action: 'complete',
    to: 'completed',
    roles: INSPECTION_ACTOR_ROLES,
    requiredFields: ['nonCompliantItems'],
    basis: '安全生产法 §65 (检查、发现问题、处理)',
  },
  {
    from: 'in_progress',
    action: 'cancel',
    to: 'cancelled',
    roles: INSPECTION_ACTOR_ROLES,
    requiredFields: ['reason'],
    basis: 'local (检查中止: e.g. the site is closed)',
  },
  {
    from: 'completed',
    action: 'issue_documents',
    to: 'documents_issued',
    roles: INSPECTION_ACTOR_ROLES,
    requiredFields: ['documents'],
    basis: '安全生产法 §67 (检查情况书面记录并签字); 行政处罚法 §44, §59',
  },
];

// ---------------------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------------------

const text = z.string().trim().min(1).max(2000);
export const startPayloadSchema = z.object({ startedAt: z.iso.datetime({ offset: true }).optional() });
export const reschedulePayloadSchema = z.object({ plannedAt: z.iso.datetime({ offset: true }), reason: text });
export const cancelPayloadSchema = z.object({ reason: text });
export const completePayloadSchema = z.object({
  nonCompliantItems: z.number().int().min(0).max(10_000),
  compliantItems: z.number().int().min(0).max(10_000).optional(),
  summary: z.string().max(10_000).optional(),
});
export const issueDocumentsPayloadSchema = z.object({
  documents: z
    .array(
      z.object({
        kind: z.enum(ENFORCEMENT_DOCUMENT_KINDS),
        number: z.string().trim().min(1).max(100),
        fileId: z.string().min(1).optional(),
      }),
    )
    .min(1)
    .refine((docs) => docs.some((d) => d.kind === 'site_record'), {
      message: 'documents.site_record_required',
    }),
});

const PAYLOAD_SCHEMAS: Readonly<Record<InspectionAction, z.ZodType>> = {
  start: startPayloadSchema,
  reschedule: reschedulePayloadSchema,
  cancel: cancelPayloadSchema,
  complete: completePayloadSchema,
  issue_documents: issueDocumentsPayloadSchema,
};

// ---------------------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------------------

export interface InspectionWorkflowContext {
  status: InspectionStatus;
  /** Current planned time (ISO 8601), compared on reschedule. */
  plannedAt: string;
  actorRole: Role;
  /** The actor's unit organises or takes part in this inspection (county scope: always). */
  actorIsOrganiser: boolean;
}

export type InspectionWorkflowErrorCode = 'ILLEGAL_ACTION' | 'FORBIDDEN_ACTION' | 'MISSING_FIELD' | 'INVALID_FIELD';

export interface InspectionTransitionFailure {
  ok: false;
  code: InspectionWorkflowErrorCode;
  field?: string;
  message: string;
}
export interface InspectionTransitionSuccess {
  ok: true;
  to: InspectionStatus;
  transition: InspectionTransition;
  /** The validated payload. */
  payload: Record<string, unknown>;
}
export type InspectionTransitionResult = InspectionTransitionSuccess | InspectionTransitionFailure;

export function inspectionTransitionFor(
  status: InspectionStatus,
  action: InspectionAction,
): InspectionTransition | undefined {
  return INSPECTION_TRANSITIONS.find((t) => t.from === status && t.action === action);
}

function resolve(
  ctx: InspectionWorkflowContext,
  action: InspectionAction,
): InspectionTransition | InspectionTransitionFailure {
  const t = inspectionTransitionFor(ctx.status, action);
  if (!t) {
    return {
      ok: false,
      code: 'ILLEGAL_ACTION',
      message: `Action "${action}" is not possible on an inspection in status "${ctx.status}"`,
    };
  }
  if (!t.roles.includes(ctx.actorRole) || !ctx.actorIsOrganiser) {
    return {
      ok: false,
      code: 'FORBIDDEN_ACTION',
      message: `Role "${ctx.actorRole}" may not ${action} this inspection`,
    };
  }
  return t;
}

/** The actions this actor may take now (payload not considered), in INSPECTION_ACTIONS order. */
export function allowedInspectionActions(ctx: InspectionWorkflowContext): InspectionAction[] {
  return INSPECTION_ACTIONS.filter((a) => !('ok' in resolve(ctx, a)));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function isBlank(v: unknown): boolean {
  return (
    v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0)
  );
}

/**
 * Checks an action against the table, the actor and the payload, in that order. On success returns the new
 * status and the validated payload (for reschedule: the new `plannedAt`).
 */
export function checkInspectionTransition(
  ctx: InspectionWorkflowContext,
  action: InspectionAction,
  payload?: unknown,
): InspectionTransitionResult {
  const t = resolve(ctx, action);
  if ('ok' in t) return t;
  const input = payload ?? {};
  const r = PAYLOAD_SCHEMAS[action].safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue?.path ?? [];
    const field = path.length > 0 ? path.map(String).join('.') : undefined;
    const missing = path.length > 0 && isBlank(valueAt(input, path));
    const failure: InspectionTransitionFailure = {
      ok: false,
      code: missing ? 'MISSING_FIELD' : 'INVALID_FIELD',
      message: missing ? `${field} is required` : (issue?.message ?? 'Invalid payload'),
    };
    if (field !== undefined) failure.field = field;
    return failure;
  }
  const data = r.data as Record<string, unknown>;
  if (action === 'reschedule' && Date.parse(String(data.plannedAt)) === Date.parse(ctx.plannedAt)) {
    return {
      ok: false,
      code: 'INVALID_FIELD',
      field: 'plannedAt',
      message: 'The new time must differ from the planned time',
    };
  }
  return { ok: true, to: t.to, transition: t, payload: data };
}

// ---------------------------------------------------------------------------------------------------------
// Visibility to the enterprise — 四不两直
// ---------------------------------------------------------------------------------------------------------

export interface InspectionVisibility {
  status: InspectionStatus;
  /** 四不两直: not announced to the enterprise. */
  unannounced: boolean;
  /** When the inspection started (ISO 8601), null or absent before. */
  startedAt?: string | null;
}

const STARTED_STATUSES: readonly InspectionStatus[] = ['in_progress', 'completed', 'documents_issued'];

/**
 * Whether enterprise users may see the inspection. An announced inspection is visible from planning. An
 * unannounced one only once it has started (a started status, or a start time for one cancelled on site). One
 * cancelled before its start stays hidden for good, so its planned date is never revealed.
 */
export function visibleToEnterprise(inspection: InspectionVisibility): boolean {
  if (!inspection.unannounced) return true;
  return STARTED_STATUSES.includes(inspection.status) || (inspection.startedAt ?? null) !== null;
}
