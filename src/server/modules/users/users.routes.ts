import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { assignableRoles, ROLES, type Role } from '../../../core/roles.js';
import { audit } from '../../platform/audit/audit.js';
import { hashPassword, oneTimePassword } from '../../platform/auth/passwords.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { escapeLike } from '../../platform/authz/scope.js';
import type { Executor } from '../../platform/db/client.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf } from '../../platform/http/context.js';
import { pageQuery } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';

const USER_FIELDS = [
  'id',
  'username',
  'display_name',
  'phone',
  'role',
  'department_id',
  'region_code',
  'enterprise_id',
  'must_change_password',
  'disabled_at',
  'locked_until',
  'created_at',
  'updated_at',
  'version',
] as const;

export interface Binding {
  role: Role;
  departmentId?: string | null | undefined;
  regionCode?: string | null | undefined;
  enterpriseId?: string | null | undefined;
}

/** Each role is bound to exactly the jurisdiction it needs; anything else is a field error. */
export async function checkBinding(db: Executor, b: Binding) {
  const need = (field: string, msg: string) =>
    new AppError(400, 'VALIDATION', msg, [{ path: field, message: 'required' }]);
  const out = {
    department_id: null as string | null,
    region_code: null as string | null,
    enterprise_id: null as string | null,
  };
  if (b.role === 'dept_officer') {
    if (!b.departmentId) throw need('departmentId', 'A department officer needs a department');
    const d = await db.selectFrom('departments').select('id').where('id', '=', b.departmentId).executeTakeFirst();
    if (!d) throw new AppError(400, 'VALIDATION', 'Unknown department', [{ path: 'departmentId', message: 'unknown' }]);
    out.department_id = d.id;
  }
  if (b.role === 'town_officer' || b.role === 'village_worker') {
    if (!b.regionCode) throw need('regionCode', 'This role needs a township or village');
    const r = await db
      .selectFrom('regions')
      .select(['code', 'kind'])
      .where('code', '=', b.regionCode)
      .executeTakeFirst();
    const kinds = b.role === 'town_officer' ? ['town', 'township', 'dev_zone'] : ['village', 'community'];
    if (!r || !kinds.includes(r.kind)) {
      throw new AppError(400, 'VALIDATION', `The region must be one of: ${kinds.join(', ')}`, [
        { path: 'regionCode', message: 'wrong kind' },
      ]);
    }
    out.region_code = r.code;
  }
  if (b.role === 'enterprise_admin' || b.role === 'enterprise_staff') {
    if (!b.enterpriseId) throw need('enterpriseId', 'An enterprise user needs an enterprise');
    const e = await db.selectFrom('enterprises').select('id').where('id', '=', b.enterpriseId).executeTakeFirst();
    if (!e) throw new AppError(400, 'VALIDATION', 'Unknown enterprise', [{ path: 'enterpriseId', message: 'unknown' }]);
    out.enterprise_id = e.id;
  }
  return out;
}

