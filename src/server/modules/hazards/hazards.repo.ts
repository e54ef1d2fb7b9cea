import { type AliasedSelectQueryBuilder, type RawBuilder, type Selectable, sql } from 'kysely';
import { addDays } from '../../../core/hazards/escalation.js';
import {
  HAZARD_OPEN_STATUSES,
  type HazardLevel,
  type HazardSource,
  type HazardStatus,
  localDayStart,
  mayOccurInHazardCode,
  parseHazardCode,
} from '../../../core/hazards/index.js';
import { type Actor, scopeKind } from '../../platform/authz/actor.js';
import { enterpriseScope, escapeLike } from '../../platform/authz/scope.js';
import type { Executor } from '../../platform/db/client.js';
import type { HazardsTable } from '../../platform/db/schema.js';
import { prepared } from '../../platform/db/statements.js';
import { isUuid, townshipSql } from './hazards.shared.js';

export type HazardRow = Selectable<HazardsTable>;

export interface HazardFilters {
  status?: HazardStatus[] | undefined;
  level?: HazardLevel | undefined;
  sector?: string | undefined;
  regionCode?: string | undefined;
  departmentId?: string | undefined;
  source?: HazardSource[] | undefined;
  enterpriseId?: string | undefined;
  campaignId?: string | undefined;
  overdue?: boolean | undefined;
  /** found_at from this local date (inclusive) */
  from?: string | undefined;
  /** found_at up to this local date (inclusive) */
  to?: string | undefined;
  q?: string | undefined;
  /**
   * The enterprises whose name contains `q`, looked up beforehand by `resolveSearch` (a constant list lets the
   * planner estimate the search and use an index for it). Without it the search uses a subquery.
   */
  qEnterpriseIds?: string[] | undefined;
  /**
   * The path of `regionCode`, looked up beforehand by `resolveFilters`: a constant prefix the region-path index
   * narrows, and its township (second level) narrows through `hazards.region_level2` (migration 0017).
   */
  regionPath?: string | undefined;
}

/** `deadline < today` in SQL for a rectifying hazard: the deadline ended before today's local midnight. */
export function overdueSql(today: string) {
  return sql<boolean>`(hazards.status = 'rectifying' and hazards.deadline < ${today}::date)`;
}

const and = (conds: RawBuilder<boolean>[]) =>
  conds.length ? sql<boolean>`(${sql.join(conds, sql` and `)})` : sql<boolean>`true`;

/** Conditions on the enterprise side of a hazard (applied with the scope, on `enterprises`). */
export function enterpriseConds(f: HazardFilters): RawBuilder<boolean>[] {
  const c: RawBuilder<boolean>[] = [];
  if (f.enterpriseId) c.push(sql<boolean>`enterprises.id = ${f.enterpriseId}::uuid`);
  // Containment, not `= any(…)`: the GIN index on department_ids answers it.
  if (f.departmentId) c.push(sql<boolean>`enterprises.department_ids @> array[${f.departmentId}::uuid]`);
  if (f.regionCode) {
    const l = f.regionPath ? levelsOf(f.regionPath) : undefined;
    c.push(
      l?.depth === 2
        ? sql<boolean>`enterprises.region_level2 = ${l.level2}`
        : f.regionPath
          ? sql<boolean>`enterprises.region_path like ${`${escapeLike(f.regionPath)}%`}`
          : regionPrefixSql('enterprises', f.regionCode),
    );
  }
  return c;
}

/**
 * The township (second level) and village (third level) of a region path `/<root>/<township>/<village>/…/`, and the
 * path's depth (2: the township, 3: the village). Undefined for the root.
 */
function levelsOf(path: string): { level2: string; level3: string | undefined; depth: number } | undefined {
  const parts = path.split('/').filter(Boolean);
  return parts[1] ? { level2: parts[1], level3: parts[2], depth: parts.length } : undefined;
}

/** The depth of a region path (1: the root, 2: a township, 3: a village); 0 for none. */
function depthOf(path: string | null | undefined): number {
  return path ? (levelsOf(path)?.depth ?? 1) : 0;
}

/** Whether the hazard's own township and village columns say exactly "in this region" (a township or a village). */
function onHazard(path: string | null | undefined): boolean {
  const depth = depthOf(path);
  return depth === 2 || depth === 3;
}

