import type { Migration } from '../migrate.js';

/**
 * One- and two-character enterprise search without a sequential scan. Trigram indexes (0009) need three
 * characters, but the commonest search in a Chinese county is a two-character trade name (宏达, 兴旺) or two
 * pinyin initials (hd). `fx_ngrams(t)` is the set of every one- and two-character substring of lower(t); a term
 * of one or two characters occurs in t exactly when it is an element of that set, so
 *   search_ngrams @> array[lower(term)]
 * means the same as name ILIKE '%term%' OR name_initials LIKE '%term%', and a GIN index answers it.
 * The set is a stored generated column rather than an expression index: evaluating the SQL function per row
 * (a recheck, or a filter while walking the sort index) costs ~0.2 ms a row; reading a stored array costs nothing.
 * The function is IMMUTABLE (its result depends only on its argument), as a generated column requires.
 */
export const m0011: Migration = {
  name: '0011_enterprise_short_search',
  statements: [
    `create function fx_ngrams(t text) returns text[] language sql immutable strict parallel safe as $$
      select coalesce(array_agg(distinct g order by g), '{}')
      from generate_series(1, char_length(t)) as i,
           lateral (values (substr(lower(t), i, 1)), (substr(lower(t), i, 2))) as v(g)
    $$`,
    `alter table enterprises add column search_ngrams text[]
      generated always as (fx_ngrams(name) || fx_ngrams(name_initials)) stored`,
    `create index enterprises_short_search on enterprises using gin (search_ngrams)`,
  ],
};
