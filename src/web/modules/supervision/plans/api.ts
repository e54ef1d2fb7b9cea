import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RiskTier } from '../../../../core/supervision/credit';
import { api, type Page, type Query } from '../../../shared/api';

export type PlanStatus = 'draft' | 'approved';
export type VisitStatus = 'planned' | 'done' | 'cancelled';

export interface PlanSummary {
  id: string;
  departmentId: string;
  departmentName: string;
  departmentNameEn: string;
  year: number;
  status: PlanStatus;
  legalWorkdays: number;
  inspectors: number;
  otherEnforcementDays: number;
  nonEnforcementDays: number;
  inspectorDaysPerInspection: number;
  capacityDays: number;
  capacity: number;
  tierSources: Record<string, number>;
  createdByName: string;
  approvedAt: string | null;
  approvedByName: string | null;
  version: number;
  /** A record of the demo county. */
  isDemo: boolean;
  planned: number;
  done: number;
}

export interface PlanList {
  year: number;
  items: (PlanSummary & { overdue: number })[];
  departmentsWithoutPlan: { id: string; name: string; nameEn: string }[];
}

export interface PlanMonth {
  month: number;
  planned: number;
  done: number;
  /** Of `done`, the visits done by a completed inspection. */
  byInspection: number;
  overdue: number;
  joint: number;
  enterprises: number;
  highCovered: number;
  highTotal: number;
}

export interface PlanDetail extends PlanSummary {
  byInspection: number;
  remainingCapacity: number;
  months: PlanMonth[];
  tiers: { tier: RiskTier; enterprises: number; visits: number; done: number }[];
  coverage: { supervised: number; covered: number };
  uncovered: {
    enterpriseId: string;
    enterpriseName: string;
    enterpriseCode: string;
    tier: RiskTier;
    required: number;
    available: number;
    reason: 'capacity' | 'no_allowed_day';
  }[];
}

export interface DeptRef {
  id: string;
  name: string;
  nameEn: string;
}

export interface PlanVisit {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  enterpriseCode: string;
  tier: RiskTier;
  plannedDate: string;
  status: VisitStatus;
  source: 'generated' | 'added';
  jointVisitId: string | null;
  jointDepartments: DeptRef[];
  doneOn: string | null;
  /** The inspection that did the visit, when one did (its completion marks the visit done). */
  inspectionId: string | null;
  inspectionCode: string | null;
  cancelReason: string | null;
  version: number;
}

/** One department's acceptance of a joint proposal. */
export interface JointSide {
  department: DeptRef;
  date: string;
  /** Accepted by the county office for the department. */
  onBehalf: boolean;
  acceptedByName: string;
  acceptedAt: string;
}

export interface JointProposal {
  key: string;
  enterpriseId: string;
  enterpriseName: string;
  enterpriseCode: string;
  proposedDate: string;
  departments: DeptRef[];
  visits: { id: string; departmentId: string; date: string; department: DeptRef }[];
  accepted: JointSide[];
  /** The date the departments that accepted agreed to; later acceptances take it. */
  agreedDate: string | null;
  waitingFor: DeptRef[];
}

export interface JointDecision {
  key: string;
  enterpriseId: string;
  enterpriseName: string;
  status: 'accepted' | 'declined';
  proposedDate: string;
  departments: DeptRef[];
  accepted: JointSide[];
  reason: string | null;
  decidedByName: string;
  decidedAt: string;
}

export interface JointList {
  year: number;
  windowDays: number;
  items: JointProposal[];
  decisions: JointDecision[];
}

export interface GenerateBody {
  departmentId?: string;
  year: number;
  inspectors: number;
  otherEnforcementDays: number;
  nonEnforcementDays: number;
  legalWorkdays?: number;
}

export interface PlanSettings {
  jointWindowDays: number;
  inspectorDaysPerInspection: number;
  frequency: Record<RiskTier, number>;
  quietPeriod: { fromDay: number; toDay: number } | null;
  holidays: string[];
  workingWeekends: string[];
  reminderDays: number;
  version: number;
}

export const planApi = {
  list: (year: number) => api<PlanList>('/api/plans', { query: { year } }),
  get: (id: string) => api<PlanDetail>(`/api/plans/${encodeURIComponent(id)}`),
  visits: (id: string, q: Query) => api<Page<PlanVisit>>(`/api/plans/${encodeURIComponent(id)}/visits`, { query: q }),
  generate: (body: GenerateBody) => api<PlanDetail>('/api/plans', { method: 'POST', body }),
  approve: (id: string, version: number) =>
    api<PlanDetail>(`/api/plans/${encodeURIComponent(id)}/approve`, { method: 'POST', body: { version } }),
  addVisit: (id: string, body: { enterpriseId: string; date: string }) =>
    api<PlanVisit>(`/api/plans/${encodeURIComponent(id)}/visits`, { method: 'POST', body }),
  updateVisit: (id: string, body: { version: number; date?: string; status?: 'planned' | 'done'; doneOn?: string }) =>
    api<PlanVisit>(`/api/plan-visits/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  cancelVisit: (id: string, body: { version: number; reason: string }) =>
    api<PlanVisit>(`/api/plan-visits/${encodeURIComponent(id)}/cancel`, { method: 'POST', body }),
  joint: (year: number) => api<JointList>('/api/joint-proposals', { query: { year } }),
  accept: (visitIds: string[], date?: string) =>
    api<{ status: 'pending' | 'accepted'; jointVisitId?: string; date: string; waitingFor: string[] }>(
      '/api/joint-proposals/accept',
      { method: 'POST', body: { visitIds, ...(date ? { date } : {}) } },
    ),
  decline: (visitIds: string[], reason: string) =>
    api<{ key: string }>('/api/joint-proposals/decline', { method: 'POST', body: { visitIds, reason } }),
  settings: () => api<PlanSettings>('/api/plan-settings'),
};

export const PLAN_KEYS = {
  all: ['plans'] as const,
  list: (year: number) => ['plans', 'list', year] as const,
  detail: (id: string) => ['plans', 'detail', id] as const,
  visits: (id: string, q: Query) => ['plans', 'visits', id, q] as const,
  joint: (year: number) => ['plans', 'joint', year] as const,
  settings: ['plans', 'settings'] as const,
};

export const usePlans = (year: number) =>
  useQuery({ queryKey: PLAN_KEYS.list(year), queryFn: () => planApi.list(year) });
export const usePlan = (id: string) => useQuery({ queryKey: PLAN_KEYS.detail(id), queryFn: () => planApi.get(id) });
export const usePlanVisits = (id: string, q: Query) =>
  useQuery({
    queryKey: PLAN_KEYS.visits(id, q),
    queryFn: () => planApi.visits(id, q),
    placeholderData: (prev) => prev,
  });
export const useJoint = (year: number) =>
  useQuery({ queryKey: PLAN_KEYS.joint(year), queryFn: () => planApi.joint(year) });
export const usePlanSettings = () =>
  useQuery({ queryKey: PLAN_KEYS.settings, queryFn: planApi.settings, staleTime: 5 * 60_000 });

/** A mutation that refreshes every plan query once it succeeds. */
export function usePlanMutation<A, R>(fn: (a: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: PLAN_KEYS.all }) });
}

/** The current year in Asia/Shanghai (plans are yearly; the board starts on this year). */
export function currentYear(): number {
  return Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
}
