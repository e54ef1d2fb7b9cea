import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { isoDateSchema } from '../../../core/hazards/index.js';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import type { Executor } from '../../platform/db/client.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf } from '../../platform/http/context.js';
import { boolParam } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { invalid } from './hazards.shared.js';

const slug = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _')
  .max(50);
const itemCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -')
  .max(50);
const text = (max: number) => z.string().trim().min(1).max(max);

const itemFields = {
  sectorCodes: z.array(slug).max(30),
  textZh: text(2000),
  textEn: z.string().trim().max(2000).default(''),
  basis: z.string().trim().max(500).default(''),
  hintZh: z.string().trim().max(2000).nullable().optional(),
  hintEn: z.string().trim().max(2000).nullable().optional(),
  sort: z.number().int().min(0).max(1_000_000).optional(),
};
const itemCreate = z.object({ code: itemCode, catalog: slug, ...itemFields });
const itemUpdate = z.object({
  version: z.number().int(),
  sectorCodes: itemFields.sectorCodes.optional(),
  textZh: itemFields.textZh.optional(),
  textEn: z.string().trim().max(2000).optional(),
  basis: z.string().trim().max(500).optional(),
  hintZh: itemFields.hintZh,
  hintEn: itemFields.hintEn,
  sort: itemFields.sort,
  active: z.boolean().optional(),
});
const catalogCreate = z.object({
  code: slug,
  titleZh: text(200),
  titleEn: z.string().trim().max(200).default(''),
  document: z.string().trim().max(200).default(''),
  inForceFrom: isoDateSchema.nullable().default(null),
});

type ItemRow = {
  code: string;
  catalog: string;
  sector_codes: string[];
  text_zh: string;
  text_en: string;
  basis: string;
  hint_zh: string | null;
  hint_en: string | null;
  active: boolean;
  builtin: boolean;
  sort: number;
  updated_at: Date;
  version: number;
};
const presentItem = (i: ItemRow) => ({
  code: i.code,
  catalog: i.catalog,
  sectorCodes: i.sector_codes,
  textZh: i.text_zh,
  textEn: i.text_en,
  basis: i.basis,
  hintZh: i.hint_zh,
  hintEn: i.hint_en,
  active: i.active,
  builtin: i.builtin,
  sort: i.sort,
  updatedAt: i.updated_at,
  version: i.version,
});

async function checkSectors(db: Executor, codes: string[]) {
  if (codes.length === 0) return;
  const known = new Set(
    (await db.selectFrom('sectors').select('code').where('code', 'in', codes).execute()).map((s) => s.code),
  );
  const bad = codes.findIndex((c) => !known.has(c));
  if (bad >= 0) throw invalid(`sectorCodes.${bad}`, `Unknown sector ${codes[bad]}`);
}

