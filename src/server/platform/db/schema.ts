import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

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

// ── Supervision: credit, rules of entry, inspections (migration 0004) ──────────────────────────────────
type Tier = 'low' | 'general' | 'high';
type Mode = 'commitment' | 'routine' | 'key';

export interface EnterpriseCreditTable {
  enterprise_id: string;
  score: number;
  tier: Tier;
  mode: Mode;
  score_tier: Tier;
  contributions: Json<unknown[]>;
  inputs: Json<Record<string, unknown>>;
  computed_at: Timestamp;
  reason: string;
}

export interface CreditAssessmentsTable {
  id: Generated<string>;
  seq: Generated<number>;
  enterprise_id: string;
  score: number;
  tier: Tier;
  mode: Mode;
  score_tier: Tier;
  forced_high: Json<{ zh: string; en: string } | null> | null;
  direction: 'initial' | 'unchanged' | 'raised' | 'lowered';
  change_zh: string;
  change_en: string;
  contributions: Json<unknown[]>;
  inputs: Json<Record<string, unknown>>;
  reason: string;
  computed_at: Timestamp;
}

export interface AccidentsTable {
  id: Generated<string>;
  enterprise_id: string;
  occurred_at: Timestamp;
  kind: 'road_traffic' | 'fire' | 'other';
  deaths: number;
  serious_injuries: number;
  direct_loss_yuan: number;
  grade: 'ordinary' | 'larger' | 'major' | 'especially_major';
  description: string;
  recorded_by_id: string | null;
  recorded_by_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ViolationsTable {
  id: Generated<string>;
  enterprise_id: string;
  occurred_on: string;
  kind: 'command' | 'operation' | 'discipline' | 'other';
  description: string;
  inspection_id: string | null;
  recorded_by_id: string | null;
  recorded_by_name: string;
  created_at: Timestamp;
}

export interface DishonestyListingsTable {
  id: Generated<string>;
  enterprise_id: string;
  listed_on: string;
  term_ends_on: string;
  trigger: string;
  reason: string;
  decision_number: Generated<string>;
  status: Generated<'active' | 'removed'>;
  removed_at: Timestamp | null;
  removed_by_name: string | null;
  remove_reason: string | null;
  created_by_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface EnterpriseEntryRulesTable {
  enterprise_id: string;
  override: Json<Record<string, unknown>>;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ChecklistItemRow {
  key: string;
  text: string;
  basis: string;
  level: 'general' | 'major';
  catalogItemCode: string | null;
  category: string;
}

export interface ChecklistTemplatesTable {
  id: Generated<string>;
  code: string;
  template_version: number;
  sector: string;
  title: string;
  basis: Generated<string>;
  items: Json<ChecklistItemRow[]>;
  status: Generated<'active' | 'superseded' | 'withdrawn'>;
  builtin: Generated<boolean>;
  created_by_name: string;
  created_at: Timestamp;
}

export interface InspectionChecklistRef {
  templateId: string;
  departmentId: string | null;
}

export interface InspectionSignature {
  role: 'inspector' | 'enterprise';
  name: string;
  at: string;
}

export type InspectionStatusColumn = 'planned' | 'in_progress' | 'completed' | 'documents_issued' | 'cancelled';

export interface InspectionsTable {
  id: Generated<string>;
  code: string;
  enterprise_id: string;
  kind: 'routine' | 'complaint' | 'accident' | 'order' | 'follow_up' | 'requested';
  exempt: boolean;
  exemption_reason: string | null;
  planned_at: Timestamp;
  planned_year: number;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  department_ids: ColumnType<string[], string[] | undefined, string[]>;
  town_code: string | null;
  inspector_ids: ColumnType<string[], string[], string[]>;
  unannounced: Generated<boolean>;
  status: Generated<InspectionStatusColumn>;
  checklist: Json<InspectionChecklistRef[]>;
  summary: Generated<string>;
  signatures: Json<InspectionSignature[]>;
  compliant_count: Generated<number>;
  non_compliant_count: Generated<number>;
  not_applicable_count: Generated<number>;
  cancel_reason: string | null;
  created_by_id: string | null;
  created_by_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface InspectionEventsTable {
  id: Generated<number>;
  inspection_id: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  data: Json<Record<string, unknown>>;
}

export interface InspectionVisitsTable {
  id: Generated<number>;
  inspection_id: string;
  enterprise_id: string;
  user_id: string;
  user_name: string;
  arrived_at: Timestamp;
  left_at: Timestamp | null;
  minutes: number | null;
}

export interface InspectionAnswersTable {
  id: Generated<string>;
  inspection_id: string;
  template_id: string;
  item_key: string;
  result: 'compliant' | 'not_compliant' | 'not_applicable';
  note: string;
  photo_file_ids: ColumnType<string[], string[] | undefined, string[]>;
  hazard_id: string | null;
  answered_by_id: string | null;
  answered_by_name: string;
  answered_at: Timestamp;
}

export interface QuizQuestionsTable {
  id: Generated<string>;
  sector: string;
  type: 'single' | 'multiple' | 'true_false';
  stem: string;
  options: Json<{ key: string; text: string }[]>;
  answer: Json<string | string[] | boolean>;
  basis: string;
  active: Generated<boolean>;
  builtin: Generated<boolean>;
  created_at: Timestamp;
}

export interface QuizSessionsTable {
  id: Generated<string>;
  inspection_id: string;
  enterprise_id: string;
  person_name: string;
  person_role: 'principal' | 'safety_manager' | 'staff';
  seed: string;
  questions: Json<unknown[]>;
  answers: Json<Record<string, unknown>> | null;
  score: number | null;
  passed: boolean | null;
  pass_mark: number;
  status: Generated<'open' | 'scored'>;
  hazard_id: string | null;
  created_by_name: string;
  created_at: Timestamp;
  scored_at: Timestamp | null;
}

export interface EnforcementDecisionsTable {
  id: Generated<string>;
  number: string;
  inspection_id: string | null;
  enterprise_id: string;
  kind: 'warning' | 'fine' | 'suspension' | 'police_referral';
  fine_yuan: number | null;
  suspension_scope: string | null;
  suspension_until: string | null;
  legal_basis: string;
  facts: string;
  decided_by_id: string | null;
  decided_by_name: string;
  decided_at: Timestamp;
}

export interface InspectionDocumentsTable {
  id: Generated<string>;
  kind: 'site_record' | 'rectification_order';
  number: string;
  inspection_id: string;
  enterprise_id: string;
  issuer_unit: string;
  issued_by_id: string | null;
  issued_by_name: string;
  created_at: Timestamp;
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
  /** Every 1–2 character substring of lower(name) and name_initials (0011): short searches use its GIN index. */
  search_ngrams: GeneratedAlways<string[]>;
  former_names: ColumnType<string[], string[] | undefined, string[]>;
  address: Generated<string>;
  region_code: string;
  region_path: string;
  /** The path's second level (0016): a township's list walks its index in list order. */
  region_level2: GeneratedAlways<string>;
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

export interface HazardCatalogsTable {
  code: string;
  title_zh: string;
  title_en: Generated<string>;
  document: Generated<string>;
  in_force_from: string | null;
  builtin: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface HazardCatalogItemsTable {
  code: string;
  catalog: string;
  sector_codes: ColumnType<string[], string[] | undefined, string[]>;
  text_zh: string;
  text_en: Generated<string>;
  basis: Generated<string>;
  hint_zh: string | null;
  hint_en: string | null;
  active: Generated<boolean>;
  builtin: Generated<boolean>;
  sort: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface HazardPlan {
  owner: string;
  measures: string;
  funds: string;
  deadline: string;
  contingency: string;
}

export interface HazardsTable {
  id: Generated<string>;
  code: string;
  enterprise_id: string;
  place: string;
  sector: string;
  category: string;
  level: 'general' | 'major';
  path: 'self' | 'supervised';
  status: 'reported' | 'rejected' | 'rectifying' | 'submitted' | 'verified' | 'closed';
  description: string;
  source: 'self_check' | 'inspection' | 'patrol' | 'employee_report' | 'public_report' | 'alarm' | 'campaign';
  finder_side: 'enterprise' | 'supervisor' | 'public';
  finder_id: string | null;
  finder_name: string;
  found_at: Timestamp;
  catalog_item_code: string | null;
  major_basis: string | null;
  photo_file_ids: ColumnType<string[], string[] | undefined, string[]>;
  document_file_ids: ColumnType<string[], string[] | undefined, string[]>;
  evidence_file_ids: ColumnType<string[], string[] | undefined, string[]>;
  rectification_measures: Generated<string>;
  responsible_person: Generated<string>;
  rectification_funds: Generated<string>;
  deadline: string | null;
  extension_requested: Generated<boolean>;
  pending_extension: Generated<boolean>;
  requested_deadline: string | null;
  extension_reason: string | null;
  plan: Json<HazardPlan | null> | null;
  interim_measures: string | null;
  submitted_at: Timestamp | null;
  submission_note: string | null;
  verifier_id: string | null;
  verifier_name: string | null;
  verify_opinion: string | null;
  verified_at: Timestamp | null;
  closed_at: Timestamp | null;
  closed_by_name: string | null;
  rejected_reason: string | null;
  ever_overdue: Generated<boolean>;
  report_id: string | null;
  campaign_id: string | null;
  campaign_task_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
  /** Distinct two-character substrings of code, place and description (generated, migration 0010). */
  search_bigrams: GeneratedAlways<string[]>;
  /** The enterprise's township (second level of its region path), kept by triggers (migration 0017). */
  region_level2: Generated<string | null>;
  /** The enterprise's village (third level of its region path, '' above it), kept by triggers (migration 0020). */
  region_level3: Generated<string | null>;
}

export interface HazardEventsTable {
  id: Generated<number>;
  hazard_id: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  actor_role: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  data: Json<Record<string, unknown>>;
}

export interface HazardEscalationsTable {
  id: Generated<number>;
  hazard_id: string;
  enterprise_id: string;
  step: 'remind' | 'overdue' | 'summon' | 'listing';
  step_key: string;
  due_at: Timestamp;
  fired_at: Timestamp;
}

export interface HazardSummonsTable {
  id: Generated<string>;
  hazard_id: string;
  enterprise_id: string;
  department_ids: ColumnType<string[], string[] | undefined, string[]>;
  step_key: string;
  status: ColumnType<'pending' | 'held' | 'cancelled', string | undefined, string>;
  held_at: Timestamp | null;
  recorded_by_id: string | null;
  recorded_by_name: string | null;
  note: Generated<string>;
  attendees: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface HazardListingsTable {
  id: Generated<string>;
  code: string;
  enterprise_id: string;
  hazard_id: string | null;
  reason: 'major_overdue' | 'overdue_count';
  trigger_key: string;
  overdue_count: Generated<number>;
  public: Generated<boolean>;
  status: ColumnType<'active' | 'lifted', string | undefined, string>;
  listed_at: Timestamp;
  lifted_at: Timestamp | null;
  lifted_by_id: string | null;
  lifted_by_name: string | null;
  lift_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface HazardCardsTable {
  id: Generated<string>;
  enterprise_id: string;
  listing_id: string;
  color: 'yellow' | 'red';
  status: ColumnType<'active' | 'lifted', string | undefined, string>;
  issued_at: Timestamp;
  lifted_at: Timestamp | null;
  lifted_by_id: string | null;
  lifted_by_name: string | null;
  lift_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface SupervisionEventsTable {
  id: Generated<number>;
  entity_type: 'listing' | 'card' | 'summons';
  entity_id: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  action: string;
  reason: string | null;
  data: Json<Record<string, unknown>>;
}

export interface PublicReportsTable {
  id: Generated<string>;
  tracking_code: string;
  kind: 'public' | 'employee';
  text: string;
  place: Generated<string>;
  contact: string | null;
  anonymous: Generated<boolean>;
  reporter_user_id: string | null;
  reporter_name: string | null;
  enterprise_id: string | null;
  enterprise_name: Generated<string>;
  region_code: string | null;
  region_path: string | null;
  sector: string | null;
  department_id: string | null;
  status: ColumnType<'received' | 'transferred' | 'accepted' | 'rejected', string | undefined, string>;
  public_reply: Generated<string>;
  hazard_id: string | null;
  photo_file_ids: ColumnType<string[], string[] | undefined, string[]>;
  triaged_by_id: string | null;
  triaged_by_name: string | null;
  triaged_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface PublicReportEventsTable {
  id: Generated<number>;
  report_id: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  action: string;
  data: Json<Record<string, unknown>>;
}

export interface ReportRewardsTable {
  id: Generated<string>;
  report_id: string;
  hazard_id: string | null;
  kind: 'public' | 'internal';
  fine_yuan: number | null;
  reward_yuan: number;
  decision_number: Generated<string>;
  note: Generated<string>;
  recorded_by_id: string | null;
  recorded_by_name: string;
  created_at: Timestamp;
}

export interface HazardCampaignsTable {
  id: Generated<string>;
  code: string;
  source_hazard_id: string | null;
  instruction: string;
  deadline: string;
  sectors: ColumnType<string[], string[], string[]>;
  started_by_id: string | null;
  started_by_name: string;
  starter_role: string;
  starter_department_id: string | null;
  starter_region_code: string | null;
  created_at: Timestamp;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface CampaignTasksTable {
  id: Generated<string>;
  campaign_id: string;
  enterprise_id: string;
  status: ColumnType<'pending' | 'nothing_found' | 'hazards_found', string | undefined, string>;
  answered_at: Timestamp | null;
  answered_by_id: string | null;
  answered_by_name: string | null;
  note: Generated<string>;
  hazard_count: Generated<number>;
  late_notified_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface HazardDocumentsTable {
  id: Generated<string>;
  kind: 'rectification_order' | 'review_opinion';
  number: string;
  hazard_id: string;
  event_id: number;
  enterprise_id: string;
  issuer_unit: string;
  issued_by_id: string | null;
  issued_by_name: string;
  created_at: Timestamp;
}

// ── Hazard figures (migration 0012): kept by triggers on hazards and enterprises ──────────────────────────
/** numeric comes back as a string from both drivers. */
type Numeric = ColumnType<string, string | number, string | number>;
interface FigureCounts {
  level: 'general' | 'major';
  found: number;
  closed: number;
  rejected: number;
  open: number;
  ever_overdue: number;
  rectifying_marked: number;
  closed_timed: number;
  close_seconds: Numeric;
}
export interface HazardFiguresTable extends FigureCounts {
  region_path: string;
  department_ids: string[];
}
export interface HazardFiguresEnterpriseTable extends FigureCounts {
  enterprise_id: string;
}
interface TrendCounts {
  level: 'general' | 'major';
  month: ColumnType<string, string, string>;
  found: number;
  closed: number;
}
export interface HazardTrendRegionTable extends TrendCounts {
  region_path: string;
}
export interface HazardTrendDepartmentTable extends TrendCounts {
  department_id: string;
}
export interface HazardTrendEnterpriseTable extends TrendCounts {
  enterprise_id: string;
}

// ── Monitoring (migration 0005) ──────────────────────────────────────────────────────────────────────────
export interface MonitoringGatewaysTable {
  id: Generated<string>;
  enterprise_id: string;
  name: string;
  token_hash: string;
  token_hint: string;
  created_at: CreatedAt;
  created_by: string | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  last_seen_at: Timestamp | null;
  is_demo: Generated<boolean>;
  version: Generated<number>;
}

export interface MonitoringPointsTable {
  id: Generated<string>;
  enterprise_id: string;
  code: string;
  name: string;
  kind: string;
  unit: Generated<string>;
  installation: string | null;
  location: Generated<string>;
  lng: number | null;
  lat: number | null;
  range_min: number | null;
  range_max: number | null;
  interval_seconds: Generated<number>;
  template_key: string | null;
  overrides: ColumnType<Record<string, unknown>, string | undefined, string>;
  flatline_seconds: number | null;
  flatline_tolerance: number | null;
  rate_window_seconds: number | null;
  severities: ColumnType<Record<string, number>, string | undefined, string>;
  active: Generated<boolean>;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface MonitoringPointStateTable {
  point_id: string;
  /** The rule state as JSON text (`serializeState`; text since migration 0021). */
  state: string | null;
  rev: Generated<number>;
  last_ts: Timestamp | null;
  last_value: number | null;
  updated_at: UpdatedAt;
}

export interface ReadingsTable {
  point_id: string;
  ts: Timestamp;
  value: number;
}

export interface ReadingRollupsTable {
  point_id: string;
  bucket: Timestamp;
  min: number;
  max: number;
  sum: number;
  count: number;
  last_ts: Timestamp;
  last_value: number;
}

export interface MonitoringDeadLettersTable {
  id: Generated<number>;
  received_at: Timestamp;
  source: 'mqtt' | 'http';
  gateway_id: string | null;
  enterprise_id: string | null;
  point_ref: string | null;
  point_id: string | null;
  reason: string;
  detail: Generated<string>;
  item_index: number | null;
  reading_ts: Timestamp | null;
  payload: Generated<string>;
}

export interface AlarmsTable {
  id: Generated<string>;
  code: string;
  point_id: string;
  enterprise_id: string;
  rule: string;
  severity: number;
  tampering: Generated<boolean>;
  status: 'active' | 'cleared' | 'closed';
  acknowledged: Generated<boolean>;
  acknowledged_by: string | null;
  acknowledged_at: Timestamp | null;
  acknowledge_note: string | null;
  count: Generated<number>;
  raised_at: Timestamp;
  cleared_at: Timestamp | null;
  closed_at: Timestamp | null;
  closed_by: string | null;
  closed_how: 'auto' | 'forced' | null;
  close_reason: string | null;
  hazard_id: string | null;
  hazard_requested_at: Timestamp | null;
  hazard_requested_by: string | null;
  first_value: number | null;
  peak_value: number | null;
  last_value: number | null;
  threshold: number | null;
  measured: number | null;
  last_event_at: Timestamp;
  escalated_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface AlarmEventsTable {
  id: Generated<number>;
  alarm_id: string;
  at: Timestamp;
  type: string;
  actor_id: string | null;
  actor_name: string | null;
  value: number | null;
  note: string | null;
}

// ── Plans and leaders' field work (migration 0006) ───────────────────────────────────────────────────────
export interface InspectionPlansTable {
  id: Generated<string>;
  department_id: string;
  year: number;
  status: ColumnType<'draft' | 'approved', string | undefined, string>;
  legal_workdays: number;
  inspectors: number;
  other_enforcement_days: number;
  non_enforcement_days: number;
  inspector_days_per_inspection: number;
  capacity_days: number;
  capacity: number;
  uncovered: ColumnType<unknown[], string | undefined, string>;
  tier_sources: ColumnType<Record<string, number>, string | undefined, string>;
  created_by_id: string | null;
  created_by_name: string;
  approved_at: Timestamp | null;
  approved_by_id: string | null;
  approved_by_name: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
  /** A plan of the demo county (migration 0014). */
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface PlanVisitsTable {
  id: Generated<string>;
  plan_id: string;
  enterprise_id: string;
  department_id: string;
  tier: 'low' | 'general' | 'high';
  planned_date: string;
  status: ColumnType<'planned' | 'done' | 'cancelled', string | undefined, string>;
  source: ColumnType<'generated' | 'added', string | undefined, string>;
  joint_visit_id: string | null;
  done_on: string | null;
  /** The inspection that did this visit (migration 0014), when it was done by one. */
  inspection_id: ColumnType<string | null, string | null | undefined, string | null>;
  cancel_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** One department's acceptance of a joint-inspection proposal (migration 0014). */
export interface JointAcceptancesTable {
  proposal_key: string;
  department_id: string;
  visit_id: string;
  agreed_date: string;
  on_behalf: ColumnType<boolean, boolean | undefined, boolean>;
  accepted_by_id: string | null;
  accepted_by_name: string;
  accepted_at: Timestamp;
}

export interface JointVisitsTable {
  id: Generated<string>;
  enterprise_id: string;
  planned_date: string;
  department_ids: ColumnType<string[], string[], string[]>;
  created_by_id: string | null;
  created_by_name: string;
  created_at: Timestamp;
}

export interface JointDecisionsTable {
  proposal_key: string;
  enterprise_id: string;
  status: 'accepted' | 'declined';
  visit_ids: ColumnType<string[], string[], string[]>;
  department_ids: ColumnType<string[], string[], string[]>;
  proposed_date: string;
  joint_visit_id: string | null;
  reason: string | null;
  decided_by_id: string | null;
  decided_by_name: string;
  decided_at: Timestamp;
}

export interface FieldInspectionsTable {
  id: Generated<string>;
  user_id: string;
  user_name: string;
  role: string;
  department_id: string | null;
  inspected_on: string;
  enterprise_id: string | null;
  place: Generated<string>;
  findings: string;
  photo_file_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
}

export interface SafetyMeetingsTable {
  id: Generated<string>;
  kind: 'committee' | 'department';
  department_id: string | null;
  held_on: string;
  title: string;
  attendees: ColumnType<string[], string[], string[]>;
  decisions: string;
  recorded_by_id: string | null;
  recorded_by_name: string;
  created_at: Timestamp;
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
  hazard_catalogs: HazardCatalogsTable;
  hazard_catalog_items: HazardCatalogItemsTable;
  hazards: HazardsTable;
  hazard_events: HazardEventsTable;
  hazard_escalations: HazardEscalationsTable;
  hazard_summons: HazardSummonsTable;
  hazard_listings: HazardListingsTable;
  hazard_cards: HazardCardsTable;
  supervision_events: SupervisionEventsTable;
  public_reports: PublicReportsTable;
  public_report_events: PublicReportEventsTable;
  report_rewards: ReportRewardsTable;
  hazard_campaigns: HazardCampaignsTable;
  campaign_tasks: CampaignTasksTable;
  hazard_documents: HazardDocumentsTable;
  hazard_figures: HazardFiguresTable;
  hazard_figures_enterprise: HazardFiguresEnterpriseTable;
  hazard_trend_region: HazardTrendRegionTable;
  hazard_trend_department: HazardTrendDepartmentTable;
  hazard_trend_enterprise: HazardTrendEnterpriseTable;
  enterprise_credit: EnterpriseCreditTable;
  credit_assessments: CreditAssessmentsTable;
  accidents: AccidentsTable;
  violations: ViolationsTable;
  dishonesty_listings: DishonestyListingsTable;
  enterprise_entry_rules: EnterpriseEntryRulesTable;
  checklist_templates: ChecklistTemplatesTable;
  inspections: InspectionsTable;
  inspection_events: InspectionEventsTable;
  inspection_visits: InspectionVisitsTable;
  inspection_answers: InspectionAnswersTable;
  quiz_questions: QuizQuestionsTable;
  quiz_sessions: QuizSessionsTable;
  enforcement_decisions: EnforcementDecisionsTable;
  inspection_documents: InspectionDocumentsTable;
  monitoring_gateways: MonitoringGatewaysTable;
  monitoring_points: MonitoringPointsTable;
  monitoring_point_state: MonitoringPointStateTable;
  readings: ReadingsTable;
  readings_1m: ReadingRollupsTable;
  readings_1h: ReadingRollupsTable;
  monitoring_dead_letters: MonitoringDeadLettersTable;
  alarms: AlarmsTable;
  alarm_events: AlarmEventsTable;
  inspection_plans: InspectionPlansTable;
  plan_visits: PlanVisitsTable;
  joint_visits: JointVisitsTable;
  joint_acceptances: JointAcceptancesTable;
  joint_decisions: JointDecisionsTable;
  field_inspections: FieldInspectionsTable;
  safety_meetings: SafetyMeetingsTable;
}
