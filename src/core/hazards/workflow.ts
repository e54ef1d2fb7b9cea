/**
 * Hidden-hazard (事故隐患) life cycle as a transition table plus pure functions over it.
 *
 * Legal basis (each row of HAZARD_TRANSITIONS cites its own):
 * - 《中华人民共和国安全生产法》(2021) §41: the enterprise runs hazard investigation and rectification itself
 *   and reports the handling of major hazards to the supervising department; §65: supervisors order hazards
 *   removed and a major hazard's removal is reviewed before production resumes.
 * - 《安全生产事故隐患排查治理暂行规定》(原国家安监总局令第16号): §14 major hazards are reported to the
 *   regulator; §15 general hazards are rectified at once by the enterprise, major hazards under a plan
 *   (objectives, measures, funds, owner, deadline, safety measures and contingency plan — "五到位");
 *   §16 interim safety measures while rectifying; §18 the enterprise applies in writing after rectifying a
 *   major hazard; §23 the regulator reviews on site and de-lists (核销) the hazard.
 * - The county notice (seed, 三): 闭环管理, 挂牌督办, 销号 by the county. Extensions and spot checks of
 *   self-closed hazards are local mechanisms with no national article.
 *
 * Pure: no I/O. The server computes the scope booleans of the context (own enterprise, supervisor of this
 * enterprise) and enforces checkTransition; the web app calls allowedActions to show only the buttons
 * that apply.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------------

export const HAZARD_STATUSES = ['reported', 'rejected', 'rectifying', 'submitted', 'verified', 'closed'] as const;
export type HazardStatus = (typeof HAZARD_STATUSES)[number];

/** Statuses in which the hazard still exists (counted for 动态清零, "clearing to zero"). */
export const HAZARD_OPEN_STATUSES = [
  'reported',
  'rectifying',
  'submitted',
  'verified',
] as const satisfies readonly HazardStatus[];
export function isOpenHazardStatus(status: HazardStatus): boolean {
  return (HAZARD_OPEN_STATUSES as readonly HazardStatus[]).includes(status);
}

export const HAZARD_ACTIONS = [
  'confirm',
  'reject',
  'submit',
  'return',
  'verify',
  'close',
  'request_extension',
  'decide_extension',
] as const;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];

/** 一般隐患 / 重大事故隐患 (16号令 §3). */
export const HAZARD_LEVELS = ['general', 'major'] as const;
export type HazardLevel = (typeof HAZARD_LEVELS)[number];

export const HAZARD_SOURCES = [
  'self_check',
  'inspection',
  'patrol',
  'employee_report',
  'public_report',
  'alarm',
  'campaign',
] as const;
export type HazardSource = (typeof HAZARD_SOURCES)[number];

/**
 * `self`: a general hazard the enterprise found itself and closes itself (its safety manager verifies).
 * `supervised`: everything else — the supervising side verifies and closes. A major hazard always follows
 * the major rows of the table whatever its path (the major rows apply to both paths).
 */
export const HAZARD_PATHS = ['self', 'supervised'] as const;
export type HazardPath = (typeof HAZARD_PATHS)[number];

