import { can, type Permission, ROLE_SCOPE, type Role } from '../../../core/roles.js';
import { forbidden } from '../errors.js';

/** Who is acting, with the jurisdiction their role binds them to. Built once per request. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  /** Region path prefix such as '/140522000000/140522100000/' for town and village roles. */
  regionPath: string | null;
  regionCode: string | null;
  enterpriseId: string | null;
}

/** The system itself (jobs, seeding, CLI): county-wide. */
export const SYSTEM_ACTOR: Actor = {
  userId: '00000000-0000-0000-0000-000000000000',
  username: 'system',
  displayName: '系统',
  role: 'sys_admin',
  departmentId: null,
  regionPath: null,
  regionCode: null,
  enterpriseId: null,
};

export function isSystem(actor: Actor): boolean {
  return actor.userId === SYSTEM_ACTOR.userId;
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) throw forbidden(`Your role (${actor.role}) may not ${permission}`);
}

export function scopeKind(actor: Actor) {
  return ROLE_SCOPE[actor.role];
}
