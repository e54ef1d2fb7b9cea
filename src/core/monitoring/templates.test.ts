import { describe, expect, it } from 'vitest';
import {
  type AlarmRule,
  type CompiledPoint,
  compilePoint,
  createPointState,
  evaluate,
  type PointDefinition,
} from './evaluator.js';
import {
  getTemplate,
  resolveThresholds,
  THRESHOLD_TEMPLATES,
  templatesForKind,
  thresholdsSchema,
} from './templates.js';

function compile(def: PointDefinition): CompiledPoint {
  const r = compilePoint(def);
  if (!r.ok) throw new Error(`${r.error}: ${r.message}`);
  return r.point;
}

/** Feeds values 10 s apart and returns the rules active after the last one. */
function activeAfter(point: CompiledPoint, values: readonly number[]): Set<AlarmRule> {
  const state = createPointState(0);
  values.forEach((value, i) => {
    evaluate(state, point, { ts: (i + 1) * 10_000, value });
  });
  return new Set((Object.keys(state.rules) as AlarmRule[]).filter((r) => state.rules[r].active));
}

const dec = (x: number) => Math.round(x * 100) / 100;

describe('template keys are stable', () => {
  it('lists exactly the published keys (renaming one breaks every stored point)', () => {
    expect(THRESHOLD_TEMPLATES.map((t) => t.key)).toEqual([
      'coal-ch4-working-face',
      'coal-ch4-working-face-return',
      'coal-ch4-intake-high-gas',
      'coal-ch4-drainage-roadway',
      'coal-ch4-heading-face',
      'coal-ch4-heading-return',
      'coal-ch4-shearer',
      'coal-ch4-upper-corner',
      'coal-ch4-main-return',
      'coal-co',
      'coal-o2-intake',
      'coal-h2s',
      'coal-no2',
      'coal-so2',
      'coal-nh3',
      'coal-dust-total',
      'coal-dust-respirable',
      'gas-combustible-lel',
      'gas-toxic-oel',
      'gas-o2-vol',
      'tank-level',
      'tank-pressure',
      'tank-temperature',
      'dust-concentration',
    ]);
  });
  it('has no duplicate keys and every template has a basis and a valid merge', () => {
    const keys = THRESHOLD_TEMPLATES.map((t) => t.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of THRESHOLD_TEMPLATES) {
      expect(t.basis.length).toBeGreaterThan(10);
      expect(thresholdsSchema.safeParse(t.thresholds).success, t.key).toBe(true);
      const r = resolveThresholds(t.key, t.requiresOneOf ? { high: 1 } : undefined);
      expect(r.ok, t.key).toBe(true);
    }
  });
  it('flags the upper corner [?] as uncertain', () => {
    expect(getTemplate('coal-ch4-upper-corner')?.uncertain).toBe(true);
    expect(getTemplate('coal-ch4-working-face')?.uncertain).toBeUndefined();
  });
  it('finds templates by kind', () => {
    expect(templatesForKind('o2').map((t) => t.key)).toEqual(['coal-o2-intake', 'gas-o2-vol']);
  });
});

// 《煤矿安全规程》第四百九十八条 表19 (RULES §5): alarm ≥, power cut ≥, restore <.
const METHANE_TABLE: readonly [string, number, number, number][] = [
  ['coal-ch4-working-face', 1.0, 1.5, 1.0],
  ['coal-ch4-working-face-return', 1.0, 1.0, 1.0],
  ['coal-ch4-intake-high-gas', 0.5, 0.5, 0.5],
  ['coal-ch4-drainage-roadway', 2.5, 2.5, 2.5],
  ['coal-ch4-heading-face', 1.0, 1.5, 1.0],
  ['coal-ch4-heading-return', 1.0, 1.0, 1.0],
  ['coal-ch4-shearer', 1.0, 1.5, 1.0],
  ['coal-ch4-upper-corner', 1.0, 1.5, 1.0],
];

