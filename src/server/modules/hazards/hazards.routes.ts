import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { daysBetween, localDate } from '../../../core/hazards/index.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { scopeKey } from '../../platform/authz/scope.js';
import { preparedByKey } from '../../platform/db/statements.js';
import { AppError, notFound } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf } from '../../platform/http/context.js';
import type { Platform } from '../../platform/platform.js';
import { hazardDetail } from './hazards.read.js';
import {
  COUNT_CAP,
  cappedCountQuery,
  HAZARD_COUNTS,
  listPageQuery,
  perEnterprisePlan,
  resolveFilters,
} from './hazards.repo.js';
import { hazardActionSchema, hazardCreateSchema, hazardListQuery, hazardUpdateSchema } from './hazards.schemas.js';
import { actOnHazard, createHazard, updateHazard } from './hazards.service.js';
import { isUuid } from './hazards.shared.js';

const idParams = z.object({ id: z.string() });

function encodeCursor(at: Date, id: string) {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const d = at ? new Date(at) : new Date(Number.NaN);
  if (!id || !isUuid(id) || Number.isNaN(d.getTime())) {
    throw new AppError(400, 'VALIDATION', 'Invalid cursor', [{ path: 'cursor', message: 'invalid' }]);
  }
  return { at: d, id };
}

export function hazardRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);
  const statements = preparedByKey();

  r.get('/api/hazards', { schema: { tags: ['hazards'], querystring: hazardListQuery } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'hazard.read');
    const { page, pageSize, sort, cursor, withTotal, ...query } = req.query;
    const today = localDate(ctx.now);
    const filters = await resolveFilters(p.db, query);
    const perEnterprise =
      sort === 'created' || withTotal !== false ? await perEnterprisePlan(p.db, ctx.actor, filters) : false;
    // Everything the list's SQL is built from: the same request reuses its compiled statements.
    const scoped = `${scopeKey(ctx.actor)} ${today} ${JSON.stringify(filters)}`;
    const pageQuery = statements(`${scoped} ${page} ${pageSize} ${sort} ${cursor ?? ''} ${perEnterprise}`, () =>
      listPageQuery(
        p.db,
        ctx.actor,
        filters,
        today,
        { page, pageSize, sort, after: cursor ? decodeCursor(cursor) : undefined },
        perEnterprise,
      ).compile(),
    );
    // The total is kept a few seconds per scope, day and filters (count cache), dropped when hazards change.
    const total = () =>
      p.counts.get(HAZARD_COUNTS, scoped, async () => {
        const counted = statements(`${scoped} count ${perEnterprise}`, () =>
          cappedCountQuery(p.db, ctx.actor, filters, today, perEnterprise).compile(),
        );
        const { rows } = await p.db.executeQuery(counted);
        return rows[0]?.n ?? 0;
      });
    // The page and the count run as prepared statements (platform/db/statements.ts): planning is most of their cost.
    const [{ rows }, n] = await Promise.all([p.db.executeQuery(pageQuery), withTotal === false ? null : total()]);
    const count = n === null ? null : { total: Math.min(n, COUNT_CAP), exact: n <= COUNT_CAP };
    const last = rows.at(-1);
    return {
      items: rows.map((h) => ({
        id: h.id,
        code: h.code,
        enterpriseId: h.enterprise_id,
        enterpriseName: h.enterprise_name,
        regionCode: h.region_code,
        townshipCode: h.township_code,
        townshipName: h.township_name,
        place: h.place,
        sector: h.sector,
        category: h.category,
        level: h.level,
        path: h.path,
        status: h.status,
        source: h.source,
        description: h.description,
        finderName: h.finder_name,
        foundAt: h.found_at,
        deadline: h.deadline,
        daysLeft: h.deadline ? daysBetween(today, h.deadline) : null,
        overdue: h.overdue,
        pendingExtension: h.pending_extension,
        catalogItemCode: h.catalog_item_code,
        createdAt: h.created_at,
        updatedAt: h.updated_at,
        version: h.version,
      })),
      total: count?.total ?? null,
      totalExact: count?.exact ?? null,
      page,
      pageSize,
      nextCursor:
        sort === 'created' && last && rows.length === pageSize ? encodeCursor(last.created_at, last.id) : null,
    };
  });

  r.post('/api/hazards', { schema: { tags: ['hazards'], body: hazardCreateSchema } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const row = await p.transaction((tx, after) => {
      after(() => p.counts.changed(HAZARD_COUNTS));
      return createHazard(tx, ctx, { files: p.files, fx: { notifier: p.notifier, after } }, req.body);
    });
    return reply.status(201).send({ id: row.id, code: row.code, status: row.status, version: row.version });
  });

  r.get('/api/hazards/:id', { schema: { tags: ['hazards'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'hazard.read');
    const d = await hazardDetail(p.db, ctx.actor, req.params.id, ctx.now);
    if (!d) throw notFound('hazard');
    return d;
  });

  r.patch(
    '/api/hazards/:id',
    { schema: { tags: ['hazards'], params: idParams, body: hazardUpdateSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      await p.transaction((tx, after) => {
        after(() => p.counts.changed(HAZARD_COUNTS));
        return updateHazard(tx, ctx, { files: p.files, fx: { notifier: p.notifier, after } }, req.params.id, req.body);
      });
      const d = await hazardDetail(p.db, ctx.actor, req.params.id, ctx.now);
      if (!d) throw notFound('hazard');
      return d;
    },
  );

  r.post(
    '/api/hazards/:id/actions',
    { schema: { tags: ['hazards'], params: idParams, body: hazardActionSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      await p.transaction((tx, after) => {
        after(() => p.counts.changed(HAZARD_COUNTS));
        return actOnHazard(tx, ctx, { files: p.files, fx: { notifier: p.notifier, after } }, req.params.id, req.body);
      });
      const d = await hazardDetail(p.db, ctx.actor, req.params.id, ctx.now);
      if (!d) throw notFound('hazard');
      return d;
    },
  );
}
