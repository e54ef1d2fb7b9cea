import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ROLE_PERMISSIONS } from '../../../core/roles.js';
import { SESSION_COOKIE, zod } from '../http/app.js';
import { ctxOf, requireActor } from '../http/context.js';
import type { Platform } from '../platform.js';

export function authRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);
  const secure = p.config.BASE_URL?.startsWith('https:') ?? false;

  r.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) }),
      },
    },
    async (req, reply) => {
      const { token, actor, mustChangePassword } = await p.auth.login(
        req.body.username,
        req.body.password,
        req.ip,
        req.headers['user-agent'] ?? null,
      );
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        maxAge: p.config.SESSION_ABSOLUTE_HOURS * 3600,
      });
      return { user: { id: actor.userId, username: actor.username, role: actor.role }, mustChangePassword };
    },
  );

  r.post('/api/auth/logout', { schema: { tags: ['auth'] } }, async (req, reply) => {
    const auth = req.auth;
    if (auth?.sessionId) await p.auth.logout(auth.sessionId, auth.actor, req.ip);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  r.get('/api/auth/me', { schema: { tags: ['auth'] } }, async (req) => {
    const actor = requireActor(req, { allowPendingPasswordChange: true });
    const [dept, region, enterprise] = await Promise.all([
      actor.departmentId
        ? p.db
            .selectFrom('departments')
            .select(['id', 'code', 'name_zh', 'name_en'])
            .where('id', '=', actor.departmentId)
            .executeTakeFirst()
        : undefined,
      actor.regionCode
        ? p.db
            .selectFrom('regions')
            .select(['code', 'name', 'kind'])
            .where('code', '=', actor.regionCode)
            .executeTakeFirst()
        : undefined,
      actor.enterpriseId
        ? p.db
            .selectFrom('enterprises')
            .select(['id', 'name', 'code'])
            .where('id', '=', actor.enterpriseId)
            .executeTakeFirst()
        : undefined,
    ]);
    return {
      user: {
        id: actor.userId,
        username: actor.username,
        displayName: actor.displayName,
        role: actor.role,
        department: dept ?? null,
        region: region ?? null,
        enterprise: enterprise ?? null,
      },
      permissions: ROLE_PERMISSIONS[actor.role],
      mustChangePassword: req.auth?.mustChangePassword ?? false,
      demo: p.config.DEMO,
      tileUrl: p.config.TILE_URL ?? null,
    };
  });

  r.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req, { allowPendingPasswordChange: true });
      await p.auth.changePassword(ctx.actor, req.body.currentPassword, req.body.newPassword, ctx.ip);
      return { ok: true };
    },
  );

  r.get('/api/auth/tokens', { schema: { tags: ['auth'] } }, async (req) => {
    const items = await p.auth.listTokens(requireActor(req));
    return { items, total: items.length, page: 1, pageSize: items.length };
  });

  r.post(
    '/api/auth/tokens',
    { schema: { tags: ['auth'], body: z.object({ name: z.string().trim().min(1).max(100) }) } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const t = await p.auth.createToken(ctx.actor, req.body.name, ctx.ip);
      return reply.status(201).send(t);
    },
  );

  r.delete('/api/auth/tokens/:id', { schema: { tags: ['auth'], params: z.object({ id: z.uuid() }) } }, async (req) => {
    const ctx = ctxOf(req);
    await p.auth.revokeToken(ctx.actor, req.params.id, ctx.ip);
    return { ok: true };
  });
}
