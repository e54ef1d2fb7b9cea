/**
 * Rollups after the fact (rollups.ts, job monitoring.rollup): current readings are stored without touching the
 * rollups, the job brings the 1-minute and 1-hour rollups up to the raw readings, late readings are rolled up by
 * the ingest itself, a second run changes nothing, two runs at once count nothing twice, and the readings API and
 * sparklines answer the raw aggregates whether or not the job has run; reconciled in slices of points (as on PGlite,
 * so the ingest commits between them), the result is the same and racing runs still count nothing twice.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RollupItem, readSeries } from '../src/server/modules/monitoring/readings.js';
import {
  type RollupReport,
  rollupOptionsFor,
  rollupWatermark,
  runRollups,
} from '../src/server/modules/monitoring/rollups.js';
import { enterpriseSparklines } from '../src/server/modules/monitoring/sparklines.js';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import { createGatewayApi, createPointApi, ingest, makeMonitoringWorld, pointCode } from './monitoring.helpers.js';

interface Agg {
  bucket: string;
  min: number;
  max: number;
  sum: number;
  count: number;
  last_value: number;
}

const MIN = 60_000;
const HOUR = 3_600_000;

describe.each(DATABASES)('rollups after the fact on $name', (dbc) => {
  let env: TestEnv;
  let w: Awaited<ReturnType<typeof makeMonitoringWorld>>;
  let gw: { id: string; token: string };
  let pt: { id: string; code: string };
  let t0: number;

  /** The raw aggregate of the point per bucket (the truth), and a rollup table's rows. */
  const raw = async (width: '1 minute' | '1 hour', before = Number.POSITIVE_INFINITY) =>
    (
      await sql<Agg>`
        select date_bin(${width}::interval, ts, timestamptz 'epoch') as bucket, min(value) as min, max(value) as max,
               sum(value)::float8 as sum, count(*)::int as count, (array_agg(value order by ts desc))[1] as last_value
        from readings where point_id = ${pt.id} group by 1 order by 1`.execute(env.p.db)
    ).rows
      .map(norm)
      .filter((r) => Date.parse(r.bucket) < before);
  const rollup = async (table: 'readings_1m' | 'readings_1h') =>
    (
      await sql<Agg>`
        select bucket, min, max, sum, count, last_value from ${sql.table(table)}
        where point_id = ${pt.id} order by bucket`.execute(env.p.db)
    ).rows.map(norm);
  const norm = (r: Agg): Agg => ({
    bucket: new Date(r.bucket).toISOString(),
    min: r.min,
    max: r.max,
    sum: Math.round(r.sum * 1e6) / 1e6,
    count: r.count,
    last_value: r.last_value,
  });
  const send = async (items: { ts: number; value: number }[]) => {
    const res = await ingest(
      env.app,
      gw.token,
      items.map((x) => ({ point: pt.code, ts: new Date(x.ts).toISOString(), value: x.value })),
    );
    expect(res.json()).toEqual({ accepted: items.length, rejected: [] });
  };

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await makeMonitoringWorld(env);
    gw = await createGatewayApi(env.app, w.users.enterprise_admin.headers, w.entA.id);
    pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
      enterpriseId: w.entA.id,
      code: pointCode('R-'),
      name: '甲烷 R',
      template: 'coal-ch4-working-face',
    });
    // The test clock (2026-06-15T02:00Z) is before the migration's minute: start the watermark 90 minutes back.
    t0 = Math.floor(env.clock.now().getTime() / MIN) * MIN - 90 * MIN;
    await sql`update monitoring_rollup_state set inline_before = ${new Date(t0)}, reconciled_before = ${new Date(t0)}`.execute(
      env.p.db,
    );
  });
  afterAll(async () => {
    await env?.close();
  });

  it('stores current readings without rollups; the API answers the raw aggregates before the job runs', async () => {
    // 80 readings every 61 s from t0 + 5 s: 80 minutes across the hour boundary.
    const items = Array.from({ length: 80 }, (_, i) => ({ ts: t0 + 5000 + i * 61_000, value: 0.2 + (i % 7) / 100 }));
    for (let i = 0; i < items.length; i += 20) await send(items.slice(i, i + 20));
    expect(await rollup('readings_1m')).toEqual([]);
    expect(await rollup('readings_1h')).toEqual([]);

    const from = new Date(t0 - HOUR);
    const to = env.clock.now();
    const oneMinute = (await readSeries(env.p.db, pt.id, from, to, '1m')).items as RollupItem[];
    expect(oneMinute.map((x) => [x.ts.toISOString(), x.count, x.last])).toEqual(
      (await raw('1 minute')).map((r) => [r.bucket, r.count, r.last_value]),
    );
    const oneHour = (await readSeries(env.p.db, pt.id, from, to, '1h')).items as RollupItem[];
    expect(oneHour.map((x) => [x.ts.toISOString(), x.count, x.min, x.max, x.last])).toEqual(
      (await raw('1 hour')).map((r) => [r.bucket, r.count, r.min, r.max, r.last_value]),
    );
    const spark = await enterpriseSparklines(env.p.db, w.entA.id, to, 30);
    const last30 = (await raw('1 minute')).filter((r) => Date.parse(r.bucket) >= to.getTime() - 30 * MIN);
    expect(spark[pt.id]?.map(([ts]) => ts)).toEqual(last30.map((r) => r.bucket));
  });

  it('rolls up closed minutes from the raw readings; a second run changes nothing', async () => {
    const asOf = env.clock.now();
    const first = (await env.p.jobs.runNow('monitoring.rollup', asOf)) as RollupReport;
    const cut = Math.floor((asOf.getTime() - MIN) / MIN) * MIN;
    expect(first.inlineBefore).toBe(new Date(cut).toISOString());
    expect(first.reconciledBefore).toBe(new Date(cut).toISOString());
    expect(first.chunks).toBeGreaterThanOrEqual(2); // an hour per chunk
    expect(await rollup('readings_1m')).toEqual(await raw('1 minute', cut));
    // The 1-hour rows hold what is reconciled: whole hours, and the current hour up to the watermark.
    const hourly = await rollup('readings_1h');
    const rawBefore = await sql<Agg>`
      select date_bin('1 hour', ts, timestamptz 'epoch') as bucket, min(value) as min, max(value) as max,
             sum(value)::float8 as sum, count(*)::int as count, (array_agg(value order by ts desc))[1] as last_value
      from readings where point_id = ${pt.id} and ts < ${new Date(cut)} group by 1 order by 1`.execute(env.p.db);
    expect(hourly).toEqual(rawBefore.rows.map(norm));

    const second = (await env.p.jobs.runNow('monitoring.rollup', asOf)) as RollupReport;
    expect(second).toMatchObject({ advanced: false, chunks: 0, buckets: 0, readings: 0 });
    expect(await rollup('readings_1h')).toEqual(hourly);
  });

  it('rolls up a late reading at ingest, and the job then leaves its bucket alone', async () => {
    const wm = await rollupWatermark(env.p.db);
    // Into a minute that already has a reading (t0 + 5 s + 61 s), and into an empty one (t0 + 30 s).
    await send([
      { ts: t0 + 66_500, value: 1.9 },
      { ts: t0 + 30_000, value: 0.05 },
    ]);
    expect(await rollup('readings_1m')).toEqual(await raw('1 minute', wm.reconciledBefore.getTime()));
    const hours = await raw('1 hour');
    const hourly = await rollup('readings_1h');
    expect(hourly[0]).toEqual(hours[0]);
    const again = (await env.p.jobs.runNow('monitoring.rollup', env.clock.now())) as RollupReport;
    expect(again.buckets).toBe(0);
    expect(await rollup('readings_1h')).toEqual(hourly);
  });

  it('counts nothing twice when two runs (two instances) race, and catches up the readings in between', async () => {
    env.clock.advance(5 * MIN);
    const asOf = env.clock.now();
    // Readings in the minutes between the old and the new watermark, some of them sent while the runs race.
    const base = Math.floor(asOf.getTime() / MIN) * MIN - 5 * MIN;
    await send([0, 1, 2].map((i) => ({ ts: base + i * MIN + 1000, value: 0.3 + i / 10 })));
    await Promise.all([
      runRollups(env.p.db, asOf),
      runRollups(env.p.db, asOf),
      send([0, 1, 2, 3].map((i) => ({ ts: base + i * MIN + 2000, value: 0.4 }))),
    ]);
    await runRollups(env.p.db, asOf);
    const wm = await rollupWatermark(env.p.db);
    expect(wm.reconciledBefore.getTime()).toBe(Math.floor((asOf.getTime() - MIN) / MIN) * MIN);
    expect(await rollup('readings_1m')).toEqual(await raw('1 minute', wm.reconciledBefore.getTime()));
    const series = (await readSeries(env.p.db, pt.id, new Date(t0 - HOUR), asOf, '1h')).items as RollupItem[];
    expect(series.map((x) => [x.ts.toISOString(), x.count, x.min, x.max, x.last])).toEqual(
      (await raw('1 hour')).map((r) => [r.bucket, r.count, r.min, r.max, r.last_value]),
    );
  });

  it('reconciles in slices of points as in one statement, and racing sliced runs count nothing twice', async () => {
    expect(rollupOptionsFor('pglite').slicePoints).toBeGreaterThan(0);
    expect(rollupOptionsFor('postgres').slicePoints).toBeNull();
    const more = [];
    for (const tag of ['RS1-', 'RS2-', 'RS3-']) {
      more.push(
        await createPointApi(env.app, w.users.enterprise_admin.headers, {
          enterpriseId: w.entA.id,
          code: pointCode(tag),
          name: `甲烷 ${tag}`,
          template: 'coal-ch4-working-face',
        }),
      );
    }
    const points = [pt, ...more];
    env.clock.advance(10 * MIN);
    const asOf = env.clock.now();
    const base = Math.floor(asOf.getTime() / MIN) * MIN - 8 * MIN;
    // Every point but the last has readings in five closed minutes; the last has none.
    for (const [k, p] of points.slice(0, -1).entries()) {
      const res = await ingest(
        env.app,
        gw.token,
        Array.from({ length: 10 }, (_, i) => ({
          point: p.code,
          ts: new Date(base + Math.floor(i / 2) * MIN + 1000 + k * 100 + (i % 2) * 7000).toISOString(),
          value: 0.2 + ((i * 3 + k) % 5) / 100,
        })),
      );
      expect(res.json()).toMatchObject({ accepted: 10, rejected: [] });
    }
    // The event loop turns between slices (on PGlite a statement runs synchronously in this thread: without a pause
    // the ingest would not see a message until the whole run is over).
    let turns = 0;
    let running = true;
    const tick = () => {
      if (!running) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const reports = await Promise.all([
      runRollups(env.p.db, asOf, { slicePoints: 1 }),
      runRollups(env.p.db, asOf, { slicePoints: 2 }),
    ]);
    running = false;
    expect(turns).toBeGreaterThanOrEqual(3); // 4 points in slices of one
    const final = await runRollups(env.p.db, asOf, { slicePoints: 1 });
    const wm = await rollupWatermark(env.p.db);
    expect(wm.reconciledBefore.getTime()).toBe(Math.floor((asOf.getTime() - MIN) / MIN) * MIN);
    // Between them the runs rolled up each of the 30 new readings once.
    expect(reports.reduce((n, r) => n + r.readings, 0) + final.readings).toBe(30);
    const ids = points.map((p) => p.id);
    type Row = Agg & { point_id: string };
    const keyed = (rows: Row[]) => rows.map((r) => ({ point: r.point_id, ...norm(r) }));
    /** Every point's rollup rows beside the raw aggregates of what is reconciled. */
    const sides = async (width: '1 minute' | '1 hour', table: 'readings_1m' | 'readings_1h') => {
      const truth = await sql<Row>`
        select point_id, date_bin(${width}::interval, ts, timestamptz 'epoch') as bucket, min(value) as min,
               max(value) as max, sum(value)::float8 as sum, count(*)::int as count,
               (array_agg(value order by ts desc))[1] as last_value
        from readings where point_id = any(${ids}::uuid[]) and ts < ${wm.reconciledBefore}
        group by 1, 2 order by 1, 2`.execute(env.p.db);
      const rolled = await sql<Row>`
        select point_id, bucket, min, max, sum, count, last_value from ${sql.table(table)}
        where point_id = any(${ids}::uuid[]) order by 1, 2`.execute(env.p.db);
      return { rolled: keyed(rolled.rows), truth: keyed(truth.rows) };
    };
    const minutes = await sides('1 minute', 'readings_1m');
    expect(minutes.rolled).toEqual(minutes.truth);
    expect(new Set(minutes.truth.map((r) => r.point)).size).toBe(3);
    const hours = await sides('1 hour', 'readings_1h');
    expect(hours.rolled).toEqual(hours.truth);
    // A further sliced run finds nothing to do.
    expect(await runRollups(env.p.db, asOf, { slicePoints: 1 })).toMatchObject({ chunks: 0, buckets: 0, readings: 0 });
  });
});
