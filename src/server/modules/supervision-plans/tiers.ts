import { sql } from 'kysely';
import { localDate } from '../../../core/dates.js';
import {
  type CreditInputs,
  computeCredit,
  type RiskTier,
  type StandardizationGrade,
} from '../../../core/supervision/index.js';
import type { Executor } from '../../platform/db/client.js';

/** Where a plan took an enterprise's tier from. */
export type TierSource = 'credit' | 'derived';

export interface EnterpriseTier {
  tier: RiskTier;
  source: TierSource;
}

const OPEN = ['reported', 'rectifying', 'submitted', 'verified'] as const;

/**
 * The risk tier of each enterprise, for planning.
 *
 * The credit module (issue #4 §1) keeps each enterprise's score and tier. Until its table is present, the tier
 * is derived here with the same pure rule (`computeCredit`, default weights) from the inputs this database
 * already records: open and overdue hazards by level, expired licences, the standardization grade and its
 * validity, and unacknowledged active alarms. Accidents, dishonesty listings, violations, inspection results
 * and quizzes count as zero in the fallback. The plan stores how many tiers came from each source.
 */
export async function enterpriseTiers(
  db: Executor,
  ids: readonly string[],
  now: Date,
): Promise<Map<string, EnterpriseTier>> {
  const out = new Map<string, EnterpriseTier>();
  if (ids.length === 0) return out;
  const today = localDate(now);
  const list = [...ids];

  for (const [id, tier] of await creditTiers(db, list)) out.set(id, { tier, source: 'credit' });
  const rest = list.filter((id) => !out.has(id));
  if (rest.length === 0) return out;

  const [ents, hazards, alarms] = await Promise.all([
    db
      .selectFrom('enterprises')
      .select(['id', 'licences', 'standardization_grade', 'standardization_expiry'])
      .where('id', 'in', rest)
      .execute(),
    db
      .selectFrom('hazards')
      .select([
        'enterprise_id',
        'level',
        sql<boolean>`deadline is not null and deadline < ${today}::date`.as('overdue'),
        sql<number>`count(*)::int`.as('n'),
      ])
      .where('enterprise_id', 'in', rest)
      .where('status', 'in', [...OPEN])
      .groupBy(['enterprise_id', 'level', sql`overdue`])
      .execute(),
    db
      .selectFrom('alarms')
      .select(['enterprise_id', sql<number>`count(*)::int`.as('n')])
      .where('enterprise_id', 'in', rest)
      .where('status', '=', 'active')
      .where('acknowledged', '=', false)
      .groupBy('enterprise_id')
      .execute(),
  ]);
  const alarmsOf = new Map(alarms.map((a) => [a.enterprise_id, a.n]));
  for (const e of ents) {
    const inputs: CreditInputs = {
      openGeneralHazards: 0,
      overdueGeneralHazards: 0,
      openMajorHazards: 0,
      overdueMajorHazards: 0,
      accidents3y: { ordinary: 0, larger: 0, major: 0, especially_major: 0 },
      seriousDishonestyListed: false,
      violations12m: 0,
      unacknowledgedAlarms: alarmsOf.get(e.id) ?? 0,
      standardization: {
        grade: isGrade(e.standardization_grade) ? e.standardization_grade : null,
        valid: e.standardization_expiry !== null && e.standardization_expiry >= today,
      },
      expiredLicences: e.licences.filter((l) => l.expiry < today).length,
      lastInspection: null,
      quizFailures12m: 0,
    };
    for (const h of hazards) {
      if (h.enterprise_id !== e.id) continue;
      if (h.level === 'major') inputs[h.overdue ? 'overdueMajorHazards' : 'openMajorHazards'] += h.n;
      else inputs[h.overdue ? 'overdueGeneralHazards' : 'openGeneralHazards'] += h.n;
    }
    out.set(e.id, { tier: computeCredit(inputs).tier, source: 'derived' });
  }
  return out;
}

function isGrade(g: number | null): g is StandardizationGrade {
  return g === 1 || g === 2 || g === 3;
}

/**
 * The latest tier the credit module recorded, when its table exists. Read by name so that this module does not
 * depend on the credit module's code: `enterprise_credit` (one row per enterprise and computation, newest by
 * `computed_at`). Absent table → empty map.
 */
async function creditTiers(db: Executor, ids: string[]): Promise<Map<string, RiskTier>> {
  const exists = await sql<{ t: string | null }>`select to_regclass('public.enterprise_credit')::text as t`.execute(db);
  if (!exists.rows[0]?.t) return new Map();
  const rows = await sql<{ enterprise_id: string; tier: string }>`
    select distinct on (enterprise_id) enterprise_id, tier from enterprise_credit
    where enterprise_id = any(${ids}::uuid[]) order by enterprise_id, computed_at desc`.execute(db);
  const out = new Map<string, RiskTier>();
  for (const r of rows.rows) {
    if (r.tier === 'low' || r.tier === 'general' || r.tier === 'high') out.set(r.enterprise_id, r.tier);
  }
  return out;
}
