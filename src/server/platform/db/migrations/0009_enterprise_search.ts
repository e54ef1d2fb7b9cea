import type { Migration } from '../migrate.js';

/**
 * Enterprise search (`GET /api/enterprises?q=`) without a sequential scan. The search is
 *   name ILIKE '%q%' OR credit_code LIKE 'Q%' OR code ILIKE 'q%' OR name_initials LIKE '%q%'
 * and a bitmap OR needs every branch indexable, so one trigram GIN index covers all four columns (a multi-column
 * GIN index answers a condition on any one of them). Trigrams serve substring and case-insensitive matches; a
 * term must give at least one trigram: three characters anywhere, or any length at the start of code and credit
 * code. Shorter substrings (a two-character name such as 宏达) still scan the table — see docs/performance.md.
 * pg_trgm is a trusted extension on PostgreSQL ≥ 13 (the database owner may create it); PGlite loads it in
 * db/client.ts.
 */
export const m0009: Migration = {
  name: '0009_enterprise_search',
  statements: [
    `create extension if not exists pg_trgm`,
    `create index enterprises_search on enterprises using gin (
      name gin_trgm_ops, code gin_trgm_ops, credit_code gin_trgm_ops, name_initials gin_trgm_ops
    )`,
  ],
};
