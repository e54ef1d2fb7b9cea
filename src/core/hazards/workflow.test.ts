import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  checkTransition,
  HAZARD_ACTIONS,
  HAZARD_LEVELS,
  HAZARD_PATHS,
  HAZARD_STATUSES,
  HAZARD_TRANSITIONS,
  type HazardAction,
  type HazardLevel,
  type HazardPath,
  type HazardStatus,
  type HazardWorkflowContext,
  hazardPath,
  initialStatus,
  isSourceAllowedFor,
  ROLES,
  type Role,
  type TransitionResult,
} from './workflow.js';

/*
 * The expected life cycle, written independently of the implementation. One line per legal transition:
 *   level path from action to roles [guard]
 * level: G general, M major; path: self, sup, * (either); roles: EA enterprise_admin, ES enterprise_staff,
 * DO dept_officer, TO town_officer, CA county_admin; guard: fresh (no extension requested for this deadline),
 * pending (an extension request awaits a decision).
 * Everything not listed is illegal for everyone.
 */
const EXPECTED = `
G self rectifying submit            submitted  EA,ES
G self submitted  verify            verified   EA
G self submitted  return            rectifying EA
G self verified   close             closed     EA
G self verified   return            rectifying DO,TO,CA
G self closed     return            rectifying DO,TO,CA
G self rectifying request_extension rectifying EA       fresh
G self rectifying decide_extension  rectifying DO,TO,CA pending

G sup  rectifying submit            submitted  EA,ES
G sup  submitted  verify            verified   DO,TO,CA
G sup  submitted  return            rectifying DO,TO,CA
G sup  verified   close             closed     DO,TO,CA
G sup  verified   return            rectifying DO,TO,CA
G sup  rectifying request_extension rectifying EA       fresh
G sup  rectifying decide_extension  rectifying DO,TO,CA pending

M *    reported   confirm           rectifying DO,CA
M *    reported   reject            rejected   DO,CA
M *    rectifying submit            submitted  EA
M *    submitted  verify            verified   DO,CA
M *    submitted  return            rectifying DO,CA
M *    verified   close             closed     CA
M *    verified   return            rectifying CA
M *    rectifying request_extension rectifying EA       fresh
M *    rectifying decide_extension  rectifying DO,CA    pending
`;

const ROLE_ABBR: Record<string, Role> = {
  EA: 'enterprise_admin',
  ES: 'enterprise_staff',
  DO: 'dept_officer',
  TO: 'town_officer',
  CA: 'county_admin',
};

interface ExpectedRow {
  level: HazardLevel;
  paths: HazardPath[];
  from: HazardStatus;
  action: HazardAction;
  to: HazardStatus;
  roles: Role[];
  guard: 'fresh' | 'pending' | null;
}

const expectedRows: ExpectedRow[] = EXPECTED.trim()
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((line) => {
    const [lv, path, from, action, to, roles, guard] = line.trim().split(/\s+/);
    return {
      level: lv === 'M' ? 'major' : 'general',
      paths: path === '*' ? ['self', 'supervised'] : path === 'sup' ? ['supervised'] : ['self'],
      from: from as HazardStatus,
      action: action as HazardAction,
      to: to as HazardStatus,
      roles: (roles ?? '').split(',').map((r) => {
        const role = ROLE_ABBR[r];
        if (!role) throw new Error(`bad role ${r}`);
        return role;
      }),
      guard: guard === 'fresh' || guard === 'pending' ? guard : null,
    };
  });

const ENTERPRISE_ROLES: readonly Role[] = ['enterprise_admin', 'enterprise_staff'];
const SUPERVISOR_ROLES: readonly Role[] = ['dept_officer', 'town_officer', 'county_admin'];

type Scope = 'in' | 'out';
type ExtState = 'fresh' | 'pending' | 'used';
const EXT_STATES: readonly ExtState[] = ['fresh', 'pending', 'used'];

const DEADLINE = '2025-06-30';

function ctxFor(
  status: HazardStatus,
  level: HazardLevel,
  path: HazardPath,
  role: Role,
  scope: Scope,
  ext: ExtState,
): HazardWorkflowContext {
  return {
    status,
    level,
    path,
    actorRole: role,
    // "in": a user of this enterprise, or a supervisor whose jurisdiction covers it; "out": neither.
    actorIsOwnEnterprise: scope === 'in' && ENTERPRISE_ROLES.includes(role),
    actorIsSupervisor: scope === 'in' && SUPERVISOR_ROLES.includes(role),
    deadline: status === 'reported' ? null : DEADLINE,
    extensionRequestedForCurrentDeadline: ext !== 'fresh',
    pendingExtension: ext === 'pending',
  };
}

