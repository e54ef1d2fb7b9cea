import type { Selectable } from 'kysely';
import { localDate } from '../../../core/dates.js';
import { isUuid } from '../../../core/ids.js';
import {
  type AlarmActionInput,
  type AlarmErrorCode,
  type AlarmEvent,
  type AlarmRule,
  type AlarmUserAction,
  type AlarmWorkflowState,
  allowedAlarmActions,
  applyAlarmAction,
  newAlarmState,
  RULE_META,
  SEVERITY_COLOUR,
  SEVERITY_WARNING_LEVEL,
  type Severity,
} from '../../../core/monitoring/index.js';
import type { Role } from '../../../core/roles.js';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Db, Executor, Tx } from '../../platform/db/client.js';
import type { AlarmsTable } from '../../platform/db/schema.js';
import { formatCode, nextSequence } from '../../platform/db/sequences.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import type { RequestCtx } from '../../platform/http/context.js';
import type { LiveEvent } from '../../platform/notifications/bus.js';
import type { Notifier, StoredNotification } from '../../platform/notifications/notifications.js';
import { audiencesFor, type EnterpriseAudience } from './audience.js';
import type { AlarmHazardDetails, CreateHazardFromAlarm } from './hazard-bridge.js';

export type AlarmRow = Selectable<AlarmsTable>;

/** What the alarm code needs to know about the point that raised it. */
export interface AlarmPoint {
  id: string;
  enterpriseId: string;
  code: string;
  name: string;
  kind: string;
  unit: string;
}

export interface RuleEvent {
  point: AlarmPoint;
  event: AlarmEvent;
}

/** Work to do after the transaction commits. */
export interface AfterCommit {
  notifications: StoredNotification[];
  live: LiveEvent[];
}

const LOW_SIDE = new Set<AlarmRule>(['low', 'low_low']);

function workflowOf(row: AlarmRow): AlarmWorkflowState {
  return {
    status: row.status,
    acknowledged: row.acknowledged,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at,
    acknowledgeNote: row.acknowledge_note,
    count: row.count,
    raisedAt: row.raised_at,
    clearedAt: row.cleared_at,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    closedHow: row.closed_how,
    closeReason: row.close_reason,
    // A to_hazard request recorded while the hazards module was absent counts as done (once per alarm).
    hazardId: row.hazard_id ?? (row.hazard_requested_at ? 'requested' : null),
  };
}

function withWorkflow(row: AlarmRow, w: AlarmWorkflowState): AlarmRow {
  return {
    ...row,
    status: w.status,
    acknowledged: w.acknowledged,
    acknowledged_by: w.acknowledgedBy,
    acknowledged_at: w.acknowledgedAt,
    acknowledge_note: w.acknowledgeNote,
    count: w.count,
    cleared_at: w.clearedAt,
    closed_at: w.closedAt,
    closed_by: w.closedBy,
    closed_how: w.closedHow,
    close_reason: w.closeReason,
  };
}

export function alarmRuleName(rule: string): { zh: string; en: string } {
  const meta = RULE_META[rule as AlarmRule];
  return meta ? { zh: meta.nameZh, en: meta.nameEn } : { zh: rule, en: rule };
}

