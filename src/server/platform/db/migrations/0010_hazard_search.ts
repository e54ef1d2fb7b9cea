import type { Migration } from '../migrate.js';

/**
 * Free-text search on the hazard list (`GET /api/hazards?q=`) without a sequential scan of ~1,000,000 rows.
 * A hazard matches `q` when q is a case-insensitive substring of its code, place or description, or of its
 * enterprise's name (hazards.repo.ts builds the condition; docs/hazards.md "Search").
 *
 * - Three characters or more: one trigram GIN index over (code, place, description). The condition is an OR of
 *   ILIKEs on these columns plus `enterprise_id = any(<enterprises whose name matches>)`, so a BitmapOr can
 *   combine this index with `hazards_enterprise` (and the enterprise names come from `enterprises_search`, 0009).
 * - Two characters (瓦斯, 消防, 配电 — the commonest Chinese searches): a trigram needs three characters, so
 *   character bigrams are indexed too: `fx_bigrams(text)` gives the distinct lower-cased two-character
 *   substrings without whitespace, stored in `search_bigrams` (a generated column over `code place description`)
 *   with a GIN index answering `@> array[lower(q)]`, which for a two-character q holds exactly when q is a
 *   substring of one of the fields (they are joined by a space and bigrams with whitespace are dropped, so
 *   nothing spans two fields). About 40 bigrams a hazard: the price is storage (~0.3 kB a row) and the index.
 * - One character: no index; the list walks newest-first and stops at a page (see docs/hazards.md).
 *
 * pg_trgm was created by 0009 (PGlite loads it in db/client.ts); `if not exists` keeps this one self-contained.
 */
export const m0010: Migration = {
  name: '0010_hazard_search',
  statements: [
    `create extension if not exists pg_trgm`,
    `create function fx_bigrams(t text) returns text[] language sql immutable strict parallel safe as $$
      select coalesce(array_agg(distinct b), '{}'::text[])
      from (select substr(l, i, 2) as b
            from (select lower(t) as l) s, generate_series(1, char_length(t) - 1) as i) x
      where b !~ '\\s'
    $$`,
    `create index hazards_search on hazards using gin (
      code gin_trgm_ops, place gin_trgm_ops, description gin_trgm_ops
    )`,
    // Stored, not an expression index: a heap row is rechecked against `@>` (and a walk filters with it) by reading
    // the column; recomputing fx_bigrams per row costs ~50 µs, seconds for a count over thousands of matches.
    `alter table hazards add column search_bigrams text[] not null
      generated always as (fx_bigrams(code || ' ' || place || ' ' || description)) stored`,
    `create index hazards_bigrams on hazards using gin (search_bigrams)`,
  ],
};
