import { z } from 'zod';
import {
  type CreditSettings,
  creditSettingsSchema,
  type EntryRuleSettings,
  entryRuleSettingsSchema,
  type QuizSettings,
  quizSettingsSchema,
} from '../../../core/supervision/index.js';
import type { Executor } from '../../platform/db/client.js';

export const SUPERVISION_SETTINGS_KEY = 'supervision';

export const inspectionSettingsSchema = z.object({
  /** Deadline of a general finding when the inspector gives none (days from the local date). */
  defaultRectificationDays: z.number().int().min(1).max(365).default(15),
});
export type InspectionSettings = z.infer<typeof inspectionSettingsSchema>;

export interface SupervisionSettings {
  credit: CreditSettings;
  entry: EntryRuleSettings;
  quiz: QuizSettings;
  inspection: InspectionSettings;
}

const sectionSchemas = {
  credit: creditSettingsSchema,
  entry: entryRuleSettingsSchema,
  quiz: quizSettingsSchema,
  inspection: inspectionSettingsSchema,
} as const;

/** Parses stored settings; a section that no longer validates falls back to its defaults. */
export function parseSettings(value: unknown): SupervisionSettings {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const section = <K extends keyof typeof sectionSchemas>(k: K) => {
    const r = sectionSchemas[k].safeParse(v[k] ?? {});
    return (r.success ? r.data : sectionSchemas[k].parse({})) as SupervisionSettings[K];
  };
  return {
    credit: section('credit'),
    entry: section('entry'),
    quiz: section('quiz'),
    inspection: section('inspection'),
  };
}

export async function loadSettings(db: Executor): Promise<{ settings: SupervisionSettings; version: number }> {
  const row = await db
    .selectFrom('settings')
    .select(['value', 'version'])
    .where('key', '=', SUPERVISION_SETTINGS_KEY)
    .executeTakeFirst();
  return { settings: parseSettings(row?.value ?? {}), version: row?.version ?? 0 };
}

/** Deep merge of plain objects (arrays and nulls replace). */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (
    patch === null ||
    typeof patch !== 'object' ||
    Array.isArray(patch) ||
    base === null ||
    typeof base !== 'object' ||
    Array.isArray(base)
  ) {
    return patch;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) out[k] = deepMerge(out[k], v);
  return out;
}

export const settingsPutSchema = z.object({
  version: z.number().int().min(0),
  credit: z.record(z.string(), z.unknown()).optional(),
  entry: z.record(z.string(), z.unknown()).optional(),
  quiz: z.record(z.string(), z.unknown()).optional(),
  inspection: z.record(z.string(), z.unknown()).optional(),
});

/** The new settings from a PUT: each section merged over the current one and validated whole. */
export function mergeSettings(
  current: SupervisionSettings,
  patch: z.infer<typeof settingsPutSchema>,
): { ok: true; value: SupervisionSettings } | { ok: false; path: string; message: string } {
  const out = { ...current } as Record<keyof SupervisionSettings, unknown>;
  for (const k of Object.keys(sectionSchemas) as (keyof SupervisionSettings)[]) {
    if (patch[k] === undefined) continue;
    const r = sectionSchemas[k].safeParse(deepMerge(current[k], patch[k]));
    if (!r.success) {
      const issue = r.error.issues[0];
      return {
        ok: false,
        path: [k, ...(issue?.path ?? []).map(String)].join('.'),
        message: issue?.message ?? 'invalid',
      };
    }
    out[k] = r.data;
  }
  return { ok: true, value: out as unknown as SupervisionSettings };
}
