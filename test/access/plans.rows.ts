/** Access-matrix rows of yearly plans, joint proposals, leaders' field records, meetings and the board (#4 §2, §5). */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Role } from '../../src/core/roles.js';
import { createPlan } from '../../src/server/modules/supervision-plans/index.js';
import { SYSTEM_ACTOR } from '../../src/server/platform/authz/actor.js';
import { makeDepartment, makeEnterprise } from '../harness.js';
import { ADMINS, type Ctx, type Endpoint, fixture, get, rand } from './matrix.js';

/** supervision.read, and only the county and the departments (townships and enterprises are refused). */
const READERS: readonly Role[] = ['sys_admin', 'county_admin', 'county_leader', 'dept_officer'];
/** plan.manage */
const PLANNERS: readonly Role[] = ['sys_admin', 'county_admin', 'dept_officer'];
/** field.record */
const FIELD: readonly Role[] = ['sys_admin', 'county_admin', 'county_leader', 'dept_officer'];
const OUTSIDE_ROLES: readonly Role[] = ['dept_officer', 'town_officer', 'enterprise_admin'];

const sys = (c: Ctx) => ({ actor: SYSTEM_ACTOR, ip: '127.0.0.1', now: c.env.clock.now() });
const post = (url: string, payload: object) => ({ method: 'POST' as const, url, payload });

async function planFor(c: Ctx, departmentId: string, year = 2026) {
  return c.env.p.transaction((tx) =>
    createPlan(tx, sys(c), { departmentId, year, inspectors: 4, otherEnforcementDays: 0, nonEnforcementDays: 0 }),
  );
}

/** Plans of A and B, and a third department X sharing an enterprise with A (for joint proposals). */
function world(c: Ctx) {
  return fixture(c, 'plans', async () => {
    const deptX = await makeDepartment(c.env.p, ['coal_mine']);
    const shared = await makeEnterprise(c.env.p, {
      regionCode: c.w.a.village,
      primarySector: 'coal_mine',
      departmentIds: [c.w.deptA, deptX],
    });
    const planA = await planFor(c, c.w.deptA);
    const planB = await planFor(c, c.w.deptB);
    const planX = await planFor(c, deptX);
    return { deptX, shared, planA, planB, planX };
  });
}