const EVIDENCE = ['file-1'];
const PLAN = {
  owner: '张三 (厂长)',
  measures: '更换泄爆片, 加装隔爆阀',
  funds: '12万元, 企业自筹',
  deadline: '2025-07-31',
  contingency: '粉尘爆炸专项应急预案',
};

function validPayload(action: HazardAction, level: HazardLevel): unknown {
  switch (action) {
    case 'confirm':
      return { plan: PLAN, interimMeasures: '停止3号车间作业, 设置警戒' };
    case 'reject':
    case 'return':
      return { reason: '整改不到位' };
    case 'submit':
      return level === 'major' ? { note: '已整改', evidenceFileIds: EVIDENCE } : { note: '已整改' };
    case 'verify':
    case 'close':
      return {};
    case 'request_extension':
      return { reason: '设备到货延迟', requestedDeadline: '2025-07-15' };
    case 'decide_extension':
      return { approved: true, newDeadline: '2025-07-15' };
  }
}

type Outcome = { ok: true; to: HazardStatus } | { ok: false; code: string };

function expectedOutcome(ctx: HazardWorkflowContext, action: HazardAction, scope: Scope, ext: ExtState): Outcome {
  const row = expectedRows.find(
    (r) => r.level === ctx.level && r.paths.includes(ctx.path) && r.from === ctx.status && r.action === action,
  );
  if (!row) return { ok: false, code: 'ILLEGAL_ACTION' };
  if (scope === 'out' || !row.roles.includes(ctx.actorRole)) return { ok: false, code: 'FORBIDDEN_ACTION' };
  if (row.guard === 'fresh' && ext !== 'fresh') return { ok: false, code: 'ILLEGAL_ACTION' };
  if (row.guard === 'pending' && ext !== 'pending') return { ok: false, code: 'ILLEGAL_ACTION' };
  return { ok: true, to: row.to };
}

function outcome(r: TransitionResult): Outcome {
  return r.ok ? { ok: true, to: r.to } : { ok: false, code: r.code };
}

