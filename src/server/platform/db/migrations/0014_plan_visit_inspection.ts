import type { Migration } from '../migrate.js';

/**
 * Yearly plans (issue #4 §2), two gaps closed:
 * - A plan's visit done by an inspection: completing an inspection marks the matching planned visit of each
 *   department taking part as done and keeps the link, so the plan's month-by-month progress counts what was
 *   really inspected and shows by which inspection. One inspection fulfils at most one visit of a plan.
 * - Each department's side of a joint-inspection proposal (`joint_acceptances`): a department accepts for itself
 *   (the date it agrees to, who, when); the visits merge once every department has accepted. The county office,
 *   which coordinates the departments, may accept for them (`on_behalf`).
 * And `inspection_plans.is_demo`, as on the other demo records (the demo county's plan).
 */
export const m0014: Migration = {
  name: '0014_plan_visit_inspection',
  statements: [
    `alter table plan_visits add column inspection_id uuid references inspections(id)`,
    `create unique index plan_visits_inspection on plan_visits (plan_id, inspection_id) where inspection_id is not null`,
    `create table joint_acceptances (
      proposal_key text not null,
      department_id uuid not null references departments(id),
      visit_id uuid not null references plan_visits(id),
      agreed_date date not null,
      on_behalf boolean not null default false,
      accepted_by_id uuid,
      accepted_by_name text not null,
      accepted_at timestamptz not null,
      primary key (proposal_key, department_id)
    )`,
    `alter table inspection_plans add column is_demo boolean not null default false`,
  ],
};
