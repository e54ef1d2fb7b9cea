import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '../src/core/dates.js';
import type { Role } from '../src/core/roles.js';
import { expiryReminderJob } from '../src/server/modules/enterprises/index.js';
import { fixedClock } from '../src/server/platform/clock.js';
import { createJobRunner, type JobDefinition } from '../src/server/platform/jobs/jobs.js';
import { createMetrics } from '../src/server/platform/metrics.js';
import {
  type AuthHeaders,
  DATABASES,
  makeDepartment,
  makeEnterprise,
  makeTownship,
  makeUser,
  signIn,
  startTestEnv,
  type TestEnv,
} from './harness.js';

type Headers = AuthHeaders;
const JOB = 'enterprises.expiry-reminders';
const rand = (n = 8) => randomBytes(8).toString('hex').slice(0, n);
const DAY = 86_400_000;

/** Reads a server-sent-event stream until `done` holds for the text so far, or fails after `ms`. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  done: (text: string) => boolean,
  ms = 10_000,
) {
  let text = '';
  const decoder = new TextDecoder();
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`no matching event within ${ms} ms; got:\n${text}`)), ms).unref();
  });
  while (!done(text)) {
    const chunk = await Promise.race([reader.read(), timeout]);
    if (chunk.done) throw new Error(`stream ended; got:\n${text}`);
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text;
}

describe.each(DATABASES)('notifications and jobs on $name', (dbc) => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await startTestEnv(dbc);
  });
  afterAll(() => env?.close());

  async function inbox(userId: string) {
    return env.p.db
      .selectFrom('notifications')
      .select(['kind', 'entity_id', 'title_zh', 'title_en', 'link'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('kind')
      .execute();
  }

  describe('expiry reminders', () => {
    const asOf = () => env.clock.now();
    let t: { town: string; village: string };
    let dept: string;
    let ents: Record<'due' | 'expired' | 'later' | 'closed', { id: string; name: string }>;
    let users: Record<
      'admin' | 'staff' | 'officer' | 'expiredAdmin' | 'laterAdmin' | 'closedAdmin' | 'otherOfficer',
      string
    >;

    beforeAll(async () => {
      const today = localDate(asOf());
      t = await makeTownship(env.p);
      dept = await makeDepartment(env.p, []);
      const licence = (days: number) => [
        { type: '安全生产许可证', number: `L-${rand(6)}`, expiry: addDays(today, days) },
      ];
      const mk = (days: number, over: Partial<Parameters<typeof makeEnterprise>[1]> = {}) =>
        makeEnterprise(env.p, { regionCode: t.village, departmentIds: [dept], licences: licence(days), ...over });
      ents = {
        due: await mk(30),
        expired: await mk(-1),
        // Supervised by another department, so its reminder tomorrow reaches only its own users.
        later: await mk(31, { departmentIds: [await makeDepartment(env.p, [])] }),
        closed: await mk(5, { status: 'closed' }),
      };
      const u = async (role: Role, bind: Parameters<typeof makeUser>[2]) => (await makeUser(env.p, role, bind)).id;
      users = {
        admin: await u('enterprise_admin', { enterpriseId: ents.due.id }),
        staff: await u('enterprise_staff', { enterpriseId: ents.due.id }),
        officer: await u('dept_officer', { departmentId: dept }),
        expiredAdmin: await u('enterprise_admin', { enterpriseId: ents.expired.id }),
        laterAdmin: await u('enterprise_admin', { enterpriseId: ents.later.id }),
        closedAdmin: await u('enterprise_admin', { enterpriseId: ents.closed.id }),
        otherOfficer: await u('dept_officer', { departmentId: await makeDepartment(env.p, []) }),
      };
    });

    it('reminds the enterprise and its department 30 days ahead and once expired, to no one else', async () => {
      const result = (await env.p.jobs.runNow(JOB, asOf())) as { asOf: string; notificationsSent: number };
      expect(result.asOf).toBe(localDate(asOf()));
      expect(result.notificationsSent).toBeGreaterThanOrEqual(5);
      const due = { kind: 'licence.expiring', entity_id: ents.due.id, link: `/enterprises/${ents.due.id}` };
      const expired = { kind: 'licence.expired', entity_id: ents.expired.id, link: `/enterprises/${ents.expired.id}` };
      expect(await inbox(users.admin)).toEqual([expect.objectContaining(due)]);
      expect(await inbox(users.staff)).toEqual([expect.objectContaining(due)]);
      expect(await inbox(users.expiredAdmin)).toEqual([expect.objectContaining(expired)]);
      const officer = await inbox(users.officer);
      expect(officer).toHaveLength(2);
      expect(officer).toEqual(expect.arrayContaining([expect.objectContaining(due), expect.objectContaining(expired)]));
      expect(await inbox(users.laterAdmin)).toEqual([]);
      expect(await inbox(users.closedAdmin)).toEqual([]);
      expect(await inbox(users.otherOfficer)).toEqual([]);
      const [n] = await inbox(users.admin);
      expect(n?.title_zh).toContain(ents.due.name);
      expect(n?.title_zh).toContain('剩30天');
      expect(n?.title_en).toContain('30 days');

      const runs = await env.p.db
        .selectFrom('job_runs')
        .select(['status', 'attempts', 'result'])
        .where('job', '=', JOB)
        .where('run_key', 'like', `manual:${JOB}@${asOf().toISOString()}:%`)
        .execute();
      expect(runs.length).toBeGreaterThanOrEqual(1);
      for (const r of runs) expect(r).toMatchObject({ status: 'done', attempts: 1 });
    });

    it('sends nothing again for the same day, the next day, or through the queue', async () => {
      const mine = Object.values(users).filter((id) => id !== users.laterAdmin);
      const count = async () => {
        const r = await env.p.db
          .selectFrom('notifications')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('user_id', 'in', mine)
          .executeTakeFirstOrThrow();
        return r.n;
      };
      const before = await count();
      expect(before).toBe(5);
      await env.p.jobs.runNow(JOB, asOf());
      expect(await inbox(users.laterAdmin)).toEqual([]);
      await env.p.jobs.runNow(JOB, new Date(asOf().getTime() + DAY));
      // The licence due in 31 days today is due in 30 tomorrow: that one reminder is new.
      expect((await inbox(users.laterAdmin)).map((n) => n.kind)).toEqual(['licence.expiring']);
      // The scheduler's path: a queued slot, claimed by a worker whose clock has reached it.
      const slot = new Date(asOf().getTime() + 2 * DAY);
      const runId = await env.p.jobs.enqueue(JOB, slot, `${JOB}@test-${rand()}`);
      expect(runId).toBeTruthy();
      const w = createJobRunner({
        db: env.p.db,
        log: env.p.log,
        clock: fixedClock(new Date(slot.getTime() + 1000)),
        metrics: createMetrics(),
      });
      w.register(expiryReminderJob(env.p));
      while (await w.runOnce()) {
        /* drain */
      }
      const run = await env.p.db
        .selectFrom('job_runs')
        .select(['status', 'attempts'])
        .where('id', '=', runId ?? '')
        .executeTakeFirstOrThrow();
      expect(run).toEqual({ status: 'done', attempts: 1 });
      expect(await count()).toBe(before);
      expect(await inbox(users.laterAdmin)).toHaveLength(1);

      // A stage change is news: the licence due in 30 days has expired 31 days later.
      await env.p.jobs.runNow(JOB, new Date(asOf().getTime() + 31 * DAY));
      const admin = await inbox(users.admin);
      expect(admin.map((n) => n.kind)).toEqual(['licence.expiring', 'licence.expired']);
    });
  });

  describe('job runner', () => {
    /** Workers on their own clock far in the past, so they only see the runs this test queues. */
    function worker(defs: JobDefinition[]) {
      const w = createJobRunner({
        db: env.p.db,
        log: env.p.log,
        clock: fixedClock('2000-01-02T00:00:00Z'),
        metrics: createMetrics(),
      });
      for (const d of defs) w.register(d);
      return w;
    }

    it('never runs a queued run twice, with two workers draining the queue at once', async () => {
      const name = `test.once-${rand()}`;
      const executed: string[] = [];
      const def: JobDefinition = {
        name,
        description: 'records its runs',
        async run({ runKey }) {
          executed.push(runKey);
          await new Promise((r) => setTimeout(r, 5));
          return { runKey };
        },
      };
      const w1 = worker([def]);
      const w2 = worker([def]);
      const N = 24;
      const ids: string[] = [];
      for (let i = 0; i < N; i++) {
        const id = await w1.enqueue(name, new Date(Date.UTC(2000, 0, 1, 0, i)), `${name}#${i}`);
        if (!id) throw new Error('not queued');
        ids.push(id);
      }
      // The same run key is never queued twice.
      expect(await w2.enqueue(name, new Date(Date.UTC(2000, 0, 1)), `${name}#0`)).toBeNull();
      const drain = async (w: ReturnType<typeof worker>) => {
        let n = 0;
        while (await w.runOnce()) n++;
        return n;
      };
      const [n1, n2] = await Promise.all([drain(w1), drain(w2)]);
      expect(n1 + n2).toBe(N);
      expect(executed).toHaveLength(N);
      expect(new Set(executed).size).toBe(N);
      const runs = await env.p.db.selectFrom('job_runs').selectAll().where('id', 'in', ids).execute();
      expect(runs).toHaveLength(N);
      for (const r of runs) {
        expect(r).toMatchObject({ status: 'done', attempts: 1, result: { runKey: r.run_key } });
        expect([w1.workerId, w2.workerId]).toContain(r.worker);
      }
    });

    it('records a failing run as failed, and leaves runs of jobs it does not know to other workers', async () => {
      const failing = `test.fail-${rand()}`;
      const unknown = `test.unknown-${rand()}`;
      const w = worker([
        {
          name: failing,
          description: 'always fails',
          async run() {
            throw new Error('boom');
          },
        },
      ]);
      const failId = await w.enqueue(failing, new Date('2000-01-01T00:00:00Z'));
      const foreign = await env.p.db
        .insertInto('job_runs')
        .values({
          job: unknown,
          run_key: `${unknown}@x`,
          status: 'queued',
          as_of: new Date('1999-12-31T00:00:00Z'),
          enqueued_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(await w.runOnce()).toBe(true);
      expect(await w.runOnce()).toBe(false);
      const rows = await env.p.db
        .selectFrom('job_runs')
        .select(['id', 'status', 'attempts', 'error'])
        .where('id', 'in', [failId ?? '', foreign.id])
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(failId ?? '')).toMatchObject({ status: 'failed', attempts: 1, error: 'boom' });
      expect(byId.get(foreign.id)).toMatchObject({ status: 'queued', attempts: 0 });
      // A worker that knows the job takes it.
      const other = worker([{ name: unknown, description: 'late', run: async () => 'ok' }]);
      expect(await other.runOnce()).toBe(true);
      const after = await env.p.db
        .selectFrom('job_runs')
        .select(['status', 'result'])
        .where('id', '=', foreign.id)
        .executeTakeFirstOrThrow();
      expect(after).toEqual({ status: 'done', result: 'ok' });
    });
  });

  describe('inbox and live delivery', () => {
    it('delivers a new notification on the open event stream', async () => {
      const t = await makeTownship(env.p);
      const e = await makeEnterprise(env.p, {
        regionCode: t.village,
        name: `推送测试${rand(4)}有限公司`,
        licences: [{ type: '安全生产许可证', number: `S-${rand()}`, expiry: addDays(localDate(env.clock.now()), 3) }],
      });
      const u = await signIn(env, 'enterprise_admin', { enterpriseId: e.id });
      const bystander = await signIn(env, 'enterprise_admin', {
        enterpriseId: (await makeEnterprise(env.p, { regionCode: t.village })).id,
      });
      const base = await env.app.listen({ port: 0, host: '127.0.0.1' });
      const open = async (headers: Headers) => {
        const ctl = new AbortController();
        const res = await fetch(`${base}/api/events`, { headers, signal: ctl.signal });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('text/event-stream');
        if (!res.body) throw new Error('no body');
        const reader = res.body.getReader();
        await readUntil(reader, (s) => s.includes('event: hello'));
        return { reader, close: () => ctl.abort() };
      };
      const mine = await open(u.headers);
      const theirs = await open(bystander.headers);
      try {
        await env.p.jobs.runNow(JOB, env.clock.now());
        const text = await readUntil(mine.reader, (s) => /event: notification\ndata: .*\n\n/.test(s));
        const data = /event: notification\ndata: (.*)\n\n/.exec(text)?.[1];
        const n = JSON.parse(data ?? '{}');
        expect(n).toMatchObject({ user_id: u.id, kind: 'licence.expiring', link: `/enterprises/${e.id}` });
        expect(n.title_zh).toContain(e.name);
        // The other enterprise's admin hears nothing about it (a heartbeat at most).
        await expect(readUntil(theirs.reader, (s) => s.includes('event: notification'), 1500)).rejects.toThrow(
          /no matching event/,
        );
      } finally {
        mine.close();
        theirs.close();
      }
      const anon = await fetch(`${base}/api/events`);
      expect(anon.status).toBe(401);
    });

    it('lists the inbox, marks one read, all read, and counts what is unread', async () => {
      const u = await signIn(env, 'county_leader');
      const other = await signIn(env, 'county_leader');
      const store = (userId: string, i: number) =>
        env.p.notifier.store(
          env.p.db,
          { userIds: [userId], kind: 'test.inbox', title: { zh: `通知${i}`, en: `notice ${i}` }, link: `/x/${i}` },
          new Date(env.clock.now().getTime() + i * 1000),
        );
      for (let i = 1; i <= 3; i++) await store(u.id, i);
      const [foreign] = await store(other.id, 9);

      const list = await env.app.inject({ url: '/api/notifications', headers: u.headers });
      expect(list.statusCode).toBe(200);
      expect(list.json()).toMatchObject({ total: 3, unread: 3 });
      const items = list.json().items as { id: string; title_zh: string; read_at: string | null }[];
      expect(items.map((i) => i.title_zh)).toEqual(['通知3', '通知2', '通知1']);
      const count = async () =>
        (await env.app.inject({ url: '/api/notifications/unread-count', headers: u.headers })).json().unread;
      expect(await count()).toBe(3);

      const first = items[0];
      if (!first) throw new Error('empty inbox');
      const read = await env.app.inject({
        method: 'POST',
        url: `/api/notifications/${first.id}/read`,
        headers: u.headers,
      });
      expect(read.statusCode).toBe(200);
      expect(await count()).toBe(2);
      const unreadOnly = await env.app.inject({ url: '/api/notifications?unread=true', headers: u.headers });
      expect(unreadOnly.json().total).toBe(2);
      expect((unreadOnly.json().items as { id: string }[]).map((i) => i.id)).not.toContain(first.id);

      // Someone else's notification is not found, and stays unread.
      const theirs = await env.app.inject({
        method: 'POST',
        url: `/api/notifications/${foreign?.id}/read`,
        headers: u.headers,
      });
      expect(theirs.statusCode).toBe(404);
      expect((await env.app.inject({ url: '/api/notifications/unread-count', headers: other.headers })).json()).toEqual(
        {
          unread: 1,
        },
      );

      const all = await env.app.inject({ method: 'POST', url: '/api/notifications/read-all', headers: u.headers });
      expect(all.json()).toEqual({ updated: 2 });
      expect(await count()).toBe(0);
      expect((await env.app.inject({ url: '/api/notifications', headers: u.headers })).json()).toMatchObject({
        total: 3,
        unread: 0,
      });
    });

    it('stores a deduplicated notification once per user', async () => {
      const u = await signIn(env, 'county_leader');
      const input = {
        userIds: [u.id, u.id],
        kind: 'test.dedupe',
        title: { zh: '一次', en: 'once' },
        dedupeKey: `k-${rand()}`,
      };
      const first = await env.p.notifier.store(env.p.db, input, env.clock.now());
      const second = await env.p.notifier.store(env.p.db, input, env.clock.now());
      expect(first).toHaveLength(1);
      expect(second).toHaveLength(0);
      expect(await inbox(u.id)).toHaveLength(1);
    });
  });
});