/** The major-hazard criteria (重大事故隐患判定标准) as county-editable data. */
export function catalogRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  r.get(
    '/api/hazard-catalog',
    {
      schema: {
        tags: ['hazards'],
        querystring: z.object({
          sector: z.string().max(50).optional(),
          catalog: z.string().max(50).optional(),
          includeInactive: boolParam,
        }),
      },
    },
    async (req) => {
      requirePermission(ctxOf(req).actor, 'hazard.read');
      const { sector, catalog, includeInactive } = req.query;
      let q = p.db.selectFrom('hazard_catalog_items').selectAll();
      if (!includeInactive) q = q.where('active', '=', true);
      if (catalog) q = q.where('catalog', '=', catalog);
      if (sector) q = q.where(sql<boolean>`${sector} = any(sector_codes)`);
      const [catalogs, items] = await Promise.all([
        p.db.selectFrom('hazard_catalogs').selectAll().orderBy('code').execute(),
        q.orderBy('catalog').orderBy('sort').orderBy('code').execute(),
      ]);
      return {
        catalogs: catalogs.map((c) => ({
          code: c.code,
          titleZh: c.title_zh,
          titleEn: c.title_en,
          document: c.document,
          inForceFrom: c.in_force_from,
          builtin: c.builtin,
          version: c.version,
        })),
        items: items.map(presentItem),
        total: items.length,
      };
    },
  );

  r.post('/api/hazard-catalog', { schema: { tags: ['hazards'], body: itemCreate } }, async (req, reply) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'hazard.catalog.manage');
    const b = req.body;
    const row = await p.transaction(async (tx) => {
      const cat = await tx
        .selectFrom('hazard_catalogs')
        .select('code')
        .where('code', '=', b.catalog)
        .executeTakeFirst();
      if (!cat) throw invalid('catalog', `Unknown catalog ${b.catalog}; create it first`);
      await checkSectors(tx, b.sectorCodes);
      const max = await tx
        .selectFrom('hazard_catalog_items')
        .select(sql<number>`coalesce(max(sort), 0)::int`.as('m'))
        .where('catalog', '=', b.catalog)
        .executeTakeFirstOrThrow();
      const inserted = await tx
        .insertInto('hazard_catalog_items')
        .values({
          code: b.code,
          catalog: b.catalog,
          sector_codes: b.sectorCodes,
          text_zh: b.textZh,
          text_en: b.textEn,
          basis: b.basis,
          hint_zh: b.hintZh ?? null,
          hint_en: b.hintEn ?? null,
          sort: b.sort ?? max.m + 10,
          created_at: ctx.now,
          updated_at: ctx.now,
        })
        .onConflict((oc) => oc.column('code').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted)
        throw new AppError(409, 'DUPLICATE', `Catalog item ${b.code} already exists`, [
          { path: 'code', message: 'duplicate' },
        ]);
      await audit(tx, ctx, {
        action: 'hazard.catalog_item_created',
        entityType: 'hazard_catalog_item',
        entityId: b.code,
        after: presentItem(inserted),
      });
      return inserted;
    });
    return reply.status(201).send(presentItem(row));
  });

  r.patch(
    '/api/hazard-catalog/:code',
    { schema: { tags: ['hazards'], params: z.object({ code: z.string().max(50) }), body: itemUpdate } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.catalog.manage');
      const b = req.body;
      const row = await p.transaction(async (tx) => {
        const before = await tx
          .selectFrom('hazard_catalog_items')
          .selectAll()
          .where('code', '=', req.params.code)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('catalog item');
        if (before.version !== b.version) throw staleVersion(before.version);
        if (b.sectorCodes) await checkSectors(tx, b.sectorCodes);
        const after = await tx
          .updateTable('hazard_catalog_items')
          .set({
            ...(b.sectorCodes !== undefined ? { sector_codes: b.sectorCodes } : {}),
            ...(b.textZh !== undefined ? { text_zh: b.textZh } : {}),
            ...(b.textEn !== undefined ? { text_en: b.textEn } : {}),
            ...(b.basis !== undefined ? { basis: b.basis } : {}),
            ...(b.hintZh !== undefined ? { hint_zh: b.hintZh } : {}),
            ...(b.hintEn !== undefined ? { hint_en: b.hintEn } : {}),
            ...(b.sort !== undefined ? { sort: b.sort } : {}),
            ...(b.active !== undefined ? { active: b.active } : {}),
            updated_at: ctx.now,
            version: before.version + 1,
          })
          .where('code', '=', before.code)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, {
          action: 'hazard.catalog_item_updated',
          entityType: 'hazard_catalog_item',
          entityId: before.code,
          before: presentItem(before),
          after: presentItem(after),
        });
        return after;
      });
      return presentItem(row);
    },
  );

  r.post('/api/hazard-catalog/catalogs', { schema: { tags: ['hazards'], body: catalogCreate } }, async (req, reply) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'hazard.catalog.manage');
    const b = req.body;
    const row = await p.transaction(async (tx) => {
      const inserted = await tx
        .insertInto('hazard_catalogs')
        .values({
          code: b.code,
          title_zh: b.titleZh,
          title_en: b.titleEn,
          document: b.document,
          in_force_from: b.inForceFrom,
          created_at: ctx.now,
          updated_at: ctx.now,
        })
        .onConflict((oc) => oc.column('code').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted)
        throw new AppError(409, 'DUPLICATE', `Catalog ${b.code} already exists`, [
          { path: 'code', message: 'duplicate' },
        ]);
      await audit(tx, ctx, {
        action: 'hazard.catalog_created',
        entityType: 'hazard_catalog',
        entityId: b.code,
        after: b,
      });
      return inserted;
    });
    return reply.status(201).send({
      code: row.code,
      titleZh: row.title_zh,
      titleEn: row.title_en,
      document: row.document,
      inForceFrom: row.in_force_from,
      builtin: row.builtin,
      version: row.version,
    });
  });
}
