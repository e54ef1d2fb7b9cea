import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createCountCache } from '../src/server/platform/db/count-cache.js';
import { BUS_RECONNECTED, type LiveEvent, postgresBus } from '../src/server/platform/notifications/bus.js';

const url = process.env.TEST_DATABASE_URL;
const log = pino({ level: 'silent' });

async function until(check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The cross-instance bus exists only on PostgreSQL; the embedded database has one instance and a local bus.
describe.skipIf(!url)('event bus on PostgreSQL', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it('carries events between instances, and comes back after its connection is killed', async () => {
    // A name of its own, so that killing these connections leaves other test files' buses alone.
    const applicationName = `fangxian-bus-test-${process.pid}`;
    const a = await postgresBus(url as string, log, { maxRetryMs: 500, applicationName });
    const b = await postgresBus(url as string, log, { maxRetryMs: 500, applicationName });
    closers.push(a.close, b.close);
    const seenByB: LiveEvent[] = [];
    b.subscribe((e) => seenByB.push(e));
    const counts = createCountCache(b);
    let counted = 0;
    await counts.get('t', 'k', async () => ++counted);

    a.publish({ userIds: [], type: 'ping', data: 1 });
    await until(() => seenByB.some((e) => e.type === 'ping'));

    // Kill both bus connections (as a database restart or failover would).
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const killed = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    await admin.end();
    expect(killed.rowCount).toBe(2);

    await until(() => seenByB.some((e) => e.type === BUS_RECONNECTED));
    // The count cache dropped what it held: announcements may have been missed meanwhile.
    expect(await counts.get('t', 'k', async () => ++counted)).toBe(2);
    // Both listen again: an event from a reaches b once a has reconnected too.
    await until(() => {
      a.publish({ userIds: [], type: 'pong', data: 2 });
      return seenByB.some((e) => e.type === 'pong');
    });
    counts.close();
  });
});
