import type { FastifyInstance, FastifyReply } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  ENTERPRISE_SCALES,
  ENTERPRISE_STATUSES,
  enterpriseCreateSchema,
  enterpriseUpdateSchema,
  expiryState,
} from '../../../core/enterprise.js';
import { isUuid } from '../../../core/ids.js';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { scopeKey } from '../../platform/authz/scope.js';
import { ENTERPRISE_COUNTS } from '../../platform/db/count-cache.js';
import { AppError, notFound } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf } from '../../platform/http/context.js';
import { boolParam, listParam, pageQuery } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { columnHeader, exportWorkbook, readImport, templateWorkbook } from './enterprises.excel.js';
import { findEnterprise, listPage, resolveFilters, SORTABLE, scopedEnterprises } from './enterprises.repo.js';
import { createEnterprise, enterpriseSummary, presentEnterprise, updateEnterprise } from './enterprises.service.js';

const filterQuery = {
  q: z.string().trim().max(100).optional(),
  regionCode: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  sector: z.string().max(50).optional(),
  departmentId: z.uuid().optional(),
  scale: z.enum(ENTERPRISE_SCALES).optional(),
  status: listParam(z.enum(ENTERPRISE_STATUSES)),
  isKey: boolParam,
  hasMajorHazard: boolParam,
};

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
function sendXlsx(reply: FastifyReply, name: string, buf: Buffer) {
  return reply
    .header('content-type', XLSX)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
    .send(buf);
}

