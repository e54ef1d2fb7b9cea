/**
 * Hazard list and dashboard figures with 1,000,000 hazards over 20,000 enterprises (issue #3), on PostgreSQL and
 * (at a smaller, stated scale) on PGlite.
 *
 * For each database: migrate, seed the county's organisation, bulk-insert synthetic enterprises, generate the
 * hazards inside the database (bench/lib/hazard-data.ts: one set-based INSERT … SELECT … FROM generate_series),
 * VACUUM ANALYZE, start the real HTTP server in this process, sign in as a county admin (scope: all) and a town
 * officer (one township's subtree), and for each scenario measure
 *   - HTTP: the endpoint under 32 concurrent connections (autocannon, in a child process);
 *   - bare SQL: the very SELECTs the route runs (compiled from the module's query builders), sent straight to the
 *     same database by 32 concurrent clients, and by one client alone.
 * `npm run bench:hazards` runs this alone; `npm run bench` runs every benchmark.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CompiledQuery, sql } from 'kysely';
import pino from 'pino';
import { localDate } from '../src/core/hazards/index.js';
import { seedOrganisation } from '../src/server/demo/seed.js';
import { figuresQueries } from '../src/server/modules/hazards/figures.js';
import {
  cappedCountQuery,
  type HazardFilters,
  listPageQuery,
  PER_ENTERPRISE_MAX,
  perEnterprisePlanQuery,
  regionLookupQuery,
  resolveFilters,
  searchEnterprisesQuery,
} from '../src/server/modules/hazards/hazards.repo.js';
import { hazardListQuery } from '../src/server/modules/hazards/hazards.schemas.js';
import { statsQueries, trendRange } from '../src/server/modules/hazards/stats.js';
import { hashPassword } from '../src/server/platform/auth/passwords.js';
import type { Actor } from '../src/server/platform/authz/actor.js';
import { fixedClock } from '../src/server/platform/clock.js';
import { loadConfig } from '../src/server/platform/config.js';
import type { Db } from '../src/server/platform/db/client.js';
import { MIGRATIONS, migrate } from '../src/server/platform/db/migrate.js';
import { prepared } from '../src/server/platform/db/statements.js';
import { createPlatform } from '../src/server/platform/platform.js';
import { buildServer } from '../src/server/server.js';
import { actorOf, type DbKind, type Exec, login, openTarget } from './enterprises.js';
import { cpuMeter, pidMeter, prioritiseSelf } from './lib/cpu.js';
import { seedEnterprises } from './lib/enterprise-data.js';
import { type HazardSeedSummary, seedHazards } from './lib/hazard-data.js';
import { machineInfo } from './lib/machine.js';
import { measuredLoad } from './lib/measured-load.js';
import { type BenchResult, RESULTS_DIR, type ResultTable, writeReadme, writeResult } from './lib/report.js';
import { type LatencySummary, summarise } from './lib/stats.js';

type Who = 'county_admin' | 'town_officer';

export interface HazardBenchOptions {
  dbs: DbKind[];
  enterprises: number;
  /** Hazards on PostgreSQL (the issue's scale) and on PGlite (smaller when 1,000,000 would take too long). */
  hazards: number;
  pgliteHazards: number;
  connections: number;
  httpSec: number;
  warmupSec: number;
  bareSec: number;
  pgAdminUrl: string;
  pgDatabase: string;
  keep: boolean;
  /** PostgreSQL: reuse the kept database of a previous run when it holds the same data (skips the generation). */
  reuse: boolean;
  quietSec: number;
  nice: number | null;
  /** Only these scenario ids (all when undefined). */
  only: string[] | undefined;
  log: (line: string) => void;
}

