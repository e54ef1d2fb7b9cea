import type { FastifyInstance } from 'fastify';
import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { isoDateSchema, localDate } from '../../../core/hazards/index.js';
import { audit } from '../../platform/audit/audit.js';
import { type Actor, requirePermission, scopeKind } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { nextSequence } from '../../platform/db/sequences.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf, type RequestCtx } from '../../platform/http/context.js';
import { pageQuery } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { canSeeHazard } from './hazards.repo.js';
import { addHazardEvent } from './hazards.service.js';
import { type Effects, illegal, invalid, isUuid, notify } from './hazards.shared.js';

export const campaignCreateSchema = z.object({
  sourceHazardId: z.uuid(),
  instruction: z.string().trim().min(1).max(4000),
  deadline: isoDateSchema,
  sectors: z.array(z.string().max(50)).min(1).max(20),
});
const answerSchema = z.object({ version: z.number().int(), note: z.string().trim().max(2000).default('') });

/** 举一反三: one task per operating enterprise of the sectors, within the starter's jurisdiction. */
export async function startCampaign(tx: Tx, ctx: RequestCtx, fx: Effects, input: z.infer<typeof campaignCreateSchema>) {
  const { actor } = ctx;
  requirePermission(actor, 'campaign.start');
  if (!(await canSeeHazard(tx, actor, input.sourceHazardId))) {
    throw invalid('sourceHazardId', 'Unknown hazard, or outside your jurisdiction');
  }
  if (input.deadline < localDate(ctx.now)) throw invalid('deadline', 'The deadline may not be in the past');
  const sectors = [...new Set(input.sectors)];
  const known = new Set(
    (await tx.selectFrom('sectors').select('code').where('code', 'in', sectors).execute()).map((s) => s.code),
  );
  const bad = sectors.findIndex((s) => !known.has(s));
  if (bad >= 0) throw invalid(`sectors.${bad}`, `Unknown sector ${sectors[bad]}`);
  const enterprises = await tx
    .selectFrom('enterprises')
    .select(['id'])
    .where(enterpriseScope(actor))
    .where('status', '<>', 'closed')
    .where(sql<boolean>`enterprises.sectors && ${sql.val(sectors)}::text[]`)
    .execute();
  if (enterprises.length === 0) throw invalid('sectors', 'No enterprise of these sectors in your jurisdiction');
  const year = localDate(ctx.now).slice(0, 4);
  const code = `JY-${year}-${String(await nextSequence(tx, `JY-${year}`)).padStart(6, '0')}`;
  const campaign = await tx
    .insertInto('hazard_campaigns')
    .values({
      code,
      source_hazard_id: input.sourceHazardId,
      instruction: input.instruction,
      deadline: input.deadline,
      sectors,
      started_by_id: actor.userId,
      started_by_name: actor.displayName,
      starter_role: actor.role,
      starter_department_id: actor.departmentId,
      starter_region_code: actor.regionCode,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returning(['id', 'code'])
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('campaign_tasks')
    .values(
      enterprises.map((e) => ({
        campaign_id: campaign.id,
        enterprise_id: e.id,
        created_at: ctx.now,
        updated_at: ctx.now,
      })),
    )
    .execute();
  await addHazardEvent(tx, {
    hazardId: input.sourceHazardId,
    at: ctx.now,
    actor,
    action: 'campaign_started',
    data: { campaignId: campaign.id, code, sectors, tasks: enterprises.length, deadline: input.deadline },
  });
  await audit(tx, ctx, {
    action: 'campaign.started',
    entityType: 'hazard_campaign',
    entityId: campaign.id,
    after: { code, sourceHazardId: input.sourceHazardId, sectors, deadline: input.deadline, tasks: enterprises.length },
  });
  const ids = enterprises.map((e) => e.id);
  const users = (
    await tx
      .selectFrom('users')
      .select('id')
      .where('disabled_at', 'is', null)
      .where('role', '=', 'enterprise_admin')
      .where('enterprise_id', 'in', ids)
      .execute()
  ).map((u) => u.id);
  await notify(
    tx,
    fx,
    {
      userIds: users,
      kind: 'campaign.started',
      title: {
        zh: `举一反三自查任务 ${code}：请于${input.deadline}前完成自查并报告`,
        en: `Lessons campaign ${code}: self-check and answer by ${input.deadline}`,
      },
      body: { zh: input.instruction.slice(0, 300), en: input.instruction.slice(0, 300) },
      link: `/hazards/campaigns?id=${campaign.id}`,
      entityType: 'hazard_campaign',
      entityId: campaign.id,
    },
    ctx.now,
  );
  return { id: campaign.id, code, tasks: enterprises.length };
}

/** Tasks within the actor's jurisdiction (the enterprise's own for enterprise users). */
function scopedTasks(db: Executor, actor: Actor) {
  return db
    .selectFrom('campaign_tasks')
    .innerJoin('enterprises', 'enterprises.id', 'campaign_tasks.enterprise_id')
    .innerJoin('hazard_campaigns', 'hazard_campaigns.id', 'campaign_tasks.campaign_id')
    .where(enterpriseScope(actor));
}

/** Campaigns the actor may follow: started by them, or with a task in their jurisdiction. */
function campaignVisible(actor: Actor): RawBuilder<boolean> {
  if (scopeKind(actor) === 'county') return sql<boolean>`true`;
  return sql<boolean>`(hazard_campaigns.started_by_id = ${actor.userId}::uuid or exists (
    select 1 from campaign_tasks ct join enterprises on enterprises.id = ct.enterprise_id
    where ct.campaign_id = hazard_campaigns.id and ${enterpriseScope(actor)}))`;
}

const progressSql = (today: string) =>
  [
    sql<number>`count(*)::int`.as('total'),
    sql<number>`count(*) filter (where campaign_tasks.status <> 'pending')::int`.as('answered'),
    sql<number>`count(*) filter (where campaign_tasks.status = 'nothing_found')::int`.as('nothing_found'),
    sql<number>`count(*) filter (where campaign_tasks.status = 'hazards_found')::int`.as('with_hazards'),
    sql<number>`coalesce(sum(campaign_tasks.hazard_count), 0)::int`.as('hazards_found'),
    sql<number>`count(*) filter (where campaign_tasks.status = 'pending' and hazard_campaigns.deadline < ${today}::date)::int`.as(
      'late',
    ),
    sql<number>`count(*) filter (where campaign_tasks.status <> 'pending' and campaign_tasks.answered_at >= (hazard_campaigns.deadline + 1)::timestamp at time zone 'Asia/Shanghai')::int`.as(
      'answered_late',
    ),
  ] as const;

type Progress = {
  total: number;
  answered: number;
  nothing_found: number;
  with_hazards: number;
  hazards_found: number;
  late: number;
  answered_late: number;
};
const presentProgress = (x: Progress) => ({
  tasks: x.total,
  answered: x.answered,
  pending: x.total - x.answered,
  nothingFound: x.nothing_found,
  withHazards: x.with_hazards,
  hazardsFound: x.hazards_found,
  late: x.late,
  answeredLate: x.answered_late,
  answeredRate: x.total ? Math.round((x.answered / x.total) * 10_000) / 10_000 : 0,
});

export function campaignRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  r.post('/api/campaigns', { schema: { tags: ['campaigns'], body: campaignCreateSchema } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const c = await p.transaction((tx, after) => startCampaign(tx, ctx, { notifier: p.notifier, after }, req.body));
    return reply.status(201).send(c);
  });

  r.get('/api/campaigns', { schema: { tags: ['campaigns'], querystring: z.object({ ...pageQuery }) } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'hazard.read');
    const { page, pageSize } = req.query;
    const today = localDate(ctx.now);
    const base = p.db.selectFrom('hazard_campaigns').where(campaignVisible(ctx.actor));
    const [rows, total] = await Promise.all([
      base
        .leftJoin('hazards', 'hazards.id', 'hazard_campaigns.source_hazard_id')
        .select([
          'hazard_campaigns.id',
          'hazard_campaigns.code',
          'hazard_campaigns.instruction',
          'hazard_campaigns.deadline',
          'hazard_campaigns.sectors',
          'hazard_campaigns.started_by_name',
          'hazard_campaigns.created_at',
          'hazard_campaigns.source_hazard_id',
          'hazards.code as source_hazard_code',
        ])
        .orderBy('hazard_campaigns.created_at', 'desc')
        .orderBy('hazard_campaigns.id')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    ]);
    const ids = rows.map((c) => c.id);
    const progress = ids.length
      ? await scopedTasks(p.db, ctx.actor)
          .where('campaign_tasks.campaign_id', 'in', ids)
          .select(['campaign_tasks.campaign_id', ...progressSql(today)])
          .groupBy('campaign_tasks.campaign_id')
          .execute()
      : [];
    const byId = new Map(progress.map((x) => [x.campaign_id, x]));
    const empty: Progress = {
      total: 0,
      answered: 0,
      nothing_found: 0,
      with_hazards: 0,
      hazards_found: 0,
      late: 0,
      answered_late: 0,
    };
    return {
      items: rows.map((c) => ({
        id: c.id,
        code: c.code,
        instruction: c.instruction,
        deadline: c.deadline,
        sectors: c.sectors,
        startedBy: c.started_by_name,
        createdAt: c.created_at,
        sourceHazardId: c.source_hazard_id,
        sourceHazardCode: c.source_hazard_code,
        progress: presentProgress(byId.get(c.id) ?? empty),
      })),
      total: total.n,
      page,
      pageSize,
    };
  });

  /** Progress within the caller's jurisdiction: answered / late / hazards found, and the task list. */
  r.get(
    '/api/campaigns/:id',
    { schema: { tags: ['campaigns'], params: z.object({ id: z.string() }) } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      if (!isUuid(req.params.id)) throw notFound('campaign');
      const c = await p.db
        .selectFrom('hazard_campaigns')
        .selectAll()
        .where('id', '=', req.params.id)
        .where(campaignVisible(ctx.actor))
        .executeTakeFirst();
      if (!c) throw notFound('campaign');
      const today = localDate(ctx.now);
      const tasks = scopedTasks(p.db, ctx.actor).where('campaign_tasks.campaign_id', '=', c.id);
      const [progress, rows] = await Promise.all([
        tasks.select(progressSql(today)).executeTakeFirstOrThrow(),
        tasks
          .select([
            'campaign_tasks.id',
            'campaign_tasks.enterprise_id',
            'enterprises.name as enterprise_name',
            'enterprises.region_code',
            'campaign_tasks.status',
            'campaign_tasks.answered_at',
            'campaign_tasks.answered_by_name',
            'campaign_tasks.note',
            'campaign_tasks.hazard_count',
            'campaign_tasks.version',
          ])
          .orderBy('enterprises.name')
          .execute(),
      ]);
      return {
        id: c.id,
        code: c.code,
        sourceHazardId: c.source_hazard_id,
        instruction: c.instruction,
        deadline: c.deadline,
        sectors: c.sectors,
        startedBy: c.started_by_name,
        createdAt: c.created_at,
        progress: presentProgress(progress),
        tasks: rows.map((t) => ({
          id: t.id,
          enterpriseId: t.enterprise_id,
          enterpriseName: t.enterprise_name,
          regionCode: t.region_code,
          status: t.status,
          answeredAt: t.answered_at,
          answeredBy: t.answered_by_name,
          note: t.note,
          hazardCount: t.hazard_count,
          late: t.status === 'pending' && c.deadline < today,
          version: t.version,
        })),
      };
    },
  );

  r.get(
    '/api/campaign-tasks',
    {
      schema: {
        tags: ['campaigns'],
        querystring: z.object({
          ...pageQuery,
          status: z.enum(['pending', 'nothing_found', 'hazards_found']).optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      const { page, pageSize, status } = req.query;
      const today = localDate(ctx.now);
      let q = scopedTasks(p.db, ctx.actor);
      if (status) q = q.where('campaign_tasks.status', '=', status);
      const [rows, total] = await Promise.all([
        q
          .select([
            'campaign_tasks.id',
            'campaign_tasks.campaign_id',
            'hazard_campaigns.code as campaign_code',
            'hazard_campaigns.instruction',
            'hazard_campaigns.deadline',
            'campaign_tasks.enterprise_id',
            'enterprises.name as enterprise_name',
            'campaign_tasks.status',
            'campaign_tasks.answered_at',
            'campaign_tasks.hazard_count',
            'campaign_tasks.version',
          ])
          .orderBy('hazard_campaigns.deadline')
          .orderBy('campaign_tasks.id')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((t) => ({
          id: t.id,
          campaignId: t.campaign_id,
          campaignCode: t.campaign_code,
          instruction: t.instruction,
          deadline: t.deadline,
          enterpriseId: t.enterprise_id,
          enterpriseName: t.enterprise_name,
          status: t.status,
          answeredAt: t.answered_at,
          hazardCount: t.hazard_count,
          late: t.status === 'pending' && t.deadline < today,
          version: t.version,
        })),
        total: total.n,
        page,
        pageSize,
      };
    },
  );

  /** "Checked, nothing found" (hazards found are recorded as hazards with source `campaign`). */
  r.post(
    '/api/campaign-tasks/:id/answer',
    { schema: { tags: ['campaigns'], params: z.object({ id: z.string() }), body: answerSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.create');
      if (!isUuid(req.params.id)) throw notFound('campaign task');
      return p.transaction(async (tx) => {
        const t = await tx
          .selectFrom('campaign_tasks')
          .innerJoin('enterprises', 'enterprises.id', 'campaign_tasks.enterprise_id')
          .select([
            'campaign_tasks.id',
            'campaign_tasks.status',
            'campaign_tasks.version',
            'campaign_tasks.enterprise_id',
            'campaign_tasks.campaign_id',
          ])
          .where('campaign_tasks.id', '=', req.params.id)
          .where(enterpriseScope(ctx.actor))
          .forUpdate('campaign_tasks')
          .executeTakeFirst();
        if (!t) throw notFound('campaign task');
        if (scopeKind(ctx.actor) !== 'enterprise' || ctx.actor.enterpriseId !== t.enterprise_id) {
          throw new AppError(403, 'FORBIDDEN_ACTION', 'The enterprise answers its own self-check task');
        }
        if (t.version !== req.body.version) throw staleVersion(t.version);
        if (t.status !== 'pending') throw illegal('This task is already answered');
        const after = await tx
          .updateTable('campaign_tasks')
          .set({
            status: 'nothing_found',
            answered_at: ctx.now,
            answered_by_id: ctx.actor.userId,
            answered_by_name: ctx.actor.displayName,
            note: req.body.note,
            updated_at: ctx.now,
            version: t.version + 1,
          })
          .where('id', '=', t.id)
          .returning(['id', 'status', 'answered_at', 'note', 'version'])
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, {
          action: 'campaign.task_answered',
          entityType: 'campaign_task',
          entityId: t.id,
          before: { status: t.status },
          after: { status: after.status, note: after.note },
        });
        return {
          id: after.id,
          status: after.status,
          answeredAt: after.answered_at,
          note: after.note,
          version: after.version,
        };
      });
    },
  );
}
