/**
 * Threshold templates for risk monitoring points (风险监测预警 · 报警阈值模板).
 *
 * A template is data with a STABLE key: a monitoring point stores the key, never a copy of the numbers, so a
 * corrected template reaches every point that uses it. A point may override any number (and may remove one by
 * overriding it with `null`); `resolveThresholds` merges template and overrides and checks the result.
 *
 * Comparison semantics (see `ThresholdBound`):
 * - `bound: 'reach'` (default) — a set point (报警浓度/设定值) alarms when the value REACHES it: `value ≥ high`,
 *   `value ≤ low`. This is how the methane table ("报警浓度 ≥1.0%") and GB/T 50493 set points work.
 * - `bound: 'exceed'` — a legal limit (最高允许浓度, "不得超过", "不低于") is breached only when the value goes
 *   BEYOND it: `value > high`, `value < low`. A value equal to the limit is compliant.
 * - `restore` ("复电浓度 <"): a high-side alarm clears only when `value < restore`; a value equal to `restore`
 *   is still alarmed. Without `restore`, a high-side alarm clears below `high − deadband`, a low-side alarm above
 *   `low + deadband` (deadband defaults to 0).
 *
 * Sources (RULES.md §5, §6; [3P] = consistent secondary sources):
 * - 《煤矿安全规程》(2016, 应急管理部令第8号 2022 修改) 第四百九十八条 表19 甲烷传感器的报警浓度、断电浓度、复电浓度和
 *   断电范围; AQ 1029-2019《煤矿安全监控系统及检测仪器使用管理规范》§6 甲烷传感器的设置. [3P]
 * - 《煤矿安全规程》第一百三十五条 (井下空气成分: 采掘工作面进风流 O2 不低于 20%, 有害气体最高允许浓度). [3P]
 * - 《煤矿安全规程》第一百七十二条 (矿井总回风巷或一翼回风巷甲烷浓度超过 0.75% 时必须立即查明原因、进行处理). [3P]
 * - GB/T 50493-2019《石油化工可燃气体和有毒气体检测报警设计标准》§5.5 报警设定值. [3P]
 */
import { z } from 'zod';

export const MONITOR_KINDS = [
  'methane',
  'co',
  'o2',
  'h2s',
  'no2',
  'so2',
  'nh3',
  'temperature',
  'pressure',
  'liquid_level',
  'flow',
  'dust',
  'differential_pressure',
  'combustible_lel',
  'toxic_gas',
  'wind_speed',
  'switch_state',
] as const;
export type MonitorKind = (typeof MONITOR_KINDS)[number];

/** 'reach': alarm at the set point itself (≥ / ≤). 'exceed': alarm only beyond a legal limit (> / <). */
export const THRESHOLD_BOUNDS = ['reach', 'exceed'] as const;
export type ThresholdBound = (typeof THRESHOLD_BOUNDS)[number];

export interface Thresholds {
  /** High alarm (报警 / 一级报警). */
  high?: number;
  /** High-high alarm (高高报 / 二级报警). */
  highHigh?: number;
  /** Low alarm (低报, e.g. oxygen deficiency). */
  low?: number;
  /** Low-low alarm (低低报). */
  lowLow?: number;
  /** Methane power-cut level (断电浓度), raised at `value ≥ powerCut`. */
  powerCut?: number;
  /** Restore level (复电浓度): high-side alarms clear only when `value < restore`. */
  restore?: number;
  /** Hysteresis for clearing when there is no `restore`; ≥ 0, default 0. */
  deadband?: number;
  /** The condition must hold this long (consecutive in-order readings) before a level alarm is raised. */
  persistSeconds?: number;
  /** Rate-of-change warning, in units per minute (absolute, either direction). */
  rateOfChangePerMin?: number;
  /** How a value equal to a level threshold is judged; default 'reach'. */
  bound?: ThresholdBound;
}
export type ThresholdKey = keyof Thresholds;
/** A point's overrides: a number replaces the template's, `null` removes it. */
export type ThresholdOverrides = { [K in ThresholdKey]?: Thresholds[K] | null };