export function enterpriseRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  r.get(
    '/api/enterprises',
    {
      schema: {
        tags: ['enterprises'],
        querystring: z.object({
          ...pageQuery,
          ...filterQuery,
          sort: z.enum(SORTABLE).default('updated_at'),
          order: z.enum(['asc', 'desc']).default('desc'),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'enterprise.read');
      const { page, pageSize, sort, order, ...filters } = req.query;
      const resolved = await resolveFilters(p.db, filters);
      const base = scopedEnterprises(p.db, ctx.actor, resolved);
      const [items, total] = await Promise.all([
        listPage(p.db, base, { sort, order, page, pageSize }).execute(),
        p.counts.get(ENTERPRISE_COUNTS, `${scopeKey(ctx.actor)} ${JSON.stringify(resolved)}`, async () => {
          const r = await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
          return r.n;
        }),
      ]);
      return { items, total, page, pageSize };
    },
  );

  r.post(
    '/api/enterprises',
    { schema: { tags: ['enterprises'], body: enterpriseCreateSchema } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const row = await p.transaction((tx, after) => {
        after(() => p.counts.changed(ENTERPRISE_COUNTS));
        return createEnterprise(tx, ctx, req.body);
      });
      return reply.status(201).send(presentEnterprise(row));
    },
  );

  r.get(
    '/api/enterprises/map',
    { schema: { tags: ['enterprises'], querystring: z.object(filterQuery) } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'enterprise.read');
      const rows = await scopedEnterprises(p.db, ctx.actor, await resolveFilters(p.db, req.query))
        .select(['id', 'name', 'primary_sector', 'is_key', 'has_major_hazard', 'status', 'lng', 'lat'])
        .where('lng', 'is not', null)
        .where('lat', 'is not', null)
        .execute();
      return {
        type: 'FeatureCollection' as const,
        features: rows.map((e) => ({
          type: 'Feature' as const,
          geometry: { type: 'Point' as const, coordinates: [e.lng, e.lat] },
          properties: {
            id: e.id,
            name: e.name,
            sector: e.primary_sector,
            isKey: e.is_key,
            hasMajorHazard: e.has_major_hazard,
            status: e.status,
          },
        })),
      };
    },
  );

  r.get(
    '/api/enterprises/export.xlsx',
    { schema: { tags: ['enterprises'], querystring: z.object(filterQuery) } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'enterprise.export');
      const rows = await scopedEnterprises(p.db, ctx.actor, await resolveFilters(p.db, req.query))
        .innerJoin('regions', 'regions.code', 'enterprises.region_code')
        .innerJoin('sectors', 'sectors.code', 'enterprises.primary_sector')
        .select([
          'enterprises.code',
          'enterprises.credit_code',
          'enterprises.name',
          'enterprises.address',
          'regions.name as region_name',
          'sectors.name_zh as sector_name',
          'enterprises.scale',
          'enterprises.employees',
          'enterprises.principal_name',
          'enterprises.principal_phone',
          'enterprises.safety_manager_name',
          'enterprises.safety_manager_phone',
          'enterprises.is_key',
          'enterprises.has_major_hazard',
          'enterprises.standardization_grade',
          'enterprises.standardization_expiry',
          'enterprises.status',
          sql<string>`coalesce((select string_agg(d.name_zh, '、' order by d.code) from departments d where d.id = any(enterprises.department_ids)), '')`.as(
            'departments',
          ),
        ])
        .orderBy('enterprises.code')
        .execute();
      return sendXlsx(reply, `企业台账-${ctx.now.toISOString().slice(0, 10)}.xlsx`, await exportWorkbook(rows));
    },
  );

  r.get('/api/enterprises/import-template.xlsx', { schema: { tags: ['enterprises'] } }, async (req, reply) => {
    requirePermission(ctxOf(req).actor, 'enterprise.import');
    return sendXlsx(reply, '企业导入模板.xlsx', await templateWorkbook());
  });

  r.post(
    '/api/enterprises/import',
    { schema: { tags: ['enterprises'], consumes: ['multipart/form-data'] } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'enterprise.import');
      requirePermission(ctx.actor, 'enterprise.create');
      const part = req.isMultipart() ? await req.file() : undefined;
      if (!part)
        throw new AppError(400, 'VALIDATION', 'Send the workbook as multipart field "file"', [
          { path: 'file', message: 'required' },
        ]);
      const buf = await part.toBuffer();
      const [regions, sectors] = await Promise.all([
        p.db.selectFrom('regions').select(['code', 'name']).execute(),
        p.db.selectFrom('sectors').select(['code', 'name_zh', 'name_en']).execute(),
      ]);
      const regionByName = new Map<string, string | null>();
      for (const rg of regions) regionByName.set(rg.name, regionByName.has(rg.name) ? null : rg.code);
      const regionCodes = new Set(regions.map((x) => x.code));
      const sectorBy = new Map<string, string>();
      for (const s of sectors) for (const k of [s.code, s.name_zh, s.name_en.toLowerCase()]) sectorBy.set(k, s.code);
      const { rows, rowNumbers, errors } = await readImport(buf, {
        region: (v) => (regionCodes.has(v) ? v : (regionByName.get(v) ?? undefined)),
        sector: (v) => sectorBy.get(v) ?? sectorBy.get(v.toLowerCase()),
      });
      if (errors.length) {
        throw new AppError(400, 'IMPORT_INVALID', `${errors.length} error(s); nothing was imported`, undefined, {
          errors,
        });
      }
      // All rows in one transaction: a row that fails on the database (duplicate code, out of scope) undoes all.
      const created = await p.transaction(async (tx, after) => {
        after(() => p.counts.changed(ENTERPRISE_COUNTS));
        const ids: string[] = [];
        for (const [i, row] of rows.entries()) {
          try {
            ids.push((await createEnterprise(tx, ctx, row)).id);
          } catch (err) {
            if (err instanceof AppError) {
              const line = rowNumbers[i] ?? i + 2;
              const field = err.fields?.[0];
              throw new AppError(
                400,
                'IMPORT_INVALID',
                `Row ${line}: ${err.message}; nothing was imported`,
                undefined,
                {
                  errors: [
                    {
                      row: line,
                      column: field ? columnHeader(field.path) : '',
                      message: field?.message ?? 'import.rejected',
                      ...(field?.params ? { params: field.params } : {}),
                    },
                  ],
                },
              );
            }
            throw err;
          }
        }
        await audit(tx, ctx, { action: 'enterprise.imported', entityType: 'enterprise', after: { count: ids.length } });
        return ids;
      });
      return reply.status(201).send({ imported: created.length, ids: created });
    },
  );

  r.get(
    '/api/enterprises/:id',
    { schema: { tags: ['enterprises'], params: z.object({ id: z.string() }) } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'enterprise.read');
      const e = await findEnterprise(p.db, ctx.actor, req.params.id);
      if (!e) throw notFound('enterprise');
      const [region, departments] = await Promise.all([
        p.db
          .selectFrom('regions')
          .select(['code', 'name', 'path'])
          .where('code', '=', e.region_code)
          .executeTakeFirst(),
        e.department_ids.length
          ? p.db
              .selectFrom('departments')
              .select(['id', 'code', 'name_zh', 'name_en'])
              .where('id', 'in', e.department_ids)
              .execute()
          : [],
      ]);
      const regionChain = region
        ? await p.db
            .selectFrom('regions')
            .select(['code', 'name'])
            .where('code', 'in', region.path.split('/').filter(Boolean))
            .orderBy('depth')
            .execute()
        : [];
      return {
        ...presentEnterprise(e),
        regionChain,
        departments,
        licences: e.licences.map((l) => ({ ...l, ...expiryState(l.expiry, ctx.now) })),
        standardization: e.standardization_expiry ? expiryState(e.standardization_expiry, ctx.now) : null,
      };
    },
  );

  r.patch(
    '/api/enterprises/:id',
    { schema: { tags: ['enterprises'], params: z.object({ id: z.string() }), body: enterpriseUpdateSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      if (!isUuid(req.params.id)) throw notFound('enterprise');
      const row = await p.transaction((tx, after) => {
        after(() => p.counts.changed(ENTERPRISE_COUNTS));
        return updateEnterprise(tx, ctx, req.params.id, req.body);
      });
      return presentEnterprise(row);
    },
  );

  r.get('/api/dashboard/summary', { schema: { tags: ['dashboard'] } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'dashboard.read');
    const summary = await enterpriseSummary(p.db, ctx.actor);
    const withExpiry = await scopedEnterprises(p.db, ctx.actor, { status: ['operating', 'suspended'] })
      .select(['id', 'name', 'licences', 'standardization_expiry', 'standardization_grade'])
      .where((eb) =>
        eb.or([eb(sql`jsonb_array_length(licences)`, '>', 0), eb('standardization_expiry', 'is not', null)]),
      )
      .execute();
    const expiring: {
      enterpriseId: string;
      enterpriseName: string;
      kind: string;
      number: string;
      expiry: string;
      state: string;
      daysLeft: number;
    }[] = [];
    for (const e of withExpiry) {
      for (const l of e.licences) {
        const s = expiryState(l.expiry, ctx.now);
        if (s.state !== 'ok')
          expiring.push({
            enterpriseId: e.id,
            enterpriseName: e.name,
            kind: l.type,
            number: l.number,
            expiry: l.expiry,
            ...s,
          });
      }
      if (e.standardization_expiry) {
        const s = expiryState(e.standardization_expiry, ctx.now);
        if (s.state !== 'ok') {
          expiring.push({
            enterpriseId: e.id,
            enterpriseName: e.name,
            kind: 'standardization',
            number: `grade ${e.standardization_grade}`,
            expiry: e.standardization_expiry,
            ...s,
          });
        }
      }
    }
    expiring.sort((a, b) => a.daysLeft - b.daysLeft);
    return { enterprises: summary, expiring: expiring.slice(0, 100), expiringTotal: expiring.length };
  });
}
