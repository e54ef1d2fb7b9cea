import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HAZARD_CATEGORIES } from '../../../core/hazards/index.js';
import { isUuid } from '../../../core/ids.js';
import { questionSchema } from '../../../core/supervision/index.js';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import type { ChecklistItemRow } from '../../platform/db/schema.js';
import { AppError, notFound } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf } from '../../platform/http/context.js';
import { boolParam } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { illegal, invalid } from './shared.js';

const idParams = z.object({ id: z.string() });
const CATEGORIES = HAZARD_CATEGORIES;

const itemSchema = z.object({
  key: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .max(50),
  text: z.string().trim().min(1).max(1000),
  basis: z.string().trim().max(500).default(''),
  /** A major-hazard criteria item: the answer "not compliant" makes a major hazard with that basis. */
  catalogItemCode: z.string().trim().min(1).max(50).nullable().default(null),
  level: z.enum(['general', 'major']).default('general'),
  category: z.enum(CATEGORIES).default('management'),
});
const itemsSchema = z
  .array(itemSchema)
  .min(1)
  .max(300)
  .refine((xs) => new Set(xs.map((x) => x.key)).size === xs.length, { message: 'items.duplicate_key' });

const createSchema = z.object({
  code: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/)
    .max(50),
  sector: z.string().max(50),
  title: z.string().trim().min(1).max(200),
  basis: z.string().trim().max(1000).default(''),
  items: itemsSchema,
});
const updateSchema = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  basis: z.string().trim().max(1000).optional(),
  items: itemsSchema,
});

/** Items with their level settled: an item naming a catalog item is major, and the catalog item must exist. */
async function normaliseItems(db: Executor, items: z.infer<typeof itemsSchema>): Promise<ChecklistItemRow[]> {
  const codes = items.map((i) => i.catalogItemCode).filter((c): c is string => c !== null);
  const known = codes.length
    ? await db
        .selectFrom('hazard_catalog_items')
        .select(['code', 'basis'])
        .where('code', 'in', codes)
        .where('active', '=', true)
        .execute()
    : [];
  return items.map((i, n) => {
    if (i.catalogItemCode) {
      const c = known.find((k) => k.code === i.catalogItemCode);
      if (!c) throw invalid(`items.${n}.catalogItemCode`, 'Unknown or withdrawn major-hazard criteria item');
      return { ...i, level: 'major' as const, basis: i.basis || c.basis };
    }
    return { ...i, catalogItemCode: null };
  });
}

function present(t: {
  id: string;
  code: string;
  template_version: number;
  sector: string;
  title: string;
  basis: string;
  items: ChecklistItemRow[];
  status: string;
  builtin: boolean;
  created_by_name: string;
  created_at: Date;
}) {
  return {
    id: t.id,
    code: t.code,
    sector: t.sector,
    title: t.title,
    version: t.template_version,
    status: t.status,
    builtin: t.builtin,
    basis: t.basis,
    items: t.items,
    createdByName: t.created_by_name,
    createdAt: t.created_at,
  };
}

async function lockTemplate(tx: Tx, id: string) {
  if (!isUuid(id)) throw notFound('template');
  const t = await tx.selectFrom('checklist_templates').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!t) throw notFound('template');
  return t;
}

