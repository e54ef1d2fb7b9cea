import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { Metrics } from '../metrics.js';

export interface JobContext {
  /** The moment the job runs "as of": the scheduled slot, or the --at of a manual run. */
  asOf: Date;
  runKey: string;
  db: Db;
  log: Logger;
}

export interface JobDefinition {
  name: string;
  /** Croner pattern in Asia/Shanghai time; absent = run only on demand. */
  cron?: string;
  description: string;
  /** Must be idempotent: running twice for the same asOf changes nothing the second time. */
  run(ctx: JobContext): Promise<unknown>;
}

const STALE_RUNNING_MS = 30 * 60_000;

export function createJobRunner(deps: { db: Db; log: Logger; clock: Clock; metrics: Metrics }) {
  const { db, log, clock, metrics } = deps;
  const byName = new Map<string, JobDefinition>();
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const crons: Cron[] = [];
  let pollTimer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  function job(name: string): JobDefinition {
    const j = byName.get(name);
    if (!j) throw new Error(`Unknown job "${name}". Known jobs: ${[...byName.keys()].join(', ')}`);
    return j;
  }

  /** Queues a run; a run key already queued or done is not queued again. Returns the run id or null. */
  async function enqueue(name: string, asOf: Date, runKey = `${name}@${asOf.toISOString()}`): Promise<string | null> {
    job(name);
    const r = await db
      .insertInto('job_runs')
      .values({ job: name, run_key: runKey, status: 'queued', as_of: asOf, enqueued_at: clock.now() })
      .onConflict((oc) => oc.column('run_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return r?.id ?? null;
  }

  async function execute(run: { id: string; job: string; run_key: string; as_of: Date }) {
    const def = job(run.job);
    const started = Date.now();
    const jobLog = log.child({ job: run.job, runKey: run.run_key });
    try {
      const result = await def.run({ asOf: run.as_of, runKey: run.run_key, db, log: jobLog });
      await db
        .updateTable('job_runs')
        .set({ status: 'done', finished_at: clock.now(), result: JSON.stringify(result ?? null), error: null })
        .where('id', '=', run.id)
        .execute();
      metrics.jobRuns.inc({ job: run.job, status: 'done' });
      return result;
    } catch (err) {
      jobLog.error({ err }, 'job failed');
      await db
        .updateTable('job_runs')
        .set({ status: 'failed', finished_at: clock.now(), error: err instanceof Error ? err.message : String(err) })
        .where('id', '=', run.id)
        .execute();
      metrics.jobRuns.inc({ job: run.job, status: 'failed' });
      throw err;
    } finally {
      metrics.jobDuration.observe({ job: run.job }, (Date.now() - started) / 1000);
    }
  }

  /**
   * Claims one due run (FOR UPDATE SKIP LOCKED: two workers never take the same one). A worker only claims
   * runs of jobs it has registered: a run it cannot execute stays queued for an instance that can.
   */
  async function claim(id?: string) {
    if (byName.size === 0) return null;
    return db.transaction().execute(async (tx) => {
      let q = tx
        .selectFrom('job_runs')
        .select(['id', 'job', 'run_key', 'as_of'])
        .where('status', '=', 'queued')
        .where('job', 'in', [...byName.keys()])
        .orderBy('as_of')
        .limit(1)
        .forUpdate()
        .skipLocked();
      q = id ? q.where('id', '=', id) : q.where('as_of', '<=', clock.now());
      const run = await q.executeTakeFirst();
      if (!run) return null;
      await tx
        .updateTable('job_runs')
        .set((eb) => ({
          status: 'running',
          started_at: clock.now(),
          worker: workerId,
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', '=', run.id)
        .execute();
      return run;
    });
  }

  async function runOnce(): Promise<boolean> {
    // A run left 'running' by a crashed worker goes back to the queue.
    await db
      .updateTable('job_runs')
      .set({ status: 'queued' })
      .where('status', '=', 'running')
      .where('started_at', '<', new Date(clock.now().getTime() - STALE_RUNNING_MS))
      .execute();
    const run = await claim();
    if (!run) return false;
    await execute(run).catch(() => undefined);
    return true;
  }

  return {
    workerId,
    register(def: JobDefinition) {
      if (byName.has(def.name)) throw new Error(`job ${def.name} registered twice`);
      byName.set(def.name, def);
    },
    jobs: () => [...byName.values()],
    enqueue,
    runOnce,
    /** Runs a job now as of the given moment (CLI `jobs:run --at`, tests). */
    async runNow(name: string, asOf: Date): Promise<unknown> {
      job(name);
      const id = await enqueue(name, asOf, `manual:${name}@${asOf.toISOString()}:${randomUUID()}`);
      if (!id) throw new Error('could not queue the run');
      const run = await claim(id);
      if (!run) throw new Error('the run was taken by another worker');
      return execute(run);
    },
    async queueDepth(): Promise<number> {
      const r = await db
        .selectFrom('job_runs')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('status', '=', 'queued')
        .executeTakeFirstOrThrow();
      return r.n;
    },
    /** Scheduler role: cron only enqueues, keyed by the slot, so several schedulers enqueue each slot once. */
    startScheduler() {
      for (const def of byName.values()) {
        if (!def.cron) continue;
        const c = new Cron(def.cron, { timezone: 'Asia/Shanghai', protect: true }, async (self: Cron) => {
          const slot = self.currentRun() ?? clock.now();
          slot.setMilliseconds(0);
          try {
            await enqueue(def.name, slot);
          } catch (err) {
            log.error({ err, job: def.name }, 'could not enqueue');
          }
        });
        crons.push(c);
      }
    },
    /** Worker role: polls the queue. */
    startWorker(pollMs = 2000) {
      const tick = async () => {
        if (stopped) return;
        try {
          while (!stopped && (await runOnce())) {
            /* drain */
          }
        } catch (err) {
          log.error({ err }, 'job worker error');
        }
        if (!stopped)
          pollTimer = setTimeout(() => {
            running = tick();
          }, pollMs);
      };
      running = tick();
    },
    async stop() {
      stopped = true;
      for (const c of crons) c.stop();
      if (pollTimer) clearTimeout(pollTimer);
      await running;
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