describe('hazard workflow: exhaustive matrix', () => {
  it('every status × action × role × path × level × scope × extension state matches the expected table', () => {
    const mismatches: string[] = [];
    let legal = 0;
    let cases = 0;
    for (const status of HAZARD_STATUSES)
      for (const action of HAZARD_ACTIONS)
        for (const role of ROLES)
          for (const path of HAZARD_PATHS)
            for (const level of HAZARD_LEVELS)
              for (const scope of ['in', 'out'] as const)
                for (const ext of EXT_STATES) {
                  cases++;
                  const ctx = ctxFor(status, level, path, role, scope, ext);
                  const want = expectedOutcome(ctx, action, scope, ext);
                  const got = outcome(checkTransition(ctx, action, validPayload(action, level)));
                  if (want.ok) legal++;
                  if (JSON.stringify(want) !== JSON.stringify(got)) {
                    mismatches.push(
                      `${level}/${path} ${status} ${action} by ${role} (${scope}, ${ext}): want ${JSON.stringify(want)} got ${JSON.stringify(got)}`,
                    );
                  }
                  const allowed = allowedActions(ctx).includes(action);
                  if (allowed !== want.ok) {
                    mismatches.push(
                      `allowedActions ${level}/${path} ${status} ${action} by ${role} (${scope}, ${ext})`,
                    );
                  }
                }
    expect(mismatches).toEqual([]);
    expect(cases).toBe(6 * 8 * 8 * 2 * 2 * 2 * 3);
    // Guard against a vacuous table: count the legal cases the expected matrix implies.
    let implied = 0;
    for (const r of expectedRows) implied += r.roles.length * r.paths.length * (r.guard ? 1 : EXT_STATES.length);
    expect(legal).toBe(implied);
    expect(legal).toBeGreaterThan(100);
  });

  it('the implementation table has exactly the expected rows, no more', () => {
    const norm = (level: HazardLevel, path: HazardPath, from: string, action: string, to: string, roles: Role[]) =>
      `${level}/${path} ${from} ${action} ${to} ${[...roles].sort().join(',')}`;
    const fromImpl = HAZARD_TRANSITIONS.flatMap((t) =>
      t.levels.flatMap((l) => t.paths.map((p) => norm(l, p, t.from, t.action, t.to, [...t.roles]))),
    ).sort();
    const fromTest = expectedRows
      .flatMap((r) => r.paths.map((p) => norm(r.level, p, r.from, r.action, r.to, r.roles)))
      .sort();
    expect(fromImpl).toEqual(fromTest);
  });

  it('at most one row per (from, action, level, path)', () => {
    const seen = new Set<string>();
    for (const t of HAZARD_TRANSITIONS)
      for (const l of t.levels)
        for (const p of t.paths) {
          const k = `${t.from} ${t.action} ${l} ${p}`;
          expect(seen.has(k), k).toBe(false);
          seen.add(k);
        }
  });

  it('rejected and closed are final except the supervisor spot-check return of a self-closed general hazard', () => {
    for (const row of expectedRows) {
      if (row.from === 'rejected') throw new Error('rejected must be final');
      if (row.from === 'closed') {
        expect(row).toMatchObject({ level: 'general', paths: ['self'], action: 'return' });
      }
    }
  });

  it('read-only and platform roles never act', () => {
    for (const role of ['sys_admin', 'county_leader', 'village_worker'] as const)
      for (const status of HAZARD_STATUSES)
        for (const level of HAZARD_LEVELS)
          for (const path of HAZARD_PATHS) {
            const ctx = { ...ctxFor(status, level, path, role, 'in', 'pending'), actorIsSupervisor: true };
            expect(allowedActions(ctx)).toEqual([]);
          }
  });

  it('a county_admin without supervisor scope cannot close a major hazard', () => {
    const ctx = {
      ...ctxFor('verified', 'major', 'supervised', 'county_admin', 'in', 'fresh'),
      actorIsSupervisor: false,
    };
    expect(checkTransition(ctx, 'close')).toMatchObject({ ok: false, code: 'FORBIDDEN_ACTION' });
  });

  it('an enterprise user of another enterprise is forbidden; a supervisor flag does not make staff a supervisor', () => {
    const other = { ...ctxFor('rectifying', 'general', 'supervised', 'enterprise_admin', 'in', 'fresh') };
    other.actorIsOwnEnterprise = false;
    expect(checkTransition(other, 'submit', { note: 'x' })).toMatchObject({ code: 'FORBIDDEN_ACTION' });
    const staff = { ...ctxFor('submitted', 'general', 'supervised', 'enterprise_staff', 'in', 'fresh') };
    staff.actorIsSupervisor = true;
    expect(checkTransition(staff, 'verify')).toMatchObject({ code: 'FORBIDDEN_ACTION' });
  });
});

describe('hazard workflow: origin', () => {
  it('initial status: major starts reported, general starts rectifying', () => {
    expect(initialStatus({ level: 'major', source: 'self_check', finderSide: 'enterprise' })).toBe('reported');
    expect(initialStatus({ level: 'major', source: 'inspection', finderSide: 'supervisor' })).toBe('reported');
    expect(initialStatus({ level: 'major', source: 'public_report', finderSide: 'public' })).toBe('reported');
    expect(initialStatus({ level: 'general', source: 'self_check', finderSide: 'enterprise' })).toBe('rectifying');
    expect(initialStatus({ level: 'general', source: 'patrol', finderSide: 'supervisor' })).toBe('rectifying');
    expect(initialStatus({ level: 'general', source: 'public_report', finderSide: 'public' })).toBe('rectifying');
  });

  it('path: only general self-checks and internal employee reports are self', () => {
    const cases: [
      HazardLevel,
      Parameters<typeof hazardPath>[0]['source'],
      'enterprise' | 'supervisor' | 'public',
      HazardPath,
    ][] = [
      ['general', 'self_check', 'enterprise', 'self'],
      ['general', 'employee_report', 'enterprise', 'self'],
      ['general', 'employee_report', 'public', 'supervised'],
      ['general', 'campaign', 'enterprise', 'supervised'],
      ['general', 'alarm', 'enterprise', 'supervised'],
      ['general', 'inspection', 'supervisor', 'supervised'],
      ['general', 'patrol', 'supervisor', 'supervised'],
      ['general', 'public_report', 'public', 'supervised'],
      ['major', 'self_check', 'enterprise', 'supervised'],
      ['major', 'employee_report', 'enterprise', 'supervised'],
    ];
    for (const [level, source, finderSide, want] of cases) {
      expect(hazardPath({ level, source, finderSide }), `${level} ${source} ${finderSide}`).toBe(want);
    }
  });

  it('sources per finder side', () => {
    expect(isSourceAllowedFor('enterprise', 'self_check')).toBe(true);
    expect(isSourceAllowedFor('enterprise', 'inspection')).toBe(false);
    expect(isSourceAllowedFor('supervisor', 'inspection')).toBe(true);
    expect(isSourceAllowedFor('supervisor', 'self_check')).toBe(false);
    expect(isSourceAllowedFor('public', 'public_report')).toBe(true);
    expect(isSourceAllowedFor('public', 'patrol')).toBe(false);
  });
});