export const ROLES = [
  'sys_admin',
  'county_admin',
  'county_leader',
  'dept_officer',
  'town_officer',
  'village_worker',
  'enterprise_admin',
  'enterprise_staff',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who acts, beside the role:
 * - `enterprise`: a user of the hazard's own enterprise (ctx.actorIsOwnEnterprise);
 * - `supervisor`: a user whose scope supervises the enterprise — dept_officer of a department supervising its
 *   sector, town_officer of its township, county_admin (ctx.actorIsSupervisor);
 * - `county_approver`: county_admin only (also needs ctx.actorIsSupervisor, which is always true for county scope).
 */
export const ACTOR_SIDES = ['enterprise', 'supervisor', 'county_approver'] as const;
export type ActorSide = (typeof ACTOR_SIDES)[number];

/** Who found or reported the hazard. `public` = an anonymous or named report from outside (12350, web form). */
export const FINDER_SIDES = ['enterprise', 'supervisor', 'public'] as const;
export type FinderSide = (typeof FINDER_SIDES)[number];

/** Which sources each finder side may record. */
export const SOURCES_BY_FINDER_SIDE: { readonly [S in FinderSide]: readonly HazardSource[] } = {
  // 安全生产法 §41 self-checks; internal employee reports (企业内部隐患报告奖励制度, seed 一(三)); sensor alarms
  // the enterprise confirms; self-checks pushed by a 举一反三 campaign (seed 三).
  enterprise: ['self_check', 'employee_report', 'alarm', 'campaign'],
  // enforcement inspections (安全生产法 §65), township/grid patrols, alarms confirmed by a supervisor.
  supervisor: ['inspection', 'patrol', 'alarm'],
  // 安全生产法 §74: anyone may report; an employee may also report his own employer to the regulator.
  public: ['public_report', 'employee_report'],
};

export function isSourceAllowedFor(finderSide: FinderSide, source: HazardSource): boolean {
  return SOURCES_BY_FINDER_SIDE[finderSide].includes(source);
}

/** The side a logged-in user finds hazards for, or null when the role may not record hazards. */
export function finderSideForRole(role: Role): FinderSide | null {
  switch (role) {
    case 'enterprise_admin':
    case 'enterprise_staff':
      return 'enterprise';
    case 'county_admin':
    case 'dept_officer':
    case 'town_officer':
    case 'village_worker':
      return 'supervisor';
    case 'county_leader':
    case 'sys_admin':
      return null;
  }
}

export interface HazardOrigin {
  level: HazardLevel;
  source: HazardSource;
  finderSide: FinderSide;
}

/**
 * The path of a new hazard. Only a general hazard the enterprise found itself (self-check, or a report by its
 * own staff through the enterprise's internal channel) is `self` (16号令 §15: general hazards are rectified by
 * the enterprise at once). Campaign and alarm findings, inspections, patrols and accepted public reports are
 * `supervised`; a major hazard is always `supervised`.
 */
export function hazardPath({ level, source, finderSide }: HazardOrigin): HazardPath {
  if (level === 'general' && finderSide === 'enterprise' && (source === 'self_check' || source === 'employee_report')) {
    return 'self';
  }
  return 'supervised';
}

/**
 * The first status. A major hazard, whoever finds it, starts `reported` and waits for the supervising
 * department to confirm it with a rectification plan (16号令 §14, §15). A general hazard starts `rectifying`;
 * on the supervised path the finder sets the deadline (责令限期整改), on the self path the enterprise does.
 */
export function initialStatus(origin: HazardOrigin): HazardStatus {
  return origin.level === 'major' ? 'reported' : 'rectifying';
}

// ---------------------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------------------

export const TEXT_MAX = 2000;
export const EVIDENCE_MAX = 50;

/** A calendar date `YYYY-MM-DD` (real dates only: 2025-02-29 is rejected). */
export const isoDateSchema = z.iso.date();
const requiredText = z.string().trim().min(1).max(TEXT_MAX);
const optionalText = z.string().trim().max(TEXT_MAX).optional();
const fileId = z.string().trim().min(1).max(200);

/** 整改方案 "五到位" (16号令 §15): owner, measures, funds, deadline, contingency. */
export const rectificationPlanSchema = z.object({
  owner: requiredText,
  measures: requiredText,
  funds: requiredText,
  deadline: isoDateSchema,
  contingency: requiredText,
});
export type RectificationPlan = z.infer<typeof rectificationPlanSchema>;

/** confirm (major): the plan and the interim safety measures (16号令 §15, §16). */
export const confirmPayloadSchema = z.object({ plan: rectificationPlanSchema, interimMeasures: requiredText });
export const rejectPayloadSchema = z.object({ reason: requiredText });

/**
 * submit (general): a note or at least one evidence file — a hazard fixed on the spot may have only a note,
 * a photo alone may say enough. Reported as MISSING_FIELD `note` when both are absent.
 */
export const generalSubmitPayloadSchema = z
  .object({ note: optionalText, evidenceFileIds: z.array(fileId).max(EVIDENCE_MAX).optional() })
  .superRefine((v, ctx) => {
    if (!v.note && (v.evidenceFileIds ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'A note or at least one evidence file is required' });
    }
  });

