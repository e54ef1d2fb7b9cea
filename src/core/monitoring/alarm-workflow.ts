/**
 * Alarm life cycle (报警处置流程) as a pure transition table.
 *
 * Two independent axes:
 * - `status`: `active` (the condition holds) → `cleared` (the condition is gone) → `closed` (handled, final);
 * - acknowledgement (确认): `acknowledged`, by whom, when, with an optional note.
 *
 * Decisions:
 * - acknowledge: a person is required (the actor), the note is optional. Allowed to the enterprise's people
 *   (they respond on site) and to supervisors (department, township, county) who follow it up.
 * - AUTO-CLOSE: an alarm closes by itself as soon as it is both cleared and acknowledged, whichever comes last.
 *   So no "cleared and acknowledged but open" state is ever stored, and a manual close is only a FORCED close.
 * - close (forced): only county_admin and sys_admin, with a reason, from `active` or `cleared` — for example a
 *   sensor being calibrated (调校) or decommissioned. Enterprise roles may not close an alarm: an enterprise that
 *   could silence its own active alarms could hide them (seed 一(五): 篡改、隐瞒监控数据). A forced close also
 *   records the acknowledgement.
 * - to_hazard: turn the alarm into a hazard (隐患) record; allowed to enterprise_admin and supervisors, from any
 *   status, once per alarm (the new hazard's id is recorded). It implies acknowledgement, so a cleared alarm
 *   then closes automatically; an active one stays active until its condition clears.
 * - condition_cleared (system): active → cleared (→ closed at once when already acknowledged).
 * - condition_returned (system): the same rule raises again while the alarm is `cleared` and not closed — the
 *   same alarm reopens (`active`) with `count + 1`. Once closed, a new raise is a NEW alarm (the server creates
 *   it; this function answers ALARM_INVALID_TRANSITION for a closed alarm).
 * Jurisdiction (which alarms a user can see at all) is the server's scope rule; this table only knows roles.
 */
import type { Role } from '../roles.js';

export const ALARM_STATUSES = ['active', 'cleared', 'closed'] as const;
export type AlarmStatus = (typeof ALARM_STATUSES)[number];

export const ALARM_USER_ACTIONS = ['acknowledge', 'close', 'to_hazard'] as const;
export type AlarmUserAction = (typeof ALARM_USER_ACTIONS)[number];
export const ALARM_SYSTEM_EVENTS = ['condition_cleared', 'condition_returned'] as const;
export type AlarmSystemEvent = (typeof ALARM_SYSTEM_EVENTS)[number];
export type AlarmActionName = AlarmUserAction | AlarmSystemEvent;

export type AlarmCloseKind = 'auto' | 'forced';

/** The workflow fields of an alarm record; the record may carry more (point, rule, severity, values…). */
export interface AlarmWorkflowState {
  status: AlarmStatus;
  acknowledged: boolean;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  acknowledgeNote: string | null;
  /** Occurrences: 1 when raised, +1 each time the condition returns before the alarm is closed. */
  count: number;
  raisedAt: Date;
  clearedAt: Date | null;
  closedAt: Date | null;
  /** Null for an automatic close. */
  closedBy: string | null;
  closedHow: AlarmCloseKind | null;
  closeReason: string | null;
  hazardId: string | null;
}

/** The workflow part of a newly raised alarm. */
export function newAlarmState(raisedAt: Date): AlarmWorkflowState {
  return {
    status: 'active',
    acknowledged: false,
    acknowledgedBy: null,
    acknowledgedAt: null,
    acknowledgeNote: null,
    count: 1,
    raisedAt,
    clearedAt: null,
    closedAt: null,
    closedBy: null,
    closedHow: null,
    closeReason: null,
    hazardId: null,
  };
}

/**
 * The states of the table. `cleared_acked` is never stored (auto-close) but is listed so that the table is
 * total over status × acknowledged; `closed` is always acknowledged.
 */
export const ALARM_STATE_KEYS = [
  'active_unacked',
  'active_acked',
  'cleared_unacked',
  'cleared_acked',
  'closed',
] as const;
export type AlarmStateKey = (typeof ALARM_STATE_KEYS)[number];