/**
 * The actor's scope as conditions on `hazards` alone, beyond townshipNarrowing, when it can be said there: the
 * county (nothing), a township's officer (nothing more: the narrowing is the whole scope), an enterprise's user
 * (`enterprise_id`). Undefined for a department (its enterprises' `department_ids`) and a village or deeper (the
 * enterprise's path prefix).
 */
function hazardSideScope(actor: Actor): RawBuilder<boolean>[] | undefined {
  switch (scopeKind(actor)) {
    case 'county':
      return [];
    case 'enterprise':
      return [
        actor.enterpriseId ? sql<boolean>`hazards.enterprise_id = ${actor.enterpriseId}::uuid` : sql<boolean>`false`,
      ];
    case 'region':
      return onHazard(actor.regionPath) ? [] : undefined;
    case 'department':
      return undefined;
  }
}

/**
 * What the scope and the region filter imply on `hazards` (true of every row they keep): the township and the
 * village of a region officer and of a region filter, through `hazards.region_level2` and `region_level3`. For
 * the county-wide and township reads; the per-enterprise reads have the enterprise already and do without.
 */
function townshipNarrowing(actor: Actor, f: HazardFilters, townshipOrdered = false): RawBuilder<boolean>[] {
  const { townships, villages } = narrowingLevels(actor, f);
  return [
    ...townships.map((level2) =>
      // See searchWalk: the same condition, written so that the township stays a sort key of the walk.
      townshipOrdered
        ? sql<boolean>`hazards.region_level2 = any(${[level2]}::text[])`
        : sql<boolean>`hazards.region_level2 = ${level2}`,
    ),
    ...villages.map((level3) => sql<boolean>`hazards.region_level3 = ${level3}`),
  ];
}

/** The townships and villages the scope and the region filter narrow to (each once). */
function narrowingLevels(actor: Actor, f: HazardFilters) {
  // A township officer filtering a village of the township: one condition per level, not the same one twice.
  const townships = new Set<string>();
  const villages = new Set<string>();
  for (const path of regionPaths(actor, f)) {
    const l = path ? levelsOf(path) : undefined;
    if (l) townships.add(l.level2);
    if (l?.level3) villages.add(l.level3);
  }
  return { townships: [...townships], villages: [...villages] };
}

/**
 * The scope and the enterprise-side filters as conditions on `hazards` alone, or undefined when they need the
 * enterprise row (a department, a region below a village). Then the list's walk and count need not join the
 * enterprise at all.
 */
function hazardSideOnly(actor: Actor, f: HazardFilters): RawBuilder<boolean>[] | undefined {
  const own = hazardSideScope(actor);
  if (!own || f.departmentId || (f.regionCode && !onHazard(f.regionPath))) return undefined;
  return own;
}

/** `<alias>.region_path` lies in the subtree of the region `code` (none when the code is unknown). */
export function regionPrefixSql(alias: string, code: string) {
  return sql<boolean>`${sql.ref(`${alias}.region_path`)} like (select replace(replace(path, '_', '\\_'), '%', '\\%') || '%' from regions where code = ${code})`;
}

/** Conditions on the hazard itself (`hazards`; the free-text search also looks enterprise names up). */
function hazardConds(f: HazardFilters, today?: string): RawBuilder<boolean>[] {
  const c: RawBuilder<boolean>[] = [];
  if (f.status?.length) c.push(sql<boolean>`hazards.status in (${sql.join(f.status)})`);
  if (f.level) c.push(sql<boolean>`hazards.level = ${f.level}`);
  if (f.sector) c.push(sql<boolean>`hazards.sector = ${f.sector}`);
  if (f.source?.length) c.push(sql<boolean>`hazards.source in (${sql.join(f.source)})`);
  if (f.enterpriseId) c.push(sql<boolean>`hazards.enterprise_id = ${f.enterpriseId}::uuid`);
  if (f.campaignId) c.push(sql<boolean>`hazards.campaign_id = ${f.campaignId}::uuid`);
  if (f.from) c.push(sql<boolean>`hazards.found_at >= ${localDayStart(f.from)}`);
  if (f.to) c.push(sql<boolean>`hazards.found_at < ${localDayStart(addDays(f.to, 1))}`);
  if (f.overdue !== undefined && today) c.push(f.overdue ? overdueSql(today) : sql<boolean>`not ${overdueSql(today)}`);
  const search = f.q ? searchSql(f.q, f.qEnterpriseIds) : null;
  if (search) c.push(search);
  return c;
}

/** At most this many enterprise ids are passed as a list; a name term matching more uses a subquery. */
export const SEARCH_ENTERPRISES_MAX = 1000;