/** submit (major): a note and at least one evidence file (16号令 §18: written application with the evidence). */
export const majorSubmitPayloadSchema = z.object({
  note: requiredText,
  evidenceFileIds: z.array(fileId).min(1).max(EVIDENCE_MAX),
});

/** return: a reason; optionally a new deadline (otherwise the current one stays and may already be overdue). */
export const returnPayloadSchema = z.object({ reason: requiredText, newDeadline: isoDateSchema.optional() });
export const verifyPayloadSchema = z.object({
  note: optionalText,
  evidenceFileIds: z.array(fileId).max(EVIDENCE_MAX).optional(),
});
export const closePayloadSchema = z.object({ note: optionalText });
/** request_extension: why, and the date asked for (must be after the current deadline). */
export const requestExtensionPayloadSchema = z.object({ reason: requiredText, requestedDeadline: isoDateSchema });
/** decide_extension: approved requires newDeadline (after the current deadline); a denial carries no date. */
export const decideExtensionPayloadSchema = z
  .object({ approved: z.boolean(), newDeadline: isoDateSchema.optional(), reason: optionalText })
  .superRefine((v, ctx) => {
    if (v.approved && v.newDeadline === undefined) {
      ctx.addIssue({ code: 'custom', path: ['newDeadline'], message: 'An approved extension needs a new deadline' });
    }
    if (!v.approved && v.newDeadline !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['newDeadline'], message: 'A denied extension carries no new deadline' });
    }
  });

/** Payload schema per action. `submit` here is the general rule; a major hazard uses majorSubmitPayloadSchema. */
export const actionPayloadSchemas = {
  confirm: confirmPayloadSchema,
  reject: rejectPayloadSchema,
  submit: generalSubmitPayloadSchema,
  return: returnPayloadSchema,
  verify: verifyPayloadSchema,
  close: closePayloadSchema,
  request_extension: requestExtensionPayloadSchema,
  decide_extension: decideExtensionPayloadSchema,
} as const satisfies { readonly [A in HazardAction]: z.ZodType };

export function payloadSchemaFor(action: HazardAction, level: HazardLevel): z.ZodType {
  return action === 'submit' && level === 'major' ? majorSubmitPayloadSchema : actionPayloadSchemas[action];
}

export type ConfirmPayload = z.infer<typeof confirmPayloadSchema>;
export type RejectPayload = z.infer<typeof rejectPayloadSchema>;
export type GeneralSubmitPayload = z.infer<typeof generalSubmitPayloadSchema>;
export type MajorSubmitPayload = z.infer<typeof majorSubmitPayloadSchema>;
export type ReturnPayload = z.infer<typeof returnPayloadSchema>;
export type VerifyPayload = z.infer<typeof verifyPayloadSchema>;
export type ClosePayload = z.infer<typeof closePayloadSchema>;
export type RequestExtensionPayload = z.infer<typeof requestExtensionPayloadSchema>;
export type DecideExtensionPayload = z.infer<typeof decideExtensionPayloadSchema>;

// ---------------------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------------------

/**
 * Extra state conditions of a row:
 * - `extension_not_requested`: no extension has been requested for the current deadline (at most once per deadline);
 * - `extension_pending`: an extension request awaits a decision.
 */
export type TransitionGuard = 'extension_not_requested' | 'extension_pending';

export interface HazardTransition {
  readonly from: HazardStatus;
  readonly action: HazardAction;
  readonly to: HazardStatus;
  readonly side: ActorSide;
  readonly roles: readonly Role[];
  readonly levels: readonly HazardLevel[];
  readonly paths: readonly HazardPath[];
  /** Payload fields that must be present and non-empty (dotted paths). */
  readonly requiredFields: readonly string[];
  /** At least one of these must be present (general submit). */
  readonly requiredOneOf?: readonly string[];
  readonly guard?: TransitionGuard;
  /** Regulation and article, or "local" for a county mechanism. */
  readonly basis: string;
}

