/**
 * Per-point alarm rule state machine (风险监测预警 · 报警判定).
 *
 * The ingest role calls `evaluate` once per reading (up to ~100,000 readings/s province-wide), so:
 * - a point's definition is compiled ONCE (`compilePoint`) and cached until the point's configuration changes;
 * - `evaluate` is O(1): a fixed set of rules, no loops over history, no allocation unless an event is emitted
 *   (it returns a shared frozen empty array otherwise);
 * - the state is a small plain object mutated in place and serialisable to JSON (`serializeState`), so rule state
 *   (active alarms, persistence timers, flatline statistics) survives a restart.
 *
 * Time-based rules (offline, the "after" half of gap-around-exceedance) need `tick(state, point, now)` from a
 * scheduler, e.g. every few seconds for every point.
 *
 * Severity 1–4: higher is worse. Colours and warning levels follow RULES §9 (四色预警: I red, II orange,
 * III yellow, IV blue): 4 = red = I, 3 = orange = II, 2 = yellow = III, 1 = blue = IV. Defaults per rule are in
 * `RULE_META`; a point may override them.
 */
import { z } from 'zod';
import {
  type ResolveErrorCode,
  resolveThresholds,
  type ThresholdOverrides,
  type Thresholds,
  thresholdOverridesSchema,
} from './templates.js';

// ── Rules and severities ───────────────────────────────────────────────────────────────────────────────────

export const ALARM_RULES = [
  'power_cut',
  'high_high',
  'high',
  'low_low',
  'low',
  'rate_of_change',
  'out_of_range',
  'offline',
  'flatline',
  'gap_around_exceedance',
] as const;
export type AlarmRule = (typeof ALARM_RULES)[number];

export const SEVERITIES = [1, 2, 3, 4] as const;
export type Severity = (typeof SEVERITIES)[number];
export type SeverityColour = 'blue' | 'yellow' | 'orange' | 'red';
export type WarningLevel = 'I' | 'II' | 'III' | 'IV';

/** RULES §9: warning levels I/II/III/IV = red/orange/yellow/blue. */
export const SEVERITY_COLOUR: Readonly<Record<Severity, SeverityColour>> = {
  1: 'blue',
  2: 'yellow',
  3: 'orange',
  4: 'red',
};
export const SEVERITY_WARNING_LEVEL: Readonly<Record<Severity, WarningLevel>> = { 1: 'IV', 2: 'III', 3: 'II', 4: 'I' };

export interface RuleMeta {
  severity: Severity;
  /** The rule is a signature of a tampered or disabled sensor (seed 一(五): 篡改、隐瞒、销毁监控数据). */
  tampering: boolean;
  nameZh: string;
  nameEn: string;
}

/**
 * Default severity per rule:
 * - power_cut, high_high, low_low → 4 red (I): exceedance that requires power cut / evacuation
 *   (《煤矿安全规程》第四百九十八条: 断电浓度; GB/T 50493 §5.5 二级报警);
 * - high, low → 3 orange (II): alarm set point reached (报警浓度, 一级报警);
 * - offline → 3 orange: a sensor that stops reporting is itself an alarm (AQ 6201, RULES §5);
 * - gap_around_exceedance → 3 orange: data vanishing around an exceedance is the signature of concealment;
 * - out_of_range, flatline → 2 yellow: sensor fault or tampering to be checked;
 * - rate_of_change → 1 blue (IV): trend warning (预警) before any limit is reached.
 */
export const RULE_META: Readonly<Record<AlarmRule, RuleMeta>> = {
  power_cut: { severity: 4, tampering: false, nameZh: '断电', nameEn: 'Power cut' },
  high_high: { severity: 4, tampering: false, nameZh: '高高报警', nameEn: 'High-high alarm' },
  high: { severity: 3, tampering: false, nameZh: '高报警', nameEn: 'High alarm' },
  low_low: { severity: 4, tampering: false, nameZh: '低低报警', nameEn: 'Low-low alarm' },
  low: { severity: 3, tampering: false, nameZh: '低报警', nameEn: 'Low alarm' },
  rate_of_change: { severity: 1, tampering: false, nameZh: '变化速率预警', nameEn: 'Rate of change' },
  out_of_range: { severity: 2, tampering: true, nameZh: '超出量程', nameEn: 'Out of sensor range' },
  offline: { severity: 3, tampering: false, nameZh: '离线', nameEn: 'Offline' },
  flatline: { severity: 2, tampering: true, nameZh: '数据长时间不变', nameEn: 'Flatline' },
  gap_around_exceedance: {
    severity: 3,
    tampering: true,
    nameZh: '超限前后数据缺失',
    nameEn: 'Data gap around an exceedance',
  },
};

