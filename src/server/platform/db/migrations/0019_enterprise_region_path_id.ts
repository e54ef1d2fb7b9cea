import type { Migration } from '../migrate.js';

/**
 * The region-path index carries the enterprise id, so "the enterprises of this village (or any subtree)" is read
 * from the index alone. Hazard lists, counts and the per-enterprise plan check filtered by a region below a
 * township join hazards to exactly that set; without the id each of them fetched every enterprise row of the
 * subtree from the heap (a village's 314 enterprises: 299 heap pages, 1.4 of a 5 ms page at 1,000,000 hazards).
 */
export const m0019: Migration = {
  name: '0019_enterprise_region_path_id',
  statements: [
    `create index enterprises_region_path_id on enterprises (region_path text_pattern_ops) include (id)`,
    `drop index enterprises_region_path`,
  ],
};
