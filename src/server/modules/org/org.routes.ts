import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import { ENTERPRISE_COUNTS } from '../../platform/db/count-cache.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf, requireActor } from '../../platform/http/context.js';
import type { Platform } from '../../platform/platform.js';
import { CsvError, parseRegionsCsv } from './data/csv.js';
import { rederiveEnterpriseDepartments, upsertRegions } from './org.service.js';

const sectorCode = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');

export function orgRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  // The region tree is public reference data (the statistics bureau's list), not business data: every
  // signed-in role reads all of it, so filters and map outlines can name neighbouring townships.
  r.get('/api/regions', { schema: { tags: ['org'] } }, async (req) => {
    const actor = requireActor(req);
    requirePermission(actor, 'org.read');
    const items = await p.db
      .selectFrom('regions')
      .select(['code', 'parent_code', 'name', 'kind', 'path', 'depth', 'lng', 'lat'])
      .orderBy('path')
      .execute();
    return { items, total: items.length, page: 1, pageSize: items.length };
  });

  /** Replaces/extends the region tree from a CSV (code,parent_code,name,kind,lng,lat). All rows or none. */
  r.post(
    '/api/regions/import',
    { schema: { tags: ['org'], body: z.object({ csv: z.string().min(1).max(5_000_000) }) } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'org.manage');
      let rows: ReturnType<typeof parseRegionsCsv>;
      try {
        rows = parseRegionsCsv(req.body.csv);
      } catch (err) {
        // The same shape as the enterprise import: every error by row (the CSV line) and column.
        const errors =
          err instanceof CsvError ? [{ row: err.line, column: err.column ?? '', message: err.message }] : undefined;
        throw new AppError(
          400,
          'IMPORT_INVALID',
          err instanceof Error ? err.message : String(err),
          [{ path: 'csv', message: 'invalid' }],
          errors ? { errors } : undefined,
        );
      }
      const count = await p.transaction(async (tx, after) => {
        // Region paths of enterprises may have moved.
        after(() => p.counts.changed(ENTERPRISE_COUNTS));
        const n = await upsertRegions(tx, rows);
        await audit(tx, ctx, { action: 'org.regions_imported', entityType: 'region', after: { count: n } });
        return n;
      });
      return { imported: count };
    },
  );

  r.get('/api/sectors', { schema: { tags: ['org'] } }, async (req) => {
    requirePermission(requireActor(req), 'org.read');
    const items = await p.db.selectFrom('sectors').selectAll().orderBy('sort').orderBy('code').execute();
    return { items, total: items.length, page: 1, pageSize: items.length };
  });

  r.post(
    '/api/sectors',
    {
      schema: {
        tags: ['org'],
        body: z.object({
          code: sectorCode,
          parentCode: sectorCode.nullable().default(null),
          nameZh: z.string().trim().min(1).max(100),
          nameEn: z.string().trim().min(1).max(100),
          sort: z.number().int().default(0),
        }),
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'org.manage');
      const b = req.body;
      const row = await p.transaction(async (tx) => {
        const s = await tx
          .insertInto('sectors')
          .values({ code: b.code, parent_code: b.parentCode, name_zh: b.nameZh, name_en: b.nameEn, sort: b.sort })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, { action: 'sector.created', entityType: 'sector', entityId: s.code, after: s });
        return s;
      });
      return reply.status(201).send(row);
    },
  );

  r.patch(
    '/api/sectors/:code',
    {
      schema: {
        tags: ['org'],
        params: z.object({ code: sectorCode }),
        body: z.object({
          version: z.number().int().min(1),
          nameZh: z.string().trim().min(1).max(100).optional(),
          nameEn: z.string().trim().min(1).max(100).optional(),
          sort: z.number().int().optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'org.manage');
      const b = req.body;
      return p.transaction(async (tx) => {
        const before = await tx
          .selectFrom('sectors')
          .selectAll()
          .where('code', '=', req.params.code)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('sector');
        if (before.version !== b.version) throw staleVersion(before.version);
        const after = await tx
          .updateTable('sectors')
          .set({
            ...(b.nameZh !== undefined ? { name_zh: b.nameZh } : {}),
            ...(b.nameEn !== undefined ? { name_en: b.nameEn } : {}),
            ...(b.sort !== undefined ? { sort: b.sort } : {}),
            updated_at: ctx.now,
            version: before.version + 1,
          })
          .where('code', '=', before.code)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(tx, ctx, { action: 'sector.updated', entityType: 'sector', entityId: before.code, before, after });
        return after;
      });
    },
  );

  r.get('/api/departments', { schema: { tags: ['org'] } }, async (req) => {
    const actor = requireActor(req);
    requirePermission(actor, 'org.read');
    const items = await p.db
      .selectFrom('departments')
      .selectAll('departments')
      .select(
        // Counts are business data: only enterprises within the caller's jurisdiction are counted.
        sql<number>`(select count(*)::int from enterprises e
                     where departments.id = any(e.department_ids) and ${enterpriseScope(actor, 'e')})`.as(
          'enterprise_count',
        ),
      )
      .orderBy('code')
      .execute();
    return { items, total: items.length, page: 1, pageSize: items.length };
  });

  const deptBody = {
    nameZh: z.string().trim().min(1).max(100),
    nameEn: z.string().trim().min(1).max(100),
    sectors: z.array(sectorCode).max(100),
  };

  async function assertSectors(codes: string[]) {
    if (codes.length === 0) return;
    const found = await p.db.selectFrom('sectors').select('code').where('code', 'in', codes).execute();
    const known = new Set(found.map((f) => f.code));
    const bad = codes.findIndex((c) => !known.has(c));
    if (bad >= 0)
      throw new AppError(400, 'VALIDATION', `Unknown sector ${codes[bad]}`, [
        { path: `sectors.${bad}`, message: 'unknown sector' },
      ]);
  }

  r.post(
    '/api/departments',
    { schema: { tags: ['org'], body: z.object({ code: sectorCode, ...deptBody }) } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'org.manage');
      await assertSectors(req.body.sectors);
      const b = req.body;
      const row = await p.transaction(async (tx, after) => {
        after(() => p.counts.changed(ENTERPRISE_COUNTS));
        const d = await tx
          .insertInto('departments')
          .values({ code: b.code, name_zh: b.nameZh, name_en: b.nameEn, sectors: b.sectors })
          .returningAll()
          .executeTakeFirstOrThrow();
        await rederiveEnterpriseDepartments(tx);
        await audit(tx, ctx, { action: 'department.created', entityType: 'department', entityId: d.id, after: d });
        return d;
      });
      return reply.status(201).send(row);
    },
  );

  r.patch(
    '/api/departments/:id',
    {
      schema: {
        tags: ['org'],
        params: z.object({ id: z.uuid() }),
        body: z.object({
          version: z.number().int().min(1),
          nameZh: deptBody.nameZh.optional(),
          nameEn: deptBody.nameEn.optional(),
          sectors: deptBody.sectors.optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'org.manage');
      const b = req.body;
      if (b.sectors) await assertSectors(b.sectors);
      return p.transaction(async (tx, afterCommit) => {
        if (b.sectors) afterCommit(() => p.counts.changed(ENTERPRISE_COUNTS));
        const before = await tx
          .selectFrom('departments')
          .selectAll()
          .where('id', '=', req.params.id)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('department');
        if (before.version !== b.version) throw staleVersion(before.version);
        const after = await tx
          .updateTable('departments')
          .set({
            ...(b.nameZh !== undefined ? { name_zh: b.nameZh } : {}),
            ...(b.nameEn !== undefined ? { name_en: b.nameEn } : {}),
            ...(b.sectors !== undefined ? { sectors: b.sectors } : {}),
            updated_at: ctx.now,
            version: before.version + 1,
          })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (b.sectors) await rederiveEnterpriseDepartments(tx);
        await audit(tx, ctx, {
          action: 'department.updated',
          entityType: 'department',
          entityId: before.id,
          before,
          after,
        });
        return after;
      });
    },
  );
}
