import type { Migration } from '../migrate.js';

/** The enterprise registry: the first business module. */
export const m0002: Migration = {
  name: '0002_enterprises',
  statements: [
    `create table enterprises (
      id uuid primary key default gen_random_uuid(),
      code text not null unique,
      credit_code text not null unique,
      name text not null,
      name_initials text not null default '',
      former_names text[] not null default '{}',
      address text not null default '',
      region_code text not null references regions(code),
      region_path text not null,
      lng double precision, lat double precision,
      primary_sector text not null references sectors(code),
      sectors text[] not null,
      scale text not null check (scale in ('above','below')),
      employees int not null default 0 check (employees >= 0),
      principal_name text not null default '', principal_phone text not null default '',
      safety_manager_name text not null default '', safety_manager_phone text not null default '',
      department_ids uuid[] not null default '{}',
      departments_overridden boolean not null default false,
      is_key boolean not null default false,
      has_major_hazard boolean not null default false,
      standardization_grade int check (standardization_grade between 1 and 3),
      standardization_expiry date,
      licences jsonb not null default '[]',
      status text not null default 'operating' check (status in ('operating','suspended','closed')),
      is_demo boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create index enterprises_region_path on enterprises(region_path text_pattern_ops)`,
    `create index enterprises_departments on enterprises using gin(department_ids)`,
    `create index enterprises_sectors on enterprises using gin(sectors)`,
    `create index enterprises_name on enterprises(name text_pattern_ops)`,
    `create index enterprises_updated on enterprises(updated_at desc, id)`,
    `alter table users add constraint users_enterprise_fk foreign key (enterprise_id) references enterprises(id)`,
  ],
};
