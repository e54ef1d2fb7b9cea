import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDIT_CODE_CHARSET } from '../src/core/credit-code.js';
import { addDays, localDate } from '../src/core/dates.js';
import type { FieldError } from '../src/core/errors.js';
import { inRegion } from '../src/server/modules/enterprises/enterprises.repo.js';
import { verifyAuditChain } from '../src/server/platform/audit/audit.js';
import {
  type AuthHeaders,
  creditCode,
  DATABASES,
  login,
  makeDepartment,
  makeEnterprise,
  makeTownship,
  makeUser,
  signIn,
  startTestEnv,
  type TestEnv,
} from './harness.js';

type Headers = AuthHeaders;
const digits = (n = 6) => String(randomBytes(4).readUInt32BE(0)).padStart(10, '0').slice(-n);
const rand = (n = 8) => randomBytes(8).toString('hex').slice(0, n);

/** A well-formed create body for a village; `over` replaces any field. */
function body(regionCode: string, over: Record<string, unknown> = {}) {
  return {
    creditCode: creditCode(),
    name: `接口测试${digits()}有限公司`,
    regionCode,
    primarySector: 'coal_mine',
    scale: 'above',
    lng: 112.41,
    lat: 35.48,
    employees: 120,
    principalName: '王五',
    principalPhone: '13800000001',
    ...over,
  };
}

/** A credit code whose check character is wrong (all other characters valid). */
function badCheckCode(): string {
  const good = creditCode();
  const last = good.charAt(17);
  const other = CREDIT_CODE_CHARSET.charAt((CREDIT_CODE_CHARSET.indexOf(last) + 1) % CREDIT_CODE_CHARSET.length);
  return good.slice(0, 17) + other;
}

