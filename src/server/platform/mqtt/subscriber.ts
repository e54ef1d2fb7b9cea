import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/**
 * A subscription on an external broker (Mosquitto, EMQX) with a persistent session: `clean: false` and a fixed
 * client id, so QoS 1 messages published while this instance is down are queued by the broker and delivered
 * after it reconnects.
 *
 * Acknowledgement, pipelined: each QoS 1 message's PUBACK is sent only after `onMessage` resolved for it (for
 * ingest: after the batch holding it is committed), and PUBACKs go out in the order the PUBLISHes arrived (MQTT
 * 3.1.1 §4.6, MQTT 5 §4.6). Up to `maxInFlight` messages per connection are handled at once, so one commit
 * acknowledges many messages of one connection instead of one. On MQTT 5 the connection announces `maxInFlight` as
 * its Receive Maximum and the broker sends that many unacknowledged (Mosquitto 2.0 honours it; EMQX takes the lower
 * of it and its `max_inflight`); on MQTT 3.1.1 the broker's own window bounds it (Mosquitto `max_inflight_messages`,
 * default 20): with acknowledgement after commit, a connection then carries at most 20 messages per commit.
 *
 * How: mqtt.js reads the next packet only after the previous one's PUBACK was handed to its writer, and it sends
 * that PUBACK when `handleMessage` calls back without an error. We call back at once *with* a marker error, which
 * makes mqtt.js move on without a PUBACK (mqtt 5.16 `handlers/publish.js`: `if (err) return done(err)`), and
 * send the PUBACKs ourselves, in order, once the messages are committed — every consecutive committed one at the
 * head of the window in one write to the connection's stream. If `onMessage` rejects, nothing more is
 * acknowledged on this connection: it is dropped, and the broker delivers every unacknowledged message again after
 * the reconnect (PUBACKs still held for the old connection are discarded, never sent on the new one — those
 * messages come again and are stored once, see docs/monitoring.md §3).
 * `test/monitoring.subscriber.test.ts` checks the order and the timing against a real broker, so an mqtt.js
 * upgrade that changes this behaviour fails there.
 */
export interface SubscriberOptions {
  url: string;
  clientId: string;
  /** Full topic filter, e.g. `$share/fangxian/fangxian/v1/readings/+`. */
  topic: string;
  log: Logger;
  reconnectPeriodMs?: number;
  onMessage(topic: string, payload: Buffer): Promise<unknown>;
  /**
   * Messages handled at once per connection (default 1,000). On MQTT 5 it is announced as the connection's Receive
   * Maximum, so the broker sends up to that many before their PUBACKs; on MQTT 3.1.1 the broker's own window
   * applies (Mosquitto `max_inflight_messages`, default 20).
   */
  maxInFlight?: number;
  /** 5 (default) or 4 (MQTT 3.1.1, for a broker without MQTT 5). */
  protocolVersion?: 4 | 5;
}

export interface Subscriber {
  clientId: string;
  connected(): boolean;
  /** Connected and the broker has granted the subscription (SUBACK) on this connection. */
  subscribed(): boolean;
  /** Takes no further messages (those being handled still get their PUBACKs when they resolve). */
  stopAccepting(): void;
  /** Disconnects; the broker keeps the session and queues messages for it. */
  close(): Promise<void>;
}

/** Passed to mqtt.js's handleMessage callback so that it sends no PUBACK of its own (we send it after commit). */
const DEFERRED = new Error('PUBACK deferred until the message is committed');

export function startSubscriber(opts: SubscriberOptions): Subscriber {
  let stopping = false;
  const maxInFlight = opts.maxInFlight ?? 1000;
  const v5 = (opts.protocolVersion ?? 5) === 5;
  const client: MqttClient = mqtt.connect(opts.url, {
    clientId: opts.clientId,
    clean: false,
    protocolVersion: v5 ? 5 : 4,
    // MQTT 5 ends a session when its connection closes unless it asks otherwise: kept, as 3.1.1 keeps it.
    ...(v5 ? { properties: { receiveMaximum: maxInFlight, sessionExpiryInterval: 0xffff_ffff } } : {}),
    reconnectPeriod: opts.reconnectPeriodMs ?? 1000,
    connectTimeout: 10_000,
    keepalive: 30,
    resubscribe: false,
  });
  /** This connection's messages awaiting their PUBACK, in arrival order (acknowledged ones leave from the front). */
  let window: { messageId: number | undefined; done: boolean }[] = [];
  /** mqtt.js's callback for the last message taken (calling it reads the next packet), held while the window is full. */
  let paused: ((err?: Error) => void) | null = null;
  const release = () => {
    let n = 0;
    while (window[n]?.done) n++;
    if (n === 0) return;
    const acked = window.splice(0, n);
    // One write for all of them: a PUBACK with Remaining Length 2 (packet id only) means success in MQTT 3.1.1
    // and MQTT 5 alike (MQTT 5 §3.4.2.1). Written straight to the connection's stream, in order with mqtt.js's own
    // writes (both are synchronous writes to the same stream): mqtt.js's _sendPacket per PUBACK cost ~4 % of the
    // ingest's CPU with single-reading messages.
    if (client.connected && client.stream) {
      const frames = Buffer.allocUnsafe(4 * n);
      let at = 0;
      for (const m of acked) {
        if (m.messageId === undefined) continue;
        frames[at] = 0x40;
        frames[at + 1] = 0x02;
        frames.writeUInt16BE(m.messageId, at + 2);
        at += 4;
      }
      if (at > 0) client.stream.write(at === frames.length ? frames : frames.subarray(0, at));
    }
    if (paused && window.length < maxInFlight) {
      const next = paused;
      paused = null;
      next(DEFERRED);
    }
  };
  client.handleMessage = (packet, callback) => {
    if (stopping) return; // never acknowledged: delivered again to this session (or the group) later
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const own = window;
    const entry = { messageId: packet.qos > 0 ? packet.messageId : undefined, done: false };
    own.push(entry);
    opts.onMessage(packet.topic, payload).then(
      () => {
        if (own !== window) return; // the connection it came on is gone; the broker sends it again
        entry.done = true;
        if (own[0] === entry) release();
      },
      (err: unknown) => {
        if (stopping || own !== window) return;
        // Not acknowledged: drop the connection so that the broker delivers the message again on reconnect.
        opts.log.warn({ err, clientId: opts.clientId }, 'MQTT: message not acknowledged; reconnecting');
        window = [];
        client.stream?.destroy();
      },
    );
    if (window.length < maxInFlight) callback(DEFERRED);
    else paused = callback;
  };
  client.on('close', () => {
    subscribed = false;
    // PUBACKs not yet sent belong to the closed connection: the broker redelivers those messages.
    window = [];
    paused = null;
  });
  let wasConnected = false;
  let subscribed = false;
  client.on('connect', (connack) => {
    opts.log.info({ clientId: opts.clientId, sessionPresent: connack.sessionPresent }, 'MQTT: connected to broker');
    wasConnected = true;
    client.subscribe(opts.topic, { qos: 1 }, (err, granted) => {
      if (err) opts.log.error({ err, topic: opts.topic }, 'MQTT: subscribe failed');
      else subscribed = client.connected && (granted ?? []).every((g) => g.qos !== 128);
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
    subscribed: () => subscribed && client.connected,
    stopAccepting() {
      stopping = true;
    },
    async close() {
      stopping = true;
      await client.endAsync(false);
    },
  };
}
