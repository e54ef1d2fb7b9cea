import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { escalationSettingsSchema, localDate } from '../../../core/hazards/index.js';
import { audit } from '../../platform/audit/audit.js';
import type { Actor } from '../../platform/authz/actor.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor } from '../../platform/db/client.js';
import { AppError, forbidden, notFound, staleVersion } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf, type RequestCtx } from '../../platform/http/context.js';
import { pageQuery } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { ESCALATION_SETTINGS_KEY, loadEscalationSettings } from './escalation.jobs.js';
import { illegal, invalid, isUuid, notify, usersOf } from './hazards.shared.js';

const idParams = z.object({ id: z.string() });
const liftBody = z.object({ version: z.number().int(), reason: z.string().trim().min(1).max(2000) });

function history(db: Executor, type: 'listing' | 'card' | 'summons', id: string) {
  return db
    .selectFrom('supervision_events')
    .select(['id', 'at', 'actor_id', 'actor_name', 'action', 'reason', 'data'])
    .where('entity_type', '=', type)
    .where('entity_id', '=', id)
    .orderBy('id')
    .execute();
}

/** Lifting a listing or a card is the county approver's act (county_admin), with a reason. */
function requireCountyApprover(actor: Actor) {
  requirePermission(actor, 'hazard.supervise');
  if (actor.role !== 'county_admin') throw forbidden('Only the county office lifts listings and cards');
}

/** A summons is recorded by an officer of a supervising department it is addressed to, or by the county office. */
function mayRecordSummons(actor: Actor, departmentIds: string[]): boolean {
  if (actor.role === 'county_admin') return true;
  return actor.role === 'dept_officer' && actor.departmentId !== null && departmentIds.includes(actor.departmentId);
}

function summonsQuery(db: Executor, actor: Actor) {
  return db
    .selectFrom('hazard_summons')
    .innerJoin('enterprises', 'enterprises.id', 'hazard_summons.enterprise_id')
    .innerJoin('hazards', 'hazards.id', 'hazard_summons.hazard_id')
    .where(enterpriseScope(actor))
    .select([
      'hazard_summons.id',
      'hazard_summons.hazard_id',
      'hazards.code as hazard_code',
      'hazards.place as hazard_place',
      'hazards.level as hazard_level',
      'hazards.deadline as hazard_deadline',
      'hazard_summons.enterprise_id',
      'enterprises.name as enterprise_name',
      'enterprises.principal_name',
      'hazard_summons.department_ids',
      'hazard_summons.status',
      'hazard_summons.created_at',
      'hazard_summons.held_at',
      'hazard_summons.recorded_by_name',
      'hazard_summons.note',
      'hazard_summons.attendees',
      'hazard_summons.version',
    ]);
}
type SummonsRow = Awaited<ReturnType<ReturnType<typeof summonsQuery>['execute']>>[number];
const presentSummons = (s: SummonsRow, actor: Actor) => ({
  id: s.id,
  hazardId: s.hazard_id,
  hazardCode: s.hazard_code,
  hazardPlace: s.hazard_place,
  hazardLevel: s.hazard_level,
  deadline: s.hazard_deadline,
  enterpriseId: s.enterprise_id,
  enterpriseName: s.enterprise_name,
  principalName: s.principal_name,
  departmentIds: s.department_ids,
  status: s.status,
  createdAt: s.created_at,
  heldAt: s.held_at,
  recordedBy: s.recorded_by_name,
  note: s.note,
  attendees: s.attendees,
  version: s.version,
  /** Whether the caller may record it now (the web app shows the form only then). */
  canRecord: s.status === 'pending' && mayRecordSummons(actor, s.department_ids),
});

