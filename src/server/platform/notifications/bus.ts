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

/**
 * Bus across instances on PostgreSQL: LISTEN/NOTIFY carries each event to every instance, which delivers it
 * to its own SSE clients. Payloads over PostgreSQL's 8000-byte limit carry only the type (clients refetch).
 */
export async function postgresBus(url: string, log: Logger): Promise<EventBus> {
  const local = localBus();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`listen ${CHANNEL}`);
  client.on('notification', (msg) => {
    if (!msg.payload) return;
    try {
      local.publish(JSON.parse(msg.payload) as LiveEvent);
    } catch (err) {
      log.warn({ err }, 'bad event payload');
    }
  });
  client.on('error', (err) => log.error({ err }, 'event bus connection lost'));
  return {
    publish(e) {
      let payload = JSON.stringify(e);
      if (Buffer.byteLength(payload) > 7900) payload = JSON.stringify({ ...e, data: null });
      client.query('select pg_notify($1, $2)', [CHANNEL, payload]).catch((err) => log.error({ err }, 'publish failed'));
    },
    subscribe: local.subscribe,
    async close() {
      await local.close();
      await client.end();
    },
  };
}
