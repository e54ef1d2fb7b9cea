import type { ColumnType, Generated } from 'kysely';

/** Row types of the database, kept beside the migrations (one interface per table). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface RegionsTable {
  code: string;
  parent_code: string | null;
  name: string;
  kind: 'county' | 'town' | 'township' | 'dev_zone' | 'village' | 'community';
  path: string;
  depth: number;
  lng: number | null;
  lat: number | null;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface SectorsTable {
  code: string;
  parent_code: string | null;
  name_zh: string;
  name_en: string;
  sort: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface DepartmentsTable {
  id: Generated<string>;
  code: string;
  name_zh: string;
  name_en: string;
  sectors: ColumnType<string[], string[] | undefined, string[]>;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  phone: string | null;
  password_hash: string;
  role: string;
  department_id: string | null;
  region_code: string | null;
  enterprise_id: string | null;
  must_change_password: Generated<boolean>;
  disabled_at: Timestamp | null;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  locale: Generated<string>;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  username: string;
  ip: string;
  at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface SequencesTable {
  name: string;
  value: number;
}

export interface FilesTable {
  id: Generated<string>;
  sha256: string;
  name: string;
  size: number;
  mime: string;
  has_thumb: Generated<boolean>;
  uploader_id: string | null;
  owner_type: string | null;
  owner_id: string | null;
  created_at: Timestamp;
}

export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  kind: string;
  title_zh: string;
  title_en: string;
  body_zh: Generated<string>;
  body_en: Generated<string>;
  link: string | null;
  entity_type: string | null;
  entity_id: string | null;
  dedupe_key: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface JobRunsTable {
  id: Generated<string>;
  job: string;
  run_key: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  as_of: Timestamp;
  enqueued_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  attempts: Generated<number>;
  worker: string | null;
  result: Json<unknown> | null;
  error: string | null;
}

export interface SettingsTable {
  key: string;
  value: Json<unknown>;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  notification_id: string | null;
  url: string;
  status: number | null;
  error: string | null;
  at: Timestamp;
}

export interface Licence {
  type: string;
  number: string;
  expiry: string;
}

export interface EnterprisesTable {
  id: Generated<string>;
  code: string;
  credit_code: string;
  name: string;
  name_initials: Generated<string>;
  former_names: ColumnType<string[], string[] | undefined, string[]>;
  address: Generated<string>;
  region_code: string;
  region_path: string;
  lng: number | null;
  lat: number | null;
  primary_sector: string;
  sectors: ColumnType<string[], string[], string[]>;
  scale: 'above' | 'below';
  employees: Generated<number>;
  principal_name: Generated<string>;
  principal_phone: Generated<string>;
  safety_manager_name: Generated<string>;
  safety_manager_phone: Generated<string>;
  department_ids: ColumnType<string[], string[] | undefined, string[]>;
  departments_overridden: Generated<boolean>;
  is_key: Generated<boolean>;
  has_major_hazard: Generated<boolean>;
  standardization_grade: number | null;
  standardization_expiry: string | null;
  licences: ColumnType<Licence[], string | undefined, string>;
  status: ColumnType<'operating' | 'suspended' | 'closed', string | undefined, string>;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface DB {
  regions: RegionsTable;
  sectors: SectorsTable;
  departments: DepartmentsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  audit_log: AuditLogTable;
  sequences: SequencesTable;
  files: FilesTable;
  notifications: NotificationsTable;
  job_runs: JobRunsTable;
  settings: SettingsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  enterprises: EnterprisesTable;
}
