import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureDemoDevices,
  type IngestRuntime,
  readingsTopic,
  startIngest,
} from '../src/server/modules/monitoring/index.js';
import {
  DEMO_ENTERPRISES,
  seededRandom,
  simulatedMessage,
  workingFaceMethane,
} from '../src/server/modules/monitoring/simulator.js';
import { DATABASES, makeEnterprise, makeTownship, startTestEnv, type TestEnv } from './harness.js';
import { eventually } from './monitoring.helpers.js';

describe('simulator scenario', () => {
  it('keeps working-face methane around 0.2–0.4 % and makes an excursion to ≥ 1.0 % from 40 s', () => {
    const rnd = seededRandom(7);
    const quiet = Array.from({ length: 8 }, (_, i) => workingFaceMethane(i * 5000, rnd) ?? 0);
    expect(Math.min(...quiet)).toBeGreaterThanOrEqual(0.2);
    expect(Math.max(...quiet)).toBeLessThanOrEqual(0.42);
    const excursion = Array.from({ length: 6 }, (_, i) => workingFaceMethane(40_000 + i * 5000, rnd) ?? 0);
    expect(Math.max(...excursion)).toBeGreaterThanOrEqual(1.0);
    expect(Math.max(...excursion)).toBeLessThan(1.5);
    // Every third excursion reaches the power-cut level (1.5 %).
    const third = Array.from({ length: 6 }, (_, i) => workingFaceMethane(40_000 + 2 * 240_000 + i * 5000, rnd) ?? 0);
    expect(Math.max(...third)).toBeGreaterThanOrEqual(1.5);
  });

  it('silences the upper-corner sensor after 20 s and freezes the wind-speed sensor after 60 s', () => {
    const coal = DEMO_ENTERPRISES.find((e) => e.key === 'coal');
    if (!coal) throw new Error('no coal scenario');
    const rnd = seededRandom(1);
    const at = (ms: number) => simulatedMessage(coal, ms, ms, rnd)?.readings ?? [];
    expect(at(10_000).some((r) => r.point === 'CH4-1301-T0')).toBe(true);
    expect(at(25_000).some((r) => r.point === 'CH4-1301-T0')).toBe(false);
    const ws = [70_000, 75_000, 80_000].map((ms) => at(ms).find((r) => r.point === 'WS-1301')?.value);
    expect(new Set(ws).size).toBe(1);
  });
});

describe.each(DATABASES)('simulator devices on $name', (dbc) => {
  let env: TestEnv;
  let ingest: IngestRuntime;
  let coalId: string;
  let chemId: string;

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    const town = await makeTownship(env.p);
    coalId = (await makeEnterprise(env.p, { regionCode: town.village, primarySector: 'coal_mine' })).id;
    chemId = (await makeEnterprise(env.p, { regionCode: town.village, primarySector: 'hazardous_chemicals' })).id;
    ingest = await startIngest(env.p, { mqttUrl: null, mqttPort: 0, mqttHost: '127.0.0.1', tick: false });
  });
  afterAll(async () => {
    await ingest?.stop();
    await env?.close();
  });

  it('creates the gateway and points once, and its messages reach the alarms', async () => {
    const opts = { enterprises: { coal: coalId, chemical: chemId } };
    const first = await ensureDemoDevices(env.p.db, env.p.clock.now(), opts);
    const again = await ensureDemoDevices(env.p.db, env.p.clock.now(), opts);
    expect(first.map((d) => d.enterpriseId)).toEqual([coalId, chemId]);
    expect(again.map((d) => d.gatewayId)).toEqual(first.map((d) => d.gatewayId));
    expect(again[0]?.token).not.toBe(first[0]?.token);
    const points = await env.p.db
      .selectFrom('monitoring_points')
      .select(['code', 'is_demo'])
      .where('enterprise_id', 'in', [coalId, chemId])
      .execute();
    expect(points).toHaveLength(10);
    expect(points.every((p) => p.is_demo)).toBe(true);

    const coal = again[0];
    if (!coal) throw new Error('no coal device');
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${ingest.mqttPort}`, {
      username: coal.gatewayId,
      password: coal.token,
      reconnectPeriod: 0,
    });
    const rnd = seededRandom(3);
    const start = env.clock.now().getTime() - 120_000;
    for (let ms = 0; ms <= 60_000; ms += 5000) {
      const msg = simulatedMessage(coal, ms, start + ms, rnd);
      if (msg) await c.publishAsync(readingsTopic(coal.gatewayId), JSON.stringify(msg), { qos: 1 });
    }
    await c.endAsync();
    await eventually(async () => {
      const a = await env.p.db
        .selectFrom('alarms')
        .innerJoin('monitoring_points', 'monitoring_points.id', 'alarms.point_id')
        .select(['monitoring_points.code', 'alarms.rule'])
        .where('alarms.enterprise_id', '=', coalId)
        .execute();
      return a.some((x) => x.code === 'CH4-1301-T1' && x.rule === 'high');
    });
  });
});