describe('hazard workflow: payloads', () => {
  const confirmCtx = ctxFor('reported', 'major', 'supervised', 'dept_officer', 'in', 'fresh');

  it('confirm: each missing or blank plan field is MISSING_FIELD naming it', () => {
    for (const key of Object.keys(PLAN) as (keyof typeof PLAN)[]) {
      const { [key]: _dropped, ...rest } = PLAN;
      expect(checkTransition(confirmCtx, 'confirm', { plan: rest, interimMeasures: 'x' })).toEqual({
        ok: false,
        code: 'MISSING_FIELD',
        field: `plan.${key}`,
        message: `plan.${key} is required`,
      });
      expect(
        checkTransition(confirmCtx, 'confirm', { plan: { ...PLAN, [key]: '   ' }, interimMeasures: 'x' }),
      ).toMatchObject({ ok: false, code: 'MISSING_FIELD', field: `plan.${key}` });
    }
  });

  it('confirm: missing plan, missing interim measures, invalid deadline', () => {
    expect(checkTransition(confirmCtx, 'confirm', { interimMeasures: 'x' })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'plan',
    });
    expect(checkTransition(confirmCtx, 'confirm', { plan: PLAN })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'interimMeasures',
    });
    expect(checkTransition(confirmCtx, 'confirm')).toMatchObject({ code: 'MISSING_FIELD', field: 'plan' });
    for (const bad of ['2025-02-29', '2025/07/31', '31.07.2025', '2025-7-31']) {
      expect(
        checkTransition(confirmCtx, 'confirm', { plan: { ...PLAN, deadline: bad }, interimMeasures: 'x' }),
      ).toMatchObject({ code: 'INVALID_FIELD', field: 'plan.deadline' });
    }
    expect(
      checkTransition(confirmCtx, 'confirm', { plan: { ...PLAN, funds: 120000 }, interimMeasures: 'x' }),
    ).toMatchObject({ code: 'INVALID_FIELD', field: 'plan.funds' });
  });

  it('confirm sets the deadline from the plan and starts rectifying', () => {
    const r = checkTransition(confirmCtx, 'confirm', validPayload('confirm', 'major'));
    expect(r).toMatchObject({
      ok: true,
      to: 'rectifying',
      next: { status: 'rectifying', deadline: '2025-07-31', extensionRequestedForCurrentDeadline: false },
    });
  });

  it('submit (major): note and at least one evidence file', () => {
    const ctx = ctxFor('rectifying', 'major', 'supervised', 'enterprise_admin', 'in', 'fresh');
    expect(checkTransition(ctx, 'submit', { evidenceFileIds: EVIDENCE })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'note',
    });
    expect(checkTransition(ctx, 'submit', { note: '已整改', evidenceFileIds: [] })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'evidenceFileIds',
    });
    expect(checkTransition(ctx, 'submit', { note: '已整改' })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'evidenceFileIds',
    });
    expect(checkTransition(ctx, 'submit', { note: '已整改', evidenceFileIds: EVIDENCE })).toMatchObject({
      ok: true,
      to: 'submitted',
    });
  });

  it('submit (general): a note or evidence, either is enough', () => {
    const ctx = ctxFor('rectifying', 'general', 'supervised', 'enterprise_staff', 'in', 'fresh');
    expect(checkTransition(ctx, 'submit', {})).toMatchObject({ code: 'MISSING_FIELD', field: 'note' });
    expect(checkTransition(ctx, 'submit', { note: ' ', evidenceFileIds: [] })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'note',
    });
    expect(checkTransition(ctx, 'submit', { note: '已整改' })).toMatchObject({ ok: true });
    expect(checkTransition(ctx, 'submit', { evidenceFileIds: EVIDENCE })).toMatchObject({ ok: true });
  });

  it('reject and return require a reason', () => {
    expect(checkTransition(confirmCtx, 'reject', {})).toMatchObject({ code: 'MISSING_FIELD', field: 'reason' });
    expect(checkTransition(confirmCtx, 'reject', { reason: '' })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'reason',
    });
    expect(checkTransition(confirmCtx, 'reject', { reason: '不属于重大隐患' })).toMatchObject({
      ok: true,
      to: 'rejected',
    });
    const ret = ctxFor('submitted', 'general', 'supervised', 'town_officer', 'in', 'fresh');
    expect(checkTransition(ret, 'return', {})).toMatchObject({ code: 'MISSING_FIELD', field: 'reason' });
  });

  it('return may set a new deadline, which resets the extension allowance', () => {
    const ctx = ctxFor('closed', 'general', 'self', 'dept_officer', 'in', 'used');
    const keep = checkTransition(ctx, 'return', { reason: '抽查发现未整改' });
    expect(keep).toMatchObject({ ok: true, next: { deadline: DEADLINE, extensionRequestedForCurrentDeadline: true } });
    const fresh = checkTransition(ctx, 'return', { reason: '抽查发现未整改', newDeadline: '2025-08-15' });
    expect(fresh).toMatchObject({
      ok: true,
      to: 'rectifying',
      next: { deadline: '2025-08-15', extensionRequestedForCurrentDeadline: false, pendingExtension: false },
    });
    expect(checkTransition(ctx, 'return', { reason: 'x', newDeadline: 'soon' })).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'newDeadline',
    });
  });

  it('every requiredFields entry of the table is enforced as MISSING_FIELD', () => {
    const roleFor = (t: (typeof HAZARD_TRANSITIONS)[number]): Role => t.roles[0] ?? 'sys_admin';
    for (const t of HAZARD_TRANSITIONS)
      for (const level of t.levels)
        for (const field of t.requiredFields) {
          const path = t.paths[0] ?? 'supervised';
          const ext: ExtState = t.guard === 'extension_pending' ? 'pending' : 'fresh';
          const ctx = ctxFor(t.from, level, path, roleFor(t), 'in', ext);
          const payload = structuredClone(validPayload(t.action, level)) as Record<string, unknown>;
          const [head, tail] = field.split('.');
          if (tail !== undefined && head !== undefined) delete (payload[head] as Record<string, unknown>)[tail];
          else if (head !== undefined) delete payload[head];
          expect(checkTransition(ctx, t.action, payload), `${t.action} ${field}`).toMatchObject({
            ok: false,
            code: 'MISSING_FIELD',
            field,
          });
        }
  });
});

