import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { requirePermission } from '../authz/actor.js';
import { schemaVersion } from '../db/migrate.js';
import type { Platform } from '../platform.js';
import { zod } from './app.js';
import { requireActor } from './context.js';
import { pageQuery } from './pagination.js';

export function systemRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);
  r.get('/api/health', { schema: { tags: ['system'] } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(p.db);
      return {
        status: 'ok',
        db: p.database.kind,
        schemaVersion: await schemaVersion(p.db as never),
        uptimeS: Math.round((Date.now() - p.startedAt.getTime()) / 1000),
      };
    } catch {
      return reply.status(503).send({ status: 'db_unavailable', db: p.database.kind, schemaVersion: null, uptimeS: 0 });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    p.metrics.queueDepth.set(await p.jobs.queueDepth());
    reply.header('content-type', p.metrics.registry.contentType);
    return p.metrics.registry.metrics();
  });

  r.get(
    '/api/jobs/runs',
    { schema: { tags: ['system'], querystring: z.object({ ...pageQuery, job: z.string().max(100).optional() }) } },
    async (req) => {
      requirePermission(requireActor(req), 'jobs.manage');
      const { page, pageSize, job } = req.query;
      let q = p.db.selectFrom('job_runs');
      if (job) q = q.where('job', '=', job);
      const [items, total] = await Promise.all([
        q
          .selectAll()
          .orderBy('enqueued_at', 'desc')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items,
        total: total.n,
        page,
        pageSize,
        jobs: p.jobs.jobs().map((j) => ({ name: j.name, cron: j.cron ?? null, description: j.description })),
      };
    },
  );
}
