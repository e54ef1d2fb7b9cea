import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../roles.js';
import {
  allowedInspectionActions,
  checkInspectionTransition,
  INSPECTION_ACTIONS,
  INSPECTION_STATUSES,
  INSPECTION_TRANSITIONS,
  type InspectionAction,
  type InspectionStatus,
  type InspectionWorkflowContext,
  visibleToEnterprise,
} from './inspection-workflow.js';

/*
 * The expected life cycle, written independently of the implementation: from action to.
 * Acting roles for every row: dept_officer, town_officer, county_admin, and only when their unit organises the
 * inspection. Everything not listed is illegal for everyone.
 */
const EXPECTED = `
planned     start           in_progress
planned     reschedule      planned
planned     cancel          cancelled
in_progress complete        completed
in_progress cancel          cancelled
completed   issue_documents documents_issued
`;
const ACTORS: readonly Role[] = ['dept_officer', 'town_officer', 'county_admin'];

const expected = new Map<string, InspectionStatus>(
  EXPECTED.trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/) as [InspectionStatus, InspectionAction, InspectionStatus])
    .map(([from, action, to]) => [`${from}/${action}`, to]),
);

const PLANNED_AT = '2025-03-20T01:00:00.000Z';

/** A valid payload for each action. */
const VALID: Record<InspectionAction, unknown> = {
  start: { startedAt: '2025-03-20T01:05:00Z' },
  reschedule: { plannedAt: '2025-03-21T01:00:00Z', reason: '企业停产检修' },
  cancel: { reason: '企业已关闭' },
  complete: { nonCompliantItems: 3, compliantItems: 17, summary: '发现 3 项问题' },
  issue_documents: { documents: [{ kind: 'site_record', number: '（应急）现记〔2025〕12号' }] },
};

function ctx(status: InspectionStatus, actorRole: Role, actorIsOrganiser = true): InspectionWorkflowContext {
  return { status, actorRole, actorIsOrganiser, plannedAt: PLANNED_AT };
}

describe('inspection transition table', () => {
  it('matches the expected life cycle exactly', () => {
    expect(INSPECTION_TRANSITIONS.map((t) => `${t.from}/${t.action}/${t.to}`).sort()).toEqual(
      [...expected].map(([k, to]) => `${k}/${to}`).sort(),
    );
    for (const t of INSPECTION_TRANSITIONS) expect([...t.roles].sort()).toEqual([...ACTORS].sort());
  });

  const cases = INSPECTION_STATUSES.flatMap((status) =>
    INSPECTION_ACTIONS.flatMap((action) => ROLES.map((role) => [status, action, role] as const)),
  );

  it.each(cases)('%s × %s × %s', (status, action, role) => {
    const to = expected.get(`${status}/${action}`);
    const r = checkInspectionTransition(ctx(status, role), action, VALID[action]);
    if (to === undefined) {
      expect(r).toMatchObject({ ok: false, code: 'ILLEGAL_ACTION' });
    } else if (ACTORS.includes(role)) {
      expect(r).toMatchObject({ ok: true, to });
      // Outside the actor's inspection: forbidden.
      expect(checkInspectionTransition(ctx(status, role, false), action, VALID[action])).toMatchObject({
        ok: false,
        code: 'FORBIDDEN_ACTION',
      });
    } else {
      expect(r).toMatchObject({ ok: false, code: 'FORBIDDEN_ACTION' });
    }
    // allowedInspectionActions agrees with checkInspectionTransition.
    expect(allowedInspectionActions(ctx(status, role)).includes(action)).toBe(
      to !== undefined && ACTORS.includes(role),
    );
  });

  it('terminal states allow nothing', () => {
    for (const status of ['documents_issued', 'cancelled'] as const) {
      for (const role of ROLES) expect(allowedInspectionActions(ctx(status, role))).toEqual([]);
    }
  });
});

