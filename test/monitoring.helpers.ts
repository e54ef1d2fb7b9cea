/** Factories and request helpers shared by the monitoring tests. */
import type { FastifyInstance } from 'fastify';
import type { LiveEvent } from '../src/server/platform/notifications/bus.js';
import type { Platform } from '../src/server/platform/platform.js';
import { makeUser, makeWorld, type TestEnv } from './harness.js';

export type World = Awaited<ReturnType<typeof makeWorld>>;
export type Headers = { cookie: string; origin: string };

/** `makeWorld` plus a signed-in enterprise admin of the SECOND enterprise (out of the first one's scope). */
export async function makeMonitoringWorld(env: TestEnv) {
  const w = await makeWorld(env);
  const { login } = await import('./harness.js');
  const otherAdmin = await makeUser(env.p, 'enterprise_admin', { enterpriseId: w.entB.id });
  const otherTown = await makeUser(env.p, 'town_officer', { regionCode: w.b.town });
  return {
    ...w,
    other: {
      admin: { ...otherAdmin, headers: await login(env.app, otherAdmin.username) },
      town: { ...otherTown, headers: await login(env.app, otherTown.username) },
    },
  };
}

export async function createGatewayApi(app: FastifyInstance, h: Headers, enterpriseId: string, name = '井下网关') {
  const res = await app.inject({ method: 'POST', url: '/api/gateways', headers: h, payload: { enterpriseId, name } });
  if (res.statusCode !== 201) throw new Error(`gateway: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; token: string; enterpriseId: string };
}

export async function createPointApi(app: FastifyInstance, h: Headers, body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/api/points', headers: h, payload: body });
  if (res.statusCode !== 201) throw new Error(`point: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; code: string; version: number; enterpriseId: string };
}

let codeSeq = 0;
export function pointCode(prefix = 'P'): string {
  codeSeq++;
  return `${prefix}${Date.now().toString(36)}${codeSeq}`;
}

export function ingest(app: FastifyInstance, token: string, readings: unknown, raw?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/ingest/readings',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: raw ?? JSON.stringify({ readings }),
  });
}

/** Collects live events from the platform's bus. */
export function captureLive(p: Platform) {
  const events: LiveEvent[] = [];
  const stop = p.bus.subscribe((e) => events.push(e));
  return { events, stop };
}

/** Polls until `fn` returns a truthy value (real time; for asynchronous delivery). */
export async function eventually<T>(
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function alarmsOf(p: Platform, pointId: string) {
  return p.db.selectFrom('alarms').selectAll().where('point_id', '=', pointId).orderBy('raised_at').execute();
}

export async function readingCount(p: Platform, pointId: string): Promise<number> {
  const r = await p.db
    .selectFrom('readings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('point_id', '=', pointId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
