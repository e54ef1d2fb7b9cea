import { describe, expect, it } from 'vitest';
import {
  alphaForPeople,
  assessInstallation,
  betaFor,
  criticalQuantityFor,
  gradeForR,
  isMajorHazard,
  MHI_GRADE_LABELS,
  MHI_SUBSTANCES,
  riskValue,
  sumRatio,
} from './mhi.js';

describe('GB 18218-2018 worked example (RULES §6)', () => {
  it('SO2 q=200 t, Q=20 t, β=2, α=1.5 → R=30 → 三级', () => {
    const items = [{ q: 200, Q: 20, beta: 2 }];
    expect(sumRatio(items)).toBe(10);
    expect(isMajorHazard(items)).toBe(true);
    const R = riskValue({ alpha: 1.5, items });
    expect(R).toBe(30);
    expect(gradeForR(R)).toBe(3);
    expect(MHI_GRADE_LABELS[gradeForR(R)].zh).toBe('三级');
  });
  it('the same from the substance tables and 50–99 people', () => {
    expect(assessInstallation({ peopleWithin500m: 60, items: [{ substance: 'sulfur_dioxide', q: 200 }] })).toEqual({
      S: 10,
      isMajorHazard: true,
      alpha: 1.5,
      R: 30,
      grade: 3,
    });
  });
});

describe('identification: S = Σ q/Q ≥ 1', () => {
  it('S = 1 exactly is a major hazard, just below is not', () => {
    expect(isMajorHazard([{ q: 10, Q: 10 }])).toBe(true);
    expect(isMajorHazard([{ q: 9.999, Q: 10 }])).toBe(false);
  });
  it('sums several substances', () => {
    const items = [
      { q: 5, Q: 10 }, // ammonia 0.5
      { q: 2.5, Q: 5 }, // chlorine 0.5
    ];
    expect(sumRatio(items)).toBe(1);
    expect(isMajorHazard(items)).toBe(true);
  });
  it('is not moved across the boundary by floating-point error', () => {
    const items = [
      { q: 0.7, Q: 1 },
      { q: 0.2, Q: 1 },
      { q: 0.1, Q: 1 },
    ];
    expect(sumRatio(items)).toBeLessThan(1); // 0.9999999999999999
    expect(isMajorHazard(items)).toBe(true);
  });
  it('rejects impossible quantities', () => {
    expect(() => sumRatio([{ q: 1, Q: 0 }])).toThrow(RangeError);
    expect(() => sumRatio([{ q: -1, Q: 1 }])).toThrow(RangeError);
    expect(() => sumRatio([{ q: Number.NaN, Q: 1 }])).toThrow(RangeError);
    expect(sumRatio([])).toBe(0);
  });
});

describe('grading: R = α·Σβq/Q', () => {
  it.each([
    [1000, 1],
    [100, 1],
    [99.99, 2],
    [50, 2],
    [49.99, 3],
    [10, 3],
    [9.99, 4],
    [0, 4],
  ] as const)('R=%s → grade %s', (R, grade) => {
    expect(gradeForR(R)).toBe(grade);
  });
  it('labels the grades 一级…四级', () => {
    expect([1, 2, 3, 4].map((g) => MHI_GRADE_LABELS[g as 1 | 2 | 3 | 4].zh)).toEqual(['一级', '二级', '三级', '四级']);
  });
  it('R = 100 reached through floating-point arithmetic is still 一级', () => {
    // 100 · (0.7 + 0.2 + 0.1) is 99.99999999999999 in binary floating point
    const R = riskValue({
      alpha: 100,
      items: [
        { q: 0.7, Q: 1, beta: 1 },
        { q: 0.2, Q: 1, beta: 1 },
        { q: 0.1, Q: 1, beta: 1 },
      ],
    });
    expect(R).toBeLessThan(100);
    expect(gradeForR(R)).toBe(1);
  });
  it('rejects a negative R and bad factors', () => {
    expect(() => gradeForR(-1)).toThrow(RangeError);
    expect(() => riskValue({ alpha: 0, items: [] })).toThrow(RangeError);
    expect(() => riskValue({ alpha: 1, items: [{ q: 1, Q: 1, beta: 0 }] })).toThrow(RangeError);
  });
});

