import type { Migration } from '../migrate.js';

/** Foundation: organisation, people, sessions, audit, sequences, files, notifications, jobs, settings. */
export const m0001: Migration = {
  name: '0001_foundation',
  statements: [
    `create table regions (
      code text primary key check (code ~ '^[0-9]{12}$'),
      parent_code text references regions(code),
      name text not null,
      kind text not null check (kind in ('county','town','township','dev_zone','village','community')),
      path text not null,
      depth int not null,
      lng double precision, lat double precision,
      is_demo boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create index regions_parent on regions(parent_code)`,
    `create index regions_path on regions(path text_pattern_ops)`,
    `create table sectors (
      code text primary key check (code ~ '^[a-z][a-z0-9_]*$'),
      parent_code text references sectors(code),
      name_zh text not null, name_en text not null,
      sort int not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create table departments (
      id uuid primary key default gen_random_uuid(),
      code text not null unique check (code ~ '^[a-z][a-z0-9_]*$'),
      name_zh text not null, name_en text not null,
      sectors text[] not null default '{}',
      is_demo boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create table users (
      id uuid primary key default gen_random_uuid(),
      username text not null unique,
      display_name text not null,
      phone text,
      password_hash text not null,
      role text not null,
      department_id uuid references departments(id),
      region_code text references regions(code),
      enterprise_id uuid,
      must_change_password boolean not null default true,
      disabled_at timestamptz,
      failed_logins int not null default 0,
      locked_until timestamptz,
      locale text not null default 'zh-CN',
      is_demo boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create table sessions (
      id text primary key,
      user_id uuid not null references users(id),
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      ip text, user_agent text
    )`,
    `create index sessions_user on sessions(user_id) where revoked_at is null`,
    `create table api_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id),
      name text not null,
      token_hash text not null unique,
      prefix text not null,
      created_at timestamptz not null,
      last_used_at timestamptz,
      revoked_at timestamptz
    )`,
    `create table login_failures (
      id bigserial primary key,
      username text not null,
      ip text not null,
      at timestamptz not null
    )`,
    `create index login_failures_ip on login_failures(ip, at)`,
    `create table audit_log (
      id bigserial primary key,
      at timestamptz not null,
      actor_id uuid,
      actor_name text,
      action text not null,
      entity_type text not null,
      entity_id text,
      before jsonb,
      after jsonb,
      ip text,
      prev_hash text not null,
      hash text not null
    )`,
    `create index audit_entity on audit_log(entity_type, entity_id)`,
    `create index audit_at on audit_log(at)`,
    `create index audit_actor on audit_log(actor_id)`,
    // Append-only: the database itself refuses updates and deletes of audit rows.
    `create function audit_log_append_only() returns trigger language plpgsql as $$
     begin raise exception 'audit_log is append-only'; end $$`,
    `create trigger audit_log_no_update before update or delete on audit_log
     for each row execute function audit_log_append_only()`,
    `create table sequences (
      name text primary key,
      value bigint not null
    )`,
    `create table files (
      id uuid primary key default gen_random_uuid(),
      sha256 text not null,
      name text not null,
      size int not null,
      mime text not null,
      has_thumb boolean not null default false,
      uploader_id uuid references users(id),
      owner_type text,
      owner_id text,
      created_at timestamptz not null
    )`,
    `create index files_owner on files(owner_type, owner_id)`,
    `create table notifications (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id),
      kind text not null,
      title_zh text not null, title_en text not null,
      body_zh text not null default '', body_en text not null default '',
      link text,
      entity_type text, entity_id text,
      dedupe_key text,
      created_at timestamptz not null,
      read_at timestamptz,
      unique (user_id, dedupe_key)
    )`,
    `create index notifications_inbox on notifications(user_id, created_at desc)`,
    `create table job_runs (
      id uuid primary key default gen_random_uuid(),
      job text not null,
      run_key text not null unique,
      status text not null check (status in ('queued','running','done','failed')),
      as_of timestamptz not null,
      enqueued_at timestamptz not null,
      started_at timestamptz,
      finished_at timestamptz,
      attempts int not null default 0,
      worker text,
      result jsonb,
      error text
    )`,
    `create index job_runs_queue on job_runs(status, as_of) where status in ('queued','running')`,
    `create table settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create table webhook_deliveries (
      id bigserial primary key,
      notification_id uuid,
      url text not null,
      status int,
      error text,
      at timestamptz not null
    )`,
  ],
};