/**
 * Keeps an answer derived from enterprise and region rows a few seconds (the count cache's ENTERPRISE_COUNTS topic:
 * dropped when enterprises or regions change). Without one, every call looks up again.
 */
export type EnterpriseMemo = <T>(key: string, compute: () => Promise<T>) => Promise<T>;
const noMemo: EnterpriseMemo = (_key, compute) => compute();

/**
 * Looks up beforehand what the filters need from other tables, so the list's SQL has constants the planner can
 * use: the enterprises whose name contains `q` (for searchSql) and the path of `regionCode`. With a `memo`, a
 * term's or a region's answer is reused (a list request otherwise spends a round trip on each).
 */
export async function resolveFilters(
  db: Executor,
  f: HazardFilters,
  memo: EnterpriseMemo = noMemo,
): Promise<HazardFilters> {
  let out = f;
  const lookup = searchEnterprisesQuery(db, f);
  if (lookup) {
    const ids = await memo(`hazards.q ${f.q?.trim()}`, async () => {
      const { rows } = await db.executeQuery(prepared(lookup.compile()));
      return rows.length <= SEARCH_ENTERPRISES_MAX ? rows.map((r) => r.id) : null;
    });
    if (ids) out = { ...out, qEnterpriseIds: ids };
  }
  const regionQuery = regionLookupQuery(db, f);
  const path =
    regionQuery &&
    (await memo(
      `hazards.region ${f.regionCode}`,
      async () => (await db.executeQuery(prepared(regionQuery.compile()))).rows[0]?.path ?? null,
    ));
  // An unknown code keeps the prefix condition alone, which matches nothing.
  if (path) out = { ...out, regionPath: path };
  return out;
}

/** The region lookup resolveFilters runs (undefined without a region filter). */
export function regionLookupQuery(db: Executor, f: HazardFilters) {
  return f.regionCode ? db.selectFrom('regions').select('path').where('code', '=', f.regionCode) : undefined;
}

/** The enterprise-name lookup resolveFilters runs (undefined without a search term). */
export function searchEnterprisesQuery(db: Executor, f: HazardFilters) {
  const term = f.q?.trim();
  if (!term) return undefined;
  const like = sql<boolean>`name ilike ${`%${escapeLike(term)}%`}`;
  return (
    db
      .selectFrom('enterprises')
      .select('id')
      // One or two characters have no trigram: the n-gram column of migration 0011 (name and initials) narrows
      // through its index, the ILIKE keeps the name's own matches.
      .where(
        [...term].length <= 2
          ? sql<boolean>`(search_ngrams @> array[${term.toLowerCase()}]::text[] and ${like})`
          : like,
      )
      .limit(SEARCH_ENTERPRISES_MAX + 1)
  );
}

/**
 * A whole hazard code as typed (core's `parseHazardCode`: canonical `YH-<year>-<6 digits>`, any case), upper-cased;
 * undefined for anything else. Every code starts with `YH-`, so as a substring of a code it can only be its start:
 * the code itself, or a code whose sequence widened past 999,999 (`YH-2026-100000` in `YH-2026-1000001`).
 */
function wholeCode(term: string): string | undefined {
  return parseHazardCode(term) ? term.toUpperCase() : undefined;
}

/** Codes that start with the whole code `code`: a range of the unique index (sequences widen by at most 9 digits). */
function codesFrom(code: string) {
  return sql<boolean>`(hazards.code >= ${code} and hazards.code <= ${`${code}999999999`}
    and hazards.code like ${`${escapeLike(code)}%`})`;
}

/**
 * Free-text search: q is a case-insensitive substring of the hazard's code, place or description, or of its
 * enterprise's name. Written so that every branch of the OR is on `hazards` and indexable (a BitmapOr):
 *   - ≥ 3 characters: ILIKE on the three columns, served by the trigram index `hazards_search`;
 *   - 2 characters: `search_bigrams @> array[lower(q)]` (index `hazards_bigrams`), equivalent to that ILIKE for a
 *     two-character q (a trigram needs three characters); the ILIKE is kept as the definition;
 *   - 1 character: the ILIKE alone (no index narrows a single character usefully; the list walks newest-first
 *     and stops after a page, and the count stops at COUNT_CAP);
 *   - the enterprise name: `enterprise_id = any(<ids>)` with the ids resolved beforehand (resolveSearch), read
 *     through `hazards_enterprise`; without them (or beyond SEARCH_ENTERPRISES_MAX), `enterprise_id in (subquery)`.
 * undefined when q is blank (no condition).
 */
