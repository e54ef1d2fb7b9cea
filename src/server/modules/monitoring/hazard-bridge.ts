import { z } from 'zod';
import { HAZARD_CATEGORIES } from '../../../core/hazards/index.js';
import type { Tx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { RequestCtx } from '../../platform/http/context.js';
import type { Platform } from '../../platform/platform.js';
import { createHazard } from '../hazards/index.js';

type HazardInput = Parameters<typeof createHazard>[3];

const CATEGORIES = HAZARD_CATEGORIES satisfies readonly HazardInput['category'][];

/** Optional details of the hazard to create, in `POST /api/alarms/:id/actions {action: 'to_hazard', hazard}`. */
export const alarmHazardDetailsSchema = z.strictObject({
  category: z.enum(CATEGORIES).optional(),
  level: z.enum(['general', 'major']).optional(),
  place: z.string().trim().min(1).max(200).optional(),
  description: z.string().trim().min(1).max(2000).optional(),
  catalogItemCode: z.string().trim().min(1).max(50).optional(),
  majorBasis: z.string().trim().min(1).max(2000).optional(),
  rectification: z
    .strictObject({
      deadline: z.iso.date().optional(),
      measures: z.string().trim().max(2000).optional(),
      responsiblePerson: z.string().trim().max(50).optional(),
      funds: z.string().trim().max(100).optional(),
    })
    .optional(),
});
export type AlarmHazardDetails = z.infer<typeof alarmHazardDetailsSchema>;

/** What the alarm module hands over when an alarm is turned into a hazard (隐患). */
export interface HazardFromAlarm {
  alarmId: string;
  alarmCode: string;
  rule: string;
  tampering: boolean;
  enterpriseId: string;
  place: string;
  description: string;
  foundAt: Date;
  details: AlarmHazardDetails;
}

/** Creates the hazard (source 'alarm') in the caller's transaction and returns it. */
export type CreateHazardFromAlarm = (
  tx: Tx,
  ctx: RequestCtx,
  after: (cb: () => void) => void,
  input: HazardFromAlarm,
) => Promise<{ id: string; code: string }>;

const LEVEL_RULES = new Set(['power_cut', 'high_high', 'high', 'low_low', 'low', 'rate_of_change']);

/** The hazards module's `createHazard`, with the alarm's place, description and time as defaults. */
export function hazardsModuleBridge(p: Platform): CreateHazardFromAlarm {
  return async (tx, ctx, after, input) => {
    const d = input.details;
    const category = d.category ?? (LEVEL_RULES.has(input.rule) && !input.tampering ? 'environment' : 'equipment');
    const hazard: HazardInput = {
      enterpriseId: input.enterpriseId,
      place: d.place ?? input.place.slice(0, 200),
      category,
      level: d.level ?? 'general',
      description: d.description ?? input.description,
      source: 'alarm',
      foundAt: input.foundAt.toISOString(),
      photoFileIds: [],
      documentFileIds: [],
      ...(d.catalogItemCode ? { catalogItemCode: d.catalogItemCode } : {}),
      ...(d.majorBasis ? { majorBasis: d.majorBasis } : {}),
      ...(d.rectification
        ? {
            rectification: {
              measures: d.rectification.measures ?? '',
              responsiblePerson: d.rectification.responsiblePerson ?? '',
              funds: d.rectification.funds ?? '',
              ...(d.rectification.deadline ? { deadline: d.rectification.deadline } : {}),
            },
          }
        : {}),
    };
    try {
      const row = await createHazard(tx, ctx, { files: p.files, fx: { notifier: p.notifier, after } }, hazard);
      return { id: row.id, code: row.code };
    } catch (err) {
      // Name the fields as the alarm action received them: hazard.rectification.deadline, …
      if (err instanceof AppError && err.status === 400) {
        throw new AppError(
          400,
          err.code,
          err.message,
          err.fields?.map((f) => ({ ...f, path: `hazard.${f.path}` })),
          err.extra,
        );
      }
      throw err;
    }
  };
}

const overrides = new WeakMap<Platform, CreateHazardFromAlarm | null>();

/** Tests and alternative wirings: replace the bridge (null: only record the request on the alarm). */
export function setHazardBridge(p: Platform, fn: CreateHazardFromAlarm | null): void {
  overrides.set(p, fn);
}

export function hazardBridgeFor(p: Platform): CreateHazardFromAlarm | null {
  return overrides.has(p) ? (overrides.get(p) ?? null) : hazardsModuleBridge(p);
}
