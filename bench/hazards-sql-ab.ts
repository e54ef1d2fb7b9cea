/**
 * The hazard list's SQL of two checkouts side by side, on one database in one sitting: for each scenario of
 * bench/hazards.ts, the queries a request runs (lookups, the per-enterprise plan check, the page, the count) as
 * compiled by `BENCH_AB_BASE`'s builders and by this checkout's, one client, alternated, median of
 * `BENCH_AB_RUNS` runs. It separates what the code changed from what the machine changed between benchmark runs.
 *
 *   git worktree add /tmp/base <commit> && (cd /tmp/base && ln -s /work/main/node_modules .)
 *   BENCH_AB_BASE=/tmp/base npx tsx bench/hazards-sql-ab.ts
 *
 * Needs the database bench/hazards.ts kept (`BENCH_KEEP=1`); the base checkout's bench/hazards.ts must export
 * `compileRequest` (it does from this commit on; for an older one, add the `export`).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { localDate } from '../src/core/hazards/index.js';
import { PER_ENTERPRISE_MAX } from '../src/server/modules/hazards/hazards.repo.js';
import { openDatabase } from '../src/server/platform/db/client.js';
import { actorOf } from './enterprises.js';
import { compileRequest, SCENARIOS } from './hazards.js';

type Compile = typeof compileRequest;
type Compiled = Awaited<ReturnType<Compile>>;
type Db = Parameters<Compile>[0];

const base = process.env.BENCH_AB_BASE;
if (!base) throw new Error('set BENCH_AB_BASE to the other checkout');
const runs = Number(process.env.BENCH_AB_RUNS ?? 15);
const url = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
url.pathname = `/${process.env.BENCH_PG_HAZARDS_DATABASE ?? 'fangxian_bench_hazards'}`;
const old = (await import(pathToFileURL(path.join(base, 'bench/hazards.ts')).href)) as { compileRequest: Compile };

const d = await openDatabase({ url: url.toString() });
const db = d.db;
const today = localDate(new Date('2026-06-15T02:00:00Z'));
const codeRow = await sql<{ code: string }>`select h.code from hazards h join enterprises e on e.id = h.enterprise_id
  where e.region_path like '%/140522100000/%' order by h.created_at desc offset 500 limit 1`.execute(db);
const code = codeRow.rows[0]?.code ?? 'YH-2026-000001';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The request's queries in order (the count last), with the per-enterprise plan decided as the route does. */
async function queriesOf(c: Compiled) {
  let perEnterprise = false;
  if (c.plan) {
    const r = await db.executeQuery<{ n: number }>(c.plan);
    perEnterprise = (r.rows[0]?.n ?? PER_ENTERPRISE_MAX + 1) <= PER_ENTERPRISE_MAX;
  }
  return c.build(perEnterprise);
}
async function time(queries: Parameters<Db['executeQuery']>[0][]) {
  const t = performance.now();
  for (const q of queries) await db.executeQuery(q);
  return performance.now() - t;
}

console.log('| user | scenario | before: page (with count) ms | after: page (with count) ms |');
console.log('| --- | --- | ---: | ---: |');
for (const who of ['county_admin', 'town_officer'] as const) {
  const actor = await actorOf(db, `bench_${who}`);
  for (const s of SCENARIOS) {
    if (s.kind !== 'list') continue;
    const query = s.query(who, { code });
    const before = await queriesOf(await old.compileRequest(db, actor, s, query, today));
    const after = await queriesOf(await compileRequest(db, actor, s, query, today));
    const t = { before: [] as number[], after: [] as number[], beforePage: [] as number[], afterPage: [] as number[] };
    for (let i = 0; i < runs; i++) {
      t.before.push(await time(before));
      t.after.push(await time(after));
      t.beforePage.push(await time(before.slice(0, -1)));
      t.afterPage.push(await time(after.slice(0, -1)));
    }
    const f = (x: number[]) => median(x).toFixed(2);
    console.log(`| ${who} | ${s.id} | ${f(t.beforePage)} (${f(t.before)}) | ${f(t.afterPage)} (${f(t.after)}) |`);
  }
}
await d.close();