export function searchSql(
  q: string,
  enterpriseIds?: string[],
  /**
   * For rows already in hand (the newest-first walk): no bigram condition. It is implied by the LIKE of a
   * two-character term (every such substring of a field is one of its bigrams) and is there for the index; testing
   * it on each walked row cost as much again as the LIKE (2,000 rows: 5.1 → 3.0 ms).
   */
  o: { walk?: boolean } = {},
): RawBuilder<boolean> | undefined {
  const term = q.trim();
  const chars = [...term].length;
  if (chars === 0) return undefined;
  const like = `%${escapeLike(term)}%`;
  // A term without cased letters (Chinese, digits) matches the same with LIKE, which does not lower-case every
  // row it tests as ILIKE does (half the cost of the newest-first walk of a search page).
  const op = term.toLowerCase() === term.toUpperCase() ? sql`like` : sql`ilike`;
  // A whole code: a range of the unique index instead of the trigrams all codes share (`YH-`, the year), which made
  // a code search read the index of every hazard.
  const whole = wholeCode(term);
  // A term that cannot be in any code (Chinese text, most words) leaves codes untested: a third of each row's tests.
  const code = whole
    ? codesFrom(whole)
    : mayOccurInHazardCode(term)
      ? sql<boolean>`hazards.code ${op} ${like}`
      : undefined;
  const texts = sql<boolean>`hazards.place ${op} ${like} or hazards.description ${op} ${like}`;
  const fields = code ? sql<boolean>`(${code} or ${texts})` : sql<boolean>`(${texts})`;
  const text =
    chars === 2 && !o.walk
      ? sql<boolean>`(hazards.search_bigrams @> array[lower(${term})]::text[] and ${fields})`
      : fields;
  if (enterpriseIds === undefined) {
    return sql<boolean>`(${text} or hazards.enterprise_id in (select e.id from enterprises e where e.name ${op} ${like}))`;
  }
  if (enterpriseIds.length === 0) return text;
  return sql<boolean>`(${text} or hazards.enterprise_id = any(${enterpriseIds}::uuid[]))`;
}

/**
 * Every read of hazards starts here: hazards joined to their enterprise, the actor's scope applied to the
 * enterprise (ARCHITECTURE §4: lists, counts, exports and boards see the same rows), then the filters.
 */
export function scopedHazards(db: Executor, actor: Actor, f: HazardFilters = {}, today?: string) {
  return db
    .selectFrom('hazards')
    .innerJoin('enterprises', 'enterprises.id', 'hazards.enterprise_id')
    .where(enterpriseScope(actor))
    .where(and(enterpriseConds(f)))
    .where(and([...townshipNarrowing(actor, f), ...hazardConds(f, today)]));
}

/**
 * The same rows as scopedHazards for the list's walk and count, which read only `hazards` columns: when the scope
 * and filters can be decided on `hazards` alone (hazardSideOnly) the enterprise is left-joined without a
 * condition and the planner drops the join — a township's walk reads its index (`hazards_level2_created`) alone.
 * Otherwise the enterprise's conditions make it an inner join, as in scopedHazards.
 */
export function scopedHazardRows(db: Executor, actor: Actor, f: HazardFilters, today: string, townshipOrdered = false) {
  const own = hazardSideOnly(actor, f);
  // Below a village the enterprise's conditions pick a few hundred enterprises or fewer whose open hazards are
  // probed index-only; the township on the hazard is implied there and would only add a heap check to every probe
  // (a village's rectifying page, before the village was on the hazard: 3.4 → 2.1 ms).
  const narrowing = own || !belowVillage(actor, f) ? townshipNarrowing(actor, f, townshipOrdered) : [];
  return db
    .selectFrom('hazards')
    .leftJoin('enterprises', 'enterprises.id', 'hazards.enterprise_id')
    .where(own ? and(own) : and([enterpriseScope(actor), ...enterpriseConds(f)]))
    .where(and([...narrowing, ...hazardConds(f, today)]));
}

/** Whether the region scope or the region filter lies below a village. */
function belowVillage(actor: Actor, f: HazardFilters): boolean {
  return regionPaths(actor, f).some((path) => depthOf(path) > 3);
}

/** The region paths that bound a read: a region officer's scope and the region filter (either may be absent). */
function regionPaths(actor: Actor, f: HazardFilters): (string | null | undefined)[] {
  return [scopeKind(actor) === 'region' ? actor.regionPath : null, f.regionPath];
}