// ── Defaults ───────────────────────────────────────────────────────────────────────────────────────────────

/** AQ 6201: inspection cycle ≤ 10 s (RULES §5) — the expected reporting interval unless the point says otherwise. */
export const DEFAULT_INTERVAL_SECONDS = 10;
/** Offline after 3 × the expected interval without data; a gap is longer than 3 × the interval. */
export const OFFLINE_INTERVALS = 3;
/** A value unchanged for this long (while the point normally varies) is flagged; a per-point setting. */
export const DEFAULT_FLATLINE_SECONDS = 3600;
/** Rate of change is measured over windows of at least this length, in units per minute. */
export const DEFAULT_RATE_WINDOW_SECONDS = 60;
/**
 * "Normally varies": the point has changed value (beyond the tolerance) at least this many times, and the mean
 * time between changes is at most FLATLINE_TYPICAL_FRACTION of the flatline window. A point that always reads
 * the same (a quiet intake at 0.00 %) is therefore never flagged.
 */
export const FLATLINE_MIN_CHANGES = 5;
export const FLATLINE_TYPICAL_FRACTION = 0.25;
/** Mean time between changes: running mean over the first 5 runs, then an exponential mean with α = 0.2. */
const FLATLINE_EWMA_RUNS = 5;

// ── Point definition and compiled rules ───────────────────────────────────────────────────────────────────

export interface PointDefinition {
  templateKey?: string | null;
  overrides?: ThresholdOverrides;
  /** The sensor's measuring range; a reading outside it raises out_of_range. */
  rangeMin?: number | null;
  rangeMax?: number | null;
  /** Expected reporting interval, default 10 s (AQ 6201). */
  intervalSeconds?: number | null;
  /** Flatline window, default 3600 s; 0 disables the rule. */
  flatlineSeconds?: number | null;
  /** Values within this distance of the run's first value count as unchanged; default 0. */
  flatlineTolerance?: number | null;
  /** Rate-of-change window, default 60 s. */
  rateWindowSeconds?: number | null;
  /** Per-rule severity overrides. */
  severities?: Partial<Record<AlarmRule, Severity>>;
}

export const pointDefinitionSchema = z.strictObject({
  templateKey: z.string().min(1).nullable().optional(),
  overrides: thresholdOverridesSchema.optional(),
  rangeMin: z.number().nullable().optional(),
  rangeMax: z.number().nullable().optional(),
  intervalSeconds: z.number().positive().nullable().optional(),
  flatlineSeconds: z.number().min(0).nullable().optional(),
  flatlineTolerance: z.number().min(0).nullable().optional(),
  rateWindowSeconds: z.number().positive().nullable().optional(),
  severities: z.partialRecord(z.enum(ALARM_RULES), z.literal(SEVERITIES)).optional(),
});

type LevelRuleName = 'power_cut' | 'high_high' | 'high' | 'low_low' | 'low';

/** One level rule, precomputed so that `evaluate` only compares numbers. */
interface LevelRule {
  readonly rule: LevelRuleName;
  readonly enabled: boolean;
  /** High side (alarm above the level) or low side (alarm below). */
  readonly highSide: boolean;
  readonly level: number;
  /** Raise uses a strict comparison (bound 'exceed'). */
  readonly raiseStrict: boolean;
  /** Clears when value < clear (high side) / value > clear (low side), or ≤ / ≥ when clearInclusive. */
  readonly clear: number;
  readonly clearInclusive: boolean;
  readonly persistMs: number;
}

export interface CompiledPoint {
  readonly thresholds: Readonly<Thresholds>;
  readonly levels: readonly LevelRule[];
  readonly rangeMin: number;
  readonly rangeMax: number;
  readonly intervalMs: number;
  /** now − last ≥ offlineMs → offline. */
  readonly offlineMs: number;
  /** gap > gapMs → a gap. */
  readonly gapMs: number;
  /** Infinity when disabled. */
  readonly flatlineMs: number;
  readonly flatlineTolerance: number;
  /** NaN when disabled. */
  readonly rateLimitPerMin: number;
  readonly rateWindowMs: number;
  readonly severity: Readonly<Record<AlarmRule, Severity>>;
}