describe.each(DATABASES)('enterprises API on $name', (dbc) => {
  let env: TestEnv;
  let admin: Headers;
  let adminId: string;

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    const u = await makeUser(env.p, 'county_admin');
    adminId = u.id;
    admin = await login(env.app, u.username);
  });
  afterAll(() => env?.close());

  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Headers, payload?: object) =>
    env.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  /** Enterprises registered in a township (its whole subtree), and audit rows written by a user. */
  async function written(town: string, actorId: string) {
    const [e, a] = await Promise.all([
      env.p.db
        .selectFrom('enterprises')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('region_path', 'like', `%/${town}/%`)
        .executeTakeFirstOrThrow(),
      env.p.db
        .selectFrom('audit_log')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('actor_id', '=', actorId)
        .where('entity_type', '=', 'enterprise')
        .executeTakeFirstOrThrow(),
    ]);
    return { enterprises: e.n, audit: a.n };
  }

  async function freshSector(parent: string | null = null) {
    const code = `t_${rand(10)}`;
    await env.p.db
      .insertInto('sectors')
      .values({ code, parent_code: parent, name_zh: `测试行业${code}`, name_en: code })
      .execute();
    return code;
  }

  it('creates with a QY code and departments derived from the sectors, parents included', async () => {
    const t = await makeTownship(env.p);
    const parent = await freshSector();
    const child = await freshSector(parent);
    const extra = await freshSector();
    const dParent = await makeDepartment(env.p, [parent]);
    const dChild = await makeDepartment(env.p, [child]);
    const dExtra = await makeDepartment(env.p, [extra]);
    const res = await inject(
      'POST',
      '/api/enterprises',
      admin,
      body(t.village, { primarySector: child, otherSectors: [extra] }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const e = res.json();
    expect(e.code).toMatch(/^QY-\d{6}$/);
    expect(e.primarySector).toBe(child);
    expect(e.otherSectors).toEqual([extra]);
    expect(new Set(e.departmentIds)).toEqual(new Set([dParent, dChild, dExtra]));
    expect(e.departmentsOverridden).toBe(false);
    expect(e.version).toBe(1);

    // An explicit list overrides the derivation.
    const over = await inject(
      'POST',
      '/api/enterprises',
      admin,
      body(t.village, { primarySector: child, departmentIds: [dExtra] }),
    );
    expect(over.statusCode, over.body).toBe(201);
    expect(over.json().departmentIds).toEqual([dExtra]);
    expect(over.json().departmentsOverridden).toBe(true);
    expect(over.json().code).not.toBe(e.code);
  });

  describe('refuses bad input with the field, and writes nothing', () => {
    const cases: [string, (v: string) => Record<string, unknown>, number, string, FieldError][] = [
      [
        'a wrong check character',
        (v) => body(v, { creditCode: badCheckCode() }),
        400,
        'VALIDATION',
        { path: 'creditCode', message: 'credit_code.check' },
      ],
      [
        'a forbidden character (O)',
        (v) => body(v, { creditCode: `91140522MA0K0O001X` }),
        400,
        'VALIDATION',
        { path: 'creditCode', message: 'credit_code.charset' },
      ],
      [
        'swapped coordinates',
        (v) => body(v, { lng: 35.48, lat: 112.41 }),
        400,
        'VALIDATION',
        { path: 'lng', message: 'lng.range' },
      ],
      [
        "a negative headcount (zod's own check: a stable key with its bound)",
        (v) => body(v, { employees: -1 }),
        400,
        'VALIDATION',
        { path: 'employees', message: 'too_small_n', params: { min: '0' } },
      ],
      [
        'a headcount as text (wrong type)',
        (v) => body(v, { employees: 'many' }),
        400,
        'VALIDATION',
        { path: 'employees', message: 'invalid' },
      ],
      ['a missing name', (v) => body(v, { name: undefined }), 400, 'VALIDATION', { path: 'name', message: 'required' }],
      [
        'an unknown region',
        () => body('999999999999'),
        400,
        'VALIDATION',
        { path: 'regionCode', message: 'region.unknown' },
      ],
      [
        'an unknown primary sector',
        (v) => body(v, { primarySector: 'no_such_sector' }),
        400,
        'VALIDATION',
        { path: 'primarySector', message: 'sector.unknown' },
      ],
      [
        'an unknown other sector',
        (v) => body(v, { otherSectors: ['construction', 'no_such_sector'] }),
        400,
        'VALIDATION',
        { path: 'otherSectors.1', message: 'sector.unknown' },
      ],
      [
        'an unknown other sector after a repeated primary one',
        (v) => body(v, { otherSectors: ['coal_mine', 'no_such_sector'] }),
        400,
        'VALIDATION',
        { path: 'otherSectors.1', message: 'sector.unknown' },
      ],
      [
        'a grade without expiry',
        (v) => body(v, { standardizationGrade: 2 }),
        400,
        'VALIDATION',
        { path: 'standardizationExpiry', message: 'standardization.expiry_required' },
      ],
    ];
    it.each(cases)('%s', async (_name, make, status, code, field) => {
      const t = await makeTownship(env.p);
      const before = await written(t.town, adminId);
      const res = await inject('POST', '/api/enterprises', admin, make(t.village));
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.fields).toContainEqual(field);
      expect(await written(t.town, adminId)).toEqual(before);
    });

    it('swapped coordinates name both fields', async () => {
      const t = await makeTownship(env.p);
      const res = await inject('POST', '/api/enterprises', admin, body(t.village, { lng: 35.48, lat: 112.41 }));
      expect(res.json().error.fields).toEqual(
        expect.arrayContaining([
          { path: 'lng', message: 'lng.range' },
          { path: 'lat', message: 'lat.range' },
        ]),
      );
    });

    it('a credit code already registered: 409 DUPLICATE', async () => {
      const t = await makeTownship(env.p);
      const first = body(t.village);
      expect((await inject('POST', '/api/enterprises', admin, first)).statusCode).toBe(201);
      const before = await written(t.town, adminId);
      // Lower case and spaces are normalised, so they do not get round the check.
      const again = body(t.village, { creditCode: ` ${first.creditCode.toLowerCase()} ` });
      const res = await inject('POST', '/api/enterprises', admin, again);
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.code).toBe('DUPLICATE');
      expect(res.json().error.fields).toEqual([{ path: 'creditCode', message: 'credit_code.duplicate' }]);
      expect(await written(t.town, adminId)).toEqual(before);
      const same = await env.p.db
        .selectFrom('enterprises')
        .select('name')
        .where('credit_code', '=', first.creditCode)
        .execute();
      expect(same.map((r) => r.name)).toEqual([first.name]);
    });

    it('a department officer registering a sector it does not supervise', async () => {
      const t = await makeTownship(env.p);
      const dept = await makeDepartment(env.p, [await freshSector()]);
      const officer = await signIn(env, 'dept_officer', { departmentId: dept });
      const res = await inject('POST', '/api/enterprises', officer.headers, body(t.village));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.fields).toEqual([{ path: 'primarySector', message: 'sector.outside_scope' }]);
      expect(await written(t.town, officer.id)).toEqual({ enterprises: 0, audit: 0 });
    });

    it('a town officer using a region of another township', async () => {
      const mine = await makeTownship(env.p);
      const theirs = await makeTownship(env.p);
      const officer = await signIn(env, 'town_officer', { regionCode: mine.town });
      const res = await inject('POST', '/api/enterprises', officer.headers, body(theirs.village));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.fields).toEqual([{ path: 'regionCode', message: 'region.outside_scope' }]);
      expect(await written(theirs.town, officer.id)).toEqual({ enterprises: 0, audit: 0 });
      // Its own township works.
      const ok = await inject('POST', '/api/enterprises', officer.headers, body(mine.village));
      expect(ok.statusCode, ok.body).toBe(201);
    });
  });

  describe('optimistic concurrency', () => {
    it('answers a stale version with 409 STALE_VERSION and the current version', async () => {
      const t = await makeTownship(env.p);
      const e = await makeEnterprise(env.p, { regionCode: t.village });
      const url = `/api/enterprises/${e.id}`;
      expect((await inject('PATCH', url, admin, { version: 1, employees: 10 })).statusCode).toBe(200);
      const stale = await inject('PATCH', url, admin, { version: 1, employees: 20 });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe('STALE_VERSION');
      expect(stale.json().error.currentVersion).toBe(2);
      const row = await env.p.db
        .selectFrom('enterprises')
        .select(['employees', 'version'])
        .where('id', '=', e.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ employees: 10, version: 2 });
    });

    it('lets exactly one of two concurrent updates of the same version through', async () => {
      const t = await makeTownship(env.p);
      const e = await makeEnterprise(env.p, { regionCode: t.village });
      const url = `/api/enterprises/${e.id}`;
      const results = await Promise.all([
        inject('PATCH', url, admin, { version: 1, employees: 111 }),
        inject('PATCH', url, admin, { version: 1, employees: 222 }),
      ]);
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes).toEqual([200, 409]);
      const winner = results.find((r) => r.statusCode === 200)?.json();
      const row = await env.p.db
        .selectFrom('enterprises')
        .select(['employees', 'version'])
        .where('id', '=', e.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ employees: winner.employees, version: 2 });
      const audits = await env.p.db
        .selectFrom('audit_log')
        .select('id')
        .where('entity_id', '=', e.id)
        .where('action', '=', 'enterprise.updated')
        .execute();
      expect(audits).toHaveLength(1);
    });
  });

  it('refuses an update that leaves a standardization grade without its expiry', async () => {
    const t = await makeTownship(env.p);
    const e = await makeEnterprise(env.p, {
      regionCode: t.village,
      standardizationGrade: 2,
      standardizationExpiry: '2027-06-30',
    });
    const url = `/api/enterprises/${e.id}`;
    const cleared = await inject('PATCH', url, admin, { version: 1, standardizationExpiry: null });
    expect(cleared.statusCode, cleared.body).toBe(400);
    expect(cleared.json().error.fields).toEqual([
      { path: 'standardizationExpiry', message: 'standardization.expiry_required' },
    ]);
    const both = await inject('PATCH', url, admin, {
      version: 1,
      standardizationGrade: null,
      standardizationExpiry: null,
    });
    expect(both.statusCode, both.body).toBe(200);
    const regraded = await inject('PATCH', url, admin, { version: 2, standardizationGrade: 3 });
    expect(regraded.statusCode).toBe(400);
    const row = await env.p.db
      .selectFrom('enterprises')
      .select(['standardization_grade', 'standardization_expiry', 'version'])
      .where('id', '=', e.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ standardization_grade: null, standardization_expiry: null, version: 2 });
  });

  it('lets an enterprise admin edit its contacts but not the supervising fields', async () => {
    const t = await makeTownship(env.p);
    const e = await makeEnterprise(env.p, { regionCode: t.village });
    const ea = await signIn(env, 'enterprise_admin', { enterpriseId: e.id });
    const url = `/api/enterprises/${e.id}`;
    const ok = await inject('PATCH', url, ea.headers, {
      version: 1,
      safetyManagerName: '赵六',
      safetyManagerPhone: '0356-4221234',
      employees: 88,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ safetyManagerName: '赵六', safetyManagerPhone: '0356-4221234', version: 2 });
    for (const change of [{ isKey: true }, { hasMajorHazard: true }, { status: 'closed' }, { name: '改名有限公司' }]) {
      const res = await inject('PATCH', url, ea.headers, { version: 2, ...change });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      expect(res.json().error.fields).toEqual([{ path: Object.keys(change)[0], message: 'forbidden' }]);
    }
    const row = await env.p.db
      .selectFrom('enterprises')
      .select(['is_key', 'version'])
      .where('id', '=', e.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ is_key: false, version: 2 });
    // Another enterprise's admin does not even see it.
    const other = await makeEnterprise(env.p, { regionCode: t.village });
    const stranger = await signIn(env, 'enterprise_admin', { enterpriseId: other.id });
    expect((await inject('PATCH', url, stranger.headers, { version: 2, employees: 1 })).statusCode).toBe(404);
  });

  describe('search, filters and sorting', () => {
    let t: { town: string; village: string };
    let ids: Record<'fm' | 'lq' | 'yc', string>;
    let fmCredit: string;
    let deptId: string;
    const tag = digits(4);
    const list = async (q: string) => {
      const res = await inject('GET', `/api/enterprises?regionCode=${t.town}&pageSize=50&${q}`, admin);
      expect(res.statusCode, res.body).toBe(200);
      const b = res.json() as { items: { id: string }[]; total: number };
      expect(b.total).toBe(b.items.length);
      return b.items.map((i) => i.id);
    };

    beforeAll(async () => {
      t = await makeTownship(env.p);
      const other = await makeTownship(env.p);
      const dept = await makeDepartment(env.p, []);
      const fm = await makeEnterprise(env.p, {
        regionCode: t.village,
        name: `凤鸣煤业${tag}有限公司`,
        employees: 300,
        isKey: true,
        scale: 'above',
      });
      const lq = await makeEnterprise(env.p, {
        regionCode: t.village,
        name: `龙泉化工${tag}有限公司`,
        primarySector: 'hazardous_chemicals',
        otherSectors: ['filling_station'],
        employees: 50,
        hasMajorHazard: true,
        scale: 'below',
        departmentIds: [dept],
      });
      const yc = await makeEnterprise(env.p, {
        regionCode: t.town,
        name: `阳城建材${tag}有限公司`,
        primarySector: 'building_materials',
        employees: 5,
        status: 'suspended',
        scale: 'below',
      });
      // The same name in another township is never found through this township's filter.
      await makeEnterprise(env.p, { regionCode: other.village, name: `凤鸣煤业${tag}分公司` });
      ids = { fm: fm.id, lq: lq.id, yc: yc.id };
      fmCredit = fm.credit_code;
      deptId = dept;
    });

    it("answers a township's subtree from region_level2 exactly as the path prefix does, for every region", async () => {
      const regions = await env.p.db.selectFrom('regions').select('path').execute();
      expect(regions.length).toBeGreaterThan(3);
      for (const { path } of regions) {
        const viaList = await env.p.db
          .selectFrom('enterprises')
          .select('id')
          .where(inRegion(path))
          .orderBy('id')
          .execute();
        const viaPrefix = await env.p.db
          .selectFrom('enterprises')
          .select('id')
          .where('region_path', 'like', `${path}%`)
          .orderBy('id')
          .execute();
        expect(viaList, path).toEqual(viaPrefix);
      }
      // The township of this block has its own enterprises, the county all of them.
      const town = await env.p.db
        .selectFrom('regions')
        .select('path')
        .where('code', '=', t.town)
        .executeTakeFirstOrThrow();
      expect((await env.p.db.selectFrom('enterprises').select('id').where(inRegion(town.path)).execute()).length).toBe(
        3,
      );
    });

    it('finds by name substring, credit-code prefix, code and pinyin initials', async () => {
      expect(await list(`q=${encodeURIComponent('煤业')}`)).toEqual([ids.fm]);
      expect(await list(`q=${encodeURIComponent('化工')}`)).toEqual([ids.lq]);
      expect(await list(`q=${fmCredit.slice(0, 12)}`)).toEqual([ids.fm]);
      expect(await list(`q=${fmCredit.slice(0, 12).toLowerCase()}`)).toEqual([ids.fm]);
      expect(await list('q=fm')).toEqual([ids.fm]);
      expect(await list('q=FMMY')).toEqual([ids.fm]);
      expect(await list('q=lqhg')).toEqual([ids.lq]);
      expect(await list('q=zzzz')).toEqual([]);
      // One and two characters (no trigram): the n-gram index, same meaning as a substring match.
      expect(await list(`q=${encodeURIComponent('凤')}`)).toEqual([ids.fm]);
      expect(await list(`q=${encodeURIComponent('鸣煤')}`)).toEqual([ids.fm]);
      expect(new Set(await list(`q=${encodeURIComponent('公司')}`))).toEqual(new Set([ids.fm, ids.lq, ids.yc]));
      expect(await list('q=FM')).toEqual([ids.fm]);
      expect(await list('q=hg')).toEqual([ids.lq]);
      expect(await list(`q=${encodeURIComponent('凤化')}`)).toEqual([]);
      // LIKE wildcards are literal.
      expect(await list('q=%25')).toEqual([]);
      expect(await list('q=_')).toEqual([]);
      const code = await env.p.db
        .selectFrom('enterprises')
        .select('code')
        .where('id', '=', ids.yc)
        .executeTakeFirstOrThrow();
      expect(await list(`q=${code.code}`)).toEqual([ids.yc]);
    });

    it('finds nothing under a region code that does not exist', async () => {
      const res = await inject('GET', '/api/enterprises?regionCode=149999999999', admin);
      expect(res.json()).toMatchObject({ items: [], total: 0 });
    });

    it('filters by region subtree, sector, department, scale, status and flags', async () => {
      expect(new Set(await list(''))).toEqual(new Set([ids.fm, ids.lq, ids.yc]));
      // The village holds two of them; the third sits on the township itself.
      const inVillage = await inject('GET', `/api/enterprises?regionCode=${t.village}`, admin);
      expect(new Set((inVillage.json().items as { id: string }[]).map((i) => i.id))).toEqual(new Set([ids.fm, ids.lq]));
      expect(await list('sector=filling_station')).toEqual([ids.lq]);
      expect(await list('sector=hazardous_chemicals')).toEqual([ids.lq]);
      expect(await list(`departmentId=${deptId}`)).toEqual([ids.lq]);
      expect(new Set(await list('scale=below'))).toEqual(new Set([ids.lq, ids.yc]));
      expect(await list('status=suspended')).toEqual([ids.yc]);
      expect(new Set(await list('status=operating,closed'))).toEqual(new Set([ids.fm, ids.lq]));
      expect(await list('isKey=true')).toEqual([ids.fm]);
      expect(await list('hasMajorHazard=true')).toEqual([ids.lq]);
      expect(new Set(await list('hasMajorHazard=false'))).toEqual(new Set([ids.fm, ids.yc]));
      const bad = await inject('GET', '/api/enterprises?scale=huge', admin);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.fields[0].path).toBe('scale');
    });

    it('sorts by name and by employees, both ways', async () => {
      expect(await list('sort=employees&order=asc')).toEqual([ids.yc, ids.lq, ids.fm]);
      expect(await list('sort=employees&order=desc')).toEqual([ids.fm, ids.lq, ids.yc]);
      const byName = await list('sort=name&order=asc');
      expect(byName).toHaveLength(3);
      expect(await list('sort=name&order=desc')).toEqual([...byName].reverse());
      const page = await inject(
        'GET',
        `/api/enterprises?regionCode=${t.town}&sort=employees&order=desc&pageSize=2&page=2`,
        admin,
      );
      expect(page.json()).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect((page.json().items as { id: string }[]).map((i) => i.id)).toEqual([ids.yc]);
      expect((await inject('GET', '/api/enterprises?sort=password_hash', admin)).statusCode).toBe(400);
    });
  });

  it("keeps a list's total true to writes the moment they commit (totals are cached briefly)", async () => {
    const t = await makeTownship(env.p);
    const total = async (q = '') =>
      (await inject('GET', `/api/enterprises?regionCode=${t.town}${q}`, admin)).json().total as number;
    expect(await total()).toBe(0);
    const created = await inject('POST', '/api/enterprises', admin, body(t.village));
    expect(created.statusCode, created.body).toBe(201);
    expect(await total()).toBe(1);
    expect(await total('&isKey=true')).toBe(0);
    const e = created.json() as { id: string; version: number };
    const patched = await inject('PATCH', `/api/enterprises/${e.id}`, admin, { version: e.version, isKey: true });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await total('&isKey=true')).toBe(1);
  });

  it('shows licences with their expiry state in the detail', async () => {
    const t = await makeTownship(env.p);
    const today = localDate(env.clock.now());
    const e = await makeEnterprise(env.p, {
      regionCode: t.village,
      licences: [
        { type: '安全生产许可证', number: 'A-1', expiry: addDays(today, 10) },
        { type: '采矿许可证', number: 'B-2', expiry: addDays(today, -1) },
        { type: '排污许可证', number: 'C-3', expiry: addDays(today, 200) },
        { type: '消防验收', number: 'D-4', expiry: today },
      ],
      standardizationGrade: 2,
      standardizationExpiry: addDays(today, 30),
    });
    const res = await inject('GET', `/api/enterprises/${e.id}`, admin);
    expect(res.statusCode).toBe(200);
    const d = res.json();
    expect(d.licences).toEqual([
      { type: '安全生产许可证', number: 'A-1', expiry: addDays(today, 10), state: 'due_soon', daysLeft: 10 },
      { type: '采矿许可证', number: 'B-2', expiry: addDays(today, -1), state: 'expired', daysLeft: -1 },
      { type: '排污许可证', number: 'C-3', expiry: addDays(today, 200), state: 'ok', daysLeft: 200 },
      { type: '消防验收', number: 'D-4', expiry: today, state: 'due_soon', daysLeft: 0 },
    ]);
    expect(d.standardization).toEqual({ state: 'due_soon', daysLeft: 30 });
    expect(d.regionChain.map((r: { code: string }) => r.code)).toEqual(['140522000000', t.town, t.village]);
    expect(d.departments.length).toBeGreaterThan(0);
  });

  describe('audit', () => {
    it('records create and update with before and after, and nothing for a refused change', async () => {
      const t = await makeTownship(env.p);
      const created = await inject('POST', '/api/enterprises', admin, body(t.village, { employees: 40 }));
      expect(created.statusCode).toBe(201);
      const id = created.json().id as string;
      const patched = await inject('PATCH', `/api/enterprises/${id}`, admin, { version: 1, employees: 41 });
      expect(patched.statusCode).toBe(200);
      const rows = await env.p.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_type', '=', 'enterprise')
        .where('entity_id', '=', id)
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.action)).toEqual(['enterprise.created', 'enterprise.updated']);
      const [c, u] = rows as [(typeof rows)[0], (typeof rows)[0]];
      expect(c.actor_id).toBe(adminId);
      expect(c.before).toBeNull();
      expect(c.after).toMatchObject({ id, employees: 40, version: 1 });
      expect(u.before).toMatchObject({ id, employees: 40, version: 1 });
      expect(u.after).toMatchObject({ id, employees: 41, version: 2 });
      expect(c.ip).toBeTruthy();

      // A department officer re-assigning the enterprise away from its own department: the UPDATE runs, then
      // the jurisdiction check fails — the change and its audit row roll back together.
      const dept = await makeDepartment(env.p, []);
      const elsewhere = await makeDepartment(env.p, []);
      const e = await makeEnterprise(env.p, { regionCode: t.village, departmentIds: [dept] });
      const officer = await signIn(env, 'dept_officer', { departmentId: dept });
      const refused = await inject('PATCH', `/api/enterprises/${e.id}`, officer.headers, {
        version: 1,
        departmentIds: [elsewhere],
        employees: 999,
      });
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().error.fields).toEqual([{ path: 'departmentIds', message: 'department.outside_scope' }]);
      const after = await env.p.db
        .selectFrom('enterprises')
        .select(['department_ids', 'employees', 'version'])
        .where('id', '=', e.id)
        .executeTakeFirstOrThrow();
      expect(after).toEqual({ department_ids: [dept], employees: 100, version: 1 });
      expect(await written(t.town, officer.id)).toMatchObject({ audit: 0 });
    });

    it('keeps a verifiable hash chain, and verify finds a tampered row', async () => {
      const t = await makeTownship(env.p);
      const created = await inject('POST', '/api/enterprises', admin, body(t.village));
      const id = created.json().id as string;
      const row = await env.p.db
        .selectFrom('audit_log')
        .select(['id', 'after'])
        .where('entity_id', '=', id)
        .where('action', '=', 'enterprise.created')
        .executeTakeFirstOrThrow();
      const verified = await verifyAuditChain(env.p.db);
      expect(verified.ok, JSON.stringify(verified.brokenAt)).toBe(true);
      expect(verified.checked).toBeGreaterThan(0);
      const viaApi = await inject('GET', '/api/audit/verify', admin);
      expect(viaApi.json().ok).toBe(true);

      // The table refuses updates by itself.
      await expect(
        sql`update audit_log set after = '{}'::jsonb where id = ${row.id}`.execute(env.p.db),
      ).rejects.toThrow(/append-only/);

      // Tamper inside a transaction that is rolled back, so a shared database is never left broken.
      class Rollback extends Error {}
      let seen: Awaited<ReturnType<typeof verifyAuditChain>> | undefined;
      await env.p.db
        .transaction()
        .execute(async (tx) => {
          await sql`alter table audit_log disable trigger audit_log_no_update`.execute(tx);
          const forged = { ...(row.after as object), name: '篡改后的名称有限公司' };
          await sql`update audit_log set after = ${JSON.stringify(forged)}::jsonb where id = ${row.id}`.execute(tx);
          await sql`alter table audit_log enable trigger audit_log_no_update`.execute(tx);
          seen = await verifyAuditChain(tx);
          throw new Rollback();
        })
        .catch((err) => {
          if (!(err instanceof Rollback)) throw err;
        });
      expect(seen?.ok).toBe(false);
      expect(Number(seen?.brokenAt?.id)).toBe(Number(row.id));
      expect(seen?.brokenAt?.reason).toBe('hash');
      expect((await verifyAuditChain(env.p.db)).ok).toBe(true);
    });
  });
});
