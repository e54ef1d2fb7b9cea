/** Access-matrix rows of monitoring: gateways, points, threshold templates, ingest, alarms, readings, overview. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Role } from '../../src/core/roles.js';
import { alarmsOf, createGatewayApi, createPointApi, ingest, pointCode } from '../monitoring.helpers.js';
import { ADMINS, ALL, COUNTY, type Ctx, type Endpoint, fixture, get, rand, SCOPED } from './matrix.js';

/** monitoring.manage: the county office and the enterprise's own administrator. */
const MANAGERS: readonly Role[] = ['sys_admin', 'county_admin', 'enterprise_admin'];
/** Alarm acknowledgement: on-site responders and supervisors (core/monitoring/alarm-workflow.ts). */
const ACKERS: readonly Role[] = [
  'sys_admin',
  'county_admin',
  'dept_officer',
  'town_officer',
  'enterprise_admin',
  'enterprise_staff',
];

const ts = (c: Ctx, offsetMs: number) => new Date(c.env.clock.now().getTime() + offsetMs).toISOString();

async function methanePoint(c: Ctx, enterpriseId: string, name = '1302 工作面甲烷') {
  return createPointApi(c.env.app, c.w.users.county_admin.headers, {
    enterpriseId,
    code: pointCode('CH4'),
    name,
    template: 'coal-ch4-working-face',
  });
}

/** Raises a `high` alarm on a fresh methane point of the enterprise and returns its id. */
async function raiseAlarm(c: Ctx, gatewayToken: string, enterpriseId: string, name?: string) {
  const pt = await methanePoint(c, enterpriseId, name);
  const res = await ingest(c.env.app, gatewayToken, [
    { point: pt.code, ts: ts(c, -30_000), value: 0.3 },
    { point: pt.code, ts: ts(c, -20_000), value: 1.2 },
    { point: pt.code, ts: ts(c, -10_000), value: 1.3 },
  ]);
  if (res.statusCode !== 202 || res.json().accepted !== 3) throw new Error(`ingest: ${res.statusCode} ${res.body}`);
  const [alarm] = await alarmsOf(c.env.p, pt.id);
  if (!alarm) throw new Error('no alarm raised');
  return { alarmId: alarm.id, alarmCode: alarm.code, point: pt };
}

/** One gateway, point and alarm in A and in B, made once per matrix world. */
function mon(c: Ctx) {
  return fixture(c, 'monitoring', async () => {
    const admin = c.w.users.county_admin.headers;
    const gwA = await createGatewayApi(c.env.app, admin, c.w.entA.id, `矩阵网关A${rand(4)}`);
    const gwB = await createGatewayApi(c.env.app, admin, c.w.entB.id, `矩阵网关B${rand(4)}`);
    const pointBName = `矩阵B测点${rand(6)}`;
    const a = await raiseAlarm(c, gwA.token, c.w.entA.id);
    const b = await raiseAlarm(c, gwB.token, c.w.entB.id, pointBName);
    // A dead letter in B (an unknown point), for the dead-letter list.
    await ingest(c.env.app, gwB.token, [{ point: `NOPE${rand(6)}`, ts: ts(c, -5_000), value: 1 }]);
    return { gwA, gwB, a, b, pointBName };
  });
}

/** Scoped roles must see nothing of B; county roles see it (positive control). */
function expectNoB(role: Role, body: string, bMarkers: string[]) {
  for (const s of bMarkers) {
    if (COUNTY.includes(role)) expect(body, `${role} sees ${s}`).toContain(s);
    else expect(body, `${role} must not see ${s}`).not.toContain(s);
  }
}

