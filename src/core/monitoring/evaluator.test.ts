import { describe, expect, it } from 'vitest';
import {
  ALARM_RULES,
  type AlarmEvent,
  type AlarmRule,
  activeRules,
  type CompiledPoint,
  compilePoint,
  createPointState,
  deserializeState,
  evaluate,
  FLATLINE_MIN_CHANGES,
  type PointDefinition,
  type PointState,
  pointDefinitionSchema,
  RULE_META,
  SEVERITY_COLOUR,
  SEVERITY_WARNING_LEVEL,
  serializeState,
  tick,
} from './evaluator.js';

function compile(def: PointDefinition): CompiledPoint {
  const r = compilePoint(def);
  if (!r.ok) throw new Error(`${r.error}: ${r.message}`);
  return r.point;
}

const S = 1000;

/** Feeds [seconds, value] pairs and returns all events. */
function feed(state: PointState, p: CompiledPoint, readings: readonly [number, number][]): AlarmEvent[] {
  const out: AlarmEvent[] = [];
  for (const [t, value] of readings) out.push(...evaluate(state, p, { ts: t * S, value }));
  return out;
}

const brief = (events: readonly AlarmEvent[]) => events.map((e) => `${e.type}:${e.rule}`);

describe('severity mapping (RULES §9: I red, II orange, III yellow, IV blue)', () => {
  it('maps 4 → red → I down to 1 → blue → IV', () => {
    expect(SEVERITY_COLOUR).toEqual({ 1: 'blue', 2: 'yellow', 3: 'orange', 4: 'red' });
    expect(SEVERITY_WARNING_LEVEL).toEqual({ 1: 'IV', 2: 'III', 3: 'II', 4: 'I' });
  });
  it('gives power cut and high-high red, high orange, tampering rules flagged', () => {
    expect(RULE_META.power_cut.severity).toBe(4);
    expect(RULE_META.high_high.severity).toBe(4);
    expect(RULE_META.low_low.severity).toBe(4);
    expect(RULE_META.high.severity).toBe(3);
    expect(RULE_META.low.severity).toBe(3);
    expect(RULE_META.offline.severity).toBe(3);
    expect(RULE_META.rate_of_change.severity).toBe(1);
    const tampering = ALARM_RULES.filter((r) => RULE_META[r].tampering);
    expect(tampering.sort()).toEqual(['flatline', 'gap_around_exceedance', 'out_of_range']);
  });
  it('lets a point override a severity', () => {
    const p = compile({ overrides: { high: 1 }, severities: { high: 4 } });
    const [e] = evaluate(createPointState(0), p, { ts: 1, value: 2 });
    expect(e).toMatchObject({ type: 'raise', rule: 'high', severity: 4 });
  });
});

