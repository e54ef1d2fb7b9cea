import os from 'node:os';
import { z } from 'zod';
import { ConfigError } from '../../platform/config.js';

/**
 * Process-level tuning of the ingest pipeline, from the environment (documented in docs/monitoring.md). The
 * module owns these variables; the platform's config (`platform/config.ts`) holds only what the platform itself
 * uses (MQTT_URL and MQTT_PORT among them: the embedded broker and the subscriber are platform code).
 * Business settings that supervisors change at run time (retention, escalation delay) live in the `settings`
 * table instead (`monitoring.settings.ts`).
 */
const int = (min: number, max: number, dflt: number) => z.coerce.number().int().min(min).max(max).default(dflt);

export const ingestEnvSchema = z.object({
  /** Readings (plus rejected items) held in memory at most; beyond it HTTP answers 503 and MQTT acks wait. */
  INGEST_BUFFER_READINGS: int(1_000, 10_000_000, 100_000),
  /** Readings written by one flush transaction at most. */
  INGEST_BATCH_READINGS: int(1, 50_000, 5_000),
  /**
   * The longest an idle pipeline waits for more messages before it starts a flush (≤ 200 ms). While a flush runs,
   * arrivals queue for the next one anyway (group commit), so 0 — flush as soon as the current I/O is handled —
   * gives the lowest latency; raise it only to make batches larger under a light, steady load.
   */
  INGEST_FLUSH_MS: int(0, 200, 0),
  /**
   * Flush loops writing in parallel, each on its own database connection, each for its own share of the points
   * (readings are split by point, so one point's readings stay in order in one loop). 2 lets the database work on
   * one batch while the next is prepared and keeps both cores of a small host busy; more than the database's
   * cores gains nothing. On PGlite (one connection) the loops take turns.
   */
  INGEST_FLUSH_LOOPS: int(1, 16, 2),
  /** How long an HTTP ingest request waits for its batch to commit before answering 202 with pending: true. */
  INGEST_HTTP_WAIT_MS: int(0, 60_000, 5_000),
  /** Period of the offline / gap / flatline check (core `tick`). */
  INGEST_TICK_MS: int(200, 60_000, 5_000),
  /** No offline alarm is raised during this long after the ingest role starts (the platform was down, not the sensors). */
  INGEST_TICK_GRACE_MS: int(0, 3_600_000, 30_000),
  /** This instance's name in MQTT client ids (`fangxian-ingest-<id>-<n>`): must be stable across restarts. */
  INGEST_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, _ . - (max 40)')
    .default(
      os
        .hostname()
        .replace(/[^A-Za-z0-9_.-]/g, '-')
        .slice(0, 40) || 'default',
    ),
  /** Connections per instance in the shared subscription (each acknowledges its messages in order, after commit). */
  INGEST_MQTT_CONNECTIONS: int(1, 32, 4),
  /**
   * MQTT version of the subscription on an external broker. 5 (default): each connection announces a Receive
   * Maximum of INGEST_MQTT_RECEIVE_MAXIMUM, so the broker may send that many messages before their PUBACKs (which
   * go out after commit); the session is kept while disconnected (Session Expiry Interval: never). 4: for a broker
   * without MQTT 5 — the broker's own window applies (Mosquitto `max_inflight_messages`, default 20), which bounds
   * single-reading messages to about connections × 20 per commit.
   */
  INGEST_MQTT_PROTOCOL: z.enum(['4', '5']).default('5'),
  /**
   * Messages each subscription connection takes before acknowledging (MQTT 5 Receive Maximum). 5,000: with 4
   * connections the app then holds up to 20,000 single-reading messages, so one commit carries thousands of them —
   * 28k → 33k single readings/s against 1,000 (docs/performance.md, session 9); memory is bounded by
   * INGEST_BUFFER_READINGS either way.
   */
  INGEST_MQTT_RECEIVE_MAXIMUM: int(1, 65_535, 5_000),
  /**
   * Shared-subscription group name, or `none` for a plain subscription on ONE connection. Mosquitto (2.0.11
   * tested) does not restore shared subscriptions from its persistence file after a broker restart, so messages
   * published between the broker's restart and the app's re-subscription are lost; a plain subscription of a
   * persistent session is restored. Use `none` with a single ingest instance on Mosquitto, a share group with
   * several instances (EMQX recommended).
   */
  INGEST_MQTT_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ - (max 40), or none')
    .default('fangxian'),
});

export type IngestEnv = z.infer<typeof ingestEnvSchema>;

export interface IngestOptions {
  bufferReadings: number;
  batchReadings: number;
  flushMs: number;
  flushLoops: number;
  httpWaitMs: number;
  tickMs: number;
  tickGraceMs: number;
  instanceId: string;
  mqttConnections: number;
  mqttProtocol: 4 | 5;
  receiveMaximum: number;
  shareGroup: string;
}

/**
 * Parses the INGEST_* variables. Throws the platform's ConfigError with one line naming the variable and the
 * problem (`Invalid INGEST_FLUSH_MS="500": …`), so `main.ts` reports it as it reports the platform's own.
 */
export function ingestOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): IngestOptions {
  const input: Record<string, string> = {};
  for (const key of Object.keys(ingestEnvSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = ingestEnvSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`Invalid ${name}=${JSON.stringify(input[name] ?? '')}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  return {
    bufferReadings: e.INGEST_BUFFER_READINGS,
    batchReadings: e.INGEST_BATCH_READINGS,
    flushMs: e.INGEST_FLUSH_MS,
    flushLoops: e.INGEST_FLUSH_LOOPS,
    httpWaitMs: e.INGEST_HTTP_WAIT_MS,
    tickMs: e.INGEST_TICK_MS,
    tickGraceMs: e.INGEST_TICK_GRACE_MS,
    instanceId: e.INGEST_INSTANCE_ID,
    mqttConnections: e.INGEST_MQTT_CONNECTIONS,
    mqttProtocol: e.INGEST_MQTT_PROTOCOL === '4' ? 4 : 5,
    receiveMaximum: e.INGEST_MQTT_RECEIVE_MAXIMUM,
    shareGroup: e.INGEST_MQTT_SHARE_GROUP,
  };
}

/** MQTT topic a gateway publishes its readings to. */
export const READINGS_TOPIC_PREFIX = 'fangxian/v1/readings/';
export function readingsTopic(gatewayId: string): string {
  return `${READINGS_TOPIC_PREFIX}${gatewayId}`;
}
