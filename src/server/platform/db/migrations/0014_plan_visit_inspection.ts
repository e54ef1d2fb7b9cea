import type { Migration } from '../migrate.js';

/**
 * A plan's visit done by an inspection (issue #4 §2, progress from the inspections module): completing an
 * inspection marks the matching planned visit of each department taking part as done and keeps the link, so the
 * plan's month-by-month progress counts what was really inspected and shows by which inspection. One inspection
 * fulfils at most one visit of a plan.
 */
export const m0014: Migration = {
  name: '0014_plan_visit_inspection',
  statements: [
    `alter table plan_visits add column inspection_id uuid references inspections(id)`,
    `create unique index plan_visits_inspection on plan_visits (plan_id, inspection_id) where inspection_id is not null`,
  ],
};