describe('level rules', () => {
  it('raises power cut on the methane working face with severity red and the threshold', () => {
    const p = compile({ templateKey: 'coal-ch4-working-face' });
    const events = feed(createPointState(0), p, [[10, 1.5]]);
    expect(events).toEqual([
      {
        type: 'raise',
        rule: 'power_cut',
        severity: 4,
        tampering: false,
        value: 1.5,
        measured: 1.5,
        threshold: 1.5,
        ts: 10 * S,
      },
      {
        type: 'raise',
        rule: 'high',
        severity: 3,
        tampering: false,
        value: 1.5,
        measured: 1.5,
        threshold: 1.0,
        ts: 10 * S,
      },
    ]);
  });
  it('power cut 1.49 % does not cut power', () => {
    const p = compile({ templateKey: 'coal-ch4-working-face' });
    expect(brief(feed(createPointState(0), p, [[10, 1.49]]))).toEqual(['raise:high']);
  });
  it('emits update on a new peak only, and clear once', () => {
    const p = compile({ overrides: { high: 10 } });
    const s = createPointState(0);
    expect(brief(feed(s, p, [[10, 10]]))).toEqual(['raise:high']);
    expect(feed(s, p, [[20, 11]])).toMatchObject([{ type: 'update', rule: 'high', value: 11 }]);
    expect(feed(s, p, [[30, 10.5]])).toEqual([]);
    expect(feed(s, p, [[40, 12]])).toMatchObject([{ type: 'update', value: 12 }]);
    expect(brief(feed(s, p, [[50, 9]]))).toEqual(['clear:high']);
    expect(feed(s, p, [[60, 8]])).toEqual([]);
  });
  it('deadband: raised at ≥ high, cleared only below high − deadband', () => {
    const p = compile({ overrides: { high: 10, deadband: 1 } });
    const s = createPointState(0);
    expect(brief(feed(s, p, [[10, 10]]))).toEqual(['raise:high']);
    expect(feed(s, p, [[20, 9.5]])).toEqual([]);
    expect(feed(s, p, [[30, 9]])).toEqual([]); // 9 is not < 10 − 1
    expect(feed(s, p, [[40, 8.99]])).toMatchObject([{ type: 'clear', rule: 'high', threshold: 9 }]);
    // and it re-raises only at ≥ 10 again
    expect(feed(s, p, [[50, 9.99]])).toEqual([]);
    expect(brief(feed(s, p, [[60, 10]]))).toEqual(['raise:high']);
  });
  it('deadband on a low alarm: cleared only above low + deadband', () => {
    const p = compile({ overrides: { low: 5, deadband: 0.5 } });
    const s = createPointState(0);
    expect(brief(feed(s, p, [[10, 5]]))).toEqual(['raise:low']);
    expect(feed(s, p, [[20, 5.5]])).toEqual([]);
    expect(brief(feed(s, p, [[30, 5.51]]))).toEqual(['clear:low']);
  });
  it('restore takes precedence over the deadband', () => {
    const p = compile({ overrides: { high: 1, powerCut: 1.5, restore: 1, deadband: 0.3 } });
    const s = createPointState(0);
    feed(s, p, [[10, 1.6]]);
    expect(brief(feed(s, p, [[20, 0.99]]))).toEqual(['clear:power_cut', 'clear:high']);
  });
  it('a restore above the alarm level never makes the high alarm flap', () => {
    // upper-corner variant with 复电 <1.5 %: high (1.0) may clear only below 1.0
    const p = compile({ overrides: { high: 1, powerCut: 1.5, restore: 1.5 } });
    const s = createPointState(0);
    expect(brief(feed(s, p, [[10, 1.2]]))).toEqual(['raise:high']);
    expect(feed(s, p, [[20, 1.2]])).toEqual([]);
    expect(brief(feed(s, p, [[30, 1.5]]))).toEqual(['raise:power_cut', 'update:high']);
    expect(brief(feed(s, p, [[40, 1.49]]))).toEqual(['clear:power_cut']);
    expect(brief(feed(s, p, [[50, 0.99]]))).toEqual(['clear:high']);
  });
  it('clears an active rule whose threshold was removed by a configuration change', () => {
    const s = createPointState(0);
    feed(s, compile({ overrides: { high: 1 } }), [[10, 2]]);
    expect(brief(feed(s, compile({ overrides: { low: 0 } }), [[20, 2]]))).toEqual(['clear:high']);
  });
});

describe('persistence', () => {
  const p = compile({ overrides: { high: 10, highHigh: 20, powerCut: 30, persistSeconds: 30 } });
  it('raises only after the condition held for persistSeconds', () => {
    const s = createPointState(0);
    expect(
      feed(s, p, [
        [0, 11],
        [10, 12],
        [20, 11],
      ]),
    ).toEqual([]);
    expect(feed(s, p, [[30, 11]])).toMatchObject([{ type: 'raise', rule: 'high', ts: 30 * S }]);
  });
  it('restarts the timer when the condition breaks', () => {
    const s = createPointState(0);
    expect(
      feed(s, p, [
        [0, 11],
        [10, 9],
        [20, 11],
        [40, 11],
      ]),
    ).toEqual([]);
    expect(brief(feed(s, p, [[50, 11]]))).toEqual(['raise:high']);
  });
  it('never delays a power cut', () => {
    const s = createPointState(0);
    expect(brief(feed(s, p, [[0, 31]]))).toEqual(['raise:power_cut']);
  });
});

