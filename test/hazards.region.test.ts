import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HazardStatus } from '../src/core/hazards/index.js';
import {
  cappedCountQuery,
  type HazardFilters,
  listPageQuery,
  perEnterprisePlanQuery,
  resolveFilters,
} from '../src/server/modules/hazards/hazards.repo.js';
import { type Actor, SYSTEM_ACTOR } from '../src/server/platform/authz/actor.js';
import { DATABASES, makeEnterprise, startTestEnv, type TestEnv } from './harness.js';
import { day, type HazardWorld, type Headers, hazardWorld, newHazard } from './hazards-fixtures.js';

/**
 * A hazard carries its enterprise's township and village (`hazards.region_level2`, migration 0017, and
 * `region_level3`, migration 0020) so a township's or a large village's list walks the township's own index. The
 * columns must always say what the enterprise's region path says — on insert, and when an enterprise moves — and
 * every list, count and filter through them must give the rows the path prefix gives.
 */
describe.each(DATABASES)('hazards by township on $name', (dbc) => {
  let env: TestEnv;
  let w: HazardWorld;

  /** A second village of township A, with an enterprise (entC), and an enterprise registered at township A itself. */
  let village2: string;
  let entC: string;
  let entTown: string;

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await hazardWorld(env);
    village2 = `${w.a.village.slice(0, -3)}002`;
    const town = await env.p.db
      .selectFrom('regions')
      .select('path')
      .where('code', '=', w.a.town)
      .executeTakeFirstOrThrow();
    await env.p.db
      .insertInto('regions')
      .values({
        code: village2,
        parent_code: w.a.town,
        name: `测试二村${village2}`,
        kind: 'village',
        path: `${town.path}${village2}/`,
        depth: 2,
        lng: 112.4,
        lat: 35.4,
      })
      .execute();
    entC = (await makeEnterprise(env.p, { regionCode: village2, primarySector: 'hazardous_chemicals' })).id;
    entTown = (await makeEnterprise(env.p, { regionCode: w.a.town })).id;
    const deadline = day(env, 10);
    for (const [enterpriseId, place] of [
      [w.entA.id, '一号井'],
      [w.entA.id, '二号井'],
      [w.entA.id, '三号井'],
      [w.entB.id, '仓库'],
      [entC, '罐区'],
      [entTown, '锅炉房'],
    ] as const) {
      await newHazard(env, w.u.county.headers, {
        enterpriseId,
        place,
        description: '配电箱未接地',
        source: 'inspection',
        rectification: { deadline },
      });
    }
    // Other statuses and an overdue one in village A, for the filtered reads (written directly: only reads follow).
    await sql`update hazards set status = 'submitted' where place = '二号井'`.execute(env.p.db);
    await sql`update hazards set deadline = ${day(env, -3)}::date where place = '三号井'`.execute(env.p.db);
  });
  afterAll(() => env?.close());

  /** Hazards whose stored township or village differs from their enterprise's path (none, always). */
  async function mismatches() {
    const r = await sql<{ n: number }>`
      select count(*)::int as n from hazards h join enterprises e on e.id = h.enterprise_id
      where h.region_level2 is distinct from split_part(e.region_path, '/', 3)
         or h.region_level3 is distinct from split_part(e.region_path, '/', 4)`.execute(env.p.db);
    return r.rows[0]?.n;
  }

  /** Ids of the list (and its total) as `headers` sees it with `query`. */
  async function list(headers: Headers, query: Record<string, string> = {}) {
    const res = await env.app.inject({
      url: `/api/hazards?${new URLSearchParams({ pageSize: '100', ...query })}`,
      headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: { id: string }[]; total: number };
    expect(body.total).toBe(body.items.length);
    return body.items.map((i) => i.id).sort();
  }

  /** The same by the definition: hazards whose enterprise's region path starts with the region's path. */
  async function byPath(regionCode: string) {
    const r = await sql<{ id: string }>`
      select h.id from hazards h join enterprises e on e.id = h.enterprise_id
      where e.region_path like (select path from regions where code = ${regionCode}) || '%' order by h.id`.execute(
      env.p.db,
    );
    return r.rows.map((x) => x.id).sort();
  }

  it('stores each hazard’s township and village from its enterprise when it is recorded', async () => {
    expect(await mismatches()).toBe(0);
    const r = await sql<{ n: number }>`
      select count(*)::int as n from hazards where region_level2 is null or region_level3 is null`.execute(env.p.db);
    expect(r.rows[0]?.n).toBe(0);
    // The township's own enterprise has no village; village A's hazards name it.
    const v = await sql<{ enterprise_id: string; region_level3: string }>`
      select enterprise_id, region_level3 from hazards where enterprise_id in (${entTown}, ${w.entA.id})`.execute(
      env.p.db,
    );
    for (const row of v.rows) expect(row.region_level3).toBe(row.enterprise_id === entTown ? '' : w.a.village);
  });

  it("reads a village by walking its township's index exactly as enterprise by enterprise, as the path says", async () => {
    const db = env.p.db;
    const today = day(env);
    const regionOf = async (code: string) =>
      (await db.selectFrom('regions').select('path').where('code', '=', code).executeTakeFirstOrThrow()).path;
    const actor = (role: Actor['role'], regionCode: string | null): Actor => ({
      ...SYSTEM_ACTOR,
      userId: randomUUID(),
      role,
      regionCode,
      regionPath: null,
    });
    const villager = { ...actor('village_worker', w.a.village), regionPath: await regionOf(w.a.village) };
    const townOfficer = { ...actor('town_officer', w.a.town), regionPath: await regionOf(w.a.town) };
    const county = actor('county_admin', null);
    // Every hazard with what the filters read, and the definition of "in the region": the path prefix.
    const all = await sql<{ id: string; status: HazardStatus; deadline: string | null; sector: string; path: string }>`
      select h.id, h.status, h.deadline::text as deadline, h.sector, e.region_path as path
      from hazards h join enterprises e on e.id = h.enterprise_id`.execute(db);
    const villagePath = await regionOf(w.a.village);
    const cases: [HazardFilters, (h: (typeof all.rows)[number]) => boolean][] = [
      [{}, () => true],
      [{ status: ['rectifying'] }, (h) => h.status === 'rectifying'],
      [{ status: ['submitted'] }, (h) => h.status === 'submitted'],
      [{ overdue: true }, (h) => h.status === 'rectifying' && h.deadline !== null && h.deadline < today],
      [{ sector: 'coal_mine' }, (h) => h.sector === 'coal_mine'],
      [{ sector: 'hazardous_chemicals' }, (h) => h.sector === 'hazardous_chemicals'],
    ];
    let nonEmpty = 0;
    for (const [who, regionCode] of [
      [villager, undefined],
      [townOfficer, w.a.village],
      [county, w.a.village],
    ] as const) {
      for (const [filters, keep] of cases) {
        const f = await resolveFilters(db, { ...filters, regionCode });
        const expected = all.rows
          .filter((h) => h.path.startsWith(villagePath) && keep(h))
          .map((h) => h.id)
          .sort();
        nonEmpty += expected.length ? 1 : 0;
        // A village is still asked whether it is small enough to be read enterprise by enterprise.
        expect(perEnterprisePlanQuery(db, who, f)).toBeDefined();
        for (const perEnterprise of [false, true]) {
          const page = listPageQuery(db, who, f, today, { page: 1, pageSize: 100, sort: 'created' }, perEnterprise);
          // The walk decides the village on the hazard alone.
          if (!perEnterprise) expect(page.compile().sql).toContain('hazards.region_level3 =');
          const ids = (await page.execute()).map((r) => r.id).sort();
          const count = await cappedCountQuery(db, who, f, today, perEnterprise).executeTakeFirstOrThrow();
          expect({ who: who.role, filters, perEnterprise, ids }).toEqual({
            who: who.role,
            filters,
            perEnterprise,
            ids: expected,
          });
          expect(count.n).toBe(expected.length);
        }
      }
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(12);
  });

  it('names each row’s township, by every way of reading the list', async () => {
    const names = await sql<{ code: string; name: string }>`select code, name from regions`.execute(env.p.db);
    const nameOf = new Map(names.rows.map((r) => [r.code, r.name]));
    for (const [headers, query] of [
      [w.u.county.headers, {}],
      [w.u.county.headers, { sort: 'deadline' }],
      [w.u.county.headers, { q: '配电箱' }],
      [w.u.townA.headers, {}],
      [w.u.village.headers, {}],
    ] as const) {
      const res = await env.app.inject({
        url: `/api/hazards?${new URLSearchParams({ pageSize: '100', ...query })}`,
        headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      const items = (res.json() as { items: { townshipCode: string; townshipName: string | null }[] }).items;
      expect(items.length).toBeGreaterThan(0);
      for (const i of items) {
        expect(i.townshipName).toBe(nameOf.get(i.townshipCode));
        expect(i.townshipName).toBeTruthy();
      }
    }
  });

  it('gives a township officer and a county filter by township or village the rows of the path prefix', async () => {
    expect(await list(w.u.townA.headers)).toEqual(await byPath(w.a.town));
    expect(await list(w.u.townB.headers)).toEqual(await byPath(w.b.town));
    expect(await list(w.u.village.headers)).toEqual(await byPath(w.a.village));
    expect((await byPath(w.a.town)).length).toBeGreaterThan(0);
    for (const region of [w.a.town, w.a.village, w.b.town]) {
      expect(await list(w.u.county.headers, { regionCode: region })).toEqual(await byPath(region));
      expect(await list(w.u.county.headers, { regionCode: region, q: '配电箱' })).toEqual(await byPath(region));
    }
    // A township officer filtering by another township sees nothing; an unknown region matches nothing.
    expect(await list(w.u.townA.headers, { regionCode: w.b.town })).toEqual([]);
    expect(await list(w.u.county.headers, { regionCode: '999999999999' })).toEqual([]);
  });

  it('moves the hazards with their enterprise to its new township, in lists and counts at once', async () => {
    const before = await list(w.u.townB.headers);
    const moving = await list(w.u.county.headers, { enterpriseId: w.entA.id });
    expect(moving.length).toBeGreaterThan(0);
    const res = await env.app.inject({
      method: 'PATCH',
      url: `/api/enterprises/${w.entA.id}`,
      headers: w.u.county.headers,
      payload: { regionCode: w.b.town, version: w.entA.version },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await mismatches()).toBe(0);
    expect(await list(w.u.townB.headers)).toEqual([...before, ...moving].sort());
    expect(await list(w.u.townA.headers)).not.toEqual(expect.arrayContaining(moving));
    expect(await list(w.u.county.headers, { regionCode: w.b.town })).toEqual(await byPath(w.b.town));
  });

  it('moves the hazards with their enterprise to another village of the same township', async () => {
    const moving = await list(w.u.county.headers, { enterpriseId: entC });
    expect(moving.length).toBeGreaterThan(0);
    const version = (
      await env.p.db.selectFrom('enterprises').select('version').where('id', '=', entC).executeTakeFirstOrThrow()
    ).version;
    const res = await env.app.inject({
      method: 'PATCH',
      url: `/api/enterprises/${entC}`,
      headers: w.u.county.headers,
      payload: { regionCode: w.a.village, version },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await mismatches()).toBe(0);
    expect(await list(w.u.county.headers, { regionCode: w.a.village })).toEqual(await byPath(w.a.village));
    expect(await list(w.u.county.headers, { regionCode: w.a.village })).toEqual(expect.arrayContaining(moving));
    expect(await list(w.u.county.headers, { regionCode: village2 })).toEqual([]);
  });
});
