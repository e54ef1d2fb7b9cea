import { describe, expect, it } from 'vitest';
import {
  CREDIT_COUNTED_INPUTS,
  type CreditCountedInput,
  type CreditInputs,
  type CreditSettings,
  computeCredit,
  creditInputsSchema,
  creditSettingsSchema,
  DEFAULT_CREDIT_SETTINGS,
  minimumInspectionFrequency,
  RISK_TIERS,
  type RiskTier,
  tierChange,
  tierForScore,
} from './credit.js';

function clean(): CreditInputs {
  return {
    openGeneralHazards: 0,
    overdueGeneralHazards: 0,
    openMajorHazards: 0,
    overdueMajorHazards: 0,
    accidents3y: { ordinary: 0, larger: 0, major: 0, especially_major: 0 },
    seriousDishonestyListed: false,
    violations12m: 0,
    unacknowledgedAlarms: 0,
    standardization: { grade: null, valid: false },
    expiredLicences: 0,
    lastInspection: null,
    quizFailures12m: 0,
  };
}

/** Inputs with `n` items of one counted input. */
function withCount(key: CreditCountedInput, n: number): CreditInputs {
  const i = clean();
  switch (key) {
    case 'accidentsOrdinary':
      i.accidents3y.ordinary = n;
      break;
    case 'accidentsLarger':
      i.accidents3y.larger = n;
      break;
    case 'accidentsMajor':
      i.accidents3y.major = n;
      break;
    case 'accidentsEspeciallyMajor':
      i.accidents3y.especially_major = n;
      break;
    case 'nonCompliantItems':
      i.lastInspection = { nonCompliantItems: n };
      break;
    default:
      i[key] = n;
  }
  return i;
}

/** Settings with no caps and a single weight per item, so the score moves 1:1 with one input. */
function settingsWith(patch: Partial<CreditSettings>): CreditSettings {
  return { ...DEFAULT_CREDIT_SETTINGS, ...patch };
}