/** The level thresholds a parametrised template requires the point to supply (at least one of them). */
export const LEVEL_THRESHOLD_KEYS = ['high', 'highHigh', 'low', 'lowLow'] as const;
export type LevelThresholdKey = (typeof LEVEL_THRESHOLD_KEYS)[number];

export interface ThresholdTemplate {
  key: string;
  nameZh: string;
  nameEn: string;
  kind: MonitorKind;
  unit: string;
  thresholds: Thresholds;
  /** The regulation text the numbers come from. */
  basis: string;
  /** RULES.md marks the value [?]: it is a default the UI must show as uncertain and let the operator change. */
  uncertain?: boolean;
  /** The template has no numbers of its own: the point must give at least one of these. */
  requiresOneOf?: readonly LevelThresholdKey[];
}

const METHANE_TABLE = '《煤矿安全规程》第四百九十八条 表19; AQ 1029-2019 §6';

/** Methane sensor by location: alarm ≥ a, power cut ≥ p, restore < r (RULES §5 table). */
function methane(
  key: string,
  nameZh: string,
  nameEn: string,
  alarm: number,
  powerCut: number,
  restore: number,
  basis: string,
  uncertain = false,
): ThresholdTemplate {
  const t: ThresholdTemplate = {
    key,
    nameZh,
    nameEn,
    kind: 'methane',
    unit: '%',
    thresholds: { high: alarm, powerCut, restore, bound: 'reach' },
    basis: `${METHANE_TABLE}: ${basis}`,
  };
  if (uncertain) t.uncertain = true;
  return t;
}

/** A legal maximum ("最高允许浓度", "不得超过"): only a value above it is a breach. */
function maxLimit(
  key: string,
  nameZh: string,
  nameEn: string,
  kind: MonitorKind,
  unit: string,
  limit: number,
  basis: string,
  uncertain = false,
): ThresholdTemplate {
  const t: ThresholdTemplate = { key, nameZh, nameEn, kind, unit, thresholds: { high: limit, bound: 'exceed' }, basis };
  if (uncertain) t.uncertain = true;
  return t;
}

function parametrised(
  key: string,
  nameZh: string,
  nameEn: string,
  kind: MonitorKind,
  unit: string,
  basis: string,
  requiresOneOf: readonly LevelThresholdKey[] = LEVEL_THRESHOLD_KEYS,
): ThresholdTemplate {
  return { key, nameZh, nameEn, kind, unit, thresholds: { bound: 'reach' }, basis, requiresOneOf };
}

const HARMFUL_GAS = '《煤矿安全规程》第一百三十五条 (井下有害气体最高允许浓度)';
const GBT_50493 = 'GB/T 50493-2019 §5.5 报警设定值';
const MHI_MONITORING =
  '《危险化学品重大危险源监督管理暂行规定》(原总局令第40号) 第十三条: 温度、压力、液位、流量等信息的不间断采集和监测';

