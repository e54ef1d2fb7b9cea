import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../roles.js';
import {
  ALARM_STATE_KEYS,
  ALARM_SYSTEM_EVENTS,
  ALARM_TEXT_MAX,
  ALARM_TRANSITIONS,
  ALARM_USER_ACTIONS,
  type AlarmActionInput,
  type AlarmActionName,
  type AlarmActor,
  type AlarmStateKey,
  type AlarmWorkflowState,
  alarmStateKey,
  alarmTransition,
  allowedAlarmActions,
  applyAlarmAction,
  newAlarmState,
} from './alarm-workflow.js';

const T0 = new Date('2025-06-01T02:00:00Z');
const T1 = new Date('2025-06-01T02:05:00Z');

const person = (role: Role, userId = `u-${role}`): AlarmActor => ({ userId, role });

function stateFor(key: AlarmStateKey): AlarmWorkflowState {
  const a = newAlarmState(T0);
  if (key === 'active_acked' || key === 'cleared_acked' || key === 'closed') {
    a.acknowledged = true;
    a.acknowledgedBy = 'u-ack';
    a.acknowledgedAt = T0;
  }
  if (key === 'cleared_unacked' || key === 'cleared_acked') {
    a.status = 'cleared';
    a.clearedAt = T0;
  }
  if (key === 'closed') {
    a.status = 'closed';
    a.clearedAt = T0;
    a.closedAt = T0;
    a.closedHow = 'auto';
  }
  return a;
}

function inputFor(action: AlarmActionName): AlarmActionInput {
  switch (action) {
    case 'acknowledge':
      return { type: 'acknowledge', note: '已到现场检查' };
    case 'close':
      return { type: 'close', reason: '传感器调校产生的数据' };
    case 'to_hazard':
      return { type: 'to_hazard', hazardId: 'hz-1' };
    case 'condition_cleared':
      return { type: 'condition_cleared' };
    case 'condition_returned':
      return { type: 'condition_returned' };
  }
}

const ALL_ACTIONS: readonly AlarmActionName[] = [...ALARM_USER_ACTIONS, ...ALARM_SYSTEM_EVENTS];

describe('every state × action follows the table', () => {
  for (const key of ALARM_STATE_KEYS) {
    for (const action of ALL_ACTIONS) {
      const t = alarmTransition(action);
      const actor: AlarmActor = t.by === 'system' ? 'system' : person('county_admin');
      const expected = t.from.includes(key) ? t.to[key] : undefined;
      it(`${key} × ${action} → ${expected ?? 'rejected'}`, () => {
        const r = applyAlarmAction(stateFor(key), inputFor(action), actor, T1);
        if (expected === undefined) {
          expect(r).toEqual({ ok: false, error: 'ALARM_INVALID_TRANSITION', field: null });
        } else {
          expect(r.ok).toBe(true);
          if (r.ok) expect(alarmStateKey(r.alarm)).toBe(expected);
        }
      });
    }
  }
  it('every from-state has a target and never lands in the unstored cleared_acked state', () => {
    for (const t of ALARM_TRANSITIONS) {
      for (const from of t.from) {
        expect(t.to[from], `${t.action} from ${from}`).toBeDefined();
        expect(t.to[from]).not.toBe('cleared_acked');
      }
    }
  });
});