/** Up to this many enterprises in the (filtered) scope, a page is read enterprise by enterprise. */
export const PER_ENTERPRISE_MAX = 200;

/**
 * How to read a page. When the scope or a filter narrows the enterprises to a few hundred or fewer, each
 * enterprise's newest hazards come from its own index (`hazards_enterprise`, or the partial open/major ones) and
 * are merged: a township or a department with few matches never walks the county-wide index looking for them.
 * Otherwise (the county, a large department) `hazards_created_enterprise` is walked newest first and the enterprise
 * joined, which is fastest when matches are dense.
 */
export async function perEnterprisePlan(db: Executor, actor: Actor, f: HazardFilters): Promise<boolean> {
  const q = perEnterprisePlanQuery(db, actor, f);
  if (!q) return false;
  const { rows } = await db.executeQuery(prepared(q.compile()));
  return (rows[0]?.n ?? PER_ENTERPRISE_MAX + 1) <= PER_ENTERPRISE_MAX;
}

/** The query perEnterprisePlan runs (`n` enterprises, capped), or undefined when none is needed. */
export function perEnterprisePlanQuery(db: Executor, actor: Actor, f: HazardFilters) {
  // The county or a township with no enterprise filter: the walk, through hazards_level2_created for a township.
  // A village is asked: most villages have a few dozen enterprises, read one by one; a large one is walked too
  // (its township's index, keeping the village's entries by `region_level3`).
  const village = regionPaths(actor, f).some((path) => depthOf(path) === 3);
  if (hazardSideOnly(actor, f) && !village && !f.enterpriseId && scopeKind(actor) !== 'enterprise') return undefined;
  return db
    .selectFrom(
      db
        .selectFrom('enterprises')
        .select('enterprises.id')
        .where(enterpriseScope(actor))
        .where(and(enterpriseConds(f)))
        .limit(PER_ENTERPRISE_MAX + 1)
        .as('x'),
    )
    .select(sql<number>`count(*)::int`.as('n'));
}

export interface Keyset {
  /** created_at of the previous page's last row, ISO text to the microsecond (listColumns' `created_at`) */
  at: string;
  id: string;
}

/**
 * One page of hazards newest first (created_at desc, id desc), keyset or offset, scoped. The row shape is the
 * same as `scopedHazards(...).select(...)`: `hazards` and `enterprises` are both in scope for the columns.
 */
export function newestPage(
  db: Executor,
  actor: Actor,
  f: HazardFilters,
  today: string,
  page: { limit: number; offset: number; after?: Keyset | undefined },
  perEnterprise: boolean,
) {
  const keyset = page.after
    ? sql<boolean>`(hazards.created_at, hazards.id) < (${page.after.at}::timestamptz, ${page.after.id}::uuid)`
    : sql<boolean>`true`;
  if (!perEnterprise) {
    // The walk reads only (created_at, id, enterprise_id) and what the filters need — index-only through
    // hazards_created_enterprise (or the partial rectifying / major indexes, which carry the same) — and the page's rows are
    // fetched by id afterwards: skipped rows (other jurisdictions, an offset) cost no heap read.
    // A search page walks first (searchWalk); a whole code does not: it matches one hazard (or the few whose
    // sequence widened from it), and the unique index answers at once.
    const term = f.q?.trim();
    if (term && !wholeCode(term)) return rowsOfPage(db, searchWalk(db, actor, f, today, keyset, page).as('page'));
    const ids = scopedHazardRows(db, actor, f, today)
      .where(keyset)
      .select(['hazards.id as hazard_id', 'hazards.enterprise_id as enterprise_id'])
      .orderBy('hazards.created_at', 'desc')
      .orderBy('hazards.id', 'desc')
      .limit(page.limit)
      .offset(page.offset);
    return rowsOfPage(db, ids.as('page'));
  }
  const top = page.limit + page.offset;
  // Per enterprise only (created_at, id) — an index-only scan of hazards_enterprise when nothing else filters —
  // then the page's rows are fetched by id.
  const ids = db
    .selectFrom('enterprises')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('hazards')
          .select(['hazards.id', 'hazards.created_at'])
          .whereRef('hazards.enterprise_id', '=', 'enterprises.id')
          .where(and(hazardConds(f, today)))
          .where(keyset)
          .orderBy('hazards.created_at', 'desc')
          .orderBy('hazards.id', 'desc')
          .limit(top)
          .as('x'),
      (join) => join.onTrue(),
    )
    .where(enterpriseScope(actor))
    .where(and(enterpriseConds(f)))
    .select(['x.id as hazard_id', 'enterprises.id as enterprise_id'])
    .orderBy('x.created_at', 'desc')
    .orderBy('x.id', 'desc')
    .limit(page.limit)
    .offset(page.offset);
  return rowsOfPage(db, ids.as('page'));
}

