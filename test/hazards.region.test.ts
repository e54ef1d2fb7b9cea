import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import { day, type HazardWorld, type Headers, hazardWorld, newHazard } from './hazards-fixtures.js';

/**
 * A hazard carries its enterprise's township (`hazards.region_level2`, migration 0017) so a township's list walks
 * its own index. The column must always say what the enterprise's region path says — on insert, and when an
 * enterprise moves — and every list, count and filter through it must give the rows the path prefix gives.
 */
describe.each(DATABASES)('hazards by township on $name', (dbc) => {
  let env: TestEnv;
  let w: HazardWorld;

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await hazardWorld(env);
    const deadline = day(env, 10);
    for (const [enterpriseId, place] of [
      [w.entA.id, '一号井'],
      [w.entA.id, '二号井'],
      [w.entB.id, '仓库'],
    ] as const) {
      await newHazard(env, w.u.county.headers, {
        enterpriseId,
        place,
        description: '配电箱未接地',
        source: 'inspection',
        rectification: { deadline },
      });
    }
  });
  afterAll(() => env?.close());

  /** Hazards whose stored township differs from their enterprise's path (none, always). */
  async function mismatches() {
    const r = await sql<{ n: number }>`
      select count(*)::int as n from hazards h join enterprises e on e.id = h.enterprise_id
      where h.region_level2 is distinct from split_part(e.region_path, '/', 3)`.execute(env.p.db);
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

  it('stores each hazard’s township from its enterprise when it is recorded', async () => {
    expect(await mismatches()).toBe(0);
    const r = await sql<{ n: number }>`select count(*)::int as n from hazards where region_level2 is null`.execute(
      env.p.db,
    );
    expect(r.rows[0]?.n).toBe(0);
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
});