describe('payloads', () => {
  const officer = (status: InspectionStatus) => ctx(status, 'dept_officer');

  it('start needs nothing', () => {
    expect(checkInspectionTransition(officer('planned'), 'start')).toMatchObject({ ok: true });
    expect(checkInspectionTransition(officer('planned'), 'start', { startedAt: 'yesterday' })).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'startedAt',
    });
  });

  it('cancel needs a reason', () => {
    expect(checkInspectionTransition(officer('planned'), 'cancel', {})).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'reason',
    });
    expect(checkInspectionTransition(officer('in_progress'), 'cancel', { reason: '  ' })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'reason',
    });
  });

  it('reschedule needs a new, different time and a reason', () => {
    expect(checkInspectionTransition(officer('planned'), 'reschedule', { reason: 'x' })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'plannedAt',
    });
    expect(
      checkInspectionTransition(officer('planned'), 'reschedule', { plannedAt: '2025-03-21T01:00:00Z' }),
    ).toMatchObject({ code: 'MISSING_FIELD', field: 'reason' });
    expect(
      checkInspectionTransition(officer('planned'), 'reschedule', {
        plannedAt: '2025-03-20T09:00:00+08:00',
        reason: 'x',
      }),
    ).toMatchObject({ code: 'INVALID_FIELD', field: 'plannedAt' });
    expect(
      checkInspectionTransition(officer('planned'), 'reschedule', { plannedAt: 'next week', reason: 'x' }),
    ).toMatchObject({ code: 'INVALID_FIELD', field: 'plannedAt' });
    const ok = checkInspectionTransition(officer('planned'), 'reschedule', VALID.reschedule);
    expect(ok).toMatchObject({ ok: true, to: 'planned', payload: { plannedAt: '2025-03-21T01:00:00Z' } });
  });

  it('complete needs the count of non-compliant items', () => {
    expect(checkInspectionTransition(officer('in_progress'), 'complete', {})).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'nonCompliantItems',
    });
    expect(checkInspectionTransition(officer('in_progress'), 'complete', { nonCompliantItems: -1 })).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'nonCompliantItems',
    });
    expect(checkInspectionTransition(officer('in_progress'), 'complete', { nonCompliantItems: 0 })).toMatchObject({
      ok: true,
    });
  });

  it('issue_documents needs documents including the on-site record', () => {
    expect(checkInspectionTransition(officer('completed'), 'issue_documents', { documents: [] })).toMatchObject({
      code: 'MISSING_FIELD',
      field: 'documents',
    });
    expect(
      checkInspectionTransition(officer('completed'), 'issue_documents', {
        documents: [{ kind: 'rectification_order', number: 'X-1' }],
      }),
    ).toMatchObject({ code: 'INVALID_FIELD', field: 'documents' });
    expect(
      checkInspectionTransition(officer('completed'), 'issue_documents', {
        documents: [{ kind: 'memo', number: 'X-1' }],
      }),
    ).toMatchObject({ code: 'INVALID_FIELD', field: 'documents.0.kind' });
    expect(
      checkInspectionTransition(officer('completed'), 'issue_documents', {
        documents: [
          { kind: 'site_record', number: 'J-1' },
          { kind: 'rectification_order', number: 'Z-1' },
        ],
      }),
    ).toMatchObject({ ok: true, to: 'documents_issued' });
  });

  it('checks the table and the actor before the payload', () => {
    expect(checkInspectionTransition(ctx('completed', 'dept_officer'), 'cancel', {})).toMatchObject({
      code: 'ILLEGAL_ACTION',
    });
    expect(checkInspectionTransition(ctx('planned', 'enterprise_admin'), 'cancel', {})).toMatchObject({
      code: 'FORBIDDEN_ACTION',
    });
  });
});

describe('visibleToEnterprise (四不两直)', () => {
  it.each([
    // status, unannounced, startedAt, visible
    ['planned', true, null, false],
    ['planned', false, null, true],
    ['in_progress', true, '2025-03-20T01:05:00Z', true],
    ['in_progress', true, null, true],
    ['completed', true, '2025-03-20T01:05:00Z', true],
    ['documents_issued', true, '2025-03-20T01:05:00Z', true],
    ['cancelled', true, null, false],
    ['cancelled', true, '2025-03-20T01:05:00Z', true],
    ['cancelled', false, null, true],
  ] as const)('%s, unannounced %s, started %s → %s', (status, unannounced, startedAt, visible) => {
    expect(visibleToEnterprise({ status, unannounced, startedAt })).toBe(visible);
  });
});
