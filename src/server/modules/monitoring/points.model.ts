import type { Selectable } from 'kysely';
import { UUID_PATTERN } from '../../../core/ids.js';
import {
  type CompileResult,
  compilePoint,
  getTemplate,
  type PointDefinition,
  resolveThresholds,
  type ThresholdOverrides,
} from '../../../core/monitoring/index.js';
import type { MonitoringPointsTable } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors.js';

export type PointRow = Selectable<MonitoringPointsTable>;

/**
 * The core's id pattern, re-exported for `ingest/` (owned by the ingest rework); new code calls `isUuid` from
 * `core/ids` instead.
 */
export const UUID_RE = UUID_PATTERN;

// The input schemas live in core so the web form validates with the very same rules.
export {
  type PointCreate,
  type PointUpdate,
  pointCreateSchema,
  pointUpdateSchema,
} from '../../../core/monitoring/index.js';

/** The rule-relevant configuration of a point row, for the core evaluator. */
export function definitionOf(row: {
  template_key: string | null;
  overrides: Record<string, unknown>;
  range_min: number | null;
  range_max: number | null;
  interval_seconds: number;
  flatline_seconds: number | null;
  flatline_tolerance: number | null;
  rate_window_seconds: number | null;
  severities: Record<string, number>;
}): PointDefinition {
  return {
    templateKey: row.template_key,
    overrides: row.overrides as ThresholdOverrides,
    rangeMin: row.range_min,
    rangeMax: row.range_max,
    intervalSeconds: row.interval_seconds,
    flatlineSeconds: row.flatline_seconds,
    flatlineTolerance: row.flatline_tolerance,
    rateWindowSeconds: row.rate_window_seconds,
    severities: row.severities as PointDefinition['severities'],
  };
}

const FIELD_MESSAGES: Record<string, string> = {
  UNKNOWN_TEMPLATE: 'template.unknown',
  INVALID_THRESHOLD: 'thresholds.invalid',
  MISSING_PARAMETER: 'thresholds.missing',
  INCONSISTENT_THRESHOLDS: 'thresholds.inconsistent',
  INVALID_POINT: 'point.invalid',
};

/** Compiles or answers 400 with the offending field (`template`, `thresholds.<key>`, `rangeMin`, …). */
export function compileOrThrow(def: PointDefinition): Extract<CompileResult, { ok: true }>['point'] {
  const r = compilePoint(def);
  if (r.ok) return r.point;
  let path = r.field ?? 'thresholds';
  if (r.error === 'UNKNOWN_TEMPLATE') path = 'template';
  else if (r.error !== 'INVALID_POINT') path = `thresholds.${r.field ?? ''}`.replace(/\.$/, '');
  throw new AppError(400, 'VALIDATION', r.message, [{ path, message: FIELD_MESSAGES[r.error] ?? 'invalid' }]);
}

export function presentPoint(row: PointRow) {
  const resolved = resolveThresholds(row.template_key, row.overrides as ThresholdOverrides);
  const template = row.template_key ? getTemplate(row.template_key) : undefined;
  return {
    id: row.id,
    enterpriseId: row.enterprise_id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    unit: row.unit,
    installation: row.installation,
    location: row.location,
    lng: row.lng,
    lat: row.lat,
    rangeMin: row.range_min,
    rangeMax: row.range_max,
    intervalSeconds: row.interval_seconds,
    template: row.template_key,
    templateUncertain: template?.uncertain ?? false,
    thresholds: row.overrides,
    effectiveThresholds: resolved.ok ? resolved.thresholds : null,
    flatlineSeconds: row.flatline_seconds,
    flatlineTolerance: row.flatline_tolerance,
    rateWindowSeconds: row.rate_window_seconds,
    severities: row.severities,
    active: row.active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}
