import { sql } from 'kysely';
import { type FieldError, isStableKey } from '../../../core/errors.js';
import { isUuid } from '../../../core/ids.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { NotificationInput, Notifier } from '../../platform/notifications/notifications.js';

/** What a use case needs beyond its transaction: the notifier, and a hook that runs after commit. */
export interface Effects {
  notifier: Notifier;
  after: (cb: () => void) => void;
}

/** Stores notifications inside the transaction and delivers them after commit. */
export async function notify(tx: Tx, fx: Effects, input: NotificationInput, now: Date): Promise<number> {
  const stored = await fx.notifier.store(tx, input, now);
  if (stored.length) fx.after(() => fx.notifier.deliver(stored));
  return stored.length;
}

export { isUuid };

export function fieldError(
  status: 400,
  code: 'MISSING_FIELD' | 'INVALID_FIELD' | 'VALIDATION',
  path: string,
  text: string,
) {
  // The field carries a stable key the web app words; the sentence stays in the error's message.
  const key = code === 'MISSING_FIELD' ? 'required' : isStableKey(text) ? text : 'invalid';
  const fields: FieldError[] = [{ path, message: key }];
  return new AppError(status, code, text, fields, { field: path });
}
export const missing = (path: string, text = `${path} is required`) => fieldError(400, 'MISSING_FIELD', path, text);
export const invalid = (path: string, text: string) => fieldError(400, 'INVALID_FIELD', path, text);
export const illegal = (message: string) => new AppError(409, 'ILLEGAL_ACTION', message);

/** The township code of an enterprise from its region path '/county/township/village/'. */
export function townshipOf(regionPath: string): string | null {
  return regionPath.split('/').filter(Boolean)[1] ?? null;
}

/** SQL: the township code of `enterprises.region_path` (alias configurable). */
export const townshipSql = (alias = 'enterprises') =>
  sql<string>`split_part(${sql.ref(`${alias}.region_path`)}, '/', 3)`;

export interface Parties {
  /** enterprise users of this enterprise with these roles */
  enterpriseId?: string | undefined;
  enterpriseRoles?: readonly string[];
  /** dept_officer users of these departments */
  departmentIds?: readonly string[];
  /** town_officer users of this township */
  townshipCode?: string | null | undefined;
  /** every county_admin */
  county?: boolean;
  userIds?: readonly (string | null | undefined)[];
}

/** The active users among the parties of a record, without the actor who caused the notification. */
export async function usersOf(db: Executor, parties: Parties, exceptUserId?: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('disabled_at', 'is', null)
    .where((eb) => {
      const ors = [];
      if (parties.enterpriseId && parties.enterpriseRoles?.length) {
        ors.push(
          eb.and([eb('enterprise_id', '=', parties.enterpriseId), eb('role', 'in', [...parties.enterpriseRoles])]),
        );
      }
      if (parties.departmentIds?.length) {
        ors.push(eb.and([eb('department_id', 'in', [...parties.departmentIds]), eb('role', '=', 'dept_officer')]));
      }
      if (parties.townshipCode) {
        ors.push(eb.and([eb('region_code', '=', parties.townshipCode), eb('role', '=', 'town_officer')]));
      }
      if (parties.county) ors.push(eb('role', '=', 'county_admin'));
      const ids = (parties.userIds ?? []).filter((x): x is string => typeof x === 'string' && isUuid(x));
      if (ids.length) ors.push(eb('id', 'in', ids));
      return ors.length ? eb.or(ors) : eb.lit(false);
    })
    .execute();
  return rows.map((r) => r.id).filter((id) => id !== exceptUserId);
}

/** Name of the unit an actor acts for, for documents and histories. */
export async function unitName(db: Executor, actor: Actor): Promise<string> {
  if (actor.departmentId) {
    const d = await db
      .selectFrom('departments')
      .select('name_zh')
      .where('id', '=', actor.departmentId)
      .executeTakeFirst();
    if (d) return d.name_zh;
  }
  if (actor.regionCode) {
    const path = await db
      .selectFrom('regions')
      .select(['path', 'name', 'depth'])
      .where('code', '=', actor.regionCode)
      .executeTakeFirst();
    if (path) {
      const town = path.path.split('/').filter(Boolean)[1];
      if (town && town !== actor.regionCode) {
        const t = await db.selectFrom('regions').select('name').where('code', '=', town).executeTakeFirst();
        if (t) return `${t.name}人民政府`;
      }
      return path.depth === 0 ? `${path.name}安全生产委员会办公室` : `${path.name}人民政府`;
    }
  }
  const county = await db.selectFrom('regions').select('name').where('depth', '=', 0).executeTakeFirst();
  return `${county?.name ?? '县'}安全生产委员会办公室`;
}