describe('rate of change', () => {
  const p = compile({ overrides: { rateOfChangePerMin: 0.5 } });
  it('raises when the change over a ≥60 s window reaches the limit per minute, clears when it falls', () => {
    const s = createPointState(0);
    expect(
      feed(s, p, [
        [0, 0.1],
        [30, 0.2],
      ]),
    ).toEqual([]);
    expect(feed(s, p, [[60, 0.6]])).toMatchObject([
      { type: 'raise', rule: 'rate_of_change', severity: 1, value: 0.6, threshold: 0.5 },
    ]);
    expect(feed(s, p, [[60 + 60, 0.6]])).toMatchObject([{ type: 'clear', rule: 'rate_of_change', measured: 0 }]);
  });
  it('does not raise just below the limit; falling fast counts too', () => {
    const s = createPointState(0);
    expect(
      feed(s, p, [
        [0, 1],
        [60, 1.49],
      ]),
    ).toEqual([]);
    expect(brief(feed(s, p, [[120, 0.9]]))).toEqual(['raise:rate_of_change']);
  });
});

describe('out of range (tampering)', () => {
  const p = compile({ templateKey: 'coal-ch4-working-face', rangeMin: 0, rangeMax: 4 });
  it('flags values outside the sensor range but still evaluates the level rules', () => {
    const s = createPointState(0);
    const events = feed(s, p, [[10, 4.01]]);
    expect(brief(events)).toEqual(['raise:out_of_range', 'raise:power_cut', 'raise:high']);
    expect(events[0]).toMatchObject({ tampering: true, threshold: 4, severity: 2 });
    expect(brief(feed(s, p, [[20, 0.2]]))).toEqual(['clear:out_of_range', 'clear:power_cut', 'clear:high']);
  });
  it('flags a value below the range and accepts the bounds themselves', () => {
    expect(feed(createPointState(0), p, [[10, -0.01]])).toMatchObject([{ rule: 'out_of_range', threshold: 0 }]);
    expect(feed(createPointState(0), p, [[10, 0]])).toEqual([]);
    expect(brief(feed(createPointState(0), p, [[10, 4]]))).toEqual(['raise:power_cut', 'raise:high']);
  });
  it('flags a non-finite value and ignores it otherwise', () => {
    const s = createPointState(0);
    feed(s, p, [[10, 0.3]]);
    expect(feed(s, p, [[20, Number.NaN]])).toMatchObject([{ type: 'raise', rule: 'out_of_range', value: null }]);
    expect(s.lastValue).toBe(0.3);
  });
});

describe('offline (AQ 6201: a sensor that stops reporting is itself an alarm)', () => {
  const p = compile({ templateKey: 'coal-ch4-working-face' }); // default interval 10 s → offline at 30 s
  it('raises at exactly 3 × the interval, not before; clears on the next reading', () => {
    const s = createPointState(0);
    feed(s, p, [[100, 0.3]]);
    expect(tick(s, p, 100 * S + 29_999)).toEqual([]);
    expect(tick(s, p, 130 * S)).toEqual([
      {
        type: 'raise',
        rule: 'offline',
        severity: 3,
        tampering: false,
        value: 0.3,
        measured: 30,
        threshold: 30,
        ts: 130 * S,
      },
    ]);
    expect(tick(s, p, 140 * S)).toEqual([]); // raised once
    expect(feed(s, p, [[145, 0.3]])).toMatchObject([{ type: 'clear', rule: 'offline', measured: 45 }]);
  });
  it('uses the point interval', () => {
    const q = compile({ overrides: { high: 1 }, intervalSeconds: 60 });
    const s = createPointState(0);
    feed(s, q, [[0, 0]]);
    expect(tick(s, q, 179_999)).toEqual([]);
    expect(brief(tick(s, q, 180_000))).toEqual(['raise:offline']);
  });
  it('detects a point that never reported, counting from when it was armed', () => {
    const s = createPointState(1_000);
    expect(tick(s, p, 30_999)).toEqual([]);
    expect(tick(s, p, 31_000)).toMatchObject([{ rule: 'offline', value: null }]);
    const lazy = createPointState();
    expect(tick(lazy, p, 5_000)).toEqual([]); // arms
    expect(brief(tick(lazy, p, 35_000))).toEqual(['raise:offline']);
  });
});

