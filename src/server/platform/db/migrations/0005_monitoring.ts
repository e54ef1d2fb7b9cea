import type { Migration } from '../migrate.js';

/**
 * Risk monitoring (风险监测预警): gateways, monitoring points, per-point rule state, readings with 1-minute and
 * 1-hour rollups, dead letters, alarms and their history.
 *
 * `readings`, `readings_1m` and `readings_1h` are natively range-partitioned by time on both engines (PGlite is
 * PostgreSQL too): daily partitions for raw readings, monthly for the rollups. Partitions are created ahead and
 * dropped after the retention period by the job `monitoring.partitions` (see `modules/monitoring/partitions.ts`);
 * the ingest pipeline also creates a missing partition on demand before it writes. There is deliberately no
 * DEFAULT partition: rows there would block creating the proper partition later.
 */
export const m0005: Migration = {
  name: '0005_monitoring',
  statements: [
    `create table monitoring_gateways (
      id uuid primary key default gen_random_uuid(),
      enterprise_id uuid not null references enterprises(id),
      name text not null,
      token_hash text not null unique,
      token_hint text not null,
      created_at timestamptz not null default now(),
      created_by uuid,
      revoked_at timestamptz,
      revoked_by uuid,
      last_seen_at timestamptz,
      is_demo boolean not null default false,
      version int not null default 1
    )`,
    `create index monitoring_gateways_enterprise on monitoring_gateways(enterprise_id)`,
    `create table monitoring_points (
      id uuid primary key default gen_random_uuid(),
      enterprise_id uuid not null references enterprises(id),
      code text not null check (length(code) between 1 and 64),
      name text not null,
      kind text not null,
      unit text not null default '',
      installation text,
      location text not null default '',
      lng double precision,
      lat double precision,
      range_min double precision,
      range_max double precision,
      interval_seconds double precision not null default 10 check (interval_seconds > 0),
      template_key text,
      overrides jsonb not null default '{}',
      flatline_seconds double precision,
      flatline_tolerance double precision,
      rate_window_seconds double precision,
      severities jsonb not null default '{}',
      active boolean not null default true,
      is_demo boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1,
      unique (enterprise_id, code)
    )`,
    `create index monitoring_points_updated on monitoring_points(updated_at)`,
    `create table monitoring_point_state (
      point_id uuid primary key references monitoring_points(id),
      state jsonb,
      rev bigint not null default 0,
      last_ts timestamptz,
      last_value double precision,
      updated_at timestamptz not null default now()
    )`,
    `create table readings (
      point_id uuid not null,
      ts timestamptz not null,
      value double precision not null,
      primary key (point_id, ts)
    ) partition by range (ts)`,
    `create table readings_1m (
      point_id uuid not null,
      bucket timestamptz not null,
      min double precision not null,
      max double precision not null,
      sum double precision not null,
      count int not null,
      last_ts timestamptz not null,
      last_value double precision not null,
      primary key (point_id, bucket)
    ) partition by range (bucket)`,
    `create table readings_1h (
      point_id uuid not null,
      bucket timestamptz not null,
      min double precision not null,
      max double precision not null,
      sum double precision not null,
      count int not null,
      last_ts timestamptz not null,
      last_value double precision not null,
      primary key (point_id, bucket)
    ) partition by range (bucket)`,
    `create table monitoring_dead_letters (
      id bigint generated always as identity primary key,
      received_at timestamptz not null,
      source text not null check (source in ('mqtt','http')),
      gateway_id uuid,
      enterprise_id uuid,
      point_ref text,
      point_id uuid,
      reason text not null,
      detail text not null default '',
      item_index int,
      reading_ts timestamptz,
      payload text not null default ''
    )`,
    `create index monitoring_dead_letters_enterprise on monitoring_dead_letters(enterprise_id, received_at desc)`,
    `create index monitoring_dead_letters_received on monitoring_dead_letters(received_at desc)`,
    `create table alarms (
      id uuid primary key default gen_random_uuid(),
      code text not null unique,
      point_id uuid not null references monitoring_points(id),
      enterprise_id uuid not null references enterprises(id),
      rule text not null,
      severity int not null check (severity between 1 and 4),
      tampering boolean not null default false,
      status text not null check (status in ('active','cleared','closed')),
      acknowledged boolean not null default false,
      acknowledged_by uuid,
      acknowledged_at timestamptz,
      acknowledge_note text,
      count int not null default 1,
      raised_at timestamptz not null,
      cleared_at timestamptz,
      closed_at timestamptz,
      closed_by uuid,
      closed_how text check (closed_how in ('auto','forced')),
      close_reason text,
      hazard_id text,
      hazard_requested_at timestamptz,
      hazard_requested_by uuid,
      first_value double precision,
      peak_value double precision,
      last_value double precision,
      threshold double precision,
      measured double precision,
      last_event_at timestamptz not null,
      escalated_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create unique index alarms_open_rule on alarms(point_id, rule) where status <> 'closed'`,
    `create index alarms_enterprise on alarms(enterprise_id, raised_at desc)`,
    `create index alarms_raised on alarms(raised_at desc, id desc)`,
    `create index alarms_open on alarms(severity desc, raised_at desc) where status <> 'closed'`,
    `create index alarms_unescalated on alarms(raised_at) where not acknowledged and status <> 'closed' and escalated_at is null`,
    `create table alarm_events (
      id bigint generated always as identity primary key,
      alarm_id uuid not null references alarms(id),
      at timestamptz not null,
      type text not null,
      actor_id uuid,
      actor_name text,
      value double precision,
      note text
    )`,
    `create index alarm_events_alarm on alarm_events(alarm_id, id)`,
  ],
};
