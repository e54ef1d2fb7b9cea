import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/**
 * A subscription on an external broker (Mosquitto, EMQX) with a persistent session: `clean: false` and a fixed
 * client id, so QoS 1 messages published while this instance is down are queued by the broker and delivered
 * after it reconnects.
 *
 * Acknowledgement: mqtt.js sends the PUBACK of a QoS 1 message after `handleMessage` calls back; we call back
 * when `onMessage` resolves (for ingest: after the batch holding the message is committed). mqtt.js handles one
 * message at a time per connection, in order (MQTT requires in-order PUBACKs for QoS 1), so throughput per
 * connection is one message per commit; run several connections in the shared group to batch across them.
 * If `onMessage` rejects, no PUBACK is sent and the message is redelivered after the next reconnect.
 */
export interface SubscriberOptions {
  url: string;
  clientId: string;
  /** Full topic filter, e.g. `$share/fangxian/fangxian/v1/readings/+`. */
  topic: string;
  log: Logger;
  reconnectPeriodMs?: number;
  onMessage(topic: string, payload: Buffer): Promise<void>;
}

export interface Subscriber {
  clientId: string;
  connected(): boolean;
  /** Takes no further messages (the one being handled still gets its PUBACK when it resolves). */
  stopAccepting(): void;
  /** Disconnects; the broker keeps the session and queues messages for it. */
  close(): Promise<void>;
}

export function startSubscriber(opts: SubscriberOptions): Subscriber {
  let stopping = false;
  const client: MqttClient = mqtt.connect(opts.url, {
    clientId: opts.clientId,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: opts.reconnectPeriodMs ?? 1000,
    connectTimeout: 10_000,
    keepalive: 30,
    resubscribe: false,
  });
  client.handleMessage = (packet, callback) => {
    if (stopping) return; // never acknowledged: delivered again to this session (or the group) later
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    opts.onMessage(packet.topic, payload).then(
      () => callback(),
      (err: unknown) => {
        if (stopping) return;
        // Not acknowledged: drop the connection so that the broker delivers the message again on reconnect.
        opts.log.warn({ err, clientId: opts.clientId }, 'MQTT: message not acknowledged; reconnecting');
        client.stream?.destroy();
      },
    );
  };
  let wasConnected = false;
  client.on('connect', (connack) => {
    opts.log.info({ clientId: opts.clientId, sessionPresent: connack.sessionPresent }, 'MQTT: connected to broker');
    wasConnected = true;
    client.subscribe(opts.topic, { qos: 1 }, (err) => {
      if (err) opts.log.error({ err, topic: opts.topic }, 'MQTT: subscribe failed');
    });
  });
  client.on('offline', () => {
    if (wasConnected && !stopping)
      opts.log.warn({ clientId: opts.clientId }, 'MQTT: connection to broker lost; reconnecting');
    wasConnected = false;
  });
  client.on('error', (err) => {
    if (!stopping) opts.log.warn({ err: err.message, clientId: opts.clientId }, 'MQTT: client error');
  });
  return {
    clientId: opts.clientId,
    connected: () => client.connected,
    stopAccepting() {
      stopping = true;
    },
    async close() {
      stopping = true;
      await client.endAsync(false);
    },
  };
}
