/** Retention of monitoring data: dead letters (job monitoring.dead-letters) and time partitions (monitoring.partitions). */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartition, listPartitions, partitionName } from '../src/server/modules/monitoring/partitions.js';
import { DATABASES, login, makeUser, startTestEnv, type TestEnv } from './harness.js';

const DAY = 86_400_000;

describe.each(DATABASES)('monitoring retention on $name', (dbc) => {
  let env: TestEnv;
  let admin: { cookie: string; origin: string };

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    const u = await makeUser(env.p, 'county_admin');
    admin = await login(env.app, u.username);
  });
  afterAll(() => env?.close());

  /** `n` dead letters received at `at`, tagged so that each test counts only its own rows. */
  async function deadLetters(tag: string, at: Date, n = 1) {
    await sql`
      insert into monitoring_dead_letters (received_at, source, reason, detail, payload)
      select ${at}, 'mqtt', 'malformed_json', ${tag}, 'x' from generate_series(1, ${n})`.execute(env.p.db);
  }
  async function left(tag: string) {
    const r = await env.p.db
      .selectFrom('monitoring_dead_letters')
      .select((e) => e.fn.countAll<string>().as('n'))
      .where('detail', '=', tag)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
  async function setRetention(days: number) {
    const get = await env.app.inject({ method: 'GET', url: '/api/monitoring/settings', headers: admin });
    const put = await env.app.inject({
      method: 'PUT',
      url: '/api/monitoring/settings',
      headers: admin,
      payload: { version: get.json().version, deadLetterRetentionDays: days },
    });
    expect(put.statusCode).toBe(200);
  }

  it('deletes dead letters older than 30 days by default, as of the run date, and is idempotent', async () => {
    const asOf = new Date('2026-07-20T16:20:00Z');
    const cutoff = asOf.getTime() - 30 * DAY;
    await deadLetters('old', new Date(cutoff - 1), 3);
    await deadLetters('edge', new Date(cutoff)); // exactly 30 days old: kept
    await deadLetters('young', new Date(cutoff + 1), 2);
    await deadLetters('after', new Date(asOf.getTime() + DAY)); // newer than the run's date: never touched

    const get = await env.app.inject({ method: 'GET', url: '/api/monitoring/settings', headers: admin });
    expect(get.json()).toMatchObject({ deadLetterRetentionDays: 30, defaults: { deadLetterRetentionDays: 30 } });

    const first = (await env.p.jobs.runNow('monitoring.dead-letters', asOf)) as { deleted: number; cutoff: string };
    expect(first).toEqual({ deleted: 3, cutoff: new Date(cutoff).toISOString() });
    expect([await left('old'), await left('edge'), await left('young'), await left('after')]).toEqual([0, 1, 2, 1]);

    const again = (await env.p.jobs.runNow('monitoring.dead-letters', asOf)) as { deleted: number };
    expect(again.deleted).toBe(0);
    expect([await left('edge'), await left('young'), await left('after')]).toEqual([1, 2, 1]);

    // A day later the one at the boundary and the two just after it have aged past 30 days.
    const next = (await env.p.jobs.runNow('monitoring.dead-letters', new Date(asOf.getTime() + DAY))) as {
      deleted: number;
    };
    expect(next.deleted).toBe(3);
    expect(await left('after')).toBe(1);
  });

  it('follows the retention setting, and deletes a flood in chunks', async () => {
    const asOf = new Date('2026-08-01T16:20:00Z');
    await env.p.db.deleteFrom('monitoring_dead_letters').execute(); // the previous test's rows
    await deadLetters('flood', new Date(asOf.getTime() - 8 * DAY), 10_050);
    await deadLetters('week', new Date(asOf.getTime() - 6 * DAY));
    const kept = (await env.p.jobs.runNow('monitoring.dead-letters', asOf)) as { deleted: number };
    expect(kept.deleted).toBe(0); // 8 days < 30
    await setRetention(7);
    try {
      const r = (await env.p.jobs.runNow('monitoring.dead-letters', asOf)) as { deleted: number };
      expect(r.deleted).toBe(10_050);
      expect(await left('flood')).toBe(0);
      expect(await left('week')).toBe(1);
    } finally {
      await setRetention(30);
    }
  });

  it('refuses a retention below one day', async () => {
    const get = await env.app.inject({ method: 'GET', url: '/api/monitoring/settings', headers: admin });
    const put = await env.app.inject({
      method: 'PUT',
      url: '/api/monitoring/settings',
      headers: admin,
      payload: { version: get.json().version, deadLetterRetentionDays: 0 },
    });
    expect(put.statusCode).toBe(400);
    const after = await env.app.inject({ method: 'GET', url: '/api/monitoring/settings', headers: admin });
    expect(after.json()).toMatchObject({ version: get.json().version, deadLetterRetentionDays: 30 });
  });

  it('drops readings partitions past 400 days and rollup partitions past theirs, creates a week ahead, idempotently', async () => {
    const asOf = new Date('2027-09-10T16:10:00Z');
    const t = asOf.getTime();
    // Raw readings: day partitions wholly older than 400 days go; the one containing the cutoff stays (it still
    // holds readings within the retention period).
    const dayStart = (ms: number) =>
      Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth(), new Date(ms).getUTCDate());
    const cutoffDay = dayStart(t - 400 * DAY);
    const goneDay = cutoffDay - 2 * DAY;
    const endsAtCutoffDay = dayStart(t - 400 * DAY - DAY);
    const keptDay = cutoffDay; // contains t − 400 d (asOf is not at midnight)
    for (const d of [goneDay, endsAtCutoffDay, keptDay]) await ensurePartition(env.p.db, 'readings', 'day', d);
    // 1-minute rollups: 800 days; 1-hour rollups: 1830 days (monthly partitions).
    const old1m = Date.UTC(2025, 5, 1); // June 2025 ends 2025-07-01, more than 800 days before asOf
    const kept1m = Date.UTC(2025, 6, 1); // July 2025 ends 2025-08-01 — within 800 days of asOf
    for (const m of [old1m, kept1m]) await ensurePartition(env.p.db, 'readings_1m', 'month', m);
    const old1h = Date.UTC(2022, 7, 1);
    const kept1h = Date.UTC(2022, 8, 1);
    for (const m of [old1h, kept1h]) await ensurePartition(env.p.db, 'readings_1h', 'month', m);
    const first = (await env.p.jobs.runNow('monitoring.partitions', asOf)) as { created: string[]; dropped: string[] };
    expect(first.dropped).toEqual(
      expect.arrayContaining([
        partitionName('readings', 'day', goneDay),
        partitionName('readings', 'day', endsAtCutoffDay),
        partitionName('readings_1m', 'month', old1m),
        partitionName('readings_1h', 'month', old1h),
      ]),
    );
    const raw = await listPartitions(env.p.db, 'readings');
    expect(raw).toContain(partitionName('readings', 'day', keptDay));
    expect(raw).not.toContain(partitionName('readings', 'day', goneDay));
    for (let d = -1; d <= 7; d++) expect(raw).toContain(partitionName('readings', 'day', dayStart(t + d * DAY)));
    expect(await listPartitions(env.p.db, 'readings_1m')).toContain(partitionName('readings_1m', 'month', kept1m));
    expect(await listPartitions(env.p.db, 'readings_1h')).toContain(partitionName('readings_1h', 'month', kept1h));

    const second = (await env.p.jobs.runNow('monitoring.partitions', asOf)) as { created: string[]; dropped: string[] };
    expect(second).toEqual({ created: [], dropped: [] });
  });
});
