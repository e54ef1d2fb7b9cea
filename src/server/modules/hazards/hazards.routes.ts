import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { localDate } from '../../../core/hazards/index.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { scopeKey } from '../../platform/authz/scope.js';
import { ENTERPRISE_COUNTS } from '../../platform/db/count-cache.js';
import { preparedByKey } from '../../platform/db/statements.js';
import { AppError, notFound } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf } from '../../platform/http/context.js';
import type { Platform } from '../../platform/platform.js';
import { hazardDetail } from './hazards.read.js';
import {
  COUNT_CAP,
  cappedCountQuery,
  type EnterpriseMemo,
  HAZARD_COUNTS,
  listPageQuery,
  perEnterprisePlan,
  resolveFilters,
} from './hazards.repo.js';
import { hazardActionSchema, hazardCreateSchema, hazardListQuery, hazardUpdateSchema } from './hazards.schemas.js';
import { actOnHazard, createHazard, updateHazard } from './hazards.service.js';
import { isUuid } from './hazards.shared.js';

const idParams = z.object({ id: z.string() });

/** `at`: the row's created_at as ISO text to the microsecond (the list's `created_at` column). */
function encodeCursor(at: string, id: string) {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}
const CURSOR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!id || !isUuid(id) || !at || !CURSOR_INSTANT.test(at) || Number.isNaN(Date.parse(at))) {
    throw new AppError(400, 'VALIDATION', 'Invalid cursor', [{ path: 'cursor', message: 'invalid' }]);
  }
  return { at, id };
}

export function hazardRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);
  const statements = preparedByKey();

  r.get('/api/hazards', { schema: { tags: ['hazards'], querystring: hazardListQuery } }, async (req, reply) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'hazard.read');
    const { page, pageSize, sort, cursor, withTotal, ...query } = req.query;
    const today = localDate(ctx.now);
    // The lookups and the plan depend on enterprise and region rows only: kept a few seconds, dropped when those change.
    const memo: EnterpriseMemo = (key, compute) => p.counts.get(ENTERPRISE_COUNTS, key, compute);
    const filters = await resolveFilters(p.db, query, memo);
    const scope = `${scopeKey(ctx.actor)} ${JSON.stringify(filters)}`;
    const perEnterprise =
      sort === 'created' || withTotal !== false
        ? await memo(`hazards.plan ${scope}`, () => perEnterprisePlan(p.db, ctx.actor, filters))
        : false;
    // Everything the list's SQL is built from: the same request reuses its compiled statements.
    const scoped = `${scope} ${today}`;
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
    const nextCursor =
      sort === 'created' && last && rows.length === pageSize ? encodeCursor(last.created_at, last.id) : null;
    // The items come as JSON text from PostgreSQL (listItemJson): the page is passed through, not re-serialised.
    reply.type('application/json; charset=utf-8');
    return `{"items":[${rows.map((h) => h.item).join(',')}],"total":${count?.total ?? null},"totalExact":${
      count?.exact ?? null
    },"page":${page},"pageSize":${pageSize},"nextCursor":${JSON.stringify(nextCursor)}}`;
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
