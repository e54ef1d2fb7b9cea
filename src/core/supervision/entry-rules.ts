/**
 * Rules of entry into enterprises (规范入企检查): quiet period, yearly caps, inspectors per visit, exemptions.
 *
 * Basis:
 * - 《国务院办公厅关于严格规范涉企行政检查的意见》(国办发〔2024〕54号): each department sets and publishes a yearly
 *   cap of inspections per enterprise, merges checks where it can (跨部门联合检查), and limits the people sent;
 *   complaints and reports, orders from above, follow-up of rectification and checks the enterprise asked for are
 *   not limited by the cap. [3P]
 * - The county notice (seed 一(八)): "严控入企检查人员数量，限定入企次数，设定'企业安静期'". [V]
 * - Quiet periods are local (RULES §10: examples days 1–15 or 1–20 of each month). [V]
 * None of these has a national number, so all are county settings with defaults (RULES preamble).
 *
 * Decisions:
 * - Only `routine` inspections are bound by the quiet period and the caps. The exempt kinds pass both but need
 *   a non-empty reason; the server audits them and counts them apart (`countsThisYear` counts routine ones only).
 * - The cap on inspectors per visit binds every kind, exempt ones included: an exemption justifies the visit,
 *   not its size, and the notice's "严控入企检查人员数量" has no exception. An accident rescue or investigation team
 *   is not an inspection and is not scheduled through this check.
 * - A joint inspection (执一次法、查多项事) is one entry: it adds one to the total and one to each participating
 *   department's count. It is refused when any participating department, or the total, is at its cap.
 * - The quiet period is read on the local (Asia/Shanghai) day of the month of `plannedAt`, bounds included
 *   (1–15: day 15 is quiet, day 16 is not). `fromDay > toDay` wraps around the month end (25–5). A `toDay` past
 *   the month's last day covers up to the last day.
 * - Checks run in the order: exemption reason, inspectors, quiet period, department caps, total cap.
 */
import { z } from 'zod';
import type { LocalizedText } from './calendar.js';
import { localDayOfMonth } from './calendar.js';
import type { RiskTier } from './credit.js';

export const EXEMPT_INSPECTION_KINDS = ['complaint', 'accident', 'order', 'follow_up', 'requested'] as const;
export type ExemptInspectionKind = (typeof EXEMPT_INSPECTION_KINDS)[number];
export const INSPECTION_KINDS = ['routine', ...EXEMPT_INSPECTION_KINDS] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

export const INSPECTION_KIND_LABELS: Readonly<Record<InspectionKind, LocalizedText>> = {
  routine: { zh: '常规检查', en: 'routine inspection' },
  complaint: { zh: '投诉举报核查', en: 'complaint or report check' },
  accident: { zh: '事故核查', en: 'accident check' },
  order: { zh: '上级交办', en: 'order from above' },
  follow_up: { zh: '整改复查', en: 'rectification follow-up' },
  requested: { zh: '企业申请', en: "at the enterprise's request" },
};

export function isExemptKind(kind: InspectionKind): kind is ExemptInspectionKind {
  return kind !== 'routine';
}

export interface QuietPeriod {
  /** First day of the month (1–31), included. */
  fromDay: number;
  /** Last day of the month (1–31), included; below fromDay wraps around the month end. */
  toDay: number;
}

const dayOfMonth = z.number().int().min(1).max(31);
export const quietPeriodSchema = z.object({ fromDay: dayOfMonth, toDay: dayOfMonth });

/** Whether a day of the month (1–31) falls in the quiet period (bounds included). */
export function inQuietPeriod(day: number, quiet: QuietPeriod | null): boolean {
  if (quiet === null) return false;
  return quiet.fromDay <= quiet.toDay
    ? day >= quiet.fromDay && day <= quiet.toDay
    : day >= quiet.fromDay || day <= quiet.toDay;
}

