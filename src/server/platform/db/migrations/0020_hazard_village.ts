import type { Migration } from '../migrate.js';

/**
 * A hazard carries its enterprise's village too (`region_level3`, the third level of the region path; '' for an
 * enterprise registered at a township), kept by the triggers of 0017, and the township indexes carry what a
 * township's or a village's filtered list reads, so those walks read the index alone:
 *
 * - `hazards_level2_created` includes the village, status, sector and found date: a village's list, a township's
 *   sector or date filter decide each entry without fetching the row (a township's coal-mine page fetched ~230 rows
 *   from the heap to keep 20).
 * - `hazards_open_level2_created`: the open hazards of a township, newest first, with status, deadline and village.
 *   A township's rectifying or overdue list walked the county's rectifying index and kept the one in ten of its
 *   township (5,900 entries for page 1 of the overdue list, 27,000 for its count); a village's rectifying list probed
 *   every enterprise of the village (314 index probes). Both now read the township's ~4,500 open entries at most.
 */
export const m0020: Migration = {
  name: '0020_hazard_village',
  statements: [
    `alter table hazards add column region_level3 text`,
    `update hazards h set region_level3 = split_part(e.region_path, '/', 4) from enterprises e where e.id = h.enterprise_id`,
    `create or replace function fx_hazards_region() returns trigger language plpgsql as $$
    begin
      select split_part(region_path, '/', 3), split_part(region_path, '/', 4)
        into new.region_level2, new.region_level3
        from enterprises where id = new.enterprise_id;
      return new;
    end $$`,
    `create or replace function fx_enterprises_hazards_region() returns trigger language plpgsql as $$
    begin
      update hazards set region_level2 = split_part(new.region_path, '/', 3),
        region_level3 = split_part(new.region_path, '/', 4)
      where enterprise_id = new.id
        and (region_level2, region_level3) is distinct from
          (split_part(new.region_path, '/', 3), split_part(new.region_path, '/', 4));
      return null;
    end $$`,
    `drop index hazards_level2_created`,
    `create index hazards_level2_created on hazards (region_level2, created_at desc, id desc)
      include (enterprise_id, region_level3, status, sector, found_at)`,
    `create index hazards_open_level2_created on hazards (region_level2, created_at desc, id desc)
      include (enterprise_id, region_level3, status, deadline)
      where status in ('reported', 'rectifying', 'submitted', 'verified')`,
  ],
};
