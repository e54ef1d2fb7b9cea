/**
 * Major hazard installations of hazardous chemicals (危险化学品重大危险源): identification and grading,
 * GB 18218-2018《危险化学品重大危险源辨识》 (RULES §6).
 *
 * - Identification (§4.2): S = Σ qᵢ/Qᵢ (q actual quantity, Q critical quantity, both in tonnes); S ≥ 1 ⇒ a
 *   major hazard installation. [V]
 * - Grading (§4.3): R = α · Σ βᵢ · qᵢ/Qᵢ; 表6: R ≥ 100 一级, 50 ≤ R < 100 二级, 10 ≤ R < 50 三级, R < 10 四级. [V]
 * - α (表5) by people exposed within 500 m: ≥100 → 2.0; 50–99 → 1.5; 30–49 → 1.2; 1–29 → 1.0; 0 → 0.5. [V]
 * - β (表3 toxic gases, 表4 other classes): see `MHI_SUBSTANCES` and `betaForCategory`. [V]
 * - Critical quantities (表1): see `MHI_SUBSTANCES`. [3P]
 *
 * Boundaries are compared with a tolerance of 1e-9 so that binary floating-point error (0.1 + 0.2) cannot move
 * an installation across a grade; this is far below the precision of any declared quantity.
 */

const EPSILON = 1e-9;

export interface RatioItem {
  /** Actual quantity q (t), ≥ 0. */
  q: number;
  /** Critical quantity Q (t), > 0. */
  Q: number;
}
export interface RiskItem extends RatioItem {
  /** Correction factor β (表3/表4). */
  beta: number;
}

function checkItem(item: RatioItem, i: number): void {
  if (!Number.isFinite(item.q) || item.q < 0) throw new RangeError(`items[${i}].q must be a finite number ≥ 0`);
  if (!Number.isFinite(item.Q) || item.Q <= 0) throw new RangeError(`items[${i}].Q must be a finite number > 0`);
}

/** S = Σ qᵢ/Qᵢ (GB 18218-2018 §4.2, formula (1)). Throws RangeError on q < 0 or Q ≤ 0. */
export function sumRatio(items: readonly RatioItem[]): number {
  let s = 0;
  items.forEach((item, i) => {
    checkItem(item, i);
    s += item.q / item.Q;
  });
  return s;
}

/** S ≥ 1 ⇒ major hazard installation (GB 18218-2018 §4.2). */
export function isMajorHazard(items: readonly RatioItem[]): boolean {
  return sumRatio(items) >= 1 - EPSILON;
}

/** R = α · Σ βᵢ · qᵢ/Qᵢ (GB 18218-2018 §4.3.2, formula (2)). */
export function riskValue(input: { alpha: number; items: readonly RiskItem[] }): number {
  if (!Number.isFinite(input.alpha) || input.alpha <= 0) throw new RangeError('alpha must be > 0');
  let sum = 0;
  input.items.forEach((item, i) => {
    checkItem(item, i);
    if (!Number.isFinite(item.beta) || item.beta <= 0) throw new RangeError(`items[${i}].beta must be > 0`);
    sum += (item.beta * item.q) / item.Q;
  });
  return input.alpha * sum;
}

/** α by the number of people exposed within 500 m of the installation (GB 18218-2018 表5). */
export function alphaForPeople(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('the number of people must be an integer ≥ 0');
  if (n >= 100) return 2.0;
  if (n >= 50) return 1.5;
  if (n >= 30) return 1.2;
  if (n >= 1) return 1.0;
  return 0.5;
}

export type MhiGrade = 1 | 2 | 3 | 4;
export const MHI_GRADE_LABELS: Readonly<Record<MhiGrade, { zh: string; en: string }>> = {
  1: { zh: '一级', en: 'Grade I' },
  2: { zh: '二级', en: 'Grade II' },
  3: { zh: '三级', en: 'Grade III' },
  4: { zh: '四级', en: 'Grade IV' },
};

/** GB 18218-2018 表6: R ≥ 100 一级; 50 ≤ R < 100 二级; 10 ≤ R < 50 三级; R < 10 四级. */
export function gradeForR(R: number): MhiGrade {
  if (Number.isNaN(R) || R < 0) throw new RangeError('R must be a number ≥ 0');
  if (R >= 100 - EPSILON) return 1;
  if (R >= 50 - EPSILON) return 2;
  if (R >= 10 - EPSILON) return 3;
  return 4;
}

// ── Substances ─────────────────────────────────────────────────────────────────────────────────────────────

/** Hazard classes of 表4 as RULES §6 gives them: explosives 2, flammable gases 1.5, all others 1. */
export type MhiCategory = 'toxic_gas' | 'explosive' | 'flammable_gas' | 'other';

export function betaForCategory(category: Exclude<MhiCategory, 'toxic_gas'>): number {
  switch (category) {
    case 'explosive':
      return 2;
    case 'flammable_gas':
      return 1.5;
    case 'other':
      return 1;
  }
}

export interface MhiSubstance {
  key: string;
  nameZh: string;
  nameEn: string;
  cas: string | null;
  category: MhiCategory;
  /** β: 表3 for the listed toxic gases, else by category (表4). */
  beta: number;
  /** Q in tonnes (表1), null when not in RULES §6 — then the enterprise's declared value must be used. */
  criticalQuantityT: number | null;
}

function sub(
  key: string,
  nameZh: string,
  nameEn: string,
  cas: string | null,
  category: MhiCategory,
  criticalQuantityT: number | null,
  toxicBeta?: number,
): MhiSubstance {
  const beta = category === 'toxic_gas' ? (toxicBeta ?? 1) : betaForCategory(category);
  return { key, nameZh, nameEn, cas, category, beta, criticalQuantityT };
}