/** The page's hazards and their enterprises, from the page's ids, newest first. */
function rowsOfPage(
  db: Executor,
  ids: AliasedSelectQueryBuilder<{ hazard_id: string; enterprise_id: string }, 'page'>,
) {
  return db
    .selectFrom(ids)
    .innerJoin('hazards', 'hazards.id', 'page.hazard_id')
    .innerJoin('enterprises', 'enterprises.id', 'page.enterprise_id')
    .orderBy('hazards.created_at', 'desc')
    .orderBy('hazards.id', 'desc');
}

/** Entries of the newest-first walk a search page examines before it falls back to the search's own indexes. */
export function searchWindow(need: number) {
  return Math.min(20_000, Math.max(2_000, 50 * need));
}

/**
 * The page's ids for a free-text search, newest first. A common term (瓦斯, 配电箱: a few per cent of hazards)
 * fills a page within the newest few hundred entries of the scope's walk, but the planner, seeing an indexable
 * search, prefers to collect every match from the trigram or bigram index and sort them (4,905 matches in a
 * township for 瓦斯: ~100 ms). So the page first walks at most `searchWindow` entries of the scope newest first,
 * testing the search on each (`w`); only when that finds fewer than the page needs (a rare term, a deep page) is
 * the search answered from its indexes (`full`). One statement: `full` runs only when `w` falls short.
 */
function searchWalk(
  db: Executor,
  actor: Actor,
  f: HazardFilters,
  today: string,
  keyset: RawBuilder<boolean>,
  page: { limit: number; offset: number },
) {
  const need = page.limit + page.offset;
  // A township's walk reads the township's index (hazards_level2_created). Both it and the county's
  // (hazards_created_enterprise, filtering the township) give the order, and each walked row is fetched for its
  // text either way; PostgreSQL prices them about equal (it reckons the county index's rows are fetched in heap
  // order, created_at being ~1.0 correlated with it) and picks either from one ANALYZE to the next — the county's
  // reads ten times the entries (a township's page of 配电箱: 1.6 vs 3.1–3.9 ms). Written as `= any(array[…])`,
  // the township is no longer a constant PostgreSQL drops from the sort keys, so ordering by it first leaves the
  // township's index the only one that gives the order.
  const ordered = hazardSideOnly(actor, f) !== undefined && narrowingLevels(actor, f).townships.length === 1;
  const townshipFirst = <T extends { orderBy(e: RawBuilder<unknown>): T }>(q: T) =>
    ordered ? q.orderBy(sql`hazards.region_level2`) : q;
  // Named `hazards`, so the search condition (written on hazards.*) applies to the walked rows as it is.
  const walked = townshipFirst(
    scopedHazardRows(db, actor, { ...f, q: undefined, qEnterpriseIds: undefined }, today, ordered).select([
      'hazards.id',
      'hazards.created_at',
      'hazards.enterprise_id',
      'hazards.code',
      'hazards.place',
      'hazards.description',
      'hazards.region_level2',
    ]),
  )
    .where(keyset)
    .orderBy('hazards.created_at', 'desc')
    .orderBy('hazards.id', 'desc')
    .limit(searchWindow(need));
  const search = searchSql(f.q ?? '', f.qEnterpriseIds, { walk: true }) ?? sql<boolean>`true`;
  const full = scopedHazardRows(db, actor, f, today)
    .where(keyset)
    .select(['hazards.id as hazard_id', 'hazards.enterprise_id as enterprise_id', 'hazards.created_at'])
    .orderBy('hazards.created_at', 'desc')
    .orderBy('hazards.id', 'desc')
    .limit(need);
  return db
    .with('w', () =>
      townshipFirst(
        db
          .selectFrom(walked.as('hazards'))
          .where(search)
          .select(['hazards.id as hazard_id', 'hazards.enterprise_id as enterprise_id', 'hazards.created_at']),
      )
        .orderBy('hazards.created_at', 'desc')
        .orderBy('hazards.id', 'desc')
        .limit(need),
    )
    .selectFrom((eb) =>
      eb
        .selectFrom('w')
        .selectAll()
        .where(sql<boolean>`(select count(*) from w) >= ${need}`)
        .unionAll(db.selectFrom(full.as('f')).selectAll().where(sql<boolean>`(select count(*) from w) < ${need}`))
        .as('x'),
    )
    .select(['x.hazard_id', 'x.enterprise_id'])
    .orderBy('x.created_at', 'desc')
    .orderBy('x.hazard_id', 'desc')
    .limit(page.limit)
    .offset(page.offset);
}

