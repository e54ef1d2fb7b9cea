import { sql } from 'kysely';
import type { Actor } from '../../platform/authz/actor.js';
import { scopeKind } from '../../platform/authz/actor.js';
import { forbidden } from '../../platform/errors.js';

/**
 * Plans, field records and meetings are the regulators' own work: the county (all departments) and each
 * department (its own). Townships and enterprises hold `supervision.read` for other parts of supervision
 * (an enterprise's own credit, its inspections) but never see the plans: an unannounced visit is planned here.
 */
export function requireRegulator(actor: Actor): void {
  const kind = scopeKind(actor);
  if (kind !== 'county' && kind !== 'department') {
    throw forbidden('Plans and field records are kept by the county and its departments');
  }
}

/** The department the actor is bound to, or null for county-wide actors. */
export function ownDepartment(actor: Actor): string | null {
  return scopeKind(actor) === 'department' ? (actor.departmentId ?? NO_DEPARTMENT) : null;
}

/** A department id that matches nothing (a department user without a department sees nothing). */
export const NO_DEPARTMENT = '00000000-0000-0000-0000-000000000000';

/** `column = own department`, or true for county-wide actors. */
export function departmentCondition(actor: Actor, column: string) {
  const own = ownDepartment(actor);
  return own === null ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} = ${own}::uuid`;
}