const ENTERPRISE_USERS: readonly Role[] = ['enterprise_admin', 'enterprise_staff'];
const SAFETY_MANAGER: readonly Role[] = ['enterprise_admin'];
/** Supervisors of a general hazard: the sector department, the township, the county. */
const GENERAL_SUPERVISORS: readonly Role[] = ['dept_officer', 'town_officer', 'county_admin'];
/** Supervisors of a major hazard: the supervising department or the county (安全生产法 §41, 16号令 §14). */
const MAJOR_SUPERVISORS: readonly Role[] = ['dept_officer', 'county_admin'];
const COUNTY: readonly Role[] = ['county_admin'];

const GENERAL: readonly HazardLevel[] = ['general'];
const MAJOR: readonly HazardLevel[] = ['major'];
const BOTH_LEVELS: readonly HazardLevel[] = ['general', 'major'];
const SELF: readonly HazardPath[] = ['self'];
const SUPERVISED: readonly HazardPath[] = ['supervised'];
const ANY_PATH: readonly HazardPath[] = ['self', 'supervised'];

const PLAN_FIELDS = [
  'plan.owner',
  'plan.measures',
  'plan.funds',
  'plan.deadline',
  'plan.contingency',
  'interimMeasures',
] as const;

export const HAZARD_TRANSITIONS: readonly HazardTransition[] = [
  // --- general hazard, self path: the enterprise closes its own loop -------------------------------------
  {
    from: 'rectifying',
    action: 'submit',
    to: 'submitted',
    side: 'enterprise',
    roles: ENTERPRISE_USERS,
    levels: GENERAL,
    paths: SELF,
    requiredFields: [],
    requiredOneOf: ['note', 'evidenceFileIds'],
    basis: '16号令 §15 (一般隐患由生产经营单位立即组织整改); 安全生产法 §41',
  },
  {
    from: 'submitted',
    action: 'verify',
    to: 'verified',
    side: 'enterprise',
    roles: SAFETY_MANAGER,
    levels: GENERAL,
    paths: SELF,
    requiredFields: [],
    basis: '安全生产法 §25(五) (安全生产管理人员检查、督促整改隐患); 16号令 §15',
  },
  {
    from: 'submitted',
    action: 'return',
    to: 'rectifying',
    side: 'enterprise',
    roles: SAFETY_MANAGER,
    levels: GENERAL,
    paths: SELF,
    requiredFields: ['reason'],
    basis: '安全生产法 §25(五)',
  },
  {
    from: 'verified',
    action: 'close',
    to: 'closed',
    side: 'enterprise',
    roles: SAFETY_MANAGER,
    levels: GENERAL,
    paths: SELF,
    requiredFields: [],
    basis: '安全生产法 §41 (如实记录隐患排查治理情况)',
  },
  {
    from: 'verified',
    action: 'return',
    to: 'rectifying',
    side: 'supervisor',
    roles: GENERAL_SUPERVISORS,
    levels: GENERAL,
    paths: SELF,
    requiredFields: ['reason'],
    basis: '安全生产法 §65 (监督检查中发现隐患责令排除) — spot check of a self-verified hazard (local)',
  },
  {
    from: 'closed',
    action: 'return',
    to: 'rectifying',
    side: 'supervisor',
    roles: GENERAL_SUPERVISORS,
    levels: GENERAL,
    paths: SELF,
    requiredFields: ['reason'],
    basis: '安全生产法 §65 — spot check of a self-closed hazard reopens it (local)',
  },
  // --- general hazard, supervised path: 责令限期整改 → 整改复查 ---------------------------------------------
  {
    from: 'rectifying',
    action: 'submit',
    to: 'submitted',
    side: 'enterprise',
    roles: ENTERPRISE_USERS,
    levels: GENERAL,
    paths: SUPERVISED,
    requiredFields: [],
    requiredOneOf: ['note', 'evidenceFileIds'],
    basis: '安全生产法 §65(三) (责令限期排除)',
  },
  {
    from: 'submitted',
    action: 'verify',
    to: 'verified',
    side: 'supervisor',
    roles: GENERAL_SUPERVISORS,
    levels: GENERAL,
    paths: SUPERVISED,
    requiredFields: [],
    basis: '安全生产法 §65(三) (整改复查)',
  },
  {
    from: 'submitted',
    action: 'return',
    to: 'rectifying',
    side: 'supervisor',
    roles: GENERAL_SUPERVISORS,
    levels: GENERAL,
    paths: SUPERVISED,
    requiredFields: ['reason'],
    basis: '安全生产法 §65(三) (复查不合格)',
  },
  {
    from: 'verified',
    action: 'close',
    to: 'closed',
    side: 'supervisor',
    roles: GENERAL_SUPERVISORS,
    levels: GENERAL,
    paths: SUPERVISED,
    requiredFields: [],
    basis: 'seed 三 (闭环管理)',
  },
  {
    from: 'verified',
    action: 'return',
    to: 'rectifying',
    side: 'supervisor',
    roles: GENERAL_SUPERVISORS,
    levels: GENERAL,
    paths: SUPERVISED,
    requiredFields: ['reason'],
    basis: 'seed 三 (闭环管理) — a verified hazard found not fixed before closure',
  },
  // --- major hazard (either path): report → confirm with plan → rectify → verify → county de-lists --------
  {
    from: 'reported',
    action: 'confirm',
    to: 'rectifying',
    side: 'supervisor',
    roles: MAJOR_SUPERVISORS,
    levels: MAJOR,
    paths: ANY_PATH,
    requiredFields: PLAN_FIELDS,
    basis: '16号令 §14 (重大隐患报告), §15 (治理方案五到位), §16 (治理期间安全防范措施); 安全生产法 §41',
  },
  {
    from: 'reported',
    action: 'reject',
    to: 'rejected',
    side: 'supervisor',
    roles: MAJOR_SUPERVISORS,
    levels: MAJOR,
    paths: ANY_PATH,
    requiredFields: ['reason'],
    basis: '16号令 §14 (监管部门对报告的重大隐患进行核实)',
  },
  {
    from: 'rectifying',
    action: 'submit',
    to: 'submitted',
    side: 'enterprise',
    roles: SAFETY_MANAGER,
    levels: MAJOR,
    paths: ANY_PATH,
    requiredFields: ['note', 'evidenceFileIds'],
    basis: '16号令 §18 (治理结束后评估并提出书面申请)',
  },
  {
    from: 'submitted',
    action: 'verify',
    to: 'verified',
    side: 'supervisor',
    roles: MAJOR_SUPERVISORS,
    levels: MAJOR,
    paths: ANY_PATH,
    requiredFields: [],
    basis: '16号令 §23 (现场审查); 安全生产法 §65(三) (经审查同意方可恢复生产)',
  },
  {
    from: 'submitted',
    action: 'return',
    to: 'rectifying',
    side: 'supervisor',
    roles: MAJOR_SUPERVISORS,
    levels: MAJOR,
    paths: ANY_PATH,
    requiredFields: ['reason'],
    basis: '16号令 §23 (审查不合格的，依法责令改正)',
  },
  {
    from: 'verified',
    action: 'close',
    to: 'closed',
    side: 'county_approver',
    roles: COUNTY,
    levels: MAJOR,
    paths: ANY_PATH,
    requiredFields: [],
    basis: '16号令 §23 (核销); seed 三 (重大隐患挂牌督办、整改销号 by the county)',
  },
  {
    from: 'verified',
    action: 'return',
    to: 'rectifying',
    side: 'county_approver',
    roles: COUNTY,
    levels: MAJOR,
    paths: ANY_PATH,
    requiredFields: ['reason'],
    basis: '16号令 §23; the county refuses 销号 (local)',
  },
  // --- deadline extension (self-transitions, status unchanged; local mechanism) ----------------------------
  {
    from: 'rectifying',
    action: 'request_extension',
    to: 'rectifying',
    side: 'enterprise',
    roles: SAFETY_MANAGER,
    levels: BOTH_LEVELS,
    paths: ANY_PATH,
    requiredFields: ['reason', 'requestedDeadline'],
    guard: 'extension_not_requested',
    basis: 'local: 延期整改申请, at most once per deadline',
  },
  {
    from: 'rectifying',
    action: 'decide_extension',
    to: 'rectifying',
    side: 'supervisor',
    roles: GENERAL_SUPERVISORS,
    levels: GENERAL,
    paths: ANY_PATH,
    requiredFields: ['approved'],
    guard: 'extension_pending',
    basis: 'local: the supervising side sets deadlines (安全生产法 §65(三) 责令限期排除)',
  },
  {
    from: 'rectifying',
    action: 'decide_extension',
    to: 'rectifying',
    side: 'supervisor',
    roles: MAJOR_SUPERVISORS,
    levels: MAJOR,
    paths: ANY_PATH,
    requiredFields: ['approved'],
    guard: 'extension_pending',
    basis: 'local: the supervising department decides on a major hazard deadline (16号令 §15 治理时限)',
  },
];