export interface EnterpriseEntryRules {
  quietPeriod: QuietPeriod | null;
  /** Routine inspections per year by one department. */
  yearlyCapPerDepartment: number;
  /** Routine inspections per year by all departments together (a joint inspection counts once). */
  yearlyCapTotal: number;
  maxInspectorsPerVisit: number;
}

export interface EntryRuleSettings {
  quietPeriod: QuietPeriod | null;
  /** By tier, so that a key-supervision enterprise can be inspected monthly while a low-risk one is left alone. */
  yearlyCapPerDepartment: Record<RiskTier, number>;
  yearlyCapTotal: Record<RiskTier, number>;
  maxInspectorsPerVisit: number;
}

/**
 * County defaults [?]: quiet period days 1–15 (RULES §10 example); yearly caps per department low 2, general 4,
 * high 12 (at least the minimum frequency of each tier, see credit.ts); across departments low 4, general 8,
 * high 24; at most 4 inspectors per visit (行政处罚法 §42 requires at least 2 enforcement officers, so 4 lets a
 * joint inspection of two departments send two each).
 */
export const DEFAULT_ENTRY_RULE_SETTINGS: Readonly<EntryRuleSettings> = Object.freeze({
  quietPeriod: { fromDay: 1, toDay: 15 },
  yearlyCapPerDepartment: { low: 2, general: 4, high: 12 },
  yearlyCapTotal: { low: 4, general: 8, high: 24 },
  maxInspectorsPerVisit: 4,
});

const cap = z.number().int().min(0).max(366);
const D = DEFAULT_ENTRY_RULE_SETTINGS;
function byTier(def: Record<RiskTier, number>) {
  return z
    .object({ low: cap.default(def.low), general: cap.default(def.general), high: cap.default(def.high) })
    .prefault({});
}

/** County configuration; omitted keys take the defaults; `quietPeriod: null` switches quiet periods off. */
export const entryRuleSettingsSchema = z.object({
  quietPeriod: quietPeriodSchema.nullable().default(D.quietPeriod),
  yearlyCapPerDepartment: byTier(D.yearlyCapPerDepartment),
  yearlyCapTotal: byTier(D.yearlyCapTotal),
  maxInspectorsPerVisit: z.number().int().min(1).max(50).default(D.maxInspectorsPerVisit),
}) satisfies z.ZodType<EntryRuleSettings, unknown>;

/** Per-enterprise overrides (an enterprise may agree another quiet period, e.g. around its shift pattern). */
export type EnterpriseEntryOverride = Partial<EnterpriseEntryRules>;

/** The rules that bind one enterprise: the county settings for its tier, then its own overrides. */
export function resolveEntryRules(
  tier: RiskTier,
  settings: EntryRuleSettings = DEFAULT_ENTRY_RULE_SETTINGS,
  override: EnterpriseEntryOverride = {},
): EnterpriseEntryRules {
  return {
    quietPeriod: override.quietPeriod !== undefined ? override.quietPeriod : settings.quietPeriod,
    yearlyCapPerDepartment: override.yearlyCapPerDepartment ?? settings.yearlyCapPerDepartment[tier],
    yearlyCapTotal: override.yearlyCapTotal ?? settings.yearlyCapTotal[tier],
    maxInspectorsPerVisit: override.maxInspectorsPerVisit ?? settings.maxInspectorsPerVisit,
  };
}

export const ENTRY_REFUSAL_CODES = [
  'QUIET_PERIOD',
  'CAP_EXCEEDED',
  'TOO_MANY_INSPECTORS',
  'EXEMPTION_REASON_REQUIRED',
] as const;
export type EntryRefusalCode = (typeof ENTRY_REFUSAL_CODES)[number];

export interface EntryCheckInput {
  kind: InspectionKind;
  plannedAt: Date;
  inspectorsCount: number;
  exemptionReason?: string | null;
  enterpriseRules: EnterpriseEntryRules;
  /** Routine inspections of this enterprise this year (exempt ones are counted apart and not included). */
  countsThisYear: { byDepartment: Readonly<Record<string, number>>; total: number };
  /** The departments taking part in the visit (two or more for a joint inspection). */
  departmentIds: readonly string[];
}

