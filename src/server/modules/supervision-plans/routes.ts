import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseIsoDate } from '../../../core/supervision/calendar.js';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { staleVersion } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf } from '../../platform/http/context.js';
import { listParam, pageQuery } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { requireRegulator } from './access.js';
import {
  auditField,
  fieldBoard,
  listFieldInspections,
  listMeetings,
  presentField,
  presentMeeting,
  recordFieldInspection,
  recordMeeting,
} from './field.js';
import { acceptProposal, declineProposal, listProposals, validateVisitIds } from './joint.js';
import { listPlans, planDetail, planVisits } from './plans.read.js';
import { addVisit, approvePlan, cancelVisit, createPlan, updateVisit } from './plans.service.js';
import { PLAN_DEFAULTS, PLAN_SETTINGS_KEY, planSettingsSchema, readPlanSettings } from './settings.js';

const isoDate = z.string().refine(
  (s) => {
    try {
      parseIsoDate(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'date.invalid' },
);
const year = z.coerce.number().int().min(2000).max(2100);
const days = z.number().int().min(0).max(100_000);
const text = (max: number) => z.string().trim().min(1).max(max);
const idParams = z.object({ id: z.string() });
const presentVisit = (v: {
  id: string;
  plan_id: string;
  enterprise_id: string;
  department_id: string;
  tier: string;
  planned_date: string;
  status: string;
  source: string;
  joint_visit_id: string | null;
  done_on: string | null;
  inspection_id: string | null;
  cancel_reason: string | null;
  version: number;
}) => ({
  id: v.id,
  planId: v.plan_id,
  enterpriseId: v.enterprise_id,
  departmentId: v.department_id,
  tier: v.tier,
  plannedDate: v.planned_date,
  status: v.status,
  source: v.source,
  jointVisitId: v.joint_visit_id,
  doneOn: v.done_on,
  inspectionId: v.inspection_id,
  cancelReason: v.cancel_reason,
  version: v.version,
});

/** Yearly plans, joint-inspection proposals, leaders' field records, meetings and the monthly board. */
export function planRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);
  const tags = ['supervision-plans'];

  // ── Plans ─────────────────────────────────────────────────────────────────────────────────────────────
  r.get('/api/plans', { schema: { tags, querystring: z.object({ year }) } }, async (req) =>
    listPlans(p.db, ctxOf(req), req.query.year),
  );

  r.post(
    '/api/plans',
    {
      schema: {
        tags,
        body: z.strictObject({
          departmentId: z.uuid().optional(),
          year: z.number().int().min(2000).max(2100),
          inspectors: z.number().int().min(0).max(10_000),
          otherEnforcementDays: days,
          nonEnforcementDays: days,
          legalWorkdays: z.number().int().min(0).max(366).optional(),
        }),
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const id = await p.transaction((tx) => createPlan(tx, ctx, req.body));
      return reply.status(201).send(await planDetail(p.db, ctx, id));
    },
  );

  r.get('/api/plans/:id', { schema: { tags, params: idParams } }, async (req) =>
    planDetail(p.db, ctxOf(req), req.params.id),
  );

  r.get(
    '/api/plans/:id/visits',
    {
      schema: {
        tags,
        params: idParams,
        querystring: z.object({
          ...pageQuery,
          month: z.coerce.number().int().min(1).max(12).optional(),
          status: listParam(z.enum(['planned', 'done', 'cancelled'])),
          q: z.string().trim().max(100).optional(),
        }),
      },
    },
    async (req) => planVisits(p.db, ctxOf(req), req.params.id, req.query),
  );

  r.post(
    '/api/plans/:id/visits',
    {
      schema: {
        tags,
        params: idParams,
        body: z.strictObject({ enterpriseId: z.uuid(), date: isoDate }),
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const row = await p.transaction((tx) => addVisit(tx, ctx, req.params.id, req.body));
      return reply.status(201).send(presentVisit(row));
    },
  );

  r.post(
    '/api/plans/:id/approve',
    { schema: { tags, params: idParams, body: z.strictObject({ version: z.number().int().min(1) }) } },
    async (req) => {
      const ctx = ctxOf(req);
      const { stored } = await p.transaction(async (tx) => {
        const plan = await approvePlan(tx, ctx, req.params.id, req.body.version);
        const officers = await tx
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'dept_officer')
          .where('department_id', '=', plan.department_id)
          .where('disabled_at', 'is', null)
          .execute();
        const stored = await p.notifier.store(
          tx,
          {
            userIds: officers.map((o) => o.id),
            kind: 'plan.approved',
            title: { zh: `${plan.year}年度监督检查计划已批准`, en: `The ${plan.year} inspection plan was approved` },
            link: `/supervision/plans/${plan.id}`,
            entityType: 'inspection_plan',
            entityId: plan.id,
            dedupeKey: `plan-approved:${plan.id}:${plan.version}`,
          },
          ctx.now,
        );
        return { plan, stored };
      });
      p.notifier.deliver(stored);
      return planDetail(p.db, ctx, req.params.id);
    },
  );

  r.patch(
    '/api/plan-visits/:id',
    {
      schema: {
        tags,
        params: idParams,
        body: z
          .strictObject({
            version: z.number().int().min(1),
            date: isoDate.optional(),
            status: z.enum(['planned', 'done']).optional(),
            doneOn: isoDate.optional(),
          })
          .refine((b) => b.date !== undefined || b.status !== undefined, {
            message: 'date_or_status_required',
            path: ['date'],
          }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      return presentVisit(await p.transaction((tx) => updateVisit(tx, ctx, req.params.id, req.body)));
    },
  );

  r.post(
    '/api/plan-visits/:id/cancel',
    {
      schema: {
        tags,
        params: idParams,
        body: z.strictObject({ version: z.number().int().min(1), reason: text(500) }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      return presentVisit(await p.transaction((tx) => cancelVisit(tx, ctx, req.params.id, req.body)));
    },
  );

  // ── Joint inspections ───────────────────────────────────────────────────────────────────────────────
  r.get('/api/joint-proposals', { schema: { tags, querystring: z.object({ year }) } }, async (req) =>
    listProposals(p.db, ctxOf(req), req.query.year),
  );

  const visitIds = z.array(z.uuid()).min(2).max(20);
  r.post(
    '/api/joint-proposals/accept',
    { schema: { tags, body: z.strictObject({ visitIds, date: isoDate.optional() }) } },
    async (req, reply) => {
      validateVisitIds(req.body.visitIds);
      return reply.status(201).send(await acceptProposal(p, ctxOf(req), req.body));
    },
  );

  r.post(
    '/api/joint-proposals/decline',
    { schema: { tags, body: z.strictObject({ visitIds, reason: text(500) }) } },
    async (req) => {
      validateVisitIds(req.body.visitIds);
      const ctx = ctxOf(req);
      return p.transaction((tx) => declineProposal(tx, ctx, req.body));
    },
  );

  // ── Leaders' field inspections, meetings, the board ─────────────────────────────────────────────────
  r.get(
    '/api/field-inspections',
    {
      schema: {
        tags,
        querystring: z.object({
          ...pageQuery,
          year,
          month: z.coerce.number().int().min(1).max(12).optional(),
          userId: z.uuid().optional(),
        }),
      },
    },
    async (req) => listFieldInspections(p.db, ctxOf(req), req.query),
  );

  r.post(
    '/api/field-inspections',
    {
      schema: {
        tags,
        body: z.strictObject({
          date: isoDate,
          enterpriseId: z.uuid().optional(),
          place: z.string().trim().max(200).optional(),
          findings: text(4000),
          photoFileIds: z.array(z.uuid()).max(20).default([]),
        }),
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const row = await p.transaction(async (tx) => {
        const r0 = await recordFieldInspection(tx, ctx, req.body);
        await p.files.attach(tx, ctx.actor, req.body.photoFileIds, 'field_inspection', r0.id, 'photoFileIds');
        await auditField(tx, ctx, r0);
        return r0;
      });
      return reply.status(201).send(presentField(row));
    },
  );

  r.get(
    '/api/meetings',
    {
      schema: {
        tags,
        querystring: z.object({ ...pageQuery, year, kind: z.enum(['committee', 'department']).optional() }),
      },
    },
    async (req) => listMeetings(p.db, ctxOf(req), req.query),
  );

  r.post(
    '/api/meetings',
    {
      schema: {
        tags,
        body: z.strictObject({
          kind: z.enum(['committee', 'department']),
          departmentId: z.uuid().optional(),
          date: isoDate,
          title: text(200),
          attendees: z.array(text(50)).min(1).max(100),
          decisions: text(8000),
        }),
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const row = await p.transaction((tx) => recordMeeting(tx, ctx, req.body));
      return reply.status(201).send(presentMeeting(row));
    },
  );

  r.get('/api/field-board', { schema: { tags, querystring: z.object({ year }) } }, async (req) =>
    fieldBoard(p.db, ctxOf(req), req.query.year),
  );

  // ── Settings ────────────────────────────────────────────────────────────────────────────────────────
  r.get('/api/plan-settings', { schema: { tags } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'supervision.read');
    requireRegulator(ctx.actor);
    return { ...(await readPlanSettings(p.db)), defaults: PLAN_DEFAULTS };
  });

  r.put(
    '/api/plan-settings',
    {
      schema: {
        tags,
        body: planSettingsSchema
          .partial()
          .extend({ version: z.number().int().min(0) })
          .strict(),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'settings.manage');
      const { version, ...changes } = req.body;
      return p.transaction(async (tx) => {
        const row = await tx
          .selectFrom('settings')
          .select('version')
          .where('key', '=', PLAN_SETTINGS_KEY)
          .forUpdate()
          .executeTakeFirst();
        if ((row?.version ?? 0) !== version) throw staleVersion(row?.version ?? 0);
        const { version: _v, ...current } = await readPlanSettings(tx);
        const next = { ...current, ...changes };
        if (row) {
          await tx
            .updateTable('settings')
            .set({ value: JSON.stringify(next), updated_at: ctx.now, version: row.version + 1 })
            .where('key', '=', PLAN_SETTINGS_KEY)
            .execute();
        } else {
          await tx
            .insertInto('settings')
            .values({ key: PLAN_SETTINGS_KEY, value: JSON.stringify(next), updated_at: ctx.now })
            .execute();
        }
        await audit(tx, ctx, {
          action: 'plan.settings.updated',
          entityType: 'settings',
          entityId: null,
          before: current,
          after: next,
        });
        return { ...next, version: (row?.version ?? 0) + 1, defaults: PLAN_DEFAULTS };
      });
    },
  );
}
