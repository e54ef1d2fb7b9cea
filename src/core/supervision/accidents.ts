/**
 * Production-safety accidents (生产安全事故): grading, reporting deadlines, re-reports, who investigates, fines,
 * and the serious-dishonesty list. RULES.md §1 and §2.
 *
 * - 《生产安全事故报告和调查处理条例》(国务院令第493号, 2007): §3 grades; §9 the unit reports within 1 hour;
 *   §10 the route up by grade; §11 each level passes it on within 2 hours; §13 re-reports (补报) within 30 days,
 *   7 for road traffic and fire; §19 who investigates; §29 report within 60 days (+60); §32 approval within 15 days
 *   (特别重大 30, +30). [V]
 * - 《中华人民共和国安全生产法》(2021): §114 fines of the unit by grade, ×2–5 when especially serious; §95 the
 *   principal's fine as a share of last year's income. [3P]
 * - 《安全生产严重失信主体名单管理办法》(应急管理部令第11号, 2023), the accident cases of its listing conditions;
 *   term 3 years, early removal may be applied for after 12 months. [3P]
 *
 * Amounts are integer yuan. Dates are Asia/Shanghai calendar dates `YYYY-MM-DD`; instants are `Date` (UTC).
 */
import { addDays, daysBetween, localDate } from '../dates.js';
import { ACCIDENT_GRADES, type AccidentGrade } from '../hazards/reward.js';
import { addMonths, type LocalizedText, parseIsoDate } from './calendar.js';

// One name for one concept (GLOSSARY): the grades are defined once, with the public-report rewards.
export { ACCIDENT_GRADES, type AccidentGrade };

/** Order of severity, for comparisons: ordinary < larger < major < especially_major. */
export function gradeRank(grade: AccidentGrade): number {
  return ACCIDENT_GRADES.indexOf(grade);
}

export const ACCIDENT_GRADE_LABELS: Readonly<Record<AccidentGrade, LocalizedText>> = {
  ordinary: { zh: '一般事故', en: 'ordinary accident' },
  larger: { zh: '较大事故', en: 'larger accident' },
  major: { zh: '重大事故', en: 'major accident' },
  especially_major: { zh: '特别重大事故', en: 'especially major accident' },
};

// ---------------------------------------------------------------------------------------------------------
// Grading — 493号令 §3
// ---------------------------------------------------------------------------------------------------------

export interface AccidentCasualties {
  deaths: number;
  /** Serious injuries, acute industrial poisoning included (493号令 §3: 重伤（包括急性工业中毒）). */
  seriousInjuries: number;
  /** Direct economic loss in yuan. */
  directLossYuan: number;
}

export interface GradeThreshold {
  grade: Exclude<AccidentGrade, 'ordinary'>;
  /** The grade is reached from this many deaths ("以上" includes the bound). */
  deaths: number;
  seriousInjuries: number;
  directLossYuan: number;
}

/**
 * 493号令 §3: 特别重大 30 deaths / 100 serious injuries / 1亿元; 重大 10 / 50 / 5000万; 较大 3 / 10 / 1000万;
 * below all three → 一般. "以上" includes the bound, "以下" excludes it (§3 ¶2). Most severe first.
 */
export const ACCIDENT_GRADE_THRESHOLDS: readonly GradeThreshold[] = [
  { grade: 'especially_major', deaths: 30, seriousInjuries: 100, directLossYuan: 100_000_000 },
  { grade: 'major', deaths: 10, seriousInjuries: 50, directLossYuan: 50_000_000 },
  { grade: 'larger', deaths: 3, seriousInjuries: 10, directLossYuan: 10_000_000 },
];

