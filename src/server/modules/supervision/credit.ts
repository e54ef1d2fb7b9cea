/**
 * The credit score of an enterprise from its record (core/supervision/credit.ts does the arithmetic): the inputs
 * are gathered here, the assessment is stored with its history, and the nightly job keeps every enterprise fresh.
 */
import { sql } from 'kysely';
import { localDate, localDayStart } from '../../../core/hazards/index.js';
import { addMonths } from '../../../core/supervision/calendar.js';
import {
  type CreditInputs,
  type CreditResult,
  type CreditSettings,
  computeCredit,
  minimumInspectionFrequency,
  type RiskTier,
  tierChange,
} from '../../../core/supervision/index.js';
import { SYSTEM_ACTOR } from '../../platform/authz/actor.js';
import type { Executor } from '../../platform/db/client.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import type { Platform } from '../../platform/platform.js';
import { loadSettings } from './settings.js';

const OPEN = ['reported', 'rectifying', 'submitted', 'verified'] as const;

/** The inputs of the score as of a moment, read from the enterprise's record. Null for an unknown enterprise. */
export async function creditInputs(db: Executor, enterpriseId: string, asOf: Date): Promise<CreditInputs | null> {
  const e = await db
    .selectFrom('enterprises')
    .select(['id', 'standardization_grade', 'standardization_expiry', 'licences'])
    .where('id', '=', enterpriseId)
    .executeTakeFirst();
  if (!e) return null;
  const today = localDate(asOf);
  const since12m = localDayStart(addMonths(today, -12));
  const since3y = localDayStart(addMonths(today, -36));

  const [hazards, accidents, listing, violations, decisions, alarms, lastInspection, quizzes] = await Promise.all([
    db
      .selectFrom('hazards')
      .select([
        sql<number>`count(*) filter (where level = 'general' and not (status = 'rectifying' and deadline < ${today}::date))::int`.as(
          'open_general',
        ),
        sql<number>`count(*) filter (where level = 'general' and status = 'rectifying' and deadline < ${today}::date)::int`.as(
          'overdue_general',
        ),
        sql<number>`count(*) filter (where level = 'major' and not (status = 'rectifying' and deadline < ${today}::date))::int`.as(
          'open_major',
        ),
        sql<number>`count(*) filter (where level = 'major' and status = 'rectifying' and deadline < ${today}::date)::int`.as(
          'overdue_major',
        ),
      ])
      .where('enterprise_id', '=', enterpriseId)
      .where('status', 'in', [...OPEN])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('accidents')
      .select(['grade', sql<number>`count(*)::int`.as('n')])
      .where('enterprise_id', '=', enterpriseId)
      .where('occurred_at', '>', since3y)
      .where('occurred_at', '<=', asOf)
      .groupBy('grade')
      .execute(),
    db
      .selectFrom('dishonesty_listings')
      .select('id')
      .where('enterprise_id', '=', enterpriseId)
      .where('status', '=', 'active')
      .where('listed_on', '<=', today)
      .where('term_ends_on', '>=', today)
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('violations')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('enterprise_id', '=', enterpriseId)
      .where('occurred_on', '>', addMonths(today, -12))
      .where('occurred_on', '<=', today)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('enforcement_decisions')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('enterprise_id', '=', enterpriseId)
      .where('decided_at', '>', since12m)
      .where('decided_at', '<=', asOf)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('alarms')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('enterprise_id', '=', enterpriseId)
      .where('acknowledged', '=', false)
      .where('status', '<>', 'closed')
      .where('raised_at', '<=', asOf)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('inspections')
      .select('non_compliant_count')
      .where('enterprise_id', '=', enterpriseId)
      .where('status', 'in', ['completed', 'documents_issued'])
      .where('ended_at', '<=', asOf)
      .orderBy('ended_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('quiz_sessions')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('enterprise_id', '=', enterpriseId)
      .where('status', '=', 'scored')
      .where('passed', '=', false)
      .where('scored_at', '>', since12m)
      .where('scored_at', '<=', asOf)
      .executeTakeFirstOrThrow(),
  ]);
  const byGrade = Object.fromEntries(accidents.map((a) => [a.grade, a.n])) as Record<string, number | undefined>;
  const grade = e.standardization_grade;
  return {
    openGeneralHazards: hazards.open_general,
    overdueGeneralHazards: hazards.overdue_general,
    openMajorHazards: hazards.open_major,
    overdueMajorHazards: hazards.overdue_major,
    accidents3y: {
      ordinary: byGrade.ordinary ?? 0,
      larger: byGrade.larger ?? 0,
      major: byGrade.major ?? 0,
      especially_major: byGrade.especially_major ?? 0,
    },
    seriousDishonestyListed: listing !== undefined,
    violations12m: violations.n + decisions.n,
    unacknowledgedAlarms: alarms.n,
    standardization: {
      grade: grade === 1 || grade === 2 || grade === 3 ? grade : null,
      valid: grade !== null && e.standardization_expiry !== null && e.standardization_expiry >= today,
    },
    expiredLicences: e.licences.filter((l) => l.expiry < today).length,
    lastInspection: lastInspection ? { nonCompliantItems: lastInspection.non_compliant_count } : null,
    quizFailures12m: quizzes.n,
  };
}

/** The API form of an assessment's contributions: the zh sentence as `detail`, the en one as `detailEn`. */
export function presentContributions(result: Pick<CreditResult, 'contributions'>) {
  return result.contributions.map((c) => ({
    input: c.input,
    points: c.points,
    count: c.count,
    capped: c.capped,
    detail: c.detail.zh,
    detailEn: c.detail.en,
  }));
}

export interface Assessment {
  inputs: CreditInputs;
  result: CreditResult;
}

export async function assess(
  db: Executor,
  enterpriseId: string,
  asOf: Date,
  settings: CreditSettings,
): Promise<Assessment | null> {
  const inputs = await creditInputs(db, enterpriseId, asOf);
  if (!inputs) return null;
  return { inputs, result: computeCredit(inputs, settings) };
}

export function presentAssessment(a: Assessment, settings: CreditSettings, asOf: Date) {
  const r = a.result;
  return {
    score: r.score,
    tier: r.tier,
    mode: r.mode,
    scoreTier: r.scoreTier,
    forcedHigh: r.forcedHigh,
    base: r.base,
    unclamped: r.unclamped,
    contributions: presentContributions(r),
    inputs: a.inputs,
    minimumFrequency: minimumInspectionFrequency(r.tier, settings),
    computedAt: asOf.toISOString(),
  };
}

/**
 * Assesses the enterprise and stores it: the current row always, a history row when the score or the tier moved
 * (or on the first assessment). Runs inside the caller's transaction (the change that moved an input).
 */
export async function recomputeCredit(
  tx: Executor,
  enterpriseId: string,
  reason: string,
  asOf: Date,
  settings?: CreditSettings,
): Promise<{ score: number; tier: RiskTier; changed: boolean } | null> {
  const s = settings ?? (await loadSettings(tx)).settings.credit;
  const a = await assess(tx, enterpriseId, asOf, s);
  if (!a) return null;
  const r = a.result;
  const prev = await tx
    .selectFrom('enterprise_credit')
    .select(['score', 'tier'])
    .where('enterprise_id', '=', enterpriseId)
    .executeTakeFirst();
  const contributions = JSON.stringify(presentContributions(r));
  const inputs = JSON.stringify(a.inputs);
  const row = {
    score: r.score,
    tier: r.tier,
    mode: r.mode,
    score_tier: r.scoreTier,
    contributions,
    inputs,
    computed_at: asOf,
    reason,
  };
  await tx
    .insertInto('enterprise_credit')
    .values({ enterprise_id: enterpriseId, ...row })
    .onConflict((oc) => oc.column('enterprise_id').doUpdateSet(row))
    .execute();
  const changed = !prev || prev.score !== r.score || prev.tier !== r.tier;
  if (changed) {
    const change = tierChange(prev?.tier ?? null, r.tier);
    await tx
      .insertInto('credit_assessments')
      .values({
        enterprise_id: enterpriseId,
        score: r.score,
        tier: r.tier,
        mode: r.mode,
        score_tier: r.scoreTier,
        forced_high: r.forcedHigh ? JSON.stringify(r.forcedHigh) : null,
        direction: change.direction,
        change_zh: change.text.zh,
        change_en: change.text.en,
        contributions,
        inputs,
        reason,
        computed_at: asOf,
      })
      .execute();
  }
  return { score: r.score, tier: r.tier, changed };
}

/**
 * The stored tier of an enterprise, assessing it first when it never was (the rules of entry depend on it).
 */
export async function currentTier(tx: Executor, enterpriseId: string, asOf: Date): Promise<RiskTier> {
  const row = await tx
    .selectFrom('enterprise_credit')
    .select('tier')
    .where('enterprise_id', '=', enterpriseId)
    .executeTakeFirst();
  if (row) return row.tier;
  const r = await recomputeCredit(tx, enterpriseId, 'initial', asOf);
  return r?.tier ?? 'general';
}

/** Nightly: every enterprise not closed, as of the run; a second run with nothing changed writes no history. */
export function creditJob(p: Platform): JobDefinition {
  return {
    name: 'supervision.credit',
    cron: '30 1 * * *',
    description: 'Recompute every enterprise’s safety credit score and risk tier (history kept when they move)',
    async run({ asOf }) {
      const { settings } = await loadSettings(p.db);
      let assessed = 0;
      let changed = 0;
      let lastId: string | null = null;
      for (;;) {
        let q = p.db.selectFrom('enterprises').select('id').where('status', '<>', 'closed').orderBy('id').limit(200);
        if (lastId) q = q.where('id', '>', lastId);
        const batch = await q.execute();
        if (batch.length === 0) break;
        lastId = batch.at(-1)?.id ?? null;
        for (const e of batch) {
          const r = await p.transaction((tx) => recomputeCredit(tx, e.id, 'nightly', asOf, settings.credit));
          assessed++;
          if (r?.changed) changed++;
        }
        if (batch.length < 200) break;
      }
      p.log.info({ assessed, changed, actor: SYSTEM_ACTOR.username }, 'credit recomputed');
      return { asOf: asOf.toISOString(), assessed, changed };
    },
  };
}
