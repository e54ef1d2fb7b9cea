import { HAZARD_CATEGORIES, type HazardCategory } from '../../../core/hazards';
import type { EscalationSettings } from '../../../core/hazards/escalation';
import type {
  HazardAction,
  HazardLevel,
  HazardPath,
  HazardSource,
  HazardStatus,
  RectificationPlan,
} from '../../../core/hazards/workflow';
import { api, type Query } from '../../shared/api';

export { HAZARD_CATEGORIES, type HazardCategory };

export interface HazardListItem {
  id: string;
  code: string;
  enterpriseId: string;
  enterpriseName: string;
  regionCode: string;
  townshipCode: string | null;
  townshipName: string | null;
  place: string;
  sector: string;
  category: HazardCategory;
  level: HazardLevel;
  path: HazardPath;
  status: HazardStatus;
  source: HazardSource;
  description: string;
  finderName: string;
  foundAt: string;
  deadline: string | null;
  daysLeft: number | null;
  overdue: boolean;
  pendingExtension: boolean;
  catalogItemCode: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface HazardPage {
  items: HazardListItem[];
  total: number | null;
  totalExact: boolean | null;
  page: number;
  pageSize: number;
  nextCursor: string | null;
}

export interface FileRow {
  id: string;
  name: string;
  mime: string;
  size: number;
}

export interface HazardEvent {
  id: string | number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  from: HazardStatus | null;
  to: HazardStatus | null;
  data: Record<string, unknown> | null;
}

export interface HazardDetail {
  id: string;
  code: string;
  enterpriseId: string;
  place: string;
  sector: string;
  category: HazardCategory;
  level: HazardLevel;
  path: HazardPath;
  status: HazardStatus;
  description: string;
  source: HazardSource;
  finderSide: string;
  finderName: string;
  foundAt: string;
  catalogItemCode: string | null;
  majorBasis: string | null;
  rectification: { measures: string; responsiblePerson: string; funds: string; deadline: string | null };
  deadline: string | null;
  daysLeft: number | null;
  overdue: boolean;
  everOverdue: boolean;
  extension: { requested: boolean; pending: boolean; requestedDeadline: string | null; reason: string | null };
  plan: RectificationPlan | null;
  interimMeasures: string | null;
  submission: { at: string | null; note: string | null };
  verification: { verifierId: string | null; verifierName: string | null; opinion: string | null; at: string | null };
  closedAt: string | null;
  closedByName: string | null;
  rejectedReason: string | null;
  reportId: string | null;
  campaignId: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  enterprise: {
    id: string;
    code: string;
    name: string;
    regionCode: string;
    township: { code: string; name: string } | null;
    principalName: string;
    address: string;
  };
  catalogItem: { code: string; catalog: string; text_zh: string; text_en: string; basis: string } | null;
  photos: FileRow[];
  documents: FileRow[];
  evidence: FileRow[];
  allowedActions: HazardAction[];
  /** Whether the caller may edit the descriptive and rectification fields (PATCH), per the server. */
  editable: boolean;
  escalations: { step: string; key: string; at: string; dueAt: string }[];
  listings: {
    id: string;
    code: string;
    reason: string;
    status: 'active' | 'lifted';
    hazardId: string | null;
    listedAt: string;
    public: boolean;
    card: { color: 'yellow' | 'red'; status: string } | null;
  }[];
  summons: {
    id: string;
    status: SummonsStatus;
    createdAt: string;
    heldAt: string | null;
    note: string;
    attendees: string[];
    version: number;
  }[];
  issuedDocuments: { id: string; kind: string; number: string; issuerUnit: string; issuedBy: string; at: string }[];
  history: HazardEvent[];
}

export interface HazardFilters {
  q?: string | undefined;
  status?: HazardStatus[] | undefined;
  level?: HazardLevel | undefined;
  source?: HazardSource[] | undefined;
  sector?: string | undefined;
  regionCode?: string | undefined;
  departmentId?: string | undefined;
  enterpriseId?: string | undefined;
  overdue?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export const HAZARD_SORTS = ['created', 'deadline', 'found'] as const;
export type HazardSort = (typeof HAZARD_SORTS)[number];

export interface HazardListParams extends HazardFilters {
  page: number;
  pageSize: number;
  sort: HazardSort;
}

export function hazardFilterQuery(f: HazardFilters): Query {
  return {
    q: f.q?.trim(),
    status: f.status,
    level: f.level,
    source: f.source,
    sector: f.sector,
    regionCode: f.regionCode,
    departmentId: f.departmentId,
    enterpriseId: f.enterpriseId,
    overdue: f.overdue,
    from: f.from,
    to: f.to,
  };
}

export interface HazardCreate {
  enterpriseId?: string;
  place: string;
  sector?: string;
  category: HazardCategory;
  level: HazardLevel;
  catalogItemCode?: string;
  majorBasis?: string;
  description: string;
  source: HazardSource;
  finderName?: string;
  photoFileIds: string[];
  documentFileIds?: string[];
  rectification?: { measures?: string; responsiblePerson?: string; funds?: string; deadline?: string };
  /** With source `campaign`: the 举一反三 task this finding answers. */
  campaignTaskId?: string;
}

/** `PATCH /api/hazards/:id`: what may change after creation (the server decides in which status and for whom). */
export interface HazardUpdate {
  version: number;
  place?: string;
  description?: string;
  category?: HazardCategory;
  rectification?: { measures: string; responsiblePerson: string; funds: string };
}

export interface CatalogItem {
  code: string;
  catalog: string;
  textZh: string;
  textEn: string;
  basis: string;
  hintZh?: string | null;
  hintEn?: string | null;
  sectorCodes: string[];
  active: boolean;
  builtin?: boolean;
  sort?: number;
  version?: number;
}

export interface Catalog {
  code: string;
  titleZh: string;
  titleEn: string;
  document: string;
  inForceFrom: string | null;
  builtin: boolean;
  version: number;
}

export interface CatalogItemInput {
  sectorCodes: string[];
  textZh: string;
  textEn: string;
  basis: string;
  hintZh: string | null;
  hintEn: string | null;
  sort?: number;
}

export type { EscalationSettings };

export interface SupervisionEvent {
  id: string | number;
  at: string;
  actor_name: string | null;
  action: string;
  reason: string | null;
  data: Record<string, unknown> | null;
}

export type SummonsStatus = 'pending' | 'held' | 'cancelled';
export interface Summons {
  id: string;
  hazardId: string;
  hazardCode: string;
  hazardPlace: string;
  hazardLevel: HazardLevel;
  deadline: string | null;
  enterpriseId: string;
  enterpriseName: string;
  principalName: string | null;
  departmentIds: string[];
  status: SummonsStatus;
  createdAt: string;
  heldAt: string | null;
  recordedBy: string | null;
  note: string;
  attendees: string[];
  version: number;
  canRecord: boolean;
}

export interface Card {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  listingId: string;
  listingCode: string;
  color: 'yellow' | 'red';
  status: 'active' | 'lifted';
  issuedAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
  liftReason: string | null;
  version: number;
}

export interface MajorBoardItem {
  id: string;
  code: string;
  status: HazardStatus;
  enterprise: { id: string; name: string; lng: number | null; lat: number | null };
  township: { code: string; name: string | null } | null;
  place: string;
  description: string;
  sector: string;
  catalogItemCode: string | null;
  majorBasis: string | null;
  plan: RectificationPlan | null;
  interimMeasures: string | null;
  deadline: string | null;
  daysLeft: number | null;
  overdue: boolean;
  pendingExtension: boolean;
  listing: { id: string; code: string; listedAt: string; reason: string; card: 'yellow' | 'red' | null } | null;
  enterpriseListed: boolean;
  pendingSummons: number;
  foundAt: string;
  version: number;
}

export interface MajorBoard {
  asOf: string;
  summary: { open: number; awaitingConfirmation: number; overdue: number; listed: number };
  items: MajorBoardItem[];
}

export interface Figures {
  found: number;
  closed: number;
  open: number;
  rejected: number;
  overdue: number;
  overdueNow: number;
  major: number;
  majorOpen: number;
  rectificationRate: number;
  overdueRate: number;
  avgDaysToClose: number | null;
}

export interface HazardStats {
  asOf: string;
  groupBy: 'township' | 'enterprise' | 'department';
  totals: Figures;
  groups: (Figures & { key: string; name: string })[];
  trend: { month: string; found: number; closed: number }[];
}

export interface Listing {
  id: string;
  code: string;
  enterpriseId: string;
  enterpriseName: string;
  hazardId: string | null;
  hazardCode: string | null;
  reason: string;
  status: 'active' | 'lifted';
  listedAt: string;
  public: boolean;
  card: { id: string; color: 'yellow' | 'red'; status: string; version: number } | null;
  overdueCount: number;
  liftedAt: string | null;
  liftedBy: string | null;
  liftReason: string | null;
  version: number;
}
export interface ListingDetail extends Listing {
  history: SupervisionEvent[];
  cardHistory: SupervisionEvent[];
}

export type ReportStatus = 'received' | 'transferred' | 'accepted' | 'rejected';
export interface Report {
  id: string;
  kind: 'public' | 'employee';
  status: ReportStatus;
  text: string;
  place: string;
  enterpriseId: string | null;
  enterpriseName: string;
  regionCode: string | null;
  sector: string | null;
  departmentId: string | null;
  anonymous: boolean;
  contact: string | null;
  reporterName: string | null;
  contactVisible: boolean;
  publicReply: string;
  hazardId: string | null;
  triagedBy: string | null;
  triagedAt: string | null;
  canTriage: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}
export interface ReportDetail extends Report {
  photos: FileRow[];
  history: { at: string; actor_name: string | null; action: string; data: Record<string, unknown> | null }[];
  reward: {
    kind: 'public' | 'internal';
    fineYuan: number | null;
    rewardYuan: number;
    decisionNumber: string | null;
    note: string;
    recordedBy: string | null;
    at: string;
  } | null;
  hazard: { id: string; code: string; status: HazardStatus; level: HazardLevel } | null;
  /** Whether the caller may record the reward now: the fine on a public report, the internal one on an employee's. */
  canReward: boolean;
}

export type PublicStatus = 'received' | 'processing' | 'accepted' | 'resolved' | 'rejected';
export interface PublicLookup {
  trackingCode: string;
  status: PublicStatus;
  reply: string;
  receivedAt: string;
  updatedAt: string;
}

export interface List<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface CampaignProgress {
  tasks: number;
  answered: number;
  pending: number;
  nothingFound: number;
  withHazards: number;
  hazardsFound: number;
  late: number;
  answeredLate: number;
  answeredRate: number;
}
export interface Campaign {
  id: string;
  code: string;
  instruction: string;
  deadline: string;
  sectors: string[];
  startedBy: string;
  createdAt: string;
  sourceHazardId: string | null;
  sourceHazardCode?: string | null;
  progress: CampaignProgress;
}
export type TaskStatus = 'pending' | 'nothing_found' | 'hazards_found';
export interface CampaignDetail extends Campaign {
  tasks: {
    id: string;
    enterpriseId: string;
    enterpriseName: string;
    regionCode: string;
    status: TaskStatus;
    answeredAt: string | null;
    answeredBy: string | null;
    note: string;
    hazardCount: number;
    late: boolean;
    version: number;
  }[];
}
export interface CampaignTask {
  id: string;
  campaignId: string;
  campaignCode: string;
  instruction: string;
  deadline: string;
  enterpriseId: string;
  enterpriseName: string;
  status: TaskStatus;
  answeredAt: string | null;
  hazardCount: number;
  late: boolean;
  version: number;
}

export const HAZARD_KEYS = {
  all: ['hazards'] as const,
  list: (p: HazardListParams) => ['hazards', 'list', p] as const,
  kanban: (f: HazardFilters) => ['hazards', 'kanban', f] as const,
  detail: (id: string) => ['hazards', 'detail', id] as const,
  board: (f: Query) => ['hazards', 'board', f] as const,
  stats: (q: Query) => ['hazards', 'stats', q] as const,
  catalog: (sector: string | undefined) => ['hazards', 'catalog', sector ?? ''] as const,
  catalogAdmin: ['hazards', 'catalog-admin'] as const,
  settings: ['hazards', 'settings'] as const,
  summons: (q: Query) => ['hazards', 'summons', q] as const,
  cards: (q: Query) => ['hazards', 'cards', q] as const,
  listing: (id: string) => ['hazards', 'listing', id] as const,
  listings: (q: Query) => ['hazards', 'listings', q] as const,
  reports: (q: Query) => ['hazards', 'reports', q] as const,
  report: (id: string) => ['hazards', 'report', id] as const,
  campaigns: (page: number) => ['hazards', 'campaigns', page] as const,
  campaign: (id: string) => ['hazards', 'campaign', id] as const,
  tasks: (status: string) => ['hazards', 'tasks', status] as const,
};

const enc = encodeURIComponent;

export const hazardApi = {
  list: (p: HazardListParams) =>
    api<HazardPage>('/api/hazards', {
      query: { ...hazardFilterQuery(p), page: p.page, pageSize: p.pageSize, sort: p.sort },
    }),
  get: (id: string) => api<HazardDetail>(`/api/hazards/${enc(id)}`),
  create: (body: HazardCreate) =>
    api<{ id: string; code: string; status: HazardStatus; version: number }>('/api/hazards', {
      method: 'POST',
      body,
    }),
  act: (id: string, body: { action: HazardAction; version: number } & Record<string, unknown>) =>
    api<HazardDetail>(`/api/hazards/${enc(id)}/actions`, { method: 'POST', body }),
  board: (q: Query) => api<MajorBoard>('/api/hazards/major-board', { query: q }),
  stats: (q: Query) => api<HazardStats>('/api/hazards/stats', { query: q }),
  catalog: (sector: string | undefined) => api<{ items: CatalogItem[] }>('/api/hazard-catalog', { query: { sector } }),
  update: (id: string, body: HazardUpdate) => api<HazardDetail>(`/api/hazards/${enc(id)}`, { method: 'PATCH', body }),
  catalogAdmin: () =>
    api<{ catalogs: Catalog[]; items: Required<CatalogItem>[] }>('/api/hazard-catalog', {
      query: { includeInactive: true },
    }),
  createCatalogItem: (body: CatalogItemInput & { code: string; catalog: string }) =>
    api<Required<CatalogItem>>('/api/hazard-catalog', { method: 'POST', body }),
  updateCatalogItem: (code: string, body: Partial<CatalogItemInput> & { version: number; active?: boolean }) =>
    api<Required<CatalogItem>>(`/api/hazard-catalog/${enc(code)}`, { method: 'PATCH', body }),
  createCatalog: (body: {
    code: string;
    titleZh: string;
    titleEn: string;
    document: string;
    inForceFrom: string | null;
  }) => api<Catalog>('/api/hazard-catalog/catalogs', { method: 'POST', body }),
  settings: () => api<{ escalation: EscalationSettings; version: number }>('/api/hazard-settings'),
  saveSettings: (body: { version: number; escalation: EscalationSettings }) =>
    api<{ escalation: EscalationSettings; version: number }>('/api/hazard-settings', { method: 'PUT', body }),
  summons: (q: Query) => api<List<Summons>>('/api/hazard-summons', { query: q }),
  recordSummons: (
    id: string,
    body: { version: number; outcome: 'held' | 'cancelled'; heldAt?: string; attendees: string[]; note: string },
  ) => api<Summons>(`/api/hazard-summons/${enc(id)}/record`, { method: 'POST', body }),
  listings: (q: Query) => api<List<Listing>>('/api/hazard-listings', { query: q }),
  listing: (id: string) => api<ListingDetail>(`/api/hazard-listings/${enc(id)}`),
  liftListing: (id: string, body: { version: number; reason: string }) =>
    api<unknown>(`/api/hazard-listings/${enc(id)}/lift`, { method: 'POST', body }),
  cards: (q: Query) => api<List<Card>>('/api/hazard-cards', { query: q }),
  liftCard: (id: string, body: { version: number; reason: string }) =>
    api<unknown>(`/api/hazard-cards/${enc(id)}/lift`, { method: 'POST', body }),
  recordFine: (id: string, body: { version: number; fineYuan: number; decisionNumber: string }) =>
    api<unknown>(`/api/reports/${enc(id)}/fine`, { method: 'POST', body }),
  recordReward: (id: string, body: { version: number; amountYuan: number; note: string }) =>
    api<unknown>(`/api/reports/${enc(id)}/reward`, { method: 'POST', body }),
  reports: (q: Query) => api<List<Report>>('/api/reports', { query: q }),
  report: (id: string) => api<ReportDetail>(`/api/reports/${enc(id)}`),
  accept: (id: string, body: Record<string, unknown>) =>
    api<{ report: ReportDetail; hazard: { id: string; code: string } }>(`/api/reports/${enc(id)}/accept`, {
      method: 'POST',
      body,
    }),
  transfer: (id: string, body: { version: number; departmentId: string; note: string }) =>
    api<unknown>(`/api/reports/${enc(id)}/transfer`, { method: 'POST', body }),
  rejectReport: (id: string, body: { version: number; reply: string }) =>
    api<ReportDetail>(`/api/reports/${enc(id)}/reject`, { method: 'POST', body }),
  campaigns: (page: number) => api<List<Campaign>>('/api/campaigns', { query: { page, pageSize: 20 } }),
  campaign: (id: string) => api<CampaignDetail>(`/api/campaigns/${enc(id)}`),
  startCampaign: (body: { sourceHazardId: string; instruction: string; deadline: string; sectors: string[] }) =>
    api<{ id: string; code: string }>('/api/campaigns', { method: 'POST', body }),
  tasks: (status: string) =>
    api<List<CampaignTask>>('/api/campaign-tasks', { query: { status: status || undefined, pageSize: 100 } }),
  answerTask: (id: string, body: { version: number; note: string }) =>
    api<unknown>(`/api/campaign-tasks/${enc(id)}/answer`, { method: 'POST', body }),
  /** Uploads one file (photo or document) and answers its id; the hazard references it afterwards. */
  upload: async (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api<FileRow>('/api/files', { method: 'POST', form });
  },
  employeeReport: (body: { text: string; place: string; anonymous: boolean; photoFileIds: string[] }) =>
    api<{ id: string; trackingCode: string }>('/api/reports', { method: 'POST', body }),
  publicReport: (form: FormData) => api<{ trackingCode: string }>('/api/public/reports', { method: 'POST', form }),
  publicLookup: (code: string) => api<PublicLookup>(`/api/public/reports/${enc(code.trim())}`),
};

export const fileUrl = (id: string) => `/api/files/${enc(id)}`;
export const thumbUrl = (id: string) => `/api/files/${enc(id)}/thumb`;