// ---------------------------------------------------------------------------------------------------------
// Context and checks
// ---------------------------------------------------------------------------------------------------------

/** The part of a hazard the workflow reads and changes. */
export interface HazardWorkflowState {
  status: HazardStatus;
  /** The current rectification deadline `YYYY-MM-DD` (end of that local day), null before one is set. */
  deadline: string | null;
  /** An extension was requested for the current deadline (reset when the deadline changes). */
  extensionRequestedForCurrentDeadline: boolean;
  /** An extension request awaits a decision. */
  pendingExtension: boolean;
}

export interface HazardWorkflowContext extends HazardWorkflowState {
  level: HazardLevel;
  path: HazardPath;
  actorRole: Role;
  /** The actor belongs to the hazard's enterprise. */
  actorIsOwnEnterprise: boolean;
  /** The actor's scope supervises the hazard's enterprise (sector department, township, county). */
  actorIsSupervisor: boolean;
}

export type WorkflowErrorCode = 'ILLEGAL_ACTION' | 'FORBIDDEN_ACTION' | 'MISSING_FIELD' | 'INVALID_FIELD';

export interface TransitionFailure {
  ok: false;
  code: WorkflowErrorCode;
  field?: string;
  message: string;
}

export interface TransitionSuccess {
  ok: true;
  to: HazardStatus;
  /** The workflow fields after the action (status, deadline, extension flags). */
  next: HazardWorkflowState;
  transition: HazardTransition;
}