export type CompileResult =
  | { ok: true; point: CompiledPoint }
  | { ok: false; error: ResolveErrorCode | 'INVALID_POINT'; field: string | null; message: string };

function num(v: number | null | undefined, fallback: number): number {
  return v === null || v === undefined ? fallback : v;
}

function levelRule(
  rule: LevelRuleName,
  level: number | undefined,
  highSide: boolean,
  t: Thresholds,
  persistMs: number,
): LevelRule {
  const exceed = t.bound === 'exceed';
  const deadband = t.deadband ?? 0;
  if (level === undefined) {
    return {
      rule,
      enabled: false,
      highSide,
      level: Number.NaN,
      raiseStrict: exceed,
      clear: Number.NaN,
      clearInclusive: false,
      persistMs,
    };
  }
  if (highSide) {
    // "复电浓度 <restore": the alarm clears only below restore. Never above the level itself, else a value
    // between level and restore would raise and clear on every reading.
    if (t.restore !== undefined) {
      const clear = rule === 'power_cut' ? t.restore : Math.min(t.restore, level);
      return { rule, enabled: true, highSide, level, raiseStrict: exceed, clear, clearInclusive: false, persistMs };
    }
    // reach: raised at ≥ level, cleared at < level − deadband; exceed: raised at > level, cleared at ≤ level − db.
    return {
      rule,
      enabled: true,
      highSide,
      level,
      raiseStrict: exceed,
      clear: level - deadband,
      clearInclusive: exceed,
      persistMs,
    };
  }
  return {
    rule,
    enabled: true,
    highSide,
    level,
    raiseStrict: exceed,
    clear: level + deadband,
    clearInclusive: exceed,
    persistMs,
  };
}

/**
 * Resolves the template and overrides and precomputes everything `evaluate` needs.
 * Persistence applies to high, high_high, low, low_low — never to power_cut, which 《煤矿安全规程》 requires to act
 * at once (断电浓度).
 */
export function compilePoint(def: PointDefinition): CompileResult {
  const resolved = resolveThresholds(def.templateKey ?? undefined, def.overrides);
  if (!resolved.ok) return resolved;
  const t = resolved.thresholds;
  const bad = (field: string, message: string): CompileResult => ({
    ok: false,
    error: 'INVALID_POINT',
    field,
    message,
  });

  const rangeMin = num(def.rangeMin, Number.NEGATIVE_INFINITY);
  const rangeMax = num(def.rangeMax, Number.POSITIVE_INFINITY);
  if (Number.isNaN(rangeMin) || Number.isNaN(rangeMax) || !(rangeMin < rangeMax)) {
    return bad('rangeMin', 'rangeMin must be below rangeMax');
  }
  const intervalS = num(def.intervalSeconds, DEFAULT_INTERVAL_SECONDS);
  if (!(intervalS > 0) || !Number.isFinite(intervalS)) return bad('intervalSeconds', 'intervalSeconds must be > 0');
  const flatS = num(def.flatlineSeconds, DEFAULT_FLATLINE_SECONDS);
  if (!(flatS >= 0)) return bad('flatlineSeconds', 'flatlineSeconds must be ≥ 0');
  const flatTol = num(def.flatlineTolerance, 0);
  if (!(flatTol >= 0) || !Number.isFinite(flatTol)) return bad('flatlineTolerance', 'flatlineTolerance must be ≥ 0');
  const rateS = num(def.rateWindowSeconds, DEFAULT_RATE_WINDOW_SECONDS);
  if (!(rateS > 0) || !Number.isFinite(rateS)) return bad('rateWindowSeconds', 'rateWindowSeconds must be > 0');

  const severity = {} as Record<AlarmRule, Severity>;
  for (const rule of ALARM_RULES) {
    const s = def.severities?.[rule] ?? RULE_META[rule].severity;
    if (!SEVERITIES.includes(s)) return bad('severities', `severity of ${rule} must be 1–4`);
    severity[rule] = s;
  }

  const persistMs = (t.persistSeconds ?? 0) * 1000;
  const intervalMs = intervalS * 1000;
  const point: CompiledPoint = {
    thresholds: Object.freeze({ ...t }),
    levels: Object.freeze([
      levelRule('power_cut', t.powerCut, true, t, 0),
      levelRule('high_high', t.highHigh, true, t, persistMs),
      levelRule('high', t.high, true, t, persistMs),
      levelRule('low_low', t.lowLow, false, t, persistMs),
      levelRule('low', t.low, false, t, persistMs),
    ]),
    rangeMin,
    rangeMax,
    intervalMs,
    offlineMs: OFFLINE_INTERVALS * intervalMs,
    gapMs: OFFLINE_INTERVALS * intervalMs,
    flatlineMs: flatS > 0 ? flatS * 1000 : Number.POSITIVE_INFINITY,
    flatlineTolerance: flatTol,
    rateLimitPerMin: t.rateOfChangePerMin ?? Number.NaN,
    rateWindowMs: rateS * 1000,
    severity: Object.freeze(severity),
  };
  return { ok: true, point: Object.freeze(point) };
}

