/**
 * The ingest pipeline's write path (ingest/pipeline.ts): a message split over the parallel flush loops comes back
 * as one result, and the optimistic rule-state update notices a state changed elsewhere (another instance, the
 * tick) and redoes the batch under row locks on the newest state instead of overwriting it. An MQTT message is
 * taken without waiting while the buffer has room and waits for room when it has none.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestPipeline } from '../src/server/modules/monitoring/ingest/pipeline.js';
import { ingestMqttMessage } from '../src/server/modules/monitoring/ingest/transports.js';
import { ingestOptionsFromEnv } from '../src/server/modules/monitoring/monitoring.config.js';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import {
  createGatewayApi,
  createPointApi,
  ingest,
  makeMonitoringWorld,
  pointCode,
  readingCount,
} from './monitoring.helpers.js';

async function mqttMessagesCounted(env: TestEnv): Promise<number> {
  const text = await env.p.metrics.registry.getSingleMetricAsString('fangxian_ingest_messages_total');
  return Number(/fangxian_ingest_messages_total\{source="mqtt"\} (\d+)/.exec(text)?.[1] ?? 0);
}

async function conflicts(env: TestEnv): Promise<number> {
  const text = await env.p.metrics.registry.getSingleMetricAsString('fangxian_ingest_state_conflicts_total');
  return Number(/fangxian_ingest_state_conflicts_total (\d+)/.exec(text)?.[1] ?? 0);
}

describe.each(DATABASES)('ingest write path on $name', (dbc) => {
  let env: TestEnv;
  let w: Awaited<ReturnType<typeof makeMonitoringWorld>>;
  let gw: { id: string; token: string };
  const t = (offsetMs = 0) => new Date(env.clock.now().getTime() + offsetMs).toISOString();

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await makeMonitoringWorld(env);
    gw = await createGatewayApi(env.app, w.users.enterprise_admin.headers, w.entA.id);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('takes an MQTT message at once while the buffer has room, and waits for room when it is full', async () => {
    const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
      enterpriseId: w.entA.id,
      code: pointCode('B-'),
      name: '储罐液位',
      template: 'tank-level',
      thresholds: { high: 90 },
    });
    // A pipeline of its own with the smallest buffer: 1,000 readings.
    const pipeline = createIngestPipeline(env.p, { ...ingestOptionsFromEnv({}), bufferReadings: 1000 });
    try {
      const gateway = await pipeline.gatewayById(gw.id);
      await pipeline.minTs(env.clock.now().getTime());
      const message = (n: number, from: number) =>
        Buffer.from(
          JSON.stringify({
            readings: Array.from({ length: n }, (_, i) => ({ point: pt.code, ts: t(-200_000 + from + i), value: 3 })),
          }),
        );
      const counted = await mqttMessagesCounted(env);
      // 1,000 readings fill the buffer, synchronously: no flush can have run yet.
      const first = ingestMqttMessage(pipeline, env.clock, gateway, gw.id, message(1000, 0));
      expect(pipeline.stats().buffered).toBe(1000);
      // Full: admitNow declines and has done nothing (not counted, nothing buffered or queued).
      const input = { source: 'mqtt' as const, gateway, readings: [], rejects: [] };
      expect(pipeline.admitNow(input)).toBeNull();
      expect(pipeline.stats()).toMatchObject({ buffered: 1000, waiting: 0 });
      // The next message goes through admit and waits for room instead.
      const second = ingestMqttMessage(pipeline, env.clock, gateway, gw.id, message(10, 1000));
      expect(pipeline.stats().waiting).toBe(1);
      expect(await first).toEqual({ accepted: 1000, rejected: [] });
      expect(await second).toEqual({ accepted: 10, rejected: [] });
      expect(await mqttMessagesCounted(env)).toBe(counted + 2);
      expect(await readingCount(env.p, pt.id)).toBe(1010);
      // Closed: declines too, so the caller's admit answers the closed error.
      await pipeline.close();
      expect(pipeline.admitNow(input)).toBeNull();
      await expect(ingestMqttMessage(pipeline, env.clock, gateway, gw.id, message(1, 2000))).rejects.toThrow();
    } finally {
      await pipeline.close();
    }
  });

  it('answers one result for a message spread over the flush loops, rejects in index order', async () => {
    const points = [];
    for (let i = 0; i < 8; i++) {
      points.push(
        await createPointApi(env.app, w.users.enterprise_admin.headers, {
          enterpriseId: w.entA.id,
          code: pointCode(`S${i}-`),
          name: `甲烷 ${i}`,
          template: 'coal-ch4-working-face',
        }),
      );
    }
    const items: unknown[] = points.map((pt, i) => ({ point: pt.code, ts: t(-30_000 + i), value: 0.3 }));
    items.splice(3, 0, { point: 'NO-SUCH-POINT', ts: t(-1000), value: 0.3 });
    items.splice(6, 0, { point: points[0]?.code, ts: t(-1000), value: 'x' });
    const res = await ingest(env.app, gw.token, items);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      accepted: 8,
      rejected: [
        { index: 3, point: 'NO-SUCH-POINT', reason: 'unknown_point' },
        { index: 6, point: points[0]?.code, reason: 'non_numeric' },
      ],
    });
    for (const pt of points) expect(await readingCount(env.p, pt.id)).toBe(1);
  });

  it('redoes a batch under row locks when another writer changed the rule state, keeping that change', async () => {
    const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
      enterpriseId: w.entA.id,
      code: pointCode('C-'),
      name: '甲烷 C',
      template: 'coal-ch4-working-face',
    });
    expect((await ingest(env.app, gw.token, [{ point: pt.code, ts: t(-60_000), value: 0.3 }])).json()).toEqual({
      accepted: 1,
      rejected: [],
    });
    const before = await conflicts(env);
    // Another instance writes the point's state meanwhile (its revision moves on).
    await sql`update monitoring_point_state set state = jsonb_set(state::jsonb, '{ignored}', '7')::text, rev = rev + 1
              where point_id = ${pt.id}`.execute(env.p.db);
    const rev = async () =>
      Number(
        (
          await env.p.db
            .selectFrom('monitoring_point_state')
            .select(['rev', 'state'])
            .where('point_id', '=', pt.id)
            .executeTakeFirstOrThrow()
        ).rev,
      );
    const revBefore = await rev();

    const second = await ingest(env.app, gw.token, [{ point: pt.code, ts: t(-50_000), value: 0.4 }]);
    expect(second.json()).toEqual({ accepted: 1, rejected: [] });
    expect(await conflicts(env)).toBe(before + 1);
    const row = await env.p.db
      .selectFrom('monitoring_point_state')
      .select(['rev', 'state'])
      .where('point_id', '=', pt.id)
      .executeTakeFirstOrThrow();
    expect(Number(row.rev)).toBe(revBefore + 1);
    const state = (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as {
      ignored: number;
      lastValue: number;
    };
    expect(state.ignored).toBe(7); // evaluated on the other writer's state, not on the stale copy
    expect(state.lastValue).toBe(0.4);

    // The reloaded revision is the database's: the next batch goes through without a conflict.
    await ingest(env.app, gw.token, [{ point: pt.code, ts: t(-40_000), value: 0.5 }]);
    expect(await conflicts(env)).toBe(before + 1);
    expect(await readingCount(env.p, pt.id)).toBe(3);
  });
});