export const THRESHOLD_TEMPLATES: readonly ThresholdTemplate[] = [
  // ── Coal-mine methane (RULES §5 table) ────────────────────────────────────────────────────────────────────
  methane(
    'coal-ch4-working-face',
    '采煤工作面甲烷 T1',
    'Coal face methane T1',
    1.0,
    1.5,
    1.0,
    '低瓦斯、高瓦斯和突出矿井采煤工作面 T1: 报警 ≥1.0%, 断电 ≥1.5%, 复电 <1.0%',
  ),
  methane(
    'coal-ch4-working-face-return',
    '采煤工作面回风巷甲烷 T2',
    'Coal face return airway methane T2',
    1.0,
    1.0,
    1.0,
    '采煤工作面回风巷 T2: 报警 ≥1.0%, 断电 ≥1.0%, 复电 <1.0%',
  ),
  methane(
    'coal-ch4-intake-high-gas',
    '高瓦斯/突出采煤工作面进风巷甲烷 T3/T4',
    'Intake airway methane of a high-gas/outburst face T3, series-ventilated intake T4',
    0.5,
    0.5,
    0.5,
    '高瓦斯、煤与瓦斯突出矿井采煤工作面进风巷 T3, 被串采煤工作面进风巷 T4: 报警 ≥0.5%, 断电 ≥0.5%, 复电 <0.5%',
  ),
  methane(
    'coal-ch4-drainage-roadway',
    '专用排瓦斯巷甲烷 T7',
    'Dedicated gas-drainage roadway methane T7',
    2.5,
    2.5,
    2.5,
    '专用排瓦斯巷 T7: 报警 ≥2.5%, 断电 ≥2.5%, 复电 <2.5%',
  ),
  methane(
    'coal-ch4-heading-face',
    '掘进工作面甲烷 T1',
    'Heading face methane T1',
    1.0,
    1.5,
    1.0,
    '煤巷、半煤岩巷和有瓦斯涌出岩巷的掘进工作面 T1: 报警 ≥1.0%, 断电 ≥1.5%, 复电 <1.0%',
  ),
  methane(
    'coal-ch4-heading-return',
    '掘进工作面回风流甲烷 T2',
    'Heading return methane T2',
    1.0,
    1.0,
    1.0,
    '掘进工作面回风流中 T2: 报警 ≥1.0%, 断电 ≥1.0%, 复电 <1.0%',
  ),
  methane(
    'coal-ch4-shearer',
    '采煤机机载甲烷',
    'Shearer-mounted methane',
    1.0,
    1.5,
    1.0,
    '采煤机机载甲烷断电仪: 报警 ≥1.0%, 断电 ≥1.5%, 复电 <1.0%',
  ),
  methane(
    'coal-ch4-upper-corner',
    '采煤工作面上隅角甲烷 T0',
    'Coal face upper corner methane T0',
    1.0,
    1.5,
    1.0,
    '采煤工作面上隅角 T0: 报警 ≥1.0%, 断电 ≥1.5%, 复电 <1.0% [?] (some published tables give 复电 <1.5%)',
    true,
  ),
  maxLimit(
    'coal-ch4-main-return',
    '矿井总回风巷/一翼回风巷甲烷',
    'Mine main return methane',
    'methane',
    '%',
    0.75,
    '《煤矿安全规程》第一百七十二条: 矿井总回风巷或一翼回风巷中甲烷浓度超过 0.75% 时必须立即查明原因、进行处理',
  ),
  // ── Coal-mine air quality (RULES §5 "other limits") ──────────────────────────────────────────────────────
  maxLimit('coal-co', '一氧化碳', 'Carbon monoxide', 'co', 'ppm', 24, `${HARMFUL_GAS}: CO ≤0.0024% (24 ppm)`),
  {
    key: 'coal-o2-intake',
    nameZh: '采掘工作面进风流氧气',
    nameEn: 'Oxygen in intake air of working faces',
    kind: 'o2',
    unit: '%',
    thresholds: { low: 20, bound: 'exceed' },
    basis: '《煤矿安全规程》第一百三十五条: 采掘工作面的进风流中, 氧气浓度不低于 20%',
  },
  maxLimit('coal-h2s', '硫化氢', 'Hydrogen sulfide', 'h2s', 'ppm', 6.6, `${HARMFUL_GAS}: H2S ≤0.00066% (6.6 ppm)`),
  maxLimit('coal-no2', '二氧化氮', 'Nitrogen dioxide', 'no2', 'ppm', 2.5, `${HARMFUL_GAS}: NO2 ≤0.00025% (2.5 ppm)`),
  maxLimit('coal-so2', '二氧化硫', 'Sulfur dioxide', 'so2', 'ppm', 5, `${HARMFUL_GAS}: SO2 ≤0.0005% (5 ppm)`),
  maxLimit('coal-nh3', '氨', 'Ammonia', 'nh3', 'ppm', 40, `${HARMFUL_GAS}: NH3 ≤0.004% (40 ppm)`),
  // Dust limits are time-weighted exposure limits; used as instantaneous set points they are a default to review.
  maxLimit(
    'coal-dust-total',
    '煤尘总粉尘浓度',
    'Coal dust, total',
    'dust',
    'mg/m³',
    4,
    '《煤矿安全规程》第六百四十条; GBZ 2.1-2019 煤尘(游离SiO2 <10%) 总粉尘 PC-TWA 4 mg/m³ [?]',
    true,
  ),
  maxLimit(
    'coal-dust-respirable',
    '煤尘呼吸性粉尘浓度',
    'Coal dust, respirable',
    'dust',
    'mg/m³',
    2.5,
    '《煤矿安全规程》第六百四十条; GBZ 2.1-2019 煤尘(游离SiO2 <10%) 呼吸性粉尘 PC-TWA 2.5 mg/m³ [?]',
    true,
  ),
  // ── GB/T 50493-2019 gas detector set points (RULES §6) ──────────────────────────────────────────────────
  {
    key: 'gas-combustible-lel',
    nameZh: '可燃气体检测报警',
    nameEn: 'Combustible gas detector',
    kind: 'combustible_lel',
    unit: '%LEL',
    thresholds: { high: 25, highHigh: 50, bound: 'reach' },
    basis: `${GBT_50493}: 可燃气体一级报警设定值 ≤25%LEL, 二级报警设定值 ≤50%LEL`,
  },
  {
    key: 'gas-toxic-oel',
    nameZh: '有毒气体检测报警',
    nameEn: 'Toxic gas detector',
    kind: 'toxic_gas',
    unit: '%OEL',
    thresholds: { high: 100, highHigh: 200, bound: 'reach' },
    basis: `${GBT_50493}: 有毒气体一级报警设定值 ≤100%OEL, 二级报警设定值 ≤200%OEL`,
  },
  {
    key: 'gas-o2-vol',
    nameZh: '环境氧气检测报警',
    nameEn: 'Ambient oxygen detector',
    kind: 'o2',
    unit: '%VOL',
    thresholds: { high: 23.5, low: 19.5, bound: 'reach' },
    basis: `${GBT_50493}: 过氧报警设定值 23.5%VOL, 欠氧报警设定值 19.5%VOL`,
  },
  // ── Major hazard installations: parametrised bands the point must supply ───────────────────────────────
  parametrised('tank-level', '储罐液位', 'Tank level', 'liquid_level', 'm', `${MHI_MONITORING}: 高/高高/低/低低液位`),
  parametrised(
    'tank-pressure',
    '储罐压力',
    'Tank pressure',
    'pressure',
    'MPa',
    `${MHI_MONITORING}: 高/高高/低/低低压力`,
  ),
  parametrised(
    'tank-temperature',
    '储罐温度',
    'Tank temperature',
    'temperature',
    '°C',
    `${MHI_MONITORING}: 高/高高/低/低低温度`,
  ),
  parametrised(
    'dust-concentration',
    '粉尘浓度',
    'Dust concentration',
    'dust',
    'mg/m³',
    '《工贸企业粉尘防爆安全规定》(应急管理部令第6号); 粉尘浓度报警值由企业按工艺设定',
    ['high', 'highHigh'],
  ),
];