describe('hazard workflow: extensions', () => {
  /** Applies a successful transition's `next` to the context, as the server would store it. */
  function apply(ctx: HazardWorkflowContext, action: HazardAction, payload: unknown): HazardWorkflowContext {
    const r = checkTransition(ctx, action, payload);
    if (!r.ok) throw new Error(`${action}: ${r.code} ${r.message}`);
    return { ...ctx, ...r.next };
  }
  const base = ctxFor('rectifying', 'general', 'supervised', 'enterprise_admin', 'in', 'fresh');
  const asSupervisor = (c: HazardWorkflowContext): HazardWorkflowContext => ({
    ...c,
    actorRole: 'town_officer',
    actorIsOwnEnterprise: false,
    actorIsSupervisor: true,
  });
  const asEnterprise = (c: HazardWorkflowContext): HazardWorkflowContext => ({
    ...c,
    actorRole: 'enterprise_admin',
    actorIsOwnEnterprise: true,
    actorIsSupervisor: false,
  });

  it('at most one request per deadline; a denial uses it up', () => {
    const requested = apply(base, 'request_extension', { reason: '设备未到货', requestedDeadline: '2025-07-20' });
    expect(requested).toMatchObject({ status: 'rectifying', pendingExtension: true, deadline: DEADLINE });
    expect(
      checkTransition(requested, 'request_extension', { reason: 'again', requestedDeadline: '2025-07-25' }),
    ).toMatchObject({ ok: false, code: 'ILLEGAL_ACTION', message: 'An extension request is already pending' });
    const denied = apply(asSupervisor(requested), 'decide_extension', { approved: false, reason: '理由不充分' });
    expect(denied).toMatchObject({
      deadline: DEADLINE,
      pendingExtension: false,
      extensionRequestedForCurrentDeadline: true,
    });
    expect(allowedActions(asEnterprise(denied))).toEqual(['submit']);
    expect(
      checkTransition(asEnterprise(denied), 'request_extension', { reason: 'again', requestedDeadline: '2025-07-25' }),
    ).toMatchObject({
      ok: false,
      code: 'ILLEGAL_ACTION',
      message: 'An extension was already requested for the current deadline',
    });
    expect(
      checkTransition(asSupervisor(denied), 'decide_extension', { approved: true, newDeadline: '2025-08-01' }),
    ).toMatchObject({
      ok: false,
      code: 'ILLEGAL_ACTION',
    });
  });

  it('an approval sets the new deadline and allows one request for it', () => {
    const requested = apply(base, 'request_extension', { reason: '设备未到货', requestedDeadline: '2025-07-20' });
    const approved = apply(asSupervisor(requested), 'decide_extension', { approved: true, newDeadline: '2025-07-15' });
    expect(approved).toMatchObject({
      status: 'rectifying',
      deadline: '2025-07-15',
      pendingExtension: false,
      extensionRequestedForCurrentDeadline: false,
    });
    const again = apply(asEnterprise(approved), 'request_extension', {
      reason: '仍未到货',
      requestedDeadline: '2025-07-31',
    });
    expect(again).toMatchObject({ pendingExtension: true, deadline: '2025-07-15' });
    expect(checkTransition(again, 'request_extension', { reason: 'x', requestedDeadline: '2025-08-31' })).toMatchObject(
      { code: 'ILLEGAL_ACTION' },
    );
  });

  it('dates must move the deadline later; approval needs a date, denial carries none', () => {
    expect(checkTransition(base, 'request_extension', { reason: 'x', requestedDeadline: DEADLINE })).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'requestedDeadline',
    });
    expect(checkTransition(base, 'request_extension', { reason: 'x', requestedDeadline: '2025-06-01' })).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'requestedDeadline',
    });
    expect(checkTransition(base, 'request_extension', { reason: 'x' })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'requestedDeadline',
    });
    expect(checkTransition(base, 'request_extension', { requestedDeadline: '2025-07-01' })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'reason',
    });
    const pending = asSupervisor({ ...base, pendingExtension: true, extensionRequestedForCurrentDeadline: true });
    expect(checkTransition(pending, 'decide_extension', { approved: true })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'newDeadline',
    });
    expect(checkTransition(pending, 'decide_extension', { approved: true, newDeadline: DEADLINE })).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'newDeadline',
    });
    expect(checkTransition(pending, 'decide_extension', { approved: false, newDeadline: '2025-07-10' })).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'newDeadline',
    });
    expect(checkTransition(pending, 'decide_extension', {})).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'approved',
    });
    expect(checkTransition(pending, 'decide_extension', { approved: 'yes' })).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'approved',
    });
    expect(checkTransition(pending, 'decide_extension', { approved: true, newDeadline: '2025-07-01' })).toMatchObject({
      ok: true,
      next: { deadline: '2025-07-01' },
    });
  });

  it('submitting clears a pending request', () => {
    const pending = { ...base, pendingExtension: true, extensionRequestedForCurrentDeadline: true };
    expect(checkTransition(pending, 'submit', { note: '已整改' })).toMatchObject({
      ok: true,
      next: { status: 'submitted', pendingExtension: false, extensionRequestedForCurrentDeadline: true },
    });
  });

  it('on a major hazard a town officer may not decide an extension', () => {
    const pending = { ...ctxFor('rectifying', 'major', 'supervised', 'town_officer', 'in', 'pending') };
    expect(checkTransition(pending, 'decide_extension', { approved: false })).toMatchObject({
      code: 'FORBIDDEN_ACTION',
    });
  });
});