describe('α by people within 500 m (表5)', () => {
  it.each([
    [1000, 2.0],
    [100, 2.0],
    [99, 1.5],
    [50, 1.5],
    [49, 1.2],
    [30, 1.2],
    [29, 1.0],
    [1, 1.0],
    [0, 0.5],
  ] as const)('%s people → α %s', (n, alpha) => {
    expect(alphaForPeople(n)).toBe(alpha);
  });
  it('rejects fractional or negative counts', () => {
    expect(() => alphaForPeople(-1)).toThrow(RangeError);
    expect(() => alphaForPeople(1.5)).toThrow(RangeError);
  });
});

describe('β (表3, 表4) and critical quantities (表1)', () => {
  it.each([
    ['carbon_monoxide', 2],
    ['sulfur_dioxide', 2],
    ['ammonia', 2],
    ['ethylene_oxide', 2],
    ['hydrogen_chloride', 3],
    ['methyl_bromide', 3],
    ['chlorine', 4],
    ['hydrogen_sulfide', 5],
    ['hydrogen_fluoride', 5],
    ['nitrogen_dioxide', 10],
    ['hydrogen_cyanide', 10],
    ['phosgene', 20],
    ['phosphine', 20],
    ['methyl_isocyanate', 20],
    ['methane', 1.5],
    ['lpg', 1.5],
    ['acetylene', 1.5],
    ['toluene', 1],
  ] as const)('β(%s) = %s', (key, beta) => {
    expect(betaFor(key)).toBe(beta);
  });
  it('β by hazard class', () => {
    expect(betaFor({ category: 'explosive' })).toBe(2);
    expect(betaFor({ category: 'flammable_gas' })).toBe(1.5);
    expect(betaFor({ category: 'other' })).toBe(1);
    expect(betaFor('unobtainium')).toBeUndefined();
  });
  it.each([
    ['ammonia', 10],
    ['sulfur_dioxide', 20],
    ['phosgene', 0.3],
    ['ethylene_oxide', 10],
    ['chlorine', 5],
    ['methane', 50],
    ['lpg', 50],
    ['acetylene', 1],
    ['benzene', 50],
    ['toluene', 500],
    ['methanol', 500],
    ['gasoline', 200],
  ] as const)('Q(%s) = %s t', (key, Q) => {
    expect(criticalQuantityFor(key)).toBe(Q);
  });
  it('has unique keys and leaves Q empty where RULES does not give it', () => {
    const keys = MHI_SUBSTANCES.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(criticalQuantityFor('hydrogen_sulfide')).toBeUndefined();
  });
});

describe('assessInstallation', () => {
  it('does not grade an installation below the threshold', () => {
    expect(assessInstallation({ peopleWithin500m: 200, items: [{ substance: 'ammonia', q: 5 }] })).toEqual({
      S: 0.5,
      isMajorHazard: false,
      alpha: 2,
      R: 2,
      grade: null,
    });
  });
  it('combines substances with their own β and lets the item override Q and β', () => {
    const a = assessInstallation({
      peopleWithin500m: 0,
      items: [
        { substance: 'chlorine', q: 50 }, // 10 × β4 = 40
        { substance: 'methanol', q: 1000 }, // 2 × β1 = 2
        { q: 30, Q: 10, beta: 2 }, // declared: 3 × 2 = 6
      ],
    });
    expect(a).toEqual({ S: 15, isMajorHazard: true, alpha: 0.5, R: 24, grade: 3 });
  });
  it('needs Q and β when the substance is unknown or has no table value', () => {
    expect(() => assessInstallation({ peopleWithin500m: 0, items: [{ substance: 'x', q: 1 }] })).toThrow(/unknown/);
    expect(() => assessInstallation({ peopleWithin500m: 0, items: [{ substance: 'hydrogen_sulfide', q: 1 }] })).toThrow(
      /Q is required/,
    );
    expect(() => assessInstallation({ peopleWithin500m: 0, items: [{ q: 1, Q: 2 }] })).toThrow(/beta/);
  });
});