export function hazardOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): HazardBenchOptions {
  const num = (k: string, d: number) => (env[k] ? Number(env[k]) : d);
  return {
    dbs: (env.BENCH_DBS ?? 'pglite,postgres').split(',').map((s) => s.trim()) as DbKind[],
    enterprises: num('BENCH_ENTERPRISES', 20_000),
    hazards: num('BENCH_HAZARDS', 1_000_000),
    pgliteHazards: num('BENCH_PGLITE_HAZARDS', 200_000),
    connections: num('BENCH_CONNECTIONS', 32),
    httpSec: num('BENCH_SECONDS', 15),
    warmupSec: num('BENCH_WARMUP_SECONDS', 1),
    bareSec: num('BENCH_BARE_SECONDS', 3),
    pgAdminUrl: env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    pgDatabase: env.BENCH_PG_HAZARDS_DATABASE ?? 'fangxian_bench_hazards',
    keep: env.BENCH_KEEP === '1',
    reuse: env.BENCH_REUSE === '1',
    quietSec: num('BENCH_QUIET_SECONDS', 3),
    nice: env.BENCH_NICE ? Number(env.BENCH_NICE) : null,
    only: env.BENCH_SCENARIOS ? env.BENCH_SCENARIOS.split(',').map((s) => s.trim()) : undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

const CLOCK_AT = '2026-06-15T02:00:00Z';
const PASSWORD = 'bench-password-123';
const FENGCHENG = '140522100000'; // 凤城镇: the town officer's township
const MINGFENG = '140522100205'; // 鸣凤村, a village of 凤城镇

export const LIST_P95_TARGET_MS = 50;
export const DASHBOARD_P95_TARGET_MS = 200;

interface Scenario {
  id: string;
  label: string;
  kind: 'list' | 'stats';
  /** Query string of the request (the same values feed the bare SQL). */
  query(who: Who, ctx: { code: string }): Record<string, string>;
}

export const SCENARIOS: Scenario[] = [
  { id: 'list_p1', label: '(1) list, page 1, newest first', kind: 'list', query: () => ({}) },
  { id: 'list_overdue', label: '(2) filter overdue', kind: 'list', query: () => ({ overdue: 'true' }) },
  { id: 'list_major', label: '(3) filter level=major', kind: 'list', query: () => ({ level: 'major' }) },
  {
    id: 'list_region_status',
    label: '(4) filter region + status=rectifying',
    kind: 'list',
    query: (who) => ({ regionCode: who === 'county_admin' ? FENGCHENG : MINGFENG, status: 'rectifying' }),
  },
  {
    id: 'list_sector_date',
    label: '(5) filter sector=coal_mine + found this year',
    kind: 'list',
    query: () => ({ sector: 'coal_mine', from: '2026-01-01' }),
  },
  { id: 'search_3', label: '(6) search q=配电箱 (3 chars)', kind: 'list', query: () => ({ q: '配电箱' }) },
  { id: 'search_2', label: '(7) search q=瓦斯 (2 chars)', kind: 'list', query: () => ({ q: '瓦斯' }) },
  { id: 'search_code', label: '(8) search q=<a hazard code>', kind: 'list', query: (_w, c) => ({ q: c.code }) },
  { id: 'list_deep', label: '(9) deep page: page 50 (offset 980)', kind: 'list', query: () => ({ page: '50' }) },
  { id: 'stats', label: '(10) dashboard figures (stats, by township)', kind: 'stats', query: () => ({}) },
];

/** The SELECTs a request runs, in order, compiled from the module's own builders (the route's code path). */
export async function compileRequest(db: Db, actor: Actor, s: Scenario, query: Record<string, string>, today: string) {
  const parsed = hazardListQuery.parse(query);
  const { page, pageSize, sort, cursor: _cursor, withTotal: _withTotal, ...filters } = parsed;
  const lookups = [searchEnterprisesQuery(db, filters), regionLookupQuery(db, filters)];
  const f: HazardFilters = await resolveFilters(db, filters);
  const first = lookups.flatMap((q) => (q ? [prepared(q.compile())] : []));
  if (s.kind === 'stats') {
    // The route's queries: from the stored figures when they answer (totals, groups, trend, the live overdue
    // remainder), else the live aggregates (totals, groups, found and closed trends). Totals come first.
    const { trendFrom, trendTo } = trendRange(f, today);
    const stored = figuresQueries(db, actor, f, 'township', 200, today, trendFrom, trendTo);
    const live = statsQueries(db, actor, f, 'township', 200, today);
    const remaining = stored ? (await stored.remainderIds.execute()).map((r) => r.id) : [];
    const queries = stored
      ? [
          stored.totals.compile(db),
          stored.groups.compile(db),
          ...(stored.trend ? [stored.trend.compile(db)] : [live.foundTrend.compile(db), live.closedTrend.compile(db)]),
          stored.remainderIds.compile(),
          // The remainder's second step runs only when the first finds hazards (none in this data: see the notes).
          ...(remaining.length ? [stored.remainder(remaining).compile()] : []),
        ]
      : [live.totals, live.groups, live.foundTrend, live.closedTrend].map((r) => r.compile(db));
    // As the route runs them: prepared statements (platform/db/statements.ts).
    return {
      plan: undefined,
      build: () => [...first, ...queries.map((q) => prepared(q))],
      totalsAt: first.length,
      stored: Boolean(stored),
    };
  }
  const builtPlan = perEnterprisePlanQuery(db, actor, f);
  const plan = builtPlan && prepared(builtPlan.compile());
  return {
    plan,
    totalsAt: undefined,
    stored: false,
    // As the route runs them: prepared statements (platform/db/statements.ts).
    build(perEnterprise: boolean): CompiledQuery[] {
      return [
        ...first,
        ...(plan ? [plan] : []),
        prepared(listPageQuery(db, actor, f, today, { page, pageSize, sort }, perEnterprise).compile()),
        prepared(cappedCountQuery(db, actor, f, today, perEnterprise).compile()),
      ];
    },
  };
}

interface BareResult {
  latency: LatencySummary;
  /** Per query of the request, in order. */
  perQuery: LatencySummary[];
  ops: number;
  cpu: { machine: number | null; client: number; postgres: number };
}

/** Each client runs the request's queries back to back, as fast as possible, for `seconds` after `warmMs`. */
async function runBare(
  clients: Exec[],
  queries: CompiledQuery[],
  seconds: number,
  cores: number,
  backends: number[],
  warmMs: number,
): Promise<BareResult> {
  const loop = async (exec: Exec, until: number, out?: { total: number[]; each: number[][] }) => {
    while (performance.now() < until) {
      const t0 = performance.now();
      const each: number[] = [];
      for (const q of queries) {
        const t = performance.now();
        await exec(q);
        each.push(performance.now() - t);
      }
      if (out) {
        out.total.push(performance.now() - t0);
        each.forEach((v, i) => {
          out.each[i]?.push(v);
        });
      }
    }
  };
  await Promise.all(clients.map((c) => loop(c, performance.now() + warmMs)));
  const out = { total: [] as number[], each: queries.map(() => [] as number[]) };
  const meter = cpuMeter(cores);
  const pgMeter = pidMeter(backends);
  const start = performance.now();
  await Promise.all(clients.map((c) => loop(c, start + seconds * 1000, out)));
  const elapsed = (performance.now() - start) / 1000;
  const cpu = meter();
  return {
    latency: summarise(out.total),
    perQuery: out.each.map(summarise),
    ops: Math.round(out.total.length / elapsed),
    cpu: { machine: cpu.machine, client: cpu.self, postgres: pgMeter() },
  };
}

export interface HazardScenarioFigures {
  db: DbKind;
  who: Who;
  scenario: string;
  label: string;
  kind: 'list' | 'stats';
  url: string;
  /** List: the response's total (capped at 10,000); stats: hazards counted in the totals. */
  matches: number;
  perEnterprise: boolean;
  http: {
    latency: LatencySummary;
    rps: number;
    requests: number;
    non2xx: number;
    errors: number;
    timeouts: number;
    cpu: { machine: number | null; server: number; postgres: number; loadGenerator: number; other: number | null };
    idleBefore: number | null;
  };
  bare: BareResult;
  bareOneClient: BareResult;
  overhead: { p50: number; p95: number; p99: number };
  targetMs: number;
  sql: string[];
}

async function ensureUser(db: Db, who: Who, hash: string) {
  await db
    .insertInto('users')
    .values({
      username: `bench_${who}`,
      display_name: who,
      role: who,
      region_code: who === 'town_officer' ? FENGCHENG : null,
      password_hash: hash,
      must_change_password: false,
    })
    .onConflict((oc) => oc.column('username').doNothing())
    .execute();
}

async function benchOne(kind: DbKind, o: HazardBenchOptions, cores: number) {
  const t0 = performance.now();
  const hazards = kind === 'postgres' ? o.hazards : o.pgliteHazards;
  o.log(`[${kind}] preparing (${hazards} hazards over ${o.enterprises} enterprises)`);
  const target = await openTarget(kind, { ...o, reuse: o.reuse && kind === 'postgres', keep: o.keep });
  const clock = fixedClock(CLOCK_AT);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fangxian-bench-files-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO: '0' });
  const p = await createPlatform(config, { database: target.database, clock, logger: pino({ level: 'silent' }) });
  const figures: HazardScenarioFigures[] = [];
  let seed: HazardSeedSummary | { reused: true; hazards: number } | undefined;
  try {
    await migrate(p.db as never);
    const present = await sql<{ h: number; e: number }>`
      select (select count(*)::int from hazards) as h, (select count(*)::int from enterprises) as e`.execute(p.db);
    if (present.rows[0]?.h === hazards && present.rows[0]?.e === o.enterprises) {
      seed = { reused: true, hazards };
      o.log(`[${kind}] reusing the kept database`);
    } else {
      await seedOrganisation(p, { demo: false });
      const seeded = await seedEnterprises(p.db, o.enterprises, clock.now());
      o.log(`[${kind}] ${seeded.enterprises} enterprises in ${seeded.seconds.toFixed(1)} s`);
      seed = await seedHazards(p.db, hazards, clock.now(), o.log);
      // The bulk load ran with triggers off (session_replication_role = replica): compute the figures once.
      const tf = performance.now();
      await sql`select fx_hazard_figures_rebuild()`.execute(p.db);
      o.log(`[${kind}] hazard figures rebuilt in ${((performance.now() - tf) / 1000).toFixed(1)} s`);
      const tv = performance.now();
      await sql`vacuum analyze`.execute(p.db);
      o.log(
        `[${kind}] hazards: insert ${seed.insertSeconds.toFixed(1)} s, indexes ${seed.indexSeconds.toFixed(1)} s, ` +
          `vacuum analyze ${((performance.now() - tv) / 1000).toFixed(1)} s; ${JSON.stringify(seed.byStatus)}, ` +
          `major open ${seed.majorOpen}, overdue ${seed.overdue}`,
      );
    }
    const hash = await hashPassword(PASSWORD);
    for (const who of ['county_admin', 'town_officer'] as const) await ensureUser(p.db, who, hash);
    // A code to look up: a hazard in the town officer's township, so both users find it.
    const codeRow = await sql<{ code: string }>`
      select h.code from hazards h join enterprises e on e.id = h.enterprise_id
      where e.region_path like ${`%/${FENGCHENG}/%`} order by h.created_at desc offset 500 limit 1`.execute(p.db);
    const code = codeRow.rows[0]?.code ?? 'YH-2026-000001';
    const today = localDate(clock.now());

    const app = await buildServer(p, { webRoot: null });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      for (const who of ['county_admin', 'town_officer'] as const) {
        const cookie = await login(base, `bench_${who}`);
        const actor = await actorOf(p.db, `bench_${who}`);
        for (const s of SCENARIOS) {
          if (o.only && !o.only.includes(s.id)) continue;
          const query = s.query(who, { code });
          const endpoint = s.kind === 'stats' ? '/api/hazards/stats' : '/api/hazards';
          const url = `${base}${endpoint}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
          const first = target.clients[0];
          if (!first) throw new Error('no clients');
          const compiled = await compileRequest(p.db, actor, s, query, today);
          const planRow = compiled.plan ? ((await first(compiled.plan)).rows[0] as { n: number }) : undefined;
          const perEnterprise = planRow !== undefined && planRow.n <= PER_ENTERPRISE_MAX;
          const queries = compiled.build(perEnterprise);
          // The bare SQL must be the route's SQL: same rows, same figures.
          const res = await fetch(url, { headers: { cookie } });
          if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
          const body = (await res.json()) as {
            total?: number;
            items?: { id: string }[];
            totals?: { found: number };
          };
          const raw = [];
          for (const q of queries) raw.push(await first(q));
          let matches: number;
          if (s.kind === 'stats') {
            const found = (raw[compiled.totalsAt ?? 0]?.rows[0] as { found: number } | undefined)?.found;
            if (found !== body.totals?.found) throw new Error(`${s.id}/${who}: bare ${found} vs ${body.totals?.found}`);
            matches = found ?? 0;
          } else {
            const items = (raw.at(-2)?.rows ?? []) as { id: string }[];
            const n = Math.min((raw.at(-1)?.rows[0] as { n: number } | undefined)?.n ?? -1, 10_000);
            if (n !== body.total || items.map((r) => r.id).join() !== (body.items ?? []).map((r) => r.id).join()) {
              throw new Error(`${s.id}/${who}: bare SQL answers differently from the route (${n} vs ${body.total})`);
            }
            matches = n;
          }

          const { idleBefore, http, cpu, postgres, other } = await measuredLoad({
            url,
            cookie,
            kind,
            target,
            cores,
            connections: o.connections,
            httpSec: o.httpSec,
            warmupSec: o.warmupSec,
            quietSec: o.quietSec,
            nice: o.nice,
          });
          if (http.non2xx || http.errors || http.timeouts)
            o.log(`  ! ${http.non2xx} non-2xx, ${http.errors} errors, ${http.timeouts} timeouts`);
          // Requests the load generator gave up on may still be running: let the database finish them first.
          if (kind === 'postgres') {
            const until = Date.now() + 180_000;
            while (Date.now() < until) {
              const busy = await first({
                sql: `select count(*)::int as n from pg_stat_activity
                      where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`,
                parameters: [],
              } as unknown as CompiledQuery);
              if ((busy.rows[0] as { n: number } | undefined)?.n === 0) break;
              await new Promise((r) => setTimeout(r, 500));
            }
          }
          const backends = await target.backends();
          const bareOneClient = await runBare(target.clients.slice(0, 1), queries, 1, cores, backends, 0);
          // 32 clients of a multi-second request would run for minutes: then only the one-client figure is taken.
          const tooSlow = (bareOneClient.latency.p50 * o.connections) / cores > 30_000;
          if (tooSlow)
            o.log(
              `  bare with ${o.connections} clients skipped: one request alone takes ${bareOneClient.latency.p50} ms`,
            );
          const bare = tooSlow
            ? { ...bareOneClient, latency: summarise([]), perQuery: [], ops: 0 }
            : await runBare(target.clients, queries, o.bareSec, cores, backends, 500);
          const r2 = (v: number) => Math.round(v * 100) / 100;
          const f: HazardScenarioFigures = {
            db: kind,
            who,
            scenario: s.id,
            label: s.label,
            kind: s.kind,
            url: url.slice(base.length),
            matches,
            perEnterprise,
            http: {
              latency: http.latency,
              rps: http.rps,
              requests: http.requests,
              non2xx: http.non2xx,
              errors: http.errors,
              timeouts: http.timeouts,
              cpu: { machine: cpu.machine, server: cpu.self, postgres, loadGenerator: http.loadGenCpuPct, other },
              idleBefore,
            },
            bare,
            bareOneClient,
            overhead: {
              p50: r2(http.latency.p50 - bare.latency.p50),
              p95: r2(http.latency.p95 - bare.latency.p95),
              p99: r2(http.latency.p99 - bare.latency.p99),
            },
            targetMs: s.kind === 'stats' ? DASHBOARD_P95_TARGET_MS : LIST_P95_TARGET_MS,
            sql: queries.map((q) => q.sql),
          };
          figures.push(f);
          o.log(
            `[${kind}] ${who.padEnd(12)} ${s.id.padEnd(18)} n=${String(f.matches).padStart(7)}  ` +
              `HTTP p50/p95/p99 ${http.latency.p50}/${http.latency.p95}/${http.latency.p99} ms ${http.rps} req/s  ` +
              `bare ${bare.latency.p50}/${bare.latency.p95}/${bare.latency.p99} ms ${bare.ops} op/s  ` +
              `1-client ${bareOneClient.latency.p50} ms [${bareOneClient.perQuery.map((q) => q.p50).join(' + ')}]  ` +
              `cpu m/s/pg/l/o ${cpu.machine}/${cpu.self}/${postgres}/${http.loadGenCpuPct}/${other}%`,
          );
        }
      }
    } finally {
      await app.close();
    }
  } finally {
    await p.close().catch(() => undefined);
    await target.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { kind, figures, version: target.version, seconds: (performance.now() - t0) / 1000, hazards, seed };
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

function table(kind: DbKind, version: string, hazards: number, figures: HazardScenarioFigures[]): ResultTable {
  return {
    title: `${kind === 'pglite' ? 'PGlite' : 'PostgreSQL'} — ${version}, ${hazards.toLocaleString('en')} hazards (milliseconds)`,
    columns: [
      'user',
      'scenario',
      'matches',
      'HTTP p50',
      'HTTP p95',
      'HTTP p99',
      'HTTP req/s',
      'bare p50',
      'bare p95',
      'bare p99',
      'bare op/s',
      'bare 1-client p50',
      'overhead p50',
      'overhead p95',
      'CPU %: server / db / load gen / other',
      'target p95',
      'met',
    ],
    rows: figures.map((f) => [
      f.who,
      f.label,
      f.kind === 'list' && f.matches >= 10_000 ? '≥ 10000' : f.matches,
      ms(f.http.latency.p50),
      ms(f.http.latency.p95),
      ms(f.http.latency.p99),
      f.http.rps,
      ms(f.bare.latency.p50),
      ms(f.bare.latency.p95),
      ms(f.bare.latency.p99),
      f.bare.ops,
      ms(f.bareOneClient.latency.p50),
      ms(f.overhead.p50),
      ms(f.overhead.p95),
      `${f.http.cpu.server} / ${kind === 'pglite' ? '(in server)' : f.http.cpu.postgres} / ${f.http.cpu.loadGenerator} / ${f.http.cpu.other ?? '–'}`,
      `≤ ${f.targetMs}`,
      f.http.requests > 0 && f.http.latency.p95 <= f.targetMs ? 'yes' : 'NO',
    ]),
  };
}

export async function benchHazards(o: HazardBenchOptions): Promise<BenchResult> {
  const started = new Date();
  const t0 = performance.now();
  const machine = machineInfo();
  const load = os.loadavg();
  const restore = o.nice === null ? () => undefined : prioritiseSelf(o.nice);
  const runs: Awaited<ReturnType<typeof benchOne>>[] = [];
  try {
    for (const kind of o.dbs) runs.push(await benchOne(kind, o, machine.cores));
  } finally {
    restore();
  }
  const seeds = runs.map((r) => {
    const s = r.seed;
    if (!s || 'reused' in s)
      return `${r.version}: ${r.hazards.toLocaleString('en')} hazards (kept from a previous run)`;
    const st = Object.entries(s.byStatus)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ');
    return `${r.version}: ${s.hazards.toLocaleString('en')} hazards generated in ${s.insertSeconds.toFixed(0)} s + ${s.indexSeconds.toFixed(0)} s of index builds (${st}; ${s.majorOpen} open major, ${s.overdue.toLocaleString('en')} overdue).`;
  });
  return {
    name: 'hazards',
    title: `Hazard list and dashboard figures, ${o.hazards.toLocaleString('en')} hazards over ${o.enterprises.toLocaleString('en')} enterprises, ${o.connections} concurrent clients`,
    date: started.toISOString(),
    wallSeconds: (performance.now() - t0) / 1000,
    machine,
    databases: runs.map((r) => r.version),
    notes: [
      `Schema at migration ${MIGRATIONS.at(-1)?.name}. ${o.enterprises.toLocaleString('en')} synthetic enterprises; hazards generated inside the database by one INSERT … SELECT … FROM generate_series (bench/lib/hazard-data.ts: three years, status by age, 0.6 % major, skewed towards high-risk sectors), secondary indexes rebuilt after the load, then VACUUM ANALYZE.`,
      ...seeds,
      o.pgliteHazards !== o.hazards && o.dbs.includes('pglite')
        ? `PGlite runs at ${o.pgliteHazards.toLocaleString('en')} hazards, not ${o.hazards.toLocaleString('en')}: one single-threaded WASM instance generating and indexing a million rows takes too long for a routine run, and its figures at this scale already show its limit (one query at a time).`
        : '',
      `**HTTP**: GET /api/hazards (page size 20, with the capped total) and GET /api/hazards/stats on the real server (PostgreSQL pool of 20), ${o.connections} keep-alive connections for ${o.httpSec} s after ${o.warmupSec} s of warm-up, autocannon in a child process. Each request also authenticates its session cookie. The list's total comes from the count cache (kept 5 s per scope and filters, concurrent misses share one count), so HTTP counts about once per 5 s per scenario while bare counts on every operation.`,
      `**bare**: the SELECTs the route runs — list: the per-enterprise plan check (non-county users), the page and the capped count; stats (from the stored figures of migration 0012): totals, groups, the monthly trend and the overdue remainder's first step (its second step, scoping the hazards found, runs only when there are any: none in this data, whose overdue hazards are all marked as the hourly escalation job marks them) — compiled from the module's builders (listPageQuery, cappedCountQuery, figuresQueries), run back to back by each of ${o.connections} clients for ${o.bareSec} s (the route runs page and count, and the stats queries, concurrently on the pool, so HTTP can beat bare). **bare 1-client**: one client alone, 1 s. Before measuring, the bare SQL is checked to give the route's rows and figures.`,
      `**met**: HTTP p95 against the issue's targets (list ≤ ${LIST_P95_TARGET_MS} ms, dashboard figures ≤ ${DASHBOARD_P95_TARGET_MS} ms, set for PostgreSQL). 1-minute load average at start: ${load[0]?.toFixed(2)} (5-minute ${load[1]?.toFixed(2)}). Scheduling priority: ${o.nice === null ? 'default' : `nice ${o.nice}`}; **other** is CPU other work on the machine took meanwhile.`,
    ].filter(Boolean),
    tables: runs.map((r) => table(r.kind, r.version, r.hazards, r.figures)),
    data: {
      options: { ...o, log: undefined },
      runs: runs.map((r) => ({ ...r, figures: undefined })),
      figures: runs.flatMap((r) => r.figures),
    },
  };
}

/**
 * BENCH_MERGE=1: keep the databases of the committed result that this run did not measure (e.g. PostgreSQL and
 * PGlite measured by two separate runs), so that one file holds both.
 */
function mergeWithPrevious(result: BenchResult): BenchResult {
  const file = path.join(RESULTS_DIR, 'hazards.json');
  if (!fs.existsSync(file)) return result;
  const previous = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult;
  const kinds = new Set((result.data as { figures: HazardScenarioFigures[] }).figures.map((f) => f.db));
  const keep = (previous.data as { figures: HazardScenarioFigures[] }).figures.filter((f) => !kinds.has(f.db));
  if (keep.length === 0) return result;
  const kept = previous.tables.filter(
    (t) => !(t.title.startsWith('PostgreSQL') ? kinds.has('postgres') : kinds.has('pglite')),
  );
  return {
    ...result,
    databases: [...result.databases, ...previous.databases.filter((d) => !result.databases.includes(d))],
    notes: [
      ...result.notes,
      `Merged with the run of ${previous.date} for the database(s) not measured here: ${previous.notes.filter((n) => /hazards generated|kept from|PGlite runs at/.test(n)).join(' ')}`,
    ],
    tables: [...result.tables, ...kept],
    data: {
      ...(result.data as object),
      figures: [...(result.data as { figures: HazardScenarioFigures[] }).figures, ...keep],
      previous: { date: previous.date, notes: previous.notes },
    },
  };
}

async function main() {
  const run = await benchHazards(hazardOptionsFromEnv());
  const result = process.env.BENCH_MERGE === '1' ? mergeWithPrevious(run) : run;
  const file = writeResult(result);
  writeReadme();
  process.stderr.write(`wrote ${file}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
