/** Access-matrix rows of the foundation: system, auth, audit, files, notifications, organisation, users, enterprises. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { multipart, pngBytes, readXlsx, xlsxBytes } from '../fixtures.js';
import { login, makeDepartment, makeUser, PASSWORD } from '../harness.js';
import {
  ADMINS,
  ALL,
  AUDITORS,
  COUNTY,
  CREATORS,
  type Endpoint,
  EXPORTERS,
  enterpriseBody,
  enterpriseVersion,
  expectScoped,
  FIXED_SCOPE,
  freshAccount,
  get,
  listIds,
  NOT_SYS,
  rand,
  SCOPED,
  storeNotification,
  tokenOf,
  UPDATERS,
  UPLOADERS,
} from './matrix.js';

export const FOUNDATION_ROWS: Endpoint[] = [
  // ---- system ---------------------------------------------------------------------------------------------
  {
    route: 'GET /api/health',
    allowed: ALL,
    anonymous: 200,
    build: async () => get('/api/health'),
    async check(_c, _r, res) {
      expect(res.json().status).toBe('ok');
    },
  },
  {
    route: 'GET /api/jobs/runs',
    allowed: ['sys_admin'],
    build: async () => get('/api/jobs/runs'),
  },

  // ---- auth -----------------------------------------------------------------------------------------------
  {
    route: 'POST /api/auth/login',
    allowed: ALL,
    anonymous: 200,
    build: async (c, role) => ({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: c.w.users[role ?? 'county_leader'].username, password: PASSWORD },
    }),
  },
  {
    // Signing out without a session has nothing to end: it answers 200 and clears the cookie (idempotent),
    // so a page whose session already expired can still sign out cleanly. It reveals nothing.
    route: 'POST /api/auth/logout',
    allowed: ALL,
    anonymous: 200,
    async build(c, role) {
      if (!role) return { method: 'POST', url: '/api/auth/logout' };
      const fresh = await login(c.env.app, c.w.users[role].username);
      return { method: 'POST', url: '/api/auth/logout', as: fresh };
    },
    async check(c, role, _res, req) {
      expect((await c.env.app.inject({ url: '/api/auth/me', headers: req.as })).statusCode).toBe(401);
      expect((await c.env.app.inject({ url: '/api/auth/me', headers: c.w.users[role].headers })).statusCode).toBe(200);
    },
  },
  {
    route: 'GET /api/auth/me',
    allowed: ALL,
    build: async () => get('/api/auth/me'),
    async check(_c, role, res) {
      expect(res.json().user.role).toBe(role);
    },
  },
  {
    route: 'POST /api/auth/password',
    allowed: ALL,
    async build(c, role) {
      const payload = { currentPassword: PASSWORD, newPassword: `Matrix-${rand(12)}` };
      if (!role) return { method: 'POST', url: '/api/auth/password', payload };
      const fresh = await freshAccount(c, role);
      return { method: 'POST', url: '/api/auth/password', payload, as: fresh.headers };
    },
  },
  { route: 'GET /api/auth/tokens', allowed: ALL, build: async () => get('/api/auth/tokens') },
  {
    route: 'POST /api/auth/tokens',
    allowed: ALL,
    ok: 201,
    build: async () => ({ method: 'POST', url: '/api/auth/tokens', payload: { name: `m${rand(4)}` } }),
  },
  {
    route: 'DELETE /api/auth/tokens/:id',
    allowed: ALL,
    async build(c, role) {
      const id = await tokenOf(c, c.w.users[role ?? 'county_leader'].headers);
      return { method: 'DELETE', url: `/api/auth/tokens/${id}` };
    },
    outside: {
      roles: ALL,
      build: async (c) => ({ method: 'DELETE', url: `/api/auth/tokens/${await tokenOf(c, c.other.headers)}` }),
      missing: async () => ({ method: 'DELETE', url: `/api/auth/tokens/${randomUUID()}` }),
      secret: () => [],
    },
  },

  // ---- audit ----------------------------------------------------------------------------------------------
  { route: 'GET /api/audit', allowed: AUDITORS, build: async () => get('/api/audit?pageSize=5') },
  {
    route: 'GET /api/audit/verify',
    allowed: AUDITORS,
    build: async () => get('/api/audit/verify'),
    async check(_c, _r, res) {
      expect(res.json().ok).toBe(true);
    },
  },

  // ---- files ----------------------------------------------------------------------------------------------
  {
    route: 'POST /api/files',
    allowed: UPLOADERS,
    ok: 201,
    async build() {
      const m = multipart('photo.png', await pngBytes(8, 8), { mime: 'image/png' });
      return { method: 'POST', url: '/api/files', payload: m.payload, headers: m.headers };
    },
  },
  {
    route: 'GET /api/files/:id',
    allowed: ALL,
    build: async (c) => get(`/api/files/${c.fileA}`),
    async check(_c, _r, res) {
      expect(res.headers['content-type']).toBe('image/png');
    },
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/files/${c.fileB}`),
      missing: async () => get(`/api/files/${randomUUID()}`),
      secret: () => [],
    },
  },
  {
    route: 'GET /api/files/:id/thumb',
    allowed: ALL,
    build: async (c) => get(`/api/files/${c.fileA}/thumb`),
    async check(_c, _r, res) {
      expect(res.headers['content-type']).toBe('image/webp');
    },
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/files/${c.fileB}/thumb`),
      missing: async () => get(`/api/files/${randomUUID()}/thumb`),
      secret: () => [],
    },
  },

  // ---- notifications --------------------------------------------------------------------------------------
  { route: 'GET /api/notifications', allowed: ALL, build: async () => get('/api/notifications') },
  {
    route: 'GET /api/notifications/unread-count',
    allowed: ALL,
    build: async () => get('/api/notifications/unread-count'),
  },
  {
    route: 'POST /api/notifications/read-all',
    allowed: ALL,
    build: async () => ({ method: 'POST', url: '/api/notifications/read-all' }),
  },
  {
    route: 'POST /api/notifications/:id/read',
    allowed: ALL,
    async build(c, role) {
      const id = await storeNotification(c, c.w.users[role ?? 'county_leader'].id);
      return { method: 'POST', url: `/api/notifications/${id}/read` };
    },
    outside: {
      roles: ALL,
      build: async (c) => ({
        method: 'POST',
        url: `/api/notifications/${await storeNotification(c, c.other.id)}/read`,
      }),
      missing: async () => ({ method: 'POST', url: `/api/notifications/${randomUUID()}/read` }),
      secret: () => [],
    },
  },
  {
    route: 'GET /api/events',
    allowed: ALL,
    stream: true,
    build: async () => get('/api/events'),
    async check(_c, _r, res) {
      expect(String(res.headers['content-type'])).toContain('text/event-stream');
      expect(res.body).toContain('event: hello');
    },
  },

  // ---- organisation ---------------------------------------------------------------------------------------
  {
    route: 'GET /api/regions',
    allowed: ALL,
    build: async () => get('/api/regions'),
    // The region tree is public reference data (docs/decisions.md): every role reads all of it.
    async check(c, _role, res) {
      const codes = (res.json().items as { code: string }[]).map((r) => r.code);
      expect(codes).toContain(c.w.a.village);
      expect(codes).toContain(c.w.b.village);
    },
  },
  {
    route: 'POST /api/regions/import',
    allowed: ADMINS,
    async build(c) {
      const county = await c.env.p.db
        .selectFrom('regions')
        .select(['code', 'name', 'lng', 'lat'])
        .where('code', '=', '140522000000')
        .executeTakeFirstOrThrow();
      const csv = `code,parent_code,name,kind,lng,lat\n${county.code},,${county.name},county,${county.lng ?? ''},${county.lat ?? ''}\n`;
      return { method: 'POST', url: '/api/regions/import', payload: { csv } };
    },
  },
  { route: 'GET /api/sectors', allowed: ALL, build: async () => get('/api/sectors') },
  {
    route: 'POST /api/sectors',
    allowed: ADMINS,
    ok: 201,
    build: async () => ({
      method: 'POST',
      url: '/api/sectors',
      payload: { code: `t_${rand(10)}`, nameZh: '测试行业', nameEn: 'Test sector' },
    }),
  },
  {
    route: 'PATCH /api/sectors/:code',
    allowed: ADMINS,
    async build(c) {
      const code = `t_${rand(10)}`;
      await c.env.p.db
        .insertInto('sectors')
        .values({ code, parent_code: null, name_zh: '测试', name_en: 'T' })
        .execute();
      return { method: 'PATCH', url: `/api/sectors/${code}`, payload: { version: 1, nameZh: '改名' } };
    },
  },
  {
    route: 'GET /api/departments',
    allowed: ALL,
    build: async () => get('/api/departments'),
    async check(c, role, res) {
      const items = res.json().items as { id: string; enterprise_count: number }[];
      const b = items.find((d) => d.id === c.w.deptB);
      expect(b).toBeDefined();
      // The department list is the county's organisation chart, but its enterprise counts are data: scoped.
      if (COUNTY.includes(role)) expect(b?.enterprise_count).toBeGreaterThanOrEqual(1);
      else expect(b?.enterprise_count ?? 0).toBe(0);
    },
  },
  {
    route: 'POST /api/departments',
    allowed: ADMINS,
    ok: 201,
    build: async () => ({
      method: 'POST',
      url: '/api/departments',
      payload: { code: `t_${rand(10)}`, nameZh: '测试部门', nameEn: 'Test department', sectors: [] },
    }),
  },
  {
    route: 'PATCH /api/departments/:id',
    allowed: ADMINS,
    async build(c) {
      const id = await makeDepartment(c.env.p, []);
      return { method: 'PATCH', url: `/api/departments/${id}`, payload: { version: 1, nameZh: '改名部门' } };
    },
  },

  // ---- users ----------------------------------------------------------------------------------------------
  {
    route: 'GET /api/users',
    allowed: ADMINS,
    build: async (c) => get(`/api/users?q=${c.hiddenAdmin.username}`),
    async check(c, role, res) {
      const ids = (res.json().items as { id: string }[]).map((u) => u.id);
      // A system administrator is invisible to county administrators (their PATCH answers 404): not listed.
      if (role === 'sys_admin') expect(ids).toContain(c.hiddenAdmin.id);
      else expect(ids).not.toContain(c.hiddenAdmin.id);
    },
  },
  {
    route: 'POST /api/users',
    allowed: ADMINS,
    ok: 201,
    build: async (c) => ({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: `m_${rand(10)}`,
        displayName: '矩阵用户',
        role: 'enterprise_staff',
        enterpriseId: c.w.entA.id,
      },
    }),
  },
  {
    route: 'PATCH /api/users/:id',
    allowed: ADMINS,
    async build(c) {
      const u = await makeUser(c.env.p, 'county_leader');
      return { method: 'PATCH', url: `/api/users/${u.id}`, payload: { version: 1, displayName: '改名' } };
    },
    outside: {
      roles: NOT_SYS,
      build: async (c) => ({
        method: 'PATCH',
        url: `/api/users/${c.hiddenAdmin.id}`,
        payload: { version: 1, displayName: '改名' },
      }),
      missing: async () => ({
        method: 'PATCH',
        url: `/api/users/${randomUUID()}`,
        payload: { version: 1, displayName: '改名' },
      }),
      secret: (c) => [c.hiddenAdmin.username],
    },
  },
  {
    route: 'POST /api/users/:id/reset-password',
    allowed: ADMINS,
    async build(c) {
      const u = await makeUser(c.env.p, 'county_leader');
      return { method: 'POST', url: `/api/users/${u.id}/reset-password` };
    },
    outside: {
      roles: NOT_SYS,
      build: async (c) => ({ method: 'POST', url: `/api/users/${c.hiddenAdmin.id}/reset-password` }),
      missing: async () => ({ method: 'POST', url: `/api/users/${randomUUID()}/reset-password` }),
      secret: (c) => [c.hiddenAdmin.username],
    },
  },

  // ---- enterprises ----------------------------------------------------------------------------------------
  {
    route: 'GET /api/enterprises',
    allowed: ALL,
    build: async () => get('/api/enterprises?pageSize=200'),
    async check(c, role, res, req) {
      const headers = req.as ?? c.w.users[role].headers;
      const body = res.json() as { items: { id: string }[]; total: number };
      const ids = body.items.map((i) => i.id);
      if (!COUNTY.includes(role)) expect(ids).not.toContain(c.w.entB.id);
      if (FIXED_SCOPE.includes(role)) {
        expect(ids).toContain(c.w.entA.id);
        expect(body.total).toBe(ids.length);
      }
      expect((await listIds(c, headers, `&q=${c.w.entA.credit_code}`)).ids).toEqual([c.w.entA.id]);
      // Search and filters aimed at B find nothing for scoped roles (and B itself for county roles).
      const b = c.w.entB;
      const unique = [
        `&q=${encodeURIComponent(b.name)}`,
        `&q=${b.credit_code}`,
        `&q=${b.code}`,
        `&regionCode=${c.w.b.town}`,
      ];
      for (const q of [...unique, `&departmentId=${c.w.deptB}`, '&sector=construction']) {
        const found = await listIds(c, headers, q);
        if (COUNTY.includes(role)) {
          if (unique.includes(q)) expect(found.ids, q).toContain(b.id);
        } else if (unique.includes(q) || FIXED_SCOPE.includes(role)) {
          expect(found, `${role} ${q}`).toEqual({ ids: [], total: 0 });
        } else {
          // A department may share supervision of other enterprises with department B (several sectors).
          expect(found.ids, `${role} ${q}`).not.toContain(b.id);
        }
      }
    },
  },
  {
    route: 'POST /api/enterprises',
    allowed: CREATORS,
    ok: 201,
    build: async (c) => ({ method: 'POST', url: '/api/enterprises', payload: enterpriseBody(c) }),
  },
  {
    route: 'GET /api/enterprises/map',
    allowed: ALL,
    build: async () => get('/api/enterprises/map'),
    async check(c, role, res, req) {
      const ids = (res.json().features as { properties: { id: string } }[]).map((f) => f.properties.id);
      expectScoped(role, ids, c);
      if (FIXED_SCOPE.includes(role)) {
        // The map shows exactly the enterprises the list shows (all in this world have coordinates).
        const list = await listIds(c, req.as ?? c.w.users[role].headers);
        expect(new Set(ids)).toEqual(new Set(list.ids));
      }
    },
  },
  {
    route: 'GET /api/enterprises/export.xlsx',
    allowed: EXPORTERS,
    build: async () => get('/api/enterprises/export.xlsx'),
    async check(c, role, res) {
      const rows = await readXlsx(res.rawPayload);
      const header = rows[0] ?? [];
      const nameCol = header.indexOf('企业名称');
      expect(nameCol).toBeGreaterThanOrEqual(0);
      const names = new Set(rows.slice(1).map((r) => r[nameCol]));
      expect(names.has(c.w.entA.name)).toBe(true);
      if (COUNTY.includes(role)) expect(names.has(c.w.entB.name)).toBe(true);
      else expect(names.has(c.w.entB.name), `${role} export leaks B`).toBe(false);
      expect(res.body).not.toContain(c.w.entB.credit_code);
    },
  },
  {
    route: 'GET /api/enterprises/import-template.xlsx',
    allowed: CREATORS,
    build: async () => get('/api/enterprises/import-template.xlsx'),
  },
  {
    route: 'POST /api/enterprises/import',
    allowed: CREATORS,
    ok: 201,
    async build(c) {
      const e = enterpriseBody(c);
      const bytes = await xlsxBytes([
        ['统一社会信用代码', '企业名称', '所属村(社区)(代码或名称)', '主行业(代码或名称)', '规模(规上/规下)'],
        [e.creditCode, e.name, e.regionCode, 'coal_mine', '规上'],
      ]);
      const m = multipart('import.xlsx', bytes);
      return { method: 'POST', url: '/api/enterprises/import', payload: m.payload, headers: m.headers };
    },
  },
  {
    route: 'GET /api/enterprises/:id',
    allowed: ALL,
    build: async (c) => get(`/api/enterprises/${c.w.entA.id}`),
    async check(c, _r, res) {
      expect(res.json().name).toBe(c.w.entA.name);
    },
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/enterprises/${c.w.entB.id}`),
      missing: async () => get(`/api/enterprises/${randomUUID()}`),
      secret: (c) => [c.w.entB.name, c.w.entB.credit_code],
    },
  },
  {
    route: 'PATCH /api/enterprises/:id',
    allowed: UPDATERS,
    build: async (c) => ({
      method: 'PATCH',
      url: `/api/enterprises/${c.w.entA.id}`,
      payload: { version: await enterpriseVersion(c, c.w.entA.id), employees: 100 + Math.floor(Math.random() * 900) },
    }),
    outside: {
      roles: SCOPED,
      build: async (c) => ({
        method: 'PATCH',
        url: `/api/enterprises/${c.w.entB.id}`,
        payload: { version: await enterpriseVersion(c, c.w.entB.id), employees: 7 },
      }),
      missing: async () => ({
        method: 'PATCH',
        url: `/api/enterprises/${randomUUID()}`,
        payload: { version: 1, employees: 7 },
      }),
      secret: (c) => [c.w.entB.name, c.w.entB.credit_code],
    },
  },
  {
    route: 'GET /api/dashboard/summary',
    allowed: ALL,
    build: async () => get('/api/dashboard/summary'),
    async check(c, role, res, req) {
      const s = res.json() as {
        enterprises: { totals: { total: number }; byTownship: { code: string }[] };
        expiring: { enterpriseId: string }[];
      };
      const expiringIds = s.expiring.map((e) => e.enterpriseId);
      const towns = s.enterprises.byTownship.map((t) => t.code);
      if (COUNTY.includes(role)) {
        expect(towns).toContain(c.w.b.town);
        expect(expiringIds).toContain(c.w.entB.id);
      } else {
        expect(towns).not.toContain(c.w.b.town);
        expect(expiringIds).not.toContain(c.w.entB.id);
        expect(expiringIds).toContain(c.w.entA.id);
      }
      if (FIXED_SCOPE.includes(role)) {
        // Every figure counts what the list shows, and nothing more.
        const list = await listIds(c, req.as ?? c.w.users[role].headers);
        expect(s.enterprises.totals.total).toBe(list.total);
      }
    },
  },
];
