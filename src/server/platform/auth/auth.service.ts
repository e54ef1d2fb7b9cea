import { passwordProblem } from '../../../core/password.js';
import { ROLES, type Role } from '../../../core/roles.js';
import { audit } from '../audit/audit.js';
import type { Actor } from '../authz/actor.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Executor } from '../db/client.js';
import { AppError } from '../errors.js';
import { BUS_RECONNECTED, type EventBus } from '../notifications/bus.js';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';
import { newSecret, sha256 } from './tokens.js';

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const IP_FAILURE_LIMIT = 20;
export const IP_WINDOW_MINUTES = 10;

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  department_id: string | null;
  region_code: string | null;
  enterprise_id: string | null;
  must_change_password: boolean;
  disabled_at: Date | null;
}

export async function actorForUser(db: Executor, u: UserRow): Promise<Actor> {
  if (!(ROLES as readonly string[]).includes(u.role)) throw new AppError(401, 'UNAUTHENTICATED', 'Unknown role');
  let regionPath: string | null = null;
  if (u.region_code) {
    const r = await db.selectFrom('regions').select('path').where('code', '=', u.region_code).executeTakeFirst();
    regionPath = r?.path ?? null;
  }
  return {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role as Role,
    departmentId: u.department_id,
    regionCode: u.region_code,
    regionPath,
    enterpriseId: u.enterprise_id,
  };
}

const USER_COLUMNS = [
  'users.id',
  'users.username',
  'users.display_name',
  'users.role',
  'users.department_id',
  'users.region_code',
  'users.enterprise_id',
  'users.must_change_password',
  'users.disabled_at',
] as const;

export interface Authenticated {
  actor: Actor;
  mustChangePassword: boolean;
  via: 'session' | 'token';
  sessionId?: string;
}

/** How long a resolved session is reused without asking the database again. */
export const SESSION_CACHE_MS = 5_000;
const SESSION_CACHE_MAX = 10_000;
const FORGET_USER_EVENT = 'auth.forget-user';