export function usersRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  r.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        querystring: z.object({ ...pageQuery, q: z.string().max(64).optional(), role: z.enum(ROLES).optional() }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'user.manage');
      const { page, pageSize, q, role } = req.query;
      let query = p.db.selectFrom('users');
      // System administrators are invisible to everyone else (their PATCH and reset answer 404): not listed.
      if (ctx.actor.role !== 'sys_admin') query = query.where('role', '<>', 'sys_admin');
      if (q) {
        const like = `%${escapeLike(q)}%`;
        query = query.where((eb) => eb.or([eb('username', 'ilike', like), eb('display_name', 'ilike', like)]));
      }
      if (role) query = query.where('role', '=', role);
      const [items, total] = await Promise.all([
        query
          .select(USER_FIELDS)
          // The enterprise's name, so the list says whose account it is (departments and regions the page has).
          .select((eb) =>
            eb
              .selectFrom('enterprises')
              .select('enterprises.name')
              .whereRef('enterprises.id', '=', 'users.enterprise_id')
              .as('enterprise_name'),
          )
          .orderBy('username')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: total.n, page, pageSize };
    },
  );

  r.post(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        body: z.object({
          username: z
            .string()
            .trim()
            .regex(/^[a-zA-Z0-9_.-]{3,64}$/, '3–64 letters, digits, _ . -'),
          displayName: z.string().trim().min(1).max(64),
          phone: z
            .string()
            .trim()
            .regex(/^1\d{10}$/, '11-digit mobile number')
            .optional(),
          role: z.enum(ROLES),
          departmentId: z.uuid().optional(),
          regionCode: z
            .string()
            .regex(/^\d{12}$/)
            .optional(),
          enterpriseId: z.uuid().optional(),
        }),
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'user.manage');
      const b = req.body;
      if (!assignableRoles(ctx.actor.role).includes(b.role)) {
        throw new AppError(403, 'FORBIDDEN', `You may not create ${b.role} accounts`);
      }
      const binding = await checkBinding(p.db, b);
      const password = oneTimePassword();
      const hash = await hashPassword(password);
      const user = await p.transaction(async (tx) => {
        const u = await tx
          .insertInto('users')
          .values({
            username: b.username,
            display_name: b.displayName,
            phone: b.phone ?? null,
            role: b.role,
            ...binding,
            password_hash: hash,
            must_change_password: true,
          })
          .returning(USER_FIELDS)
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, { action: 'user.created', entityType: 'user', entityId: u.id, after: u });
        return u;
      });
      return reply.status(201).send({ user, oneTimePassword: password });
    },
  );

  r.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        params: z.object({ id: z.uuid() }),
        body: z.object({
          version: z.number().int().min(1),
          displayName: z.string().trim().min(1).max(64).optional(),
          phone: z
            .string()
            .trim()
            .regex(/^1\d{10}$/)
            .nullable()
            .optional(),
          disabled: z.boolean().optional(),
          unlock: z.literal(true).optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'user.manage');
      const b = req.body;
      return p.transaction(async (tx, afterCommit) => {
        const before = await tx
          .selectFrom('users')
          .select(USER_FIELDS)
          .where('id', '=', req.params.id)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('user');
        if (before.role === 'sys_admin' && ctx.actor.role !== 'sys_admin') throw notFound('user');
        if (before.version !== b.version) throw staleVersion(before.version);
        if (b.disabled && before.id === ctx.actor.userId) {
          throw new AppError(400, 'VALIDATION', 'You cannot disable your own account', [
            { path: 'disabled', message: 'self' },
          ]);
        }
        const after = await tx
          .updateTable('users')
          .set({
            ...(b.displayName !== undefined ? { display_name: b.displayName } : {}),
            ...(b.phone !== undefined ? { phone: b.phone } : {}),
            ...(b.disabled !== undefined ? { disabled_at: b.disabled ? ctx.now : null } : {}),
            ...(b.unlock ? { locked_until: null, failed_logins: 0 } : {}),
            updated_at: ctx.now,
            version: before.version + 1,
          })
          .where('id', '=', before.id)
          .returning(USER_FIELDS)
          .executeTakeFirstOrThrow();
        if (b.disabled) {
          // Disabling ends every session and token at once.
          await tx
            .updateTable('sessions')
            .set({ revoked_at: ctx.now })
            .where('user_id', '=', before.id)
            .where('revoked_at', 'is', null)
            .execute();
          await tx
            .updateTable('api_tokens')
            .set({ revoked_at: ctx.now })
            .where('user_id', '=', before.id)
            .where('revoked_at', 'is', null)
            .execute();
        }
        await audit(tx, ctx, {
          action: b.disabled ? 'user.disabled' : 'user.updated',
          entityType: 'user',
          entityId: before.id,
          before,
          after,
        });
        afterCommit(() => p.auth.forgetUser(before.id));
        return after;
      });
    },
  );

  r.post(
    '/api/users/:id/reset-password',
    { schema: { tags: ['users'], params: z.object({ id: z.uuid() }) } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'user.manage');
      const target = await p.db
        .selectFrom('users')
        .select(['id', 'role'])
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!target || (target.role === 'sys_admin' && ctx.actor.role !== 'sys_admin')) throw notFound('user');
      const password = oneTimePassword();
      await resetPassword(p, target.id, password, ctx);
      return { oneTimePassword: password };
    },
  );
}

export async function resetPassword(p: Platform, userId: string, password: string, ctx: Parameters<typeof audit>[1]) {
  const hash = await hashPassword(password);
  await p.transaction(async (tx, afterCommit) => {
    afterCommit(() => p.auth.forgetUser(userId));
    await tx
      .updateTable('users')
      .set((eb) => ({
        password_hash: hash,
        must_change_password: true,
        locked_until: null,
        failed_logins: 0,
        updated_at: ctx.now,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', userId)
      .execute();
    await tx
      .updateTable('sessions')
      .set({ revoked_at: ctx.now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    await audit(tx, ctx, { action: 'user.password_reset', entityType: 'user', entityId: userId });
  });
}