// ── State ──────────────────────────────────────────────────────────────────────────────────────────────────

export interface RuleSlot {
  active: boolean;
  /** When the raise condition started to hold (persistence), else null. */
  since: number | null;
  /** Worst value while active (max on the high side, min on the low side, max rate for rate_of_change). */
  peak: number | null;
}

export interface PointState {
  v: 1;
  /** When monitoring of the point began; offline is measured from here until the first reading. */
  armedAt: number | null;
  lastTs: number | null;
  lastValue: number | null;
  /** The last in-order reading met a level rule's raise condition. */
  lastExceeded: boolean;
  /** Readings ignored for state because they were out of order, duplicated or had a non-finite timestamp. */
  ignored: number;
  rocTs: number | null;
  rocValue: number | null;
  flatRef: number | null;
  flatStart: number | null;
  /** Completed runs of unchanged value (i.e. changes seen) and their mean length. */
  flatRuns: number;
  flatMeanMs: number;
  rules: Record<AlarmRule, RuleSlot>;
}

function freshSlot(): RuleSlot {
  return { active: false, since: null, peak: null };
}

/** A new, empty state. Pass `now` so that a point that never reports is detected as offline. */
export function createPointState(now?: number): PointState {
  return {
    v: 1,
    armedAt: now ?? null,
    lastTs: null,
    lastValue: null,
    lastExceeded: false,
    ignored: 0,
    rocTs: null,
    rocValue: null,
    flatRef: null,
    flatStart: null,
    flatRuns: 0,
    flatMeanMs: 0,
    rules: {
      power_cut: freshSlot(),
      high_high: freshSlot(),
      high: freshSlot(),
      low_low: freshSlot(),
      low: freshSlot(),
      rate_of_change: freshSlot(),
      out_of_range: freshSlot(),
      offline: freshSlot(),
      flatline: freshSlot(),
      gap_around_exceedance: freshSlot(),
    },
  };
}

/** The rules currently active for the point. */
export function activeRules(state: PointState): AlarmRule[] {
  return ALARM_RULES.filter((r) => state.rules[r].active);
}

// ── Events ─────────────────────────────────────────────────────────────────────────────────────────────────

export type AlarmEventType = 'raise' | 'update' | 'clear';

export interface AlarmEvent {
  type: AlarmEventType;
  rule: AlarmRule;
  severity: Severity;
  tampering: boolean;
  /** The reading's value (the last known value for events from `tick`); null when there is none. */
  value: number | null;
  /**
   * The quantity compared with `threshold`: the value for level and range rules, units/min for rate_of_change,
   * seconds for offline, flatline and gap_around_exceedance.
   */
  measured: number | null;
  threshold: number | null;
  /** Reading time (epoch ms), or `now` for events from `tick`. */
  ts: number;
}

export interface Reading {
  /** Epoch milliseconds. */
  ts: number;
  value: number;
}

const NO_EVENTS: readonly AlarmEvent[] = Object.freeze([]);

function emit(
  out: AlarmEvent[] | null,
  type: AlarmEventType,
  rule: AlarmRule,
  p: CompiledPoint,
  value: number | null,
  measured: number | null,
  threshold: number | null,
  ts: number,
): AlarmEvent[] {
  const e: AlarmEvent = {
    type,
    rule,
    severity: p.severity[rule],
    tampering: RULE_META[rule].tampering,
    value,
    measured,
    threshold,
    ts,
  };
  if (out === null) return [e];
  out.push(e);
  return out;
}