/** A fresh planned visit (version 1). */
async function visit(c: Ctx, planId: string, enterpriseId: string, departmentId: string, date = '2026-09-21') {
  const now = c.env.clock.now();
  const r = await c.env.p.db
    .insertInto('plan_visits')
    .values({
      plan_id: planId,
      enterprise_id: enterpriseId,
      department_id: departmentId,
      tier: 'general',
      planned_date: date,
      source: 'added',
      created_at: now,
      updated_at: now,
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
  return r;
}

/** Two visits of A and X to the shared enterprise three days apart: a joint proposal. */
async function pairAX(c: Ctx) {
  const w = await world(c);
  const a = await visit(c, w.planA, w.shared.id, c.w.deptA, '2026-09-21');
  const x = await visit(c, w.planX, w.shared.id, w.deptX, '2026-09-24');
  return [a.id, x.id];
}

/** Two visits of B and X to B's enterprise: nothing to do with A. */
async function pairBX(c: Ctx) {
  const w = await world(c);
  const b = await visit(c, w.planB, c.w.entB.id, c.w.deptB, '2026-09-21');
  const x = await visit(c, w.planX, c.w.entB.id, w.deptX, '2026-09-24');
  return [b.id, x.id];
}

const bSecret = (c: Ctx) => [c.w.entB.name];

export const PLANS_ROWS: Endpoint[] = [
  {
    route: 'GET /api/plans',
    allowed: READERS,
    build: async (c) => {
      await world(c);
      return get('/api/plans?year=2026');
    },
    async check(c, role, res) {
      const w = await world(c);
      const ids = (res.json().items as { id: string }[]).map((p) => p.id);
      expect(ids).toContain(w.planA);
      if (role === 'dept_officer') expect(ids).toEqual([w.planA]);
      else expect(ids).toEqual(expect.arrayContaining([w.planB, w.planX]));
    },
  },
  {
    route: 'POST /api/plans',
    allowed: PLANNERS,
    ok: 201,
    async build(c, role) {
      const body = { year: 2031, inspectors: 2, otherEnforcementDays: 0, nonEnforcementDays: 0 };
      if (role === 'dept_officer') return post('/api/plans', body);
      return post('/api/plans', { ...body, departmentId: await makeDepartment(c.env.p, ['coal_mine']) });
    },
  },
  {
    route: 'GET /api/plans/:id',
    allowed: READERS,
    build: async (c) => get(`/api/plans/${(await world(c)).planA}`),
    outside: {
      roles: OUTSIDE_ROLES,
      build: async (c) => get(`/api/plans/${(await world(c)).planB}`),
      missing: async () => get(`/api/plans/${randomUUID()}`),
      secret: bSecret,
    },
  },
  {
    route: 'GET /api/plans/:id/visits',
    allowed: READERS,
    build: async (c) => get(`/api/plans/${(await world(c)).planA}/visits`),
    outside: {
      roles: OUTSIDE_ROLES,
      build: async (c) => get(`/api/plans/${(await world(c)).planB}/visits`),
      missing: async () => get(`/api/plans/${randomUUID()}/visits`),
      secret: bSecret,
    },
  },
  {
    route: 'POST /api/plans/:id/visits',
    allowed: PLANNERS,
    ok: 201,
    build: async (c) =>
      post(`/api/plans/${(await world(c)).planA}/visits`, { enterpriseId: c.w.entA.id, date: '2026-09-22' }),
    outside: {
      roles: OUTSIDE_ROLES,
      build: async (c) =>
        post(`/api/plans/${(await world(c)).planB}/visits`, { enterpriseId: c.w.entB.id, date: '2026-09-22' }),
      missing: async (c) =>
        post(`/api/plans/${randomUUID()}/visits`, { enterpriseId: c.w.entA.id, date: '2026-09-22' }),
      secret: bSecret,
    },
  },
  {
    route: 'POST /api/plans/:id/approve',
    allowed: ADMINS,
    async build(c, role) {
      if (role && ADMINS.includes(role)) {
        const plan = await planFor(c, await makeDepartment(c.env.p, ['coal_mine']));
        return post(`/api/plans/${plan}/approve`, { version: 1 });
      }
      return post(`/api/plans/${(await world(c)).planA}/approve`, { version: 1 });
    },
  },
  {
    route: 'PATCH /api/plan-visits/:id',
    allowed: PLANNERS,
    async build(c) {
      const w = await world(c);
      const v = await visit(c, w.planA, c.w.entA.id, c.w.deptA);
      return { method: 'PATCH', url: `/api/plan-visits/${v.id}`, payload: { version: v.version, date: '2026-10-19' } };
    },
    outside: {
      roles: OUTSIDE_ROLES,
      async build(c) {
        const w = await world(c);
        const v = await visit(c, w.planB, c.w.entB.id, c.w.deptB);
        return {
          method: 'PATCH',
          url: `/api/plan-visits/${v.id}`,
          payload: { version: v.version, date: '2026-10-19' },
        };
      },
      missing: async () => ({
        method: 'PATCH',
        url: `/api/plan-visits/${randomUUID()}`,
        payload: { version: 1, date: '2026-10-19' },
      }),
      secret: bSecret,
    },
  },
  {
    route: 'POST /api/plan-visits/:id/cancel',
    allowed: PLANNERS,
    async build(c) {
      const w = await world(c);
      const v = await visit(c, w.planA, c.w.entA.id, c.w.deptA);
      return post(`/api/plan-visits/${v.id}/cancel`, { version: v.version, reason: '矩阵测试' });
    },
    outside: {
      roles: OUTSIDE_ROLES,
      async build(c) {
        const w = await world(c);
        const v = await visit(c, w.planB, c.w.entB.id, c.w.deptB);
        return post(`/api/plan-visits/${v.id}/cancel`, { version: v.version, reason: '越权' });
      },
      missing: async () => post(`/api/plan-visits/${randomUUID()}/cancel`, { version: 1, reason: '越权' }),
      secret: bSecret,
    },
  },
  {
    route: 'GET /api/joint-proposals',
    allowed: READERS,
    build: async (c) => {
      await pairAX(c);
      await pairBX(c);
      return get('/api/joint-proposals?year=2026');
    },
    async check(c, role, res) {
      const items = res.json().items as { enterpriseId: string }[];
      const ents = new Set(items.map((i) => i.enterpriseId));
      expect(ents.has((await world(c)).shared.id)).toBe(true);
      expect(ents.has(c.w.entB.id)).toBe(role !== 'dept_officer');
    },
  },
  {
    route: 'POST /api/joint-proposals/accept',
    allowed: PLANNERS,
    ok: 201,
    build: async (c) => post('/api/joint-proposals/accept', { visitIds: await pairAX(c) }),
    outside: {
      roles: OUTSIDE_ROLES,
      build: async (c) => post('/api/joint-proposals/accept', { visitIds: await pairBX(c) }),
      missing: async () => post('/api/joint-proposals/accept', { visitIds: [randomUUID(), randomUUID()] }),
      secret: bSecret,
    },
  },
  {
    route: 'POST /api/joint-proposals/decline',
    allowed: PLANNERS,
    build: async (c) => post('/api/joint-proposals/decline', { visitIds: await pairAX(c), reason: '分开检查' }),
    outside: {
      roles: OUTSIDE_ROLES,
      build: async (c) => post('/api/joint-proposals/decline', { visitIds: await pairBX(c), reason: '越权' }),
      missing: async () =>
        post('/api/joint-proposals/decline', { visitIds: [randomUUID(), randomUUID()], reason: '越权' }),
      secret: bSecret,
    },
  },
  { route: 'GET /api/field-inspections', allowed: READERS, build: async () => get('/api/field-inspections?year=2026') },
  {
    route: 'POST /api/field-inspections',
    allowed: FIELD,
    ok: 201,
    build: async () =>
      post('/api/field-inspections', { date: '2026-06-10', place: `矩阵检查地点${rand(4)}`, findings: '未发现问题' }),
  },
  { route: 'GET /api/meetings', allowed: READERS, build: async () => get('/api/meetings?year=2026') },
  {
    route: 'POST /api/meetings',
    allowed: FIELD,
    ok: 201,
    build: async (c, role) =>
      post('/api/meetings', {
        kind: 'department',
        ...(role === 'dept_officer' ? {} : { departmentId: c.w.deptA }),
        date: '2026-06-08',
        title: '月度安全生产例会',
        attendees: ['局长', '执法大队长'],
        decisions: '部署本月检查',
      }),
  },
  {
    route: 'GET /api/field-board',
    allowed: READERS,
    build: async () => get('/api/field-board?year=2026'),
    async check(c, role, res) {
      const meetings = res.json().meetings as { departmentId: string | null }[];
      const depts = meetings.map((m) => m.departmentId);
      expect(depts).toContain(c.w.deptA);
      expect(depts.includes(c.w.deptB)).toBe(role !== 'dept_officer');
    },
  },
  { route: 'GET /api/plan-settings', allowed: READERS, build: async () => get('/api/plan-settings') },
  {
    route: 'PUT /api/plan-settings',
    allowed: ADMINS,
    async build(c) {
      const row = await c.env.p.db
        .selectFrom('settings')
        .select('version')
        .where('key', '=', 'supervision.plans')
        .executeTakeFirst();
      return { method: 'PUT', url: '/api/plan-settings', payload: { version: row?.version ?? 0, jointWindowDays: 14 } };
    },
  },
];