describe.each(METHANE_TABLE)('methane %s: alarm ≥%s, power cut ≥%s, restore <%s', (key, alarm, powerCut, restore) => {
  const point = compile({ templateKey: key });

  it('carries the table numbers', () => {
    expect(getTemplate(key)?.thresholds).toMatchObject({ high: alarm, powerCut, restore });
    expect(getTemplate(key)?.kind).toBe('methane');
  });
  it('alarms at exactly the alarm level, not 0.01 below', () => {
    expect(activeAfter(point, [dec(alarm - 0.01)]).has('high')).toBe(false);
    expect(activeAfter(point, [alarm]).has('high')).toBe(true);
  });
  it('cuts power at exactly the power-cut level, not 0.01 below', () => {
    expect(activeAfter(point, [dec(powerCut - 0.01)]).has('power_cut')).toBe(false);
    expect(activeAfter(point, [powerCut]).has('power_cut')).toBe(true);
  });
  it('stays alarmed and cut at exactly the restore value; both clear only below it', () => {
    const atRestore = activeAfter(point, [powerCut, restore]);
    expect(atRestore.has('power_cut')).toBe(true);
    expect(atRestore.has('high')).toBe(true);
    const below = activeAfter(point, [powerCut, restore, dec(restore - 0.01)]);
    expect(below.has('power_cut')).toBe(false);
    expect(below.has('high')).toBe(false);
  });
});

describe('working face T1 between alarm and power cut', () => {
  it('alarms at 1.2 % without cutting power', () => {
    const active = activeAfter(compile({ templateKey: 'coal-ch4-working-face' }), [1.2]);
    expect(active.has('high')).toBe(true);
    expect(active.has('power_cut')).toBe(false);
  });
  it('after a power cut at 1.6 %, 1.2 % keeps the power cut (restore is < 1.0 %, not < 1.5 %)', () => {
    const active = activeAfter(compile({ templateKey: 'coal-ch4-working-face' }), [1.6, 1.2]);
    expect(active.has('power_cut')).toBe(true);
  });
});

// Legal maxima ("最高允许浓度", "不得超过"): the limit itself is compliant, anything above is a breach.
const MAX_LIMITS: readonly [string, number, number][] = [
  ['coal-ch4-main-return', 0.75, 0.76],
  ['coal-co', 24, 24.01],
  ['coal-h2s', 6.6, 6.61],
  ['coal-no2', 2.5, 2.51],
  ['coal-so2', 5, 5.01],
  ['coal-nh3', 40, 40.01],
  ['coal-dust-total', 4, 4.01],
  ['coal-dust-respirable', 2.5, 2.51],
];

describe.each(MAX_LIMITS)('limit %s ≤ %s', (key, limit, above) => {
  const point = compile({ templateKey: key });
  it('does not alarm at the limit, alarms just above it', () => {
    expect(getTemplate(key)?.thresholds).toMatchObject({ high: limit, bound: 'exceed' });
    expect(activeAfter(point, [limit]).has('high')).toBe(false);
    expect(activeAfter(point, [above]).has('high')).toBe(true);
  });
  it('clears when back at the limit', () => {
    expect(activeAfter(point, [above, limit]).has('high')).toBe(false);
    expect(activeAfter(point, [above, above]).has('high')).toBe(true);
  });
});

describe('coal-o2-intake: O2 not below 20 % (《煤矿安全规程》第一百三十五条)', () => {
  const point = compile({ templateKey: 'coal-o2-intake' });
  it('is a low alarm: 20 % is compliant, 19.99 % alarms', () => {
    expect(activeAfter(point, [20]).has('low')).toBe(false);
    expect(activeAfter(point, [19.99]).has('low')).toBe(true);
    expect(activeAfter(point, [19.99]).has('high')).toBe(false);
  });
  it('clears at 20 % again', () => {
    expect(activeAfter(point, [19.99, 20]).has('low')).toBe(false);
  });
});

describe('GB/T 50493-2019 §5.5 detector set points', () => {
  it('combustible: level 1 at 25 %LEL, level 2 at 50 %LEL', () => {
    const p = compile({ templateKey: 'gas-combustible-lel' });
    expect(activeAfter(p, [24.99]).has('high')).toBe(false);
    expect(activeAfter(p, [25]).has('high')).toBe(true);
    expect(activeAfter(p, [49.99]).has('high_high')).toBe(false);
    expect(activeAfter(p, [50]).has('high_high')).toBe(true);
  });
  it('toxic: level 1 at 100 %OEL, level 2 at 200 %OEL', () => {
    const p = compile({ templateKey: 'gas-toxic-oel' });
    expect(activeAfter(p, [99.99]).has('high')).toBe(false);
    expect(activeAfter(p, [100]).has('high')).toBe(true);
    expect(activeAfter(p, [199.99]).has('high_high')).toBe(false);
    expect(activeAfter(p, [200]).has('high_high')).toBe(true);
  });
  it('oxygen: high at 23.5 %VOL, low at 19.5 %VOL', () => {
    const p = compile({ templateKey: 'gas-o2-vol' });
    expect(activeAfter(p, [23.49]).has('high')).toBe(false);
    expect(activeAfter(p, [23.5]).has('high')).toBe(true);
    expect(activeAfter(p, [19.51]).has('low')).toBe(false);
    expect(activeAfter(p, [19.5]).has('low')).toBe(true);
    expect(activeAfter(p, [19.5, 19.5]).has('low')).toBe(true);
    expect(activeAfter(p, [19.5, 19.51]).has('low')).toBe(false);
  });
});