export type EntryCheckResult =
  | { ok: true; exempt: boolean }
  | { ok: false; code: EntryRefusalCode; message: LocalizedText; departmentId?: string };

function quietText(q: QuietPeriod): { zh: string; en: string } {
  return { zh: `每月 ${q.fromDay}–${q.toDay} 日`, en: `days ${q.fromDay}–${q.toDay} of each month` };
}

/**
 * May this inspection be scheduled? See the module comment for the rules and their order.
 * @throws RangeError when inspectorsCount is not a whole number ≥ 1 or departmentIds is empty.
 */
export function checkEntry(input: EntryCheckInput): EntryCheckResult {
  const { kind, plannedAt, inspectorsCount, enterpriseRules: rules, countsThisYear, departmentIds } = input;
  if (!Number.isSafeInteger(inspectorsCount) || inspectorsCount < 1) {
    throw new RangeError(`inspectorsCount must be a whole number ≥ 1, got ${inspectorsCount}`);
  }
  if (departmentIds.length === 0) throw new RangeError('departmentIds must not be empty');
  const exempt = isExemptKind(kind);

  if (exempt && (input.exemptionReason ?? '').trim() === '') {
    const k = INSPECTION_KIND_LABELS[kind];
    return {
      ok: false,
      code: 'EXEMPTION_REASON_REQUIRED',
      message: {
        zh: `${k.zh}不受安静期和检查次数上限限制，但须填写理由`,
        en: `A ${k.en} is exempt from the quiet period and the caps but needs a reason`,
      },
    };
  }

  if (inspectorsCount > rules.maxInspectorsPerVisit) {
    return {
      ok: false,
      code: 'TOO_MANY_INSPECTORS',
      message: {
        zh: `入企检查人员不得超过 ${rules.maxInspectorsPerVisit} 人（本次 ${inspectorsCount} 人）`,
        en: `At most ${rules.maxInspectorsPerVisit} inspectors may enter per visit (${inspectorsCount} planned)`,
      },
    };
  }

  if (exempt) return { ok: true, exempt: true };

  const q = rules.quietPeriod;
  const day = localDayOfMonth(plannedAt);
  if (q !== null && inQuietPeriod(day, q)) {
    const t = quietText(q);
    return {
      ok: false,
      code: 'QUIET_PERIOD',
      message: {
        zh: `企业安静期（${t.zh}）内不得安排常规检查（计划日期为 ${day} 日）`,
        en: `No routine inspection in the enterprise's quiet period (${t.en}); the planned day is ${day}`,
      },
    };
  }

  for (const departmentId of departmentIds) {
    const done = countsThisYear.byDepartment[departmentId] ?? 0;
    if (done >= rules.yearlyCapPerDepartment) {
      return {
        ok: false,
        code: 'CAP_EXCEEDED',
        departmentId,
        message: {
          zh: `同一部门每年对该企业常规检查不得超过 ${rules.yearlyCapPerDepartment} 次，本部门今年已检查 ${done} 次`,
          en: `One department may inspect this enterprise at most ${rules.yearlyCapPerDepartment} times a year (routine); this department already has ${done}`,
        },
      };
    }
  }
  if (countsThisYear.total >= rules.yearlyCapTotal) {
    return {
      ok: false,
      code: 'CAP_EXCEEDED',
      message: {
        zh: `各部门每年对该企业常规检查合计不得超过 ${rules.yearlyCapTotal} 次，今年已检查 ${countsThisYear.total} 次`,
        en: `All departments together may inspect this enterprise at most ${rules.yearlyCapTotal} times a year (routine); ${countsThisYear.total} so far`,
      },
    };
  }
  return { ok: true, exempt: false };
}
