import {
  ALARM_RULES,
  type AlarmRule,
  type CompileResult,
  compilePoint,
  type MonitorKind,
  type PointCreate,
  type PointUpdate,
  type Severity,
  type ThresholdBound,
  type ThresholdOverrides,
} from '../../../core/monitoring';
import type { MonitoringPoint } from './api';

/**
 * The point form's values and their conversion to and from the API, kept apart from the page so the rules
 * (which override is sent, what "off" means) are plain functions.
 */

/** The numeric thresholds a point may override, in the order the form shows them. */
export const NUMERIC_THRESHOLDS = [
  'high',
  'highHigh',
  'low',
  'lowLow',
  'powerCut',
  'restore',
  'deadband',
  'persistSeconds',
  'rateOfChangePerMin',
] as const;
export type NumericThreshold = (typeof NUMERIC_THRESHOLDS)[number];

export interface PointFormValues {
  code: string;
  name: string;
  kind?: MonitorKind | undefined;
  unit: string;
  /** '' = no template. */
  template: string;
  installation: string;
  location: string;
  lng: number | null;
  lat: number | null;
  rangeMin: number | null;
  rangeMax: number | null;
  intervalSeconds: number | null;
  /** An override per threshold; empty = the template's value. */
  thresholds: Partial<Record<NumericThreshold, number | null>>;
  /** Ticked = the template's value is switched off (sent as null). */
  removed: Partial<Record<NumericThreshold, boolean>>;
  /** '' = the template's comparison. */
  bound: ThresholdBound | '';
  flatlineSeconds: number | null;
  flatlineTolerance: number | null;
  rateWindowSeconds: number | null;
  severities: Partial<Record<AlarmRule, Severity | null>>;
  active: boolean;
}

export const EMPTY_POINT_FORM: PointFormValues = {
  code: '',
  name: '',
  unit: '',
  template: '',
  installation: '',
  location: '',
  lng: null,
  lat: null,
  rangeMin: null,
  rangeMax: null,
  intervalSeconds: 10,
  thresholds: {},
  removed: {},
  bound: '',
  flatlineSeconds: null,
  flatlineTolerance: null,
  rateWindowSeconds: null,
  severities: {},
  active: true,
};

/** The overrides the form's threshold inputs stand for. */
export function overridesOf(v: Pick<PointFormValues, 'thresholds' | 'removed' | 'bound'>): ThresholdOverrides {
  const out: ThresholdOverrides = {};
  for (const k of NUMERIC_THRESHOLDS) {
    if (v.removed?.[k]) out[k] = null;
    else {
      const n = v.thresholds?.[k];
      if (typeof n === 'number') out[k] = n;
    }
  }
  if (v.bound) out.bound = v.bound;
  return out;
}

function severitiesOf(v: PointFormValues): Partial<Record<AlarmRule, Severity>> {
  const out: Partial<Record<AlarmRule, Severity>> = {};
  for (const r of ALARM_RULES) {
    const s = v.severities?.[r];
    if (s) out[r] = s;
  }
  return out;
}

export function formFromPoint(p: MonitoringPoint): PointFormValues {
  const thresholds: PointFormValues['thresholds'] = {};
  const removed: PointFormValues['removed'] = {};
  for (const k of NUMERIC_THRESHOLDS) {
    const o = p.thresholds[k];
    if (typeof o === 'number') thresholds[k] = o;
    if (o === null) removed[k] = true;
  }
  return {
    code: p.code,
    name: p.name,
    kind: p.kind,
    unit: p.unit,
    template: p.template ?? '',
    installation: p.installation ?? '',
    location: p.location,
    lng: p.lng,
    lat: p.lat,
    rangeMin: p.rangeMin,
    rangeMax: p.rangeMax,
    intervalSeconds: p.intervalSeconds,
    thresholds,
    removed,
    bound: p.thresholds.bound ?? '',
    flatlineSeconds: p.flatlineSeconds,
    flatlineTolerance: p.flatlineTolerance,
    rateWindowSeconds: p.rateWindowSeconds,
    severities: { ...p.severities },
    active: p.active,
  };
}

/** Fields shared by create and update; empty inputs are left out of a create and sent as null in an update. */
function common(v: PointFormValues) {
  return {
    name: v.name.trim(),
    unit: v.unit.trim(),
    installation: v.installation.trim() || null,
    location: v.location.trim(),
    lng: v.lng,
    lat: v.lat,
    rangeMin: v.rangeMin,
    rangeMax: v.rangeMax,
    template: v.template || null,
    thresholds: overridesOf(v),
    flatlineSeconds: v.flatlineSeconds,
    flatlineTolerance: v.flatlineTolerance,
    rateWindowSeconds: v.rateWindowSeconds,
    severities: severitiesOf(v),
  };
}

export function createBody(enterpriseId: string, v: PointFormValues): PointCreate {
  const body: PointCreate = { enterpriseId, code: v.code.trim(), ...common(v) };
  if (v.kind) body.kind = v.kind;
  if (typeof v.intervalSeconds === 'number') body.intervalSeconds = v.intervalSeconds;
  return body;
}

export function updateBody(version: number, v: PointFormValues): PointUpdate {
  const body: PointUpdate = { version, ...common(v), active: v.active };
  if (v.kind) body.kind = v.kind;
  if (typeof v.intervalSeconds === 'number') body.intervalSeconds = v.intervalSeconds;
  return body;
}

const COMPILE_MESSAGES: Record<string, string> = {
  UNKNOWN_TEMPLATE: 'template.unknown',
  INVALID_THRESHOLD: 'thresholds.invalid',
  MISSING_PARAMETER: 'thresholds.missing',
  INCONSISTENT_THRESHOLDS: 'thresholds.inconsistent',
  INVALID_POINT: 'point.invalid',
};

/**
 * The core's own check of the definition (the server runs the same `compilePoint`): the form field it names and
 * the message key the server would answer with, or null when the point compiles.
 */
export function definitionProblem(v: PointFormValues): { path: (string | number)[]; message: string } | null {
  const r: CompileResult = compilePoint({
    templateKey: v.template || null,
    overrides: overridesOf(v),
    rangeMin: v.rangeMin,
    rangeMax: v.rangeMax,
    intervalSeconds: v.intervalSeconds,
    flatlineSeconds: v.flatlineSeconds,
    flatlineTolerance: v.flatlineTolerance,
    rateWindowSeconds: v.rateWindowSeconds,
    severities: severitiesOf(v),
  });
  if (r.ok) return null;
  const message = COMPILE_MESSAGES[r.error] ?? 'invalid';
  if (r.error === 'UNKNOWN_TEMPLATE') return { path: ['template'], message };
  if (r.error === 'INVALID_POINT') return { path: [r.field ?? 'rangeMin'], message };
  const field = r.field && (NUMERIC_THRESHOLDS as readonly string[]).includes(r.field) ? r.field : 'high';
  return { path: ['thresholds', field], message };
}
