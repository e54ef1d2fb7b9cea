/**
 * The external-broker subscriber's pipelined acknowledgements (platform/mqtt/subscriber.ts), against the broker at
 * TEST_MQTT_URL: several messages of one connection are handled at once, a PUBACK goes out only once its message
 * was handled, and PUBACKs keep the arrival order. What was not acknowledged is what the broker delivers again to
 * the persistent session — that is what the test observes (the publisher's own PUBACK comes from the broker and
 * says nothing about the subscriber).
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { type Subscriber, startSubscriber } from '../src/server/platform/mqtt/subscriber.js';
import { eventually } from './monitoring.helpers.js';

const URL = process.env.TEST_MQTT_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(Boolean(URL))('MQTT subscriber: pipelined, ordered acknowledgements', () => {
  const url = URL ?? '';
  const clientId = `fx-sub-test-${randomBytes(4).toString('hex')}`;
  const topic = `fxtest/${randomBytes(4).toString('hex')}/readings`;
  const log = pino({ level: 'silent' });
  const subs: Subscriber[] = [];

  afterAll(async () => {
    for (const s of subs) await s.close().catch(() => undefined);
    const c = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
    await c.endAsync();
  });

  it('handles several messages of one connection at once and acknowledges each after it resolves, in order', async () => {
    const pending = new Map<number, () => void>();
    const a = startSubscriber({
      url,
      clientId,
      topic,
      log,
      onMessage: (_t, payload) =>
        new Promise<void>((resolve) => {
          pending.set(Number(payload.toString()), resolve);
        }),
    });
    subs.push(a);
    await eventually(() => a.connected());
    await sleep(500); // SUBACK
    const pub = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    for (let i = 0; i < 5; i++) await pub.publishAsync(topic, String(i), { qos: 1 });
    await pub.endAsync();

    // All five are being handled at the same time (before, one at a time per connection).
    await eventually(() => pending.size === 5);
    // 0 is done; 2 and 3 are done but wait behind 1; 1 and 4 are not done.
    pending.get(0)?.();
    pending.get(2)?.();
    pending.get(3)?.();
    await sleep(500);
    a.stopAccepting();
    await a.close();

    // The broker delivers again exactly what was not acknowledged: 1 to 4, in order.
    const again: number[] = [];
    const b = startSubscriber({
      url,
      clientId,
      topic,
      log,
      onMessage: async (_t, payload) => {
        again.push(Number(payload.toString()));
      },
    });
    subs.push(b);
    await eventually(() => again.length >= 4, 10_000);
    await sleep(300);
    expect(again).toEqual([1, 2, 3, 4]);
  });

  it('takes up to its Receive Maximum unacknowledged on MQTT 5; on MQTT 3.1.1 the broker window (Mosquitto: 20)', async () => {
    const held = async (protocolVersion: 4 | 5) => {
      const id = `fx-sub-rm-${protocolVersion}-${randomBytes(4).toString('hex')}`;
      const t = `fxtest/${randomBytes(4).toString('hex')}/rm`;
      let received = 0;
      const s = startSubscriber({
        url,
        clientId: id,
        topic: t,
        log,
        protocolVersion,
        maxInFlight: 300,
        onMessage: () => {
          received++;
          return new Promise<void>(() => {}); // never committed: never acknowledged
        },
      });
      await eventually(() => s.subscribed());
      const pub = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
      for (let i = 0; i < 400; i++) pub.publish(t, String(i), { qos: 1 });
      await sleep(1000);
      await pub.endAsync();
      s.stopAccepting();
      await s.close();
      const c = await mqtt.connectAsync(url, { clientId: id, clean: true, reconnectPeriod: 0 });
      await c.endAsync();
      return received;
    };
    expect(await held(5)).toBe(300);
    expect(await held(4)).toBeLessThan(300);
  });
});