function normallyVaries(state: PointState, p: CompiledPoint): boolean {
  return state.flatRuns >= FLATLINE_MIN_CHANGES && state.flatMeanMs <= p.flatlineMs * FLATLINE_TYPICAL_FRACTION;
}

// ── evaluate ───────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Applies one reading to the point's state and returns the events it causes (a shared empty array when none).
 *
 * - A reading whose ts is not after the last one (out of order, or a QoS 1 redelivery) changes nothing and
 *   returns no events; the caller may still store it. The ingest layer should reject readings from the future.
 * - A non-finite value raises out_of_range and is otherwise ignored.
 * - Readings outside the sensor range still go through the level rules: a possible exceedance is never hidden.
 */
export function evaluate(state: PointState, p: CompiledPoint, reading: Reading): readonly AlarmEvent[] {
  const ts = reading.ts;
  const v = reading.value;
  const lastTs = state.lastTs;
  if (!Number.isFinite(ts) || (lastTs !== null && ts <= lastTs)) {
    state.ignored++;
    return NO_EVENTS;
  }
  const r = state.rules;
  let out: AlarmEvent[] | null = null;
  const gapMs = lastTs === null ? 0 : ts - lastTs;
  const late = gapMs > p.gapMs;
  state.lastTs = ts;

  // offline: any in-order reading ends it.
  if (r.offline.active) {
    r.offline.active = false;
    out = emit(out, 'clear', 'offline', p, Number.isFinite(v) ? v : null, gapMs / 1000, p.offlineMs / 1000, ts);
  }

  // out_of_range (also non-finite values, which are not used for anything else).
  const oorSlot = r.out_of_range;
  if (!Number.isFinite(v)) {
    if (!oorSlot.active) {
      oorSlot.active = true;
      out = emit(out, 'raise', 'out_of_range', p, null, null, null, ts);
    }
    return out ?? NO_EVENTS;
  }
  const below = v < p.rangeMin;
  if (below || v > p.rangeMax) {
    if (!oorSlot.active) {
      oorSlot.active = true;
      oorSlot.peak = v;
      out = emit(out, 'raise', 'out_of_range', p, v, v, below ? p.rangeMin : p.rangeMax, ts);
    }
  } else if (oorSlot.active) {
    oorSlot.active = false;
    oorSlot.peak = null;
    out = emit(out, 'clear', 'out_of_range', p, v, v, null, ts);
  }

  // level rules: power_cut, high_high, high, low_low, low.
  let exceeded = false;
  for (const lr of p.levels) {
    const slot = r[lr.rule];
    if (!lr.enabled) {
      slot.since = null;
      if (slot.active) {
        slot.active = false;
        slot.peak = null;
        out = emit(out, 'clear', lr.rule, p, v, v, null, ts);
      }
      continue;
    }
    const cond = lr.highSide
      ? lr.raiseStrict
        ? v > lr.level
        : v >= lr.level
      : lr.raiseStrict
        ? v < lr.level
        : v <= lr.level;
    if (cond) exceeded = true;
    if (slot.active) {
      const clears = lr.highSide
        ? lr.clearInclusive
          ? v <= lr.clear
          : v < lr.clear
        : lr.clearInclusive
          ? v >= lr.clear
          : v > lr.clear;
      if (clears) {
        slot.active = false;
        slot.since = null;
        slot.peak = null;
        out = emit(out, 'clear', lr.rule, p, v, v, lr.clear, ts);
      } else if (slot.peak !== null && (lr.highSide ? v > slot.peak : v < slot.peak)) {
        slot.peak = v;
        out = emit(out, 'update', lr.rule, p, v, v, lr.level, ts);
      }
    } else if (cond) {
      if (slot.since === null) slot.since = ts;
      if (ts - slot.since >= lr.persistMs) {
        slot.active = true;
        slot.peak = v;
        out = emit(out, 'raise', lr.rule, p, v, v, lr.level, ts);
      }
    } else {
      slot.since = null;
    }
  }

  // gap_around_exceedance: a gap right before an exceedance, or right after one (when tick did not see it).
  const gapSlot = r.gap_around_exceedance;
  if (late && (exceeded || state.lastExceeded)) {
    if (!gapSlot.active) {
      gapSlot.active = true;
      out = emit(out, 'raise', 'gap_around_exceedance', p, v, gapMs / 1000, p.gapMs / 1000, ts);
    }
  } else if (!late && gapSlot.active) {
    gapSlot.active = false;
    out = emit(out, 'clear', 'gap_around_exceedance', p, v, gapMs / 1000, p.gapMs / 1000, ts);
  }

  // rate_of_change: |Δvalue| per minute over windows of ≥ rateWindowMs.
  const rocSlot = r.rate_of_change;
  const limit = p.rateLimitPerMin;
  if (!(limit > 0)) {
    state.rocTs = null;
    state.rocValue = null;
    if (rocSlot.active) {
      rocSlot.active = false;
      rocSlot.peak = null;
      out = emit(out, 'clear', 'rate_of_change', p, v, null, null, ts);
    }
  } else if (state.rocTs === null || state.rocValue === null) {
    state.rocTs = ts;
    state.rocValue = v;
  } else {
    const elapsed = ts - state.rocTs;
    if (elapsed >= p.rateWindowMs) {
      const rate = (Math.abs(v - state.rocValue) * 60_000) / elapsed;
      if (rate >= limit) {
        if (!rocSlot.active) {
          rocSlot.active = true;
          rocSlot.peak = rate;
          out = emit(out, 'raise', 'rate_of_change', p, v, rate, limit, ts);
        } else if (rocSlot.peak !== null && rate > rocSlot.peak) {
          rocSlot.peak = rate;
          out = emit(out, 'update', 'rate_of_change', p, v, rate, limit, ts);
        }
      } else if (rocSlot.active) {
        rocSlot.active = false;
        rocSlot.peak = null;
        out = emit(out, 'clear', 'rate_of_change', p, v, rate, limit, ts);
      }
      state.rocTs = ts;
      state.rocValue = v;
    }
  }

  // flatline: the value stays within tolerance of the run's first value.
  const flatSlot = r.flatline;
  if (state.flatRef === null || state.flatStart === null) {
    state.flatRef = v;
    state.flatStart = ts;
  } else if (Math.abs(v - state.flatRef) > p.flatlineTolerance) {
    const runMs = ts - state.flatStart;
    if (flatSlot.active) {
      // A flagged run does not teach the detector that flat is normal.
      flatSlot.active = false;
      out = emit(out, 'clear', 'flatline', p, v, runMs / 1000, null, ts);
    } else {
      state.flatRuns++;
      state.flatMeanMs += (runMs - state.flatMeanMs) / Math.min(state.flatRuns, FLATLINE_EWMA_RUNS);
    }
    state.flatRef = v;
    state.flatStart = ts;
  } else {
    out = checkFlatline(state, p, ts, v, out);
  }

  state.lastValue = v;
  state.lastExceeded = exceeded;
  return out ?? NO_EVENTS;
}