function checkCount(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${v}`);
}

/**
 * The grade of an accident: the highest grade reached by any of deaths, serious injuries and direct loss
 * (493号令 §3). @throws RangeError for negative or fractional counts or a negative / non-finite loss.
 */
export function gradeAccident({ deaths, seriousInjuries, directLossYuan }: AccidentCasualties): AccidentGrade {
  checkCount('deaths', deaths);
  checkCount('seriousInjuries', seriousInjuries);
  if (!Number.isFinite(directLossYuan) || directLossYuan < 0) {
    throw new RangeError(`directLossYuan must be a finite amount ≥ 0, got ${directLossYuan}`);
  }
  for (const t of ACCIDENT_GRADE_THRESHOLDS) {
    if (deaths >= t.deaths || seriousInjuries >= t.seriousInjuries || directLossYuan >= t.directLossYuan) {
      return t.grade;
    }
  }
  return 'ordinary';
}

// ---------------------------------------------------------------------------------------------------------
// Reporting — 493号令 §9, §10, §11
// ---------------------------------------------------------------------------------------------------------

/** 493号令 §9: the unit's principal reports within 1 hour of learning of the accident. */
export const UNIT_REPORT_HOURS = 1;
/** 493号令 §11: each government level passes the report on within 2 hours. */
export const LEVEL_REPORT_HOURS = 2;
const HOUR_MS = 3_600_000;

export const GOVERNMENT_LEVELS = ['county', 'city', 'province', 'state_council'] as const;
export type GovernmentLevel = (typeof GOVERNMENT_LEVELS)[number];

export const GOVERNMENT_LEVEL_LABELS: Readonly<Record<GovernmentLevel, LocalizedText>> = {
  county: { zh: '县级', en: 'county' },
  city: { zh: '设区的市级', en: 'prefecture city' },
  province: { zh: '省级', en: 'province' },
  state_council: { zh: '国务院', en: 'State Council' },
};

/**
 * The levels the report must reach, starting with the county where the accident happened (493号令 §9, §10):
 * 一般 up to the prefecture city; 较大 up to the province; 重大 and 特别重大 up to the State Council's work-safety
 * authority. Skipping levels is allowed when necessary (§10 ¶3) and does not change the deadlines.
 */
export function reportRoute(grade: AccidentGrade): GovernmentLevel[] {
  const top: Record<AccidentGrade, GovernmentLevel> = {
    ordinary: 'city',
    larger: 'province',
    major: 'state_council',
    especially_major: 'state_council',
  };
  return GOVERNMENT_LEVELS.slice(0, GOVERNMENT_LEVELS.indexOf(top[grade]) + 1);
}

export interface ReportDeadline {
  level: GovernmentLevel;
  /** The latest moment the level may receive the report if every earlier step used its full time. */
  by: Date;
}

/**
 * Latest arrival times along the route: the county by learnedAt + 1 h (§9), each next level 2 h after the one
 * below (§11). Each level's own deadline runs from when it actually received the report — use
 * `levelReportDeadline` for that; this gives the outer bound for the whole chain.
 */
export function reportDeadlines(learnedAt: Date, grade: AccidentGrade): ReportDeadline[] {
  let t = learnedAt.getTime() + UNIT_REPORT_HOURS * HOUR_MS;
  return reportRoute(grade).map((level, i) => {
    if (i > 0) t += LEVEL_REPORT_HOURS * HOUR_MS;
    return { level, by: new Date(t) };
  });
}

/** The unit's deadline: 1 hour after its principal learned of the accident (§9). Exactly 1 h is on time. */
export function unitReportDeadline(learnedAt: Date): Date {
  return new Date(learnedAt.getTime() + UNIT_REPORT_HOURS * HOUR_MS);
}

/** A government level's deadline to pass the report up: 2 hours after it received it (§11). */
export function levelReportDeadline(receivedAt: Date): Date {
  return new Date(receivedAt.getTime() + LEVEL_REPORT_HOURS * HOUR_MS);
}

/**
 * - `on_time`: reported by the deadline (the deadline itself included: "1小时内");
 * - `late` (迟报): reported after the deadline, before anyone else brought it to light;
 * - `concealed` (瞒报): not reported, and found by the authorities some other way (inspection, public report,
 *   hospital, media), or reported only after they had found it;
 * - `due`: not reported yet, deadline not passed;
 * - `overdue`: not reported yet and the deadline passed — already late, and concealment if it stays unreported.
 */
export type ReportTimeliness = 'on_time' | 'late' | 'concealed' | 'due' | 'overdue';

export interface ReportTimelinessInput {
  /** When the reporter learned of the accident (the unit's principal) or received the report (a government level). */
  learnedAt: Date;
  reportedAt: Date | null;
  /** When the authorities learned of it other than through this report; null if they did not. */
  foundOtherwiseAt?: Date | null;
  now: Date;
  /** 1 for the unit (§9, default), 2 for a government level (§11). */
  allowanceHours?: number;
}

/** Classifies a report against the 493号令 §9 / §11 deadlines (RULES §1: 迟报 / 瞒报). */
export function classifyReport({
  learnedAt,
  reportedAt,
  foundOtherwiseAt = null,
  now,
  allowanceHours = UNIT_REPORT_HOURS,
}: ReportTimelinessInput): ReportTimeliness {
  const deadline = learnedAt.getTime() + allowanceHours * HOUR_MS;
  if (foundOtherwiseAt !== null && (reportedAt === null || reportedAt.getTime() > foundOtherwiseAt.getTime())) {
    return 'concealed';
  }
  if (reportedAt !== null) return reportedAt.getTime() <= deadline ? 'on_time' : 'late';
  return now.getTime() <= deadline ? 'due' : 'overdue';
}

// ---------------------------------------------------------------------------------------------------------
// Re-reports — 493号令 §13, §20
// ---------------------------------------------------------------------------------------------------------

export const ACCIDENT_KINDS = ['road_traffic', 'fire', 'other'] as const;
export type AccidentKind = (typeof ACCIDENT_KINDS)[number];

/** 493号令 §13: casualty changes within 30 days of the accident (7 for road traffic and fire) are re-reported. */
export function reReportWindowDays(kind: AccidentKind): number {
  return kind === 'road_traffic' || kind === 'fire' ? 7 : 30;
}

/**
 * The last local date of the re-report window. "自事故发生之日起30日内": the day of the accident is not counted
 * (民法典 §201), so an accident on 06-01 can be re-reported through 07-01 (06-01 + 30 days).
 */
export function reReportWindowEnd(occurredOn: string, kind: AccidentKind): string {
  parseIsoDate(occurredOn);
  return addDays(occurredOn, reReportWindowDays(kind));
}

export interface ReReportInput {
  occurredAt: Date;
  changedAt: Date;
  kind: AccidentKind;
  before: AccidentCasualties;
  after: AccidentCasualties;
}

export interface ReReportResult {
  /** The change falls within the window: it must be re-reported (补报) and the grade recomputed. */
  withinWindow: boolean;
  /** The grade to record: recomputed within the window, unchanged after it. */
  grade: AccidentGrade;
  gradeChanged: boolean;
  /** A higher level must now investigate (§20 ¶2). */
  investigatingLevelChanged: boolean;
}

/**
 * A casualty change (a death among the injured, a late-found victim). Within the §13 window the grade is
 * recomputed from the new figures (and may move the investigation up, §20 ¶2); after the window the grade stays.
 */
export function reReport({ occurredAt, changedAt, kind, before, after }: ReReportInput): ReReportResult {
  const days = daysBetween(localDate(occurredAt), localDate(changedAt));
  const withinWindow = days >= 0 && days <= reReportWindowDays(kind);
  const old = gradeAccident(before);
  const grade = withinWindow ? gradeAccident(after) : old;
  return {
    withinWindow,
    grade,
    gradeChanged: grade !== old,
    investigatingLevelChanged: investigatingLevel(grade) !== investigatingLevel(old),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Investigation — 493号令 §19, §29, §32
// ---------------------------------------------------------------------------------------------------------

/**
 * 493号令 §19: 特别重大 the State Council (or a department it authorises); 重大 the province; 较大 the prefecture
 * city; 一般 the county. (An ordinary accident without casualties may be delegated by the county to the unit.)
 */
export function investigatingLevel(grade: AccidentGrade): GovernmentLevel {
  const levels: Record<AccidentGrade, GovernmentLevel> = {
    ordinary: 'county',
    larger: 'city',
    major: 'province',
    especially_major: 'state_council',
  };
  return levels[grade];
}

/** 493号令 §29: the investigation report is due within 60 days of the accident; extendable by at most 60. */
export const INVESTIGATION_REPORT_DAYS = 60;
export const INVESTIGATION_REPORT_MAX_EXTENSION_DAYS = 60;

/**
 * 493号令 §32: the government approves the report within 15 days of receiving it (重大, 较大, 一般); 特别重大 within
 * 30 days, extendable by at most 30.
 */
export function approvalDays(grade: AccidentGrade): { days: number; maxExtensionDays: number } {
  return grade === 'especially_major' ? { days: 30, maxExtensionDays: 30 } : { days: 15, maxExtensionDays: 0 };
}

// ---------------------------------------------------------------------------------------------------------
// Fines — 安全生产法 (2021) §114, §95
// ---------------------------------------------------------------------------------------------------------

export interface FineRange {
  minYuan: number;
  maxYuan: number;
}

/** 安全生产法 §114 ¶1: fine of the responsible unit by grade. */
export const UNIT_FINE_RANGES: Readonly<Record<AccidentGrade, FineRange>> = {
  ordinary: { minYuan: 300_000, maxYuan: 1_000_000 },
  larger: { minYuan: 1_000_000, maxYuan: 2_000_000 },
  major: { minYuan: 2_000_000, maxYuan: 10_000_000 },
  especially_major: { minYuan: 10_000_000, maxYuan: 20_000_000 },
};

/** 安全生产法 §114 ¶2: ×2 to ×5 of the ¶1 amounts when the case is especially serious (情节特别严重、影响特别恶劣). */
export const ESPECIALLY_SERIOUS_MULTIPLIER = { min: 2, max: 5 } as const;

/**
 * The fine range of the unit. With `especiallySerious`, 2 × the lower bound to 5 × the upper bound (§114 ¶2);
 * such a fine also lists the unit as seriously dishonest (令第11号).
 */
export function unitFineRange(grade: AccidentGrade, especiallySerious = false): FineRange {
  const r = UNIT_FINE_RANGES[grade];
  if (!especiallySerious) return { ...r };
  return {
    minYuan: r.minYuan * ESPECIALLY_SERIOUS_MULTIPLIER.min,
    maxYuan: r.maxYuan * ESPECIALLY_SERIOUS_MULTIPLIER.max,
  };
}

/** 安全生产法 §95: the principal's fine in percent of last year's annual income, by grade. */
export const PRINCIPAL_FINE_PERCENT: Readonly<Record<AccidentGrade, number>> = {
  ordinary: 40,
  larger: 60,
  major: 80,
  especially_major: 100,
};

/**
 * The principal's fine (§95) in yuan, rounded to the nearest yuan (half up).
 * @throws RangeError for a negative or non-finite income.
 */
export function principalFine(grade: AccidentGrade, lastYearIncomeYuan: number): number {
  if (!Number.isFinite(lastYearIncomeYuan) || lastYearIncomeYuan < 0) {
    throw new RangeError(`Invalid income: ${lastYearIncomeYuan}`);
  }
  return Math.round((lastYearIncomeYuan * PRINCIPAL_FINE_PERCENT[grade]) / 100);
}

// ---------------------------------------------------------------------------------------------------------
// Serious-dishonesty list — 应急管理部令第11号 (2023)
// ---------------------------------------------------------------------------------------------------------

export interface AccidentRecord {
  id: string;
  /** Local date the accident happened, `YYYY-MM-DD`. */
  date: string;
  grade: AccidentGrade;
  /** 瞒报 or 谎报 established. */
  concealedOrFalsified?: boolean;
  /** The unit was fined ×2–5 under 安全生产法 §114 ¶2. */
  multipliedFine?: boolean;
  /** The principal did not organise rescue at once, or left his post or fled during the investigation. */
  principalFledOrNoRescue?: boolean;
}

export const DISHONESTY_TRIGGERS = [
  'major_accident',
  'two_larger_in_12_months',
  'multiplied_fine',
  'concealed',
  'principal_fled',
] as const;
export type DishonestyTrigger = (typeof DISHONESTY_TRIGGERS)[number];

export const DISHONESTY_TRIGGER_LABELS: Readonly<Record<DishonestyTrigger, LocalizedText>> = {
  major_accident: { zh: '发生重大或特别重大生产安全事故', en: 'a major or especially major accident' },
  two_larger_in_12_months: {
    zh: '12个月内累计发生2起以上较大生产安全事故',
    en: 'two or more larger accidents within 12 months',
  },
  multiplied_fine: {
    zh: '依照安全生产法第一百一十四条被处以2倍以上5倍以下罚款',
    en: 'fined 2 to 5 times under Work Safety Law §114',
  },
  concealed: { zh: '瞒报、谎报生产安全事故', en: 'accident concealed or falsely reported' },
  principal_fled: {
    zh: '主要负责人不立即组织抢救或者在事故调查处理期间擅离职守、逃匿',
    en: 'the principal failed to organise rescue, or left his post or fled during the investigation',
  },
};

export interface DishonestyListingReason {
  trigger: DishonestyTrigger;
  /** The accidents behind it; for two larger accidents, the earlier one(s) and then the one that triggered. */
  accidentIds: string[];
  /** `trigger@accidentId` of the triggering accident: store it under a unique constraint to list once. */
  key: string;
  text: LocalizedText;
}

export interface DishonestyListingDecision {
  due: boolean;
  reasons: DishonestyListingReason[];
}

/**
 * Whether the unit must be listed as seriously dishonest, with every reason (令第11号, accident cases):
 * a 重大 or 特别重大 accident; two or more 较大 accidents within 12 months; a §114 ×2–5 fine; a concealed or
 * falsified report; a principal who fled or failed to organise rescue.
 *
 * "Within 12 months": a 较大 accident on date B counts with an earlier one on date A when B ≤ addMonths(A, 12)
 * (民法典 §201–§202: the 12 months run from the day after A and end on the corresponding day), so 2024-03-01 and
 * 2025-03-01 are within 12 months, 2024-03-01 and 2025-03-02 are not. Each later accident that completes a pair
 * gives its own reason keyed by itself. Pass the unit's accidents; the caller drops reasons already acted on by key.
 */
export function dishonestyListingDue(history: readonly AccidentRecord[]): DishonestyListingDecision {
  for (const a of history) parseIsoDate(a.date);
  const sorted = history.map((a, i) => ({ a, i })).sort((x, y) => x.a.date.localeCompare(y.a.date) || x.i - y.i);
  const reasons: DishonestyListingReason[] = [];
  const add = (trigger: DishonestyTrigger, accidentIds: string[], keyId: string) =>
    reasons.push({ trigger, accidentIds, key: `${trigger}@${keyId}`, text: DISHONESTY_TRIGGER_LABELS[trigger] });

  const earlierLarger: AccidentRecord[] = [];
  for (const { a } of sorted) {
    if (a.grade === 'major' || a.grade === 'especially_major') add('major_accident', [a.id], a.id);
    if (a.grade === 'larger') {
      const partners = earlierLarger.filter((p) => a.date <= addMonths(p.date, 12));
      if (partners.length > 0) add('two_larger_in_12_months', [...partners.map((p) => p.id), a.id], a.id);
      earlierLarger.push(a);
    }
    if (a.multipliedFine) add('multiplied_fine', [a.id], a.id);
    if (a.concealedOrFalsified) add('concealed', [a.id], a.id);
    if (a.principalFledOrNoRescue) add('principal_fled', [a.id], a.id);
  }
  return { due: reasons.length > 0, reasons };
}

/** 令第11号: the listing lasts 3 years; early removal may be applied for once the unit has been listed 12 months. */
export const DISHONESTY_TERM_MONTHS = 36;
export const DISHONESTY_EARLY_REMOVAL_MONTHS = 12;

export interface DishonestyTerm {
  /** The last day on the list (民法典 §201–§202: listedOn + 3 years, the corresponding day). */
  lastListedDay: string;
  /** The first day the unit may apply for early removal (the day after 12 full months). */
  earlyRemovalFrom: string;
}

export function dishonestyTerm(listedOn: string): DishonestyTerm {
  parseIsoDate(listedOn);
  return {
    lastListedDay: addMonths(listedOn, DISHONESTY_TERM_MONTHS),
    earlyRemovalFrom: addDays(addMonths(listedOn, DISHONESTY_EARLY_REMOVAL_MONTHS), 1),
  };
}

export interface DishonestyStatus {
  listed: boolean;
  earlyRemovalEligible: boolean;
}

/**
 * The state of a listing on a local date `asOf`. Listed from `listedOn` through `lastListedDay`; removed from the
 * next day. Early removal may be applied for from `earlyRemovalFrom` while still listed (the decision is the
 * listing department's; this says only that an application is admissible).
 */
export function dishonestyStatus(listedOn: string, asOf: string): DishonestyStatus {
  parseIsoDate(asOf);
  const term = dishonestyTerm(listedOn);
  const listed = asOf >= listedOn && asOf <= term.lastListedDay;
  return { listed, earlyRemovalEligible: listed && asOf >= term.earlyRemovalFrom };
}
