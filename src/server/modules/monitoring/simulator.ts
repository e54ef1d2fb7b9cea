import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { audit } from '../../platform/audit/audit.js';
import { newSecret } from '../../platform/auth/tokens.js';
import { SYSTEM_ACTOR } from '../../platform/authz/actor.js';
import type { Db } from '../../platform/db/client.js';
import type { Platform } from '../../platform/platform.js';
import { createGateway } from './gateways.service.js';
import { readingsTopic } from './monitoring.config.js';
import { createPoint } from './points.service.js';
import type { IngestRuntime } from './runtime.js';

/**
 * Demo sensor simulator (演示数据): a gateway and a few points at demo enterprises, publishing over MQTT like a
 * real gateway (one message per gateway per period, QoS 1). Scenario, from the simulator's start:
 * - 阳城县凤鸣煤业有限公司 (coal mine): working-face methane around 0.2–0.4 % with an excursion to ≥ 1.0 % from 40 s
 *   for 25 s (and every 4 minutes after; every third excursion reaches the 1.5 % power-cut level), return-airway
 *   methane, CO, intake O2; the upper-corner methane sensor goes silent after 20 s (offline alarm); the wind
 *   speed sensor varies for 60 s and then sticks at one value (flatline: a tampering signature).
 * - 阳城县晋台化工有限公司 (chemical firm): two tank levels (one slowly rising past its high level), a tank pressure
 *   and a combustible-gas detector.
 */

export const DEMO_GATEWAY_NAME = '演示网关(模拟器)';

export type Behaviour = (scenarioMs: number, rnd: () => number) => number | null;

export interface SimPoint {
  code: string;
  name: string;
  template?: string;
  kind?: string;
  unit?: string;
  thresholds?: Record<string, number>;
  rangeMin?: number;
  rangeMax?: number;
  flatlineSeconds?: number;
  installation?: string;
  location?: string;
  behaviour: Behaviour;
}

export interface SimEnterprise {
  key: 'coal' | 'chemical';
  name: string;
  points: SimPoint[];
}

const S = 1000;
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const wave = (ms: number, periodMs: number) => Math.sin((2 * Math.PI * ms) / periodMs);

/** Methane at the working face: quiet, with an excursion from 40 s for 25 s, then every 4 minutes. */
export const workingFaceMethane: Behaviour = (ms, rnd) => {
  const cycle = 240 * S;
  const k = ms < 40 * S ? -1 : Math.floor((ms - 40 * S) / cycle);
  const into = ms - 40 * S - k * cycle;
  if (k >= 0 && into < 25 * S) {
    const peak = k % 3 === 2 ? 1.6 : 1.15;
    const shape = Math.sin((Math.PI * into) / (25 * S));
    return round(Math.max(0.3 + (peak - 0.3) * shape * 1.15, 0.3) + rnd() * 0.03, 2);
  }
  return round(0.3 + 0.08 * wave(ms, 90 * S) + (rnd() - 0.5) * 0.04, 2);
};