describe('computeCredit', () => {
  it('a clean record scores 100: low tier, commitment-based supervision, no contributions', () => {
    const r = computeCredit(clean());
    expect(r).toMatchObject({ score: 100, tier: 'low', mode: 'commitment', contributions: [], unclamped: 100 });
    expect(r.forcedHigh).toBeNull();
  });

  describe.each(CREDIT_COUNTED_INPUTS)('%s', (key) => {
    const w = DEFAULT_CREDIT_SETTINGS.weights[key];
    it('moves the score by exactly perItem × count below the cap', () => {
      for (const n of [1, 2]) {
        if (w.cap !== null && n * w.perItem > w.cap) continue;
        const r = computeCredit(withCount(key, n));
        expect(r.score).toBe(Math.max(0, 100 - n * w.perItem));
        expect(r.contributions).toHaveLength(1);
        expect(r.contributions[0]).toMatchObject({ input: key, points: -n * w.perItem, count: n, capped: false });
      }
    });
    it('zero items contribute nothing', () => {
      expect(computeCredit(withCount(key, 0)).contributions).toEqual([]);
    });
    if (w.cap !== null) {
      const cap = w.cap;
      it(`deducts at most its cap (${cap})`, () => {
        const atCap = Math.floor(cap / w.perItem);
        const exact = computeCredit(withCount(key, atCap)).contributions[0];
        expect(exact).toMatchObject({ points: -atCap * w.perItem, capped: false });
        const over = computeCredit(withCount(key, atCap + 1)).contributions[0];
        expect(over).toMatchObject({ points: -cap, capped: true, count: atCap + 1 });
        expect(over?.detail.zh).toContain(`上限 ${cap} 分`);
        expect(over?.detail.en).toContain(`capped at ${cap}`);
      });
    }
  });

  it('weights and caps are county settings', () => {
    const s = creditSettingsSchema.parse({ weights: { violations12m: { perItem: 3, cap: null } } });
    expect(s.weights.violations12m).toEqual({ perItem: 3, cap: null });
    expect(computeCredit(withCount('violations12m', 20), s).score).toBe(40);
    expect(s.weights.openGeneralHazards).toEqual(DEFAULT_CREDIT_SETTINGS.weights.openGeneralHazards);
  });

  it('explains a contribution in a sentence (the issue example: −12, two overdue major hazards)', () => {
    const r = computeCredit(withCount('overdueMajorHazards', 2));
    expect(r.contributions[0]?.detail).toEqual({ zh: '−12：2 项逾期重大隐患', en: '−12: two overdue major hazards' });
    expect(computeCredit(withCount('openGeneralHazards', 1)).contributions[0]?.detail).toEqual({
      zh: '−1：1 项一般隐患未整改',
      en: '−1: one open general hazard',
    });
    expect(computeCredit(withCount('violations12m', 8)).contributions[0]?.detail.en).toBe(
      '−8: eight violations (三违) in the last 12 months',
    );
    expect(computeCredit(withCount('openGeneralHazards', 11)).contributions[0]?.detail.en).toBe(
      '−10: 11 open general hazards (capped at 10)',
    );
  });

  it('adds the standardization bonus only for a valid grade', () => {
    const base = withCount('violations12m', 10); // 90
    for (const [grade, bonus] of [
      [1, 6],
      [2, 4],
      [3, 2],
    ] as const) {
      const r = computeCredit({ ...base, standardization: { grade, valid: true } });
      expect(r.score).toBe(90 + bonus);
      expect(r.contributions.at(-1)).toMatchObject({ input: 'standardization', points: bonus });
    }
    expect(computeCredit({ ...base, standardization: { grade: 1, valid: false } }).score).toBe(90);
    expect(computeCredit({ ...base, standardization: { grade: null, valid: true } }).score).toBe(90);
    expect(computeCredit({ ...base, standardization: { grade: 1, valid: true } }).contributions.at(-1)?.detail).toEqual(
      { zh: '+6：安全生产标准化一级（有效期内）', en: '+6: valid standardization grade 1' },
    );
  });

  it('never passes 100 with a bonus', () => {
    const r = computeCredit({ ...clean(), standardization: { grade: 1, valid: true } });
    expect(r.score).toBe(100);
    expect(r.unclamped).toBe(106);
  });

  it('clamps at 0', () => {
    const i = clean();
    i.accidents3y.especially_major = 2;
    const r = computeCredit(i);
    expect(r.score).toBe(0);
    expect(r.unclamped).toBe(-20);
    expect(r.tier).toBe('high');
  });

  it('the dishonesty listing deducts its points and forces the high tier', () => {
    const r = computeCredit({ ...clean(), seriousDishonestyListed: true });
    expect(r.score).toBe(70);
    expect(r.scoreTier).toBe('general');
    expect(r.tier).toBe('high');
    expect(r.mode).toBe('key');
    expect(r.contributions[0]).toMatchObject({ input: 'seriousDishonestyListed', points: -30 });
    expect(r.forcedHigh?.en).toContain('dishonesty');
  });

  it('a major or especially major accident in 3 years forces high even when the score is high', () => {
    const noWeight = creditSettingsSchema.parse({
      weights: { accidentsMajor: { perItem: 0 }, accidentsEspeciallyMajor: { perItem: 0 } },
    });
    for (const key of ['accidentsMajor', 'accidentsEspeciallyMajor'] as const) {
      const r = computeCredit(withCount(key, 1), noWeight);
      expect(r.score).toBe(100);
      expect(r.scoreTier).toBe('low');
      expect(r.tier).toBe('high');
      expect(r.mode).toBe('key');
    }
    // A larger accident does not force high by itself.
    expect(computeCredit(withCount('accidentsLarger', 1)).tier).toBe('general');
  });

  it('forcing can be switched off', () => {
    const s = creditSettingsSchema.parse({ forceHighOnMajorAccident: false, forceHighOnDishonesty: false });
    expect(computeCredit(withCount('accidentsMajor', 1), s).tier).toBe('general'); // 60
    expect(computeCredit({ ...clean(), seriousDishonestyListed: true }, s).tier).toBe('general'); // 70
  });

  describe('tier cut-offs: ≥85 low, 60–84 general, <60 high', () => {
    const s = settingsWith({
      weights: { ...DEFAULT_CREDIT_SETTINGS.weights, violations12m: { perItem: 1, cap: null } },
    });
    it.each([
      [15, 85, 'low', 'commitment'],
      [16, 84, 'general', 'routine'],
      [40, 60, 'general', 'routine'],
      [41, 59, 'high', 'key'],
    ] as const)('%i violations → %i → %s', (n, score, tier, mode) => {
      const r = computeCredit(withCount('violations12m', n), s);
      expect(r).toMatchObject({ score, tier, mode });
    });
    it('tierForScore at the bounds', () => {
      expect(tierForScore(85)).toBe('low');
      expect(tierForScore(84)).toBe('general');
      expect(tierForScore(60)).toBe('general');
      expect(tierForScore(59)).toBe('high');
      expect(tierForScore(0)).toBe('high');
      expect(tierForScore(100)).toBe('low');
    });
  });

  it('contributions add up to the unclamped score, listed in a fixed order', () => {
    const i: CreditInputs = {
      openGeneralHazards: 3,
      overdueGeneralHazards: 1,
      openMajorHazards: 1,
      overdueMajorHazards: 2,
      accidents3y: { ordinary: 1, larger: 0, major: 0, especially_major: 0 },
      seriousDishonestyListed: false,
      violations12m: 4,
      unacknowledgedAlarms: 1,
      standardization: { grade: 2, valid: true },
      expiredLicences: 1,
      lastInspection: { nonCompliantItems: 3 },
      quizFailures12m: 1,
    };
    const r = computeCredit(i);
    const sum = r.contributions.reduce((s, c) => s + c.points, 0);
    expect(r.unclamped).toBe(100 + sum);
    // 100 −3 −2 −4 −12 −10 −4 −2 −5 −3 −3 +4 = 56
    expect(r.score).toBe(56);
    expect(r.tier).toBe('high');
    expect(r.contributions.map((c) => c.input)).toEqual([
      'openGeneralHazards',
      'overdueGeneralHazards',
      'openMajorHazards',
      'overdueMajorHazards',
      'accidentsOrdinary',
      'violations12m',
      'unacknowledgedAlarms',
      'expiredLicences',
      'nonCompliantItems',
      'quizFailures12m',
      'standardization',
    ]);
  });

  it('rejects impossible counts', () => {
    expect(() => computeCredit(withCount('violations12m', -1))).toThrow(RangeError);
    expect(() => computeCredit(withCount('violations12m', 1.5))).toThrow(RangeError);
  });
});