export function createAuthService(deps: { db: Db; clock: Clock; config: Config; bus?: EventBus }) {
  const { db, clock, config, bus } = deps;
  const idleMs = config.SESSION_IDLE_MINUTES * 60_000;
  const absoluteMs = config.SESSION_ABSOLUTE_HOURS * 3_600_000;

  const sessionCache = new Map<string, { auth: Authenticated; until: number; clockAt: number }>();
  /**
   * Bumped by every forget. A lookup remembers its answer only if no forget happened while it was reading the
   * database: otherwise a lookup that read a user just before an admin disabled them, and finished just after
   * the forget ran, would cache the stale answer for SESSION_CACHE_MS.
   */
  let generation = 0;
  function remember(id: string, auth: Authenticated, now: Date, readAt: number) {
    if (readAt !== generation) return;
    if (sessionCache.size >= SESSION_CACHE_MAX) {
      const oldest = sessionCache.keys().next();
      if (!oldest.done) sessionCache.delete(oldest.value);
    }
    sessionCache.set(id, { auth, until: performance.now() + SESSION_CACHE_MS, clockAt: now.getTime() });
  }
  function forgetLocally(userId: string) {
    generation += 1;
    for (const [id, e] of sessionCache) if (e.auth.actor.userId === userId) sessionCache.delete(id);
  }
  /** Drops a user's cached sessions here and on every other instance (call after changing the user). */
  function forgetUser(userId: string) {
    forgetLocally(userId);
    bus?.publish({ userIds: [], type: FORGET_USER_EVENT, data: { userId } });
  }
  bus?.subscribe((e) => {
    // Revocations may have been missed while the bus was down.
    if (e.type === BUS_RECONNECTED) {
      generation += 1;
      sessionCache.clear();
    }
    if (e.type !== FORGET_USER_EVENT) return;
    const userId = (e.data as { userId?: unknown } | null)?.userId;
    if (typeof userId === 'string') forgetLocally(userId);
  });

  async function recordFailure(username: string, ip: string, reason: string, userId: string | null) {
    const now = clock.now();
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('login_failures').values({ username, ip, at: now }).execute();
      let locked = false;
      if (userId) {
        const row = await tx
          .updateTable('users')
          .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
          .where('id', '=', userId)
          .returning('failed_logins')
          .executeTakeFirstOrThrow();
        if (row.failed_logins >= LOCK_AFTER_FAILURES) {
          await tx
            .updateTable('users')
            .set({ locked_until: new Date(now.getTime() + LOCK_MINUTES * 60_000), failed_logins: 0 })
            .where('id', '=', userId)
            .execute();
          locked = true;
        }
      }
      const anon: Actor = {
        userId: userId ?? '00000000-0000-0000-0000-000000000000',
        username,
        displayName: username,
        role: 'enterprise_staff',
        departmentId: null,
        regionCode: null,
        regionPath: null,
        enterpriseId: null,
      };
      const ctx = { actor: anon, ip, now };
      await audit(tx, ctx, { action: 'auth.login_failed', entityType: 'user', entityId: userId, after: { reason } });
      if (locked) {
        await audit(tx, ctx, {
          action: 'auth.account_locked',
          entityType: 'user',
          entityId: userId,
          after: { minutes: LOCK_MINUTES },
        });
      }
    });
  }

  return {
    async login(username: string, password: string, ip: string, userAgent: string | null) {
      const now = clock.now();
      const since = new Date(now.getTime() - IP_WINDOW_MINUTES * 60_000);
      const ipFailures = await db
        .selectFrom('login_failures')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('ip', '=', ip)
        .where('at', '>', since)
        .executeTakeFirstOrThrow();
      if (Number(ipFailures.n) >= IP_FAILURE_LIMIT) {
        throw new AppError(
          429,
          'TOO_MANY_ATTEMPTS',
          `Too many failed logins from this address; wait ${IP_WINDOW_MINUTES} minutes`,
        );
      }
      const user = await db
        .selectFrom('users')
        .select([...USER_COLUMNS, 'users.password_hash', 'users.locked_until'])
        .where('username', '=', username)
        .executeTakeFirst();
      if (!user) {
        await verifyPassword(await dummyHash(), password);
        await recordFailure(username, ip, 'unknown_user', null);
        throw new AppError(401, 'BAD_CREDENTIALS', 'Wrong username or password');
      }
      if (user.locked_until && user.locked_until > now) {
        await recordFailure(username, ip, 'locked', null);
        throw new AppError(
          423,
          'ACCOUNT_LOCKED',
          `Account locked after ${LOCK_AFTER_FAILURES} failed attempts; try again later`,
          undefined,
          {
            lockedUntil: user.locked_until.toISOString(),
          },
        );
      }
      if (!(await verifyPassword(user.password_hash, password))) {
        await recordFailure(username, ip, 'bad_password', user.id);
        throw new AppError(401, 'BAD_CREDENTIALS', 'Wrong username or password');
      }
      if (user.disabled_at) {
        await recordFailure(username, ip, 'disabled', null);
        throw new AppError(403, 'ACCOUNT_DISABLED', 'This account is disabled; ask your administrator');
      }
      const { secret, hash } = newSecret('fxs');
      const actor = await actorForUser(db, user);
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
        await tx
          .insertInto('sessions')
          .values({
            id: hash,
            user_id: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at: new Date(now.getTime() + absoluteMs),
            ip,
            user_agent: userAgent?.slice(0, 300) ?? null,
          })
          .execute();
        await audit(tx, { actor, ip, now }, { action: 'auth.login', entityType: 'user', entityId: user.id });
      });
      return { token: secret, actor, mustChangePassword: user.must_change_password };
    },

    /**
     * Resolves a session cookie; touches last_seen at most once a minute. A resolved session is kept for
     * SESSION_CACHE_MS (real time, and no longer than that on the platform clock either), so a page's burst of
     * requests costs one lookup; logout, password changes and user edits forget it at once on every instance
     * (`forgetUser`, carried by the event bus), and anything else (a CLI reset while the server runs) is seen
     * within that time.
     */
    async fromSession(token: string): Promise<Authenticated | null> {
      const now = clock.now();
      const id = sha256(token);
      const hit = sessionCache.get(id);
      if (hit && performance.now() < hit.until && Math.abs(now.getTime() - hit.clockAt) < SESSION_CACHE_MS) {
        return hit.auth;
      }
      const readAt = generation;
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([...USER_COLUMNS, 'sessions.last_seen_at', 'sessions.expires_at', 'sessions.revoked_at'])
        .where('sessions.id', '=', id)
        .executeTakeFirst();
      if (!row || row.revoked_at || row.disabled_at) return null;
      if (row.expires_at <= now || now.getTime() - row.last_seen_at.getTime() > idleMs) return null;
      if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
        await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
      }
      const auth: Authenticated = {
        actor: await actorForUser(db, row),
        mustChangePassword: row.must_change_password,
        via: 'session',
        sessionId: id,
      };
      remember(id, auth, now, readAt);
      return auth;
    },

    forgetUser,

    async fromToken(token: string): Promise<Authenticated | null> {
      const row = await db
        .selectFrom('api_tokens')
        .innerJoin('users', 'users.id', 'api_tokens.user_id')
        .select([...USER_COLUMNS, 'api_tokens.id as token_id', 'api_tokens.revoked_at', 'api_tokens.last_used_at'])
        .where('api_tokens.token_hash', '=', sha256(token))
        .executeTakeFirst();
      if (!row || row.revoked_at || row.disabled_at) return null;
      const now = clock.now();
      if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
        await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute();
      }
      return { actor: await actorForUser(db, row), mustChangePassword: false, via: 'token' };
    },

    async logout(sessionId: string, actor: Actor, ip: string) {
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('sessions').set({ revoked_at: now }).where('id', '=', sessionId).execute();
        await audit(tx, { actor, ip, now }, { action: 'auth.logout', entityType: 'user', entityId: actor.userId });
      });
      sessionCache.delete(sessionId);
      forgetUser(actor.userId);
    },

    async changePassword(actor: Actor, currentPassword: string, newPassword: string, ip: string) {
      const user = await db
        .selectFrom('users')
        .select(['password_hash', 'username'])
        .where('id', '=', actor.userId)
        .executeTakeFirstOrThrow();
      if (!(await verifyPassword(user.password_hash, currentPassword))) {
        throw new AppError(400, 'BAD_CREDENTIALS', 'The current password is wrong', [
          { path: 'currentPassword', message: 'wrong password' },
        ]);
      }
      assertPasswordOk(newPassword, user.username, 'newPassword');
      if (await verifyPassword(user.password_hash, newPassword)) {
        throw new AppError(400, 'WEAK_PASSWORD', 'The new password must differ from the current one', [
          { path: 'newPassword', message: 'same as current' },
        ]);
      }
      const hashed = await hashPassword(newPassword);
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('users')
          .set((eb) => ({
            password_hash: hashed,
            must_change_password: false,
            updated_at: now,
            version: eb('version', '+', 1),
          }))
          .where('id', '=', actor.userId)
          .execute();
        await audit(
          tx,
          { actor, ip, now },
          { action: 'auth.password_changed', entityType: 'user', entityId: actor.userId },
        );
      });
      forgetUser(actor.userId);
    },

    async createToken(actor: Actor, name: string, ip: string) {
      const { secret, hash } = newSecret('fxt');
      const now = clock.now();
      const row = await db.transaction().execute(async (tx) => {
        const r = await tx
          .insertInto('api_tokens')
          .values({ user_id: actor.userId, name, token_hash: hash, prefix: secret.slice(0, 10), created_at: now })
          .returning(['id', 'name', 'prefix', 'created_at'])
          .executeTakeFirstOrThrow();
        await audit(
          tx,
          { actor, ip, now },
          { action: 'token.created', entityType: 'api_token', entityId: r.id, after: { name } },
        );
        return r;
      });
      return { ...row, token: secret };
    },

    listTokens(actor: Actor) {
      return db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
        .where('user_id', '=', actor.userId)
        .orderBy('created_at', 'desc')
        .execute();
    },

    async revokeToken(actor: Actor, id: string, ip: string) {
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        const r = await tx
          .updateTable('api_tokens')
          .set({ revoked_at: now })
          .where('id', '=', id)
          .where('user_id', '=', actor.userId)
          .where('revoked_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (!r) throw new AppError(404, 'NOT_FOUND', 'No such token');
        await audit(tx, { actor, ip, now }, { action: 'token.revoked', entityType: 'api_token', entityId: id });
      });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

export function assertPasswordOk(password: string, username: string, field: string) {
  const problem = passwordProblem(password, username);
  if (!problem) return;
  const message = {
    too_short: 'Use at least 10 characters',
    same_as_username: 'The password must not contain the username',
    common: 'This password is too common; choose another',
  }[problem];
  throw new AppError(400, 'WEAK_PASSWORD', message, [{ path: field, message: problem }]);
}
