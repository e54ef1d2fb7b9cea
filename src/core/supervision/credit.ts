/**
 * Enterprise safety credit assessment (安全生产信用评估) and tiered supervision (分类监管).
 *
 * Basis: the county notice (seed 二(七)): "实行'信用化'管理机制，开展企业安全生产信用评估，实行分类监管，对低风险企业
 * 实行承诺式监管，对一般风险企业实行常态化监管，对高风险企业实行重点式监管". The notice gives no numbers, so every
 * weight, cap and cut-off is a county setting (RULES.md preamble) with the documented defaults below.
 * The inputs come from national rules:
 * - hazards: 《安全生产事故隐患排查治理暂行规定》(原总局令第16号) §3 general / major; 安全生产法 (2021) §41;
 * - accidents: 国务院令第493号 §3 grades;
 * - the serious-dishonesty list: 应急管理部令第11号 (2023);
 * - violations (三违): 安全生产法 §57 (employees obey rules), seed 一(四) 反"三违";
 * - alarms: 安全生产法 §36 (monitoring equipment kept working, alarms not ignored);
 * - standardization: 安全生产法 §4 (推进安全生产标准化建设), 《企业安全生产标准化建设定级办法》(应急〔2021〕83号);
 * - licences: 《安全生产许可证条例》 §2, §9; inspections: 安全生产法 §65; quizzes: seed 二(七) 逢查必考.
 *
 * Method (transparent by design): start from `base` (100); each input deducts `perItem` points per counted item,
 * at most `cap` points; a valid standardization grade adds a bonus; the sum is clamped to 0–100. Every non-zero
 * term is returned as a contribution with a sentence in zh and en, so the page can show why the score is what it is.
 * Tier: score ≥ lowRiskMinScore (85) → low; ≥ generalRiskMinScore (60) → general; below → high ("以上" includes
 * the bound). A major or especially major accident in the last 3 years, or a dishonesty listing, forces high.
 */
import { z } from 'zod';
import type { LocalizedText } from './calendar.js';

