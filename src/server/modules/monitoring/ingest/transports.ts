import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../../../platform/clock.js';
import { READINGS_TOPIC_PREFIX, readingsTopic } from '../monitoring.config.js';
import { MAX_DEAD_LETTER_PAYLOAD, parseReadingsMessage } from './payload.js';
import {
  type GatewayInfo,
  IngestClosedError,
  type IngestPipeline,
  type SubmitInput,
  type SubmitResult,
} from './pipeline.js';

/** Retries a database lookup until it works (the database may be briefly unavailable) or the pipeline closes. */
async function patiently<T>(pipeline: IngestPipeline, log: Logger, fn: () => Promise<T>): Promise<T> {
  let wait = 200;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (pipeline.isClosed()) throw new IngestClosedError();
      if (wait === 200) log.warn({ err }, 'ingest: gateway lookup failed; retrying');
      await sleep(wait);
      wait = Math.min(wait * 2, 5000);
    }
  }
}

/**
 * One MQTT message from a known gateway: parse, admit (waiting for room), resolve after commit. A malformed
 * message becomes a dead letter and is acknowledged like any other, so it never blocks the stream.
 *
 * Not async on purpose: the usual message (gateway and retention limit cached, room in the buffer) is parsed and
 * queued synchronously and its commit promise returned as is — no async frame or extra microtask per message.
 * Anything else takes the awaiting path. A synchronous throw is returned as a rejection.
 */
export function ingestMqttMessage(
  pipeline: IngestPipeline,
  clock: Clock,
  gateway: GatewayInfo | null,
  claimedGatewayId: string | null,
  payload: Buffer,
): Promise<SubmitResult> {
  try {
    const now = clock.now().getTime();
    if (!gateway || gateway.revokedAt) {
      return admitWaiting(pipeline, {
        source: 'mqtt',
        gateway: null,
        claimedGatewayId,
        readings: [],
        rejects: [],
        message: {
          reason: gateway ? 'revoked_gateway' : 'unknown_gateway',
          detail: `gateway ${claimedGatewayId ?? '?'}`,
          payload: payloadText(payload),
        },
      });
    }
    const minTs = pipeline.cachedMinTs(now);
    if (minTs === undefined) {
      return pipeline.minTs(now).then((m) => admitParsed(pipeline, gateway, payload, now, m));
    }
    return admitParsed(pipeline, gateway, payload, now, minTs);
  } catch (err) {
    return Promise.reject(err);
  }
}

function admitParsed(
  pipeline: IngestPipeline,
  gateway: GatewayInfo,
  payload: Buffer,
  now: number,
  minTs: number,
): Promise<SubmitResult> {
  const parsed = parseReadingsMessage(payload, { now, minTs });
  const input: SubmitInput = parsed.ok
    ? { source: 'mqtt', gateway, readings: parsed.readings, rejects: parsed.rejects }
    : {
        source: 'mqtt',
        gateway,
        readings: [],
        rejects: [],
        message: { reason: parsed.reason, detail: parsed.detail, payload: payloadText(payload) },
      };
  return pipeline.admitNow(input) ?? admitWaiting(pipeline, input);
}

async function admitWaiting(pipeline: IngestPipeline, input: SubmitInput): Promise<SubmitResult> {
  const admitted = await pipeline.admit(input, 'wait');
  if (!admitted) throw new IngestClosedError();
  return admitted.committed;
}

/** The message as a dead letter keeps it. */
function payloadText(payload: Buffer): string {
  return payload.toString('utf8').slice(0, MAX_DEAD_LETTER_PAYLOAD);
}

/** Handlers for the embedded broker: gateway id as username, token as password, own topic only. */
export function embeddedBrokerHandlers(pipeline: IngestPipeline, clock: Clock, log: Logger) {
  return {
    async authenticate(username: string | undefined, password: Buffer | undefined): Promise<boolean> {
      if (!username || !password) return false;
      const g = await pipeline.gatewayByToken(password.toString('utf8'));
      return g !== null && g.id === username && g.revokedAt === null;
    },
    async onPublish(client: { id: string; username: string }, topic: string, payload: Buffer): Promise<void> {
      const gateway =
        pipeline.cachedGateway(client.username) ??
        (await patiently(pipeline, log, () => pipeline.gatewayById(client.username)));
      if (!gateway || gateway.revokedAt) throw new Error('gateway revoked');
      if (topic !== readingsTopic(gateway.id)) {
        // Recorded for the enterprise to see, then the connection is closed (MQTT-3.3.5-2).
        const admitted = await pipeline.admit(
          {
            source: 'mqtt',
            gateway,
            readings: [],
            rejects: [],
            message: {
              reason: 'topic_not_allowed',
              detail: `published to "${topic.slice(0, 200)}"; a gateway may publish only to ${readingsTopic(gateway.id)}`,
              payload: payload.toString('utf8').slice(0, MAX_DEAD_LETTER_PAYLOAD),
            },
          },
          'fail',
        );
        admitted?.committed.catch(() => undefined);
        throw new Error('topic not allowed');
      }
      await ingestMqttMessage(pipeline, clock, gateway, gateway.id, payload);
    },
  };
}

/** Handler for the shared subscription on an external broker: the gateway is the last topic level. */
export function externalMessageHandler(pipeline: IngestPipeline, clock: Clock, log: Logger) {
  // Not async: a cached gateway (the usual case) goes straight to ingestMqttMessage's synchronous path.
  return (topic: string, payload: Buffer): Promise<unknown> => {
    const id = topic.startsWith(READINGS_TOPIC_PREFIX) ? topic.slice(READINGS_TOPIC_PREFIX.length) : '';
    const cached = pipeline.cachedGateway(id);
    if (cached !== undefined) return ingestMqttMessage(pipeline, clock, cached, id || null, payload);
    return patiently(pipeline, log, () => pipeline.gatewayById(id)).then((gateway) =>
      ingestMqttMessage(pipeline, clock, gateway, id || null, payload),
    );
  };
}
