import { sql } from 'kysely';
import type { FieldError } from '../../../core/errors.js';
import { isUuid } from '../../../core/ids.js';
import type { LocalizedText } from '../../../core/supervision/index.js';
import { type Actor, scopeKind } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { NotificationInput, Notifier } from '../../platform/notifications/notifications.js';

export function fieldError(code: 'MISSING_FIELD' | 'INVALID_FIELD', path: string, text: string) {
  const fields: FieldError[] = [{ path, message: code === 'MISSING_FIELD' ? 'required' : 'invalid' }];
  return new AppError(400, code, text, fields, { field: path });
}
export const missing = (path: string, text = `${path} is required`) => fieldError('MISSING_FIELD', path, text);
export const invalid = (path: string, text: string) => fieldError('INVALID_FIELD', path, text);
export const illegal = (message: string) => new AppError(409, 'ILLEGAL_ACTION', message);
export const forbiddenAction = (message: string) => new AppError(403, 'FORBIDDEN_ACTION', message);

/** A refusal that names its rule in both languages (`message` zh, `messageEn` en). */
export function ruleError(
  status: number,
  code: 'QUIET_PERIOD' | 'CAP_EXCEEDED' | 'TOO_MANY_INSPECTORS',
  m: LocalizedText,
  extra: Record<string, unknown> = {},
) {
  return new AppError(status, code, m.zh, undefined, { messageEn: m.en, ...extra });
}

/** What a use case needs beyond its transaction: the notifier, and a hook that runs after commit. */
export interface Effects {
  notifier: Notifier;
  after: (cb: () => void) => void;
}

export async function notify(tx: Tx, fx: Effects, input: NotificationInput, now: Date) {
  if (input.userIds.length === 0) return;
  const stored = await fx.notifier.store(tx, input, now);
  if (stored.length) fx.after(() => fx.notifier.deliver(stored));
}

export const ENTERPRISE_COLUMNS = [
  'enterprises.id',
  'enterprises.name',
  'enterprises.region_path',
  'enterprises.region_code',
  'enterprises.primary_sector',
  'enterprises.sectors',
  'enterprises.department_ids',
  'enterprises.status',
] as const;

/** An enterprise inside the actor's jurisdiction, or 404 (outside looks exactly like missing). */
export async function scopedEnterprise(db: Executor, actor: Actor, id: string, opts: { lock?: boolean } = {}) {
  if (!isUuid(id)) throw notFound('enterprise');
  let q = db
    .selectFrom('enterprises')
    .select(ENTERPRISE_COLUMNS)
    .where('enterprises.id', '=', id)
    .where(enterpriseScope(actor));
  if (opts.lock) q = q.forUpdate();
  const e = await q.executeTakeFirst();
  if (!e) throw notFound('enterprise');
  return e;
}

/** Enterprise users see an unannounced inspection (四不两直) only once it has started. */
export function inspectionVisibility(actor: Actor) {
  return scopeKind(actor) === 'enterprise'
    ? sql<boolean>`(not inspections.unannounced or inspections.started_at is not null)`
    : sql<boolean>`true`;
}

/** The township code of an enterprise from its region path '/county/township/village/'. */
export function townshipOf(regionPath: string): string | null {
  return regionPath.split('/').filter(Boolean)[1] ?? null;
}

/**
 * Whether the actor's unit organises or takes part in the inspection: the county office always; a department
 * user when the department takes part; a town officer for the township's own inspections.
 */
export function isOrganiser(actor: Actor, i: { department_ids: string[]; town_code: string | null }): boolean {
  switch (scopeKind(actor)) {
    case 'county':
      return true;
    case 'department':
      return actor.departmentId !== null && i.department_ids.includes(actor.departmentId);
    case 'region':
      return actor.role === 'town_officer' && i.town_code !== null && i.town_code === actor.regionCode;
    case 'enterprise':
      return false;
  }
}
