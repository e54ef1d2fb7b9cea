import { api } from '../../../shared/api';

export type Tier = 'low' | 'general' | 'high';
export type Mode = 'commitment' | 'routine' | 'key';
export interface Bilingual {
  zh: string;
  en: string;
}

export interface Contribution {
  input: string;
  points: number;
  count: number;
  capped: boolean;
  detail: string;
  detailEn: string;
}

/** `GET /api/enterprises/:id/credit` (docs/supervision.md §1). */
export interface Credit {
  enterpriseId: string;
  enterpriseName: string;
  score: number;
  tier: Tier;
  mode: Mode;
  scoreTier: Tier;
  forcedHigh: Bilingual | null;
  base: number;
  unclamped: number;
  contributions: Contribution[];
  minimumFrequency: { perYear: number; commitmentRequired: boolean };
  computedAt: string;
  stored: { score: number; tier: Tier; computedAt: string } | null;
}

export interface CreditHistoryItem {
  id: string;
  score: number;
  tier: Tier;
  mode: Mode;
  direction: 'initial' | 'unchanged' | 'raised' | 'lowered';
  change: Bilingual | null;
  reason: string;
  contributions: Contribution[];
  computedAt: string;
}

export interface QuietPeriod {
  fromDay: number;
  toDay: number;
}

export interface EntryRules {
  enterpriseId: string;
  tier: Tier;
  override: {
    quietPeriod?: QuietPeriod | null;
    yearlyCapPerDepartment?: number;
    yearlyCapTotal?: number;
    maxInspectorsPerVisit?: number;
  };
  effective: {
    quietPeriod: QuietPeriod | null;
    yearlyCapPerDepartment: number;
    yearlyCapTotal: number;
    maxInspectorsPerVisit: number;
  };
  year: number;
  counts: {
    routine: { total: number; byDepartment: Record<string, number> };
    exempt: { total: number; byKind: Record<string, number> };
  };
  version: number;
}

export interface EntryRulesPut {
  version: number;
  quietPeriod?: QuietPeriod | null;
  yearlyCapPerDepartment?: number | null;
  yearlyCapTotal?: number | null;
  maxInspectorsPerVisit?: number | null;
  reset?: true;
}

const enc = encodeURIComponent;

export const CREDIT_KEYS = {
  credit: (id: string) => ['supervision', 'credit', id] as const,
  history: (id: string) => ['supervision', 'credit', id, 'history'] as const,
  entry: (id: string) => ['supervision', 'entry-rules', id] as const,
};

export const creditApi = {
  credit: (id: string) => api<Credit>(`/api/enterprises/${enc(id)}/credit`),
  history: (id: string) =>
    api<{ items: CreditHistoryItem[]; total: number }>(`/api/enterprises/${enc(id)}/credit/history`),
  entryRules: (id: string) => api<EntryRules>(`/api/enterprises/${enc(id)}/entry-rules`),
  putEntryRules: (id: string, body: EntryRulesPut) =>
    api<EntryRules>(`/api/enterprises/${enc(id)}/entry-rules`, { method: 'PUT', body }),
};

/** The parts of `GET /api/supervision-settings` the pages show. */
export interface SupervisionSettings {
  version: number;
  credit: { lowRiskMinScore: number; generalRiskMinScore: number };
  entry: { quietPeriod: QuietPeriod | null; maxInspectorsPerVisit: number };
  quiz: { questionsPerQuiz: number; passMark: number };
}
export const supervisionSettings = () => api<SupervisionSettings>('/api/supervision-settings');
