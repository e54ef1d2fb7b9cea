/** Rules of entry (入企规范): the enterprise's effective rules and its counts for a year. */
import { z } from 'zod';
import {
  type EnterpriseEntryOverride,
  type EnterpriseEntryRules,
  quietPeriodSchema,
  type RiskTier,
  resolveEntryRules,
} from '../../../core/supervision/index.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { Executor } from '../../platform/db/client.js';
import { currentTier } from './credit.js';
import type { SupervisionSettings } from './settings.js';
import { inspectionVisibility } from './shared.js';

const capValue = z.number().int().min(0).max(366);

/** The stored override: only the keys the enterprise overrides. */
export const entryOverrideSchema = z.object({
  quietPeriod: quietPeriodSchema.nullable().optional(),
  yearlyCapPerDepartment: capValue.optional(),
  yearlyCapTotal: capValue.optional(),
  maxInspectorsPerVisit: z.number().int().min(1).max(50).optional(),
});

export const entryRulesPutSchema = z.object({
  version: z.number().int().min(0),
  quietPeriod: quietPeriodSchema.nullable().optional(),
  yearlyCapPerDepartment: capValue.nullable().optional(),
  yearlyCapTotal: capValue.nullable().optional(),
  maxInspectorsPerVisit: z.number().int().min(1).max(50).nullable().optional(),
  reset: z.literal(true).optional(),
});

export async function loadOverride(db: Executor, enterpriseId: string) {
  const row = await db
    .selectFrom('enterprise_entry_rules')
    .select(['override', 'version'])
    .where('enterprise_id', '=', enterpriseId)
    .executeTakeFirst();
  const parsed = entryOverrideSchema.safeParse(row?.override ?? {});
  const override = (parsed.success ? parsed.data : {}) as EnterpriseEntryOverride;
  return { override, version: row?.version ?? 0 };
}

/** The unit a visit counts under: each department, or the township for a township's own inspection. */
export function unitKeys(departmentIds: readonly string[], townCode: string | null): string[] {
  if (departmentIds.length > 0) return [...departmentIds];
  return townCode ? [`town:${townCode}`] : [];
}

export interface YearCounts {
  routine: { total: number; byDepartment: Record<string, number> };
  exempt: { total: number; byKind: Record<string, number> };
}

/**
 * Inspections of the enterprise planned in a local year, not cancelled; routine and exempt counted apart.
 * The entry checks count everything (`viewer` left out); a count shown to a person passes `viewer`, so an
 * enterprise user's count leaves out the unannounced inspections not yet started (四不两直: not even their number
 * may tell the enterprise that a visit is coming).
 */
export async function countsForYear(
  db: Executor,
  enterpriseId: string,
  year: number,
  opts: { exceptInspectionId?: string; viewer?: Actor } = {},
): Promise<YearCounts> {
  let q = db
    .selectFrom('inspections')
    .select(['id', 'kind', 'department_ids', 'town_code'])
    .where('enterprise_id', '=', enterpriseId)
    .where('planned_year', '=', year)
    .where('status', '<>', 'cancelled');
  if (opts.exceptInspectionId) q = q.where('id', '<>', opts.exceptInspectionId);
  if (opts.viewer) q = q.where(inspectionVisibility(opts.viewer));
  const rows = await q.execute();
  const out: YearCounts = { routine: { total: 0, byDepartment: {} }, exempt: { total: 0, byKind: {} } };
  for (const r of rows) {
    if (r.kind === 'routine') {
      out.routine.total++;
      for (const k of unitKeys(r.department_ids, r.town_code)) {
        out.routine.byDepartment[k] = (out.routine.byDepartment[k] ?? 0) + 1;
      }
    } else {
      out.exempt.total++;
      out.exempt.byKind[r.kind] = (out.exempt.byKind[r.kind] ?? 0) + 1;
    }
  }
  return out;
}

export async function effectiveRules(
  db: Executor,
  enterpriseId: string,
  settings: SupervisionSettings,
  asOf: Date,
): Promise<{ tier: RiskTier; rules: EnterpriseEntryRules; override: EnterpriseEntryOverride; version: number }> {
  const tier = await currentTier(db, enterpriseId, asOf);
  const { override, version } = await loadOverride(db, enterpriseId);
  return { tier, rules: resolveEntryRules(tier, settings.entry, override), override, version };
}
