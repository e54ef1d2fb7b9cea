import type { Selectable } from 'kysely';
import { z } from 'zod';
import {
  ALARM_RULES,
  type CompileResult,
  compilePoint,
  getTemplate,
  MONITOR_KINDS,
  type PointDefinition,
  resolveThresholds,
  SEVERITIES,
  type ThresholdOverrides,
  thresholdOverridesSchema,
} from '../../../core/monitoring/index.js';
import type { MonitoringPointsTable } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors.js';

export type PointRow = Selectable<MonitoringPointsTable>;

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A point code: letters (any script), digits and _ . : # - ; not shaped like an id (ingest accepts both). */
const pointCode = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}_.:#-]{1,64}$/u, 'code.format')
  .refine((c) => !UUID_RE.test(c), 'code.uuid_like');

const optionalFields = {
  installation: z.string().trim().max(200).nullable(),
  location: z.string().trim().max(200),
  lng: z.number().min(-180).max(180).nullable(),
  lat: z.number().min(-90).max(90).nullable(),
  rangeMin: z.number().nullable(),
  rangeMax: z.number().nullable(),
  intervalSeconds: z.number().positive().max(86_400),
  template: z.string().trim().min(1).max(64).nullable(),
  thresholds: thresholdOverridesSchema,
  flatlineSeconds: z
    .number()
    .min(0)
    .max(30 * 86_400)
    .nullable(),
  flatlineTolerance: z.number().min(0).nullable(),
  rateWindowSeconds: z.number().positive().max(86_400).nullable(),
  severities: z.partialRecord(z.enum(ALARM_RULES), z.literal(SEVERITIES)),
};

export const pointCreateSchema = z.strictObject({
  enterpriseId: z.uuid(),
  code: pointCode,
  name: z.string().trim().min(1).max(100),
  kind: z.enum(MONITOR_KINDS).optional(),
  unit: z.string().trim().max(20).optional(),
  installation: optionalFields.installation.optional(),
  location: optionalFields.location.optional(),
  lng: optionalFields.lng.optional(),
  lat: optionalFields.lat.optional(),
  rangeMin: optionalFields.rangeMin.optional(),
  rangeMax: optionalFields.rangeMax.optional(),
  intervalSeconds: optionalFields.intervalSeconds.optional(),
  template: optionalFields.template.optional(),
  thresholds: optionalFields.thresholds.optional(),
  flatlineSeconds: optionalFields.flatlineSeconds.optional(),
  flatlineTolerance: optionalFields.flatlineTolerance.optional(),
  rateWindowSeconds: optionalFields.rateWindowSeconds.optional(),
  severities: optionalFields.severities.optional(),
});
export type PointCreate = z.infer<typeof pointCreateSchema>;

export const pointUpdateSchema = z.strictObject({
  version: z.number().int().min(1),
  name: z.string().trim().min(1).max(100).optional(),
  kind: z.enum(MONITOR_KINDS).optional(),
  unit: z.string().trim().max(20).optional(),
  installation: optionalFields.installation.optional(),
  location: optionalFields.location.optional(),
  lng: optionalFields.lng.optional(),
  lat: optionalFields.lat.optional(),
  rangeMin: optionalFields.rangeMin.optional(),
  rangeMax: optionalFields.rangeMax.optional(),
  intervalSeconds: optionalFields.intervalSeconds.optional(),
  template: optionalFields.template.optional(),
  /** Replaces the point's overrides as a whole ({} = the template's numbers). */
  thresholds: optionalFields.thresholds.optional(),
  flatlineSeconds: optionalFields.flatlineSeconds.optional(),
  flatlineTolerance: optionalFields.flatlineTolerance.optional(),
  rateWindowSeconds: optionalFields.rateWindowSeconds.optional(),
  severities: optionalFields.severities.optional(),
  active: z.boolean().optional(),
});
export type PointUpdate = z.infer<typeof pointUpdateSchema>;

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