const TEMPLATE_BY_KEY: ReadonlyMap<string, ThresholdTemplate> = new Map(THRESHOLD_TEMPLATES.map((t) => [t.key, t]));

export function getTemplate(key: string): ThresholdTemplate | undefined {
  return TEMPLATE_BY_KEY.get(key);
}

export function templatesForKind(kind: MonitorKind): ThresholdTemplate[] {
  return THRESHOLD_TEMPLATES.filter((t) => t.kind === kind);
}

// ── Validation ─────────────────────────────────────────────────────────────────────────────────────────────

const finite = z.number(); // zod v4 rejects ±Infinity and NaN
const nonNegative = z.number().min(0);

export const thresholdsSchema = z.strictObject({
  high: finite.optional(),
  highHigh: finite.optional(),
  low: finite.optional(),
  lowLow: finite.optional(),
  powerCut: finite.optional(),
  restore: finite.optional(),
  deadband: nonNegative.optional(),
  persistSeconds: nonNegative.optional(),
  rateOfChangePerMin: z.number().positive().optional(),
  bound: z.enum(THRESHOLD_BOUNDS).optional(),
});

/** What an API accepts as a point's overrides (`null` removes the template's value). */
export const thresholdOverridesSchema = z.strictObject({
  high: finite.nullable().optional(),
  highHigh: finite.nullable().optional(),
  low: finite.nullable().optional(),
  lowLow: finite.nullable().optional(),
  powerCut: finite.nullable().optional(),
  restore: finite.nullable().optional(),
  deadband: nonNegative.nullable().optional(),
  persistSeconds: nonNegative.nullable().optional(),
  rateOfChangePerMin: z.number().positive().nullable().optional(),
  bound: z.enum(THRESHOLD_BOUNDS).nullable().optional(),
});

