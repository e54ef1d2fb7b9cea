import { randomBytes, randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestRuntime, readingsTopic, startIngest } from '../src/server/modules/monitoring/index.js';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import {
  alarmsOf,
  createGatewayApi,
  createPointApi,
  eventually,
  makeMonitoringWorld,
  pointCode,
  readingCount,
} from './monitoring.helpers.js';

/** The embedded broker always; Mosquitto (or any external broker) when TEST_MQTT_URL is set. */
const BROKERS: { name: 'embedded' | 'external'; url?: string }[] = [
  { name: 'embedded' },
  ...(process.env.TEST_MQTT_URL ? [{ name: 'external' as const, url: process.env.TEST_MQTT_URL }] : []),
];
const CASES = DATABASES.flatMap((db) =>
  BROKERS.map((broker) => ({ db, broker, label: `${db.name} + ${broker.name}` })),
);

async function deadLetterCount(env: TestEnv, gatewayId: string, reason?: string): Promise<number> {
  let q = env.p.db
    .selectFrom('monitoring_dead_letters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('gateway_id', '=', gatewayId);
  if (reason) q = q.where('reason', '=', reason);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Removes persistent sessions a test left on an external broker (connect clean, disconnect). */
async function dropSessions(url: string, clientIds: string[]) {
  for (const clientId of clientIds) {
    const c = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
    await c.endAsync();
  }
}

describe.each(CASES)('MQTT ingest on $label', ({ db, broker }) => {
  let env: TestEnv;
  let w: Awaited<ReturnType<typeof makeMonitoringWorld>>;
  let ingest: IngestRuntime;
  let url: string;
  let gw: { id: string; token: string };
  const instanceId = `t${randomBytes(4).toString('hex')}`;
  const clients: MqttClient[] = [];

  async function gatewayClient(g: { id: string; token: string }, opts: mqtt.IClientOptions = {}) {
    const c = await mqtt.connectAsync(url, {
      clientId: `gw-${g.id.slice(0, 8)}-${randomBytes(3).toString('hex')}`,
      username: g.id,
      password: g.token,
      reconnectPeriod: 0,
      ...opts,
    });
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    env = await startTestEnv(db);
    w = await makeMonitoringWorld(env);
    gw = await createGatewayApi(env.app, w.users.enterprise_admin.headers, w.entA.id);
    ingest = await startIngest(
      env.p,
      broker.url
        ? {
            mqttUrl: broker.url,
            instanceId,
            shareGroup: `g${instanceId}`,
            mqttConnections: 4,
            reconnectPeriodMs: 200,
            tick: false,
          }
        : { mqttUrl: null, mqttPort: 0, mqttHost: '127.0.0.1', tick: false },
    );
    url = broker.url ?? `mqtt://127.0.0.1:${ingest.mqttPort}`;
    if (broker.url) await eventually(() => ingest.subscribers.every((s) => s.connected()));
  });

  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await ingest?.stop();
    if (broker.url) await dropSessions(broker.url, ingest?.subscribers.map((s) => s.clientId) ?? []);
    await env?.close();
  });

  const t = (offsetMs = 0) => new Date(env.clock.now().getTime() + offsetMs).toISOString();

  it('stores a published message, raises the alarm, and closes it after acknowledge and clear', async () => {
    const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
      enterpriseId: w.entA.id,
      code: pointCode('CH4-'),
      name: '掘进工作面甲烷',
      template: 'coal-ch4-heading-face',
    });
    const c = await gatewayClient(gw);
    const topic = readingsTopic(gw.id);
    const send = (readings: unknown[]) => c.publishAsync(topic, JSON.stringify({ readings }), { qos: 1 });
    await send([
      { point: pt.code, ts: t(-30_000), value: 0.25 },
      { point: pt.code, ts: t(-20_000), value: 1.1 },
    ]);
    // With the embedded broker the PUBACK comes after commit: the rows are there when publish resolves.
    if (!broker.url) expect(await readingCount(env.p, pt.id)).toBe(2);
    await eventually(async () => (await alarmsOf(env.p, pt.id)).length === 1);
    const [a] = await alarmsOf(env.p, pt.id);
    expect(a).toMatchObject({ rule: 'high', status: 'active' });
    const ack = await env.app.inject({
      method: 'POST',
      url: `/api/alarms/${a?.id}/actions`,
      headers: w.users.enterprise_staff.headers,
      payload: { action: 'acknowledge', version: a?.version },
    });
    expect(ack.statusCode).toBe(200);
    await send([{ point: pt.code, ts: t(-10_000), value: 0.4 }]);
    await eventually(async () => (await alarmsOf(env.p, pt.id))[0]?.status === 'closed');
    expect((await alarmsOf(env.p, pt.id))[0]).toMatchObject({ closed_how: 'auto', acknowledged: true });
    expect(await readingCount(env.p, pt.id)).toBe(3);
  });

  it('stores a redelivered message once and records the duplicates', async () => {
    const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
      enterpriseId: w.entA.id,
      code: pointCode('CO-'),
      name: 'CO',
      template: 'coal-co',
    });
    const c = await gatewayClient(gw);
    const payload = JSON.stringify({
      readings: [
        { point: pt.code, ts: t(-2000), value: 3 },
        { point: pt.code, ts: t(-1000), value: 4 },
      ],
    });
    await c.publishAsync(readingsTopic(gw.id), payload, { qos: 1 });
    await c.publishAsync(readingsTopic(gw.id), payload, { qos: 1, dup: true });
    await eventually(
      async () =>
        (
          await env.p.db
            .selectFrom('monitoring_dead_letters')
            .select('id')
            .where('point_ref', '=', pt.code)
            .where('reason', '=', 'duplicate')
            .execute()
        ).length === 2,
    );
    expect(await readingCount(env.p, pt.id)).toBe(2);
  });

  it('keeps the stream flowing through 10,000 malformed messages, all kept as dead letters', async () => {
    const g = await createGatewayApi(env.app, w.users.enterprise_admin.headers, w.entA.id, '坏网关');
    const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
      enterpriseId: w.entA.id,
      code: pointCode('LEL-'),
      name: '可燃气体',
      template: 'gas-combustible-lel',
    });
    const c = await gatewayClient(g);
    const topic = readingsTopic(g.id);
    const kinds = [
      (i: number) => `{"readings": [${i}`,
      (i: number) => JSON.stringify({ values: [i] }),
      (i: number) => `not json at all ${i}`,
      (i: number) => JSON.stringify([{ point: pt.code, ts: i, value: i }]),
      () => '',
    ];
    const N = 10_000;
    // An external broker queues at most max_queued_messages (Mosquitto: 1000) per subscriber session and drops
    // the rest; publish in slices there (spread over 4 sessions) so the test measures Fangxian, not that limit.
    const slice = broker.url ? 1000 : N;
    for (let start = 0; start < N; start += slice) {
      const sends: Promise<unknown>[] = [];
      for (let i = start; i < Math.min(N, start + slice); i++) {
        const k = kinds[i % kinds.length];
        sends.push(c.publishAsync(topic, k ? k(i) : '', { qos: 1 }));
      }
      await Promise.all(sends);
      if (broker.url)
        await eventually(async () => (await deadLetterCount(env, g.id)) >= Math.min(N, start + slice), 60_000);
    }
    await c.publishAsync(topic, JSON.stringify({ readings: [{ point: pt.code, ts: t(), value: 10 }] }), { qos: 1 });
    await eventually(async () => (await readingCount(env.p, pt.id)) === 1, 180_000);
    await eventually(async () => (await deadLetterCount(env, g.id)) === N, 180_000);
    expect(await deadLetterCount(env, g.id, 'malformed_json')).toBe((N / 5) * 3);
    expect(await deadLetterCount(env, g.id, 'invalid_payload')).toBe((N / 5) * 2);
    const metrics = await env.p.metrics.registry.getSingleMetricAsString('fangxian_ingest_dead_letters_total');
    expect(metrics).toMatch(/reason="malformed_json"\} \d+/);
  }, 900_000);

  it.skipIf(Boolean(broker.url))(
    'refuses a bad password and closes a gateway that publishes to another topic',
    async () => {
      await expect(
        mqtt.connectAsync(url, { username: gw.id, password: 'wrong', reconnectPeriod: 0, connectTimeout: 2000 }),
      ).rejects.toThrow();
      const other = await createGatewayApi(env.app, w.users.county_admin.headers, w.entB.id, 'B 网关');
      const ptB = await createPointApi(env.app, w.users.county_admin.headers, {
        enterpriseId: w.entB.id,
        code: pointCode('B-'),
        name: 'B CO',
        template: 'coal-co',
      });
      await expect(
        mqtt.connectAsync(url, { username: other.id, password: gw.token, reconnectPeriod: 0, connectTimeout: 2000 }),
      ).rejects.toThrow();
      const c = await gatewayClient(gw);
      const closed = new Promise<void>((r) => c.once('close', () => r()));
      c.publish(readingsTopic(other.id), JSON.stringify({ readings: [{ point: ptB.code, ts: t(), value: 99 }] }), {
        qos: 1,
      });
      await closed;
      await eventually(async () => (await deadLetterCount(env, gw.id, 'topic_not_allowed')) === 1);
      expect(await readingCount(env.p, ptB.id)).toBe(0);
      const seen = await env.app.inject({
        url: `/api/monitoring/dead-letters?reason=topic_not_allowed&gatewayId=${gw.id}`,
        headers: w.users.enterprise_admin.headers,
      });
      expect(seen.json().total).toBe(1);
      // Gateways may not subscribe (SUBACK 0x80: mqtt.js rejects), and the connection stays open.
      const sub = await gatewayClient(gw);
      await expect(sub.subscribeAsync(readingsTopic(other.id), { qos: 1 })).rejects.toThrow(/Subscribe error/);
      expect(sub.connected).toBe(true);
    },
  );

  it.skipIf(Boolean(broker.url))('disconnects a gateway when its token is revoked', async () => {
    const g = await createGatewayApi(env.app, w.users.enterprise_admin.headers, w.entA.id, '将被吊销');
    const c = await gatewayClient(g);
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    const res = await env.app.inject({
      method: 'POST',
      url: `/api/gateways/${g.id}/revoke`,
      headers: w.users.enterprise_admin.headers,
    });
    expect(res.statusCode).toBe(200);
    await closed;
    await expect(
      mqtt.connectAsync(url, { username: g.id, password: g.token, reconnectPeriod: 0, connectTimeout: 2000 }),
    ).rejects.toThrow();
  });

  it.runIf(Boolean(broker.url))('records messages on the topic of an unknown gateway for the county only', async () => {
    const ghost = randomUUID();
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    clients.push(c);
    await c.publishAsync(readingsTopic(ghost), JSON.stringify({ readings: [{ point: 'X', ts: t(), value: 1 }] }), {
      qos: 1,
    });
    await eventually(async () => (await deadLetterCount(env, ghost, 'unknown_gateway')) === 1);
    const county = await env.app.inject({
      url: `/api/monitoring/dead-letters?gatewayId=${ghost}`,
      headers: w.users.county_admin.headers,
    });
    expect(county.json().total).toBe(1);
    const town = await env.app.inject({
      url: `/api/monitoring/dead-letters?gatewayId=${ghost}`,
      headers: w.users.town_officer.headers,
    });
    expect(town.json().total).toBe(0);
  });

  it.runIf(Boolean(broker.url))('receives the QoS 1 messages published while the app was down', async () => {
    const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
      enterpriseId: w.entA.id,
      code: pointCode('O2-'),
      name: '氧气',
      template: 'coal-o2-intake',
    });
    await ingest.stop();
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    clients.push(c);
    for (let i = 0; i < 50; i++) {
      await c.publishAsync(
        readingsTopic(gw.id),
        JSON.stringify({ readings: [{ point: pt.code, ts: t(-60_000 + i * 1000), value: 20.5 }] }),
        { qos: 1 },
      );
    }
    expect(await readingCount(env.p, pt.id)).toBe(0);
    ingest = await startIngest(env.p, {
      mqttUrl: broker.url,
      instanceId,
      shareGroup: `g${instanceId}`,
      mqttConnections: 4,
      reconnectPeriodMs: 200,
      tick: false,
    });
    await eventually(async () => (await readingCount(env.p, pt.id)) === 50, 30_000);
  });
});