describe('flatline (tampering)', () => {
  const p = compile({ overrides: { high: 1 }, flatlineSeconds: 600 });

  /** Values that change every reading for n readings from t0 (s), 10 s apart. */
  function varying(t0: number, n: number): [number, number][] {
    return Array.from({ length: n }, (_, i) => [t0 + i * 10, i % 2 === 0 ? 0.2 : 0.3] as [number, number]);
  }
  function constant(t0: number, n: number, value: number): [number, number][] {
    return Array.from({ length: n }, (_, i) => [t0 + i * 10, value] as [number, number]);
  }

  it('raises when a normally varying point sits still for flatlineSeconds, clears when it moves', () => {
    const s = createPointState(0);
    expect(feed(s, p, varying(0, 20))).toEqual([]);
    // last varying reading at 190 s (0.3); the run starts there. 0.3 held until 190 + 600 = 790 s.
    expect(feed(s, p, constant(200, 59, 0.3))).toEqual([]); // up to 780 s
    const events = feed(s, p, [[790, 0.3]]);
    expect(events).toMatchObject([
      { type: 'raise', rule: 'flatline', tampering: true, severity: 2, measured: 600, threshold: 600 },
    ]);
    expect(feed(s, p, [[800, 0.3]])).toEqual([]);
    expect(feed(s, p, [[810, 0.25]])).toMatchObject([{ type: 'clear', rule: 'flatline' }]);
  });
  it('never flags a point that does not normally vary', () => {
    const s = createPointState(0);
    expect(feed(s, p, constant(0, 1000, 0))).toEqual([]);
  });
  it(`needs at least ${FLATLINE_MIN_CHANGES} changes of history`, () => {
    const s = createPointState(0);
    feed(s, p, varying(0, FLATLINE_MIN_CHANGES)); // 4 changes
    expect(feed(s, p, constant(50, 100, 0.2))).toEqual([]);
  });
  it('does not flag a point whose values change rarely (mean run > a quarter of the window)', () => {
    const s = createPointState(0);
    // changes every 200 s: mean run 200 s > 600 s × 0.25
    const slow: [number, number][] = [];
    for (let i = 0; i < 10; i++) slow.push(...constant(i * 200, 20, i % 2 === 0 ? 0.2 : 0.3));
    feed(s, p, slow);
    expect(feed(s, p, constant(2000, 100, 0.3))).toEqual([]);
  });
  it('treats changes within the tolerance as unchanged', () => {
    const q = compile({ overrides: { high: 1 }, flatlineSeconds: 600, flatlineTolerance: 0.01 });
    const s = createPointState(0);
    feed(s, q, varying(0, 20));
    const jitter = Array.from(
      { length: 61 },
      (_, i) => [200 + i * 10, i % 2 === 0 ? 0.305 : 0.295] as [number, number],
    );
    expect(brief(feed(s, q, jitter))).toEqual(['raise:flatline']);
  });
  it('can be switched off', () => {
    const q = compile({ overrides: { high: 1 }, flatlineSeconds: 0 });
    const s = createPointState(0);
    feed(s, q, varying(0, 20));
    expect(feed(s, q, constant(200, 1000, 0.3))).toEqual([]);
  });
  it('is re-judged by tick when the window is shortened', () => {
    const s = createPointState(0);
    feed(s, p, [...varying(0, 20), ...constant(200, 30, 0.3)]); // flat since 190 s, last reading 490 s
    const shorter = compile({ overrides: { high: 1 }, flatlineSeconds: 300 });
    expect(tick(s, shorter, 495 * S)).toMatchObject([{ type: 'raise', rule: 'flatline', ts: 490 * S }]);
  });
});

