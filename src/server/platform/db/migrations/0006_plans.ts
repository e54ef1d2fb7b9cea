import type { Migration } from '../migrate.js';

/**
 * Yearly inspection plans (年度监督检查计划, issue #4 §2) and leaders' field work (§5):
 * - `inspection_plans`: one per department and year, with the capacity inputs of 安监总政法〔2017〕150号 kept
 *   beside the result, the enterprises the capacity could not cover, and the approval.
 * - `plan_visits`: the planned visits (generated or added); removal cancels with a reason, nothing is deleted.
 * - `joint_visits` and `joint_decisions`: merged visits of several departments (执一次法、查多项事) and every
 *   decision on a proposal (accepted or declined), keyed by the sorted ids of the visits it groups.
 * - `field_inspections` (领导干部带队检查) and `safety_meetings` (安委会 / 部门月度会议).
 */
export const m0006: Migration = {
  name: '0006_plans',
  statements: [
    `create table inspection_plans (
      id uuid primary key default gen_random_uuid(),
      department_id uuid not null references departments(id),
      year int not null check (year between 2000 and 2100),
      status text not null default 'draft' check (status in ('draft','approved')),
      legal_workdays int not null check (legal_workdays between 0 and 366),
      inspectors int not null check (inspectors >= 0),
      other_enforcement_days int not null check (other_enforcement_days >= 0),
      non_enforcement_days int not null check (non_enforcement_days >= 0),
      inspector_days_per_inspection int not null check (inspector_days_per_inspection > 0),
      capacity_days int not null check (capacity_days >= 0),
      capacity int not null check (capacity >= 0),
      uncovered jsonb not null default '[]',
      tier_sources jsonb not null default '{}',
      created_by_id uuid,
      created_by_name text not null,
      approved_at timestamptz,
      approved_by_id uuid,
      approved_by_name text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version int not null default 1,
      unique (department_id, year)
    )`,
    `create index inspection_plans_year on inspection_plans (year)`,
    `create table joint_visits (
      id uuid primary key default gen_random_uuid(),
      enterprise_id uuid not null references enterprises(id),
      planned_date date not null,
      department_ids uuid[] not null,
      created_by_id uuid,
      created_by_name text not null,
      created_at timestamptz not null
    )`,
    `create table plan_visits (
      id uuid primary key default gen_random_uuid(),
      plan_id uuid not null references inspection_plans(id),
      enterprise_id uuid not null references enterprises(id),
      department_id uuid not null references departments(id),
      tier text not null check (tier in ('low','general','high')),
      planned_date date not null,
      status text not null default 'planned' check (status in ('planned','done','cancelled')),
      source text not null default 'generated' check (source in ('generated','added')),
      joint_visit_id uuid references joint_visits(id),
      done_on date,
      cancel_reason text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version int not null default 1
    )`,
    `create index plan_visits_plan on plan_visits (plan_id, planned_date)`,
    `create index plan_visits_enterprise on plan_visits (enterprise_id, planned_date)`,
    `create index plan_visits_joint on plan_visits (joint_visit_id) where joint_visit_id is not null`,
    `create table joint_decisions (
      proposal_key text primary key,
      enterprise_id uuid not null references enterprises(id),
      status text not null check (status in ('accepted','declined')),
      visit_ids uuid[] not null,
      department_ids uuid[] not null,
      proposed_date date not null,
      joint_visit_id uuid references joint_visits(id),
      reason text,
      decided_by_id uuid,
      decided_by_name text not null,
      decided_at timestamptz not null
    )`,
    `create table field_inspections (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id),
      user_name text not null,
      role text not null,
      department_id uuid references departments(id),
      inspected_on date not null,
      enterprise_id uuid references enterprises(id),
      place text not null default '',
      findings text not null,
      photo_file_ids uuid[] not null default '{}',
      created_at timestamptz not null
    )`,
    `create index field_inspections_user on field_inspections (user_id, inspected_on)`,
    `create index field_inspections_on on field_inspections (inspected_on)`,
    `create table safety_meetings (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('committee','department')),
      department_id uuid references departments(id),
      held_on date not null,
      title text not null,
      attendees text[] not null,
      decisions text not null,
      recorded_by_id uuid,
      recorded_by_name text not null,
      created_at timestamptz not null,
      check ((kind = 'committee') = (department_id is null))
    )`,
    `create index safety_meetings_on on safety_meetings (held_on)`,
  ],
};
