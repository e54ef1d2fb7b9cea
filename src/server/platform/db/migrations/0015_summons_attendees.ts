import type { Migration } from '../migrate.js';

/**
 * Who attended a summons (约谈参加人员): the record of a 约谈 names the people present (the enterprise's principal,
 * its safety manager, the officers who held it), as the written record of the talk does. Free text per person,
 * because the enterprise's side has no user accounts for most of them.
 */
export const m0015: Migration = {
  name: '0015_summons_attendees',
  statements: [`alter table hazard_summons add column attendees text[] not null default '{}'`],
};
