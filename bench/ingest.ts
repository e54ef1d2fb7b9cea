/**
 * Sensor-reading ingest (issue #5 §7), on PostgreSQL with Mosquitto and on PGlite with the embedded broker.
 *
 * For each database and each message shape (1 reading per message, 100 readings per message), in one run:
 *   - bare MQTT: the broker's rate to a do-nothing receiver (Mosquitto: a plain QoS 1 subscription that only
 *     counts; embedded: aedes with an authorizePublish that only counts) — the transport's own limit;
 *   - bare database: COPY of the same readings into `readings`, the `unnest` INSERT … ON CONFLICT DO NOTHING the
 *     pipeline uses (readings only), and the multi-row INSERT it used before, one writer, batches of 5,000 — the
 *     storage's own limit;
 *   - Fangxian end to end: gateways publish, the app subscribes/receives, stores, rolls up and evaluates the
 *     rules; the rate is readings stored per second (counted by the pipeline's metric, after commit);
 *   - publish-to-alarm latency at half that rate: sentinel readings above the methane alarm level; the time from
 *     the publish to the alarm's live event (the SSE feed's source) in the app;
 *   - the app's memory (peak RSS of the process hosting it);
 *   - on PostgreSQL, the same pipeline as a Node-RED 4 flow (bench/lib/nodered.ts).
 * The load generator is a child process with end-to-end flow control (bench/lib/mqtt-load-child.ts).
 * `npm run bench:ingest` runs this alone (and re-renders bench/results/README.md); `npm run bench` runs all.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import mqtt from 'mqtt';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { seedOrganisation } from '../src/server/demo/seed.js';
import { createEnterprise } from '../src/server/modules/enterprises/index.js';
import { createGateway, createPoint, type IngestRuntime, startIngest } from '../src/server/modules/monitoring/index.js';
import { ingestOptionsFromEnv, readingsTopic } from '../src/server/modules/monitoring/monitoring.config.js';
import { MONITORING_DEFAULTS } from '../src/server/modules/monitoring/monitoring.settings.js';
import { maintainPartitions } from '../src/server/modules/monitoring/partitions.js';
import { rollupOptionsFor, runRollups } from '../src/server/modules/monitoring/rollups.js';
import { SYSTEM_ACTOR } from '../src/server/platform/authz/actor.js';
import { loadConfig } from '../src/server/platform/config.js';
import { type Database, openDatabase } from '../src/server/platform/db/client.js';
import { MIGRATIONS, migrate } from '../src/server/platform/db/migrate.js';
import { applyHeapPolicy } from '../src/server/platform/heap.js';
import { startEmbeddedBroker } from '../src/server/platform/mqtt/broker.js';
import { createPlatform, type Platform } from '../src/server/platform/platform.js';
import { cpuMeter, pidMeter, prioritiseSelf, waitForQuiet } from './lib/cpu.js';
import { machineInfo } from './lib/machine.js';
import type { ChildToParent, MqttLoadConfig, ParentToChild } from './lib/mqtt-load-child.js';
import { NODE_RED_TABLES, startNodeRed } from './lib/nodered.js';
import { type BenchResult, type ResultTable, writeReadme, writeResult } from './lib/report.js';
import { type LatencySummary, summarise } from './lib/stats.js';

type DbKind = 'pglite' | 'postgres';

export interface IngestBenchOptions {
  dbs: DbKind[];
  shapes: number[];
  points: number;
  gateways: number;
  seconds: number;
  warmupSec: number;
  /** Readings allowed between "published" and "came out at the far end" (flow control of the load generator). */
  outstanding: number;
  pgAdminUrl: string;
  pgDatabase: string;
  /** External broker; null = start a private Mosquitto (`mosquitto` binary) on a free port. */
  mqttUrl: string | null;
  nodeRed: boolean;
  /** Shared-subscription connection counts to measure on PostgreSQL (INGEST_MQTT_CONNECTIONS). */
  connections: number[];
  quietSec: number;
  nice: number | null;
  log: (line: string) => void;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): IngestBenchOptions {
  const num = (k: string, d: number) => (env[k] ? Number(env[k]) : d);
  const list = (k: string, d: string) =>
    (env[k] ?? d)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    dbs: list('BENCH_DBS', 'postgres,pglite') as DbKind[],
    shapes: list('BENCH_INGEST_SHAPES', '1,100').map(Number),
    points: num('BENCH_INGEST_POINTS', 1000),
    gateways: num('BENCH_INGEST_GATEWAYS', 10),
    seconds: num('BENCH_SECONDS', 10),
    warmupSec: num('BENCH_WARMUP_SECONDS', 2),
    outstanding: num('BENCH_INGEST_OUTSTANDING', 20_000),
    pgAdminUrl: env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    pgDatabase: env.BENCH_INGEST_PG_DATABASE ?? 'fangxian_bench_ingest',
    mqttUrl: env.BENCH_MQTT_URL ?? null,
    nodeRed: env.BENCH_NODE_RED !== '0',
    connections: list('BENCH_INGEST_CONNECTIONS', '4,32').map(Number),
    quietSec: num('BENCH_QUIET_SECONDS', 3),
    nice: env.BENCH_NICE ? Number(env.BENCH_NICE) : null,
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

const CHILD = fileURLToPath(new URL('./lib/mqtt-load-child.ts', import.meta.url));
const SENTINELS = 20;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A private Mosquitto, so the benchmark's traffic meets no other client of the machine's broker (and vice versa). */
async function startMosquitto(log: (l: string) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fangxian-bench-mosquitto-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  // As installed, plus max_queued_messages 0 as docs/monitoring.md asks for the Fangxian account.
  fs.writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nlog_dest none\n`,
  );
  const child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  const version = await new Promise<string>((resolve) => {
    const v = spawn('mosquitto', ['-h']);
    let out = '';
    v.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    v.on('close', () => resolve(/mosquitto version (\S+)/.exec(out)?.[1] ?? '?'));
    v.on('error', () => resolve('?'));
  });
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) break;
    await sleep(100);
  }
  log(`  private Mosquitto ${version} on port ${port} (pid ${child.pid})`);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    pid: child.pid ?? 0,
    version: `Mosquitto ${version}`,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Target {
  database: Database;
  version: string;
  url: string | null;
  backends(): Promise<number[]>;
  close(): Promise<void>;
}

async function openTarget(kind: DbKind, o: IngestBenchOptions): Promise<Target> {
  if (kind === 'postgres') {
    const admin = new pg.Client({ connectionString: o.pgAdminUrl });
    await admin.connect().catch((err: unknown) => {
      throw new Error(`PostgreSQL at ${o.pgAdminUrl} is not reachable (${String(err)}); set BENCH_PG_URL or BENCH_DBS`);
    });
    await admin.query(`drop database if exists ${o.pgDatabase} with (force)`);
    await admin.query(`create database ${o.pgDatabase}`);
    const v = await admin.query<{ v: string }>('select version() as v');
    await admin.end();
    const url = new URL(o.pgAdminUrl);
    url.pathname = `/${o.pgDatabase}`;
    const database = await openDatabase({ url: url.toString() });
    return {
      database,
      version: (v.rows[0]?.v ?? 'PostgreSQL').split(' ').slice(0, 2).join(' '),
      url: url.toString(),
      async backends() {
        const c = new pg.Client({ connectionString: url.toString() });
        await c.connect();
        const r = await c.query<{ pid: number }>(
          'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [o.pgDatabase],
        );
        await c.end();
        return r.rows.map((x) => x.pid);
      },
      async close() {
        const a = new pg.Client({ connectionString: o.pgAdminUrl });
        await a.connect();
        await a.query(`drop database if exists ${o.pgDatabase} with (force)`);
        await a.end();
      },
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fangxian-bench-ingest-'));
  const database = await openDatabase({ dataDir });
  const v = await database.pglite?.query<{ v: string }>('select version() as v');
  const pkg = JSON.parse(fs.readFileSync(path.resolve('node_modules/@electric-sql/pglite/package.json'), 'utf8')) as {
    version: string;
  };
  return {
    database,
    version: `PGlite ${pkg.version} (${(v?.rows[0]?.v ?? '').split(' ').slice(0, 2).join(' ')}, on disk)`,
    url: null,
    async backends() {
      return [];
    },
    async close() {
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface World {
  enterpriseId: string;
  gateways: { id: string; token: string; topic: string; points: string[] }[];
  pointIds: Map<string, string>;
  sentinels: string[];
}

async function makeWorld(p: Platform, o: IngestBenchOptions): Promise<World> {
  await migrate(p.db as never);
  await seedOrganisation(p, { demo: false });
  const ctx = { actor: SYSTEM_ACTOR, ip: '127.0.0.1', now: p.clock.now() };
  const ent = await p.transaction((tx) =>
    createEnterprise(tx, ctx, {
      creditCode: '91140522MA0BENCH1X',
      name: '基准测试煤业有限公司',
      formerNames: [],
      address: '阳城县凤城镇',
      lng: 112.41,
      lat: 35.48,
      primarySector: 'coal_mine',
      otherSectors: [],
      scale: 'above',
      employees: 800,
      principalName: '张三',
      principalPhone: '13800000000',
      safetyManagerName: '李四',
      safetyManagerPhone: '13900000000',
      departmentIds: null,
      isKey: true,
      hasMajorHazard: false,
      standardizationGrade: null,
      standardizationExpiry: null,
      licences: [],
      status: 'operating',
      regionCode: '140522100205',
    }),
  );
  // A county officer on duty: the alarm feed's live events go to users who can see the enterprise.
  await p.db
    .insertInto('users')
    .values({
      username: 'bench_county',
      display_name: 'bench',
      role: 'county_admin',
      password_hash: 'x',
      must_change_password: false,
    })
    .execute();
  const gateways: World['gateways'] = [];
  const pointIds = new Map<string, string>();
  await p.transaction(async (tx) => {
    for (let g = 0; g < o.gateways; g++) {
      const gw = await createGateway(tx, ctx, { enterpriseId: ent.id, name: `网关${g + 1}` });
      gateways.push({ id: gw.row.id, token: gw.token, topic: readingsTopic(gw.row.id), points: [] });
    }
    for (let i = 0; i < o.points; i++) {
      const code = `CH4-${String(i + 1).padStart(4, '0')}`;
      const row = await createPoint(tx, ctx, {
        enterpriseId: ent.id,
        code,
        name: `采煤工作面甲烷 ${i + 1}`,
        template: 'coal-ch4-working-face',
      } as Parameters<typeof createPoint>[2]);
      pointIds.set(code, row.id);
      gateways[i % o.gateways]?.points.push(code);
    }
  });
  // Sentinels: the first points of each gateway in turn.
  const sentinels = [...pointIds.keys()].slice(0, SENTINELS);
  return { enterpriseId: ent.id, gateways, pointIds, sentinels };
}

interface DriveResult {
  /** Readings per second that came out at the far end during the measured window. */
  rate: number;
  messagesPerSec: number;
  published: number;
  /** Readings published but never counted at the far end within 30 s of the end. */
  missing: number;
  loadGenCpuPct: number;
  /** % of one core: this process (the app), PostgreSQL's backends, the separate broker or Node-RED, the rest. */
  cpu: { machine: number | null; app: number; postgres: number; side: number | null; other: number | null };
  latency: LatencySummary | null;
  pubackErrors: number;
  /** The latest reading timestamp the generator used (startTs + its largest per-point offset). */
  lastTs: number;
}

/**
 * Runs the load generator against `url` and measures the rate at which `count()` grows while it runs. With
 * `ratePerSec` the generator publishes at that rate and sentinel latencies are collected through `onAlarm`.
 */
async function drive(
  o: IngestBenchOptions,
  cfg: Omit<
    MqttLoadConfig,
    'seconds' | 'warmupSec' | 'maxOutstanding' | 'sentinels' | 'sentinelEveryMs' | 'ratePerSec'
  > & {
    sentinels?: string[];
  },
  count: () => Promise<number>,
  meters: {
    cores: number;
    /** The PostgreSQL backends to meter, looked up when the measured window opens (pools connect lazily). */
    backends?: () => Promise<number[]>;
    /** A separate process of the system measured (Mosquitto, Node-RED), metered on its own. */
    sidePid?: number;
  },
  latency?: { ratePerSec: number; onAlarm(cb: (seq: number, at: number) => void): () => void },
): Promise<DriveResult> {
  const child: ChildProcess = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  // A progress message sent in the instant the generator exits fails with EPIPE; its figures are already in.
  child.on('error', (err) => {
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  });
  const base = await count();
  let done = 0;
  let measuring: { at: number; out: number } | null = null;
  const box: { finished: Extract<ChildToParent, { type: 'done' }> | null } = { finished: null };
  let ready = false;
  const sent = new Map<number, number>();
  const latencies: number[] = [];
  const seen = new Set<number>();
  const stopAlarms = latency?.onAlarm((seq, at) => {
    const s = sent.get(seq);
    if (s !== undefined && !seen.has(seq)) {
      seen.add(seq);
      if (measuring) latencies.push(at - s);
    }
  });
  let meter: ReturnType<typeof cpuMeter> | null = null;
  let pgMeter: (() => number) | null = null;
  let childMeter: (() => number) | null = null;
  let sideMeter: (() => number) | null = null;
  let measured: { out: number; seconds: number; cpu: DriveResult['cpu']; loadGen: number } | null = null;
  const exit = new Promise<number | null>((r) => child.once('exit', r));
  child.on('message', (m: ChildToParent) => {
    if (m.type === 'ready') ready = true;
    else if (m.type === 'sentinel') sent.set(m.seq, m.sentAt);
    else if (m.type === 'measuring') {
      measuring = { at: now(), out: done };
      meter = cpuMeter(meters.cores);
      meters.backends?.().then(
        (pids) => {
          pgMeter = pidMeter(pids);
        },
        () => undefined,
      );
      childMeter = pidMeter([child.pid ?? 0]);
      sideMeter = meters.sidePid ? pidMeter([meters.sidePid]) : null;
    } else if (m.type === 'done') box.finished = m;
  });
  const send = (m: ParentToChild) => child.connected && child.send(m);
  send({
    type: 'config',
    config: {
      ...cfg,
      seconds: o.seconds,
      warmupSec: o.warmupSec,
      // BENCH_INGEST_OUTSTANDING readings whatever the message size (at least two messages per gateway): enough for
      // the slowest stage's queue never to run dry (rate × round trip), small enough to drain in seconds.
      maxOutstanding: Math.max(cfg.perMessage * 2 * cfg.gateways.length, o.outstanding),
      ratePerSec: latency?.ratePerSec ?? null,
      sentinels: cfg.sentinels ?? [],
      sentinelEveryMs: latency ? 50 : null,
    },
  });
  // Report progress to the generator every 10 ms until it has finished (it publishes 1 s past the window).
  for (;;) {
    const over = box.finished !== null;
    done = (await count()) - base;
    send({ type: 'done', count: done });
    const start = measuring as { at: number; out: number } | null;
    if (start && !measured && (over || now() >= start.at + o.seconds * 1000)) {
      const cpu = (meter as ReturnType<typeof cpuMeter> | null)?.() ?? { machine: null, self: 0 };
      const postgres = (pgMeter as (() => number) | null)?.() ?? 0;
      const loadGen = (childMeter as (() => number) | null)?.() ?? 0;
      const side = (sideMeter as (() => number) | null)?.() ?? null;
      const seconds = (now() - start.at) / 1000;
      measured = {
        out: done - start.out,
        seconds,
        loadGen,
        cpu: {
          machine: cpu.machine,
          app: cpu.self,
          postgres,
          side,
          other: cpu.machine === null ? null : Math.max(0, cpu.machine - cpu.self - postgres - loadGen - (side ?? 0)),
        },
      };
    }
    if (over) break;
    if (!ready && child.exitCode !== null) throw new Error('load generator failed');
    await sleep(10);
  }
  await exit;
  const fin = box.finished;
  if (!fin) throw new Error('load generator ended without its figures');
  // Drain: everything published must come out.
  const until = Date.now() + 30_000;
  while (done < fin.published && Date.now() < until) {
    await sleep(50);
    done = (await count()) - base;
  }
  await sleep(latency ? 500 : 0);
  stopAlarms?.();
  const m = measured as { out: number; seconds: number; cpu: DriveResult['cpu']; loadGen: number } | null;
  if (!m) throw new Error('the measurement window did not close');
  return {
    rate: Math.round(m.out / m.seconds),
    messagesPerSec: Math.round(m.out / cfg.perMessage / m.seconds),
    published: fin.published,
    missing: Math.max(0, fin.published - done),
    loadGenCpuPct: m.loadGen,
    cpu: m.cpu,
    latency: latency ? summarise(latencies) : null,
    pubackErrors: fin.pubackErrors,
    lastTs: cfg.startTs + fin.maxTsOffset,
  };
}

/**
 * The bare storage limit: COPY, the pipeline's `unnest` INSERT (readings only: no rollups, no state) and the
 * multi-row INSERT of earlier versions, of 5,000-reading batches, one writer.
 */
async function bareStorage(
  kind: DbKind,
  target: Target,
  w: World,
  startTs: number,
  seconds: number,
): Promise<{ copy: number; insert: number; unnest: number; span: number }> {
  const ids = [...w.pointIds.values()];
  const BATCH = 5000;
  let k = 0;
  const batch = () => {
    const rows: [string, string, number][] = [];
    for (let i = 0; i < BATCH; i++) {
      const id = ids[(k + i) % ids.length] ?? '';
      rows.push([id, new Date(startTs + Math.floor((k + i) / ids.length)).toISOString(), 0.3]);
    }
    k += BATCH;
    return rows;
  };
  const pglite = target.database.pglite;
  const client = target.url ? new pg.Client({ connectionString: target.url }) : null;
  await client?.connect();
  const run = async (write: (rows: [string, string, number][]) => Promise<void>) => {
    const t0 = now();
    let n = 0;
    while (now() - t0 < seconds * 1000) {
      const rows = batch();
      await write(rows);
      n += rows.length;
    }
    return Math.round(n / ((now() - t0) / 1000));
  };
  const copy = await run(async (rows) => {
    const text = `${rows.map((r) => r.join('\t')).join('\n')}\n`;
    if (kind === 'pglite') {
      await pglite?.query("copy readings (point_id, ts, value) from '/dev/blob'", [], { blob: new Blob([text]) });
    } else if (client) {
      await new Promise<void>((resolve, reject) => {
        const s = client.query(copyFrom('copy readings (point_id, ts, value) from stdin'));
        s.on('finish', () => resolve());
        s.on('error', reject);
        s.end(text);
      });
    }
  });
  const insert = await run(async (rows) => {
    await target.database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 2000) {
        const chunk = rows.slice(i, i + 2000);
        await tx
          .insertInto('readings')
          .values(chunk.map(([point_id, ts, value]) => ({ point_id, ts: new Date(ts), value })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    });
  });
  const unnest = await run(async (rows) => {
    await target.database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 2000) {
        const chunk = rows.slice(i, i + 2000);
        await sql`
          insert into readings (point_id, ts, value)
          select u.point_id, timestamptz 'epoch' + u.ms * interval '1 millisecond', u.value
          from unnest(${chunk.map((r) => r[0])}::uuid[], ${chunk.map((r) => Date.parse(r[1]))}::int8[],
                      ${chunk.map((r) => r[2])}::float8[]) as u(point_id, ms, value)
          on conflict do nothing`.execute(tx);
      }
    });
  });
  await client?.end();
  return { copy, insert, unnest, span: Math.ceil(k / ids.length) + 1 };
}

async function storedCounter(rt: IngestRuntime) {
  const m = await rt.pipeline.metrics.readings.get();
  return m.values.filter((v) => v.labels.outcome === 'stored').reduce((a, v) => a + v.value, 0);
}

/** Removes the persistent sessions the app left on the broker (so it stops queueing for them). */
async function clearSessions(url: string, clientIds: string[]) {
  for (const clientId of clientIds) {
    const c = await mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
    await c.endAsync();
  }
}

export interface ShapeFigures {
  db: DbKind;
  perMessage: number;
  bareMqtt: DriveResult;
  bareCopy: number;
  bareInsert: number;
  bareUnnest: number;
  fangxian: { label: string; connections: number | null; e2e: DriveResult; atHalf: DriveResult }[];
  nodeRed: DriveResult | null;
  appPeakRssMiB: number;
  nodeRedPeakRssMiB: number | null;
}

async function benchDb(
  kind: DbKind,
  o: IngestBenchOptions,
  cores: number,
  broker: { url: string; host: string; port: number; pid?: number } | null,
) {
  o.log(`[${kind}] preparing`);
  const target = await openTarget(kind, o);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fangxian-bench-files-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO: '0' });
  const p = await createPlatform(config, { database: target.database, logger: pino({ level: 'silent' }) });
  const figures: ShapeFigures[] = [];
  let peakRss = 0;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  let nodeRedVersion: string | null = null;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const w = await makeWorld(p, o);
    await maintainPartitions(p.db, p.clock.now(), MONITORING_DEFAULTS);
    // Readings' times: a fresh range per measurement starting at the current time (or after the previous range, if
    // that is later), as sensors report. Readings older than the rollup job's watermark (a minute back) would take the
    // late path, rolled up inside the ingest transaction: a range that only followed the previous one fell behind the
    // clock by ~15 s a measurement, so from the fourth or fifth on every reading was late. A range reaches a few
    // seconds ahead of the clock at most (the future limit is 5 minutes).
    let tsCursor = Date.now();
    const rangeStart = () => {
      tsCursor = Math.max(tsCursor, Date.now());
      return tsCursor;
    };
    // The worker's job monitoring.rollup, every minute as in production, so its cost is in the figures.
    const rollupRuns = { n: 0, ms: 0, readings: 0 };
    let rollupRunning: Promise<void> = Promise.resolve();
    const rollupTimer = setInterval(() => {
      rollupRunning = rollupRunning.then(async () => {
        const t0 = now();
        const r = await runRollups(p.db, new Date(), rollupOptionsFor(target.database.kind)).catch((err: unknown) => {
          o.log(`  monitoring.rollup failed: ${String(err)}`);
          return null;
        });
        rollupRuns.n++;
        rollupRuns.ms += now() - t0;
        rollupRuns.readings += r?.readings ?? 0;
      });
    }, 60_000);
    cleanups.push(async () => {
      clearInterval(rollupTimer);
      await rollupRunning;
      o.log(
        `  monitoring.rollup: ${rollupRuns.n} runs, ${Math.round(rollupRuns.ms)} ms in all, ${rollupRuns.readings} readings rolled up`,
      );
    });
    const nextRange = (published: number) => {
      const start = rangeStart();
      tsCursor += Math.ceil(published / o.points) + 10 + 1000;
      return start;
    };
    // The estimate above assumes every point gets its share; a gateway whose connection runs ahead gives its points
    // more. Each measurement's range therefore starts after the latest timestamp really used (duplicates would not
    // count as stored and would stall the generator's flow control).
    const used = (r: DriveResult) => {
      tsCursor = Math.max(tsCursor, r.lastTs + 1010);
      return r;
    };
    const gatewaysCfg = w.gateways;
    const onAlarm = (cb: (seq: number, at: number) => void) =>
      p.bus.subscribe((e) => {
        if (e.type !== 'alarm') return;
        const at = now();
        const a = (e.data as { alarm?: { lastValue?: number | null; status?: string } }).alarm;
        const v = a?.lastValue;
        if (a?.status !== 'active' || typeof v !== 'number' || v < 1.2 || v >= 1.3) return;
        cb(Math.round((v - 1.2) * 1e7), at);
      });
    const quiet = () => waitForQuiet(cores, 30, o.quietSec);

    for (const perMessage of o.shapes) {
      o.log(`[${kind}] ${perMessage} reading(s) per message`);
      const common = { gateways: gatewaysCfg, perMessage };
      const budget = (rate: number) => rate * (o.seconds + o.warmupSec) * 2 + 100_000;

      // 1. Bare transport.
      await quiet();
      let received = 0;
      let bareMqtt: DriveResult;
      if (broker) {
        const sub = await mqtt.connectAsync(broker.url, {
          clientId: `bench-bare-${process.pid}`,
          clean: true,
          protocolVersion: 4,
        });
        sub.on('message', () => {
          received += perMessage;
        });
        await sub.subscribeAsync('fangxian/v1/readings/+', { qos: 1 });
        bareMqtt = used(
          await drive(o, { ...common, url: broker.url, startTs: nextRange(budget(50_000)) }, async () => received, {
            cores,
            sidePid: broker.pid,
          }),
        );
        await sub.endAsync();
      } else {
        const aedes = await startEmbeddedBroker({
          port: 0,
          host: '127.0.0.1',
          log: pino({ level: 'silent' }),
          authenticate: async () => true,
          onPublish: async () => {
            received += perMessage;
          },
        });
        if (!aedes) throw new Error('embedded broker did not start');
        bareMqtt = used(
          await drive(
            o,
            { ...common, url: `mqtt://127.0.0.1:${aedes.port}`, startTs: nextRange(budget(50_000)) },
            async () => received,
            { cores },
          ),
        );
        await aedes.close();
      }
      o.log(`  bare MQTT: ${bareMqtt.rate} readings/s (${bareMqtt.messagesPerSec} msg/s)`);

      // 2. Bare storage.
      await quiet();
      const storage = await bareStorage(kind, target, w, rangeStart(), Math.min(o.seconds, 5));
      tsCursor += storage.span + 1000;
      o.log(
        `  bare COPY ${storage.copy} rows/s, unnest INSERT ${storage.unnest} rows/s, multi-row INSERT ${storage.insert} rows/s`,
      );

      // 3–4. Fangxian: maximum rate, then latency at half of it.
      const modes: { label: string; connections: number | null; url: string | null }[] = broker
        ? [
            ...o.connections.map((c) => ({ label: `Mosquitto, ${c} connections`, connections: c, url: broker.url })),
            { label: 'embedded broker', connections: null, url: null },
          ]
        : [{ label: 'embedded broker', connections: null, url: null }];
      const fangxian: ShapeFigures['fangxian'] = [];
      for (const mode of modes) {
        const rt = await startIngest(p, {
          mqttUrl: mode.url,
          mqttPort: 0,
          mqttHost: '127.0.0.1',
          tick: false,
          instanceId: `bench${process.pid}`,
          ...(mode.connections ? { mqttConnections: mode.connections } : {}),
        });
        try {
          if (mode.url) {
            // Every connection's SUBACK: a message published before the shared subscription exists is dropped by
            // the broker, and the load generator would wait for it for the whole window.
            const t0 = now();
            for (let i = 0; i < 600 && rt.subscribers.some((s) => !s.subscribed()); i++) await sleep(50);
            o.log(`  ${rt.subscribers.length} subscriptions granted after ${Math.round(now() - t0)} ms`);
            if (rt.subscribers.some((s) => !s.subscribed())) throw new Error('the app did not subscribe within 30 s');
          }
          const url = mode.url ?? `mqtt://127.0.0.1:${rt.mqttPort}`;
          const meters = {
            cores,
            backends: target.backends,
            ...(mode.url && broker?.pid ? { sidePid: broker.pid } : {}),
          };
          await quiet();
          const e2e = used(
            await drive(o, { ...common, url, startTs: nextRange(budget(100_000)) }, () => storedCounter(rt), meters),
          );
          o.log(`  Fangxian (${mode.label}): ${e2e.rate} readings/s, missing ${e2e.missing}`);
          await quiet();
          const half = Math.max(perMessage, Math.round(e2e.rate / 2));
          const atHalf = used(
            await drive(
              o,
              { ...common, url, startTs: nextRange(budget(half)), sentinels: w.sentinels },
              () => storedCounter(rt),
              meters,
              { ratePerSec: half, onAlarm },
            ),
          );
          o.log(
            `  at ${half}/s: ${atHalf.rate} readings/s, publish→alarm p50 ${atHalf.latency?.p50} p99 ${atHalf.latency?.p99} ms (n=${atHalf.latency?.n})`,
          );
          fangxian.push({ label: mode.label, connections: mode.connections, e2e, atHalf });
        } finally {
          await rt.stop();
          if (mode.url)
            await clearSessions(
              mode.url,
              rt.subscribers.map((s) => s.clientId),
            );
        }
      }

      // 5. Node-RED.
      let nodeRed: DriveResult | null = null;
      let nodeRedPeak: number | null = null;
      if (o.nodeRed && broker && target.url) {
        for (const ddl of NODE_RED_TABLES) await sql.raw(ddl).execute(p.db);
        await sql`truncate nr_readings, nr_alarms`.execute(p.db);
        const nr = await startNodeRed({
          pgUrl: target.url,
          broker: { host: broker.host, port: broker.port },
          topic: 'fangxian/v1/readings/+',
          port: await freePort(),
        });
        nodeRedVersion = nr.version;
        try {
          const counter = new pg.Client({ connectionString: target.url });
          await counter.connect();
          const count = async () =>
            Number(
              (await counter.query<{ n: string }>('select coalesce(max(id), 0) as n from nr_readings')).rows[0]?.n ?? 0,
            );
          await quiet();
          nodeRed = used(
            await drive(o, { ...common, url: broker.url, startTs: nextRange(budget(50_000)) }, count, {
              cores,
              backends: target.backends,
              sidePid: nr.pid,
            }),
          );
          await counter.end();
          nodeRedPeak = nr.peakRssMiB();
          o.log(
            `  Node-RED ${nr.version}: ${nodeRed.rate} readings/s, missing ${nodeRed.missing}, peak RSS ${nodeRedPeak} MiB`,
          );
        } finally {
          await nr.stop();
        }
      }
      figures.push({
        db: kind,
        perMessage,
        bareMqtt,
        bareCopy: storage.copy,
        bareInsert: storage.insert,
        bareUnnest: storage.unnest,
        fangxian,
        nodeRed,
        appPeakRssMiB: Math.round(peakRss / 2 ** 20),
        nodeRedPeakRssMiB: nodeRedPeak,
      });
    }
  } finally {
    clearInterval(rssTimer);
    for (const f of cleanups) await f();
    await p.close().catch(() => undefined);
    await target.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { figures, version: target.version, nodeRedVersion, peakRssMiB: Math.round(peakRss / 2 ** 20) };
}

