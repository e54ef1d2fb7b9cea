import { BUILTIN_QUESTIONS, BUILTIN_TEMPLATES } from '../../../modules/supervision/builtin-data.js';
import type { Migration } from '../migrate.js';

/** A SQL string literal (standard_conforming_strings is on in both databases). */
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const json = (v: unknown) => `${lit(JSON.stringify(v))}::jsonb`;

/**
 * Supervision (issue #4 §1, §3, §4): credit assessments and their history, the records that feed them
 * (accidents, violations, serious-dishonesty listings), per-enterprise rules of entry, checklist templates
 * (versioned), inspections with their visits, answers, quizzes, enforcement decisions and documents.
 * Standardization grade and licences are already on `enterprises`; unacknowledged alarms are read from `alarms`.
 */
export const m0004: Migration = {
  name: '0004_supervision',
  statements: [
    `create table enterprise_credit (
      enterprise_id uuid primary key references enterprises(id),
      score int not null check (score between 0 and 100),
      tier text not null check (tier in ('low','general','high')),
      mode text not null check (mode in ('commitment','routine','key')),
      score_tier text not null check (score_tier in ('low','general','high')),
      contributions jsonb not null,
      inputs jsonb not null,
      computed_at timestamptz not null,
      reason text not null
    )`,
    `create index enterprise_credit_tier on enterprise_credit(tier, score)`,
    `create table credit_assessments (
      id uuid primary key default gen_random_uuid(),
      seq bigserial not null,
      enterprise_id uuid not null references enterprises(id),
      score int not null,
      tier text not null check (tier in ('low','general','high')),
      mode text not null check (mode in ('commitment','routine','key')),
      score_tier text not null,
      forced_high jsonb,
      direction text not null check (direction in ('initial','unchanged','raised','lowered')),
      change_zh text not null,
      change_en text not null,
      contributions jsonb not null,
      inputs jsonb not null,
      reason text not null,
      computed_at timestamptz not null
    )`,
    `create index credit_assessments_enterprise on credit_assessments(enterprise_id, computed_at desc, seq desc)`,
    `create table accidents (
      id uuid primary key default gen_random_uuid(),
      enterprise_id uuid not null references enterprises(id),
      occurred_at timestamptz not null,
      kind text not null check (kind in ('road_traffic','fire','other')),
      deaths int not null check (deaths >= 0),
      serious_injuries int not null check (serious_injuries >= 0),
      direct_loss_yuan bigint not null check (direct_loss_yuan >= 0),
      grade text not null check (grade in ('ordinary','larger','major','especially_major')),
      description text not null,
      recorded_by_id uuid,
      recorded_by_name text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version int not null default 1
    )`,
    `create index accidents_enterprise on accidents(enterprise_id, occurred_at desc)`,
    `create table violations (
      id uuid primary key default gen_random_uuid(),
      enterprise_id uuid not null references enterprises(id),
      occurred_on date not null,
      kind text not null check (kind in ('command','operation','discipline','other')),
      description text not null,
      inspection_id uuid,
      recorded_by_id uuid,
      recorded_by_name text not null,
      created_at timestamptz not null
    )`,
    `create index violations_enterprise on violations(enterprise_id, occurred_on desc)`,
    `create table dishonesty_listings (
      id uuid primary key default gen_random_uuid(),
      enterprise_id uuid not null references enterprises(id),
      listed_on date not null,
      term_ends_on date not null,
      trigger text not null,
      reason text not null,
      decision_number text not null default '',
      status text not null default 'active' check (status in ('active','removed')),
      removed_at timestamptz,
      removed_by_name text,
      remove_reason text,
      created_by_name text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version int not null default 1
    )`,
    `create index dishonesty_listings_enterprise on dishonesty_listings(enterprise_id, listed_on desc)`,
    `create table enterprise_entry_rules (
      enterprise_id uuid primary key references enterprises(id),
      override jsonb not null default '{}',
      updated_at timestamptz not null,
      version int not null default 1
    )`,
    `create table checklist_templates (
      id uuid primary key default gen_random_uuid(),
      code text not null check (code ~ '^[a-z][a-z0-9_-]*$'),
      template_version int not null,
      -- no foreign key: the built-in templates are seeded here, before the organisation's sectors are loaded;
      -- the API checks the sector of a new template.
      sector text not null,
      title text not null,
      basis text not null default '',
      items jsonb not null,
      status text not null default 'active' check (status in ('active','superseded','withdrawn')),
      builtin boolean not null default false,
      created_by_name text not null,
      created_at timestamptz not null,
      unique (code, template_version)
    )`,
    `create unique index checklist_templates_current on checklist_templates(code) where status = 'active'`,
    `create index checklist_templates_sector on checklist_templates(sector) where status = 'active'`,
    `create table inspections (
      id uuid primary key default gen_random_uuid(),
      code text not null unique,
      enterprise_id uuid not null references enterprises(id),
      kind text not null check (kind in ('routine','complaint','accident','order','follow_up','requested')),
      exempt boolean not null,
      exemption_reason text,
      planned_at timestamptz not null,
      planned_year int not null,
      started_at timestamptz,
      ended_at timestamptz,
      department_ids uuid[] not null default '{}',
      town_code text references regions(code),
      inspector_ids uuid[] not null,
      unannounced boolean not null default false,
      status text not null default 'planned' check (status in ('planned','in_progress','completed','documents_issued','cancelled')),
      checklist jsonb not null default '[]',
      summary text not null default '',
      signatures jsonb not null default '[]',
      compliant_count int not null default 0,
      non_compliant_count int not null default 0,
      not_applicable_count int not null default 0,
      cancel_reason text,
      created_by_id uuid,
      created_by_name text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version int not null default 1
    )`,
    `create index inspections_enterprise on inspections(enterprise_id, planned_at desc)`,
    `create index inspections_year on inspections(enterprise_id, planned_year) where status <> 'cancelled'`,
    `create index inspections_planned on inspections(planned_at desc, id desc)`,
    `create index inspections_done on inspections(enterprise_id, ended_at desc) where status in ('completed','documents_issued')`,
    `create table inspection_events (
      id bigserial primary key,
      inspection_id uuid not null references inspections(id),
      at timestamptz not null,
      actor_id uuid,
      actor_name text not null,
      action text not null,
      from_status text,
      to_status text,
      data jsonb not null default '{}'
    )`,
    `create index inspection_events_inspection on inspection_events(inspection_id, id)`,
    `create table inspection_visits (
      id bigserial primary key,
      inspection_id uuid not null references inspections(id),
      enterprise_id uuid not null references enterprises(id),
      user_id uuid not null,
      user_name text not null,
      arrived_at timestamptz not null,
      left_at timestamptz,
      minutes int,
      unique (inspection_id, user_id)
    )`,
    `create index inspection_visits_enterprise on inspection_visits(enterprise_id, arrived_at)`,
    `create table inspection_answers (
      id uuid primary key default gen_random_uuid(),
      inspection_id uuid not null references inspections(id),
      template_id uuid not null references checklist_templates(id),
      item_key text not null,
      result text not null check (result in ('compliant','not_compliant','not_applicable')),
      note text not null default '',
      photo_file_ids uuid[] not null default '{}',
      hazard_id uuid references hazards(id),
      answered_by_id uuid,
      answered_by_name text not null,
      answered_at timestamptz not null,
      unique (inspection_id, template_id, item_key)
    )`,
    `create index inspection_answers_hazard on inspection_answers(hazard_id) where hazard_id is not null`,
    `create table quiz_questions (
      id uuid primary key default gen_random_uuid(),
      sector text not null,
      type text not null check (type in ('single','multiple','true_false')),
      stem text not null,
      options jsonb not null default '[]',
      answer jsonb not null,
      basis text not null,
      active boolean not null default true,
      builtin boolean not null default false,
      created_at timestamptz not null
    )`,
    `create index quiz_questions_sector on quiz_questions(sector) where active`,
    `create table quiz_sessions (
      id uuid primary key default gen_random_uuid(),
      inspection_id uuid not null references inspections(id),
      enterprise_id uuid not null references enterprises(id),
      person_name text not null,
      person_role text not null check (person_role in ('principal','safety_manager','staff')),
      seed text not null,
      questions jsonb not null,
      answers jsonb,
      score int,
      passed boolean,
      pass_mark int not null,
      status text not null default 'open' check (status in ('open','scored')),
      hazard_id uuid references hazards(id),
      created_by_name text not null,
      created_at timestamptz not null,
      scored_at timestamptz
    )`,
    `create index quiz_sessions_enterprise on quiz_sessions(enterprise_id, scored_at desc)`,
    `create index quiz_sessions_inspection on quiz_sessions(inspection_id)`,
    `create table enforcement_decisions (
      id uuid primary key default gen_random_uuid(),
      number text not null unique,
      inspection_id uuid references inspections(id),
      enterprise_id uuid not null references enterprises(id),
      kind text not null check (kind in ('warning','fine','suspension','police_referral')),
      fine_yuan bigint check (fine_yuan is null or fine_yuan > 0),
      suspension_scope text,
      suspension_until date,
      legal_basis text not null,
      facts text not null,
      decided_by_id uuid,
      decided_by_name text not null,
      decided_at timestamptz not null
    )`,
    `create index enforcement_decisions_enterprise on enforcement_decisions(enterprise_id, decided_at desc)`,
    `create table inspection_documents (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('site_record','rectification_order')),
      number text not null unique,
      inspection_id uuid not null references inspections(id),
      enterprise_id uuid not null references enterprises(id),
      issuer_unit text not null,
      issued_by_id uuid,
      issued_by_name text not null,
      created_at timestamptz not null,
      unique (kind, inspection_id)
    )`,
    ...BUILTIN_TEMPLATES.map(
      (t) =>
        `insert into checklist_templates (code, template_version, sector, title, basis, items, builtin, created_by_name, created_at)
         values (${lit(t.code)}, 1, ${lit(t.sector)}, ${lit(t.title)}, ${lit(t.basis)}, ${json(t.items)}, true, '系统', now())`,
    ),
    ...BUILTIN_QUESTIONS.map(
      (q) =>
        `insert into quiz_questions (sector, type, stem, options, answer, basis, builtin, created_at)
         values (${lit(q.sector)}, ${lit(q.type)}, ${lit(q.stem)}, ${json(q.options ?? [])}, ${json(q.answer)}, ${lit(q.basis)}, true, now())`,
    ),
  ],
};