export const MONITORING_ROWS: Endpoint[] = [
  { route: 'GET /api/threshold-templates', allowed: ALL, build: async () => get('/api/threshold-templates') },

  // ---- gateways -------------------------------------------------------------------------------------------
  {
    route: 'POST /api/gateways',
    allowed: MANAGERS,
    ok: 201,
    build: async (c) => ({
      method: 'POST',
      url: '/api/gateways',
      payload: { enterpriseId: c.w.entA.id, name: `矩阵网关${rand(4)}` },
    }),
  },
  {
    route: 'GET /api/gateways',
    allowed: ALL,
    async build(c) {
      await mon(c);
      return get('/api/gateways');
    },
    async check(c, role, res) {
      const m = await mon(c);
      const ids = (res.json().items as { id: string }[]).map((g) => g.id);
      expect(res.body).not.toContain(m.gwA.token);
      if (COUNTY.includes(role)) expect(ids).toContain(m.gwB.id);
      else expect(ids, `${role} sees B's gateway`).not.toContain(m.gwB.id);
      if (role !== 'dept_officer') expect(ids).toContain(m.gwA.id);
    },
  },
  {
    route: 'POST /api/gateways/:id/revoke',
    allowed: MANAGERS,
    async build(c) {
      const g = await createGatewayApi(c.env.app, c.w.users.county_admin.headers, c.w.entA.id, `撤销${rand(4)}`);
      return { method: 'POST', url: `/api/gateways/${g.id}/revoke` };
    },
    outside: {
      roles: SCOPED,
      build: async (c) => ({ method: 'POST', url: `/api/gateways/${(await mon(c)).gwB.id}/revoke` }),
      missing: async () => ({ method: 'POST', url: `/api/gateways/${randomUUID()}/revoke` }),
      secret: () => [],
    },
  },

  // ---- points ---------------------------------------------------------------------------------------------
  {
    route: 'POST /api/points',
    allowed: MANAGERS,
    ok: 201,
    build: async (c) => ({
      method: 'POST',
      url: '/api/points',
      payload: { enterpriseId: c.w.entA.id, code: pointCode(), name: 'CO', template: 'coal-co' },
    }),
  },
  {
    route: 'GET /api/points',
    allowed: ALL,
    async build(c) {
      await mon(c);
      return get('/api/points?pageSize=200');
    },
    async check(c, role, res) {
      const m = await mon(c);
      expectNoB(role, res.body, [m.b.point.id, m.pointBName]);
      if (role !== 'dept_officer') expect(res.body).toContain(m.a.point.id);
    },
  },
  {
    route: 'GET /api/points/:id',
    allowed: ALL,
    build: async (c) => get(`/api/points/${(await mon(c)).a.point.id}`),
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/points/${(await mon(c)).b.point.id}`),
      missing: async () => get(`/api/points/${randomUUID()}`),
      secret: () => [],
    },
  },
  {
    route: 'PATCH /api/points/:id',
    allowed: MANAGERS,
    async build(c) {
      const pt = await methanePoint(c, c.w.entA.id);
      return { method: 'PATCH', url: `/api/points/${pt.id}`, payload: { version: pt.version, name: `改名${rand(4)}` } };
    },
    outside: {
      roles: SCOPED,
      build: async (c) => ({
        method: 'PATCH',
        url: `/api/points/${(await mon(c)).b.point.id}`,
        payload: { version: 1, name: '越权改名' },
      }),
      missing: async () => ({
        method: 'PATCH',
        url: `/api/points/${randomUUID()}`,
        payload: { version: 1, name: 'x' },
      }),
      secret: () => [],
    },
  },
  {
    route: 'GET /api/points/:id/readings',
    allowed: ALL,
    build: async (c) => get(`/api/points/${(await mon(c)).a.point.id}/readings`),
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/points/${(await mon(c)).b.point.id}/readings`),
      missing: async () => get(`/api/points/${randomUUID()}/readings`),
      secret: () => [],
    },
  },

  // ---- ingest (device-authenticated: the gateway token decides, not the user) -----------------------------
  {
    route: 'POST /api/ingest/readings',
    sameForAll: 202,
    allowed: [],
    async build(c) {
      const m = await mon(c);
      return {
        method: 'POST',
        url: '/api/ingest/readings',
        headers: { authorization: `Bearer ${m.gwA.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({
          readings: [{ point: m.a.point.code, ts: ts(c, -Math.floor(Math.random() * 50_000)), value: 0.2 }],
        }),
      };
    },
  },
  {
    route: 'POST /api/ingest/mqtt/auth',
    sameForAll: 200,
    allowed: [],
    async build(c) {
      const m = await mon(c);
      return { method: 'POST', url: '/api/ingest/mqtt/auth', payload: { username: m.gwA.id, password: m.gwA.token } };
    },
  },
  {
    route: 'POST /api/ingest/mqtt/acl',
    sameForAll: 200,
    allowed: [],
    async build(c) {
      const m = await mon(c);
      return {
        method: 'POST',
        url: '/api/ingest/mqtt/acl',
        payload: { username: m.gwA.id, action: 'publish', topic: `x/${m.gwA.id}` },
      };
    },
  },

  // ---- alarms ---------------------------------------------------------------------------------------------
  {
    route: 'GET /api/alarms',
    allowed: ALL,
    async build(c) {
      await mon(c);
      return get('/api/alarms?pageSize=200');
    },
    async check(c, role, res) {
      const m = await mon(c);
      expectNoB(role, res.body, [m.b.alarmId, m.pointBName]);
      if (role !== 'dept_officer') expect(res.body).toContain(m.a.alarmId);
    },
  },
  {
    route: 'GET /api/alarms/:id',
    allowed: ALL,
    build: async (c) => get(`/api/alarms/${(await mon(c)).a.alarmId}`),
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/alarms/${(await mon(c)).b.alarmId}`),
      missing: async () => get(`/api/alarms/${randomUUID()}`),
      secret: () => [],
    },
  },
  {
    route: 'POST /api/alarms/:id/actions',
    allowed: ACKERS,
    async build(c, role) {
      const m = await mon(c);
      // A fresh alarm per caller: acknowledging is once per alarm.
      if (!role)
        return { method: 'POST', url: `/api/alarms/${m.a.alarmId}/actions`, payload: { action: 'acknowledge' } };
      const a = await raiseAlarm(c, m.gwA.token, c.w.entA.id);
      return { method: 'POST', url: `/api/alarms/${a.alarmId}/actions`, payload: { action: 'acknowledge' } };
    },
    outside: {
      // village_worker may see alarms but not act on them: on an outside one it gets 404 (nothing to act on).
      roles: SCOPED.filter((r) => r !== 'village_worker'),
      build: async (c) => ({
        method: 'POST',
        url: `/api/alarms/${(await mon(c)).b.alarmId}/actions`,
        payload: { action: 'acknowledge' },
      }),
      missing: async () => ({
        method: 'POST',
        url: `/api/alarms/${randomUUID()}/actions`,
        payload: { action: 'acknowledge' },
      }),
      secret: () => [],
    },
  },

  // ---- overview, quality, dead letters, settings ----------------------------------------------------------
  {
    route: 'GET /api/monitoring/overview',
    allowed: ALL,
    async build(c) {
      await mon(c);
      return get('/api/monitoring/overview');
    },
    async check(c, role, res) {
      expectNoB(role, res.body, [c.w.entB.id]);
    },
  },
  {
    route: 'GET /api/monitoring/quality',
    allowed: ALL,
    async build(c) {
      await mon(c);
      return get('/api/monitoring/quality');
    },
    async check(c, role, res) {
      if (!COUNTY.includes(role)) {
        expect(res.body).not.toContain(c.w.entB.id);
        expect(res.body).not.toContain(c.w.entB.name);
      }
    },
  },
  {
    route: 'GET /api/monitoring/sparklines',
    allowed: ALL,
    async build(c) {
      await mon(c);
      return get(`/api/monitoring/sparklines?enterpriseId=${c.w.entA.id}`);
    },
    async check(c, _role, res) {
      // Positive control: the alarm fixture's readings are in the 1-minute rollup of A's point.
      const m = await mon(c);
      expect(Object.keys(res.json().items)).toContain(m.a.point.id);
    },
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/monitoring/sparklines?enterpriseId=${c.w.entB.id}`),
      missing: async () => get(`/api/monitoring/sparklines?enterpriseId=${randomUUID()}`),
      secret: (c) => [c.w.entB.id],
    },
  },
  {
    route: 'GET /api/monitoring/dead-letters',
    allowed: ALL,
    async build(c) {
      await mon(c);
      return get('/api/monitoring/dead-letters?pageSize=200');
    },
    async check(c, role, res) {
      const m = await mon(c);
      if (!COUNTY.includes(role)) {
        expect(res.body).not.toContain(m.gwB.id);
        expect(res.body).not.toContain(c.w.entB.id);
      }
    },
  },
  { route: 'GET /api/monitoring/settings', allowed: ALL, build: async () => get('/api/monitoring/settings') },
  {
    route: 'PUT /api/monitoring/settings',
    allowed: ADMINS,
    async build(c) {
      const cur = (
        await c.env.app.inject({ url: '/api/monitoring/settings', headers: c.w.users.county_admin.headers })
      ).json();
      return {
        method: 'PUT',
        url: '/api/monitoring/settings',
        payload: { version: cur.version, escalateMinutes: cur.escalateMinutes },
      };
    },
  },
];
