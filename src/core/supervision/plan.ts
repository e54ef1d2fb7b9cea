/**
 * Yearly supervision and inspection plans (年度监督检查计划).
 *
 * Basis:
 * - Capacity: 《安全生产年度监督检查计划编制办法》(安监总政法〔2017〕150号): inspection workdays = legal workdays ×
 *   inspectors − other enforcement days − non-enforcement days (RULES §10). [V]
 * - Every department with supervision duties draws up a plan (安全生产法 (2021) §63; seed 一(二)).
 * - Frequency by tier (分类监管, seed 二(七)) from credit.ts; joint inspections where departments meet
 *   (执一次法、查多项事, seed 一(二); 国办发〔2024〕54号: 能合尽合).
 *
 * Decisions:
 * - Capacity is counted in inspector-days; one inspection takes `inspectorDaysPerInspection` of them (default 2:
 *   行政处罚法 (2021) §42 requires at least two enforcement officers, for one day).
 * - Enterprises are covered by priority: high tier first, then general, then low, each in input order. An
 *   enterprise is covered with all its inspections or not at all; one that does not fit is reported and the next
 *   ones are still tried (a low-tier enterprise needing 1 may fit where a high-tier one needing 12 did not).
 * - Dates: a frequency that divides 12 uses calendar periods (monthly, every 2 months, quarterly, half-yearly,
 *   yearly); others split the year into equal runs of days. In each period the enterprise gets one date among
 *   the allowed days — weekdays (plus working weekends, 调休), not holidays, not in its quiet period. Enterprises of
 *   one department and tier take evenly spaced positions (i + ½)/n along the allowed days, so inspections
 *   spread over each period and the same enterprise keeps the same position period after period.
 */
import { addDays } from '../dates.js';
import { datesOfYear, dayOfWeek, parseIsoDate } from './calendar.js';
import { DEFAULT_CREDIT_SETTINGS, type InspectionFrequency, type RiskTier } from './credit.js';
import { inQuietPeriod, type QuietPeriod } from './entry-rules.js';

// ---------------------------------------------------------------------------------------------------------
// Capacity — 安监总政法〔2017〕150号
// ---------------------------------------------------------------------------------------------------------

export interface CapacityInput {
  /** Legal workdays in the year (about 250). */
  legalWorkdays: number;
  /** Enforcement staff of the department. */
  inspectors: number;
  /** Inspector-days spent on other enforcement (accident investigation, complaints, reviews, orders from above). */
  otherEnforcementDays: number;
  /** Inspector-days spent on non-enforcement work (training, meetings, leave, campaigns). */
  nonEnforcementDays: number;
}