export function alarmStateKey(a: Pick<AlarmWorkflowState, 'status' | 'acknowledged'>): AlarmStateKey {
  if (a.status === 'closed') return 'closed';
  return `${a.status}_${a.acknowledged ? 'acked' : 'unacked'}`;
}

/** On-site responders and supervisors. */
const ACK_ROLES: readonly Role[] = [
  'enterprise_admin',
  'enterprise_staff',
  'dept_officer',
  'town_officer',
  'county_admin',
  'sys_admin',
];
const CLOSE_ROLES: readonly Role[] = ['county_admin', 'sys_admin'];
const HAZARD_ROLES: readonly Role[] = ['enterprise_admin', 'dept_officer', 'town_officer', 'county_admin', 'sys_admin'];

export type AlarmField = 'note' | 'reason' | 'hazardId';

export interface AlarmTransition {
  action: AlarmActionName;
  from: readonly AlarmStateKey[];
  /** The resulting state per starting state. */
  to: Readonly<Partial<Record<AlarmStateKey, AlarmStateKey>>>;
  /** Roles that may take a user action; 'system' for events from the evaluator. */
  by: readonly Role[] | 'system';
  required: readonly AlarmField[];
  optional: readonly AlarmField[];
}

/** The table the server enforces and the web app reads to show only the buttons that apply. */
export const ALARM_TRANSITIONS: readonly AlarmTransition[] = [
  {
    action: 'acknowledge',
    from: ['active_unacked', 'cleared_unacked'],
    to: { active_unacked: 'active_acked', cleared_unacked: 'closed' },
    by: ACK_ROLES,
    required: [],
    optional: ['note'],
  },
  {
    action: 'close',
    from: ['active_unacked', 'active_acked', 'cleared_unacked', 'cleared_acked'],
    to: { active_unacked: 'closed', active_acked: 'closed', cleared_unacked: 'closed', cleared_acked: 'closed' },
    by: CLOSE_ROLES,
    required: ['reason'],
    optional: [],
  },
  {
    action: 'to_hazard',
    from: ['active_unacked', 'active_acked', 'cleared_unacked', 'cleared_acked', 'closed'],
    to: {
      active_unacked: 'active_acked',
      active_acked: 'active_acked',
      cleared_unacked: 'closed',
      cleared_acked: 'closed',
      closed: 'closed',
    },
    by: HAZARD_ROLES,
    required: ['hazardId'],
    optional: ['note'],
  },
  {
    action: 'condition_cleared',
    from: ['active_unacked', 'active_acked'],
    to: { active_unacked: 'cleared_unacked', active_acked: 'closed' },
    by: 'system',
    required: [],
    optional: [],
  },
  {
    action: 'condition_returned',
    from: ['cleared_unacked', 'cleared_acked'],
    to: { cleared_unacked: 'active_unacked', cleared_acked: 'active_acked' },
    by: 'system',
    required: [],
    optional: [],
  },
];

const TRANSITION_BY_ACTION: ReadonlyMap<AlarmActionName, AlarmTransition> = new Map(
  ALARM_TRANSITIONS.map((t) => [t.action, t]),
);

export function alarmTransition(action: AlarmActionName): AlarmTransition {
  const t = TRANSITION_BY_ACTION.get(action);
  if (!t) throw new Error(`no transition for ${action}`);
  return t;
}

export const ALARM_TEXT_MAX = 500;

export type AlarmActionInput =
  | { type: 'acknowledge'; note?: string | null }
  | { type: 'close'; reason: string }
  | { type: 'to_hazard'; hazardId: string; note?: string | null }
  | { type: 'condition_cleared' }
  | { type: 'condition_returned' };

/** A person (the server's `Actor` fits) or the system (evaluator events). */
export type AlarmActor = { userId: string; role: Role } | 'system';

export type AlarmErrorCode =
  | 'ALARM_FORBIDDEN'
  | 'ALARM_INVALID_TRANSITION'
  | 'ALARM_ALREADY_HAZARD'
  | 'ALARM_REASON_REQUIRED'
  | 'ALARM_HAZARD_ID_REQUIRED'
  | 'ALARM_TEXT_TOO_LONG';

export type AlarmActionResult<T extends AlarmWorkflowState> =
  | { ok: true; alarm: T; autoClosed: boolean }
  | { ok: false; error: AlarmErrorCode; field: AlarmField | null };