describe('gap around exceedance (tampering)', () => {
  const p = compile({ templateKey: 'coal-ch4-working-face' }); // interval 10 s → gap > 30 s
  it('flags readings missing right before an exceedance', () => {
    const s = createPointState(0);
    feed(s, p, [[0, 0.3]]);
    const events = feed(s, p, [[30.001, 1.2]]);
    expect(brief(events)).toEqual(['raise:high', 'raise:gap_around_exceedance']);
    expect(events[1]).toMatchObject({ tampering: true, severity: 3, threshold: 30 });
    expect(brief(feed(s, p, [[40, 1.2]]))).toEqual(['clear:gap_around_exceedance']);
  });
  it('a gap of exactly 3 × interval is not a gap', () => {
    const s = createPointState(0);
    feed(s, p, [[0, 0.3]]);
    expect(brief(feed(s, p, [[30, 1.2]]))).toEqual(['raise:high']);
  });
  it('flags readings missing right after an exceedance, seen by tick', () => {
    const s = createPointState(0);
    feed(s, p, [[0, 1.2]]);
    expect(tick(s, p, 30_000)).toMatchObject([{ rule: 'offline' }]);
    expect(brief(tick(s, p, 30_001))).toEqual(['raise:gap_around_exceedance']);
    // data returns late (still a gap): stays raised; the next on-time reading clears it
    expect(brief(feed(s, p, [[60, 0.3]]))).toEqual(['clear:offline', 'clear:high']);
    expect(brief(feed(s, p, [[70, 0.3]]))).toEqual(['clear:gap_around_exceedance']);
  });
  it('flags the after-gap from the next reading when no tick ran', () => {
    const s = createPointState(0);
    feed(s, p, [[0, 1.2]]);
    expect(brief(feed(s, p, [[100, 0.3]]))).toEqual(['clear:high', 'raise:gap_around_exceedance']);
  });
  it('ignores gaps with no exceedance on either side', () => {
    const s = createPointState(0);
    feed(s, p, [[0, 0.3]]);
    expect(feed(s, p, [[100, 0.4]])).toEqual([]);
    expect(tick(createPointState(0), p, 1)).toEqual([]);
  });
});

describe('out-of-order and duplicate readings', () => {
  const p = compile({ templateKey: 'coal-ch4-working-face', overrides: { rateOfChangePerMin: 1 } });
  it('do not change state or emit events', () => {
    const s = createPointState(0);
    feed(s, p, [
      [0, 0.5],
      [20, 1.2],
    ]);
    const before = serializeState(s);
    expect(feed(s, p, [[10, 0.1]])).toEqual([]);
    expect(feed(s, p, [[20, 0.1]])).toEqual([]); // same ts: QoS 1 redelivery
    expect(evaluate(s, p, { ts: Number.NaN, value: 0.1 })).toEqual([]);
    expect(s.ignored).toBe(3);
    expect({ ...JSON.parse(serializeState(s)), ignored: 0 }).toEqual({ ...JSON.parse(before), ignored: 0 });
    // the alarm is still active: an older low value did not clear it
    expect(feed(s, p, [[30, 1.2]])).toEqual([]);
    expect(activeRules(s)).toEqual(['high']);
  });
});

describe('allocation-light', () => {
  it('returns one shared frozen empty array when nothing happens', () => {
    const p = compile({ overrides: { high: 10 } });
    const s = createPointState(0);
    const a = evaluate(s, p, { ts: 1, value: 1 });
    const b = evaluate(s, p, { ts: 2, value: 2 });
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });
});

