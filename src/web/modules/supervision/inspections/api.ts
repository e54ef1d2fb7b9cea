import type { InspectionKind } from '../../../../core/supervision/entry-rules';
import type { InspectionAction, InspectionStatus } from '../../../../core/supervision/inspection-workflow';
import { api, type Page } from '../../../shared/api';
import type { Tier } from '../credit/api';

export type { InspectionAction, InspectionKind, InspectionStatus };
export const KINDS: readonly InspectionKind[] = ['routine', 'complaint', 'accident', 'order', 'follow_up', 'requested'];
export const STATUSES: readonly InspectionStatus[] = [
  'planned',
  'in_progress',
  'completed',
  'documents_issued',
  'cancelled',
];
export type AnswerResult = 'compliant' | 'not_compliant' | 'not_applicable';
export const RESULTS: readonly AnswerResult[] = ['compliant', 'not_compliant', 'not_applicable'];
export type DecisionKind = 'warning' | 'fine' | 'suspension' | 'police_referral';
export const DECISION_KINDS: readonly DecisionKind[] = ['warning', 'fine', 'suspension', 'police_referral'];
export type PersonRole = 'principal' | 'safety_manager' | 'staff';

export interface InspectionListItem {
  id: string;
  code: string;
  enterpriseId: string;
  enterpriseName: string;
  kind: InspectionKind;
  exempt: boolean;
  status: InspectionStatus;
  plannedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  unannounced: boolean;
  departmentIds: string[];
  departmentNames: string[];
  townCode: string | null;
  inspectorIds: string[];
  inspectorNames: string[];
  nonCompliantCount: number | null;
  version: number;
}

export interface ChecklistAnswer {
  result: AnswerResult;
  note: string | null;
  photoFileIds: string[];
  hazardId: string | null;
  hazardCode: string | null;
  answeredBy: string;
  answeredAt: string;
}

export interface ChecklistItem {
  key: string;
  text: string;
  basis: string;
  level: 'general' | 'major';
  catalogItemCode: string | null;
  category: string | null;
  answer: ChecklistAnswer | null;
}

export interface ChecklistGroup {
  templateId: string;
  code: string;
  title: string;
  version: number;
  departmentId: string | null;
  departmentName: string | null;
  items: ChecklistItem[];
}

export interface QuizSummary {
  id: string;
  personName: string;
  personRole: PersonRole;
  status: 'open' | 'scored';
  score: number | null;
  passed: boolean | null;
  passMark: number;
  questionCount: number;
  hazardId: string | null;
}

export interface Decision {
  id: string;
  number: string;
  kind: DecisionKind;
  fineYuan: number | null;
  suspensionScope: string | null;
  suspensionUntil: string | null;
  legalBasis: string;
  facts: string;
  decidedBy: string;
  decidedAt: string;
}

export interface InspectionDetail extends InspectionListItem {
  exemptionReason: string | null;
  summary: string | null;
  cancelReason: string | null;
  signatures: { role: 'inspector' | 'enterprise'; name: string; at: string }[];
  allowedActions: InspectionAction[];
  canConduct: boolean;
  checklist: ChecklistGroup[];
  counts: { compliant: number; notCompliant: number; notApplicable: number; unanswered: number };
  quizzes: QuizSummary[];
  decisions: Decision[];
  documents: { kind: 'site_record' | 'rectification_order'; number: string; issuedAt: string; issuedBy: string }[];
  visits: { userId: string; name: string; arrivedAt: string; leftAt: string | null; minutes: number | null }[];
  hazards: { id: string; code: string; level: 'general' | 'major'; status: string; deadline: string | null }[];
}

/** An officer the scheduler may send in (`GET /api/inspections/inspectors`: the scheduler's own unit). */
export interface InspectorCandidate {
  id: string;
  displayName: string;
  role: 'dept_officer' | 'town_officer' | 'county_admin';
  departmentId: string | null;
  departmentName: string | null;
  departmentNameEn: string | null;
  regionCode: string | null;
}