/** Checklist templates (versioned) and the quiz question bank. Reference data: readable by every supervision role. */
export function templateRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  r.get(
    '/api/checklist-templates',
    {
      schema: {
        tags: ['supervision'],
        querystring: z.object({ sector: z.string().max(50).optional(), all: boolParam }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'supervision.read');
      let q = p.db.selectFrom('checklist_templates').selectAll();
      if (!req.query.all) q = q.where('status', '=', 'active');
      if (req.query.sector) q = q.where('sector', '=', req.query.sector);
      const rows = await q.orderBy('code').orderBy('template_version', 'desc').execute();
      return {
        items: rows.map((t) => {
          const { items, ...rest } = present(t);
          return { ...rest, itemCount: items.length, majorItemCount: items.filter((i) => i.level === 'major').length };
        }),
      };
    },
  );

  r.get('/api/checklist-templates/:id', { schema: { tags: ['supervision'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'supervision.read');
    if (!isUuid(req.params.id)) throw notFound('template');
    const t = await p.db
      .selectFrom('checklist_templates')
      .selectAll()
      .where('id', '=', req.params.id)
      .executeTakeFirst();
    if (!t) throw notFound('template');
    return present(t);
  });

  r.post('/api/checklist-templates', { schema: { tags: ['supervision'], body: createSchema } }, async (req, reply) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'settings.manage');
    const b = req.body;
    const row = await p.transaction(async (tx) => {
      const sector = await tx.selectFrom('sectors').select('code').where('code', '=', b.sector).executeTakeFirst();
      if (!sector) throw invalid('sector', `Unknown sector ${b.sector}`);
      const taken = await tx
        .selectFrom('checklist_templates')
        .select('id')
        .where('code', '=', b.code)
        .executeTakeFirst();
      if (taken) throw new AppError(409, 'DUPLICATE', `Template code ${b.code} exists: publish a new version instead`);
      const t = await tx
        .insertInto('checklist_templates')
        .values({
          code: b.code,
          template_version: 1,
          sector: b.sector,
          title: b.title,
          basis: b.basis,
          items: JSON.stringify(await normaliseItems(tx, b.items)),
          created_by_name: ctx.actor.displayName,
          created_at: ctx.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(tx, ctx, {
        action: 'checklist.created',
        entityType: 'checklist_template',
        entityId: t.id,
        after: present(t),
      });
      return t;
    });
    return reply.status(201).send(present(row));
  });

  r.put(
    '/api/checklist-templates/:id',
    { schema: { tags: ['supervision'], params: idParams, body: updateSchema } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'settings.manage');
      const row = await p.transaction(async (tx) => {
        const cur = await lockTemplate(tx, req.params.id);
        if (cur.status !== 'active') throw illegal('Only the current version of a template can be revised');
        await tx.updateTable('checklist_templates').set({ status: 'superseded' }).where('id', '=', cur.id).execute();
        const t = await tx
          .insertInto('checklist_templates')
          .values({
            code: cur.code,
            template_version: cur.template_version + 1,
            sector: cur.sector,
            title: req.body.title ?? cur.title,
            basis: req.body.basis ?? cur.basis,
            items: JSON.stringify(await normaliseItems(tx, req.body.items)),
            created_by_name: ctx.actor.displayName,
            created_at: ctx.now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, {
          action: 'checklist.revised',
          entityType: 'checklist_template',
          entityId: t.id,
          before: { id: cur.id, version: cur.template_version },
          after: present(t),
        });
        return t;
      });
      return reply.status(201).send(present(row));
    },
  );

  r.post(
    '/api/checklist-templates/:id/withdraw',
    { schema: { tags: ['supervision'], params: idParams } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'settings.manage');
      return p.transaction(async (tx) => {
        const cur = await lockTemplate(tx, req.params.id);
        if (cur.status !== 'active') throw illegal('Only the current version of a template can be withdrawn');
        const t = await tx
          .updateTable('checklist_templates')
          .set({ status: 'withdrawn' })
          .where('id', '=', cur.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, { action: 'checklist.withdrawn', entityType: 'checklist_template', entityId: t.id });
        return present(t);
      });
    },
  );

  // ---- question bank --------------------------------------------------------------------------------------
  r.get(
    '/api/quiz-questions',
    { schema: { tags: ['supervision'], querystring: z.object({ sector: z.string().max(50).optional() }) } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'supervision.read');
      let q = p.db.selectFrom('quiz_questions').selectAll().where('active', '=', true);
      if (req.query.sector) q = q.where('sector', '=', req.query.sector);
      const rows = await q.orderBy('sector').orderBy('created_at').orderBy('id').execute();
      return {
        items: rows.map((x) => ({
          id: x.id,
          sector: x.sector,
          type: x.type,
          stem: x.stem,
          options: x.options,
          answer: x.answer,
          basis: x.basis,
          builtin: x.builtin,
        })),
      };
    },
  );

  r.post(
    '/api/quiz-questions',
    { schema: { tags: ['supervision'], body: z.looseObject({ type: z.enum(['single', 'multiple', 'true_false']) }) } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'settings.manage');
      const parsed = questionSchema.safeParse({ ...req.body, id: 'new' });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = (issue?.path ?? []).map(String).join('.');
        throw new AppError(400, 'VALIDATION', `Invalid question: ${path} ${issue?.message ?? ''}`, [
          { path, message: issue?.message ?? 'invalid' },
        ]);
      }
      const q = parsed.data;
      const row = await p.transaction(async (tx) => {
        const x = await tx
          .insertInto('quiz_questions')
          .values({
            sector: q.sector,
            type: q.type,
            stem: q.stem,
            options: JSON.stringify(q.type === 'true_false' ? [] : q.options),
            answer: JSON.stringify(q.answer),
            basis: q.basis,
            created_at: ctx.now,
          })
          .returning(['id'])
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, { action: 'quiz.question_added', entityType: 'quiz_question', entityId: x.id, after: q });
        return x;
      });
      return reply.status(201).send({ id: row.id });
    },
  );

  r.post('/api/quiz-questions/:id/withdraw', { schema: { tags: ['supervision'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'settings.manage');
    if (!isUuid(req.params.id)) throw notFound('question');
    return p.transaction(async (tx) => {
      const x = await tx
        .updateTable('quiz_questions')
        .set({ active: false })
        .where('id', '=', req.params.id)
        .returning(['id'])
        .executeTakeFirst();
      if (!x) throw notFound('question');
      await audit(tx, ctx, { action: 'quiz.question_withdrawn', entityType: 'quiz_question', entityId: x.id });
      return { id: x.id, active: false };
    });
  });
}