const n = (v: number) => v.toLocaleString('en');
const lat = (l: LatencySummary | null) => (l && l.n > 0 ? `${l.p50.toFixed(1)} / ${l.p99.toFixed(1)} (n=${l.n})` : '–');
const cpuCell = (r: DriveResult) =>
  `${r.cpu.app} / ${r.cpu.postgres} / ${r.loadGenCpuPct} / ${r.cpu.side ?? '–'} / ${r.cpu.other ?? '–'}`;

function table(kind: DbKind, version: string, figures: ShapeFigures[]): ResultTable {
  const rows: (string | number)[][] = [];
  for (const f of figures) {
    const shape = `${f.perMessage} / msg`;
    const target = kind === 'postgres' ? (f.perMessage >= 100 ? 100_000 : 30_000) : 5_000;
    rows.push([
      shape,
      kind === 'postgres' ? 'bare MQTT: Mosquitto → do-nothing subscriber' : 'bare MQTT: aedes, do-nothing handler',
      n(f.bareMqtt.rate),
      n(f.bareMqtt.messagesPerSec),
      '–',
      cpuCell(f.bareMqtt),
      '',
    ]);
    rows.push([shape, 'bare database: COPY, 5,000-row batches, 1 writer', n(f.bareCopy), '–', '–', '–', '']);
    rows.push([
      shape,
      'bare database: unnest INSERT … ON CONFLICT DO NOTHING (as the pipeline, readings only)',
      n(f.bareUnnest),
      '–',
      '–',
      '–',
      '',
    ]);
    rows.push([
      shape,
      'bare database: multi-row INSERT … ON CONFLICT DO NOTHING (the pipeline before)',
      n(f.bareInsert),
      '–',
      '–',
      '–',
      '',
    ]);
    for (const x of f.fangxian) {
      const ok =
        x.e2e.rate >= target
          ? `yes (≥ ${n(target)})`
          : `NO: ${Math.round((x.e2e.rate / target) * 100)} % of ${n(target)}`;
      rows.push([
        shape,
        `**Fangxian** end to end, ${x.label} (stored + rules)`,
        n(x.e2e.rate),
        n(x.e2e.messagesPerSec),
        `${lat(x.atHalf.latency)} at ${n(x.atHalf.rate)}/s`,
        cpuCell(x.e2e),
        x.e2e.missing ? `${ok}; ${n(x.e2e.missing)} missing` : ok,
      ]);
    }
    if (f.nodeRed) {
      const best = Math.max(...f.fangxian.map((x) => x.e2e.rate));
      rows.push([
        shape,
        'Node-RED 4 flow: mqtt in → threshold function → PostgreSQL insert',
        n(f.nodeRed.rate),
        n(f.nodeRed.messagesPerSec),
        '–',
        cpuCell(f.nodeRed),
        `Fangxian best ÷ Node-RED = ${(best / Math.max(1, f.nodeRed.rate)).toFixed(1)}×${f.nodeRed.missing ? `; ${n(f.nodeRed.missing)} missing` : ''}`,
      ]);
    }
  }
  return {
    title: `${kind === 'pglite' ? 'PGlite, embedded broker' : 'PostgreSQL'} — ${version}`,
    columns: [
      'shape',
      'what',
      'readings/s',
      'messages/s',
      'publish→alarm p50 / p99 ms at half rate',
      'CPU %: app / PostgreSQL / load gen / broker or Node-RED / other',
      'target',
    ],
    rows,
  };
}