export type TransitionResult = TransitionSuccess | TransitionFailure;

export function transitionFor(
  status: HazardStatus,
  action: HazardAction,
  level: HazardLevel,
  path: HazardPath,
): HazardTransition | undefined {
  return HAZARD_TRANSITIONS.find(
    (t) => t.from === status && t.action === action && t.levels.includes(level) && t.paths.includes(path),
  );
}

function actorMay(ctx: HazardWorkflowContext, t: HazardTransition): boolean {
  if (!t.roles.includes(ctx.actorRole)) return false;
  switch (t.side) {
    case 'enterprise':
      return ctx.actorIsOwnEnterprise;
    case 'supervisor':
      return ctx.actorIsSupervisor;
    case 'county_approver':
      return ctx.actorRole === 'county_admin' && ctx.actorIsSupervisor;
  }
}

function guardFailure(ctx: HazardWorkflowState, guard: TransitionGuard | undefined): string | null {
  switch (guard) {
    case undefined:
      return null;
    case 'extension_not_requested':
      if (ctx.pendingExtension) return 'An extension request is already pending';
      return ctx.extensionRequestedForCurrentDeadline
        ? 'An extension was already requested for the current deadline'
        : null;
    case 'extension_pending':
      return ctx.pendingExtension ? null : 'No extension request is pending';
  }
}

/** Table row, actor and state checks, without the payload. */
function resolve(ctx: HazardWorkflowContext, action: HazardAction): HazardTransition | TransitionFailure {
  const t = transitionFor(ctx.status, action, ctx.level, ctx.path);
  if (!t) {
    return {
      ok: false,
      code: 'ILLEGAL_ACTION',
      message: `Action "${action}" is not possible on a ${ctx.level} hazard (${ctx.path} path) in status "${ctx.status}"`,
    };
  }
  if (!actorMay(ctx, t)) {
    return { ok: false, code: 'FORBIDDEN_ACTION', message: `Role "${ctx.actorRole}" may not ${action} this hazard` };
  }
  const guard = guardFailure(ctx, t.guard);
  if (guard !== null) return { ok: false, code: 'ILLEGAL_ACTION', message: guard };
  return t;
}

