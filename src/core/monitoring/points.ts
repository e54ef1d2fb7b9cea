/**
 * What an API client may send to define a monitoring point (风险监测预警 · 测点). Shared by the server's
 * `POST/PATCH /api/points` and the web app's point form, so a field is judged the same way in both places;
 * the field messages are stable keys (`code.format`) the web app translates. The rule-level checks (template,
 * threshold order, range) are `compilePoint`'s, on the server.
 */
import { z } from 'zod';
import { isUuid } from '../ids.js';
import { ALARM_RULES, SEVERITIES } from './evaluator.js';
import { MONITOR_KINDS, thresholdOverridesSchema } from './templates.js';

/** A point code: letters (any script), digits and _ . : # - ; not shaped like an id (ingest accepts both). */
export const pointCodeSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}_.:#-]{1,64}$/u, 'code.format')
  .refine((c) => !isUuid(c), 'code.uuid_like');

/** The fields a point's form edits, one schema each (the web form validates field by field with them). */
export const pointFieldSchemas = {
  code: pointCodeSchema,
  name: z.string().trim().min(1).max(100),
  kind: z.enum(MONITOR_KINDS),
  unit: z.string().trim().max(20),
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

const f = pointFieldSchemas;

/** What a point's owner may set at creation and change later; every field optional here. */
const editableFields = z
  .strictObject({
    kind: f.kind,
    unit: f.unit,
    installation: f.installation,
    location: f.location,
    lng: f.lng,
    lat: f.lat,
    rangeMin: f.rangeMin,
    rangeMax: f.rangeMax,
    intervalSeconds: f.intervalSeconds,
    template: f.template,
    /** On update: replaces the point's overrides as a whole ({} = the template's numbers). */
    thresholds: f.thresholds,
    flatlineSeconds: f.flatlineSeconds,
    flatlineTolerance: f.flatlineTolerance,
    rateWindowSeconds: f.rateWindowSeconds,
    severities: f.severities,
  })
  .partial();

export const pointCreateSchema = editableFields.extend({ enterpriseId: z.uuid(), code: f.code, name: f.name });
export type PointCreate = z.infer<typeof pointCreateSchema>;

/** A change to a point; the code is not editable (gateways address the point by it). */
export const pointUpdateSchema = editableFields.extend({
  version: z.number().int().min(1),
  name: f.name.optional(),
  active: z.boolean().optional(),
});
export type PointUpdate = z.infer<typeof pointUpdateSchema>;