function mayAct(t: AlarmTransition, actor: AlarmActor): boolean {
  if (t.by === 'system') return actor === 'system';
  return actor !== 'system' && t.by.includes(actor.role);
}

function stateAllows(t: AlarmTransition, alarm: AlarmWorkflowState): boolean {
  if (!t.from.includes(alarmStateKey(alarm))) return false;
  return !(t.action === 'to_hazard' && alarm.hazardId !== null);
}

/** The user actions this role may take on this alarm now (system events are never listed). */
export function allowedAlarmActions(alarm: AlarmWorkflowState, role: Role): AlarmUserAction[] {
  return ALARM_USER_ACTIONS.filter((action) => {
    const t = alarmTransition(action);
    return t.by !== 'system' && t.by.includes(role) && stateAllows(t, alarm);
  });
}

/** Trimmed text, null when empty; `false` when longer than ALARM_TEXT_MAX. */
function text(v: string | null | undefined): string | null | false {
  if (v === undefined || v === null) return null;
  const s = v.trim();
  if (s.length === 0) return null;
  return s.length > ALARM_TEXT_MAX ? false : s;
}

function fail<T extends AlarmWorkflowState>(
  error: AlarmErrorCode,
  field: AlarmField | null = null,
): AlarmActionResult<T> {
  return { ok: false, error, field };
}

/**
 * Applies an action or system event. Pure: returns a new record (extra fields of `alarm` are kept) or an error
 * code. Checks, in order: who may act (ALARM_FORBIDDEN), the state (ALARM_ALREADY_HAZARD,
 * ALARM_INVALID_TRANSITION), the fields.
 */
export function applyAlarmAction<T extends AlarmWorkflowState>(
  alarm: T,
  action: AlarmActionInput,
  actor: AlarmActor,
  at: Date,
): AlarmActionResult<T> {
  const t = alarmTransition(action.type);
  if (!mayAct(t, actor)) return fail('ALARM_FORBIDDEN');
  if (action.type === 'to_hazard' && alarm.hazardId !== null) return fail('ALARM_ALREADY_HAZARD');
  if (!stateAllows(t, alarm)) return fail('ALARM_INVALID_TRANSITION');
  const userId = actor === 'system' ? null : actor.userId;
  const next: T = { ...alarm };

  const acknowledge = (note: string | null) => {
    if (next.acknowledged) return;
    next.acknowledged = true;
    next.acknowledgedBy = userId;
    next.acknowledgedAt = at;
    next.acknowledgeNote = note;
  };

  switch (action.type) {
    case 'acknowledge': {
      const note = text(action.note);
      if (note === false) return fail('ALARM_TEXT_TOO_LONG', 'note');
      acknowledge(note);
      break;
    }
    case 'close': {
      const reason = text(action.reason);
      if (reason === false) return fail('ALARM_TEXT_TOO_LONG', 'reason');
      if (reason === null) return fail('ALARM_REASON_REQUIRED', 'reason');
      acknowledge(null);
      next.status = 'closed';
      next.closedAt = at;
      next.closedBy = userId;
      next.closedHow = 'forced';
      next.closeReason = reason;
      return { ok: true, alarm: next, autoClosed: false };
    }
    case 'to_hazard': {
      const hazardId = action.hazardId.trim();
      if (hazardId.length === 0) return fail('ALARM_HAZARD_ID_REQUIRED', 'hazardId');
      const note = text(action.note);
      if (note === false) return fail('ALARM_TEXT_TOO_LONG', 'note');
      next.hazardId = hazardId;
      acknowledge(note);
      break;
    }
    case 'condition_cleared':
      next.status = 'cleared';
      next.clearedAt = at;
      break;
    case 'condition_returned':
      next.status = 'active';
      next.clearedAt = null;
      next.count = alarm.count + 1;
      break;
  }

  if (next.status === 'cleared' && next.acknowledged) {
    next.status = 'closed';
    next.closedAt = at;
    next.closedBy = null;
    next.closedHow = 'auto';
    next.closeReason = null;
    return { ok: true, alarm: next, autoClosed: true };
  }
  return { ok: true, alarm: next, autoClosed: false };
}
