import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../../../core/ids.js';
import {
  ACCIDENT_KINDS,
  DISHONESTY_TRIGGERS,
  dishonestyTerm,
  gradeAccident,
  RISK_TIERS,
  SUPERVISION_MODES,
} from '../../../core/supervision/index.js';
import { audit } from '../../platform/audit/audit.js';
import { type Actor, requirePermission } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Tx } from '../../platform/db/client.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf, type RequestCtx } from '../../platform/http/context.js';
import { pageQuery } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { assess, presentAssessment, recomputeCredit } from './credit.js';
import { countsForYear, effectiveRules, entryOverrideSchema, entryRulesPutSchema, loadOverride } from './entry.js';
import { loadSettings, mergeSettings, SUPERVISION_SETTINGS_KEY, settingsPutSchema } from './settings.js';
import { scopedEnterprise } from './shared.js';

const idParams = z.object({ id: z.string() });
const enterpriseFilter = z.object({ ...pageQuery, enterpriseId: z.uuid().optional() });

/** Settings, credit and its inputs recorded here (accidents, violations, dishonesty listings), rules of entry. */
export function creditRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  // ---- settings -------------------------------------------------------------------------------------------
  r.get('/api/supervision-settings', { schema: { tags: ['supervision'] } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'supervision.read');
    const { settings, version } = await loadSettings(p.db);
    return { version, ...settings };
  });

  r.put('/api/supervision-settings', { schema: { tags: ['supervision'], body: settingsPutSchema } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'settings.manage');
    return p.transaction(async (tx) => {
      const row = await tx
        .selectFrom('settings')
        .select('version')
        .where('key', '=', SUPERVISION_SETTINGS_KEY)
        .forUpdate()
        .executeTakeFirst();
      const current = row?.version ?? 0;
      if (current !== req.body.version) throw staleVersion(current);
      const { settings: before } = await loadSettings(tx);
      const merged = mergeSettings(before, req.body);
      if (!merged.ok) {
        throw new AppError(400, 'VALIDATION', `Invalid setting ${merged.path}: ${merged.message}`, [
          { path: merged.path, message: merged.message },
        ]);
      }
      const value = JSON.stringify(merged.value);
      if (row) {
        await tx
          .updateTable('settings')
          .set({ value, updated_at: ctx.now, version: current + 1 })
          .where('key', '=', SUPERVISION_SETTINGS_KEY)
          .execute();
      } else {
        await tx.insertInto('settings').values({ key: SUPERVISION_SETTINGS_KEY, value, updated_at: ctx.now }).execute();
      }
      await audit(tx, ctx, {
        action: 'supervision.settings_updated',
        entityType: 'settings',
        entityId: SUPERVISION_SETTINGS_KEY,
        before,
        after: merged.value,
      });
      return { version: current + 1, ...merged.value };
    });
  });

  // ---- credit ---------------------------------------------------------------------------------------------
  r.get('/api/enterprises/:id/credit', { schema: { tags: ['supervision'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'supervision.read');
    const e = await scopedEnterprise(p.db, ctx.actor, req.params.id);
    const { settings } = await loadSettings(p.db);
    const a = await assess(p.db, e.id, ctx.now, settings.credit);
    if (!a) throw notFound('enterprise');
    const stored = await p.db
      .selectFrom('enterprise_credit')
      .select(['score', 'tier', 'computed_at'])
      .where('enterprise_id', '=', e.id)
      .executeTakeFirst();
    return {
      enterpriseId: e.id,
      enterpriseName: e.name,
      ...presentAssessment(a, settings.credit, ctx.now),
      stored: stored ? { score: stored.score, tier: stored.tier, computedAt: stored.computed_at } : null,
    };
  });

  r.get('/api/enterprises/:id/credit/history', { schema: { tags: ['supervision'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'supervision.read');
    const e = await scopedEnterprise(p.db, ctx.actor, req.params.id);
    const rows = await p.db
      .selectFrom('credit_assessments')
      .selectAll()
      .where('enterprise_id', '=', e.id)
      .orderBy('computed_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(200)
      .execute();
    return {
      items: rows.map((h) => ({
        id: h.id,
        score: h.score,
        tier: h.tier,
        mode: h.mode,
        scoreTier: h.score_tier,
        forcedHigh: h.forced_high,
        direction: h.direction,
        change: { zh: h.change_zh, en: h.change_en },
        reason: h.reason,
        contributions: h.contributions,
        computedAt: h.computed_at,
      })),
      total: rows.length,
    };
  });

  r.get(
    '/api/credit',
    {
      schema: {
        tags: ['supervision'],
        querystring: z.object({
          ...pageQuery,
          tier: z.enum(RISK_TIERS).optional(),
          mode: z.enum(SUPERVISION_MODES).optional(),
          regionCode: z
            .string()
            .regex(/^\d{12}$/)
            .optional(),
          sector: z.string().max(50).optional(),
          q: z.string().trim().max(100).optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'supervision.read');
      const f = req.query;
      let q = p.db
        .selectFrom('enterprise_credit')
        .innerJoin('enterprises', 'enterprises.id', 'enterprise_credit.enterprise_id')
        .where(enterpriseScope(ctx.actor));
      if (f.tier) q = q.where('enterprise_credit.tier', '=', f.tier);
      if (f.mode) q = q.where('enterprise_credit.mode', '=', f.mode);
      if (f.sector) q = q.where(sql<boolean>`${f.sector} = any(enterprises.sectors)`);
      if (f.regionCode) {
        q = q.where(
          sql<boolean>`enterprises.region_path like (select replace(replace(path, '_', '\\_'), '%', '\\%') || '%' from regions where code = ${f.regionCode})`,
        );
      }
      if (f.q) q = q.where('enterprises.name', 'like', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const [rows, count] = await Promise.all([
        q
          .select([
            'enterprises.id',
            'enterprises.name',
            'enterprises.region_code',
            'enterprises.primary_sector',
            'enterprise_credit.score',
            'enterprise_credit.tier',
            'enterprise_credit.mode',
            'enterprise_credit.computed_at',
          ])
          .orderBy('enterprise_credit.score', 'asc')
          .orderBy('enterprises.id')
          .limit(f.pageSize)
          .offset((f.page - 1) * f.pageSize)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((x) => ({
          enterpriseId: x.id,
          enterpriseName: x.name,
          regionCode: x.region_code,
          primarySector: x.primary_sector,
          score: x.score,
          tier: x.tier,
          mode: x.mode,
          computedAt: x.computed_at,
        })),
        total: count.n,
        page: f.page,
        pageSize: f.pageSize,
      };
    },
  );

  // ---- rules of entry -------------------------------------------------------------------------------------
  async function entryView(db: Tx | Platform['db'], enterpriseId: string, now: Date, viewer: Actor) {
    const { settings } = await loadSettings(db);
    const { tier, rules, override, version } = await effectiveRules(db, enterpriseId, settings, now);
    const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(now));
    return {
      enterpriseId,
      tier,
      county: settings.entry,
      override,
      effective: rules,
      year,
      counts: await countsForYear(db, enterpriseId, year, { viewer }),
      version,
    };
  }

  r.get('/api/enterprises/:id/entry-rules', { schema: { tags: ['supervision'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'supervision.read');
    const e = await scopedEnterprise(p.db, ctx.actor, req.params.id);
    return p.transaction((tx) => entryView(tx, e.id, ctx.now, ctx.actor));
  });

  r.put(
    '/api/enterprises/:id/entry-rules',
    { schema: { tags: ['supervision'], params: idParams, body: entryRulesPutSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'plan.manage');
      return p.transaction(async (tx) => {
        const e = await scopedEnterprise(tx, ctx.actor, req.params.id, { lock: true });
        const { override: before, version } = await loadOverride(tx, e.id);
        if (version !== req.body.version) throw staleVersion(version);
        const { version: _v, reset, ...patch } = req.body;
        const next: Record<string, unknown> = reset ? {} : { ...before };
        for (const [k, v] of Object.entries(patch)) {
          if (v === undefined) continue;
          if (v === null && k !== 'quietPeriod') delete next[k];
          else next[k] = v;
        }
        const override = entryOverrideSchema.parse(next);
        if (version === 0) {
          await tx
            .insertInto('enterprise_entry_rules')
            .values({ enterprise_id: e.id, override: JSON.stringify(override), updated_at: ctx.now })
            .execute();
        } else {
          await tx
            .updateTable('enterprise_entry_rules')
            .set({ override: JSON.stringify(override), updated_at: ctx.now, version: version + 1 })
            .where('enterprise_id', '=', e.id)
            .execute();
        }
        await audit(tx, ctx, {
          action: 'supervision.entry_rules_updated',
          entityType: 'enterprise',
          entityId: e.id,
          before,
          after: override,
        });
        return entryView(tx, e.id, ctx.now, ctx.actor);
      });
    },
  );

  // ---- accidents ------------------------------------------------------------------------------------------
  const accidentSchema = z.object({
    enterpriseId: z.uuid(),
    occurredAt: z.iso.datetime({ offset: true }),
    kind: z.enum(ACCIDENT_KINDS),
    deaths: z.number().int().min(0).max(100_000),
    seriousInjuries: z.number().int().min(0).max(100_000),
    directLossYuan: z.number().int().min(0).max(1e13),
    description: z.string().trim().min(1).max(5000),
  });

  r.post('/api/accidents', { schema: { tags: ['supervision'], body: accidentSchema } }, async (req, reply) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'enforcement.decide');
    const b = req.body;
    const occurredAt = new Date(b.occurredAt);
    if (occurredAt.getTime() > ctx.now.getTime() + 5 * 60_000) {
      throw new AppError(400, 'INVALID_FIELD', 'occurredAt is in the future', [
        { path: 'occurredAt', message: 'invalid' },
      ]);
    }
    const row = await p.transaction(async (tx) => {
      const e = await scopedEnterprise(tx, ctx.actor, b.enterpriseId);
      const grade = gradeAccident({
        deaths: b.deaths,
        seriousInjuries: b.seriousInjuries,
        directLossYuan: b.directLossYuan,
      });
      const a = await tx
        .insertInto('accidents')
        .values({
          enterprise_id: e.id,
          occurred_at: occurredAt,
          kind: b.kind,
          deaths: b.deaths,
          serious_injuries: b.seriousInjuries,
          direct_loss_yuan: b.directLossYuan,
          grade,
          description: b.description,
          recorded_by_id: ctx.actor.userId,
          recorded_by_name: ctx.actor.displayName,
          created_at: ctx.now,
          updated_at: ctx.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(tx, ctx, { action: 'accident.recorded', entityType: 'accident', entityId: a.id, after: a });
      await recomputeCredit(tx, e.id, 'accident.recorded', ctx.now);
      return { ...a, enterprise_name: e.name };
    });
    return reply.status(201).send(presentAccident(row));
  });

  r.get('/api/accidents', { schema: { tags: ['supervision'], querystring: enterpriseFilter } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'supervision.read');
    let q = p.db
      .selectFrom('accidents')
      .innerJoin('enterprises', 'enterprises.id', 'accidents.enterprise_id')
      .where(enterpriseScope(ctx.actor));
    if (req.query.enterpriseId) q = q.where('accidents.enterprise_id', '=', req.query.enterpriseId);
    const [rows, count] = await Promise.all([
      q
        .selectAll('accidents')
        .select('enterprises.name as enterprise_name')
        .orderBy('accidents.occurred_at', 'desc')
        .limit(req.query.pageSize)
        .offset((req.query.page - 1) * req.query.pageSize)
        .execute(),
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(presentAccident), total: count.n, page: req.query.page, pageSize: req.query.pageSize };
  });

  // ---- violations (三违 and other violations found) --------------------------------------------------------
  const violationSchema = z.object({
    enterpriseId: z.uuid(),
    occurredOn: z.iso.date(),
    kind: z.enum(['command', 'operation', 'discipline', 'other']),
    description: z.string().trim().min(1).max(5000),
    inspectionId: z.uuid().optional(),
  });

  r.post('/api/violations', { schema: { tags: ['supervision'], body: violationSchema } }, async (req, reply) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'inspection.conduct');
    const b = req.body;
    const row = await p.transaction(async (tx) => {
      const e = await scopedEnterprise(tx, ctx.actor, b.enterpriseId);
      if (b.inspectionId) {
        const i = await tx
          .selectFrom('inspections')
          .select('id')
          .where('id', '=', b.inspectionId)
          .where('enterprise_id', '=', e.id)
          .executeTakeFirst();
        if (!i)
          throw new AppError(400, 'INVALID_FIELD', 'No such inspection of this enterprise', [
            { path: 'inspectionId', message: 'invalid' },
          ]);
      }
      const v = await tx
        .insertInto('violations')
        .values({
          enterprise_id: e.id,
          occurred_on: b.occurredOn,
          kind: b.kind,
          description: b.description,
          inspection_id: b.inspectionId ?? null,
          recorded_by_id: ctx.actor.userId,
          recorded_by_name: ctx.actor.displayName,
          created_at: ctx.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(tx, ctx, { action: 'violation.recorded', entityType: 'violation', entityId: v.id, after: v });
      await recomputeCredit(tx, e.id, 'violation.recorded', ctx.now);
      return v;
    });
    return reply.status(201).send(presentViolation(row));
  });

  r.get('/api/violations', { schema: { tags: ['supervision'], querystring: enterpriseFilter } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'supervision.read');
    let q = p.db
      .selectFrom('violations')
      .innerJoin('enterprises', 'enterprises.id', 'violations.enterprise_id')
      .where(enterpriseScope(ctx.actor));
    if (req.query.enterpriseId) q = q.where('violations.enterprise_id', '=', req.query.enterpriseId);
    const [rows, count] = await Promise.all([
      q
        .selectAll('violations')
        .select('enterprises.name as enterprise_name')
        .orderBy('violations.occurred_on', 'desc')
        .limit(req.query.pageSize)
        .offset((req.query.page - 1) * req.query.pageSize)
        .execute(),
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((v) => ({ ...presentViolation(v), enterpriseName: v.enterprise_name })),
      total: count.n,
      page: req.query.page,
      pageSize: req.query.pageSize,
    };
  });

  // ---- serious-dishonesty list (令第11号) ------------------------------------------------------------------
  const listingSchema = z.object({
    enterpriseId: z.uuid(),
    listedOn: z.iso.date(),
    trigger: z.enum([...DISHONESTY_TRIGGERS, 'other']),
    reason: z.string().trim().min(1).max(2000),
    decisionNumber: z.string().trim().max(100).default(''),
  });

  r.post('/api/dishonesty-listings', { schema: { tags: ['supervision'], body: listingSchema } }, async (req, reply) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'settings.manage');
    const b = req.body;
    const row = await p.transaction(async (tx) => {
      const e = await scopedEnterprise(tx, ctx.actor, b.enterpriseId);
      const term = dishonestyTerm(b.listedOn);
      const l = await tx
        .insertInto('dishonesty_listings')
        .values({
          enterprise_id: e.id,
          listed_on: b.listedOn,
          term_ends_on: term.lastListedDay,
          trigger: b.trigger,
          reason: b.reason,
          decision_number: b.decisionNumber,
          created_by_name: ctx.actor.displayName,
          created_at: ctx.now,
          updated_at: ctx.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(tx, ctx, { action: 'dishonesty.listed', entityType: 'dishonesty_listing', entityId: l.id, after: l });
      await recomputeCredit(tx, e.id, 'dishonesty.listed', ctx.now);
      return { ...l, enterprise_name: e.name };
    });
    return reply.status(201).send(presentListing(row));
  });

  r.post(
    '/api/dishonesty-listings/:id/remove',
    {
      schema: {
        tags: ['supervision'],
        params: idParams,
        body: z.object({ version: z.number().int(), reason: z.string().trim().min(1).max(2000) }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'settings.manage');
      return p.transaction(async (tx: Tx) => {
        const l = await lockListing(tx, ctx, req.params.id);
        if (l.version !== req.body.version) throw staleVersion(l.version);
        if (l.status !== 'active') throw new AppError(409, 'ILLEGAL_ACTION', 'The listing has already been removed');
        const after = await tx
          .updateTable('dishonesty_listings')
          .set({
            status: 'removed',
            removed_at: ctx.now,
            removed_by_name: ctx.actor.displayName,
            remove_reason: req.body.reason,
            updated_at: ctx.now,
            version: l.version + 1,
          })
          .where('id', '=', l.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, {
          action: 'dishonesty.removed',
          entityType: 'dishonesty_listing',
          entityId: l.id,
          before: l,
          after,
        });
        await recomputeCredit(tx, l.enterprise_id, 'dishonesty.removed', ctx.now);
        return presentListing({ ...after, enterprise_name: l.enterprise_name });
      });
    },
  );

  r.get(
    '/api/dishonesty-listings',
    { schema: { tags: ['supervision'], querystring: enterpriseFilter } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'supervision.read');
      let q = p.db
        .selectFrom('dishonesty_listings')
        .innerJoin('enterprises', 'enterprises.id', 'dishonesty_listings.enterprise_id')
        .where(enterpriseScope(ctx.actor));
      if (req.query.enterpriseId) q = q.where('dishonesty_listings.enterprise_id', '=', req.query.enterpriseId);
      const [rows, count] = await Promise.all([
        q
          .selectAll('dishonesty_listings')
          .select('enterprises.name as enterprise_name')
          .orderBy('dishonesty_listings.listed_on', 'desc')
          .limit(req.query.pageSize)
          .offset((req.query.page - 1) * req.query.pageSize)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(presentListing), total: count.n, page: req.query.page, pageSize: req.query.pageSize };
    },
  );
}

async function lockListing(tx: Tx, ctx: RequestCtx, id: string) {
  if (!isUuid(id)) throw notFound('listing');
  const l = await tx
    .selectFrom('dishonesty_listings')
    .innerJoin('enterprises', 'enterprises.id', 'dishonesty_listings.enterprise_id')
    .selectAll('dishonesty_listings')
    .select('enterprises.name as enterprise_name')
    .where('dishonesty_listings.id', '=', id)
    .where(enterpriseScope(ctx.actor))
    .forUpdate(['dishonesty_listings'])
    .executeTakeFirst();
  if (!l) throw notFound('listing');
  return l;
}

function presentAccident(a: {
  id: string;
  enterprise_id: string;
  enterprise_name: string;
  occurred_at: Date;
  kind: string;
  deaths: number;
  serious_injuries: number;
  direct_loss_yuan: number;
  grade: string;
  description: string;
  recorded_by_name: string;
}) {
  return {
    id: a.id,
    enterpriseId: a.enterprise_id,
    enterpriseName: a.enterprise_name,
    occurredAt: a.occurred_at,
    kind: a.kind,
    deaths: a.deaths,
    seriousInjuries: a.serious_injuries,
    directLossYuan: Number(a.direct_loss_yuan),
    grade: a.grade,
    description: a.description,
    recordedBy: a.recorded_by_name,
  };
}

function presentViolation(v: {
  id: string;
  enterprise_id: string;
  occurred_on: string;
  kind: string;
  description: string;
  inspection_id: string | null;
  recorded_by_name: string;
}) {
  return {
    id: v.id,
    enterpriseId: v.enterprise_id,
    occurredOn: v.occurred_on,
    kind: v.kind,
    description: v.description,
    inspectionId: v.inspection_id,
    recordedBy: v.recorded_by_name,
  };
}

function presentListing(l: {
  id: string;
  enterprise_id: string;
  enterprise_name: string;
  listed_on: string;
  term_ends_on: string;
  trigger: string;
  reason: string;
  decision_number: string;
  status: string;
  removed_at: Date | null;
  remove_reason: string | null;
  version: number;
}) {
  const s = dishonestyTerm(l.listed_on);
  return {
    id: l.id,
    enterpriseId: l.enterprise_id,
    enterpriseName: l.enterprise_name,
    listedOn: l.listed_on,
    termEndsOn: l.term_ends_on,
    earlyRemovalFrom: s.earlyRemovalFrom,
    trigger: l.trigger,
    reason: l.reason,
    decisionNumber: l.decision_number,
    status: l.status,
    removedAt: l.removed_at,
    removeReason: l.remove_reason,
    version: l.version,
  };
}
