/** Server endpoints the monitoring web screens need beyond the pipeline's own (sparklines). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import { createGatewayApi, createPointApi, ingest, makeMonitoringWorld, pointCode } from './monitoring.helpers.js';

type MWorld = Awaited<ReturnType<typeof makeMonitoringWorld>>;

describe.each(DATABASES)('monitoring web endpoints on $name', (dbc) => {
  let env: TestEnv;
  let w: MWorld;

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await makeMonitoringWorld(env);
  });
  afterAll(() => env?.close());

  const at = (offsetMs: number) => new Date(env.clock.now().getTime() + offsetMs).toISOString();

  it('answers every active point of the enterprise with its 1-minute averages, oldest first', async () => {
    const admin = w.users.county_admin.headers;
    const gw = await createGatewayApi(env.app, admin, w.entA.id);
    const ch4 = await createPointApi(env.app, admin, {
      enterpriseId: w.entA.id,
      code: pointCode('CH4-'),
      name: '工作面甲烷',
      template: 'coal-ch4-working-face',
    });
    const co = await createPointApi(env.app, admin, {
      enterpriseId: w.entA.id,
      code: pointCode('CO-'),
      name: '回风一氧化碳',
      template: 'coal-co',
    });
    const off = await createPointApi(env.app, admin, {
      enterpriseId: w.entA.id,
      code: pointCode('OFF-'),
      name: '停用测点',
      template: 'coal-co',
    });
    // Minute buckets: the clock is 02:00:00, so -150 s and -140 s share 01:57, -90 s and -80 s share 01:58.
    const res = await ingest(env.app, gw.token, [
      { point: ch4.code, ts: at(-150_000), value: 0.2 },
      { point: ch4.code, ts: at(-140_000), value: 0.4 },
      { point: ch4.code, ts: at(-90_000), value: 0.5 },
      { point: ch4.code, ts: at(-80_000), value: 0.7 },
      { point: co.code, ts: at(-20 * 60_000), value: 5 },
      { point: co.code, ts: at(-30_000), value: 12 },
      { point: off.code, ts: at(-30_000), value: 3 },
    ]);
    expect(res.json()).toMatchObject({ accepted: 7, rejected: [] });
    const patch = await env.app.inject({
      method: 'PATCH',
      url: `/api/points/${off.id}`,
      headers: admin,
      payload: { version: off.version, active: false },
    });
    expect(patch.statusCode).toBe(200);

    const r = await env.app.inject({
      url: `/api/monitoring/sparklines?enterpriseId=${w.entA.id}&minutes=10`,
      headers: w.users.enterprise_staff.headers,
    });
    expect(r.statusCode).toBe(200);
    const items = r.json().items as Record<string, [string, number][]>;
    expect(items[ch4.id]?.map(([ts]) => ts)).toEqual(['2026-06-15T01:57:00.000Z', '2026-06-15T01:58:00.000Z']);
    expect(items[ch4.id]?.[0]?.[1]).toBeCloseTo(0.3, 9);
    expect(items[ch4.id]?.[1]?.[1]).toBeCloseTo(0.6, 9);
    expect(items[co.id]).toEqual([['2026-06-15T01:59:00.000Z', 12]]);
    expect(items[off.id]).toBeUndefined();

    // The 10-minute window left out the CO reading of 20 minutes ago; a 30-minute one has it.
    const longer = await env.app.inject({
      url: `/api/monitoring/sparklines?enterpriseId=${w.entA.id}&minutes=30`,
      headers: w.users.enterprise_staff.headers,
    });
    expect(longer.json().items[co.id]).toEqual([
      ['2026-06-15T01:40:00.000Z', 5],
      ['2026-06-15T01:59:00.000Z', 12],
    ]);
  });

  it('refuses a bad window (400) and hides an enterprise out of scope (404)', async () => {
    const bad = await env.app.inject({
      url: `/api/monitoring/sparklines?enterpriseId=${w.entA.id}&minutes=0`,
      headers: w.users.county_admin.headers,
    });
    expect(bad.statusCode).toBe(400);
    const missingId = await env.app.inject({
      url: '/api/monitoring/sparklines',
      headers: w.users.county_admin.headers,
    });
    expect(missingId.statusCode).toBe(400);
    const outside = await env.app.inject({
      url: `/api/monitoring/sparklines?enterpriseId=${w.entB.id}`,
      headers: w.users.enterprise_admin.headers,
    });
    expect(outside.statusCode).toBe(404);
    const county = await env.app.inject({
      url: `/api/monitoring/sparklines?enterpriseId=${w.entB.id}`,
      headers: w.users.county_admin.headers,
    });
    expect(county.statusCode).toBe(200);
  });
});