/** The actions this actor may take now (payload not considered). Order follows HAZARD_ACTIONS. */
export function allowedActions(ctx: HazardWorkflowContext): HazardAction[] {
  return HAZARD_ACTIONS.filter((a) => !('ok' in resolve(ctx, a)));
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

type Parsed<T> = { ok: true; data: T } | TransitionFailure;

/** Validates a payload; the first problem is reported, MISSING_FIELD when absent or blank, else INVALID_FIELD. */
function parse<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, data: r.data };
  const issue = r.error.issues[0];
  const path = issue?.path ?? [];
  const field = path.length > 0 ? path.map(String).join('.') : undefined;
  const missing = path.length > 0 && isBlank(valueAt(input, path));
  const failure: TransitionFailure = {
    ok: false,
    code: missing ? 'MISSING_FIELD' : 'INVALID_FIELD',
    message: missing ? `${field} is required` : (issue?.message ?? 'Invalid payload'),
  };
  if (field !== undefined) failure.field = field;
  if (missing && issue?.code === 'custom') failure.message = issue.message;
  return failure;
}

function invalid(field: string, message: string): TransitionFailure {
  return { ok: false, code: 'INVALID_FIELD', field, message };
}

/**
 * Checks an action against the table, the actor, the state and the payload, in that order:
 * ILLEGAL_ACTION (no such transition from this status for this level and path, or the extension rule forbids it),
 * FORBIDDEN_ACTION (the transition exists but not for this actor), MISSING_FIELD / INVALID_FIELD (payload).
 * On success returns the new status and the workflow fields to store.
 */
export function checkTransition(ctx: HazardWorkflowContext, action: HazardAction, payload?: unknown): TransitionResult {
  const t = resolve(ctx, action);
  if ('ok' in t) return t;
  const input = payload ?? {};
  const next: HazardWorkflowState = {
    status: t.to,
    deadline: ctx.deadline,
    extensionRequestedForCurrentDeadline: ctx.extensionRequestedForCurrentDeadline,
    pendingExtension: ctx.pendingExtension,
  };
  const success = (): TransitionSuccess => ({ ok: true, to: t.to, next, transition: t });
  const newDeadline = (deadline: string) => {
    next.deadline = deadline;
    next.extensionRequestedForCurrentDeadline = false;
    next.pendingExtension = false;
  };

  switch (action) {
    case 'confirm': {
      const p = parse(confirmPayloadSchema, input);
      if (!p.ok) return p;
      newDeadline(p.data.plan.deadline);
      return success();
    }
    case 'submit': {
      const p = parse(payloadSchemaFor('submit', ctx.level), input);
      if (!p.ok) return p;
      // A pending extension request is moot once the rectification is submitted.
      next.pendingExtension = false;
      return success();
    }
    case 'return': {
      const p = parse(returnPayloadSchema, input);
      if (!p.ok) return p;
      if (p.data.newDeadline !== undefined) newDeadline(p.data.newDeadline);
      return success();
    }
    case 'request_extension': {
      const p = parse(requestExtensionPayloadSchema, input);
      if (!p.ok) return p;
      if (ctx.deadline !== null && p.data.requestedDeadline <= ctx.deadline) {
        return invalid(
          'requestedDeadline',
          `The requested deadline must be after the current deadline ${ctx.deadline}`,
        );
      }
      next.extensionRequestedForCurrentDeadline = true;
      next.pendingExtension = true;
      return success();
    }
    case 'decide_extension': {
      const p = parse(decideExtensionPayloadSchema, input);
      if (!p.ok) return p;
      if (p.data.approved && p.data.newDeadline !== undefined) {
        if (ctx.deadline !== null && p.data.newDeadline <= ctx.deadline) {
          return invalid('newDeadline', `The new deadline must be after the current deadline ${ctx.deadline}`);
        }
        newDeadline(p.data.newDeadline);
      } else {
        // Denied: the deadline stays and its one request is used up.
        next.pendingExtension = false;
      }
      return success();
    }
    case 'reject':
    case 'verify':
    case 'close': {
      const p = parse(payloadSchemaFor(action, ctx.level), input);
      if (!p.ok) return p;
      return success();
    }
  }
}