export const DEMO_ENTERPRISES: readonly SimEnterprise[] = [
  {
    key: 'coal',
    name: '阳城县凤鸣煤业有限公司',
    points: [
      {
        code: 'CH4-1301-T1',
        name: '1301 采煤工作面甲烷 T1',
        template: 'coal-ch4-working-face',
        rangeMin: 0,
        rangeMax: 4,
        installation: '一采区',
        location: '1301 采煤工作面',
        behaviour: workingFaceMethane,
      },
      {
        code: 'CH4-1301-T2',
        name: '1301 回风巷甲烷 T2',
        template: 'coal-ch4-working-face-return',
        rangeMin: 0,
        rangeMax: 4,
        installation: '一采区',
        location: '1301 回风巷',
        behaviour: (ms, rnd) => round(0.35 + 0.06 * wave(ms, 120 * S) + (rnd() - 0.5) * 0.03),
      },
      {
        code: 'CH4-1301-T0',
        name: '1301 上隅角甲烷 T0',
        template: 'coal-ch4-upper-corner',
        rangeMin: 0,
        rangeMax: 4,
        installation: '一采区',
        location: '1301 上隅角',
        // Goes silent after 20 s: the offline alarm (AQ 6201).
        behaviour: (ms, rnd) => (ms < 20 * S ? round(0.4 + (rnd() - 0.5) * 0.05) : null),
      },
      {
        code: 'CO-1301',
        name: '1301 回风一氧化碳',
        template: 'coal-co',
        rangeMin: 0,
        rangeMax: 500,
        installation: '一采区',
        location: '1301 回风巷',
        behaviour: (ms, rnd) => round(8 + 3 * wave(ms, 150 * S) + (rnd() - 0.5) * 1.5, 1),
      },
      {
        code: 'O2-1301-IN',
        name: '1301 进风巷氧气',
        template: 'coal-o2-intake',
        rangeMin: 0,
        rangeMax: 25,
        installation: '一采区',
        location: '1301 进风巷',
        behaviour: (ms, rnd) => round(20.75 + 0.1 * wave(ms, 200 * S) + (rnd() - 0.5) * 0.04),
      },
      {
        code: 'WS-1301',
        name: '1301 回风巷风速',
        kind: 'wind_speed',
        unit: 'm/s',
        thresholds: { low: 0.25 },
        rangeMin: 0,
        rangeMax: 15,
        flatlineSeconds: 60,
        installation: '一采区',
        location: '1301 回风巷',
        // Varies for a minute, then reads exactly the same value: the flatline (tampering) alarm.
        behaviour: (ms, rnd) => (ms < 60 * S ? round(1.8 + 0.3 * wave(ms, 30 * S) + (rnd() - 0.5) * 0.2) : 1.85),
      },
    ],
  },
  {
    key: 'chemical',
    name: '阳城县晋台化工有限公司',
    points: [
      {
        code: 'LT-101',
        name: '1# 液氨储罐液位',
        template: 'tank-level',
        thresholds: { high: 8.5, highHigh: 9.2, low: 1.0 },
        rangeMin: 0,
        rangeMax: 10,
        installation: '液氨罐区',
        location: '1# 储罐',
        // Fills slowly and passes its high level for a while every 6 minutes.
        behaviour: (ms, rnd) => round(7.6 + 1.2 * wave(ms - 30 * S, 360 * S) + (rnd() - 0.5) * 0.02),
      },
      {
        code: 'LT-102',
        name: '2# 液氨储罐液位',
        template: 'tank-level',
        thresholds: { high: 8.5, highHigh: 9.2, low: 1.0 },
        rangeMin: 0,
        rangeMax: 10,
        installation: '液氨罐区',
        location: '2# 储罐',
        behaviour: (ms, rnd) => round(5.2 + 0.4 * wave(ms, 300 * S) + (rnd() - 0.5) * 0.02),
      },
      {
        code: 'PT-101',
        name: '1# 液氨储罐压力',
        template: 'tank-pressure',
        thresholds: { high: 1.6, highHigh: 1.9 },
        rangeMin: 0,
        rangeMax: 2.5,
        installation: '液氨罐区',
        location: '1# 储罐',
        behaviour: (ms, rnd) => round(1.1 + 0.1 * wave(ms, 180 * S) + (rnd() - 0.5) * 0.02, 3),
      },
      {
        code: 'GT-201',
        name: '罐区可燃气体',
        template: 'gas-combustible-lel',
        rangeMin: 0,
        rangeMax: 100,
        installation: '液氨罐区',
        location: '围堰东侧',
        behaviour: (_ms, rnd) => round(rnd() * 3, 1),
      },
    ],
  },
];

export interface DemoDevice {
  enterpriseId: string;
  enterpriseName: string;
  gatewayId: string;
  token: string;
  points: SimPoint[];
}

/**
 * Creates (if missing) the demo gateway and points of each demo enterprise present (`is_demo`), and gives the
 * gateway a fresh token (tokens are stored hashed, so the simulator cannot reuse the old one). Pass `enterprises`
 * to pick the enterprises by id instead of by demo name.
 */
export async function ensureDemoDevices(
  db: Db,
  now: Date,
  opts: { enterprises?: Partial<Record<SimEnterprise['key'], string>>; intervalSeconds?: number } = {},
): Promise<DemoDevice[]> {
  const ctx = { actor: SYSTEM_ACTOR, ip: '127.0.0.1', now };
  const out: DemoDevice[] = [];
  for (const spec of DEMO_ENTERPRISES) {
    const wanted = opts.enterprises?.[spec.key];
    let q = db.selectFrom('enterprises').select(['id', 'name']);
    q = wanted ? q.where('id', '=', wanted) : q.where('name', '=', spec.name).where('is_demo', '=', true);
    const ent = await q.orderBy('created_at').executeTakeFirst();
    if (!ent) continue;
    const device = await db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('monitoring_gateways')
        .select(['id', 'version'])
        .where('enterprise_id', '=', ent.id)
        .where('name', '=', DEMO_GATEWAY_NAME)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      let gatewayId: string;
      let token: string;
      if (existing) {
        const { secret, hash } = newSecret('fxgw');
        await tx
          .updateTable('monitoring_gateways')
          .set({ token_hash: hash, token_hint: secret.slice(-4), version: existing.version + 1 })
          .where('id', '=', existing.id)
          .execute();
        await audit(tx, ctx, {
          action: 'monitoring.gateway.token_rotated',
          entityType: 'monitoring_gateway',
          entityId: existing.id,
          after: { reason: 'demo simulator start' },
        });
        gatewayId = existing.id;
        token = secret;
      } else {
        const g = await createGateway(tx, ctx, { enterpriseId: ent.id, name: DEMO_GATEWAY_NAME }, { demo: true });
        gatewayId = g.row.id;
        token = g.token;
      }
      const have = new Set(
        (
          await tx
            .selectFrom('monitoring_points')
            .select('code')
            .where('enterprise_id', '=', ent.id)
            .where(
              'code',
              'in',
              spec.points.map((p) => p.code),
            )
            .execute()
        ).map((r) => r.code),
      );
      for (const p of spec.points) {
        if (have.has(p.code)) continue;
        const row = await createPoint(tx, ctx, {
          enterpriseId: ent.id,
          code: p.code,
          name: p.name,
          ...(p.template ? { template: p.template } : {}),
          ...(p.kind ? { kind: p.kind as never } : {}),
          ...(p.unit ? { unit: p.unit } : {}),
          ...(p.thresholds ? { thresholds: p.thresholds } : {}),
          ...(p.rangeMin !== undefined ? { rangeMin: p.rangeMin } : {}),
          ...(p.rangeMax !== undefined ? { rangeMax: p.rangeMax } : {}),
          ...(p.flatlineSeconds !== undefined ? { flatlineSeconds: p.flatlineSeconds } : {}),
          ...(p.installation ? { installation: p.installation } : {}),
          ...(p.location ? { location: p.location } : {}),
          intervalSeconds: opts.intervalSeconds ?? 5,
        });
        await tx.updateTable('monitoring_points').set({ is_demo: true }).where('id', '=', row.id).execute();
      }
      return { enterpriseId: ent.id, enterpriseName: ent.name, gatewayId, token, points: spec.points };
    });
    out.push(device);
  }
  return out;
}