const summonsRecordBody = z
  .object({
    version: z.number().int(),
    outcome: z.enum(['held', 'cancelled']).default('held'),
    heldAt: z.iso.datetime({ offset: true }).optional(),
    attendees: z.array(z.string().trim().min(1).max(100)).max(30).default([]),
    note: z.string().trim().min(1).max(2000),
  })
  .superRefine((b, c) => {
    if (b.outcome === 'held' && b.attendees.length === 0)
      c.addIssue({ code: 'custom', path: ['attendees'], message: 'required' });
    if (b.outcome === 'cancelled' && (b.heldAt !== undefined || b.attendees.length > 0))
      c.addIssue({ code: 'custom', path: ['outcome'], message: 'a cancelled summons has no date or attendees' });
  });

function listingsQuery(db: Executor, actor: Actor) {
  return db
    .selectFrom('hazard_listings')
    .innerJoin('enterprises', 'enterprises.id', 'hazard_listings.enterprise_id')
    .leftJoin('hazard_cards', 'hazard_cards.listing_id', 'hazard_listings.id')
    .leftJoin('hazards', 'hazards.id', 'hazard_listings.hazard_id')
    .where(enterpriseScope(actor))
    .select([
      'hazard_listings.id',
      'hazard_listings.code',
      'hazard_listings.enterprise_id',
      'enterprises.name as enterprise_name',
      'hazard_listings.hazard_id',
      'hazards.code as hazard_code',
      'hazard_listings.reason',
      'hazard_listings.overdue_count',
      'hazard_listings.public',
      'hazard_listings.status',
      'hazard_listings.listed_at',
      'hazard_listings.lifted_at',
      'hazard_listings.lifted_by_name',
      'hazard_listings.lift_reason',
      'hazard_listings.version',
      'hazard_cards.id as card_id',
      'hazard_cards.color as card_color',
      'hazard_cards.status as card_status',
      'hazard_cards.version as card_version',
    ]);
}
type ListingRow = Awaited<ReturnType<ReturnType<typeof listingsQuery>['execute']>>[number];
const presentListing = (l: ListingRow) => ({
  id: l.id,
  code: l.code,
  enterpriseId: l.enterprise_id,
  enterpriseName: l.enterprise_name,
  hazardId: l.hazard_id,
  hazardCode: l.hazard_code,
  reason: l.reason,
  overdueCount: l.overdue_count,
  public: l.public,
  status: l.status,
  listedAt: l.listed_at,
  liftedAt: l.lifted_at,
  liftedBy: l.lifted_by_name,
  liftReason: l.lift_reason,
  version: l.version,
  card: l.card_id ? { id: l.card_id, color: l.card_color, status: l.card_status, version: l.card_version } : null,
});

async function lift(
  p: Platform,
  ctx: RequestCtx,
  table: 'hazard_listings' | 'hazard_cards',
  id: string,
  body: z.infer<typeof liftBody>,
) {
  requireCountyApprover(ctx.actor);
  if (!isUuid(id)) throw notFound(table === 'hazard_listings' ? 'listing' : 'card');
  const type = table === 'hazard_listings' ? 'listing' : 'card';
  await p.transaction(async (tx, after) => {
    const row = await tx
      .selectFrom(table)
      .innerJoin('enterprises', 'enterprises.id', `${table}.enterprise_id`)
      .select([`${table}.id`, `${table}.status`, `${table}.version`, `${table}.enterprise_id`, 'enterprises.name'])
      .where(`${table}.id`, '=', id)
      .where(enterpriseScope(ctx.actor))
      .forUpdate(table)
      .executeTakeFirst();
    if (!row) throw notFound(type);
    if (row.version !== body.version) throw staleVersion(row.version);
    if (row.status !== 'active') throw illegal(`This ${type} is already lifted`);
    await tx
      .updateTable(table)
      .set({
        status: 'lifted',
        lifted_at: ctx.now,
        lifted_by_id: ctx.actor.userId,
        lifted_by_name: ctx.actor.displayName,
        lift_reason: body.reason,
        updated_at: ctx.now,
        version: row.version + 1,
      })
      .where('id', '=', id)
      .execute();
    await tx
      .insertInto('supervision_events')
      .values({
        entity_type: type,
        entity_id: id,
        at: ctx.now,
        actor_id: ctx.actor.userId,
        actor_name: ctx.actor.displayName,
        action: 'lifted',
        reason: body.reason,
        data: '{}',
      })
      .execute();
    await audit(tx, ctx, {
      action: `hazard.${type}_lifted`,
      entityType: `hazard_${type}`,
      entityId: id,
      before: { status: 'active' },
      after: { status: 'lifted', reason: body.reason },
    });
    const users = await usersOf(
      tx,
      { enterpriseId: row.enterprise_id, enterpriseRoles: ['enterprise_admin'] },
      ctx.actor.userId,
    );
    await notify(
      tx,
      { notifier: p.notifier, after },
      {
        userIds: users,
        kind: `hazard.${type}_lifted`,
        title: {
          zh: `${row.name}的${type === 'listing' ? '挂牌督办' : '红黄牌警告'}已解除`,
          en: `${row.name}: the ${type === 'listing' ? 'listing' : 'card'} was lifted`,
        },
        body: { zh: body.reason, en: body.reason },
        entityType: `hazard_${type}`,
        entityId: id,
      },
      ctx.now,
    );
  });
}