/** Raises (or, when the rule was switched off, clears) flatline for the current run, judged at time `at`. */
function checkFlatline(
  state: PointState,
  p: CompiledPoint,
  at: number,
  value: number | null,
  out: AlarmEvent[] | null,
): AlarmEvent[] | null {
  const slot = state.rules.flatline;
  if (p.flatlineMs === Number.POSITIVE_INFINITY) {
    if (!slot.active) return out;
    slot.active = false;
    return emit(out, 'clear', 'flatline', p, value, null, null, at);
  }
  if (slot.active || state.flatStart === null) return out;
  const flatMs = at - state.flatStart;
  if (flatMs >= p.flatlineMs && normallyVaries(state, p)) {
    slot.active = true;
    return emit(out, 'raise', 'flatline', p, value, flatMs / 1000, p.flatlineMs / 1000, at);
  }
  return out;
}

// ── tick ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Time-based rules, called by a scheduler with the current time:
 * - offline: no reading for ≥ 3 × the expected interval (AQ 6201: a sensor that stops reporting is an alarm);
 *   measured from `armedAt` when the point never reported;
 * - gap_around_exceedance (after): the last reading exceeded a level and then readings stopped for > 3 × interval;
 * - flatline: re-judged on the latest reading (it needs readings, so `evaluate` normally raises it first; tick
 *   catches a window shortened by a configuration change).
 * Clearing happens in `evaluate`, when data returns.
 */