/** The API shape of an alarm. `role` adds the actions this user may take now (the web app shows only those). */
export function presentAlarm(
  row: AlarmRow,
  ctx: {
    point?: { code: string; name: string; kind: string; unit: string } | null;
    enterpriseName?: string | null;
    role?: Role;
  } = {},
) {
  const severity = row.severity as Severity;
  const w = workflowOf(row);
  return {
    id: row.id,
    code: row.code,
    pointId: row.point_id,
    point: ctx.point ?? null,
    enterpriseId: row.enterprise_id,
    enterpriseName: ctx.enterpriseName ?? null,
    rule: row.rule,
    ruleName: alarmRuleName(row.rule),
    severity,
    colour: SEVERITY_COLOUR[severity] ?? null,
    warningLevel: SEVERITY_WARNING_LEVEL[severity] ?? null,
    tampering: row.tampering,
    status: row.status,
    acknowledged: row.acknowledged,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at,
    acknowledgeNote: row.acknowledge_note,
    count: row.count,
    raisedAt: row.raised_at,
    clearedAt: row.cleared_at,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    closedHow: row.closed_how,
    closeReason: row.close_reason,
    hazardId: row.hazard_id,
    hazardRequestedAt: row.hazard_requested_at,
    firstValue: row.first_value,
    peakValue: row.peak_value,
    lastValue: row.last_value,
    threshold: row.threshold,
    measured: row.measured,
    lastEventAt: row.last_event_at,
    escalatedAt: row.escalated_at,
    version: row.version,
    ...(ctx.role ? { allowedActions: allowedAlarmActions(w, ctx.role) } : {}),
  };
}

function liveData(row: AlarmRow, point: AlarmPoint, enterpriseName: string, event: string) {
  return {
    event,
    alarm: presentAlarm(row, {
      point: { code: point.code, name: point.name, kind: point.kind, unit: point.unit },
      enterpriseName,
    }),
  };
}

async function nextAlarmCode(tx: Executor, now: Date): Promise<string> {
  const prefix = `BJ-${localDate(now).slice(0, 4)}`;
  return formatCode(prefix, await nextSequence(tx, prefix));
}

function raiseTitle(point: AlarmPoint, a: EnterpriseAudience, rule: string, severity: Severity, value: number | null) {
  const name = alarmRuleName(rule);
  const v = value === null ? '' : ` ${value}${point.unit}`;
  return {
    zh: `【${SEVERITY_WARNING_LEVEL[severity]}级】${a.enterpriseName} ${point.name}(${point.code}) ${name.zh}${v}`,
    en: `[Level ${SEVERITY_WARNING_LEVEL[severity]}] ${a.enterpriseName} ${point.name} (${point.code}): ${name.en}${v}`,
  };
}

/**
 * Applies the evaluator's events to the alarms table inside the caller's transaction (one open alarm per point
 * and rule; a repeat while cleared reopens it with count + 1; a raise after close opens a new alarm). Notifies the
 * enterprise's users at once, and its supervising departments and township at once when the severity is 4 or the
 * rule is a tampering signature; the others are escalated by `monitoring.escalate`.
 */