describe('creditInputsSchema', () => {
  it('accepts a record and rejects negatives and bad grades', () => {
    expect(creditInputsSchema.safeParse(clean()).success).toBe(true);
    expect(creditInputsSchema.safeParse({ ...clean(), violations12m: -1 }).success).toBe(false);
    expect(creditInputsSchema.safeParse({ ...clean(), standardization: { grade: 4, valid: true } }).success).toBe(
      false,
    );
  });
});

describe('creditSettingsSchema', () => {
  it('an empty object gives the defaults', () => {
    expect(creditSettingsSchema.parse({})).toEqual(DEFAULT_CREDIT_SETTINGS);
  });
  it('cut-offs must be ordered', () => {
    expect(creditSettingsSchema.safeParse({ lowRiskMinScore: 60, generalRiskMinScore: 60 }).success).toBe(false);
    expect(creditSettingsSchema.safeParse({ lowRiskMinScore: 90, generalRiskMinScore: 70 }).success).toBe(true);
  });
  it('rejects negative or fractional weights', () => {
    expect(creditSettingsSchema.safeParse({ weights: { violations12m: { perItem: -1 } } }).success).toBe(false);
    expect(creditSettingsSchema.safeParse({ weights: { violations12m: { perItem: 1.5 } } }).success).toBe(false);
  });
  it('custom cut-offs move the tiers', () => {
    const s = creditSettingsSchema.parse({ lowRiskMinScore: 90, generalRiskMinScore: 70 });
    expect(computeCredit(withCount('violations12m', 10), s).tier).toBe('low'); // 90
    expect(computeCredit(withCount('expiredLicences', 3), s).tier).toBe('general'); // 85
  });
});

describe('minimumInspectionFrequency', () => {
  it('defaults: high monthly, general quarterly, low yearly plus a commitment', () => {
    expect(minimumInspectionFrequency('high')).toEqual({ perYear: 12, commitmentRequired: false });
    expect(minimumInspectionFrequency('general')).toEqual({ perYear: 4, commitmentRequired: false });
    expect(minimumInspectionFrequency('low')).toEqual({ perYear: 1, commitmentRequired: true });
  });
  it('follows the county setting', () => {
    const s = creditSettingsSchema.parse({ frequency: { high: { perYear: 24 } } });
    expect(minimumInspectionFrequency('high', s).perYear).toBe(24);
    expect(minimumInspectionFrequency('low', s).perYear).toBe(1);
  });
});

describe('tierChange', () => {
  const order: Record<RiskTier, number> = { low: 0, general: 1, high: 2 };
  it.each(RISK_TIERS.flatMap((a) => RISK_TIERS.map((b) => [a, b] as const)))('%s → %s', (from, to) => {
    const c = tierChange(from, to);
    const expected = order[to] > order[from] ? 'raised' : order[to] < order[from] ? 'lowered' : 'unchanged';
    expect(c.direction).toBe(expected);
    expect(c.changed).toBe(from !== to);
    expect(c.from).toBe(from);
    expect(c.to).toBe(to);
  });
  it('describes the change with the supervision modes', () => {
    expect(tierChange('general', 'high')).toMatchObject({
      fromMode: 'routine',
      toMode: 'key',
      text: {
        zh: '由一般风险升为高风险，改为重点式监管',
        en: 'Raised from general risk to high risk; now key supervision',
      },
    });
    expect(tierChange('high', 'low').text.zh).toBe('由高风险降为低风险，改为承诺式监管');
    expect(tierChange('low', 'low').text.zh).toBe('维持低风险（承诺式监管）');
  });
  it('a first assessment has no previous tier', () => {
    expect(tierChange(null, 'general')).toMatchObject({
      from: null,
      direction: 'initial',
      changed: true,
      fromMode: null,
      toMode: 'routine',
    });
  });
});