export const RISK_TIERS = ['low', 'general', 'high'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** 承诺式 / 常态化 / 重点式 (GLOSSARY: commitment / routine / key). */
export const SUPERVISION_MODES = ['commitment', 'routine', 'key'] as const;
export type SupervisionMode = (typeof SUPERVISION_MODES)[number];

export const MODE_BY_TIER: Readonly<Record<RiskTier, SupervisionMode>> = {
  low: 'commitment',
  general: 'routine',
  high: 'key',
};

export const RISK_TIER_LABELS: Readonly<Record<RiskTier, LocalizedText>> = {
  low: { zh: '低风险', en: 'low risk' },
  general: { zh: '一般风险', en: 'general risk' },
  high: { zh: '高风险', en: 'high risk' },
};

export const SUPERVISION_MODE_LABELS: Readonly<Record<SupervisionMode, LocalizedText>> = {
  commitment: { zh: '承诺式监管', en: 'commitment-based supervision' },
  routine: { zh: '常态化监管', en: 'routine supervision' },
  key: { zh: '重点式监管', en: 'key supervision' },
};

export const STANDARDIZATION_GRADES = [1, 2, 3] as const;
export type StandardizationGrade = (typeof STANDARDIZATION_GRADES)[number];

// ---------------------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------------------

export interface CreditInputs {
  /** Open general hazards still within their deadline (overdue ones are counted only in overdueGeneralHazards). */
  openGeneralHazards: number;
  overdueGeneralHazards: number;
  /** Open major hazards still within their deadline (overdue ones are counted only in overdueMajorHazards). */
  openMajorHazards: number;
  overdueMajorHazards: number;
  /** Accidents of the enterprise in the last 3 years, by grade (493号令 §3). */
  accidents3y: { ordinary: number; larger: number; major: number; especially_major: number };
  /** Currently on the serious-dishonesty list (令第11号). */
  seriousDishonestyListed: boolean;
  /** 三违 recorded in the rolling last 12 months. */
  violations12m: number;
  /** Alarms not acknowledged by the enterprise (now). */
  unacknowledgedAlarms: number;
  /** Standardization grade 一级/二级/三级 and whether its certificate is still valid; null grade = none. */
  standardization: { grade: StandardizationGrade | null; valid: boolean };
  /** Licences and permits that have expired and not been renewed. */
  expiredLicences: number;
  /** Outcome of the latest completed inspection; null when never inspected. */
  lastInspection: { nonCompliantItems: number } | null;
  /** 逢查必考 quizzes failed in the rolling last 12 months. */
  quizFailures12m: number;
}

const count = z.number().int().min(0).max(1_000_000);
export const creditInputsSchema = z.object({
  openGeneralHazards: count,
  overdueGeneralHazards: count,
  openMajorHazards: count,
  overdueMajorHazards: count,
  accidents3y: z.object({ ordinary: count, larger: count, major: count, especially_major: count }),
  seriousDishonestyListed: z.boolean(),
  violations12m: count,
  unacknowledgedAlarms: count,
  standardization: z.object({
    grade: z.union([z.literal(1), z.literal(2), z.literal(3)]).nullable(),
    valid: z.boolean(),
  }),
  expiredLicences: count,
  lastInspection: z.object({ nonCompliantItems: count }).nullable(),
  quizFailures12m: count,
}) satisfies z.ZodType<CreditInputs, unknown>;

/** Inputs counted item by item (each deducts `perItem`, at most `cap`). */
export const CREDIT_COUNTED_INPUTS = [
  'openGeneralHazards',
  'overdueGeneralHazards',
  'openMajorHazards',
  'overdueMajorHazards',
  'accidentsOrdinary',
  'accidentsLarger',
  'accidentsMajor',
  'accidentsEspeciallyMajor',
  'violations12m',
  'unacknowledgedAlarms',
  'expiredLicences',
  'nonCompliantItems',
  'quizFailures12m',
] as const;
export type CreditCountedInput = (typeof CREDIT_COUNTED_INPUTS)[number];

/** Every contribution key, in the order they are listed on the page. */
export const CREDIT_CONTRIBUTION_INPUTS = [
  ...CREDIT_COUNTED_INPUTS.slice(0, 8),
  'seriousDishonestyListed',
  ...CREDIT_COUNTED_INPUTS.slice(8),
  'standardization',
] as const;
export type CreditContributionInput = (typeof CREDIT_CONTRIBUTION_INPUTS)[number];

// ---------------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------------

export interface CreditWeight {
  /** Points deducted per counted item (≥ 0). */
  perItem: number;
  /** The most this input can deduct; null = no cap. */
  cap: number | null;
}

export interface InspectionFrequency {
  /** Minimum inspections per year. */
  perYear: number;
  /** An annual signed safety commitment by the principal is required (承诺式监管). */
  commitmentRequired: boolean;
}

export interface CreditSettings {
  base: number;
  weights: Record<CreditCountedInput, CreditWeight>;
  /** Deducted once while the enterprise is on the serious-dishonesty list. */
  dishonestyListedPoints: number;
  /** Added for a valid standardization certificate, by grade (一级 best). */
  standardizationBonus: Record<'1' | '2' | '3', number>;
  /** Score ≥ this → low risk ("以上" includes the bound). */
  lowRiskMinScore: number;
  /** Score ≥ this (and below lowRiskMinScore) → general risk; below → high risk. */
  generalRiskMinScore: number;
  /** A 重大 or 特别重大 accident in the last 3 years forces the high tier. */
  forceHighOnMajorAccident: boolean;
  /** A serious-dishonesty listing forces the high tier. */
  forceHighOnDishonesty: boolean;
  /** Minimum inspection frequency per tier. */
  frequency: Record<RiskTier, InspectionFrequency>;
}

/**
 * Defaults (county settings, [?] in RULES terms — no national numbers). The reasoning:
 * - hazards: an overdue hazard weighs more than one within its deadline, a major one much more than a general
 *   one (2 overdue major hazards → −12, the issue's example); caps stop one input from swamping the rest;
 * - accidents in 3 years: 一般 −10, 较大 −25 each; 重大 −40 and 特别重大 −60, which also force the high tier;
 * - dishonesty listing −30 and forced high;
 * - 三违 −1 (cap 10), unacknowledged alarms −2 (cap 10), expired licences −5 (cap 15), non-compliant items at
 *   the last inspection −1 (cap 10), failed quizzes −3 (cap 9);
 * - a valid standardization certificate adds 一级 +6, 二级 +4, 三级 +2 (offsets deductions; the score never passes 100);
 * - cut-offs 85 / 60; frequency high monthly (12), general quarterly (4), low yearly (1) plus an annual commitment.
 */
export const DEFAULT_CREDIT_SETTINGS: Readonly<CreditSettings> = Object.freeze({
  base: 100,
  weights: {
    openGeneralHazards: { perItem: 1, cap: 10 },
    overdueGeneralHazards: { perItem: 2, cap: 10 },
    openMajorHazards: { perItem: 4, cap: 20 },
    overdueMajorHazards: { perItem: 6, cap: 30 },
    accidentsOrdinary: { perItem: 10, cap: 30 },
    accidentsLarger: { perItem: 25, cap: 50 },
    accidentsMajor: { perItem: 40, cap: null },
    accidentsEspeciallyMajor: { perItem: 60, cap: null },
    violations12m: { perItem: 1, cap: 10 },
    unacknowledgedAlarms: { perItem: 2, cap: 10 },
    expiredLicences: { perItem: 5, cap: 15 },
    nonCompliantItems: { perItem: 1, cap: 10 },
    quizFailures12m: { perItem: 3, cap: 9 },
  },
  dishonestyListedPoints: 30,
  standardizationBonus: { '1': 6, '2': 4, '3': 2 },
  lowRiskMinScore: 85,
  generalRiskMinScore: 60,
  forceHighOnMajorAccident: true,
  forceHighOnDishonesty: true,
  frequency: {
    low: { perYear: 1, commitmentRequired: true },
    general: { perYear: 4, commitmentRequired: false },
    high: { perYear: 12, commitmentRequired: false },
  },
});

const points = z.number().int().min(0).max(100);
const D = DEFAULT_CREDIT_SETTINGS;

function weightSchema(def: CreditWeight) {
  return z.object({ perItem: points.default(def.perItem), cap: points.nullable().default(def.cap) }).prefault({});
}
function frequencySchema(def: InspectionFrequency) {
  return z
    .object({
      perYear: z.number().int().min(1).max(52).default(def.perYear),
      commitmentRequired: z.boolean().default(def.commitmentRequired),
    })
    .prefault({});
}

/** County configuration of the credit assessment; omitted keys (at any depth) take the defaults. */
export const creditSettingsSchema = z
  .object({
    base: points.default(D.base),
    weights: z
      .object({
        openGeneralHazards: weightSchema(D.weights.openGeneralHazards),
        overdueGeneralHazards: weightSchema(D.weights.overdueGeneralHazards),
        openMajorHazards: weightSchema(D.weights.openMajorHazards),
        overdueMajorHazards: weightSchema(D.weights.overdueMajorHazards),
        accidentsOrdinary: weightSchema(D.weights.accidentsOrdinary),
        accidentsLarger: weightSchema(D.weights.accidentsLarger),
        accidentsMajor: weightSchema(D.weights.accidentsMajor),
        accidentsEspeciallyMajor: weightSchema(D.weights.accidentsEspeciallyMajor),
        violations12m: weightSchema(D.weights.violations12m),
        unacknowledgedAlarms: weightSchema(D.weights.unacknowledgedAlarms),
        expiredLicences: weightSchema(D.weights.expiredLicences),
        nonCompliantItems: weightSchema(D.weights.nonCompliantItems),
        quizFailures12m: weightSchema(D.weights.quizFailures12m),
      })
      .prefault({}),
    dishonestyListedPoints: points.default(D.dishonestyListedPoints),
    standardizationBonus: z
      .object({
        '1': points.default(D.standardizationBonus['1']),
        '2': points.default(D.standardizationBonus['2']),
        '3': points.default(D.standardizationBonus['3']),
      })
      .prefault({}),
    lowRiskMinScore: points.default(D.lowRiskMinScore),
    generalRiskMinScore: points.default(D.generalRiskMinScore),
    forceHighOnMajorAccident: z.boolean().default(D.forceHighOnMajorAccident),
    forceHighOnDishonesty: z.boolean().default(D.forceHighOnDishonesty),
    frequency: z
      .object({
        low: frequencySchema(D.frequency.low),
        general: frequencySchema(D.frequency.general),
        high: frequencySchema(D.frequency.high),
      })
      .prefault({}),
  })
  .refine((s) => s.generalRiskMinScore < s.lowRiskMinScore, {
    message: 'generalRiskMinScore must be below lowRiskMinScore',
    path: ['generalRiskMinScore'],
  }) satisfies z.ZodType<CreditSettings, unknown>;

// ---------------------------------------------------------------------------------------------------------
// Computation
// ---------------------------------------------------------------------------------------------------------

export interface CreditContribution {
  input: CreditContributionInput;
  /** Signed points: negative deducts, positive adds. Never 0 (zero terms are left out). */
  points: number;
  /** The count behind it (1 for the listing and the standardization bonus). */
  count: number;
  /** The input's cap bound this deduction. */
  capped: boolean;
  /** "−12：2 项逾期重大隐患" / "−12: two overdue major hazards". */
  detail: LocalizedText;
}

export interface CreditResult {
  /** base + Σ points, clamped to 0–100, integer. */
  score: number;
  tier: RiskTier;
  mode: SupervisionMode;
  contributions: CreditContribution[];
  base: number;
  /** base + Σ points before clamping (shows why a score sits at 0 or 100). */
  unclamped: number;
  /** The tier the score alone gives. */
  scoreTier: RiskTier;
  /** Why the tier was forced to high, or null. */
  forcedHigh: LocalizedText | null;
}

const EN_NUMBERS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

function enCount(n: number, singular: string, plural: string): string {
  return `${EN_NUMBERS[n] ?? String(n)} ${n === 1 ? singular : plural}`;
}

/** `−12` / `+4` with a true minus sign. */
export function formatPoints(p: number): string {
  return p < 0 ? `−${-p}` : `+${p}`;
}

const COUNT_TEXT: Readonly<Record<CreditCountedInput, (n: number) => LocalizedText>> = {
  openGeneralHazards: (n) => ({
    zh: `${n} 项一般隐患未整改`,
    en: enCount(n, 'open general hazard', 'open general hazards'),
  }),
  overdueGeneralHazards: (n) => ({
    zh: `${n} 项逾期一般隐患`,
    en: enCount(n, 'overdue general hazard', 'overdue general hazards'),
  }),
  openMajorHazards: (n) => ({
    zh: `${n} 项重大隐患未整改`,
    en: enCount(n, 'open major hazard', 'open major hazards'),
  }),
  overdueMajorHazards: (n) => ({
    zh: `${n} 项逾期重大隐患`,
    en: enCount(n, 'overdue major hazard', 'overdue major hazards'),
  }),
  accidentsOrdinary: (n) => ({
    zh: `近 3 年 ${n} 起一般事故`,
    en: `${enCount(n, 'ordinary accident', 'ordinary accidents')} in the last 3 years`,
  }),
  accidentsLarger: (n) => ({
    zh: `近 3 年 ${n} 起较大事故`,
    en: `${enCount(n, 'larger accident', 'larger accidents')} in the last 3 years`,
  }),
  accidentsMajor: (n) => ({
    zh: `近 3 年 ${n} 起重大事故`,
    en: `${enCount(n, 'major accident', 'major accidents')} in the last 3 years`,
  }),
  accidentsEspeciallyMajor: (n) => ({
    zh: `近 3 年 ${n} 起特别重大事故`,
    en: `${enCount(n, 'especially major accident', 'especially major accidents')} in the last 3 years`,
  }),
  violations12m: (n) => ({
    zh: `近 12 个月 ${n} 起“三违”`,
    en: `${enCount(n, 'violation (三违)', 'violations (三违)')} in the last 12 months`,
  }),
  unacknowledgedAlarms: (n) => ({
    zh: `${n} 条报警未确认`,
    en: enCount(n, 'unacknowledged alarm', 'unacknowledged alarms'),
  }),
  expiredLicences: (n) => ({ zh: `${n} 项证照已过期`, en: enCount(n, 'expired licence', 'expired licences') }),
  nonCompliantItems: (n) => ({
    zh: `最近一次检查 ${n} 项不符合`,
    en: `${enCount(n, 'non-compliant item', 'non-compliant items')} at the last inspection`,
  }),
  quizFailures12m: (n) => ({
    zh: `近 12 个月 ${n} 次“逢查必考”未通过`,
    en: `${enCount(n, 'failed inspection quiz', 'failed inspection quizzes')} in the last 12 months`,
  }),
};

const GRADE_ZH = { 1: '一级', 2: '二级', 3: '三级' } as const;

function countsOf(i: CreditInputs): Record<CreditCountedInput, number> {
  return {
    openGeneralHazards: i.openGeneralHazards,
    overdueGeneralHazards: i.overdueGeneralHazards,
    openMajorHazards: i.openMajorHazards,
    overdueMajorHazards: i.overdueMajorHazards,
    accidentsOrdinary: i.accidents3y.ordinary,
    accidentsLarger: i.accidents3y.larger,
    accidentsMajor: i.accidents3y.major,
    accidentsEspeciallyMajor: i.accidents3y.especially_major,
    violations12m: i.violations12m,
    unacknowledgedAlarms: i.unacknowledgedAlarms,
    expiredLicences: i.expiredLicences,
    nonCompliantItems: i.lastInspection?.nonCompliantItems ?? 0,
    quizFailures12m: i.quizFailures12m,
  };
}

function withPoints(p: number, text: LocalizedText, note?: LocalizedText): LocalizedText {
  const sign = formatPoints(p);
  return {
    zh: `${sign}：${text.zh}${note ? `（${note.zh}）` : ''}`,
    en: `${sign}: ${text.en}${note ? ` (${note.en})` : ''}`,
  };
}

/** The tier a score gives by the cut-offs alone: ≥ lowRiskMinScore low, ≥ generalRiskMinScore general, else high. */
export function tierForScore(score: number, settings: CreditSettings = DEFAULT_CREDIT_SETTINGS): RiskTier {
  if (score >= settings.lowRiskMinScore) return 'low';
  if (score >= settings.generalRiskMinScore) return 'general';
  return 'high';
}

/**
 * The credit score, tier and supervision mode of an enterprise, with every contribution explained.
 * @throws RangeError when a count is negative or fractional (validate with creditInputsSchema at the edge).
 */
export function computeCredit(inputs: CreditInputs, settings: CreditSettings = DEFAULT_CREDIT_SETTINGS): CreditResult {
  const counts = countsOf(inputs);
  const contributions: CreditContribution[] = [];
  const push = (c: CreditContribution) => {
    if (c.points !== 0) contributions.push(c);
  };

  for (const key of CREDIT_CONTRIBUTION_INPUTS) {
    if (key === 'seriousDishonestyListed') {
      if (inputs.seriousDishonestyListed) {
        const p = -settings.dishonestyListedPoints;
        push({
          input: key,
          points: p,
          count: 1,
          capped: false,
          detail: withPoints(p, {
            zh: '列入安全生产严重失信主体名单',
            en: 'on the work-safety serious-dishonesty list',
          }),
        });
      }
      continue;
    }
    if (key === 'standardization') {
      const { grade, valid } = inputs.standardization;
      if (grade !== null && valid) {
        const p = settings.standardizationBonus[String(grade) as '1' | '2' | '3'];
        push({
          input: key,
          points: p,
          count: 1,
          capped: false,
          detail: withPoints(p, {
            zh: `安全生产标准化${GRADE_ZH[grade]}（有效期内）`,
            en: `valid standardization grade ${grade}`,
          }),
        });
      }
      continue;
    }
    const n = counts[key];
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${key} must be a whole number ≥ 0, got ${n}`);
    const w = settings.weights[key];
    const full = n * w.perItem;
    const capped = w.cap !== null && full > w.cap;
    const p = -(capped && w.cap !== null ? w.cap : full);
    const note = capped ? { zh: `上限 ${w.cap} 分`, en: `capped at ${w.cap}` } : undefined;
    push({ input: key, points: p, count: n, capped, detail: withPoints(p, COUNT_TEXT[key](n), note) });
  }

  const unclamped = settings.base + contributions.reduce((s, c) => s + c.points, 0);
  const score = Math.round(Math.min(100, Math.max(0, unclamped)));
  const scoreTier = tierForScore(score, settings);

  let forcedHigh: LocalizedText | null = null;
  const a = inputs.accidents3y;
  if (settings.forceHighOnMajorAccident && (a.major > 0 || a.especially_major > 0)) {
    forcedHigh = {
      zh: '近 3 年发生重大或特别重大事故，直接列为高风险',
      en: 'a major or especially major accident in the last 3 years forces the high tier',
    };
  } else if (settings.forceHighOnDishonesty && inputs.seriousDishonestyListed) {
    forcedHigh = {
      zh: '列入严重失信主体名单，直接列为高风险',
      en: 'the serious-dishonesty listing forces the high tier',
    };
  }
  const tier: RiskTier = forcedHigh ? 'high' : scoreTier;
  return {
    score,
    tier,
    mode: MODE_BY_TIER[tier],
    contributions,
    base: settings.base,
    unclamped,
    scoreTier,
    forcedHigh,
  };
}

/**
 * The minimum inspection frequency of a tier (county setting; defaults high monthly, general quarterly, low
 * yearly plus an annual signed commitment by the principal — 承诺式监管, seed 二(七)).
 */
export function minimumInspectionFrequency(
  tier: RiskTier,
  settings: Pick<CreditSettings, 'frequency'> = DEFAULT_CREDIT_SETTINGS,
): InspectionFrequency {
  return { ...settings.frequency[tier] };
}

export type TierDirection = 'initial' | 'unchanged' | 'raised' | 'lowered';

export interface TierChange {
  from: RiskTier | null;
  to: RiskTier;
  /** `raised`: riskier (e.g. general → high); `lowered`: less risky; `initial`: first assessment. */
  direction: TierDirection;
  changed: boolean;
  fromMode: SupervisionMode | null;
  toMode: SupervisionMode;
  /** A line for the enterprise's history. */
  text: LocalizedText;
}

const TIER_ORDER: Readonly<Record<RiskTier, number>> = { low: 0, general: 1, high: 2 };

/** Compares two successive assessments for the tier history (prev null = first assessment). */
export function tierChange(prev: RiskTier | null, next: RiskTier): TierChange {
  const toMode = MODE_BY_TIER[next];
  const n = RISK_TIER_LABELS[next];
  const m = SUPERVISION_MODE_LABELS[toMode];
  if (prev === null) {
    return {
      from: null,
      to: next,
      direction: 'initial',
      changed: true,
      fromMode: null,
      toMode,
      text: { zh: `首次评估：${n.zh}，${m.zh}`, en: `First assessment: ${n.en}, ${m.en}` },
    };
  }
  const p = RISK_TIER_LABELS[prev];
  const d = TIER_ORDER[next] - TIER_ORDER[prev];
  const direction: TierDirection = d === 0 ? 'unchanged' : d > 0 ? 'raised' : 'lowered';
  const text: LocalizedText =
    direction === 'unchanged'
      ? { zh: `维持${n.zh}（${m.zh}）`, en: `Unchanged: ${n.en} (${m.en})` }
      : {
          zh: `由${p.zh}${direction === 'raised' ? '升为' : '降为'}${n.zh}，改为${m.zh}`,
          en: `${direction === 'raised' ? 'Raised' : 'Lowered'} from ${p.en} to ${n.en}; now ${m.en}`,
        };
  return { from: prev, to: next, direction, changed: d !== 0, fromMode: MODE_BY_TIER[prev], toMode, text };
}