export type ResolveErrorCode =
  | 'UNKNOWN_TEMPLATE'
  | 'INVALID_THRESHOLD'
  | 'MISSING_PARAMETER'
  | 'INCONSISTENT_THRESHOLDS';

export type ResolveResult =
  | { ok: true; thresholds: Thresholds; template: ThresholdTemplate | null }
  | { ok: false; error: ResolveErrorCode; field: string | null; message: string };

const THRESHOLD_KEYS: readonly ThresholdKey[] = [
  'high',
  'highHigh',
  'low',
  'lowLow',
  'powerCut',
  'restore',
  'deadband',
  'persistSeconds',
  'rateOfChangePerMin',
  'bound',
];

function fail(error: ResolveErrorCode, field: string | null, message: string): ResolveResult {
  return { ok: false, error, field, message };
}

/** Pairs (a, b) that must satisfy a ≤ b (or a < b when strict) when both are present. */
const ORDER_CHECKS: readonly [ThresholdKey, ThresholdKey, boolean][] = [
  ['lowLow', 'low', false],
  ['low', 'high', true],
  ['lowLow', 'high', true],
  ['low', 'highHigh', true],
  ['high', 'highHigh', false],
  ['high', 'powerCut', false],
  ['restore', 'powerCut', false],
];

/**
 * Merges a template (or none) with a point's overrides and checks the result:
 * lowLow ≤ low < high ≤ highHigh, high ≤ powerCut, restore ≤ powerCut, deadband/persist ≥ 0, rate > 0.
 * A parametrised template (`requiresOneOf`) fails with MISSING_PARAMETER unless the point gives one of its levels.
 */
export function resolveThresholds(
  templateKey: string | undefined | null,
  overrides?: ThresholdOverrides,
): ResolveResult {
  let template: ThresholdTemplate | null = null;
  if (templateKey !== undefined && templateKey !== null) {
    const t = getTemplate(templateKey);
    if (!t) return fail('UNKNOWN_TEMPLATE', 'templateKey', `Unknown threshold template: ${templateKey}`);
    template = t;
  }
  if (overrides !== undefined) {
    const parsed = thresholdOverridesSchema.safeParse(overrides);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path[0];
      return fail('INVALID_THRESHOLD', typeof field === 'string' ? field : null, issue?.message ?? 'invalid');
    }
  }
  const merged: Thresholds = { ...(template?.thresholds ?? {}) };
  const record = merged as Record<ThresholdKey, number | ThresholdBound | undefined>;
  if (overrides) {
    for (const k of THRESHOLD_KEYS) {
      if (!(k in overrides)) continue;
      const v = overrides[k];
      if (v === undefined) continue;
      if (v === null) delete record[k];
      else record[k] = v;
    }
  }
  if (template?.requiresOneOf && !template.requiresOneOf.some((k) => merged[k] !== undefined)) {
    return fail(
      'MISSING_PARAMETER',
      template.requiresOneOf[0] ?? null,
      `Template ${template.key} needs the point to set one of: ${template.requiresOneOf.join(', ')}`,
    );
  }
  for (const [a, b, strict] of ORDER_CHECKS) {
    const va = merged[a];
    const vb = merged[b];
    if (typeof va !== 'number' || typeof vb !== 'number') continue;
    if (strict ? !(va < vb) : !(va <= vb)) {
      return fail('INCONSISTENT_THRESHOLDS', a, `${a} (${va}) must be ${strict ? '<' : '≤'} ${b} (${vb})`);
    }
  }
  return { ok: true, thresholds: merged, template };
}