export function tick(state: PointState, p: CompiledPoint, now: number): readonly AlarmEvent[] {
  if (!Number.isFinite(now)) return NO_EVENTS;
  let since = state.lastTs;
  if (since === null) {
    if (state.armedAt === null) {
      state.armedAt = now;
      return NO_EVENTS;
    }
    since = state.armedAt;
  }
  const silentMs = now - since;
  const r = state.rules;
  let out: AlarmEvent[] | null = null;
  if (!r.offline.active && silentMs >= p.offlineMs) {
    r.offline.active = true;
    out = emit(out, 'raise', 'offline', p, state.lastValue, silentMs / 1000, p.offlineMs / 1000, now);
  }
  if (state.lastTs !== null && state.lastExceeded && silentMs > p.gapMs && !r.gap_around_exceedance.active) {
    r.gap_around_exceedance.active = true;
    out = emit(out, 'raise', 'gap_around_exceedance', p, state.lastValue, silentMs / 1000, p.gapMs / 1000, now);
  }
  if (state.lastTs !== null) out = checkFlatline(state, p, state.lastTs, state.lastValue, out);
  return out ?? NO_EVENTS;
}

// ── Serialisation ──────────────────────────────────────────────────────────────────────────────────────────

const ts = z.number();
const slotSchema = z.object({ active: z.boolean(), since: ts.nullable(), peak: z.number().nullable() });
const slot = slotSchema.default(freshSlot);

/** The persisted state; rules added in later versions default to inactive so older snapshots still load. */
export const pointStateSchema = z.object({
  v: z.literal(1),
  armedAt: ts.nullable(),
  lastTs: ts.nullable(),
  lastValue: z.number().nullable(),
  lastExceeded: z.boolean(),
  ignored: z.number().int().min(0),
  rocTs: ts.nullable(),
  rocValue: z.number().nullable(),
  flatRef: z.number().nullable(),
  flatStart: ts.nullable(),
  flatRuns: z.number().int().min(0),
  flatMeanMs: z.number().min(0),
  rules: z.object({
    power_cut: slot,
    high_high: slot,
    high: slot,
    low_low: slot,
    low: slot,
    rate_of_change: slot,
    out_of_range: slot,
    offline: slot,
    flatline: slot,
    gap_around_exceedance: slot,
  }),
});

/** A number as JSON.stringify writes it (non-finite → null). */
const jsonNum = (x: number | null) => (x === null || !Number.isFinite(x) ? 'null' : String(x));

/**
 * The state as JSON, written field by field, leaving out the rule slots at rest (inactive, no condition pending, no
 * peak) — most of a point's ten, most of the time; the schema reads a missing slot as at rest. The ingest writes a
 * state per point per batch: this is a quarter of the size and of the time of `JSON.stringify(state)`.
 */
export function serializeState(state: PointState): string {
  let rules = '';
  for (const r of ALARM_RULES) {
    const x = state.rules[r];
    if (!x.active && x.since === null && x.peak === null) continue;
    rules += `${rules ? ',' : ''}"${r}":{"active":${x.active},"since":${jsonNum(x.since)},"peak":${jsonNum(x.peak)}}`;
  }
  return (
    `{"v":1,"armedAt":${jsonNum(state.armedAt)},"lastTs":${jsonNum(state.lastTs)},` +
    `"lastValue":${jsonNum(state.lastValue)},"lastExceeded":${state.lastExceeded},"ignored":${jsonNum(state.ignored)},` +
    `"rocTs":${jsonNum(state.rocTs)},"rocValue":${jsonNum(state.rocValue)},"flatRef":${jsonNum(state.flatRef)},` +
    `"flatStart":${jsonNum(state.flatStart)},"flatRuns":${jsonNum(state.flatRuns)},` +
    `"flatMeanMs":${jsonNum(state.flatMeanMs)},"rules":{${rules}}}`
  );
}

/** Parses a snapshot (a JSON string, or an already-parsed jsonb value). Throws on anything that is not a state. */
export function deserializeState(input: unknown): PointState {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch {
      throw new Error('invalid point state: not JSON');
    }
  }
  const parsed = pointStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid point state: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}`);
  }
  return parsed.data;
}