export function supervisionRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);

  r.get(
    '/api/hazard-listings',
    {
      schema: {
        tags: ['hazards'],
        querystring: z.object({
          ...pageQuery,
          status: z.enum(['active', 'lifted']).optional(),
          enterpriseId: z.uuid().optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      const { page, pageSize, status, enterpriseId } = req.query;
      let q = listingsQuery(p.db, ctx.actor);
      if (status) q = q.where('hazard_listings.status', '=', status);
      if (enterpriseId) q = q.where('hazard_listings.enterprise_id', '=', enterpriseId);
      const [rows, total] = await Promise.all([
        q
          .orderBy('hazard_listings.listed_at', 'desc')
          .orderBy('hazard_listings.id')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(presentListing), total: total.n, page, pageSize };
    },
  );

  r.get('/api/hazard-listings/:id', { schema: { tags: ['hazards'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'hazard.read');
    if (!isUuid(req.params.id)) throw notFound('listing');
    const l = await listingsQuery(p.db, ctx.actor).where('hazard_listings.id', '=', req.params.id).executeTakeFirst();
    if (!l) throw notFound('listing');
    const [listingHistory, cardHistory] = await Promise.all([
      history(p.db, 'listing', l.id),
      l.card_id ? history(p.db, 'card', l.card_id) : [],
    ]);
    return { ...presentListing(l), history: listingHistory, cardHistory };
  });

  r.post(
    '/api/hazard-listings/:id/lift',
    { schema: { tags: ['hazards'], params: idParams, body: liftBody } },
    async (req) => {
      const ctx = ctxOf(req);
      await lift(p, ctx, 'hazard_listings', req.params.id, req.body);
      const l = await listingsQuery(p.db, ctx.actor)
        .where('hazard_listings.id', '=', req.params.id)
        .executeTakeFirstOrThrow();
      return { ...presentListing(l), history: await history(p.db, 'listing', l.id) };
    },
  );

  r.get(
    '/api/hazard-cards',
    {
      schema: {
        tags: ['hazards'],
        querystring: z.object({
          ...pageQuery,
          status: z.enum(['active', 'lifted']).optional(),
          color: z.enum(['yellow', 'red']).optional(),
          enterpriseId: z.uuid().optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      const { page, pageSize, status, color, enterpriseId } = req.query;
      let q = p.db
        .selectFrom('hazard_cards')
        .innerJoin('enterprises', 'enterprises.id', 'hazard_cards.enterprise_id')
        .innerJoin('hazard_listings', 'hazard_listings.id', 'hazard_cards.listing_id')
        .where(enterpriseScope(ctx.actor));
      if (status) q = q.where('hazard_cards.status', '=', status);
      if (color) q = q.where('hazard_cards.color', '=', color);
      if (enterpriseId) q = q.where('hazard_cards.enterprise_id', '=', enterpriseId);
      const [rows, total] = await Promise.all([
        q
          .select([
            'hazard_cards.id',
            'hazard_cards.enterprise_id',
            'enterprises.name as enterprise_name',
            'hazard_cards.listing_id',
            'hazard_listings.code as listing_code',
            'hazard_cards.color',
            'hazard_cards.status',
            'hazard_cards.issued_at',
            'hazard_cards.lifted_at',
            'hazard_cards.lifted_by_name',
            'hazard_cards.lift_reason',
            'hazard_cards.version',
          ])
          .orderBy('hazard_cards.issued_at', 'desc')
          .orderBy('hazard_cards.id')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((c) => ({
          id: c.id,
          enterpriseId: c.enterprise_id,
          enterpriseName: c.enterprise_name,
          listingId: c.listing_id,
          listingCode: c.listing_code,
          color: c.color,
          status: c.status,
          issuedAt: c.issued_at,
          liftedAt: c.lifted_at,
          liftedBy: c.lifted_by_name,
          liftReason: c.lift_reason,
          version: c.version,
        })),
        total: total.n,
        page,
        pageSize,
      };
    },
  );

  r.post(
    '/api/hazard-cards/:id/lift',
    { schema: { tags: ['hazards'], params: idParams, body: liftBody } },
    async (req) => {
      const ctx = ctxOf(req);
      await lift(p, ctx, 'hazard_cards', req.params.id, req.body);
      const c = await p.db
        .selectFrom('hazard_cards')
        .selectAll()
        .where('id', '=', req.params.id)
        .executeTakeFirstOrThrow();
      return {
        id: c.id,
        color: c.color,
        status: c.status,
        liftedAt: c.lifted_at,
        liftReason: c.lift_reason,
        version: c.version,
        history: await history(p.db, 'card', c.id),
      };
    },
  );

  r.get(
    '/api/hazard-summons',
    {
      schema: {
        tags: ['hazards'],
        querystring: z.object({
          ...pageQuery,
          status: z.enum(['pending', 'held', 'cancelled']).optional(),
          enterpriseId: z.uuid().optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      const { page, pageSize, status, enterpriseId } = req.query;
      let q = summonsQuery(p.db, ctx.actor);
      if (status) q = q.where('hazard_summons.status', '=', status);
      if (enterpriseId) q = q.where('hazard_summons.enterprise_id', '=', enterpriseId);
      const [rows, total] = await Promise.all([
        q
          .orderBy('hazard_summons.created_at', 'desc')
          .orderBy('hazard_summons.id')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map((s) => presentSummons(s, ctx.actor)), total: total.n, page, pageSize };
    },
  );

  r.get('/api/hazard-summons/:id', { schema: { tags: ['hazards'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'hazard.read');
    if (!isUuid(req.params.id)) throw notFound('summons');
    const s = await summonsQuery(p.db, ctx.actor).where('hazard_summons.id', '=', req.params.id).executeTakeFirst();
    if (!s) throw notFound('summons');
    return { ...presentSummons(s, ctx.actor), history: await history(p.db, 'summons', s.id) };
  });

  /**
   * Records that the summons (约谈) took place — when, who attended, what was said — or cancels it; by the
   * supervising department or the county. The date may not lie in the future nor before the task was created.
   */
  r.post(
    '/api/hazard-summons/:id/record',
    { schema: { tags: ['hazards'], params: idParams, body: summonsRecordBody } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      if (!isUuid(req.params.id)) throw notFound('summons');
      const b = req.body;
      await p.transaction(async (tx) => {
        const s = await tx
          .selectFrom('hazard_summons')
          .innerJoin('enterprises', 'enterprises.id', 'hazard_summons.enterprise_id')
          .select([
            'hazard_summons.id',
            'hazard_summons.status',
            'hazard_summons.version',
            'hazard_summons.department_ids',
            'hazard_summons.created_at',
          ])
          .where('hazard_summons.id', '=', req.params.id)
          .where(enterpriseScope(ctx.actor))
          .forUpdate('hazard_summons')
          .executeTakeFirst();
        if (!s) throw notFound('summons');
        if (!mayRecordSummons(ctx.actor, s.department_ids))
          throw new AppError(
            403,
            'FORBIDDEN_ACTION',
            'Only the supervising department or the county records a summons',
          );
        if (s.version !== b.version) throw staleVersion(s.version);
        if (s.status !== 'pending') throw illegal('This summons is already recorded');
        const heldAt = b.outcome === 'held' ? (b.heldAt ? new Date(b.heldAt) : ctx.now) : null;
        if (heldAt && heldAt.getTime() > ctx.now.getTime())
          throw invalid('heldAt', 'The summons cannot be recorded ahead');
        if (heldAt && localDate(heldAt) < localDate(s.created_at))
          throw invalid('heldAt', 'The summons was held before it was due: record the date it took place');
        await tx
          .updateTable('hazard_summons')
          .set({
            status: b.outcome,
            held_at: heldAt,
            recorded_by_id: ctx.actor.userId,
            recorded_by_name: ctx.actor.displayName,
            note: b.note,
            attendees: b.attendees,
            updated_at: ctx.now,
            version: s.version + 1,
          })
          .where('id', '=', s.id)
          .execute();
        await tx
          .insertInto('supervision_events')
          .values({
            entity_type: 'summons',
            entity_id: s.id,
            at: ctx.now,
            actor_id: ctx.actor.userId,
            actor_name: ctx.actor.displayName,
            action: b.outcome,
            reason: b.note,
            data: JSON.stringify({ heldAt, attendees: b.attendees }),
          })
          .execute();
        await audit(tx, ctx, {
          action: `hazard.summons_${b.outcome}`,
          entityType: 'hazard_summons',
          entityId: s.id,
          before: { status: s.status },
          after: { status: b.outcome, heldAt, attendees: b.attendees, note: b.note },
        });
      });
      const after = await summonsQuery(p.db, ctx.actor)
        .where('hazard_summons.id', '=', req.params.id)
        .executeTakeFirstOrThrow();
      return { ...presentSummons(after, ctx.actor), history: await history(p.db, 'summons', after.id) };
    },
  );

  r.get('/api/hazard-settings', { schema: { tags: ['hazards'] } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'hazard.read');
    const row = await p.db
      .selectFrom('settings')
      .select('version')
      .where('key', '=', ESCALATION_SETTINGS_KEY)
      .executeTakeFirst();
    return { escalation: await loadEscalationSettings(p.db), version: row?.version ?? 0 };
  });

  r.put(
    '/api/hazard-settings',
    {
      schema: {
        tags: ['hazards'],
        body: z.object({ version: z.number().int().min(0), escalation: escalationSettingsSchema.partial() }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.supervise');
      return p.transaction(async (tx) => {
        const row = await tx
          .selectFrom('settings')
          .select(['value', 'version'])
          .where('key', '=', ESCALATION_SETTINGS_KEY)
          .forUpdate()
          .executeTakeFirst();
        const current = row?.version ?? 0;
        if (current !== req.body.version) throw staleVersion(current);
        const before = await loadEscalationSettings(tx);
        const merged = escalationSettingsSchema.parse({ ...before, ...req.body.escalation });
        if (row) {
          await tx
            .updateTable('settings')
            .set({ value: JSON.stringify(merged), updated_at: ctx.now, version: current + 1 })
            .where('key', '=', ESCALATION_SETTINGS_KEY)
            .execute();
        } else {
          await tx
            .insertInto('settings')
            .values({ key: ESCALATION_SETTINGS_KEY, value: JSON.stringify(merged), updated_at: ctx.now })
            .execute();
        }
        await audit(tx, ctx, {
          action: 'hazard.settings_updated',
          entityType: 'settings',
          entityId: ESCALATION_SETTINGS_KEY,
          before,
          after: merged,
        });
        return { escalation: merged, version: current + 1 };
      });
    },
  );
}
