import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { localDayStart } from '../../../core/hazards/index.js';
import { INSPECTION_KINDS, INSPECTION_STATUSES, resolveEntryRules } from '../../../core/supervision/index.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import { notFound } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf } from '../../platform/http/context.js';
import { boolParam, listParam, pageQuery } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { loadOverride } from './entry.js';
import {
  inspectionDetail,
  inspectorCandidates,
  listItems,
  presentDecision,
  scopedInspections,
  visitFrequency,
} from './inspections.read.js';
import {
  actionSchema,
  actOnInspection,
  answerItems,
  answersSchema,
  decide,
  decisionSchema,
  quizAnswersSchema,
  quizStartSchema,
  scheduleInspection,
  scheduleSchema,
  startQuiz,
  submitQuiz,
} from './inspections.service.js';
import { loadSettings } from './settings.js';

const idParams = z.object({ id: z.string() });
const addDays = (date: string, n: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

export function inspectionRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);
  const deps = (after: (cb: () => void) => void) => ({ files: p.files, fx: { notifier: p.notifier, after } });

  r.post('/api/inspections', { schema: { tags: ['supervision'], body: scheduleSchema } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const row = await p.transaction((tx, after) => scheduleInspection(tx, ctx, deps(after), req.body));
    return reply
      .status(201)
      .send({ id: row.id, code: row.code, status: row.status, exempt: row.exempt, version: row.version });
  });

  r.get(
    '/api/inspections',
    {
      schema: {
        tags: ['supervision'],
        querystring: z.object({
          ...pageQuery,
          enterpriseId: z.uuid().optional(),
          departmentId: z.uuid().optional(),
          unannounced: boolParam,
          status: listParam(z.enum(INSPECTION_STATUSES)),
          kind: listParam(z.enum(INSPECTION_KINDS)),
          from: z.iso.date().optional(),
          to: z.iso.date().optional(),
          mine: boolParam,
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'supervision.read');
      const q = req.query;
      let base = scopedInspections(p.db, ctx.actor);
      if (q.enterpriseId) base = base.where('inspections.enterprise_id', '=', q.enterpriseId);
      // Narrowing only: the scope and the 四不两直 visibility above still decide what can be seen at all.
      if (q.departmentId) base = base.where(sql<boolean>`${q.departmentId}::uuid = any(inspections.department_ids)`);
      if (q.unannounced !== undefined) base = base.where('inspections.unannounced', '=', q.unannounced);
      if (q.status?.length) base = base.where('inspections.status', 'in', q.status);
      if (q.kind?.length) base = base.where('inspections.kind', 'in', q.kind);
      if (q.from) base = base.where('inspections.planned_at', '>=', localDayStart(q.from));
      if (q.to) base = base.where('inspections.planned_at', '<', localDayStart(addDays(q.to, 1)));
      if (q.mine) base = base.where(sql<boolean>`${ctx.actor.userId}::uuid = any(inspections.inspector_ids)`);
      const [rows, count] = await Promise.all([
        base
          .selectAll('inspections')
          .select('enterprises.name as enterprise_name')
          .orderBy('inspections.planned_at', 'desc')
          .orderBy('inspections.id', 'desc')
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize)
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: await listItems(p.db, rows), total: count.n, page: q.page, pageSize: q.pageSize };
    },
  );

  r.get(
    '/api/inspections/inspectors',
    {
      schema: {
        tags: ['supervision'],
        querystring: z.object({
          departmentId: listParam(z.uuid()),
          q: z.string().trim().max(50).optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'inspection.schedule');
      return { items: await inspectorCandidates(p.db, ctx.actor, req.query) };
    },
  );

  r.get(
    '/api/inspections/visit-frequency',
    {
      schema: {
        tags: ['supervision'],
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'supervision.read');
      const year =
        req.query.year ??
        Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(ctx.now));
      const { settings } = await loadSettings(p.db);
      const rows = await visitFrequency(p.db, ctx.actor, year);
      const items = [];
      for (const row of rows) {
        const tier = row.tier ?? 'general';
        const { override } = await loadOverride(p.db, row.id);
        const cap = resolveEntryRules(tier, settings.entry, override).yearlyCapTotal;
        items.push({
          enterpriseId: row.id,
          enterpriseName: row.name,
          tier,
          visits: row.visits,
          routine: row.routine,
          exempt: row.exempt,
          inspectorVisits: row.inspector_visits,
          minutes: row.minutes,
          yearlyCapTotal: cap,
          tooOften: row.routine > cap || row.visits > 2 * cap,
        });
      }
      return { year, items };
    },
  );

  r.get('/api/inspections/:id', { schema: { tags: ['supervision'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'supervision.read');
    const d = await inspectionDetail(p.db, ctx.actor, req.params.id);
    if (!d) throw notFound('inspection');
    return d;
  });

  r.post(
    '/api/inspections/:id/actions',
    { schema: { tags: ['supervision'], params: idParams, body: actionSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      await p.transaction((tx, after) => actOnInspection(tx, ctx, deps(after), req.params.id, req.body));
      const d = await inspectionDetail(p.db, ctx.actor, req.params.id);
      if (!d) throw notFound('inspection');
      return d;
    },
  );

  r.put(
    '/api/inspections/:id/answers',
    { schema: { tags: ['supervision'], params: idParams, body: answersSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      await p.transaction((tx, after) => answerItems(tx, ctx, deps(after), req.params.id, req.body));
      const d = await inspectionDetail(p.db, ctx.actor, req.params.id);
      if (!d) throw notFound('inspection');
      return d;
    },
  );

  r.post(
    '/api/inspections/:id/quizzes',
    { schema: { tags: ['supervision'], params: idParams, body: quizStartSchema } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const q = await p.transaction((tx) => startQuiz(tx, ctx, req.params.id, req.body));
      return reply.status(201).send(q);
    },
  );

  r.post(
    '/api/quizzes/:id/answers',
    { schema: { tags: ['supervision'], params: idParams, body: quizAnswersSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      return p.transaction((tx, after) => submitQuiz(tx, ctx, deps(after), req.params.id, req.body));
    },
  );

  r.post(
    '/api/inspections/:id/decisions',
    { schema: { tags: ['supervision'], params: idParams, body: decisionSchema } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const row = await p.transaction((tx) => decide(tx, ctx, req.params.id, req.body));
      return reply.status(201).send(presentDecision(row));
    },
  );

  r.get(
    '/api/enforcement-decisions',
    { schema: { tags: ['supervision'], querystring: z.object({ ...pageQuery, enterpriseId: z.uuid().optional() }) } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'supervision.read');
      let q = p.db
        .selectFrom('enforcement_decisions')
        .innerJoin('enterprises', 'enterprises.id', 'enforcement_decisions.enterprise_id')
        .where(enterpriseScope(ctx.actor));
      if (req.query.enterpriseId) q = q.where('enforcement_decisions.enterprise_id', '=', req.query.enterpriseId);
      const [rows, count] = await Promise.all([
        q
          .selectAll('enforcement_decisions')
          .select('enterprises.name as enterprise_name')
          .orderBy('enforcement_decisions.decided_at', 'desc')
          .limit(req.query.pageSize)
          .offset((req.query.page - 1) * req.query.pageSize)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((d) => ({ ...presentDecision(d), enterpriseName: d.enterprise_name })),
        total: count.n,
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );
}
