import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { requirePermission } from '../authz/actor.js';
import { zod } from '../http/app.js';
import { requireActor } from '../http/context.js';
import { pageQuery } from '../http/pagination.js';
import type { Platform } from '../platform.js';
import { verifyAuditChain } from './audit.js';

/** The audit log is county-level oversight: only roles with audit.read (county roles) browse it. */
export function auditRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);
  r.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        querystring: z.object({
          ...pageQuery,
          action: z.string().max(100).optional(),
          entityType: z.string().max(50).optional(),
          entityId: z.string().max(100).optional(),
          actor: z.string().max(64).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
      },
    },
    async (req) => {
      const actor = requireActor(req);
      requirePermission(actor, 'audit.read');
      const { page, pageSize, action, entityType, entityId, actor: who, from, to } = req.query;
      let q = p.db.selectFrom('audit_log');
      if (action) q = q.where('action', 'like', `${action}%`);
      if (entityType) q = q.where('entity_type', '=', entityType);
      if (entityId) q = q.where('entity_id', '=', entityId);
      if (who) q = q.where('actor_name', '=', who);
      if (from) q = q.where('at', '>=', new Date(from));
      if (to) q = q.where('at', '<', new Date(to));
      const [items, total] = await Promise.all([
        q
          .selectAll()
          .orderBy('id', 'desc')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: total.n, page, pageSize };
    },
  );

  r.get('/api/audit/verify', { schema: { tags: ['audit'] } }, async (req) => {
    requirePermission(requireActor(req), 'audit.read');
    return verifyAuditChain(p.db);
  });
}
