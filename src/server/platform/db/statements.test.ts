import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.js';
import { openDatabase } from './client.js';
import { inlineParameters, prepared, preparedByKey, statementCachePool, statementName } from './statements.js';

describe('inlineParameters', () => {
  it('writes each parameter as the quoted text pg would send, outside strings, identifiers and comments', () => {
    const text = `select $1, '$2 it''s', "a$2", "x""$2", $2 -- $3\n, /* $3 */ $3 from t where a$1 = $10`;
    const params = ["o'brien", 7, null, 4, 5, 6, 7, 8, 9, true];
    expect(inlineParameters(text, params)).toBe(
      `select 'o''brien', '$2 it''s', "a$2", "x""$2", '7' -- $3\n, /* $3 */ NULL from t where a$1 = 'true'`,
    );
  });

  it('escapes backslashes, and skips E-strings with backslash-escaped quotes', () => {
    expect(inlineParameters(`select E'\\'$1', $1`, ['a\\b'])).toBe(`select E'\\'$1',  E'a\\\\b'`);
  });

  it('writes dates, arrays and JSON as pg does', () => {
    const at = new Date('2026-06-15T02:00:00Z');
    const out = inlineParameters('select $1, $2, $3', [at, ['a', 'b"c'], { k: 1 }]);
    expect(out).toContain(` E'{"a","b\\\\"c"}'`);
    expect(out).toContain(`'{"k":1}'`);
    expect(out).toMatch(/^select '2026-06-15T\d\d:00:00\.000[+-]\d\d:\d\d'/);
  });

  it('refuses a parameter it does not have and dollar-quoted SQL', () => {
    expect(() => inlineParameters('select $2', [1])).toThrow(/no parameter \$2/);
    expect(() => inlineParameters('select $$x$$', [])).toThrow(/dollar-quoted/);
  });
});

describe('statement cache metrics', () => {
  it('reports how marked queries ran on the process’s registry', async () => {
    const stats = { reused: 3, prepared: 2, unnamed: 1, deallocated: 0 };
    const m = createMetrics({ statements: stats });
    stats.reused = 5;
    const text = await m.registry.getSingleMetricAsString('fangxian_db_prepared_queries');
    expect(text).toContain('fangxian_db_prepared_queries{outcome="reused"} 5');
    expect(text).toContain('fangxian_db_prepared_queries{outcome="prepared"} 2');
  });
});

describe('preparedByKey', () => {
  it('builds a key’s query once, marked, and forgets the oldest key past its size', () => {
    const keep = preparedByKey(2);
    let builds = 0;
    const build = (n: number) => () => {
      builds += 1;
      return CompiledQuery.raw('select $1::int as n', [n]);
    };
    const a = keep('a', build(1));
    expect(a.sql).toBe(prepared(CompiledQuery.raw('select $1::int as n', [1])).sql);
    expect(keep('a', build(99))).toBe(a);
    keep('b', build(2));
    keep('c', build(3));
    expect(builds).toBe(3);
    expect(keep('a', build(4)).sql).toContain("'4'");
    expect(builds).toBe(4);
  });
});

// The same answers whether a query runs with parameters, inlined, or as a prepared statement.
const probe = (db: Kysely<unknown>, s: string, n: number) =>
  sql<{
    s: string;
    n: number;
    d: string;
    t: Date;
    a: string[];
    z: boolean;
  }>`select ${s}::text as s, ${n}::int + 1 as n, ${'2026-06-15'}::date::text as d, ${new Date('2026-06-15T02:00:00Z')}::timestamptz as t, ${['x', "y'z", 'b"c\\']}::text[] as a, ${null}::text is null as z`.compile(
    db,
  );

describe('prepared() on PGlite', () => {
  it('answers as the parameterised query', async () => {
    const d = await openDatabase({});
    const q = probe(d.db as never, "it's", 41);
    const plain = await d.db.executeQuery(q);
    const inlined = await d.db.executeQuery(prepared(q));
    expect(inlined.rows).toEqual(plain.rows);
    expect(inlined.rows[0]).toMatchObject({ s: "it's", n: 42, d: '2026-06-15', a: ['x', "y'z", 'b"c\\'], z: true });
    await d.close();
  });
});

const url = process.env.TEST_DATABASE_URL;
describe.skipIf(!url)('statement cache on PostgreSQL', () => {
  let pool: pg.Pool;
  let cached: ReturnType<typeof statementCachePool>;
  let db: Kysely<unknown>;
  // One connection, so every query sees the same prepared statements.
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: url, max: 1 });
    cached = statementCachePool(pool, 2);
    db = new Kysely({ dialect: new PostgresDialect({ pool: cached }) });
  });
  afterAll(() => db.destroy());

  const names = async () =>
    (
      await db.executeQuery<{ name: string }>(
        CompiledQuery.raw("select name from pg_prepared_statements where name like 'fx\\_%' order by name"),
      )
    ).rows.map((r) => r.name);
  const q = (n: number) => prepared(probe(db, `v${n}`, n));

  it('prepares a text the second time it runs, reuses it, and answers as the parameterised query', async () => {
    const plain = await db.executeQuery(probe(db, 'v1', 1));
    expect((await db.executeQuery(q(1))).rows).toEqual(plain.rows);
    expect(await names()).toEqual([]);
    expect((await db.executeQuery(q(1))).rows).toEqual(plain.rows);
    expect(await names()).toEqual([statementName(q(1).sql)]);
    expect((await db.executeQuery(q(1))).rows).toEqual(plain.rows);
    expect(cached.stats).toMatchObject({ unnamed: 1, prepared: 1, reused: 1 });
  });

  it('keeps at most perConnection statements, deallocating the least recently used at the next checkout', async () => {
    for (const n of [2, 2, 3, 3]) await db.executeQuery(q(n));
    // 1 was evicted by 3; it is deallocated when the connection is next checked out.
    const left = await names();
    expect(left).toEqual([statementName(q(2).sql), statementName(q(3).sql)].sort());
    expect(cached.stats.deallocated).toBe(1);
    // It comes back: unnamed is over (seen before), so it is prepared again, and the answer is right.
    expect((await db.executeQuery(q(1))).rows[0]).toMatchObject({ s: 'v1', n: 2 });
    expect(await names()).toEqual([statementName(q(1).sql), statementName(q(3).sql)].sort());
  });

  it('inside a transaction reuses an evicted statement until it can be deallocated', async () => {
    await db.transaction().execute(async (tx) => {
      // live: 1, 3 → 2 evicts 1 (retired, still prepared on the server), then 1 comes back at once.
      await tx.executeQuery(q(2));
      expect((await tx.executeQuery(q(1))).rows[0]).toMatchObject({ s: 'v1', n: 2 });
      expect((await tx.executeQuery(q(2))).rows[0]).toMatchObject({ s: 'v2', n: 3 });
    });
    expect(await names()).toEqual([statementName(q(1).sql), statementName(q(2).sql)].sort());
  });

  it('runs everything unnamed when turned off', async () => {
    const off = statementCachePool(new pg.Pool({ connectionString: url, max: 1 }), 0);
    const offDb = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: off }) });
    for (let i = 0; i < 3; i++) await offDb.executeQuery(q(9));
    expect(off.stats).toMatchObject({ unnamed: 3, prepared: 0, reused: 0 });
    await offDb.destroy();
  });
});