/**
 * The page GET /api/hazards answers, a row per item (`item`: its JSON text, `id`, `created_at` as ISO text to the
 * microsecond): newest first (keyset `after` or offset, with the per-enterprise plan when `perEnterprise`), or by
 * deadline / found date (offset).
 */
export function listPageQuery(
  db: Executor,
  actor: Actor,
  f: HazardFilters,
  today: string,
  page: { page: number; pageSize: number; sort: 'created' | 'deadline' | 'found'; after?: Keyset | undefined },
  perEnterprise: boolean,
) {
  // The township's name by a join on the enterprise's stored township (0016), not a subquery per row: the
  // per-row subplan was as costly as the rest of the page (pgbench, county page 1: 5,333 → 9,459/s).
  const columns = listColumns(today);
  const offset = (page.page - 1) * page.pageSize;
  if (page.sort === 'created') {
    return newestPage(
      db,
      actor,
      f,
      today,
      { limit: page.pageSize, offset: page.after ? 0 : offset, after: page.after },
      perEnterprise,
    )
      .leftJoin('regions as township', 'township.code', 'enterprises.region_level2')
      .select(columns);
  }
  return scopedHazards(db, actor, f, today)
    .leftJoin('regions as township', 'township.code', 'enterprises.region_level2')
    .select(columns)
    .orderBy(page.sort === 'found' ? sql`hazards.found_at desc` : sql`hazards.deadline asc nulls last`)
    .orderBy('hazards.id', page.sort === 'found' ? 'desc' : 'asc')
    .limit(page.pageSize)
    .offset(offset);
}

export const COUNT_CAP = 10_000;

/**
 * Count-cache topic of the hazard list's totals. Dropped after commit by the hazard write routes (a user sees
 * their own write at once) and, on PostgreSQL, by a statement trigger on `hazards` through the event bus
 * (migration 0012), whoever wrote; otherwise a total lives COUNT_CACHE_MS.
 */
export const HAZARD_COUNTS = 'hazards';

/** How many hazards match, exact up to COUNT_CAP (then `exact: false`), with the same per-enterprise plan. */
export async function cappedCount(db: Executor, actor: Actor, f: HazardFilters, today: string, perEnterprise: boolean) {
  const r = await cappedCountQuery(db, actor, f, today, perEnterprise).executeTakeFirstOrThrow();
  return { total: Math.min(r.n, COUNT_CAP), exact: r.n <= COUNT_CAP };
}

/** The query cappedCount runs: `n` = matching hazards, up to COUNT_CAP + 1. */
export function cappedCountQuery(db: Executor, actor: Actor, f: HazardFilters, today: string, perEnterprise: boolean) {
  const inner = perEnterprise
    ? db
        .selectFrom('enterprises')
        .innerJoinLateral(
          (eb) =>
            eb
              .selectFrom('hazards')
              .select('hazards.id')
              .whereRef('hazards.enterprise_id', '=', 'enterprises.id')
              .where(and(hazardConds(f, today)))
              .as('hazards'),
          (join) => join.onTrue(),
        )
        .where(enterpriseScope(actor))
        .where(and(enterpriseConds(f)))
        .select('hazards.id')
    : scopedHazardRows(db, actor, f, today).select('hazards.id');
  return db.selectFrom(inner.limit(COUNT_CAP + 1).as('x')).select(sql<number>`count(*)::int`.as('n'));
}

export const OPEN_STATUSES: HazardStatus[] = [...HAZARD_OPEN_STATUSES];

