import { type RawBuilder, sql } from 'kysely';
import type { Actor } from './actor.js';
import { scopeKind } from './actor.js';

/**
 * The actor's jurisdiction over enterprises as a SQL condition on the given table alias. Every module that
 * reads enterprise-owned data joins `enterprises` and applies this, so lists, counts, exports and map layers
 * all see the same rows.
 *   county roles: everything; department: enterprises it supervises; township/village: its region subtree;
 *   enterprise users: their own enterprise.
 */
export function enterpriseScope(actor: Actor, alias = 'enterprises'): RawBuilder<boolean> {
  switch (scopeKind(actor)) {
    case 'county':
      return sql<boolean>`true`;
    case 'department':
      return actor.departmentId
        ? // Containment, not `= any(…)`: the GIN index on department_ids answers it.
          sql<boolean>`${sql.ref(`${alias}.department_ids`)} @> array[${actor.departmentId}::uuid]`
        : sql<boolean>`false`;
    case 'region':
      return actor.regionPath
        ? sql<boolean>`${sql.ref(`${alias}.region_path`)} like ${`${escapeLike(actor.regionPath)}%`}`
        : sql<boolean>`false`;
    case 'enterprise':
      return actor.enterpriseId
        ? sql<boolean>`${sql.ref(`${alias}.id`)} = ${actor.enterpriseId}::uuid`
        : sql<boolean>`false`;
  }
}

/** A string naming the actor's jurisdiction: equal keys see the same rows (for caching per scope). */
export function scopeKey(actor: Actor): string {
  switch (scopeKind(actor)) {
    case 'county':
      return 'county';
    case 'department':
      return `department:${actor.departmentId ?? ''}`;
    case 'region':
      return `region:${actor.regionPath ?? ''}`;
    case 'enterprise':
      return `enterprise:${actor.enterpriseId ?? ''}`;
  }
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
