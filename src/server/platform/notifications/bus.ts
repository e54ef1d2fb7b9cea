import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';

/** A live event for open pages: delivered to the users named (SSE). */
export interface LiveEvent {
  userIds: string[] | 'all';
  type: string;
  data: unknown;
}

export interface EventBus {
  publish(event: LiveEvent): void;
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

/** In-process bus: enough for one instance (the embedded database). */
export function localBus(): EventBus {
  const ee = new EventEmitter();
  ee.setMaxListeners(0);
  return {
    publish: (e) => ee.emit('e', e),
    subscribe(listener) {
      ee.on('e', listener);
      return () => ee.off('e', listener);
    },
    async close() {
      ee.removeAllListeners();
    },
  };
}

const CHANNEL = 'fangxian_events';

/** Published locally (to this instance's subscribers only) when the bus reconnects: events may have been missed. */
export const BUS_RECONNECTED = 'bus.reconnected';
const APPLICATION_NAME = 'fangxian-bus';

/**
 * Bus across instances on PostgreSQL: LISTEN/NOTIFY carries each event to every instance, which delivers it
 * to its own SSE clients. Payloads over PostgreSQL's 8000-byte limit carry only the type (clients refetch).
 * The listening connection comes back by itself when it is lost (a database restart, a failover, an idle
 * timeout on a proxy): retried after 0.5 s, doubling to 30 s. While it is down, events reach only this
 * instance's subscribers; once it is back, subscribers get BUS_RECONNECTED so caches that rely on the bus
 * can drop what they hold.
 */
export async function postgresBus(
  url: string,
  log: Logger,
  opts: { maxRetryMs?: number; applicationName?: string } = {},
): Promise<EventBus> {
  const local = localBus();
  const maxRetryMs = opts.maxRetryMs ?? 30_000;
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = 500;
  let timer: NodeJS.Timeout | null = null;
  let sending: Promise<void> = Promise.resolve();

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url, application_name: opts.applicationName ?? APPLICATION_NAME });
    c.on('notification', (msg) => {
      if (!msg.payload) return;
      try {
        local.publish(JSON.parse(msg.payload) as LiveEvent);
      } catch (err) {
        log.warn({ err }, 'bad event payload');
      }
    });
    // Without an error listener a lost connection would crash the process; the 'end' handler reconnects.
    c.on('error', (err) => log.error({ err }, 'event bus connection lost'));
    c.on('end', () => {
      if (client === c) lost();
    });
    await c.connect();
    await c.query(`listen ${CHANNEL}`);
    return c;
  }

  function lost() {
    client = null;
    if (closed || timer) return;
    log.warn({ retryMs }, 'event bus disconnected; reconnecting');
    timer = setTimeout(async () => {
      timer = null;
      try {
        const c = await connect();
        if (closed) {
          await c.end();
          return;
        }
        client = c;
        retryMs = 500;
        log.info('event bus reconnected');
        local.publish({ userIds: [], type: BUS_RECONNECTED, data: null });
      } catch (err) {
        log.error({ err }, 'event bus reconnect failed');
        retryMs = Math.min(retryMs * 2, maxRetryMs);
        lost();
      }
    }, retryMs);
    timer.unref();
  }

  client = await connect();
  return {
    publish(e) {
      let payload = JSON.stringify(e);
      if (Buffer.byteLength(payload) > 7900) payload = JSON.stringify({ ...e, data: null });
      const c = client;
      if (!c) {
        // Other instances miss this one; this instance's own subscribers still get it.
        local.publish(e);
        return;
      }
      // One statement at a time on the listening connection (pg queues concurrent calls itself, but that is
      // deprecated in pg 8 and removed in pg 9), in publish order.
      sending = sending
        .then(() => c.query('select pg_notify($1, $2)', [CHANNEL, payload]))
        .then(
          () => undefined,
          (err: unknown) => {
            log.error({ err }, 'publish failed');
            local.publish(e);
          },
        );
    },
    subscribe: local.subscribe,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await local.close();
      const c = client;
      client = null;
      await sending;
      await c?.end();
    },
  };
}
