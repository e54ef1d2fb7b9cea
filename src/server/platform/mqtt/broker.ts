import net from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';

/**
 * The embedded MQTT broker (aedes) for single-machine installs. Infrastructure only: who may connect and what a
 * publish means are callbacks supplied by the module that starts it.
 *
 * Acknowledgement: aedes writes the PUBACK of a QoS 1 publish right after `authorizePublish` calls back, so
 * `onPublish` runs inside `authorizePublish` and the PUBACK waits until its promise resolves (for ingest: until
 * the batch holding the message is committed). A rejected promise closes the client's connection without a
 * PUBACK (MQTT-3.3.5-2), so the client publishes the message again after reconnecting. Packets of one TCP read
 * are handled concurrently; the next read waits until all of them are done — natural back-pressure per client.
 * Nothing is forwarded to subscribers: clients may not subscribe.
 */
export interface EmbeddedBrokerOptions {
  port: number;
  host?: string;
  log: Logger;
  /** Username and password of the CONNECT packet; resolve true to accept the client. */
  authenticate(username: string | undefined, password: Buffer | undefined, clientId: string): Promise<boolean>;
  /** Called for every PUBLISH of an authenticated client; resolve to acknowledge, reject to disconnect. */
  onPublish(client: { id: string; username: string }, topic: string, payload: Buffer, qos: number): Promise<void>;
}

export interface EmbeddedBroker {
  port: number;
  connected(): number;
  /** Closes the connections of clients that authenticated with this username (e.g. a revoked gateway). */
  disconnectUser(username: string): number;
  close(): Promise<void>;
}

function authError(message: string): AuthenticateError {
  const e = new Error(message) as AuthenticateError;
  // aedes' const enum AuthErrorCode: 4 = bad username or password
  e.returnCode = 4;
  return e;
}

/** Starts the broker; resolves null (after logging one line) when the port cannot be bound. */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker | null> {
  const usernames = new WeakMap<Client, string>();
  const clients = new Set<Client>();
  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      opts.authenticate(username, password, client.id).then(
        (ok) => {
          if (!ok) return done(authError('bad username or password'), false);
          usernames.set(client, username ?? '');
          done(null, true);
        },
        (err) => {
          opts.log.warn({ err }, 'mqtt authentication failed');
          done(authError('server unavailable'), false);
        },
      );
    },
    authorizePublish(client, packet, callback) {
      const username = client ? usernames.get(client) : undefined;
      if (!client || username === undefined || packet.topic.startsWith('$SYS')) {
        callback(new Error('publish not allowed'));
        return;
      }
      packet.retain = false;
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      opts.onPublish({ id: client.id, username }, packet.topic, payload, packet.qos).then(
        () => callback(null),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
    authorizeSubscribe(_client, _sub, callback) {
      // A null subscription is refused with SUBACK 0x80; the connection stays open.
      callback(null, null);
    },
  });
  // 'client' (registered, before CONNACK) rather than 'clientReady', which aedes may emit much later.
  aedes.on('client', (c) => clients.add(c));
  aedes.on('clientDisconnect', (c) => clients.delete(c));
  aedes.on('clientError', (c, err) => {
    clients.delete(c);
    opts.log.debug({ err: err.message, client: c.id }, 'mqtt client error');
  });

  const server = net.createServer(aedes.handle);
  const bound = await new Promise<number | null>((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      opts.log.error(
        `MQTT: cannot listen on ${opts.host ?? '0.0.0.0'}:${opts.port} (${err.code ?? err.message}); gateways cannot connect over MQTT — set MQTT_PORT to a free port or MQTT_URL to an external broker. HTTP ingest keeps working.`,
      );
      resolve(null);
    });
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : opts.port);
    });
  });
  if (bound === null) {
    await new Promise<void>((r) => aedes.close(() => r()));
    return null;
  }
  server.on('error', (err) => opts.log.error({ err }, 'MQTT listener error'));
  return {
    port: bound,
    connected: () => clients.size,
    disconnectUser(username) {
      let n = 0;
      for (const c of [...clients]) {
        if (usernames.get(c) === username) {
          c.close();
          clients.delete(c);
          n++;
        }
      }
      return n;
    },
    async close() {
      // aedes.close() ends every client connection; only then can the listener's close() complete.
      const listening = new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => aedes.close(() => r()));
      for (const c of clients) c.conn.destroy();
      await listening;
    },
  };
}