export interface InspectionQuery {
  status?: InspectionStatus[];
  kind?: InspectionKind[];
  enterpriseId?: string;
  departmentId?: string;
  /** true: only 四不两直; false: only announced; left out: both. */
  unannounced?: boolean;
  mine?: boolean;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

export interface ScheduleBody {
  enterpriseId: string;
  kind: InspectionKind;
  plannedAt: string;
  departmentIds: string[];
  inspectorIds: string[];
  unannounced: boolean;
  exemptionReason?: string;
}

export interface AnswerBody {
  templateId: string;
  itemKey: string;
  result: AnswerResult;
  note?: string;
  photoFileIds?: string[];
  place?: string;
  deadline?: string;
}

export interface QuizQuestion {
  id: string;
  type: 'single' | 'multiple' | 'true_false';
  stem: string;
  options?: { key: string; text: string }[];
}
export type QuizGiven = string | string[] | boolean;
export interface QuizResult {
  id: string;
  score: number;
  passed: boolean;
  passMark: number;
  correct: number;
  total: number;
  items: {
    questionId: string;
    stem: string;
    correct: boolean;
    answer: QuizGiven;
    given: QuizGiven | null;
    basis: string;
  }[];
  hazardId: string | null;
}

export interface DecisionBody {
  kind: DecisionKind;
  fineYuan?: number;
  suspensionScope?: string;
  suspensionUntil?: string;
  legalBasis: string;
  facts: string;
}

export interface VisitFrequencyItem {
  enterpriseId: string;
  enterpriseName: string;
  tier: Tier;
  visits: number;
  routine: number;
  exempt: number;
  inspectorVisits: number;
  minutes: number;
  yearlyCapTotal: number;
  tooOften: boolean;
}

export interface TemplateListItem {
  id: string;
  code: string;
  sector: string;
  title: string;
  version: number;
  status: 'active' | 'superseded' | 'withdrawn';
  itemCount: number;
  createdAt: string;
}
export interface TemplateDetail extends Omit<TemplateListItem, 'itemCount'> {
  basis: string;
  items: Omit<ChecklistItem, 'answer'>[];
  createdByName: string;
}

const enc = encodeURIComponent;

/**
 * Mutations of the on-site pages always send. TanStack Query's default (`networkMode: 'online'`) does not even
 * call the mutation function while the browser reports itself offline: the call waits, paused and silent, for the
 * connection to return. At the site the inspector must be told at once that the send failed and the draft is kept
 * on the device, so the request is tried and its network error (`ApiError` code `NETWORK`) is shown.
 */
export const AT_SITE = { networkMode: 'always' } as const;

export const INSPECTION_KEYS = {
  all: ['supervision', 'inspections'] as const,
  list: (q: InspectionQuery) => ['supervision', 'inspections', 'list', q] as const,
  detail: (id: string) => ['supervision', 'inspections', 'detail', id] as const,
  frequency: (year: number) => ['supervision', 'visit-frequency', year] as const,
  inspectors: ['supervision', 'inspector-candidates'] as const,
  templates: (all: boolean) => ['supervision', 'templates', all] as const,
  template: (id: string) => ['supervision', 'template', id] as const,
};

export const inspectionApi = {
  list: (q: InspectionQuery) =>
    api<Page<InspectionListItem>>('/api/inspections', {
      query: {
        ...q,
        status: q.status,
        kind: q.kind,
        mine: q.mine ? 'true' : undefined,
        unannounced: q.unannounced === undefined ? undefined : String(q.unannounced),
      },
    }),
  detail: (id: string) => api<InspectionDetail>(`/api/inspections/${enc(id)}`),
  inspectors: () => api<{ items: InspectorCandidate[] }>('/api/inspections/inspectors'),
  schedule: (body: ScheduleBody) =>
    api<{ id: string; code: string; status: InspectionStatus; exempt: boolean; version: number }>('/api/inspections', {
      method: 'POST',
      body,
    }),
  act: (id: string, body: { action: InspectionAction; version: number } & Record<string, unknown>) =>
    api<InspectionDetail>(`/api/inspections/${enc(id)}/actions`, { method: 'POST', body }),
  answer: (id: string, answers: AnswerBody[]) =>
    api<InspectionDetail>(`/api/inspections/${enc(id)}/answers`, { method: 'PUT', body: { answers } }),
  startQuiz: (id: string, body: { personName: string; personRole: PersonRole }) =>
    api<{ id: string; passMark: number; questions: QuizQuestion[] }>(`/api/inspections/${enc(id)}/quizzes`, {
      method: 'POST',
      body,
    }),
  submitQuiz: (quizId: string, answers: Record<string, QuizGiven>) =>
    api<QuizResult>(`/api/quizzes/${enc(quizId)}/answers`, { method: 'POST', body: { answers } }),
  decide: (id: string, body: DecisionBody) =>
    api<Decision>(`/api/inspections/${enc(id)}/decisions`, { method: 'POST', body }),
  visitFrequency: (year: number) =>
    api<{ year: number; items: VisitFrequencyItem[] }>('/api/inspections/visit-frequency', { query: { year } }),
  templates: (all: boolean) =>
    api<{ items: TemplateListItem[] }>('/api/checklist-templates', { query: { all: all ? 'true' : undefined } }),
  template: (id: string) => api<TemplateDetail>(`/api/checklist-templates/${enc(id)}`),
  withdrawTemplate: (id: string) =>
    api<TemplateDetail>(`/api/checklist-templates/${enc(id)}/withdraw`, { method: 'POST', body: {} }),
  upload: async (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api<{ id: string; name: string; mime: string }>('/api/files', { method: 'POST', form });
  },
};

export const documentUrl = (id: string, kind: 'site_record' | 'rectification_order') =>
  `/api/inspections/${enc(id)}/${kind === 'site_record' ? 'site-record' : 'rectification-order'}.docx`;
