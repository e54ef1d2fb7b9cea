import type { FastifyRequest } from 'fastify';
import type { Authenticated } from '../auth/auth.service.js';
import type { Actor } from '../authz/actor.js';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authenticated | null;
    now: Date;
  }
}

/** The signed-in actor, or 401. Accounts that must change their password may only do that. */
export function requireActor(req: FastifyRequest, opts: { allowPendingPasswordChange?: boolean } = {}): Actor {
  const auth = req.auth;
  if (!auth) throw new AppError(401, 'UNAUTHENTICATED', 'Please sign in');
  if (auth.mustChangePassword && !opts.allowPendingPasswordChange) {
    throw new AppError(403, 'PASSWORD_CHANGE_REQUIRED', 'Change your password before continuing');
  }
  return auth.actor;
}

/** What a use case needs to know about the request: who, from where, when. */
export interface RequestCtx {
  actor: Actor;
  ip: string;
  now: Date;
}

export function ctxOf(req: FastifyRequest, opts?: { allowPendingPasswordChange?: boolean }): RequestCtx {
  return { actor: requireActor(req, opts), ip: req.ip, now: req.now };
}
