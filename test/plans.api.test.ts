/**
 * Yearly inspection plans (issue #4 §2) and leaders' field work (§5) through the API: generation within the
 * 150号 capacity with the high tier covered monthly, editing and approval, joint-inspection merge, scope, the
 * monthly board, meetings and the end-of-month reminders.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../src/core/dates.js';
import { dayOfWeek } from '../src/core/supervision/calendar.js';
import { pngBytes } from './fixtures.js';
import {
  type AuthHeaders,
  DATABASES,
  makeDepartment,
  makeEnterprise,
  makeTownship,
  signIn,
  startTestEnv,
  type TestEnv,
} from './harness.js';
import { upload } from './hazards-fixtures.js';

type Headers = AuthHeaders;
const rand = (n = 6) => randomBytes(8).toString('hex').slice(0, n);

interface Visit {
  id: string;
  enterpriseId: string;
  plannedDate: string;
  status: string;
  tier: string;
  jointVisitId: string | null;
  version: number;
}

describe.each(DATABASES)('plans and field work on $name', (dbc) => {
  let env: TestEnv;
  let town: { town: string; village: string };
  let county: { id: string; headers: Headers };
  let leader: { id: string; headers: Headers };

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    town = await makeTownship(env.p);
    county = await signIn(env, 'county_admin');
    leader = await signIn(env, 'county_leader');
  });
  afterAll(() => env?.close());

  const call = (headers: Headers, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    env.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  /** An enterprise supervised by the given departments; `high` gives it a record that scores it high-tier. */
  async function enterprise(departmentIds: string[], opts: { high?: boolean } = {}) {
    const e = await makeEnterprise(env.p, {
      regionCode: town.village,
      primarySector: 'hazardous_chemicals',
      departmentIds,
      name: `计划测试企业${rand()}有限公司`,
    });
    if (opts.high) {
      // Five overdue major hazards (−30) and three expired licences (−15): score 55, high tier (< 60).
      const past = '2026-01-10';
      await env.p.db
        .updateTable('enterprises')
        .set({
          licences: JSON.stringify(
            [1, 2, 3].map((i) => ({ type: '安全生产许可证', number: `X${rand()}${i}`, expiry: past })),
          ),
        })
        .where('id', '=', e.id)
        .execute();
      for (let i = 0; i < 5; i++) {
        await env.p.db
          .insertInto('hazards')
          .values({
            code: `YH-T-${rand(10)}`,
            enterprise_id: e.id,
            place: '罐区',
            sector: 'hazardous_chemicals',
            category: 'equipment',
            level: 'major',
            path: 'supervised',
            status: 'rectifying',
            description: '测试重大隐患',
            source: 'inspection',
            finder_side: 'supervisor',
            finder_name: '检查员',
            found_at: new Date('2026-01-05T02:00:00Z'),
            deadline: '2026-02-01',
            created_at: new Date('2026-01-05T02:00:00Z'),
            updated_at: new Date('2026-01-05T02:00:00Z'),
          })
          .execute();
      }
    }
    return e;
  }

  async function generate(headers: Headers, body: object) {
    const res = await call(headers, 'POST', '/api/plans', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  async function visitsOf(headers: Headers, planId: string, query = '') {
    const res = await call(headers, 'GET', `/api/plans/${planId}/visits?pageSize=200${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as Visit[];
  }

  async function auditActions(entityId: string) {
    return (
      await env.p.db.selectFrom('audit_log').select('action').where('entity_id', '=', entityId).orderBy('id').execute()
    ).map((a) => a.action);
  }

  describe('generation', () => {
    it('stays within capacity, covers the high tier monthly, reports what does not fit', async () => {
      const dept = await makeDepartment(env.p, ['hazardous_chemicals']);
      const officer = await signIn(env, 'dept_officer', { departmentId: dept });
      const highs = [await enterprise([dept], { high: true }), await enterprise([dept], { high: true })];
      const lows = [await enterprise([dept]), await enterprise([dept]), await enterprise([dept])];
      // 30 workdays × 1 inspector − 2 − 2 = 26 inspector-days = 13 inspections: one high (12) + one low (1).
      const plan = await generate(officer.headers, {
        year: 2026,
        inspectors: 1,
        legalWorkdays: 30,
        otherEnforcementDays: 2,
        nonEnforcementDays: 2,
      });
      expect(plan).toMatchObject({ status: 'draft', capacityDays: 26, capacity: 13, departmentId: dept, planned: 13 });
      expect(plan.tierSources).toEqual({ derived: 5 });
      expect(plan.planned).toBeLessThanOrEqual(plan.capacity);
      const visits = await visitsOf(officer.headers, plan.id);
      expect(visits).toHaveLength(13);
      const highId = highs[0]?.id;
      const highVisits = visits.filter((v) => v.enterpriseId === highId);
      expect(highVisits.every((v) => v.tier === 'high')).toBe(true);
      // Monthly: one visit in each of the 12 months.
      expect(new Set(highVisits.map((v) => v.plannedDate.slice(5, 7))).size).toBe(12);
      // Never on a weekend nor in the quiet period (days 1–15).
      for (const v of visits) {
        expect([0, 6]).not.toContain(dayOfWeek(v.plannedDate));
        expect(Number(v.plannedDate.slice(8, 10))).toBeGreaterThan(15);
      }
      expect(plan.months.map((m: { highCovered: number }) => m.highCovered)).toEqual(Array(12).fill(1));
      expect(plan.uncovered.map((u: { enterpriseId: string; reason: string }) => [u.enterpriseId, u.reason])).toEqual([
        [highs[1]?.id, 'capacity'],
        [lows[1]?.id, 'capacity'],
        [lows[2]?.id, 'capacity'],
      ]);
      expect(plan.coverage).toEqual({ supervised: 5, covered: 2 });
      expect(await auditActions(plan.id)).toEqual(['plan.generated']);

      const again = await call(officer.headers, 'POST', '/api/plans', {
        year: 2026,
        inspectors: 1,
        otherEnforcementDays: 0,
        nonEnforcementDays: 0,
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error).toMatchObject({ code: 'DUPLICATE', planId: plan.id });
    });

    it('computes legal workdays from the calendar, minus holidays set by the county', async () => {
      const dept = await makeDepartment(env.p, ['hazardous_chemicals']);
      await enterprise([dept]);
      const settings = (await call(county.headers, 'GET', '/api/plan-settings')).json();
      const put = await call(county.headers, 'PUT', '/api/plan-settings', {
        version: settings.version,
        holidays: ['2027-01-01', '2027-10-01'],
      });
      expect(put.statusCode, put.body).toBe(200);
      const plan = await generate(county.headers, {
        departmentId: dept,
        year: 2027,
        inspectors: 2,
        otherEnforcementDays: 10,
        nonEnforcementDays: 20,
      });
      // 2027 has 261 weekdays; two holidays fall on weekdays.
      expect(plan.legalWorkdays).toBe(259);
      expect(plan.capacityDays).toBe(259 * 2 - 30);
      expect(plan.capacity).toBe(Math.floor((259 * 2 - 30) / 2));
      const back = await call(county.headers, 'PUT', '/api/plan-settings', {
        version: put.json().version,
        holidays: [],
      });
      expect(back.statusCode).toBe(200);
    });

    it('refuses bad input with nothing written', async () => {
      const dept = await makeDepartment(env.p, ['hazardous_chemicals']);
      const officer = await signIn(env, 'dept_officer', { departmentId: dept });
      for (const body of [
        { year: 2026, inspectors: -1, otherEnforcementDays: 0, nonEnforcementDays: 0 },
        { year: 2026, inspectors: 1, otherEnforcementDays: 0 },
        { year: 1999, inspectors: 1, otherEnforcementDays: 0, nonEnforcementDays: 0 },
      ]) {
        const res = await call(officer.headers, 'POST', '/api/plans', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
      }
      // The county must name the department.
      const noDept = await call(county.headers, 'POST', '/api/plans', {
        year: 2026,
        inspectors: 1,
        otherEnforcementDays: 0,
        nonEnforcementDays: 0,
      });
      expect(noDept.statusCode).toBe(400);
      const n = await env.p.db.selectFrom('inspection_plans').select('id').where('department_id', '=', dept).execute();
      expect(n).toHaveLength(0);
    });
  });

  describe('editing and approval', () => {
    it('adds within capacity only, moves, removes, marks done, and approval is the county’s', async () => {
      const dept = await makeDepartment(env.p, ['hazardous_chemicals']);
      const officer = await signIn(env, 'dept_officer', { departmentId: dept });
      const e1 = await enterprise([dept]);
      const e2 = await enterprise([dept]);
      const outside = await enterprise([await makeDepartment(env.p, ['hazardous_chemicals'])]);
      // 4 inspector-days = 2 inspections: both low-tier enterprises, once each; the plan is full.
      const plan = await generate(officer.headers, {
        year: 2026,
        inspectors: 1,
        legalWorkdays: 4,
        otherEnforcementDays: 0,
        nonEnforcementDays: 0,
      });
      expect(plan.planned).toBe(2);
      const full = await call(officer.headers, 'POST', `/api/plans/${plan.id}/visits`, {
        enterpriseId: e1.id,
        date: '2026-09-21',
      });
      expect(full.statusCode).toBe(409);
      expect(full.json().error).toMatchObject({ code: 'CONFLICT', rule: 'capacity' });

      const [v1, v2] = await visitsOf(officer.headers, plan.id);
      if (!v1 || !v2) throw new Error('two visits expected');
      // Remove one (reason required), then there is room to add.
      const noReason = await call(officer.headers, 'POST', `/api/plan-visits/${v2.id}/cancel`, { version: v2.version });
      expect(noReason.statusCode).toBe(400);
      const cancelled = await call(officer.headers, 'POST', `/api/plan-visits/${v2.id}/cancel`, {
        version: v2.version,
        reason: '企业停产整顿',
      });
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelReason: '企业停产整顿' });
      // Dates the plan refuses: quiet period, weekend, another year.
      for (const [date, message] of [
        ['2026-09-10', 'plan.date_quiet_period'],
        ['2026-09-19', 'plan.date_not_workday'],
        ['2027-09-21', 'plan.date_outside_year'],
      ] as const) {
        const res = await call(officer.headers, 'POST', `/api/plans/${plan.id}/visits`, { enterpriseId: e2.id, date });
        expect(res.statusCode, date).toBe(400);
        expect(res.json().error.fields[0].message).toBe(message);
      }
      // An enterprise the department does not supervise: like a missing one.
      const notOurs = await call(officer.headers, 'POST', `/api/plans/${plan.id}/visits`, {
        enterpriseId: outside.id,
        date: '2026-09-21',
      });
      expect(notOurs.statusCode).toBe(404);
      const added = await call(officer.headers, 'POST', `/api/plans/${plan.id}/visits`, {
        enterpriseId: e2.id,
        date: '2026-09-21',
      });
      expect(added.statusCode, added.body).toBe(201);
      expect(added.json()).toMatchObject({ source: 'added', plannedDate: '2026-09-21', status: 'planned' });

      // Approval: not by the department; by the county with the current version.
      let detail = (await call(officer.headers, 'GET', `/api/plans/${plan.id}`)).json();
      const byDept = await call(officer.headers, 'POST', `/api/plans/${plan.id}/approve`, { version: detail.version });
      expect(byDept.statusCode).toBe(403);
      const stale = await call(county.headers, 'POST', `/api/plans/${plan.id}/approve`, {
        version: detail.version - 1,
      });
      expect(stale.statusCode).toBe(409);
      const approved = await call(county.headers, 'POST', `/api/plans/${plan.id}/approve`, { version: detail.version });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json()).toMatchObject({ status: 'approved', approvedByName: expect.any(String) });
      const note = await env.p.db
        .selectFrom('notifications')
        .select('kind')
        .where('user_id', '=', officer.id)
        .where('kind', '=', 'plan.approved')
        .execute();
      expect(note).toHaveLength(1);

      // Marking done is progress: the plan stays approved.
      const v1Now = (await visitsOf(officer.headers, plan.id)).find((v) => v.id === v1.id);
      if (!v1Now) throw new Error('visit');
      const futureDone = await call(officer.headers, 'PATCH', `/api/plan-visits/${v1.id}`, {
        version: v1Now.version,
        status: 'done',
        doneOn: '2026-12-01',
      });
      expect(futureDone.statusCode).toBe(400);
      const done = await call(officer.headers, 'PATCH', `/api/plan-visits/${v1.id}`, {
        version: v1Now.version,
        status: 'done',
        doneOn: '2026-06-12',
      });
      expect(done.statusCode, done.body).toBe(200);
      detail = (await call(officer.headers, 'GET', `/api/plans/${plan.id}`)).json();
      expect(detail.status).toBe('approved');
      expect(detail.done).toBe(1);
      const month = Number(v1.plannedDate.slice(5, 7));
      expect(detail.months[month - 1]).toMatchObject({ done: 1 });

      // Moving a visit changes the plan: it goes back to draft and must be approved again.
      const addedId = added.json().id as string;
      const moved = await call(officer.headers, 'PATCH', `/api/plan-visits/${addedId}`, {
        version: added.json().version,
        date: '2026-10-19',
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json().plannedDate).toBe('2026-10-19');
      const staleMove = await call(officer.headers, 'PATCH', `/api/plan-visits/${addedId}`, {
        version: added.json().version,
        date: '2026-10-20',
      });
      expect(staleMove.statusCode).toBe(409);
      detail = (await call(officer.headers, 'GET', `/api/plans/${plan.id}`)).json();
      expect(detail.status).toBe('draft');
      expect(await auditActions(plan.id)).toEqual(['plan.generated', 'plan.approved', 'plan.reopened']);
      expect(await auditActions(addedId)).toEqual(['plan.visit_added', 'plan.visit_moved']);
    });
  });

  describe('joint inspections', () => {
    it('proposes visits of two departments within the window, merges on accept, records a decline', async () => {
      const d1 = await makeDepartment(env.p, ['hazardous_chemicals']);
      const d2 = await makeDepartment(env.p, ['hazardous_chemicals']);
      const d3 = await makeDepartment(env.p, ['hazardous_chemicals']);
      const o1 = await signIn(env, 'dept_officer', { departmentId: d1 });
      const o2 = await signIn(env, 'dept_officer', { departmentId: d2 });
      const o3 = await signIn(env, 'dept_officer', { departmentId: d3 });
      const shared = await enterprise([d1, d2], { high: false });
      await enterprise([d3]);
      // Quarterly for general tier would need a general enterprise; low tier: one visit a year each.
      const body = { year: 2026, inspectors: 2, otherEnforcementDays: 0, nonEnforcementDays: 0 };
      const p1 = await generate(o1.headers, body);
      const p2 = await generate(o2.headers, body);
      const p3 = await generate(o3.headers, body);
      const [a] = await visitsOf(o1.headers, p1.id);
      const [b] = await visitsOf(o2.headers, p2.id);
      if (!a || !b) throw new Error('visits');
      // Both departments planned the same enterprise on nearby dates (same position in the year).
      expect(Math.abs(Date.parse(a.plannedDate) - Date.parse(b.plannedDate))).toBeLessThanOrEqual(14 * 86_400_000);

      const list1 = (await call(o1.headers, 'GET', '/api/joint-proposals?year=2026')).json();
      const mine = list1.items.filter((x: { enterpriseId: string }) => x.enterpriseId === shared.id);
      expect(mine).toHaveLength(1);
      expect(mine[0].departments.map((d: { id: string }) => d.id).sort()).toEqual([d1, d2].sort());
      // A department not taking part sees nothing of it, and cannot decide it.
      const list3 = (await call(o3.headers, 'GET', '/api/joint-proposals?year=2026')).json();
      expect(list3.items.some((x: { enterpriseId: string }) => x.enterpriseId === shared.id)).toBe(false);
      const ids = [a.id, b.id];
      const byOutsider = await call(o3.headers, 'POST', '/api/joint-proposals/accept', { visitIds: ids });
      expect(byOutsider.statusCode).toBe(404);

      const v1Before = (await call(o1.headers, 'GET', `/api/plans/${p1.id}`)).json().version;
      const v2Before = (await call(o2.headers, 'GET', `/api/plans/${p2.id}`)).json().version;
      // Department 1 accepts its side: recorded, nothing merged yet, department 2 is asked.
      const side1 = await call(o1.headers, 'POST', '/api/joint-proposals/accept', { visitIds: ids });
      expect(side1.statusCode, side1.body).toBe(201);
      expect(side1.json()).toMatchObject({ status: 'pending', accepted: [d1], waitingFor: [d2] });
      const agreed = side1.json().date as string;
      expect((await visitsOf(o1.headers, p1.id))[0]?.jointVisitId).toBeNull();
      expect((await call(o1.headers, 'GET', `/api/plans/${p1.id}`)).json().version).toBe(v1Before);
      const asked = await env.p.db
        .selectFrom('notifications')
        .select('kind')
        .where('user_id', '=', o2.id)
        .where('kind', '=', 'plan.joint_pending')
        .execute();
      expect(asked).toHaveLength(1);
      const pending = (await call(o2.headers, 'GET', '/api/joint-proposals?year=2026')).json();
      const seen = pending.items.find((x: { enterpriseId: string }) => x.enterpriseId === shared.id);
      expect(seen).toMatchObject({ agreedDate: agreed, waitingFor: [{ id: d2 }] });
      expect(seen.accepted).toEqual([
        expect.objectContaining({ department: expect.objectContaining({ id: d1 }), date: agreed, onBehalf: false }),
      ]);
      // A side accepts once; the other side may not pick another date (it accepts the agreed one or declines).
      const again = await call(o1.headers, 'POST', '/api/joint-proposals/accept', { visitIds: ids });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('DUPLICATE');
      const otherDate = await call(o2.headers, 'POST', '/api/joint-proposals/accept', {
        visitIds: ids,
        date: agreed === '2026-11-23' ? '2026-11-24' : '2026-11-23',
      });
      expect(otherDate.statusCode).toBe(409);
      expect(otherDate.json().error).toMatchObject({ code: 'CONFLICT', agreedDate: agreed });
      expect(otherDate.json().error.fields[0].message).toBe('joint.date_differs');
      expect(
        await env.p.db.selectFrom('joint_visits').select('id').where('enterprise_id', '=', shared.id).execute(),
      ).toEqual([]);

      // Department 2 accepts too: now the visits merge.
      const accepted = await call(o2.headers, 'POST', '/api/joint-proposals/accept', { visitIds: ids });
      expect(accepted.statusCode, accepted.body).toBe(201);
      const joint = accepted.json();
      expect(joint).toMatchObject({ status: 'accepted', date: agreed, waitingFor: [] });
      expect(joint.departmentIds).toEqual([d1, d2].sort());
      const [a2] = await visitsOf(o1.headers, p1.id);
      const [b2] = await visitsOf(o2.headers, p2.id);
      expect(a2?.jointVisitId).toBe(joint.jointVisitId);
      expect(b2?.jointVisitId).toBe(joint.jointVisitId);
      expect(a2?.plannedDate).toBe(joint.date);
      expect(b2?.plannedDate).toBe(joint.date);
      // Both plans changed.
      expect((await call(o1.headers, 'GET', `/api/plans/${p1.id}`)).json().version).toBeGreaterThan(v1Before);
      expect((await call(o2.headers, 'GET', `/api/plans/${p2.id}`)).json().version).toBeGreaterThan(v2Before);
      expect(await auditActions(joint.jointVisitId)).toEqual(['plan.joint_accepted']);
      const sides = await env.p.db
        .selectFrom('audit_log')
        .select(['actor_id', 'after'])
        .where('action', '=', 'plan.joint_side_accepted')
        .where(sql<boolean>`after->>'enterpriseId' = ${shared.id}`)
        .orderBy('id')
        .execute();
      expect(sides.map((a) => [a.actor_id, (a.after as { departmentIds: string[] }).departmentIds])).toEqual([
        [o1.id, [d1]],
        [o2.id, [d2]],
      ]);
      const told = await env.p.db
        .selectFrom('notifications')
        .select('kind')
        .where('user_id', '=', o1.id)
        .where('kind', '=', 'plan.joint_accepted')
        .execute();
      expect(told).toHaveLength(1);
      // No longer proposed; merging again is refused.
      const after = (await call(o2.headers, 'GET', '/api/joint-proposals?year=2026')).json();
      expect(after.items.some((x: { enterpriseId: string }) => x.enterpriseId === shared.id)).toBe(false);
      expect(after.decisions[0]).toMatchObject({ status: 'accepted', enterpriseId: shared.id });
      expect(after.decisions[0].accepted.map((x: { department: { id: string } }) => x.department.id).sort()).toEqual(
        [d1, d2].sort(),
      );
      const twice = await call(county.headers, 'POST', '/api/joint-proposals/accept', { visitIds: ids });
      expect(twice.statusCode).toBe(409);
      // The joint visit moves as one.
      const moved = await call(o2.headers, 'PATCH', `/api/plan-visits/${b.id}`, {
        version: b2?.version,
        date: '2026-11-23',
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect((await visitsOf(o1.headers, p1.id))[0]?.plannedDate).toBe('2026-11-23');

      // A second shared enterprise: declined with a reason, recorded, not proposed again.
      const other = await enterprise([d1, d2]);
      const add1 = await call(county.headers, 'POST', `/api/plans/${p1.id}/visits`, {
        enterpriseId: other.id,
        date: '2026-08-17',
      });
      const add2 = await call(county.headers, 'POST', `/api/plans/${p2.id}/visits`, {
        enterpriseId: other.id,
        date: '2026-08-28',
      });
      expect(add1.statusCode, add1.body).toBe(201);
      expect(add2.statusCode, add2.body).toBe(201);
      const pair = [add1.json().id, add2.json().id];
      const noReason = await call(o2.headers, 'POST', '/api/joint-proposals/decline', { visitIds: pair });
      expect(noReason.statusCode).toBe(400);
      const declined = await call(o2.headers, 'POST', '/api/joint-proposals/decline', {
        visitIds: pair,
        reason: '检查内容不同，分开检查',
      });
      expect(declined.statusCode, declined.body).toBe(200);
      const list = (await call(county.headers, 'GET', '/api/joint-proposals?year=2026')).json();
      expect(list.items.some((x: { enterpriseId: string }) => x.enterpriseId === other.id)).toBe(false);
      expect(list.decisions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ enterpriseId: other.id, status: 'declined', reason: '检查内容不同，分开检查' }),
        ]),
      );
      // Visits more than 14 days apart are not merged.
      const far1 = await call(county.headers, 'POST', `/api/plans/${p1.id}/visits`, {
        enterpriseId: other.id,
        date: '2026-07-16',
      });
      const far = await call(county.headers, 'POST', '/api/joint-proposals/accept', {
        visitIds: [far1.json().id, add2.json().id],
      });
      expect(far.statusCode).toBe(409);
      expect(far.json().error.fields[0].message).toBe('joint.window');
      expect(p3.id).toBeTruthy();
    });
  });

  describe('joint inspections: the county office accepts for the departments', () => {
    it('merges at once, recording each department’s side as accepted on its behalf', async () => {
      const d1 = await makeDepartment(env.p, ['hazardous_chemicals']);
      const d2 = await makeDepartment(env.p, ['hazardous_chemicals']);
      const o1 = await signIn(env, 'dept_officer', { departmentId: d1 });
      const o2 = await signIn(env, 'dept_officer', { departmentId: d2 });
      const shared = await enterprise([d1, d2]);
      const body = { year: 2026, inspectors: 1, legalWorkdays: 4, otherEnforcementDays: 0, nonEnforcementDays: 0 };
      const p1 = await generate(o1.headers, body);
      const p2 = await generate(o2.headers, body);
      const a = (await visitsOf(o1.headers, p1.id)).find((v) => v.enterpriseId === shared.id);
      const b = (await visitsOf(o2.headers, p2.id)).find((v) => v.enterpriseId === shared.id);
      if (!a || !b) throw new Error('visits');
      // Department 1 has accepted the proposed date already; the county completes it for department 2.
      const first = await call(o1.headers, 'POST', '/api/joint-proposals/accept', { visitIds: [a.id, b.id] });
      expect(first.json()).toMatchObject({ status: 'pending', waitingFor: [d2] });
      const merged = await call(county.headers, 'POST', '/api/joint-proposals/accept', { visitIds: [b.id, a.id] });
      expect(merged.statusCode, merged.body).toBe(201);
      expect(merged.json()).toMatchObject({ status: 'accepted', date: first.json().date });
      const rows = await env.p.db
        .selectFrom('joint_acceptances')
        .select(['department_id', 'on_behalf', 'accepted_by_id', 'agreed_date'])
        .where('visit_id', 'in', [a.id, b.id])
        .orderBy('on_behalf')
        .execute();
      expect(rows).toEqual([
        { department_id: d1, on_behalf: false, accepted_by_id: o1.id, agreed_date: first.json().date },
        { department_id: d2, on_behalf: true, accepted_by_id: county.id, agreed_date: first.json().date },
      ]);
      // Both departments are told of the merge (the county is not a department).
      for (const o of [o1, o2]) {
        const told = await env.p.db
          .selectFrom('notifications')
          .select('id')
          .where('user_id', '=', o.id)
          .where('kind', '=', 'plan.joint_accepted')
          .execute();
        expect(told).toHaveLength(1);
      }
      const [a2] = (await visitsOf(o1.headers, p1.id)).filter((v) => v.id === a.id);
      expect(a2?.jointVisitId).toBe(merged.json().jointVisitId);
    });
  });

  describe('progress from completed inspections', () => {
    /** Schedules (county office), starts, answers every item compliant and completes an inspection today. */
    async function inspect(enterpriseId: string, departmentIds: string[], inspectorIds: string[]) {
      const s = await call(county.headers, 'POST', '/api/inspections', {
        enterpriseId,
        kind: 'requested',
        exemptionReason: '企业申请指导检查',
        plannedAt: '2026-06-15T03:00:00Z',
        departmentIds,
        inspectorIds,
      });
      expect(s.statusCode, s.body).toBe(201);
      const id = s.json().id as string;
      const started = await call(county.headers, 'POST', `/api/inspections/${id}/actions`, {
        action: 'start',
        version: 1,
      });
      expect(started.statusCode, started.body).toBe(200);
      const checklist = started.json().checklist as { templateId: string; items: { key: string }[] }[];
      const answers = checklist.flatMap((g) =>
        g.items.map((it) => ({ templateId: g.templateId, itemKey: it.key, result: 'compliant' })),
      );
      expect(answers.length).toBeGreaterThan(0);
      const answered = await call(county.headers, 'PUT', `/api/inspections/${id}/answers`, { answers });
      expect(answered.statusCode, answered.body).toBe(200);
      const done = await call(county.headers, 'POST', `/api/inspections/${id}/actions`, {
        action: 'complete',
        version: answered.json().version,
        signatures: [
          { role: 'inspector', name: '检查员甲' },
          { role: 'enterprise', name: '企业负责人' },
        ],
      });
      expect(done.statusCode, done.body).toBe(200);
      return { id, code: done.json().code as string };
    }
    type Progress = Visit & { doneOn: string | null; inspectionId: string | null; inspectionCode: string | null };

    it('a completed inspection is the visit done: each department’s plan, nearest open visit, month by month', async () => {
      const d1 = await makeDepartment(env.p, ['hazardous_chemicals']);
      const d2 = await makeDepartment(env.p, ['hazardous_chemicals']);
      const o1 = await signIn(env, 'dept_officer', { departmentId: d1 });
      const o2 = await signIn(env, 'dept_officer', { departmentId: d2 });
      const e = await enterprise([d1, d2]);
      // Room for 3 visits each; the generated one is removed so the dates below are the only open visits.
      const body = { year: 2026, inspectors: 1, legalWorkdays: 6, otherEnforcementDays: 0, nonEnforcementDays: 0 };
      const p1 = await generate(o1.headers, body);
      const p2 = await generate(o2.headers, body);
      for (const [o, p] of [
        [o1, p1],
        [o2, p2],
      ] as const) {
        for (const v of await visitsOf(o.headers, p.id)) {
          const c = await call(o.headers, 'POST', `/api/plan-visits/${v.id}/cancel`, {
            version: v.version,
            reason: '按实际检查重排',
          });
          expect(c.statusCode, c.body).toBe(200);
        }
      }
      const add = async (o: { headers: Headers }, planId: string, date: string) => {
        const res = await call(o.headers, 'POST', `/api/plans/${planId}/visits`, { enterpriseId: e.id, date });
        expect(res.statusCode, res.body).toBe(201);
        return res.json().id as string;
      };
      // Department 1: one overdue visit (28 days before today, 2026-06-15) and one ahead (35 days after).
      const may = await add(o1, p1.id, '2026-05-18');
      const july = await add(o1, p1.id, '2026-07-20');
      const d2Visit = await add(o2, p2.id, '2026-08-17');

      // First inspection, department 1 only: the nearest open visit (the overdue May one) is done today.
      const first = await inspect(e.id, [d1], [o1.id]);
      let v1 = (await visitsOf(o1.headers, p1.id, '&status=done')) as Progress[];
      expect(v1.map((v) => [v.id, v.doneOn, v.inspectionId, v.inspectionCode])).toEqual([
        [may, '2026-06-15', first.id, first.code],
      ]);
      // Department 2 did not take part: its plan is untouched.
      expect(((await visitsOf(o2.headers, p2.id, '&status=done')) as Progress[]).map((v) => v.id)).toEqual([]);
      let detail = (await call(o1.headers, 'GET', `/api/plans/${p1.id}`)).json();
      expect(detail).toMatchObject({ done: 1, byInspection: 1 });
      expect(detail.months[4]).toMatchObject({ month: 5, planned: 1, done: 1, byInspection: 1, overdue: 0 });
      expect(detail.months[6]).toMatchObject({ month: 7, planned: 1, done: 0, byInspection: 0 });
      expect(await auditActions(may)).toEqual(['plan.visit_added', 'plan.visit_done_by_inspection']);
      const list = (await call(county.headers, 'GET', '/api/plans?year=2026')).json();
      expect(list.items.find((x: { id: string }) => x.id === p1.id)).toMatchObject({ done: 1, overdue: 0 });

      // A joint inspection of both departments: the next open visit of each plan.
      const joint = await inspect(e.id, [d1, d2], [o1.id, o2.id]);
      v1 = (await visitsOf(o1.headers, p1.id, '&status=done')) as Progress[];
      expect(v1.find((v) => v.id === july)).toMatchObject({ inspectionId: joint.id, doneOn: '2026-06-15' });
      const v2 = (await visitsOf(o2.headers, p2.id, '&status=done')) as Progress[];
      expect(v2.map((v) => [v.id, v.inspectionId])).toEqual([[d2Visit, joint.id]]);
      detail = (await call(o2.headers, 'GET', `/api/plans/${p2.id}`)).json();
      expect(detail.months[7]).toMatchObject({ month: 8, done: 1, byInspection: 1 });

      // Nothing left to do in the plans: a further inspection is outside them and marks nothing.
      await inspect(e.id, [d1], [o1.id]);
      expect(((await visitsOf(o1.headers, p1.id, '&status=done')) as Progress[]).map((v) => v.id).sort()).toEqual(
        [may, july].sort(),
      );
      expect((await call(o1.headers, 'GET', `/api/plans/${p1.id}`)).json()).toMatchObject({ done: 2, byInspection: 2 });

      // Undoing the progress by hand drops the link; the inspection itself stays completed.
      const mayNow = v1.find((v) => v.id === may);
      const undo = await call(o1.headers, 'PATCH', `/api/plan-visits/${may}`, {
        version: mayNow?.version,
        status: 'planned',
      });
      expect(undo.statusCode, undo.body).toBe(200);
      const back = ((await visitsOf(o1.headers, p1.id)) as Progress[]).find((v) => v.id === may);
      expect(back).toMatchObject({ status: 'planned', doneOn: null, inspectionId: null });
      const insp = (await call(county.headers, 'GET', `/api/inspections/${first.id}`)).json();
      expect(insp.status).toBe('completed');
    });
  });

  describe('scope', () => {
    it('a department sees only its plans; others are 404; townships and enterprises are refused', async () => {
      const dA = await makeDepartment(env.p, ['hazardous_chemicals']);
      const dB = await makeDepartment(env.p, ['hazardous_chemicals']);
      const oA = await signIn(env, 'dept_officer', { departmentId: dA });
      const oB = await signIn(env, 'dept_officer', { departmentId: dB });
      const eA = await enterprise([dA]);
      await enterprise([dB]);
      const body = { year: 2026, inspectors: 1, otherEnforcementDays: 0, nonEnforcementDays: 0 };
      const pA = await generate(oA.headers, body);
      const pB = await generate(oB.headers, body);
      const listA = (await call(oA.headers, 'GET', '/api/plans?year=2026')).json();
      expect(listA.items.map((x: { id: string }) => x.id)).toEqual([pA.id]);
      const all = (await call(county.headers, 'GET', '/api/plans?year=2026')).json();
      expect(all.items.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([pA.id, pB.id]));
      for (const url of [`/api/plans/${pB.id}`, `/api/plans/${pB.id}/visits`]) {
        const res = await call(oA.headers, 'GET', url);
        expect(res.statusCode, url).toBe(404);
        expect(res.body).not.toContain(pB.departmentName);
      }
      const [vB] = await visitsOf(oB.headers, pB.id);
      const edit = await call(oA.headers, 'PATCH', `/api/plan-visits/${vB?.id}`, {
        version: vB?.version,
        date: '2026-09-21',
      });
      expect(edit.statusCode).toBe(404);
      const forB = await call(oA.headers, 'POST', '/api/plans', { ...body, departmentId: dB, year: 2027 });
      expect(forB.statusCode).toBe(404);
      const addToB = await call(oA.headers, 'POST', `/api/plans/${pB.id}/visits`, {
        enterpriseId: eA.id,
        date: '2026-09-21',
      });
      expect(addToB.statusCode).toBe(404);

      const townOfficer = await signIn(env, 'town_officer', { regionCode: town.town });
      const entAdmin = await signIn(env, 'enterprise_admin', { enterpriseId: eA.id });
      for (const u of [townOfficer, entAdmin]) {
        for (const url of ['/api/plans?year=2026', `/api/plans/${pA.id}`, '/api/field-board?year=2026']) {
          expect((await call(u.headers, 'GET', url)).statusCode, url).toBe(403);
        }
      }
    });
  });

  describe('leaders in the field and meetings', () => {
    it('records field inspections with photos and shows who has and who has not, month by month', async () => {
      const dept = await makeDepartment(env.p, ['hazardous_chemicals']);
      const head = await signIn(env, 'dept_officer', { departmentId: dept });
      const e = await enterprise([dept]);
      const photo = await upload(env, leader.headers, await pngBytes());
      const rec = await call(leader.headers, 'POST', '/api/field-inspections', {
        date: '2026-06-10',
        enterpriseId: e.id,
        findings: '检查了罐区，发现两处消防通道堵塞，已责令整改。',
        photoFileIds: [photo],
      });
      expect(rec.statusCode, rec.body).toBe(201);
      expect(await auditActions(rec.json().id)).toEqual(['field.recorded']);
      // The photo follows the record: the head of another department cannot open it; the county can.
      const otherHead = await signIn(env, 'dept_officer', { departmentId: await makeDepartment(env.p, ['mining']) });
      expect((await call(otherHead.headers, 'GET', `/api/files/${photo}`)).statusCode).toBe(404);
      expect((await call(county.headers, 'GET', `/api/files/${photo}`)).statusCode).toBe(200);

      const byHead = await call(head.headers, 'POST', '/api/field-inspections', {
        date: '2026-05-20',
        place: '城区加油站集中检查',
        findings: '抽查三家加油站，未发现问题。',
      });
      expect(byHead.statusCode, byHead.body).toBe(201);
      for (const bad of [
        { date: '2026-07-01', place: '某地', findings: '未来' },
        { date: '2026-06-01', findings: '没有地点' },
        { date: '2026-06-01', place: '某地', findings: '' },
      ]) {
        expect((await call(head.headers, 'POST', '/api/field-inspections', bad)).statusCode, JSON.stringify(bad)).toBe(
          400,
        );
      }
      const outside = await enterprise([await makeDepartment(env.p, ['mining'])]);
      const notOurs = await call(head.headers, 'POST', '/api/field-inspections', {
        date: '2026-06-01',
        enterpriseId: outside.id,
        findings: '越权',
      });
      expect(notOurs.statusCode).toBe(404);

      const board = (await call(county.headers, 'GET', '/api/field-board?year=2026')).json();
      expect(board.months.map((m: { state: string }) => m.state)).toEqual([
        ...Array(5).fill('past'),
        'current',
        ...Array(6).fill('future'),
      ]);
      const leaderRow = board.people.find((x: { userId: string }) => x.userId === leader.id);
      const headRow = board.people.find((x: { userId: string }) => x.userId === head.id);
      expect(leaderRow.counts.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 1]);
      expect(leaderRow.missing).toBe(5);
      expect(headRow.counts.slice(0, 6)).toEqual([0, 0, 0, 0, 1, 0]);
      expect(headRow.missing).toBe(4);
      // A department sees its own people only.
      const own = (await call(head.headers, 'GET', '/api/field-board?year=2026')).json();
      expect(own.people.map((x: { userId: string }) => x.userId)).toEqual([head.id]);
      const list = (await call(head.headers, 'GET', '/api/field-inspections?year=2026')).json();
      expect(list.items.map((x: { id: string }) => x.id)).toEqual([byHead.json().id]);
    });

    it('records committee and department meetings; the board shows months without one', async () => {
      const dept = await makeDepartment(env.p, ['hazardous_chemicals']);
      const head = await signIn(env, 'dept_officer', { departmentId: dept });
      const committeeByDept = await call(head.headers, 'POST', '/api/meetings', {
        kind: 'committee',
        date: '2026-03-05',
        title: '县安委会全体会议',
        attendees: ['县长'],
        decisions: '部署一季度工作',
      });
      expect(committeeByDept.statusCode).toBe(403);
      const meeting = await call(head.headers, 'POST', '/api/meetings', {
        kind: 'department',
        date: '2026-04-08',
        title: '四月安全生产例会',
        attendees: ['局长', '副局长', '执法大队长'],
        decisions: '开展危化品专项检查；五月底前完成企业全覆盖。',
      });
      expect(meeting.statusCode, meeting.body).toBe(201);
      expect(meeting.json()).toMatchObject({ kind: 'department', departmentId: dept });
      const committee = await call(county.headers, 'POST', '/api/meetings', {
        kind: 'committee',
        date: '2026-02-10',
        title: '县安委会第一次全体会议',
        attendees: ['县长', '分管副县长', '各成员单位负责人'],
        decisions: '印发年度安全生产工作要点。',
      });
      expect(committee.statusCode, committee.body).toBe(201);
      expect(await auditActions(committee.json().id)).toEqual(['meeting.recorded']);
      const noAttendees = await call(county.headers, 'POST', '/api/meetings', {
        kind: 'committee',
        date: '2026-02-10',
        title: '会议',
        attendees: [],
        decisions: '无',
      });
      expect(noAttendees.statusCode).toBe(400);

      const board = (await call(head.headers, 'GET', '/api/field-board?year=2026')).json();
      const deptRow = board.meetings.find((m: { departmentId: string | null }) => m.departmentId === dept);
      expect(deptRow.counts.slice(0, 6)).toEqual([0, 0, 0, 1, 0, 0]);
      expect(deptRow.missing).toBe(4);
      const committeeRow = board.meetings.find((m: { kind: string }) => m.kind === 'committee');
      expect(committeeRow.counts[1]).toBeGreaterThanOrEqual(1);
      expect(board.meetings).toHaveLength(2);
      const list = (await call(head.headers, 'GET', '/api/meetings?year=2026&kind=department')).json();
      expect(list.items.map((m: { id: string }) => m.id)).toEqual([meeting.json().id]);
    });

    it('reminds in the last week of the month, once, and not before', async () => {
      const dept = await makeDepartment(env.p, ['hazardous_chemicals']);
      const lazy = await signIn(env, 'dept_officer', { departmentId: dept });
      const busy = await signIn(env, 'county_leader');
      const rec = await call(busy.headers, 'POST', '/api/field-inspections', {
        date: '2026-06-02',
        place: '县城建筑工地',
        findings: '检查脚手架搭设，发现一处连墙件缺失。',
      });
      expect(rec.statusCode).toBe(201);
      const reminders = async (userId: string) =>
        (
          await env.p.db
            .selectFrom('notifications')
            .select(['kind', 'dedupe_key'])
            .where('user_id', '=', userId)
            .where('kind', 'in', ['field.reminder', 'meeting.reminder'])
            .execute()
        ).map((n) => n.dedupe_key);

      const early = (await env.p.jobs.runNow('supervision.field-reminders', new Date('2026-06-20T01:00:00Z'))) as {
        inWindow: boolean;
      };
      expect(early.inWindow).toBe(false);
      expect(await reminders(lazy.id)).toEqual([]);

      const late = new Date('2026-06-24T01:00:00Z');
      const first = (await env.p.jobs.runNow('supervision.field-reminders', late)) as { sent: number };
      expect(first.sent).toBeGreaterThan(0);
      expect((await reminders(lazy.id)).sort()).toEqual([
        `field-reminder:${lazy.id}:2026-06`,
        `meeting-reminder:${dept}:2026-06`,
      ]);
      expect(await reminders(busy.id)).toEqual([]);
      const second = (await env.p.jobs.runNow('supervision.field-reminders', new Date('2026-06-25T01:00:00Z'))) as {
        sent: number;
      };
      expect(second.sent).toBe(0);
      expect(await reminders(lazy.id)).toHaveLength(2);
      expect(localDate(late)).toBe('2026-06-24');
    });
  });
});