/** A small deterministic generator, so a scenario can be replayed in tests. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** The message a device sends at `scenarioMs` after the start, stamped `tsMs`; null when all its points are silent. */
export function simulatedMessage(
  device: Pick<DemoDevice, 'points'>,
  scenarioMs: number,
  tsMs: number,
  rnd: () => number,
) {
  const ts = new Date(tsMs).toISOString();
  const readings = device.points
    .map((p) => ({ point: p.code, ts, value: p.behaviour(scenarioMs, rnd) }))
    .filter((r): r is { point: string; ts: string; value: number } => r.value !== null);
  return readings.length ? { readings } : null;
}

export interface Simulator {
  devices: DemoDevice[];
  stop(): Promise<void>;
}

/** Publishes the demo scenario every `periodMs` to the broker at `url` until stopped. */
export async function runSimulator(opts: {
  url: string;
  devices: DemoDevice[];
  log: Logger;
  periodMs?: number;
  now?: () => number;
}): Promise<Simulator> {
  const period = opts.periodMs ?? 5000;
  const now = opts.now ?? Date.now;
  const started = now();
  const rnd = seededRandom(started);
  const clients: { device: DemoDevice; client: MqttClient }[] = [];
  for (const device of opts.devices) {
    const client = mqtt.connect(opts.url, {
      clientId: `fangxian-sim-${device.gatewayId.slice(0, 8)}`,
      username: device.gatewayId,
      password: device.token,
      clean: true,
      reconnectPeriod: 2000,
    });
    client.on('error', (err) =>
      opts.log.warn({ err: err.message, gateway: device.gatewayId }, 'simulator: MQTT error'),
    );
    clients.push({ device, client });
  }
  const timer = setInterval(() => {
    const t = now();
    for (const { device, client } of clients) {
      const msg = simulatedMessage(device, t - started, t, rnd);
      if (msg) client.publish(readingsTopic(device.gatewayId), JSON.stringify(msg), { qos: 1 });
    }
  }, period);
  opts.log.info(
    {
      broker: opts.url.replace(/\/\/[^@/]*@/, '//***@'),
      enterprises: opts.devices.map((d) => d.enterpriseName),
      periodMs: period,
    },
    'demo simulator publishing',
  );
  return {
    devices: opts.devices,
    async stop() {
      clearInterval(timer);
      await Promise.all(clients.map(({ client }) => client.endAsync(true)));
    },
  };
}

/**
 * DEMO mode of `npm start`: the simulator inside the server, publishing to this process's embedded broker (or to
 * MQTT_URL). Does nothing on a database without the demo enterprises.
 */
export async function startDemoSimulator(
  p: Pick<Platform, 'db' | 'clock' | 'log' | 'config'>,
  ingest: Pick<IngestRuntime, 'mqttPort'> | null,
): Promise<Simulator | null> {
  const log = p.log.child({ module: 'simulator' });
  const url = p.config.MQTT_URL ?? (ingest?.mqttPort ? `mqtt://127.0.0.1:${ingest.mqttPort}` : null);
  if (!url) {
    log.warn('demo simulator not started: no MQTT broker in this process (ingest role or MQTT port) and no MQTT_URL');
    return null;
  }
  const devices = await ensureDemoDevices(p.db, p.clock.now());
  if (devices.length === 0) return null;
  return runSimulator({ url, devices, log, now: () => p.clock.now().getTime() });
}