/**
 * Substances with a β from 表3 (toxic gases) and/or a critical quantity from 表1, as listed in RULES §6.
 * Flammable liquids (benzene, toluene, methanol, gasoline) take β = 1 per RULES ("others 1"); refine per the
 * 表4 hazard class when the enterprise declares it (the item's β can be given explicitly).
 */
export const MHI_SUBSTANCES: readonly MhiSubstance[] = [
  // 表3 毒性气体 β
  sub('carbon_monoxide', '一氧化碳', 'Carbon monoxide', '630-08-0', 'toxic_gas', null, 2),
  sub('sulfur_dioxide', '二氧化硫', 'Sulfur dioxide', '7446-09-5', 'toxic_gas', 20, 2),
  sub('ammonia', '氨', 'Ammonia', '7664-41-7', 'toxic_gas', 10, 2),
  sub('ethylene_oxide', '环氧乙烷', 'Ethylene oxide', '75-21-8', 'toxic_gas', 10, 2),
  sub('hydrogen_chloride', '氯化氢', 'Hydrogen chloride', '7647-01-0', 'toxic_gas', null, 3),
  sub('methyl_bromide', '溴甲烷', 'Methyl bromide', '74-83-9', 'toxic_gas', null, 3),
  sub('chlorine', '氯', 'Chlorine', '7782-50-5', 'toxic_gas', 5, 4),
  sub('hydrogen_sulfide', '硫化氢', 'Hydrogen sulfide', '7783-06-4', 'toxic_gas', null, 5),
  sub('hydrogen_fluoride', '氟化氢', 'Hydrogen fluoride', '7664-39-3', 'toxic_gas', null, 5),
  sub('nitrogen_dioxide', '二氧化氮', 'Nitrogen dioxide', '10102-44-0', 'toxic_gas', null, 10),
  sub('hydrogen_cyanide', '氰化氢', 'Hydrogen cyanide', '74-90-8', 'toxic_gas', null, 10),
  sub('phosgene', '光气(碳酰氯)', 'Phosgene', '75-44-5', 'toxic_gas', 0.3, 20),
  sub('phosphine', '磷化氢', 'Phosphine', '7803-51-2', 'toxic_gas', null, 20),
  sub('methyl_isocyanate', '异氰酸甲酯', 'Methyl isocyanate', '624-83-9', 'toxic_gas', null, 20),
  // 表1 critical quantities of other substances in RULES §6
  sub('methane', '甲烷、天然气', 'Methane, natural gas', '74-82-8', 'flammable_gas', 50),
  sub('lpg', '液化石油气', 'Liquefied petroleum gas', '68476-85-7', 'flammable_gas', 50),
  sub('acetylene', '乙炔', 'Acetylene', '74-86-2', 'flammable_gas', 1),
  sub('benzene', '苯', 'Benzene', '71-43-2', 'other', 50),
  sub('toluene', '甲苯', 'Toluene', '108-88-3', 'other', 500),
  sub('methanol', '甲醇', 'Methanol', '67-56-1', 'other', 500),
  sub('gasoline', '汽油', 'Gasoline', null, 'other', 200),
];

const SUBSTANCE_BY_KEY: ReadonlyMap<string, MhiSubstance> = new Map(MHI_SUBSTANCES.map((s) => [s.key, s]));

export function getSubstance(key: string): MhiSubstance | undefined {
  return SUBSTANCE_BY_KEY.get(key);
}

/** β of a listed substance (表3, else by its class), or of a hazard class; undefined for an unknown key. */
export function betaFor(substance: string | { category: Exclude<MhiCategory, 'toxic_gas'> }): number | undefined {
  if (typeof substance !== 'string') return betaForCategory(substance.category);
  return SUBSTANCE_BY_KEY.get(substance)?.beta;
}

/** Q (t) of a listed substance (表1), or undefined when RULES §6 does not give it. */
export function criticalQuantityFor(substance: string): number | undefined {
  return SUBSTANCE_BY_KEY.get(substance)?.criticalQuantityT ?? undefined;
}

// ── Whole assessment ───────────────────────────────────────────────────────────────────────────────────────

export interface InstallationItem {
  /** A key of MHI_SUBSTANCES, used for Q and β when they are not given. */
  substance?: string;
  q: number;
  Q?: number;
  beta?: number;
}

export interface MhiAssessment {
  S: number;
  isMajorHazard: boolean;
  alpha: number;
  R: number;
  /** Null when the installation is not a major hazard (S < 1): grading applies only to major hazards. */
  grade: MhiGrade | null;
}

/** Identification and grading of one installation (unit). Throws RangeError when Q or β cannot be found. */
export function assessInstallation(input: {
  peopleWithin500m: number;
  items: readonly InstallationItem[];
}): MhiAssessment {
  const items: RiskItem[] = input.items.map((item, i) => {
    const known = item.substance === undefined ? undefined : getSubstance(item.substance);
    if (item.substance !== undefined && !known && (item.Q === undefined || item.beta === undefined)) {
      throw new RangeError(`items[${i}]: unknown substance ${item.substance}; give Q and beta`);
    }
    const Q = item.Q ?? known?.criticalQuantityT ?? undefined;
    const beta = item.beta ?? known?.beta;
    if (Q === undefined) throw new RangeError(`items[${i}]: critical quantity Q is required`);
    if (beta === undefined) throw new RangeError(`items[${i}]: correction factor beta is required`);
    return { q: item.q, Q, beta };
  });
  const S = sumRatio(items);
  const major = S >= 1 - EPSILON;
  const alpha = alphaForPeople(input.peopleWithin500m);
  const R = riskValue({ alpha, items });
  return { S, isMajorHazard: major, alpha, R, grade: major ? gradeForR(R) : null };
}