export async function applyRuleEvents(
  tx: Tx,
  notifier: Notifier,
  events: readonly RuleEvent[],
  now: Date,
): Promise<AfterCommit> {
  const after: AfterCommit = { notifications: [], live: [] };
  if (events.length === 0) return after;
  const pointIds = [...new Set(events.map((e) => e.point.id))].sort();
  const openRows = await tx
    .selectFrom('alarms')
    .selectAll()
    .where('point_id', 'in', pointIds)
    .where('status', '<>', 'closed')
    .orderBy('id')
    .forUpdate()
    .execute();
  const open = new Map<string, AlarmRow>();
  for (const r of openRows) open.set(`${r.point_id}|${r.rule}`, r);
  const audiences = await audiencesFor(tx, [...new Set(events.map((e) => e.point.enterpriseId))]);

  const dirty = new Map<
    string,
    { row: AlarmRow; isNew: boolean; modified: boolean; point: AlarmPoint; last: string }
  >();
  const history: { alarm_id: string; at: Date; type: string; value: number | null; note: string | null }[] = [];
  const notify: { row: AlarmRow; point: AlarmPoint; supervisorsToo: boolean; key: string }[] = [];

  for (const { point, event } of events) {
    const key = `${point.id}|${event.rule}`;
    const at = new Date(event.ts);
    const current = open.get(key);
    const lowSide = LOW_SIDE.has(event.rule);
    const measured = event.measured ?? event.value;
    const worse = (a: number | null, b: number | null) =>
      a === null ? b : b === null ? a : lowSide ? Math.min(a, b) : Math.max(a, b);
    let row: AlarmRow | undefined;
    let kind: string | null = null;
    let inserted = false;
    if (event.type === 'raise') {
      if (!current) {
        const w = newAlarmState(at);
        row = await tx
          .insertInto('alarms')
          .values({
            code: await nextAlarmCode(tx, at),
            point_id: point.id,
            enterprise_id: point.enterpriseId,
            rule: event.rule,
            severity: event.severity,
            tampering: event.tampering,
            status: w.status,
            raised_at: at,
            first_value: event.value,
            peak_value: measured,
            last_value: event.value,
            threshold: event.threshold,
            measured: event.measured,
            last_event_at: at,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        kind = 'raise';
        inserted = true;
      } else if (current.status === 'cleared') {
        const r = applyAlarmAction(workflowOf(current), { type: 'condition_returned' }, 'system', at);
        if (!r.ok) continue;
        row = {
          ...withWorkflow(current, r.alarm),
          severity: Math.max(current.severity, event.severity),
          peak_value: worse(current.peak_value, measured),
          last_value: event.value,
          measured: event.measured,
          threshold: event.threshold,
          last_event_at: at,
        };
        kind = 'return';
      } else {
        row = {
          ...current,
          peak_value: worse(current.peak_value, measured),
          last_value: event.value,
          measured: event.measured,
          last_event_at: at,
        };
        kind = 'update';
      }
    } else if (event.type === 'update') {
      if (current?.status !== 'active') continue;
      row = {
        ...current,
        peak_value: worse(current.peak_value, measured),
        last_value: event.value,
        measured: event.measured,
        last_event_at: at,
      };
      kind = 'update';
    } else {
      if (current?.status !== 'active') continue;
      const r = applyAlarmAction(workflowOf(current), { type: 'condition_cleared' }, 'system', at);
      if (!r.ok) continue;
      row = { ...withWorkflow(current, r.alarm), last_value: event.value, last_event_at: at };
      kind = r.autoClosed ? 'clear_closed' : 'clear';
    }
    if (!row || !kind) continue;
    history.push({ alarm_id: row.id, at, type: kind, value: event.value, note: null });
    const prev = dirty.get(key);
    dirty.set(key, {
      row,
      isNew: inserted || (prev?.isNew ?? false),
      modified: !inserted,
      point,
      last: kind,
    });
    if (row.status === 'closed') open.delete(key);
    else open.set(key, row);
    if (kind === 'raise' || kind === 'return') {
      const supervisorsToo = row.severity >= 4 || row.tampering;
      notify.push({ row, point, supervisorsToo, key: `alarm:${row.id}:raise:${row.count}` });
    }
  }

  const escalateNow = new Set(notify.filter((n) => n.supervisorsToo).map((n) => n.row.id));
  for (const d of dirty.values()) {
    const escalate = escalateNow.has(d.row.id) && d.row.escalated_at === null;
    if (escalate) d.row = { ...d.row, escalated_at: now };
    if (d.isNew && !d.modified && !escalate) continue;
    const row = d.row;
    await tx
      .updateTable('alarms')
      .set({
        status: row.status,
        severity: row.severity,
        acknowledged: row.acknowledged,
        count: row.count,
        cleared_at: row.cleared_at,
        closed_at: row.closed_at,
        closed_by: row.closed_by,
        closed_how: row.closed_how,
        close_reason: row.close_reason,
        peak_value: row.peak_value,
        last_value: row.last_value,
        measured: row.measured,
        threshold: row.threshold,
        last_event_at: row.last_event_at,
        escalated_at: row.escalated_at,
        updated_at: now,
        version: row.version + 1,
      })
      .where('id', '=', row.id)
      .execute();
    d.row = { ...row, version: row.version + 1 };
  }
  if (history.length) {
    await tx
      .insertInto('alarm_events')
      .values(history.map((h) => ({ ...h, actor_id: null, actor_name: null })))
      .execute();
  }

  for (const n of notify) {
    const a = audiences.get(n.point.enterpriseId);
    if (!a) continue;
    const userIds = n.supervisorsToo ? [...a.enterpriseUsers, ...a.supervisors] : a.enterpriseUsers;
    const stored = await notifier.store(
      tx,
      {
        userIds,
        kind: n.row.tampering ? 'alarm.tampering' : 'alarm.raised',
        title: raiseTitle(n.point, a, n.row.rule, n.row.severity as Severity, n.row.last_value),
        link: `/monitoring/alarms/${n.row.id}`,
        entityType: 'alarm',
        entityId: n.row.id,
        dedupeKey: n.key,
      },
      now,
    );
    after.notifications.push(...stored);
  }
  for (const { row, point, last } of dirty.values()) {
    const a = audiences.get(point.enterpriseId);
    if (!a || a.viewers.length === 0) continue;
    after.live.push({ userIds: a.viewers, type: 'alarm', data: liveData(row, point, a.enterpriseName, last) });
  }
  return after;
}

/** Delivers what `applyRuleEvents` or an alarm action prepared, after commit. */
export function deliverAfterCommit(
  deps: { notifier: Notifier; bus: { publish(e: LiveEvent): void } },
  after: AfterCommit,
) {
  deps.notifier.deliver(after.notifications);
  for (const e of after.live) deps.bus.publish(e);
}

// ── User actions ───────────────────────────────────────────────────────────────────────────────────────────

export interface AlarmActionBody {
  action: AlarmUserAction;
  version?: number | undefined;
  note?: string | undefined;
  reason?: string | undefined;
  hazard?: AlarmHazardDetails | undefined;
}

function actionError(code: AlarmErrorCode, field: string | null): AppError {
  switch (code) {
    case 'ALARM_FORBIDDEN':
      return new AppError(403, 'FORBIDDEN', 'Your role may not take this action on an alarm');
    case 'ALARM_INVALID_TRANSITION':
      return new AppError(409, 'CONFLICT', 'This action does not apply to the alarm in its current state', undefined, {
        reason: code,
      });
    case 'ALARM_ALREADY_HAZARD':
      return new AppError(409, 'CONFLICT', 'The alarm has already been turned into a hazard', undefined, {
        reason: code,
      });
    case 'ALARM_REASON_REQUIRED':
      return new AppError(400, 'VALIDATION', 'A reason is required to close an alarm', [
        { path: 'reason', message: 'required' },
      ]);
    case 'ALARM_HAZARD_ID_REQUIRED':
      return new AppError(400, 'VALIDATION', 'A hazard is required', [{ path: 'hazardId', message: 'required' }]);
    case 'ALARM_TEXT_TOO_LONG':
      return new AppError(400, 'VALIDATION', 'The text is too long (at most 500 characters)', [
        { path: field ?? 'note', message: 'too_long' },
      ]);
  }
}

/** One alarm within the actor's scope, locked for update. */
async function lockScopedAlarm(tx: Tx, ctx: RequestCtx, id: string) {
  if (!isUuid(id)) return undefined;
  return tx
    .selectFrom('alarms')
    .innerJoin('enterprises', 'enterprises.id', 'alarms.enterprise_id')
    .selectAll('alarms')
    .where('alarms.id', '=', id)
    .where(enterpriseScope(ctx.actor))
    .forUpdate(['alarms'])
    .executeTakeFirst();
}

/**
 * acknowledge / close (forced, county only, reason required) / to_hazard. The workflow table in core decides
 * who may do what in which state; this use case adds scope (404), optimistic concurrency (409) and the audit row.
 */
export async function actOnAlarm(
  tx: Tx,
  ctx: RequestCtx,
  id: string,
  body: AlarmActionBody,
  hazards: { bridge: CreateHazardFromAlarm | null; after: (cb: () => void) => void },
): Promise<{
  row: AlarmRow;
  after: AfterCommit;
  hazard: { id: string | null; code: string | null; status: 'created' | 'requested' } | null;
}> {
  requirePermission(ctx.actor, 'monitoring.read');
  const before = await lockScopedAlarm(tx, ctx, id);
  if (!before) throw notFound('alarm');
  if (body.version !== undefined && body.version !== before.version) throw staleVersion(before.version);
  const actor = { userId: ctx.actor.userId, role: ctx.actor.role };
  const state = workflowOf(before);
  let input: AlarmActionInput;
  let hazard: { id: string | null; code: string | null; status: 'created' | 'requested' } | null = null;
  if (body.action === 'acknowledge') input = { type: 'acknowledge', note: body.note ?? null };
  else if (body.action === 'close') input = { type: 'close', reason: body.reason ?? body.note ?? '' };
  else {
    // Check permission and state before creating anything in the hazards module.
    const probe = applyAlarmAction(
      state,
      { type: 'to_hazard', hazardId: 'probe', note: body.note ?? null },
      actor,
      ctx.now,
    );
    if (!probe.ok) throw actionError(probe.error, probe.field);
    const bridge = hazards.bridge;
    if (bridge) {
      const point = await tx
        .selectFrom('monitoring_points')
        .select(['code', 'name', 'location', 'installation'])
        .where('id', '=', before.point_id)
        .executeTakeFirstOrThrow();
      const rule = alarmRuleName(before.rule).zh;
      const peak = before.peak_value === null ? '' : `,峰值 ${before.peak_value}`;
      const created = await bridge(tx, ctx, hazards.after, {
        alarmId: before.id,
        alarmCode: before.code,
        rule: before.rule,
        tampering: before.tampering,
        enterpriseId: before.enterprise_id,
        place: [point.installation, point.location, `${point.name}(${point.code})`].filter(Boolean).join(' '),
        description: `监测报警 ${before.code}:${point.name}(${point.code}) ${rule}${peak}${body.note ? `。${body.note.trim()}` : ''}`,
        foundAt: before.raised_at,
        details: body.hazard ?? {},
      });
      hazard = { id: created.id, code: created.code, status: 'created' };
    } else {
      hazard = { id: null, code: null, status: 'requested' };
    }
    input = { type: 'to_hazard', hazardId: hazard.id ?? 'requested', note: body.note ?? null };
  }
  const r = applyAlarmAction(state, input, actor, ctx.now);
  if (!r.ok) throw actionError(r.error, r.field);
  const w = r.alarm;
  const row = await tx
    .updateTable('alarms')
    .set({
      status: w.status,
      acknowledged: w.acknowledged,
      acknowledged_by: w.acknowledgedBy,
      acknowledged_at: w.acknowledgedAt,
      acknowledge_note: w.acknowledgeNote,
      closed_at: w.closedAt,
      closed_by: w.closedBy,
      closed_how: w.closedHow,
      close_reason: w.closeReason,
      ...(hazard
        ? hazard.id
          ? { hazard_id: hazard.id }
          : { hazard_requested_at: ctx.now, hazard_requested_by: ctx.actor.userId }
        : {}),
      updated_at: ctx.now,
      version: before.version + 1,
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const type = body.action === 'to_hazard' ? (hazard?.id ? 'to_hazard' : 'to_hazard_requested') : body.action;
  await tx
    .insertInto('alarm_events')
    .values({
      alarm_id: row.id,
      at: ctx.now,
      type,
      actor_id: ctx.actor.userId,
      actor_name: ctx.actor.displayName,
      value: null,
      note: body.action === 'close' ? (w.closeReason ?? null) : body.note?.trim() || null,
    })
    .execute();
  if (r.autoClosed) {
    await tx
      .insertInto('alarm_events')
      .values({
        alarm_id: row.id,
        at: ctx.now,
        type: 'auto_closed',
        actor_id: null,
        actor_name: null,
        value: null,
        note: null,
      })
      .execute();
  }
  await audit(tx, ctx, {
    action: `alarm.${type}`,
    entityType: 'alarm',
    entityId: row.id,
    before: presentAlarm(before),
    after: presentAlarm(row),
  });
  const after: AfterCommit = { notifications: [], live: [] };
  const audiences = await audiencesFor(tx, [row.enterprise_id]);
  const a = audiences.get(row.enterprise_id);
  const point = await tx
    .selectFrom('monitoring_points')
    .select(['id', 'enterprise_id', 'code', 'name', 'kind', 'unit'])
    .where('id', '=', row.point_id)
    .executeTakeFirstOrThrow();
  if (a) {
    after.live.push({
      userIds: a.viewers,
      type: 'alarm',
      data: liveData(
        row,
        {
          id: point.id,
          enterpriseId: point.enterprise_id,
          code: point.code,
          name: point.name,
          kind: point.kind,
          unit: point.unit,
        },
        a.enterpriseName,
        type,
      ),
    });
  }
  return { row, after, hazard };
}

// ── Escalation ─────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Alarms not acknowledged within `minutes` of being raised: notify the supervising departments and the township
 * (once per alarm: `escalated_at` and the notification dedupe key make a second run a no-op).
 */
export async function escalateUnacknowledged(
  db: Db,
  notifier: Notifier,
  asOf: Date,
  minutes: number,
): Promise<{ escalated: number; notifications: StoredNotification[] }> {
  const cutoff = new Date(asOf.getTime() - minutes * 60_000);
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('alarms')
      .innerJoin('monitoring_points', 'monitoring_points.id', 'alarms.point_id')
      .selectAll('alarms')
      .select([
        'monitoring_points.code as point_code',
        'monitoring_points.name as point_name',
        'monitoring_points.kind as point_kind',
        'monitoring_points.unit as point_unit',
      ])
      .where('alarms.acknowledged', '=', false)
      .where('alarms.status', '<>', 'closed')
      .where('alarms.escalated_at', 'is', null)
      .where('alarms.raised_at', '<=', cutoff)
      .orderBy('alarms.id')
      .limit(1000)
      .forUpdate(['alarms'])
      .skipLocked()
      .execute();
    const notifications: StoredNotification[] = [];
    if (rows.length === 0) return { escalated: 0, notifications };
    const audiences = await audiencesFor(
      tx,
      rows.map((r) => r.enterprise_id),
    );
    for (const r of rows) {
      const a = audiences.get(r.enterprise_id);
      const point: AlarmPoint = {
        id: r.point_id,
        enterpriseId: r.enterprise_id,
        code: r.point_code,
        name: r.point_name,
        kind: r.point_kind,
        unit: r.point_unit,
      };
      if (a) {
        const title = raiseTitle(point, a, r.rule, r.severity as Severity, r.last_value);
        notifications.push(
          ...(await notifier.store(
            tx,
            {
              userIds: a.supervisors,
              kind: 'alarm.escalated',
              title: {
                zh: `${minutes}分钟未确认:${title.zh}`,
                en: `Not acknowledged within ${minutes} min: ${title.en}`,
              },
              link: `/monitoring/alarms/${r.id}`,
              entityType: 'alarm',
              entityId: r.id,
              dedupeKey: `alarm:${r.id}:escalated`,
            },
            asOf,
          )),
        );
      }
      await tx.updateTable('alarms').set({ escalated_at: asOf }).where('id', '=', r.id).execute();
      await tx
        .insertInto('alarm_events')
        .values({
          alarm_id: r.id,
          at: asOf,
          type: 'escalated',
          actor_id: null,
          actor_name: null,
          value: null,
          note: null,
        })
        .execute();
    }
    return { escalated: rows.length, notifications };
  });
}
