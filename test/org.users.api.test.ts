import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthHeaders,
  DATABASES,
  login,
  makeDepartment,
  makeEnterprise,
  makeTownship,
  makeUser,
  PASSWORD,
  signIn,
  startTestEnv,
  type TestEnv,
} from './harness.js';

type Headers = AuthHeaders;
const rand = (n = 8) => randomBytes(8).toString('hex').slice(0, n);
const COUNTY = '140522000000';

describe.each(DATABASES)('organisation, users and system on $name', (dbc) => {
  let env: TestEnv;
  let admin: { id: string; headers: Headers };
  let countyRow: string;

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    admin = await signIn(env, 'county_admin');
    const c = await env.p.db
      .selectFrom('regions')
      .select(['name', 'lng', 'lat'])
      .where('code', '=', COUNTY)
      .executeTakeFirstOrThrow();
    countyRow = `${COUNTY},,${c.name},county,${c.lng ?? ''},${c.lat ?? ''}`;
  });
  afterAll(() => env?.close());

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Headers, payload?: object) =>
    env.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  /** A township code (140522 9xx 000) not yet in the database. */
  async function freeTownCode(): Promise<string> {
    const taken = new Set(
      (await env.p.db.selectFrom('regions').select('code').where('code', 'like', '1405229%').execute()).map(
        (r) => r.code,
      ),
    );
    for (;;) {
      const code = `1405229${String(Math.floor(Math.random() * 100)).padStart(2, '0')}000`;
      if (!taken.has(code)) return code;
    }
  }

  describe('regions import', () => {
    it('upserts a valid CSV, parents first, and updates rows it already has', async () => {
      const town = await freeTownCode();
      const v1 = `${town.slice(0, 9)}201`;
      const v2 = `${town.slice(0, 9)}202`;
      const csv = [
        'code,parent_code,name,kind,lng,lat',
        // Children before their parent: the import orders them.
        `${v1},${town},导入村一,village,112.41,35.41`,
        `${v2},${town},"导入社区二",community,,`,
        countyRow,
        `${town},${COUNTY},导入镇${town.slice(6, 9)},town,112.40,35.40`,
      ].join('\n');
      const res = await call('POST', '/api/regions/import', admin.headers, { csv });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ imported: 4 });
      const rows = await env.p.db
        .selectFrom('regions')
        .select(['code', 'parent_code', 'name', 'kind', 'path', 'depth', 'lng', 'version'])
        .where('code', 'in', [town, v1, v2])
        .orderBy('code')
        .execute();
      expect(rows).toEqual([
        expect.objectContaining({ code: town, depth: 1, path: `/${COUNTY}/${town}/`, kind: 'town', version: 1 }),
        expect.objectContaining({
          code: v1,
          depth: 2,
          path: `/${COUNTY}/${town}/${v1}/`,
          name: '导入村一',
          lng: 112.41,
        }),
        expect.objectContaining({
          code: v2,
          depth: 2,
          parent_code: town,
          name: '导入社区二',
          kind: 'community',
          lng: null,
        }),
      ]);

      const again = await call('POST', '/api/regions/import', admin.headers, {
        csv: csv.replace('导入村一', '导入村一（改）'),
      });
      expect(again.statusCode).toBe(200);
      const v1Row = await env.p.db
        .selectFrom('regions')
        .select(['name', 'version'])
        .where('code', '=', v1)
        .executeTakeFirstOrThrow();
      expect(v1Row).toEqual({ name: '导入村一（改）', version: 2 });
      const audits = await env.p.db
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('actor_id', '=', admin.id)
        .where('action', '=', 'org.regions_imported')
        .execute();
      expect(audits.length).toBeGreaterThanOrEqual(2);
    });

    it.each([
      ['a village code outside its township', (t: string) => `${t.slice(0, 6)}888201,${t},坏村,village,,`, 'code'],
      ['a longitude without latitude', (t: string) => `${t.slice(0, 9)}203,${t},坏村,village,112.4,`, 'lat'],
      ['an unknown kind', (t: string) => `${t.slice(0, 9)}204,${t},坏村,hamlet,,`, 'kind'],
    ])('refuses %s with 400 IMPORT_INVALID naming the line, and writes nothing', async (_n, badRow, column) => {
      const town = await freeTownCode();
      const bad = badRow(town);
      const csv = [
        'code,parent_code,name,kind,lng,lat',
        countyRow,
        `${town},${COUNTY},新镇,town,,`,
        `${town.slice(0, 9)}205,${town},好村,village,,`,
        bad,
      ].join('\r\n');
      const res = await call('POST', '/api/regions/import', admin.headers, { csv });
      expect(res.statusCode, res.body).toBe(400);
      const err = res.json().error;
      expect(err.code).toBe('IMPORT_INVALID');
      expect(err.message).toContain('line 5');
      expect(err.errors).toEqual([{ row: 5, column, message: err.message }]);
      const written = await env.p.db
        .selectFrom('regions')
        .select('code')
        .where('code', 'in', [town, `${town.slice(0, 9)}205`])
        .execute();
      expect(written).toEqual([]);
    });

    it('is for county administrators only', async () => {
      const t = await makeTownship(env.p);
      const officer = await signIn(env, 'town_officer', { regionCode: t.town });
      const res = await call('POST', '/api/regions/import', officer.headers, {
        csv: `code,parent_code,name,kind,lng,lat\n${countyRow}\n`,
      });
      expect(res.statusCode).toBe(403);
    });
  });

  describe('sectors', () => {
    it('creates a sector, refuses a duplicate code or unknown parent with the field, and patches by version', async () => {
      const code = `t_${rand(10)}`;
      const created = await call('POST', '/api/sectors', admin.headers, { code, nameZh: '测试行业', nameEn: 'Test' });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ code, parent_code: null, version: 1 });

      const dup = await call('POST', '/api/sectors', admin.headers, { code, nameZh: '重复', nameEn: 'Dup' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error).toMatchObject({ code: 'DUPLICATE', fields: [{ path: 'code', message: 'duplicate' }] });

      const orphan = await call('POST', '/api/sectors', admin.headers, {
        code: `t_${rand(10)}`,
        parentCode: 'no_such_parent',
        nameZh: '孤儿',
        nameEn: 'Orphan',
      });
      expect(orphan.statusCode).toBe(400);
      expect(orphan.json().error).toMatchObject({
        code: 'VALIDATION',
        fields: [{ path: 'parentCode', message: 'unknown' }],
      });

      const badCode = await call('POST', '/api/sectors', admin.headers, { code: 'Bad-Code', nameZh: 'x', nameEn: 'x' });
      expect(badCode.statusCode).toBe(400);
      expect(badCode.json().error.fields[0].path).toBe('code');

      const url = `/api/sectors/${code}`;
      const ok = await call('PATCH', url, admin.headers, { version: 1, nameZh: '改名行业' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ name_zh: '改名行业', version: 2 });
      const stale = await call('PATCH', url, admin.headers, { version: 1, nameZh: '又改' });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error).toMatchObject({ code: 'STALE_VERSION', currentVersion: 2 });
      const row = await env.p.db
        .selectFrom('sectors')
        .select('name_zh')
        .where('code', '=', code)
        .executeTakeFirstOrThrow();
      expect(row.name_zh).toBe('改名行业');
      expect((await call('PATCH', '/api/sectors/no_such_sector', admin.headers, { version: 1 })).statusCode).toBe(404);
      const audits = await env.p.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_type', '=', 'sector')
        .where('entity_id', '=', code)
        .orderBy('id')
        .execute();
      expect(audits.map((a) => a.action)).toEqual(['sector.created', 'sector.updated']);
    });
  });

  describe('departments', () => {
    it("re-derives enterprises' departments when a department's sectors change, except overridden ones", async () => {
      const parent = `t_${rand(10)}`;
      const child = `t_${rand(10)}`;
      for (const [code, parentCode] of [
        [parent, null],
        [child, parent],
      ] as const) {
        const r = await call('POST', '/api/sectors', admin.headers, { code, parentCode, nameZh: code, nameEn: code });
        expect(r.statusCode).toBe(201);
      }
      const t = await makeTownship(env.p);
      const keep = await makeDepartment(env.p, []);
      const derived = await makeEnterprise(env.p, {
        regionCode: t.village,
        primarySector: parent,
        departmentIds: null,
      });
      const sub = await makeEnterprise(env.p, { regionCode: t.village, primarySector: child, departmentIds: null });
      const overridden = await makeEnterprise(env.p, {
        regionCode: t.village,
        primarySector: parent,
        departmentIds: [keep],
      });
      const depts = async () =>
        new Map(
          (
            await env.p.db
              .selectFrom('enterprises')
              .select(['id', 'department_ids', 'departments_overridden'])
              .where('id', 'in', [derived.id, sub.id, overridden.id])
              .execute()
          ).map((r) => [r.id, r.department_ids]),
        );
      expect(await depts()).toEqual(
        new Map([
          [derived.id, []],
          [sub.id, []],
          [overridden.id, [keep]],
        ]),
      );

      const created = await call('POST', '/api/departments', admin.headers, {
        code: `t_${rand(10)}`,
        nameZh: '新部门',
        nameEn: 'New department',
        sectors: [],
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      const patched = await call('PATCH', `/api/departments/${id}`, admin.headers, { version: 1, sectors: [parent] });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(await depts()).toEqual(
        new Map([
          [derived.id, [id]],
          [sub.id, [id]],
          [overridden.id, [keep]],
        ]),
      );
      const back = await call('PATCH', `/api/departments/${id}`, admin.headers, { version: 2, sectors: [] });
      expect(back.statusCode).toBe(200);
      expect((await depts()).get(derived.id)).toEqual([]);

      const stale = await call('PATCH', `/api/departments/${id}`, admin.headers, { version: 2, nameZh: '旧' });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.currentVersion).toBe(3);
      const unknown = await call('PATCH', `/api/departments/${id}`, admin.headers, {
        version: 3,
        sectors: [parent, 'no_such_sector'],
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.fields).toEqual([{ path: 'sectors.1', message: 'unknown sector' }]);
    });
  });

  describe('users', () => {
    it('creates a user with a one-time password that must be changed at first sign-in', async () => {
      const t = await makeTownship(env.p);
      const username = `u_${rand(10)}`;
      const res = await call('POST', '/api/users', admin.headers, {
        username,
        displayName: '新用户',
        phone: '13912345678',
        role: 'town_officer',
        regionCode: t.town,
      });
      expect(res.statusCode, res.body).toBe(201);
      const { user, oneTimePassword } = res.json();
      expect(user).toMatchObject({ username, role: 'town_officer', region_code: t.town, must_change_password: true });
      expect(user).not.toHaveProperty('password_hash');
      expect(oneTimePassword).toEqual(expect.any(String));
      expect(oneTimePassword.length).toBeGreaterThanOrEqual(10);
      const audit = await env.p.db
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('entity_id', '=', user.id)
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['user.created']);
      expect(JSON.stringify(audit)).not.toContain(oneTimePassword);
      expect(JSON.stringify(audit)).not.toContain('password_hash');

      const h = await login(env.app, username, oneTimePassword);
      expect((await env.app.inject({ url: '/api/auth/me', headers: h })).json().mustChangePassword).toBe(true);
      const blocked = await env.app.inject({ url: '/api/enterprises', headers: h });
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
      const changed = await call('POST', '/api/auth/password', h, {
        currentPassword: oneTimePassword,
        newPassword: 'township-secret-42',
      });
      expect(changed.statusCode).toBe(200);
      expect((await env.app.inject({ url: '/api/enterprises', headers: h })).statusCode).toBe(200);
    });

    it("lists an enterprise account with its enterprise's name", async () => {
      const t = await makeTownship(env.p);
      const e = await makeEnterprise(env.p, { regionCode: t.village, name: `列表企业${rand(6)}有限公司` });
      const u = await makeUser(env.p, 'enterprise_admin', { enterpriseId: e.id });
      const res = await call('GET', `/api/users?q=${u.username}`, admin.headers);
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toEqual([
        expect.objectContaining({ id: u.id, enterprise_id: e.id, enterprise_name: e.name }),
      ]);
    });

    it.each([
      ['dept_officer', {}, 'departmentId', 'required'],
      ['dept_officer', { departmentId: '00000000-0000-4000-8000-000000000000' }, 'departmentId', 'unknown'],
      ['town_officer', {}, 'regionCode', 'required'],
      ['town_officer', { regionCode: 'VILLAGE' }, 'regionCode', 'wrong kind'],
      ['village_worker', { regionCode: 'TOWN' }, 'regionCode', 'wrong kind'],
      ['enterprise_admin', {}, 'enterpriseId', 'required'],
      ['enterprise_staff', { enterpriseId: '00000000-0000-4000-8000-000000000000' }, 'enterpriseId', 'unknown'],
    ] as const)('refuses a %s bound to %o: 400 on %s, nothing written', async (role, bind, path, message) => {
      const t = await makeTownship(env.p);
      const b: Record<string, string> = { ...bind };
      if (b.regionCode === 'VILLAGE') b.regionCode = t.village;
      if (b.regionCode === 'TOWN') b.regionCode = t.town;
      const username = `u_${rand(10)}`;
      const res = await call('POST', '/api/users', admin.headers, { username, displayName: 'x', role, ...b });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.fields).toEqual([{ path, message }]);
      expect(await env.p.db.selectFrom('users').select('id').where('username', '=', username).execute()).toEqual([]);
    });

    it('lets only a system administrator create one, and refuses a taken username', async () => {
      const username = `u_${rand(10)}`;
      const res = await call('POST', '/api/users', admin.headers, { username, displayName: 'x', role: 'sys_admin' });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      expect(await env.p.db.selectFrom('users').select('id').where('username', '=', username).execute()).toEqual([]);
      const sys = await signIn(env, 'sys_admin');
      const ok = await call('POST', '/api/users', sys.headers, { username, displayName: 'x', role: 'sys_admin' });
      expect(ok.statusCode).toBe(201);
      const again = await call('POST', '/api/users', sys.headers, {
        username,
        displayName: 'y',
        role: 'county_leader',
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error).toMatchObject({
        code: 'DUPLICATE',
        fields: [{ path: 'username', message: 'duplicate' }],
      });
      const leader = await signIn(env, 'county_leader');
      const denied = await call('POST', '/api/users', leader.headers, {
        username: `u_${rand(10)}`,
        displayName: 'x',
        role: 'county_leader',
      });
      expect(denied.statusCode).toBe(403);
    });

    it('resets a password: the old one and its sessions stop working, the new one must be changed', async () => {
      const victim = await signIn(env, 'county_leader');
      const res = await call('POST', `/api/users/${victim.id}/reset-password`, admin.headers);
      expect(res.statusCode).toBe(200);
      const otp = res.json().oneTimePassword as string;
      expect((await env.app.inject({ url: '/api/auth/me', headers: victim.headers })).statusCode).toBe(401);
      const old = await env.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: victim.username, password: PASSWORD },
      });
      expect(old.statusCode).toBe(401);
      const h = await login(env.app, victim.username, otp);
      expect((await env.app.inject({ url: '/api/auth/me', headers: h })).json().mustChangePassword).toBe(true);
      const audit = await env.p.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', victim.id)
        .where('action', '=', 'user.password_reset')
        .execute();
      expect(audit).toHaveLength(1);

      // A system administrator is not found by a county administrator.
      const sys = await makeUser(env.p, 'sys_admin');
      const hidden = await call('POST', `/api/users/${sys.id}/reset-password`, admin.headers);
      expect(hidden.statusCode).toBe(404);
      const login2 = await env.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: sys.username, password: PASSWORD },
      });
      expect(login2.statusCode).toBe(200);
    });
  });

  describe('system', () => {
    it('answers /api/health publicly with status, database, schema version and uptime', async () => {
      const res = await env.app.inject({ url: '/api/health' });
      expect(res.statusCode).toBe(200);
      const h = res.json();
      expect(Object.keys(h).sort()).toEqual(['db', 'schemaVersion', 'status', 'uptimeS']);
      expect(h).toMatchObject({ status: 'ok', db: dbc.name });
      expect(h.schemaVersion).toMatch(/^\d{4}_[a-z0-9_]+$/);
      expect(Number.isInteger(h.uptimeS) && h.uptimeS >= 0).toBe(true);
    });

    it('exposes Prometheus metrics for requests and job runs', async () => {
      const job = `test.metrics_${rand(6)}`;
      env.p.jobs.register({ name: job, description: 'metrics probe', run: async () => ({ ok: true }) });
      await env.p.jobs.runNow(job, env.clock.now());
      await env.app.inject({ url: '/api/health' });
      const res = await env.app.inject({ url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toContain('# TYPE fangxian_http_request_duration_seconds histogram');
      expect(res.body).toMatch(
        /fangxian_http_request_duration_seconds_count\{method="GET",route="\/api\/health",status="200"\} [1-9]/,
      );
      expect(res.body).toContain('# TYPE fangxian_job_runs_total counter');
      expect(res.body).toContain(`fangxian_job_runs_total{job="${job}",status="done"} 1`);
      expect(res.body).toMatch(/fangxian_job_queue_depth \d+/);
    });

    it('publishes an OpenAPI document listing the enterprise endpoints', async () => {
      const res = await env.app.inject({ url: '/api/docs/json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.info.title).toContain('Fangxian');
      expect(Object.keys(doc.paths['/api/enterprises'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
      expect(doc.paths['/api/enterprises/{id}']).toBeDefined();
      expect(doc.paths['/metrics']).toBeUndefined();
    });

    it('sends security headers, a content security policy included, on every kind of response', async () => {
      const h = await signIn(env, 'county_leader');
      for (const [url, headers, status] of [
        ['/api/health', {}, 200],
        ['/api/enterprises', h.headers, 200],
        ['/api/enterprises', {}, 401],
        ['/api/no-such-route', {}, 404],
      ] as const) {
        const res = await env.app.inject({ url, headers });
        expect(res.statusCode).toBe(status);
        const csp = String(res.headers['content-security-policy']);
        for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) {
          expect(csp, url).toContain(d);
        }
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });
  });
});
