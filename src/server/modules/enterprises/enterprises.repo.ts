import { type SelectQueryBuilder, sql } from 'kysely';
import type { Actor } from '../../platform/authz/actor.js';
import { enterpriseScope, escapeLike } from '../../platform/authz/scope.js';
import type { Executor } from '../../platform/db/client.js';
import type { DB } from '../../platform/db/schema.js';

export interface EnterpriseFilters {
  q?: string | undefined;
  regionCode?: string | undefined;
  sector?: string | undefined;
  departmentId?: string | undefined;
  scale?: 'above' | 'below' | undefined;
  status?: ('operating' | 'suspended' | 'closed')[] | undefined;
  isKey?: boolean | undefined;
  hasMajorHazard?: boolean | undefined;
}

export const SORTABLE = ['updated_at', 'name', 'code', 'employees', 'created_at'] as const;
export type SortKey = (typeof SORTABLE)[number];

/** Every read of enterprises starts here: the actor's scope is part of the SQL, then the filters. */
export function scopedEnterprises(db: Executor, actor: Actor, f: EnterpriseFilters = {}) {
  let q = db.selectFrom('enterprises').where(enterpriseScope(actor));
  if (f.q) {
    const term = f.q.trim();
    const like = `%${escapeLike(term)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('enterprises.name', 'ilike', like),
        eb('enterprises.credit_code', 'like', `${escapeLike(term.toUpperCase())}%`),
        eb('enterprises.code', 'ilike', `${escapeLike(term)}%`),
        eb('enterprises.name_initials', 'like', `%${escapeLike(term.toLowerCase())}%`),
      ]),
    );
  }
  if (f.regionCode) {
    const code = f.regionCode;
    q = q.where(
      sql<boolean>`enterprises.region_path like (select replace(replace(path, '_', '\\_'), '%', '\\%') || '%' from regions where code = ${code})`,
    );
  }
  // Array containment (not `x = any(col)`), so the GIN indexes on sectors and department_ids can answer.
  if (f.sector) q = q.where(sql<boolean>`enterprises.sectors @> array[${f.sector}]::text[]`);
  if (f.departmentId) q = q.where(sql<boolean>`enterprises.department_ids @> array[${f.departmentId}::uuid]`);
  if (f.scale) q = q.where('enterprises.scale', '=', f.scale);
  if (f.status?.length) q = q.where('enterprises.status', 'in', f.status);
  if (f.isKey !== undefined) q = q.where('enterprises.is_key', '=', f.isKey);
  if (f.hasMajorHazard !== undefined) q = q.where('enterprises.has_major_hazard', '=', f.hasMajorHazard);
  return q;
}

export type EnterpriseQuery = SelectQueryBuilder<DB, 'enterprises', object>;

export const LIST_COLUMNS = [
  'enterprises.id',
  'enterprises.code',
  'enterprises.credit_code',
  'enterprises.name',
  'enterprises.region_code',
  'enterprises.primary_sector',
  'enterprises.sectors',
  'enterprises.scale',
  'enterprises.employees',
  'enterprises.principal_name',
  'enterprises.principal_phone',
  'enterprises.is_key',
  'enterprises.has_major_hazard',
  'enterprises.standardization_grade',
  'enterprises.status',
  'enterprises.lng',
  'enterprises.lat',
  'enterprises.updated_at',
  'enterprises.version',
] as const;

/** One enterprise within scope, or undefined (the caller answers 404). */
export function findEnterprise(db: Executor, actor: Actor, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(undefined);
  return db.selectFrom('enterprises').selectAll().where('id', '=', id).where(enterpriseScope(actor)).executeTakeFirst();
}

export async function canSeeEnterprise(db: Executor, actor: Actor, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const r = await db
    .selectFrom('enterprises')
    .select('id')
    .where('id', '=', id)
    .where(enterpriseScope(actor))
    .executeTakeFirst();
  return Boolean(r);
}