describe('parametrised tank templates', () => {
  it.each(['tank-level', 'tank-pressure', 'tank-temperature'])('%s needs the point to give its levels', (key) => {
    const missing = resolveThresholds(key, {});
    expect(missing).toMatchObject({ ok: false, error: 'MISSING_PARAMETER' });
    const given = resolveThresholds(key, { high: 8, highHigh: 9, low: 1, lowLow: 0.5 });
    expect(given).toMatchObject({ ok: true, thresholds: { high: 8, highHigh: 9, low: 1, lowLow: 0.5 } });
  });
  it('a tank level point alarms on all four bands', () => {
    const p = compile({ templateKey: 'tank-level', overrides: { high: 8, highHigh: 9, low: 1, lowLow: 0.5 } });
    expect([...activeAfter(p, [9])].sort()).toEqual(['high', 'high_high']);
    expect([...activeAfter(p, [0.5])].sort()).toEqual(['low', 'low_low']);
    expect(activeAfter(p, [5]).size).toBe(0);
  });
  it('dust-concentration needs a high level', () => {
    expect(resolveThresholds('dust-concentration', { low: 1 })).toMatchObject({
      ok: false,
      error: 'MISSING_PARAMETER',
    });
    expect(resolveThresholds('dust-concentration', { high: 10 }).ok).toBe(true);
  });
});

describe('resolveThresholds', () => {
  it('rejects an unknown template', () => {
    expect(resolveThresholds('nope', {})).toMatchObject({ ok: false, error: 'UNKNOWN_TEMPLATE', field: 'templateKey' });
  });
  it('works without a template', () => {
    expect(resolveThresholds(undefined, { high: 3 })).toEqual({ ok: true, thresholds: { high: 3 }, template: null });
  });
  it('overrides replace template numbers and null removes them', () => {
    const r = resolveThresholds('coal-ch4-working-face', { high: 0.8, powerCut: null, persistSeconds: 5 });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    expect(r.thresholds).toEqual({ high: 0.8, restore: 1.0, persistSeconds: 5, bound: 'reach' });
    // the template itself is untouched
    expect(getTemplate('coal-ch4-working-face')?.thresholds.powerCut).toBe(1.5);
  });
  it('rejects inconsistent levels', () => {
    expect(resolveThresholds(undefined, { low: 5, high: 5 })).toMatchObject({
      ok: false,
      error: 'INCONSISTENT_THRESHOLDS',
      field: 'low',
    });
    expect(resolveThresholds(undefined, { high: 5, highHigh: 4 })).toMatchObject({ error: 'INCONSISTENT_THRESHOLDS' });
    expect(resolveThresholds('coal-ch4-working-face', { powerCut: 0.9 })).toMatchObject({
      error: 'INCONSISTENT_THRESHOLDS',
      field: 'high',
    });
    expect(resolveThresholds(undefined, { lowLow: 3, low: 2, high: 9 })).toMatchObject({
      error: 'INCONSISTENT_THRESHOLDS',
    });
  });
  it('rejects invalid numbers with the offending field', () => {
    expect(resolveThresholds(undefined, { deadband: -1 })).toMatchObject({
      ok: false,
      error: 'INVALID_THRESHOLD',
      field: 'deadband',
    });
    expect(resolveThresholds(undefined, { high: Number.NaN })).toMatchObject({ error: 'INVALID_THRESHOLD' });
    expect(resolveThresholds(undefined, { rateOfChangePerMin: 0 })).toMatchObject({ error: 'INVALID_THRESHOLD' });
  });
});