function checkNonNegative(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a number ≥ 0, got ${v}`);
}

/**
 * Inspector-days available for planned inspections: legalWorkdays × inspectors − otherEnforcementDays −
 * nonEnforcementDays (安监总政法〔2017〕150号), never below 0. @throws RangeError for negative or non-finite input.
 */
export function inspectionCapacity({
  legalWorkdays,
  inspectors,
  otherEnforcementDays,
  nonEnforcementDays,
}: CapacityInput): number {
  checkNonNegative('legalWorkdays', legalWorkdays);
  checkNonNegative('inspectors', inspectors);
  checkNonNegative('otherEnforcementDays', otherEnforcementDays);
  checkNonNegative('nonEnforcementDays', nonEnforcementDays);
  return Math.max(0, legalWorkdays * inspectors - otherEnforcementDays - nonEnforcementDays);
}

/** Default inspector-days per inspection: two officers (行政处罚法 §42) for one day. */
export const DEFAULT_INSPECTOR_DAYS_PER_INSPECTION = 2;

/** How many inspections the inspector-days allow (whole inspections, rounded down). */
export function inspectionsFromCapacity(
  inspectorDays: number,
  inspectorDaysPerInspection: number = DEFAULT_INSPECTOR_DAYS_PER_INSPECTION,
): number {
  checkNonNegative('inspectorDays', inspectorDays);
  if (!Number.isFinite(inspectorDaysPerInspection) || inspectorDaysPerInspection <= 0) {
    throw new RangeError(`inspectorDaysPerInspection must be > 0, got ${inspectorDaysPerInspection}`);
  }
  return Math.floor(inspectorDays / inspectorDaysPerInspection + 1e-9);
}

// ---------------------------------------------------------------------------------------------------------
// Plan generation
// ---------------------------------------------------------------------------------------------------------

export interface PlanEnterprise {
  id: string;
  tier: RiskTier;
  departmentId: string;
  /** The enterprise's own quiet period when it differs from the county's (null: none). */
  quietPeriod?: QuietPeriod | null;
}

export interface GeneratePlanInput {
  year: number;
  enterprises: readonly PlanEnterprise[];
  /** Inspections available (not inspector-days; see inspectionsFromCapacity): one pool, or per department id. */
  capacity: number | Readonly<Record<string, number>>;
  /** The county's quiet period, for enterprises without their own. */
  quietPeriod: QuietPeriod | null;
  /** Public holidays `YYYY-MM-DD` (never proposed). */
  holidays?: readonly string[];
  /** Weekend days that are working days (调休). */
  workingWeekends?: readonly string[];
  /** Minimum frequency per tier; defaults to the credit settings' defaults. */
  frequency?: Readonly<Record<RiskTier, InspectionFrequency>>;
}

export interface PlannedEnterprise {
  enterpriseId: string;
  departmentId: string;
  tier: RiskTier;
  /** Proposed local dates, ascending, one per period. */
  dates: string[];
  /** An annual signed commitment is due from the principal (承诺式监管). */
  commitmentRequired: boolean;
}

export type UncoveredReason = 'capacity' | 'no_allowed_day';

export interface UncoveredEnterprise {
  enterpriseId: string;
  departmentId: string;
  tier: RiskTier;
  /** Inspections the tier requires this year. */
  required: number;
  /** Inspections left in the department's (or the pool's) capacity when this enterprise was considered. */
  available: number;
  reason: UncoveredReason;
}

export interface InspectionPlan {
  year: number;
  items: PlannedEnterprise[];
  uncovered: UncoveredEnterprise[];
  /** Inspections planned, per department id. */
  plannedByDepartment: Record<string, number>;
  /** Inspections planned in all. */
  plannedTotal: number;
}

/** The periods of a year for a frequency: calendar months when it divides 12, else equal runs of days. */
export function planPeriods(year: number, perYear: number): string[][] {
  if (!Number.isSafeInteger(perYear) || perYear < 1 || perYear > 366) {
    throw new RangeError(`perYear must be a whole number 1–366, got ${perYear}`);
  }
  const days = datesOfYear(year);
  if (12 % perYear === 0) {
    const span = 12 / perYear;
    return Array.from({ length: perYear }, (_, j) =>
      days.filter((d) => {
        const month = Number(d.slice(5, 7));
        return month > j * span && month <= (j + 1) * span;
      }),
    );
  }
  return Array.from({ length: perYear }, (_, j) =>
    days.slice(Math.floor((j * days.length) / perYear), Math.floor(((j + 1) * days.length) / perYear)),
  );
}

const TIER_PRIORITY: readonly RiskTier[] = ['high', 'general', 'low'];
const POOL = '*';

/**
 * Proposes the year's inspection dates per enterprise by tier frequency, within capacity, avoiding weekends,
 * holidays and quiet-period days; reports what could not be covered. See the module comment for the decisions.
 */
export function generatePlan(input: GeneratePlanInput): InspectionPlan {
  const { year, enterprises, capacity } = input;
  if (!Number.isSafeInteger(year) || year < 1000 || year > 9999) throw new RangeError(`Invalid year: ${year}`);
  const frequency = input.frequency ?? DEFAULT_CREDIT_SETTINGS.frequency;
  for (const d of [...(input.holidays ?? []), ...(input.workingWeekends ?? [])]) parseIsoDate(d);
  const holidays = new Set(input.holidays ?? []);
  const workingWeekends = new Set(input.workingWeekends ?? []);

  const poolOf = (departmentId: string) => (typeof capacity === 'number' ? POOL : departmentId);
  const remaining = new Map<string, number>();
  const left = (departmentId: string): number => {
    const key = poolOf(departmentId);
    const v = remaining.get(key);
    if (v !== undefined) return v;
    const initial = typeof capacity === 'number' ? capacity : (capacity[departmentId] ?? 0);
    checkNonNegative(`capacity[${key}]`, initial);
    return Math.floor(initial);
  };

  const isWorkday = (d: string) => {
    if (holidays.has(d)) return false;
    const w = dayOfWeek(d);
    return (w !== 0 && w !== 6) || workingWeekends.has(d);
  };
  const periodCache = new Map<number, string[][]>();
  const periodsFor = (perYear: number) => {
    let p = periodCache.get(perYear);
    if (!p) {
      p = planPeriods(year, perYear);
      periodCache.set(perYear, p);
    }
    return p;
  };
  const allowedCache = new Map<string, string[][]>();
  const allowedDays = (perYear: number, quiet: QuietPeriod | null): string[][] => {
    const key = `${perYear}|${quiet ? `${quiet.fromDay}-${quiet.toDay}` : '-'}`;
    let a = allowedCache.get(key);
    if (!a) {
      a = periodsFor(perYear).map((days) =>
        days.filter((d) => isWorkday(d) && !inQuietPeriod(Number(d.slice(8, 10)), quiet)),
      );
      allowedCache.set(key, a);
    }
    return a;
  };

  // 1. Coverage, by tier priority, whole enterprises only.
  const covered: PlanEnterprise[] = [];
  const uncovered: UncoveredEnterprise[] = [];
  const plannedByDepartment: Record<string, number> = {};
  for (const tier of TIER_PRIORITY) {
    const required = frequency[tier].perYear;
    for (const e of enterprises) {
      if (e.tier !== tier) continue;
      const quiet = e.quietPeriod !== undefined ? e.quietPeriod : input.quietPeriod;
      const available = left(e.departmentId);
      const base = { enterpriseId: e.id, departmentId: e.departmentId, tier, required, available };
      if (allowedDays(required, quiet).some((days) => days.length === 0)) {
        uncovered.push({ ...base, reason: 'no_allowed_day' });
      } else if (available < required) {
        uncovered.push({ ...base, reason: 'capacity' });
      } else {
        remaining.set(poolOf(e.departmentId), available - required);
        plannedByDepartment[e.departmentId] = (plannedByDepartment[e.departmentId] ?? 0) + required;
        covered.push(e);
      }
    }
  }

  // 2. Dates, evenly spaced within each (department, tier) group.
  const groups = new Map<string, PlanEnterprise[]>();
  for (const e of covered) {
    const key = `${e.departmentId}\u0000${e.tier}`;
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  const datesById = new Map<PlanEnterprise, string[]>();
  for (const group of groups.values()) {
    group.forEach((e, i) => {
      const quiet = e.quietPeriod !== undefined ? e.quietPeriod : input.quietPeriod;
      const periods = allowedDays(frequency[e.tier].perYear, quiet);
      datesById.set(
        e,
        periods.map((days) => days[Math.floor(((i + 0.5) * days.length) / group.length)] ?? (days[0] as string)),
      );
    });
  }

  const items: PlannedEnterprise[] = enterprises
    .filter((e) => datesById.has(e))
    .map((e) => ({
      enterpriseId: e.id,
      departmentId: e.departmentId,
      tier: e.tier,
      dates: datesById.get(e) ?? [],
      commitmentRequired: frequency[e.tier].commitmentRequired,
    }));
  const plannedTotal = Object.values(plannedByDepartment).reduce((s, n) => s + n, 0);
  return { year, items, uncovered, plannedByDepartment, plannedTotal };
}

// ---------------------------------------------------------------------------------------------------------
// Joint inspections — 执一次法、查多项事
// ---------------------------------------------------------------------------------------------------------

export const DEFAULT_JOINT_WINDOW_DAYS = 14;

export interface PlannedVisits {
  enterpriseId: string;
  departmentId: string;
  dates: readonly string[];
}

export interface JointInspectionProposal {
  enterpriseId: string;
  /** Two or more departments, sorted. */
  departmentIds: string[];
  /** The planned visits merged, by date. */
  visits: { departmentId: string; date: string }[];
  /** The suggested common date: the lower median of the visits' dates (the least total shift). */
  proposedDate: string;
}

/**
 * Groups visits of different departments to the same enterprise that fall within `windowDays` of each other
 * ("within 14 days": a gap of exactly 14 days is included, 15 is not). Greedy by date: a group starts at the
 * earliest unmerged visit and takes later visits up to windowDays after it, at most one per department; a group
 * of one department is not proposed. Proposals only: the departments agree the date.
 */
export function proposeJointInspections(
  plans: readonly PlannedVisits[],
  windowDays: number = DEFAULT_JOINT_WINDOW_DAYS,
): JointInspectionProposal[] {
  if (!Number.isSafeInteger(windowDays) || windowDays < 0) {
    throw new RangeError(`windowDays must be a whole number ≥ 0, got ${windowDays}`);
  }
  const byEnterprise = new Map<string, { departmentId: string; date: string }[]>();
  for (const p of plans) {
    const list = byEnterprise.get(p.enterpriseId) ?? [];
    for (const date of p.dates) {
      parseIsoDate(date);
      list.push({ departmentId: p.departmentId, date });
    }
    byEnterprise.set(p.enterpriseId, list);
  }

  const proposals: JointInspectionProposal[] = [];
  for (const [enterpriseId, visits] of byEnterprise) {
    visits.sort((a, b) => a.date.localeCompare(b.date) || a.departmentId.localeCompare(b.departmentId));
    const used = new Set<number>();
    for (let i = 0; i < visits.length; i++) {
      const first = visits[i];
      if (!first || used.has(i)) continue;
      const members = [i];
      const departments = new Set([first.departmentId]);
      const last = addDays(first.date, windowDays);
      for (let j = i + 1; j < visits.length; j++) {
        const v = visits[j];
        if (!v || v.date > last) break;
        if (used.has(j) || departments.has(v.departmentId)) continue;
        members.push(j);
        departments.add(v.departmentId);
      }
      if (departments.size < 2) continue;
      for (const m of members) used.add(m);
      const merged = members.map((m) => visits[m]).filter((v): v is { departmentId: string; date: string } => !!v);
      const dates = merged.map((v) => v.date);
      proposals.push({
        enterpriseId,
        departmentIds: [...departments].sort(),
        visits: merged,
        proposedDate: dates[Math.floor((dates.length - 1) / 2)] ?? first.date,
      });
    }
  }
  return proposals;
}
