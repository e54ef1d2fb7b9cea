import { type SelectQueryBuilder, sql } from 'kysely';
import { isUuid } from '../../../core/ids.js';
import { type Actor, scopeKind } from '../../platform/authz/actor.js';
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

/** Filters ready for SQL: the region code resolved to its path (null: no such region, so no rows). */
export interface ResolvedFilters extends Omit<EnterpriseFilters, 'regionCode'> {
  regionPath?: string | null | undefined;
}

export const SORTABLE = ['updated_at', 'name', 'code', 'employees', 'created_at'] as const;
export type SortKey = (typeof SORTABLE)[number];

/**
 * Looks the region filter's path up first, so the list query carries it as a constant: `region_path LIKE
 * '/…/%'` with a constant pattern can use the btree index, a pattern computed by a subquery cannot.
 */
export async function resolveFilters(db: Executor, f: EnterpriseFilters): Promise<ResolvedFilters> {
  const { regionCode, ...rest } = f;
  if (!regionCode) return rest;
  const r = await db.selectFrom('regions').select('path').where('code', '=', regionCode).executeTakeFirst();
  return { ...rest, regionPath: r?.path ?? null };
}

/** Terms this short have no trigram; the n-gram column (migration 0011) answers them. */
const SHORT_TERM = 2;

/**
 * A region subtree as SQL. A second-level region (a township under the county) is `region_level2 = code`
 * (migration 0016), which walks an index in list order; deeper regions by path prefix. Both select the same
 * rows (the region tree has one root); the test "answers a township's subtree from region_level2" checks it
 * against `enterpriseScope` for every region.
 */
export function inRegion(path: string) {
  const parts = path.split('/').filter(Boolean);
  return parts.length === 2 && parts[1]
    ? sql<boolean>`enterprises.region_level2 = ${parts[1]}`
    : sql<boolean>`enterprises.region_path like ${`${escapeLike(path)}%`}`;
}

/** Every read of enterprises starts here: the actor's scope is part of the SQL, then the filters. */
export function scopedEnterprises(db: Executor, actor: Actor, f: ResolvedFilters = {}) {
  // A township's or village's officer: the same rows as enterpriseScope, through the list-order index.
  const scope = scopeKind(actor) === 'region' && actor.regionPath ? inRegion(actor.regionPath) : enterpriseScope(actor);
  let q = db.selectFrom('enterprises').where(scope);
  const term = f.q?.trim();
  if (term) {
    const prefix = `${escapeLike(term)}%`;
    // Each branch must be indexable or PostgreSQL cannot OR the bitmaps and scans the whole table instead.
    q = q.where((eb) =>
      eb.or([
        [...term].length <= SHORT_TERM
          ? eb('enterprises.search_ngrams', '@>', sql<string[]>`array[${term.toLowerCase()}]::text[]`)
          : eb.or([
              eb('enterprises.name', 'ilike', `%${escapeLike(term)}%`),
              eb('enterprises.name_initials', 'like', `%${escapeLike(term.toLowerCase())}%`),
            ]),
        eb('enterprises.credit_code', 'like', prefix.toUpperCase()),
        eb('enterprises.code', 'ilike', prefix),
      ]),
    );
  }
  if (f.regionPath !== undefined) {
    q = f.regionPath === null ? q.where(sql<boolean>`false`) : q.where(inRegion(f.regionPath));
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

/**
 * One page of a list in its order: the page's ids first (an index-only walk of the sort index when there is one;
 * deep pages skip index entries, not rows), then those rows. The route and the benchmark's bare SQL both use it.
 */
export function listPage(
  db: Executor,
  base: EnterpriseQuery,
  o: { sort: SortKey; order: 'asc' | 'desc'; page: number; pageSize: number },
) {
  const ids = base
    .select('enterprises.id')
    .orderBy(`enterprises.${o.sort}`, o.order)
    .orderBy('enterprises.id')
    .limit(o.pageSize)
    .offset((o.page - 1) * o.pageSize);
  return db
    .selectFrom('enterprises')
    .select(LIST_COLUMNS)
    .where('enterprises.id', 'in', ids)
    .orderBy(`enterprises.${o.sort}`, o.order)
    .orderBy('enterprises.id');
}

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
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db.selectFrom('enterprises').selectAll().where('id', '=', id).where(enterpriseScope(actor)).executeTakeFirst();
}

export async function canSeeEnterprise(db: Executor, actor: Actor, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const r = await db
    .selectFrom('enterprises')
    .select('id')
    .where('id', '=', id)
    .where(enterpriseScope(actor))
    .executeTakeFirst();
  return Boolean(r);
}