describe('every role × user action follows the table', () => {
  for (const role of ROLES) {
    for (const action of ALARM_USER_ACTIONS) {
      const t = alarmTransition(action);
      const allowed = t.by !== 'system' && t.by.includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action}`, () => {
        const r = applyAlarmAction(stateFor('active_unacked'), inputFor(action), person(role), T1);
        expect(r.ok).toBe(allowed);
        if (!r.ok) expect(r.error).toBe('ALARM_FORBIDDEN');
      });
    }
  }
  it('the decided role sets', () => {
    expect(alarmTransition('acknowledge').by).toEqual([
      'enterprise_admin',
      'enterprise_staff',
      'dept_officer',
      'town_officer',
      'county_admin',
      'sys_admin',
    ]);
    expect(alarmTransition('close').by).toEqual(['county_admin', 'sys_admin']);
    expect(alarmTransition('to_hazard').by).toEqual([
      'enterprise_admin',
      'dept_officer',
      'town_officer',
      'county_admin',
      'sys_admin',
    ]);
  });
  it('system events come only from the system, user actions only from people', () => {
    for (const e of ALARM_SYSTEM_EVENTS) {
      expect(applyAlarmAction(stateFor('active_unacked'), inputFor(e), person('sys_admin'), T1)).toMatchObject({
        ok: false,
        error: 'ALARM_FORBIDDEN',
      });
    }
    for (const a of ALARM_USER_ACTIONS) {
      expect(applyAlarmAction(stateFor('active_unacked'), inputFor(a), 'system', T1)).toMatchObject({
        ok: false,
        error: 'ALARM_FORBIDDEN',
      });
    }
  });
});

describe('acknowledge', () => {
  it('records who, when and the optional note; the alarm stays active', () => {
    const r = applyAlarmAction(
      stateFor('active_unacked'),
      { type: 'acknowledge' },
      person('enterprise_staff', 'u9'),
      T1,
    );
    expect(r).toMatchObject({
      ok: true,
      autoClosed: false,
      alarm: { status: 'active', acknowledged: true, acknowledgedBy: 'u9', acknowledgedAt: T1, acknowledgeNote: null },
    });
  });
  it('auto-closes a cleared alarm', () => {
    const r = applyAlarmAction(stateFor('cleared_unacked'), inputFor('acknowledge'), person('enterprise_admin'), T1);
    expect(r).toMatchObject({
      ok: true,
      autoClosed: true,
      alarm: { status: 'closed', closedHow: 'auto', closedBy: null, closedAt: T1, acknowledgeNote: '已到现场检查' },
    });
  });
  it('trims the note and rejects an over-long one', () => {
    const ok = applyAlarmAction(
      stateFor('active_unacked'),
      { type: 'acknowledge', note: '  ok  ' },
      person('sys_admin'),
      T1,
    );
    expect(ok.ok && ok.alarm.acknowledgeNote).toBe('ok');
    const long = 'x'.repeat(ALARM_TEXT_MAX + 1);
    expect(
      applyAlarmAction(stateFor('active_unacked'), { type: 'acknowledge', note: long }, person('sys_admin'), T1),
    ).toEqual({ ok: false, error: 'ALARM_TEXT_TOO_LONG', field: 'note' });
  });
});

describe('close (forced)', () => {
  it('requires a reason', () => {
    for (const reason of ['', '   ']) {
      expect(
        applyAlarmAction(stateFor('active_unacked'), { type: 'close', reason }, person('county_admin'), T1),
      ).toEqual({ ok: false, error: 'ALARM_REASON_REQUIRED', field: 'reason' });
    }
  });
  it('closes an active alarm and records the acknowledgement by the closer', () => {
    const r = applyAlarmAction(stateFor('active_unacked'), inputFor('close'), person('county_admin', 'boss'), T1);
    expect(r).toMatchObject({
      ok: true,
      autoClosed: false,
      alarm: {
        status: 'closed',
        closedHow: 'forced',
        closedBy: 'boss',
        closeReason: '传感器调校产生的数据',
        acknowledged: true,
        acknowledgedBy: 'boss',
      },
    });
  });
  it('keeps an earlier acknowledgement', () => {
    const r = applyAlarmAction(stateFor('active_acked'), inputFor('close'), person('sys_admin', 'root'), T1);
    expect(r.ok && r.alarm.acknowledgedBy).toBe('u-ack');
  });
});

describe('to_hazard', () => {
  it('records the hazard, implies acknowledgement, keeps an active alarm active', () => {
    const r = applyAlarmAction(stateFor('active_unacked'), inputFor('to_hazard'), person('dept_officer', 'd1'), T1);
    expect(r).toMatchObject({
      ok: true,
      alarm: { status: 'active', hazardId: 'hz-1', acknowledged: true, acknowledgedBy: 'd1' },
    });
  });
  it('closes a cleared alarm automatically and is allowed on a closed one', () => {
    expect(
      applyAlarmAction(stateFor('cleared_unacked'), inputFor('to_hazard'), person('enterprise_admin'), T1),
    ).toMatchObject({ ok: true, autoClosed: true, alarm: { status: 'closed', hazardId: 'hz-1' } });
    const closed = applyAlarmAction(stateFor('closed'), inputFor('to_hazard'), person('town_officer'), T1);
    expect(closed).toMatchObject({ ok: true, autoClosed: false, alarm: { status: 'closed', closedAt: T0 } });
  });
  it('happens once per alarm and needs a hazard id', () => {
    const once = { ...stateFor('active_acked'), hazardId: 'hz-0' };
    expect(applyAlarmAction(once, inputFor('to_hazard'), person('county_admin'), T1)).toEqual({
      ok: false,
      error: 'ALARM_ALREADY_HAZARD',
      field: null,
    });
    expect(
      applyAlarmAction(stateFor('active_acked'), { type: 'to_hazard', hazardId: ' ' }, person('county_admin'), T1),
    ).toEqual({ ok: false, error: 'ALARM_HAZARD_ID_REQUIRED', field: 'hazardId' });
  });
});

describe('system events', () => {
  it('clear an unacknowledged alarm to cleared, an acknowledged one to closed', () => {
    expect(applyAlarmAction(stateFor('active_unacked'), inputFor('condition_cleared'), 'system', T1)).toMatchObject({
      ok: true,
      autoClosed: false,
      alarm: { status: 'cleared', clearedAt: T1 },
    });
    expect(applyAlarmAction(stateFor('active_acked'), inputFor('condition_cleared'), 'system', T1)).toMatchObject({
      ok: true,
      autoClosed: true,
      alarm: { status: 'closed', closedHow: 'auto', closedAt: T1 },
    });
  });
  it('reopen a cleared, not closed alarm with count + 1', () => {
    const r = applyAlarmAction(stateFor('cleared_unacked'), inputFor('condition_returned'), 'system', T1);
    expect(r).toMatchObject({ ok: true, alarm: { status: 'active', count: 2, clearedAt: null, acknowledged: false } });
  });
  it('do not reopen a closed alarm (the server raises a new one)', () => {
    expect(applyAlarmAction(stateFor('closed'), inputFor('condition_returned'), 'system', T1)).toMatchObject({
      ok: false,
      error: 'ALARM_INVALID_TRANSITION',
    });
  });
});

describe('a full life cycle', () => {
  it('raise → ack → clear (auto-close)', () => {
    let a = newAlarmState(T0);
    const r1 = applyAlarmAction(a, { type: 'condition_cleared' }, 'system', T1);
    if (!r1.ok) throw new Error(r1.error);
    a = r1.alarm;
    const r2 = applyAlarmAction(a, { type: 'condition_returned' }, 'system', T1);
    if (!r2.ok) throw new Error(r2.error);
    a = r2.alarm;
    const r3 = applyAlarmAction(a, { type: 'acknowledge' }, person('enterprise_staff'), T1);
    if (!r3.ok) throw new Error(r3.error);
    const r4 = applyAlarmAction(r3.alarm, { type: 'condition_cleared' }, 'system', T1);
    expect(r4).toMatchObject({ ok: true, autoClosed: true, alarm: { status: 'closed', count: 2 } });
  });
  it('keeps extra fields of the record and never mutates the input', () => {
    const a = { ...newAlarmState(T0), pointId: 'p1', rule: 'high' as const };
    const frozen = Object.freeze({ ...a });
    const r = applyAlarmAction(frozen, { type: 'acknowledge' }, person('enterprise_admin'), T1);
    expect(r).toMatchObject({ ok: true, alarm: { pointId: 'p1', rule: 'high', acknowledged: true } });
    expect(frozen.acknowledged).toBe(false);
  });
});

describe('allowedAlarmActions', () => {
  it('lists only the buttons that apply', () => {
    expect(allowedAlarmActions(stateFor('active_unacked'), 'enterprise_staff')).toEqual(['acknowledge']);
    expect(allowedAlarmActions(stateFor('active_unacked'), 'enterprise_admin')).toEqual(['acknowledge', 'to_hazard']);
    expect(allowedAlarmActions(stateFor('active_unacked'), 'county_admin')).toEqual([
      'acknowledge',
      'close',
      'to_hazard',
    ]);
    expect(allowedAlarmActions(stateFor('active_acked'), 'county_admin')).toEqual(['close', 'to_hazard']);
    expect(allowedAlarmActions(stateFor('closed'), 'county_admin')).toEqual(['to_hazard']);
    expect(allowedAlarmActions({ ...stateFor('closed'), hazardId: 'h' }, 'county_admin')).toEqual([]);
    expect(allowedAlarmActions(stateFor('active_unacked'), 'county_leader')).toEqual([]);
    expect(allowedAlarmActions(stateFor('active_unacked'), 'village_worker')).toEqual([]);
  });
  it('agrees with applyAlarmAction for every role and state', () => {
    for (const key of ALARM_STATE_KEYS) {
      for (const role of ROLES) {
        const allowed = allowedAlarmActions(stateFor(key), role);
        for (const action of ALARM_USER_ACTIONS) {
          const r = applyAlarmAction(stateFor(key), inputFor(action), person(role), T1);
          expect(r.ok, `${key} ${role} ${action}`).toBe(allowed.includes(action));
        }
      }
    }
  });
});