/** One hazard with its enterprise, within scope; undefined answers 404. */
export async function findHazard(db: Executor, actor: Actor, id: string) {
  if (!isUuid(id)) return undefined;
  return db
    .selectFrom('hazards')
    .innerJoin('enterprises', 'enterprises.id', 'hazards.enterprise_id')
    .selectAll('hazards')
    .select([
      'enterprises.name as enterprise_name',
      'enterprises.code as enterprise_code',
      'enterprises.region_code as enterprise_region_code',
      'enterprises.region_path as enterprise_region_path',
      'enterprises.department_ids as enterprise_department_ids',
      'enterprises.sectors as enterprise_sectors',
      'enterprises.principal_name as enterprise_principal_name',
      'enterprises.address as enterprise_address',
    ])
    .where('hazards.id', '=', id)
    .where(enterpriseScope(actor))
    .executeTakeFirst();
}
export type HazardWithEnterprise = NonNullable<Awaited<ReturnType<typeof findHazard>>>;

/** The same, locked for update (row lock on the hazard only), for a use case's transaction. */
export async function lockHazard(db: Executor, actor: Actor, id: string) {
  if (!isUuid(id)) return undefined;
  return db
    .selectFrom('hazards')
    .innerJoin('enterprises', 'enterprises.id', 'hazards.enterprise_id')
    .selectAll('hazards')
    .select([
      'enterprises.name as enterprise_name',
      'enterprises.code as enterprise_code',
      'enterprises.region_code as enterprise_region_code',
      'enterprises.region_path as enterprise_region_path',
      'enterprises.department_ids as enterprise_department_ids',
      'enterprises.sectors as enterprise_sectors',
      'enterprises.principal_name as enterprise_principal_name',
      'enterprises.address as enterprise_address',
    ])
    .where('hazards.id', '=', id)
    .where(enterpriseScope(actor))
    .forUpdate('hazards')
    .executeTakeFirst();
}

/** Files hazards was given may be seen by whoever can see the hazard. */
export async function canSeeHazard(db: Executor, actor: Actor, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const r = await db
    .selectFrom('hazards')
    .innerJoin('enterprises', 'enterprises.id', 'hazards.enterprise_id')
    .select('hazards.id')
    .where('hazards.id', '=', id)
    .where(enterpriseScope(actor))
    .executeTakeFirst();
  return Boolean(r);
}

/**
 * An instant as ISO text in UTC with `Z`. To the millisecond (`MS`, the default) it is what JSON.stringify writes
 * for the Date pg would have parsed (pg's Date drops the microseconds, as `MS` does); `US` keeps the microseconds.
 */
const isoInstant = (column: string, fraction: 'MS' | 'US' = 'MS') =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', ${sql.raw(`'YYYY-MM-DD"T"HH24:MI:SS.${fraction}"Z"'`)})`;

/**
 * One row of the list as the JSON text of the API's item (`HazardListItem` in the web app), built by PostgreSQL:
 * the server passes the page through instead of parsing 25 columns and two dates per row and serialising them
 * again (a quarter of its time on a list request). `deadline` is a date, written as YYYY-MM-DD as before;
 * `daysLeft` = deadline − today in days, as `daysBetween`.
 */
function listItemJson(today: string) {
  return sql<string>`json_build_object(
    'id', hazards.id, 'code', hazards.code, 'enterpriseId', hazards.enterprise_id,
    'enterpriseName', enterprises.name, 'regionCode', enterprises.region_code,
    'townshipCode', ${townshipSql()}, 'townshipName', township.name,
    'place', hazards.place, 'sector', hazards.sector, 'category', hazards.category, 'level', hazards.level,
    'path', hazards.path, 'status', hazards.status, 'source', hazards.source, 'description', hazards.description,
    'finderName', hazards.finder_name, 'foundAt', ${isoInstant('hazards.found_at')},
    'deadline', hazards.deadline, 'daysLeft', hazards.deadline - ${today}::date,
    'overdue', coalesce(${overdueSql(today)}, false), 'pendingExtension', hazards.pending_extension,
    'catalogItemCode', hazards.catalog_item_code, 'createdAt', ${isoInstant('hazards.created_at')},
    'updatedAt', ${isoInstant('hazards.updated_at')}, 'version', hazards.version
  )::text`;
}

/**
 * The list's columns (enough for a table row without opening the record): the item's JSON, and its id and creation
 * instant to the microsecond (the next page's cursor: a millisecond cursor would skip rows created later within the
 * same millisecond as the page's last).
 */
function listColumns(today: string) {
  return [
    listItemJson(today).as('item'),
    'hazards.id',
    isoInstant('hazards.created_at', 'US').as('created_at'),
  ] as const;
}

export function fileRows(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('files')
    .select(['id', 'name', 'size', 'mime', 'has_thumb', 'created_at'])
    .where('id', 'in', ids)
    .execute();
}