describe('serialisation', () => {
  const p = compile({
    templateKey: 'coal-ch4-working-face',
    overrides: { persistSeconds: 20, rateOfChangePerMin: 0.3 },
    flatlineSeconds: 300,
  });
  const history: [number, number][] = [
    [0, 0.2],
    [10, 0.3],
    [20, 0.2],
    [30, 0.3],
    [40, 0.2],
    [50, 0.3],
    [60, 1.6],
    [70, 1.1], // high pending since 60 s (persist 20 s)
  ];
  const future: [number, number][] = [
    [80, 1.1],
    [90, 1.1],
    [100, 0.5],
    [140, 1.3],
    [150, 0.9],
  ];

  it('round-trips through JSON and continues exactly like the original', () => {
    const original = createPointState(0);
    feed(original, p, history);
    expect(original.rules.power_cut.active).toBe(true);
    expect(original.rules.high.since).toBe(60 * S);
    expect(original.rules.high.active).toBe(false);
    const restored = deserializeState(serializeState(original));
    expect(restored).toEqual(original);
    const a = [...feed(original, p, future), ...tick(original, p, 200 * S)];
    const b = [...feed(restored, p, future), ...tick(restored, p, 200 * S)];
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(3);
  });
  it('writes every field and only the rule slots not at rest, as JSON.stringify would write them', () => {
    const original = createPointState(0);
    feed(original, p, history);
    const written = JSON.parse(serializeState(original)) as PointState;
    const atRest = ALARM_RULES.filter((r) => {
      const x = original.rules[r];
      return !x.active && x.since === null && x.peak === null;
    });
    expect(atRest.length).toBeGreaterThan(0);
    expect(Object.keys(written.rules).sort()).toEqual(ALARM_RULES.filter((r) => !atRest.includes(r)).sort());
    const full = JSON.parse(JSON.stringify(original)) as PointState;
    for (const r of atRest) delete (full.rules as Partial<PointState['rules']>)[r];
    expect(written).toEqual(full);
    // Non-finite numbers become null, as in JSON.
    const odd = { ...createPointState(1), lastValue: Number.NaN, flatMeanMs: Number.POSITIVE_INFINITY };
    expect({ ...JSON.parse(serializeState(odd)), rules: {} }).toEqual({
      ...JSON.parse(JSON.stringify(odd)),
      rules: {},
    });
    // Every value the fields can hold round-trips (negative, fractional, large).
    const values = { ...createPointState(-1.5), lastTs: 1_790_000_000_123, lastValue: -0.000123, rocValue: 1e21 };
    expect(deserializeState(serializeState(values))).toEqual(values);
  });
  it('accepts an already-parsed object (jsonb) and fills rules missing from an older snapshot', () => {
    const snapshot = JSON.parse(serializeState(createPointState(5))) as { rules: Partial<Record<AlarmRule, unknown>> };
    delete snapshot.rules.gap_around_exceedance;
    const restored = deserializeState(snapshot);
    expect(restored.rules.gap_around_exceedance).toEqual({ active: false, since: null, peak: null });
    expect(restored.armedAt).toBe(5);
  });
  it('rejects what is not a state', () => {
    expect(() => deserializeState('{')).toThrow(/not JSON/);
    expect(() => deserializeState('{"v":2}')).toThrow(/invalid point state/);
    expect(() => deserializeState({ ...createPointState(), lastTs: 'x' })).toThrow(/lastTs/);
  });
});

describe('compilePoint', () => {
  it('applies defaults: interval 10 s, offline and gap at 30 s', () => {
    const p = compile({ templateKey: 'coal-co' });
    expect(p.intervalMs).toBe(10_000);
    expect(p.offlineMs).toBe(30_000);
    expect(p.gapMs).toBe(30_000);
  });
  it('has a schema for API input', () => {
    expect(
      pointDefinitionSchema.safeParse({ templateKey: 'coal-co', overrides: { high: null }, severities: { high: 4 } })
        .success,
    ).toBe(true);
    expect(pointDefinitionSchema.safeParse({ severities: { high: 5 } }).success).toBe(false);
    expect(pointDefinitionSchema.safeParse({ overrides: { hihg: 1 } }).success).toBe(false);
  });
  it('rejects an impossible point', () => {
    expect(compilePoint({ rangeMin: 5, rangeMax: 5 })).toMatchObject({
      ok: false,
      error: 'INVALID_POINT',
      field: 'rangeMin',
    });
    expect(compilePoint({ intervalSeconds: 0 })).toMatchObject({ ok: false, field: 'intervalSeconds' });
    expect(compilePoint({ templateKey: 'tank-level' })).toMatchObject({ ok: false, error: 'MISSING_PARAMETER' });
    expect(compilePoint({ templateKey: 'nope' })).toMatchObject({ ok: false, error: 'UNKNOWN_TEMPLATE' });
  });
});