export async function benchIngest(o: IngestBenchOptions): Promise<BenchResult> {
  const started = new Date();
  const t0 = performance.now();
  const machine = machineInfo();
  const load1 = os.loadavg()[0] ?? 0;
  const restore = o.nice === null ? () => undefined : prioritiseSelf(o.nice);
  // As main.ts does for the app: this process hosts it, so its heap is the app's (the default unless
  // HEAP_GROWING_PERCENT is set for the run).
  const heapGrowingPercent = loadConfig(process.env).HEAP_GROWING_PERCENT;
  applyHeapPolicy(heapGrowingPercent);
  const tables: ResultTable[] = [];
  const databases: string[] = [];
  const all: ShapeFigures[] = [];
  const memory: Record<string, number> = {};
  let brokerVersion = 'external broker';
  let nodeRedVersion: string | null = null;
  const own = o.dbs.includes('postgres') && !o.mqttUrl ? await startMosquitto(o.log) : null;
  try {
    for (const kind of o.dbs) {
      const broker =
        kind === 'postgres'
          ? own
            ? own
            : (() => {
                const u = new URL(o.mqttUrl ?? '');
                return { url: o.mqttUrl ?? '', host: u.hostname, port: Number(u.port || 1883) };
              })()
          : null;
      if (own) brokerVersion = own.version;
      const r = await benchDb(kind, o, machine.cores, broker);
      nodeRedVersion ??= r.nodeRedVersion;
      all.push(...r.figures);
      databases.push(r.version);
      memory[kind] = r.peakRssMiB;
      tables.push(table(kind, r.version, r.figures));
    }
  } finally {
    restore();
    await own?.stop();
  }
  const pgMem = memory.postgres;
  const liteMem = memory.pglite;
  return {
    name: 'ingest',
    title: `Sensor-reading ingest: ${n(o.points)} points, ${o.gateways} gateways, 1 and 100 readings per message`,
    date: started.toISOString(),
    wallSeconds: (performance.now() - t0) / 1000,
    machine,
    databases: [...databases, brokerVersion, ...(nodeRedVersion ? [`Node-RED ${nodeRedVersion}`] : [])],
    notes: [
      `Schema at migration ${MIGRATIONS.at(-1)?.name ?? '?'}. One enterprise, ${n(o.points)} methane points (template coal-ch4-working-face), ${o.gateways} gateways, each publishing its share of the points over its own MQTT connection (QoS 1, up to 64 messages awaiting PUBACK per connection). Readings are methane 0.30 % (no alarm), every point's timestamps 1 ms apart, fresh per measurement.`,
      `The load generator is a child process with end-to-end flow control: at most ${n(o.outstanding)} readings between "published" and "came out at the far end" (stored, received or written), so no broker queue overflows and the rate is that of the slowest stage. ${o.warmupSec} s of warm-up, then ${o.seconds} s measured; every figure is readings (or messages) out of the far end per second in that window. After each run the benchmark waits until everything published has come out ("missing" otherwise).`,
      `**bare MQTT**: PostgreSQL rows — a private Mosquitto (${brokerVersion}, the machine's binary on a free port with max_queued_messages 0, so no other client's traffic meets the benchmark's) delivering to one plain QoS 1 subscription that only counts; PGlite rows — the embedded broker (aedes) whose publish handler only counts. **bare database**: the same readings written straight into \`readings\` by one connection in 5,000-row batches: COPY; the \`INSERT … SELECT FROM unnest($1::uuid[], $2::int8[], $3::float8[]) ON CONFLICT DO NOTHING\` (2,000 rows per statement, one transaction per batch) that the pipeline runs, here without its rollups; and the multi-row INSERT … VALUES of earlier versions.`,
      `**Fangxian**: \`startIngest\` in the benchmark's process (tick off). On Mosquitto the app's shared subscription with INGEST_MQTT_CONNECTIONS connections (4 is the default; each connection acknowledges in order after commit, with up to INGEST_MQTT_RECEIVE_MAXIMUM = ${ingestOptionsFromEnv().receiveMaximum} messages unacknowledged — its MQTT 5 Receive Maximum, which Mosquitto honours); the embedded broker is measured on PostgreSQL too, to separate the pipeline from the external subscriber. INGEST_FLUSH_LOOPS ${ingestOptionsFromEnv().flushLoops} parallel flush loops over disjoint points, INGEST_BATCH_READINGS ${ingestOptionsFromEnv().batchReadings}. Stored = the pipeline's \`fangxian_ingest_readings_total{outcome="stored"}\`, counted after COMMIT (readings, 1-minute and 1-hour rollups, rule evaluation, rule state, in one transaction).`,
      `**publish→alarm**: at half the measured maximum rate, open loop, one of ${SENTINELS} sentinel points every 50 ms gets 1.2 % (methane alarm ≥ 1.0 %) and then 0.3 %, so each raises or reopens an alarm; latency = from the publish call in the load generator to the alarm's live event (what feeds the SSE alarm list; on PostgreSQL it travels through LISTEN/NOTIFY) in the app, both clocks of the same machine.`,
      `**Node-RED**: the flow of bench/lib/nodered.ts — mqtt in (QoS 1, JSON) → threshold function → function inserting each message's readings with one multi-row INSERT … ON CONFLICT DO NOTHING (pool of 10) and its alarms into a second table; the usual PostgreSQL node (node-red-contrib-postgresql) is not in the npm registry reachable here, so the insert uses \`pg\` through functionGlobalContext. Node-RED acknowledges on receipt; Fangxian after commit.`,
      `**Memory**: peak RSS of the benchmark's process, which hosts the app (and, for PGlite, the database) and the bare measurements: PostgreSQL ${pgMem ?? '–'} MiB, PGlite ${liteMem ?? '–'} MiB (target ≤ 500 MB), with the app's heap policy (\`HEAP_GROWING_PERCENT\` ${heapGrowingPercent}, as \`npm start\`); Node-RED's own peak in the data.`,
      `**CPU %** is of one core (the machine has 100 × cores) during the measured window: the app's process, the PostgreSQL backends of the benchmark's database, the load generator, the broker (Mosquitto) or Node-RED where it is a separate process, and **other**: CPU that other work on the machine took meanwhile. 1-minute load average at start: ${load1.toFixed(2)}.${o.nice !== null ? ` Scheduling priority: nice ${o.nice} for the benchmark and its load generator.` : ''}`,
    ],
    tables,
    data: { options: { ...o, log: undefined }, figures: all, memoryPeakRssMiB: memory, load1 },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchIngest(optionsFromEnv())
    .then((r) => {
      process.stderr.write(`wrote ${writeResult(r)}\n`);
      process.stderr.write(`wrote ${writeReadme()}\n`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
