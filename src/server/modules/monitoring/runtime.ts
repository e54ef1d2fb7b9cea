import { type EmbeddedBroker, startEmbeddedBroker } from '../../platform/mqtt/broker.js';
import { type Subscriber, startSubscriber } from '../../platform/mqtt/subscriber.js';
import type { Platform } from '../../platform/platform.js';
import { type IngestPipeline, ingestPipeline } from './ingest/pipeline.js';
import { embeddedBrokerHandlers, externalMessageHandler } from './ingest/transports.js';
import { type IngestOptions, READINGS_TOPIC_PREFIX } from './monitoring.config.js';
import { readMonitoringSettings } from './monitoring.settings.js';
import { maintainPartitions } from './partitions.js';

export interface StartIngestOptions extends Partial<IngestOptions> {
  /** External broker; default `MQTT_URL`. Null forces the embedded broker. */
  mqttUrl?: string | null;
  /** Embedded broker port; default `MQTT_PORT` (0 = any free port). */
  mqttPort?: number;
  mqttHost?: string;
  /** Run the periodic offline/flatline check (default true). */
  tick?: boolean;
  /** Reconnect period of the external subscription (ms). */
  reconnectPeriodMs?: number;
}

export interface IngestRuntime {
  pipeline: IngestPipeline;
  /** The embedded broker's port, or null (external broker, or the port was taken). */
  mqttPort: number | null;
  broker: EmbeddedBroker | null;
  subscribers: Subscriber[];
  stop(): Promise<void>;
}

/**
 * The ingest role: partitions ahead, every point's rule state loaded, the MQTT intake (an external broker's
 * shared subscription when MQTT_URL is set, else the embedded broker on MQTT_PORT) and the periodic tick.
 * HTTP ingest (`POST /api/ingest/readings`) belongs to the api role and shares the same pipeline.
 */
export async function startIngest(p: Platform, o: StartIngestOptions = {}): Promise<IngestRuntime> {
  const { mqttUrl: _u, mqttPort: _p, mqttHost: _h, tick: _t, reconnectPeriodMs: _r, ...tuning } = o;
  const pipeline = ingestPipeline(p, tuning);
  const log = p.log.child({ role: 'ingest' });
  try {
    const r = await maintainPartitions(p.db, p.clock.now(), await readMonitoringSettings(p.db));
    if (r.created.length || r.dropped.length) log.info(r, 'monitoring partitions maintained');
  } catch (err) {
    log.error({ err }, 'could not prepare the readings partitions; the pipeline creates them on demand');
  }
  const points = await pipeline.loadAllPoints();
  if (o.tick !== false) pipeline.startTicking();

  const url = o.mqttUrl === undefined ? (p.config.MQTT_URL ?? null) : o.mqttUrl;
  let broker: EmbeddedBroker | null = null;
  const subscribers: Subscriber[] = [];
  if (url) {
    const plain = pipeline.options.shareGroup === 'none';
    const topic = plain
      ? `${READINGS_TOPIC_PREFIX}+`
      : `$share/${pipeline.options.shareGroup}/${READINGS_TOPIC_PREFIX}+`;
    const connections = plain ? 1 : pipeline.options.mqttConnections;
    if (plain && pipeline.options.mqttConnections > 1) {
      log.warn(
        'INGEST_MQTT_SHARE_GROUP=none: one connection (a plain subscription on several would duplicate every message)',
      );
    }
    const onMessage = externalMessageHandler(pipeline, p.clock, log);
    for (let i = 0; i < connections; i++) {
      subscribers.push(
        startSubscriber({
          url,
          clientId: `fangxian-ingest-${pipeline.options.instanceId}-${i}`,
          topic,
          log,
          onMessage,
          protocolVersion: pipeline.options.mqttProtocol,
          maxInFlight: pipeline.options.receiveMaximum,
          ...(o.reconnectPeriodMs ? { reconnectPeriodMs: o.reconnectPeriodMs } : {}),
        }),
      );
    }
    log.info(
      { broker: url.replace(/\/\/[^@/]*@/, '//***@'), topic, connections: subscribers.length, points },
      'ingest: subscribing to the external broker',
    );
  } else {
    const h = embeddedBrokerHandlers(pipeline, p.clock, log);
    broker = await startEmbeddedBroker({
      port: o.mqttPort ?? p.config.MQTT_PORT,
      ...(o.mqttHost ? { host: o.mqttHost } : {}),
      log,
      authenticate: h.authenticate,
      onPublish: h.onPublish,
    });
    if (broker) log.info({ port: broker.port, points }, 'ingest: embedded MQTT broker listening');
  }
  const onRevoked = (id: string) => broker?.disconnectUser(id);
  pipeline.events.on('gateway-revoked', onRevoked);
  const gauge = setInterval(() => {
    pipeline.metrics.mqttClients.set(broker ? broker.connected() : subscribers.filter((s) => s.connected()).length);
  }, 5000);
  gauge.unref();

  let stopped = false;
  return {
    pipeline,
    mqttPort: broker?.port ?? null,
    broker,
    subscribers,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(gauge);
      pipeline.events.off('gateway-revoked', onRevoked);
      for (const s of subscribers) s.stopAccepting();
      await pipeline.close();
      await Promise.all(subscribers.map((s) => s.close()));
      await broker?.close();
    },
  };
}
