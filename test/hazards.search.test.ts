import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchSql } from '../src/server/modules/hazards/hazards.repo.js';
import { escapeLike } from '../src/server/platform/authz/scope.js';
import { DATABASES, makeEnterprise, startTestEnv, type TestEnv } from './harness.js';
import { day, type HazardWorld, type Headers, hazardWorld, newHazard } from './hazards-fixtures.js';

/**
 * Free-text search on the hazard list: q is a case-insensitive substring of the code, place or description, or of
 * the enterprise's name, at every length (1, 2, ≥ 3 characters take different index paths — migration 0010).
 */
describe.each(DATABASES)('hazard search on $name', (dbc) => {
  let env: TestEnv;
  let w: HazardWorld;
  const h: Record<string, { id: string; code: string }> = {};

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await hazardWorld(env);
    // An enterprise whose name carries a term the hazards' own texts do not: found through the name.
    const named = await makeEnterprise(env.p, {
      regionCode: w.a.village,
      name: `晋阳瓦斯治理煤业有限公司${Date.now() % 1000}`,
    });
    const deadline = day(env, 10);
    const make = (enterpriseId: string, place: string, description: string) =>
      newHazard(env, w.u.county.headers, {
        enterpriseId,
        place,
        description,
        source: 'inspection',
        rectification: { deadline },
      });
    h.gas = await make(w.entA.id, '3号采煤工作面', '井下瓦斯监测探头失效');
    h.power = await make(w.entA.id, '配电室', '配电箱未接地，存在触电风险');
    h.latin = await make(w.entA.id, 'Warehouse B', 'Fire EXTINGUISHER expired');
    h.fire = await make(w.entB.id, '一号仓库', '消防通道堵塞');
    h.named = await make(named.id, '大门', '安全出口标识缺失');
    h.percent = await make(w.entA.id, '回风巷', '通风量仅达设计值的80%');
  });
  afterAll(() => env?.close());

  async function search(headers: Headers, q: string) {
    const res = await env.app.inject({ url: `/api/hazards?${new URLSearchParams({ q, pageSize: '100' })}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: { id: string }[]; total: number };
    // The count and the page agree (everything fits on one page here).
    expect(body.total).toBe(body.items.length);
    const ids = new Set(body.items.map((i) => i.id));
    return Object.keys(h)
      .filter((k) => ids.has(h[k]?.id ?? ''))
      .sort();
  }

  it('finds three or more characters of Chinese text in the description or the place', async () => {
    expect(await search(w.u.county.headers, '瓦斯监测')).toEqual(['gas']);
    expect(await search(w.u.county.headers, '未接地')).toEqual(['power']);
    expect(await search(w.u.county.headers, '采煤工作')).toEqual(['gas']);
    expect(await search(w.u.county.headers, '消防通道堵')).toEqual(['fire']);
    expect(await search(w.u.county.headers, '消防通道畅通')).toEqual([]);
  });

  it('finds two-character words (the bigram path), once per hazard, and never across two fields', async () => {
    // 瓦斯: a description, and an enterprise's name.
    expect(await search(w.u.county.headers, '瓦斯')).toEqual(['gas', 'named']);
    // 配电 is in both the place and the description of one hazard: listed once.
    expect(await search(w.u.county.headers, '配电')).toEqual(['power']);
    expect(await search(w.u.county.headers, '斯监')).toEqual(['gas']);
    expect(await search(w.u.county.headers, '号仓')).toEqual(['fire']);
    // 一号仓库 + 消防通道堵塞: 库消 would only exist across the place/description boundary.
    expect(await search(w.u.county.headers, '库消')).toEqual([]);
    expect(await search(w.u.county.headers, '0%')).toEqual(['percent']);
  });

  it('finds the same hazards walking newest first (a short page) as from the search indexes (a long one)', async () => {
    // A page of one is filled by the walk (searchWalk's `w`) whenever it meets a match; a page of 100 is not, and
    // falls back to the indexes (`full`). Both must agree for every kind of term.
    for (const q of [
      '瓦斯',
      '配电',
      '斯监',
      '库消',
      '0%',
      '巷',
      'ext',
      'Ware',
      '消防通道堵',
      '治理',
      h.gas?.code ?? '',
    ]) {
      const page = (params: Record<string, string>) =>
        env.app
          .inject({ url: `/api/hazards?${new URLSearchParams({ q, ...params })}`, headers: w.u.county.headers })
          .then((r) => (r.json() as { items: { id: string }[] }).items.map((i) => i.id));
      const all = await page({ pageSize: '100' });
      expect(all.length, q).toBeLessThan(100);
      const walked: string[] = [];
      for (let n = 1; n <= all.length; n++) walked.push(...(await page({ pageSize: '1', page: String(n) })));
      expect(walked, q).toEqual(all);
    }
  });

  it('matches Latin text case-insensitively and takes LIKE wildcards literally', async () => {
    expect(await search(w.u.county.headers, 'extinguisher')).toEqual(['latin']);
    expect(await search(w.u.county.headers, 'FIRE ext')).toEqual(['latin']);
    expect(await search(w.u.county.headers, 'warehouse b')).toEqual(['latin']);
    expect(await search(w.u.county.headers, '%')).toEqual(['percent']);
    expect(await search(w.u.county.headers, '_')).toEqual([]);
    expect(await search(w.u.county.headers, '80\\%')).toEqual([]);
  });

  it('finds a hazard by its code, whole or in part, in any case', async () => {
    const code = h.fire?.code ?? '';
    expect(await search(w.u.county.headers, code)).toEqual(['fire']);
    expect(await search(w.u.county.headers, code.toLowerCase())).toEqual(['fire']);
    expect(await search(w.u.county.headers, `  ${code}  `)).toEqual(['fire']);
    // The six-digit serial alone (a code is YH-<year>-<6 digits>; serials are unique within a year).
    expect(await search(w.u.county.headers, code.slice(-6))).toEqual(['fire']);
  });

  it('finds by a whole code the codes whose sequence widened from it, as a substring search does', async () => {
    // Past 999,999 a year's sequence takes seven digits: YH-1998-100000 is a substring of YH-1998-1000001.
    const template = h.latin?.id ?? '';
    await sql`
      insert into hazards (code, enterprise_id, place, sector, category, level, path, status, description, source,
                           finder_side, finder_name, found_at, deadline, created_at, updated_at)
      select c, enterprise_id, '编码', sector, category, level, path, status, '编码测试', source, finder_side,
             finder_name, found_at, deadline, created_at, updated_at
      from hazards, unnest(array['YH-1998-100000', 'YH-1998-1000001', 'YH-1998-100001']) as c
      where id = ${template}::uuid`.execute(env.p.db);
    await env.p.counts.changed('hazards');
    const codes = async (q: string) => {
      const res = await env.app.inject({
        url: `/api/hazards?${new URLSearchParams({ q })}`,
        headers: w.u.county.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { items: { code: string }[] }).items.map((i) => i.code).sort();
    };
    expect(await codes('yh-1998-100000')).toEqual(['YH-1998-100000', 'YH-1998-1000001']);
    expect(await codes('YH-1998-1000001')).toEqual(['YH-1998-1000001']);
    expect(await codes('YH-1998-100001')).toEqual(['YH-1998-100001']);
    // Not a canonical code (a leading zero in a seven-digit sequence): the substring search, same rows.
    expect(await codes('YH-1998-0100000')).toEqual([]);
  });

  it('finds one-character terms and the enterprise name', async () => {
    expect(await search(w.u.county.headers, '巷')).toEqual(['percent']);
    expect(await search(w.u.county.headers, '晋阳瓦斯治理')).toEqual(['named']);
    expect(await search(w.u.county.headers, '治理')).toEqual(['named']);
  });

  it('follows a renamed enterprise at once, though the name lookup of a term is kept a few seconds', async () => {
    const { enterprise_id } = await env.p.db
      .selectFrom('hazards')
      .select('enterprise_id')
      .where('id', '=', h.named?.id ?? '')
      .executeTakeFirstOrThrow();
    const term = `更名${Date.now() % 100_000}`;
    expect(await search(w.u.county.headers, term)).toEqual([]); // kept: this term matches no enterprise
    expect(await search(w.u.county.headers, '晋阳瓦斯治理')).toEqual(['named']);
    const ent = await env.p.db
      .selectFrom('enterprises')
      .select(['name', 'version'])
      .where('id', '=', enterprise_id)
      .executeTakeFirstOrThrow();
    const rename = (name: string, version: number) =>
      env.app.inject({
        method: 'PATCH',
        url: `/api/enterprises/${enterprise_id}`,
        headers: w.u.county.headers,
        payload: { version, name },
      });
    const renamed = await rename(`${term}煤业有限公司`, ent.version);
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await search(w.u.county.headers, term)).toEqual(['named']);
    expect(await search(w.u.county.headers, '晋阳瓦斯治理')).toEqual([]);
    expect((await rename(ent.name, ent.version + 1)).statusCode).toBe(200);
    expect(await search(w.u.county.headers, '晋阳瓦斯治理')).toEqual(['named']);
  });

  it('searches only within the caller’s scope, in the page and in the count', async () => {
    expect(await search(w.u.townA.headers, '瓦斯')).toEqual(['gas', 'named']);
    expect(await search(w.u.townB.headers, '瓦斯')).toEqual([]);
    expect(await search(w.u.townB.headers, '消防')).toEqual(['fire']);
    expect(await search(w.u.townA.headers, '消防')).toEqual([]);
    expect(await search(w.u.entAdmin.headers, '配电')).toEqual(['power']);
    expect(await search(w.u.entAdmin.headers, '治理')).toEqual([]);
    // A filter and the search together.
    const res = await env.app.inject({
      url: `/api/hazards?${new URLSearchParams({ q: '瓦斯', enterpriseId: w.entA.id })}`,
      headers: w.u.county.headers,
    });
    expect(res.json().items.map((i: { id: string }) => i.id)).toEqual([h.gas?.id]);
  });

  it('gives the same hazards whether enterprise names are resolved first or looked up by subquery', async () => {
    for (const q of ['瓦斯', '治理', '晋阳瓦斯治理', '巷', '0%', 'fire']) {
      const ids = async (enterpriseIds?: string[]) => {
        const cond = searchSql(q, enterpriseIds);
        if (!cond) throw new Error('blank');
        const r = await sql<{ id: string }>`select id from hazards where ${cond} order by id`.execute(env.p.db);
        return r.rows.map((x) => x.id);
      };
      const named = await env.p.db
        .selectFrom('enterprises')
        .select('id')
        .where(sql<boolean>`name ilike ${`%${escapeLike(q)}%`}`)
        .execute();
      expect(await ids(named.map((e) => e.id))).toEqual(await ids(undefined));
    }
  });

  it('rejects a search term longer than 100 characters', async () => {
    const res = await env.app.inject({ url: `/api/hazards?q=${'瓦'.repeat(101)}`, headers: w.u.county.headers });
    expect(res.statusCode).toBe(400);
  });

  it('pages a search newest first the same inside and beyond the walked window, by page and by cursor', async () => {
    // 2,100 older hazards of entA: every 7th says 窗台积尘, the oldest alone 罕见裂缝 — beyond the newest 2,000
    // entries a search page walks first (searchWindow), so only the search's own indexes find it.
    const template = h.power?.id ?? '';
    await sql`
      insert into hazards (code, enterprise_id, place, sector, category, level, path, status, description, source,
                           finder_side, finder_name, found_at, deadline, created_at, updated_at)
      select 'YH-1999-9' || lpad(i::text, 5, '0'), enterprise_id, '窗台', sector, category, level, path, status,
             case when i = 2100 then '罕见裂缝' when i % 7 = 0 then '窗台积尘' else '地面湿滑' end,
             source, finder_side, finder_name, found_at - make_interval(mins => i), deadline,
             created_at - make_interval(mins => i), updated_at
      from hazards, generate_series(1, 2100) as i where id = ${template}::uuid`.execute(env.p.db);
    await env.p.counts.changed('hazards');
    expect(await search(w.u.county.headers, '罕见裂缝')).toEqual([]);
    const rare = await env.app.inject({ url: '/api/hazards?q=罕见裂缝', headers: w.u.county.headers });
    expect(rare.json().items.map((i: { code: string }) => i.code)).toEqual(['YH-1999-902100']);

    const definition = await sql<{ id: string }>`
      select id from hazards where description like '%积尘%' order by created_at desc, id desc`.execute(env.p.db);
    const all = definition.rows.map((r) => r.id);
    expect(all.length).toBe(299);
    const page = async (query: Record<string, string>) => {
      const res = await env.app.inject({
        url: `/api/hazards?${new URLSearchParams({ q: '积尘', pageSize: '20', ...query })}`,
        headers: w.u.townA.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: { id: string }[]; total: number; nextCursor: string | null };
    };
    for (const n of [1, 2, 8, 15]) {
      const got = await page({ page: String(n) });
      expect(got.total).toBe(299);
      expect(got.items.map((i) => i.id)).toEqual(all.slice((n - 1) * 20, n * 20));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const got: { items: { id: string }[]; nextCursor: string | null } = await page(cursor ? { cursor } : {});
      seen.push(...got.items.map((i) => i.id));
      cursor = got.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  /** The plan for `select id from hazards where <search>` with sequential scans priced out. */
  async function plan(q: string, enterpriseIds: string[] = []): Promise<string> {
    const cond = searchSql(q, enterpriseIds);
    if (!cond) throw new Error('blank');
    return env.p.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const r = await sql<{ 'QUERY PLAN': string }>`explain select hazards.id from hazards where ${cond}`.execute(trx);
      return r.rows.map((x) => x['QUERY PLAN']).join('\n');
    });
  }

  it('is answered from the indexes: trigrams for three characters and more, bigrams for two', async () => {
    const three = await plan('未接地', [w.entB.id]);
    expect(three).toContain('hazards_search');
    expect(three).toContain('hazards_enterprise');
    expect(three).not.toContain('Seq Scan');
    const code = await plan('000123');
    expect(code).toContain('hazards_search');
    // A whole code: its unique index, not the trigrams every code shares.
    const whole = await plan('yh-2026-000123');
    expect(whole).toContain('hazards_code_key');
    expect(whole).not.toContain('Seq Scan');
    const two = await plan('瓦斯', [w.entB.id]);
    expect(two).toContain('hazards_bigrams');
    expect(two).toContain('hazards_enterprise');
    expect(two).not.toContain('Seq Scan');
  });
});
