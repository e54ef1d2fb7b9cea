import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { notFound } from '../errors.js';
import { zod } from '../http/app.js';
import { ctxOf, requireActor } from '../http/context.js';
import { pageQuery } from '../http/pagination.js';
import type { Platform } from '../platform.js';

export function notificationRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  r.get(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        querystring: z.object({ ...pageQuery, unread: z.enum(['true', 'false']).optional() }),
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const { page, pageSize, unread } = req.query;
      let q = p.db.selectFrom('notifications').where('user_id', '=', actor.userId);
      if (unread === 'true') q = q.where('read_at', 'is', null);
      const [items, total, unreadCount] = await Promise.all([
        q
          .selectAll()
          .orderBy('created_at', 'desc')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
        p.db
          .selectFrom('notifications')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('user_id', '=', actor.userId)
          .where('read_at', 'is', null)
          .executeTakeFirstOrThrow(),
      ]);
      return { items, total: total.n, page, pageSize, unread: unreadCount.n };
    },
  );

  r.get('/api/notifications/unread-count', { schema: { tags: ['notifications'] } }, async (req) => {
    const actor = requireActor(req, { allowPendingPasswordChange: true });
    const r0 = await p.db
      .selectFrom('notifications')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('user_id', '=', actor.userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { unread: r0.n };
  });

  // Marking read is the user's own bookkeeping on their inbox, not a change to business data: not audited.
  r.post(
    '/api/notifications/:id/read',
    { schema: { tags: ['notifications'], params: z.object({ id: z.uuid() }) } },
    async (req) => {
      const ctx = ctxOf(req);
      const res = await p.db
        .updateTable('notifications')
        .set({ read_at: ctx.now })
        .where('id', '=', req.params.id)
        .where('user_id', '=', ctx.actor.userId)
        .returning('id')
        .executeTakeFirst();
      if (!res) throw notFound('notification');
      return { ok: true };
    },
  );

  r.post('/api/notifications/read-all', { schema: { tags: ['notifications'] } }, async (req) => {
    const ctx = ctxOf(req);
    const res = await p.db
      .updateTable('notifications')
      .set({ read_at: ctx.now })
      .where('user_id', '=', ctx.actor.userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return { updated: Number(res.numUpdatedRows) };
  });

  /** Server-sent events: notifications and live updates for this user, with a heartbeat. */
  app.get('/api/events', { schema: { tags: ['notifications'] } }, (req, reply) => {
    const actor = requireActor(req, { allowPendingPasswordChange: true });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 3000\nevent: hello\ndata: ${JSON.stringify({ userId: actor.userId })}\n\n`);
    p.metrics.sseClients.inc();
    const unsubscribe = p.bus.subscribe((e) => {
      if (e.userIds !== 'all' && !e.userIds.includes(actor.userId)) return;
      res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 25_000);
    req.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      p.metrics.sseClients.dec();
    });
  });
}
