import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../../../core/ids.js';
import {
  ALARM_RULES,
  ALARM_STATUSES,
  ALARM_TRANSITIONS,
  ALARM_USER_ACTIONS,
  MONITOR_KINDS,
  RULE_META,
  SEVERITY_COLOUR,
  SEVERITY_WARNING_LEVEL,
  THRESHOLD_TEMPLATES,
} from '../../../core/monitoring/index.js';
import { audit } from '../../platform/audit/audit.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf } from '../../platform/http/context.js';
import { boolParam, listParam, pageQuery } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { canSeeEnterprise } from '../enterprises/index.js';
import { actOnAlarm, deliverAfterCommit, presentAlarm } from './alarms.service.js';
import { createGateway, presentGateway, revokeGateway, scopedGateways } from './gateways.service.js';
import { alarmHazardDetailsSchema, hazardBridgeFor } from './hazard-bridge.js';
import { registerIngestRoutes } from './ingest/ingest.routes.js';
import { existingPipeline } from './ingest/pipeline.js';
import { READINGS_TOPIC_PREFIX } from './monitoring.config.js';
import {
  MONITORING_DEFAULTS,
  monitoringSettingsSchema,
  readMonitoringSettings,
  SETTINGS_KEY,
} from './monitoring.settings.js';
import { monitoringOverview, monitoringQuality, scopedDeadLetters } from './overview.js';
import { pointCreateSchema, pointUpdateSchema, presentPoint } from './points.model.js';
import { createPoint, findPoint, pointStatus, scopedPoints, updatePoint } from './points.service.js';
import { pickStep, readSeries, STEPS } from './readings.js';
import { enterpriseSparklines, SPARKLINE_MAX_MINUTES } from './sparklines.js';

const idParams = z.object({ id: z.string() });
const isoDate = z.iso.datetime({ offset: true });
const regionCode = z
  .string()
  .regex(/^\d{12}$/)
  .optional();

function regionFilter(code: string) {
  return sql<boolean>`enterprises.region_path like (select replace(replace(path, '_', '\\_'), '%', '\\%') || '%' from regions where code = ${code})`;
}

/**
 * How a gateway reaches the platform, for the registration screen: the readings topic prefix and, with the
 * embedded broker, its port. With an external broker (MQTT_URL) its public address is the operator's to tell:
 * the URL the platform subscribes with may be an internal one and carries the platform's own credentials.
 */
function gatewayConnection(p: Platform) {
  const external = Boolean(p.config.MQTT_URL);
  return {
    topicPrefix: READINGS_TOPIC_PREFIX,
    qos: 1 as const,
    externalBroker: external,
    mqttPort: external ? null : p.config.MQTT_PORT,
    httpPath: '/api/ingest/readings',
  };
}

export function monitoringRoutes(app: FastifyInstance, p: Platform) {
  const r = zod(app);
  registerIngestRoutes(app, p);
  app.addHook('onClose', async () => {
    await existingPipeline(p)?.close();
  });

  // ── Templates ──────────────────────────────────────────────────────────────────────────────────────────
  r.get('/api/threshold-templates', { schema: { tags: ['monitoring'] } }, async (req) => {
    requirePermission(ctxOf(req).actor, 'monitoring.read');
    return {
      items: THRESHOLD_TEMPLATES,
      rules: ALARM_RULES.map((rule) => ({ rule, ...RULE_META[rule] })),
      severities: ([1, 2, 3, 4] as const).map((s) => ({
        severity: s,
        colour: SEVERITY_COLOUR[s],
        warningLevel: SEVERITY_WARNING_LEVEL[s],
      })),
      alarmTransitions: ALARM_TRANSITIONS,
    };
  });

  // ── Gateways ───────────────────────────────────────────────────────────────────────────────────────────
  r.post(
    '/api/gateways',
    {
      schema: {
        tags: ['monitoring'],
        body: z.strictObject({ enterpriseId: z.uuid(), name: z.string().trim().min(1).max(100) }),
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const { row, token } = await p.transaction((tx) => createGateway(tx, ctx, req.body));
      return reply.status(201).send({ ...presentGateway(row), token });
    },
  );

  r.get(
    '/api/gateways',
    { schema: { tags: ['monitoring'], querystring: z.object({ enterpriseId: z.uuid().optional() }) } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'monitoring.read');
      let q = scopedGateways(p.db, ctx.actor);
      if (req.query.enterpriseId) {
        // An enterprise out of scope is not there (404), rather than an empty list that hides the refusal.
        if (!(await canSeeEnterprise(p.db, ctx.actor, req.query.enterpriseId))) throw notFound('enterprise');
        q = q.where('monitoring_gateways.enterprise_id', '=', req.query.enterpriseId);
      }
      const rows = await q.orderBy('monitoring_gateways.created_at', 'desc').limit(500).execute();
      return { items: rows.map(presentGateway), connection: gatewayConnection(p) };
    },
  );

  r.post('/api/gateways/:id/revoke', { schema: { tags: ['monitoring'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    const row = await p.transaction((tx) => revokeGateway(tx, ctx, req.params.id));
    existingPipeline(p)?.gatewayRevoked(row.id);
    return presentGateway(row);
  });

  // ── Points ─────────────────────────────────────────────────────────────────────────────────────────────
  r.post('/api/points', { schema: { tags: ['monitoring'], body: pointCreateSchema } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const row = await p.transaction((tx) => createPoint(tx, ctx, req.body));
    existingPipeline(p)?.pointChanged(row.id);
    return reply.status(201).send(presentPoint(row));
  });

  r.get(
    '/api/points',
    {
      schema: {
        tags: ['monitoring'],
        querystring: z.object({
          ...pageQuery,
          enterpriseId: z.uuid().optional(),
          kind: z.enum(MONITOR_KINDS).optional(),
          q: z.string().trim().max(64).optional(),
          active: boolParam,
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'monitoring.read');
      const { page, pageSize, enterpriseId, kind, q, active } = req.query;
      let base = scopedPoints(p.db, ctx.actor);
      if (enterpriseId) {
        if (!(await canSeeEnterprise(p.db, ctx.actor, enterpriseId))) throw notFound('enterprise');
        base = base.where('monitoring_points.enterprise_id', '=', enterpriseId);
      }
      if (kind) base = base.where('monitoring_points.kind', '=', kind);
      if (active !== undefined) base = base.where('monitoring_points.active', '=', active);
      if (q) {
        const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        base = base.where((eb) =>
          eb.or([eb('monitoring_points.code', 'ilike', like), eb('monitoring_points.name', 'ilike', like)]),
        );
      }
      const [rows, total] = await Promise.all([
        base
          .selectAll('monitoring_points')
          .select('enterprises.name as enterprise_name')
          .orderBy('enterprises.name')
          .orderBy('monitoring_points.code')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      const status = await pointStatus(
        p.db,
        rows.map((x) => x.id),
        ctx.now,
      );
      return {
        items: rows.map((x) => ({
          ...presentPoint(x),
          enterpriseName: x.enterprise_name,
          status: status.get(x.id) ?? null,
        })),
        total: total.n,
        page,
        pageSize,
      };
    },
  );

  r.get('/api/points/:id', { schema: { tags: ['monitoring'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'monitoring.read');
    const row = await findPoint(p.db, ctx.actor, req.params.id);
    if (!row) throw notFound('monitoring point');
    const [status, alarms, ent] = await Promise.all([
      pointStatus(p.db, [row.id], ctx.now),
      p.db
        .selectFrom('alarms')
        .selectAll()
        .where('point_id', '=', row.id)
        .where('status', '<>', 'closed')
        .orderBy('raised_at', 'desc')
        .execute(),
      p.db.selectFrom('enterprises').select('name').where('id', '=', row.enterprise_id).executeTakeFirstOrThrow(),
    ]);
    return {
      ...presentPoint(row),
      enterpriseName: ent.name,
      status: status.get(row.id) ?? null,
      openAlarms: alarms.map((a) => presentAlarm(a, { role: ctx.actor.role })),
    };
  });

  r.patch(
    '/api/points/:id',
    { schema: { tags: ['monitoring'], params: idParams, body: pointUpdateSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      const row = await p.transaction((tx) => updatePoint(tx, ctx, req.params.id, req.body));
      existingPipeline(p)?.pointChanged(row.id);
      return presentPoint(row);
    },
  );

  r.get(
    '/api/points/:id/readings',
    {
      schema: {
        tags: ['monitoring'],
        params: idParams,
        querystring: z.object({ from: isoDate.optional(), to: isoDate.optional(), step: z.enum(STEPS).optional() }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'monitoring.read');
      const row = await findPoint(p.db, ctx.actor, req.params.id);
      if (!row) throw notFound('monitoring point');
      const to = req.query.to ? new Date(req.query.to) : ctx.now;
      const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - 3_600_000);
      if (!(from < to)) {
        throw new AppError(400, 'VALIDATION', 'from must be before to', [{ path: 'from', message: 'from.after_to' }]);
      }
      const step = req.query.step ?? pickStep(from.getTime(), to.getTime());
      const series = await readSeries(p.db, row.id, from, to, step);
      return { pointId: row.id, unit: row.unit, from, to, step, ...series };
    },
  );

  // ── Alarms ─────────────────────────────────────────────────────────────────────────────────────────────
  r.get(
    '/api/alarms',
    {
      schema: {
        tags: ['monitoring'],
        querystring: z.object({
          ...pageQuery,
          status: listParam(z.enum(ALARM_STATUSES)),
          severity: listParam(z.coerce.number().int().min(1).max(4)),
          enterpriseId: z.uuid().optional(),
          regionCode,
          kind: listParam(z.enum(MONITOR_KINDS)),
          rule: listParam(z.enum(ALARM_RULES)),
          pointId: z.uuid().optional(),
          acknowledged: boolParam,
          tampering: boolParam,
          from: isoDate.optional(),
          to: isoDate.optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'monitoring.read');
      const f = req.query;
      let base = p.db
        .selectFrom('alarms')
        .innerJoin('enterprises', 'enterprises.id', 'alarms.enterprise_id')
        .innerJoin('monitoring_points', 'monitoring_points.id', 'alarms.point_id')
        .where(enterpriseScope(ctx.actor));
      if (f.status?.length) base = base.where('alarms.status', 'in', f.status);
      if (f.severity?.length) base = base.where('alarms.severity', 'in', f.severity);
      if (f.enterpriseId) base = base.where('alarms.enterprise_id', '=', f.enterpriseId);
      if (f.regionCode) base = base.where(regionFilter(f.regionCode));
      if (f.kind?.length) base = base.where('monitoring_points.kind', 'in', f.kind);
      if (f.rule?.length) base = base.where('alarms.rule', 'in', f.rule);
      if (f.pointId) base = base.where('alarms.point_id', '=', f.pointId);
      if (f.acknowledged !== undefined) base = base.where('alarms.acknowledged', '=', f.acknowledged);
      if (f.tampering !== undefined) base = base.where('alarms.tampering', '=', f.tampering);
      if (f.from) base = base.where('alarms.raised_at', '>=', new Date(f.from));
      if (f.to) base = base.where('alarms.raised_at', '<', new Date(f.to));
      const [rows, total] = await Promise.all([
        base
          .selectAll('alarms')
          .select([
            'enterprises.name as enterprise_name',
            'monitoring_points.code as point_code',
            'monitoring_points.name as point_name',
            'monitoring_points.kind as point_kind',
            'monitoring_points.unit as point_unit',
          ])
          .orderBy('alarms.raised_at', 'desc')
          .orderBy('alarms.id', 'desc')
          .limit(f.pageSize)
          .offset((f.page - 1) * f.pageSize)
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((a) =>
          presentAlarm(a, {
            point: { code: a.point_code, name: a.point_name, kind: a.point_kind, unit: a.point_unit },
            enterpriseName: a.enterprise_name,
            role: ctx.actor.role,
          }),
        ),
        total: total.n,
        page: f.page,
        pageSize: f.pageSize,
      };
    },
  );

  r.get('/api/alarms/:id', { schema: { tags: ['monitoring'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'monitoring.read');
    if (!isUuid(req.params.id)) throw notFound('alarm');
    const a = await p.db
      .selectFrom('alarms')
      .innerJoin('enterprises', 'enterprises.id', 'alarms.enterprise_id')
      .innerJoin('monitoring_points', 'monitoring_points.id', 'alarms.point_id')
      .selectAll('alarms')
      .select([
        'enterprises.name as enterprise_name',
        'monitoring_points.code as point_code',
        'monitoring_points.name as point_name',
        'monitoring_points.kind as point_kind',
        'monitoring_points.unit as point_unit',
      ])
      .where('alarms.id', '=', req.params.id)
      .where(enterpriseScope(ctx.actor))
      .executeTakeFirst();
    if (!a) throw notFound('alarm');
    const events = await p.db
      .selectFrom('alarm_events')
      .select(['at', 'type', 'actor_id', 'actor_name', 'value', 'note'])
      .where('alarm_id', '=', a.id)
      .orderBy('id')
      .limit(1000)
      .execute();
    return {
      ...presentAlarm(a, {
        point: { code: a.point_code, name: a.point_name, kind: a.point_kind, unit: a.point_unit },
        enterpriseName: a.enterprise_name,
        role: ctx.actor.role,
      }),
      events: events.map((e) => ({
        at: e.at,
        type: e.type,
        actorId: e.actor_id,
        actorName: e.actor_name,
        value: e.value,
        note: e.note,
      })),
    };
  });

  r.post(
    '/api/alarms/:id/actions',
    {
      schema: {
        tags: ['monitoring'],
        params: idParams,
        body: z.strictObject({
          action: z.enum(ALARM_USER_ACTIONS),
          version: z.number().int().min(1).optional(),
          note: z.string().max(2000).optional(),
          reason: z.string().max(2000).optional(),
          hazard: alarmHazardDetailsSchema.optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const bridge = hazardBridgeFor(p);
      const result = await p.transaction((tx, after) =>
        actOnAlarm(tx, ctx, req.params.id, req.body, { bridge, after }),
      );
      deliverAfterCommit(p, result.after);
      return {
        ...presentAlarm(result.row, { role: ctx.actor.role }),
        ...(result.hazard
          ? {
              hazard: {
                ...result.hazard,
                ...(result.hazard.status === 'requested'
                  ? { message: 'The hazards module is not installed; the request is recorded on the alarm.' }
                  : {}),
              },
            }
          : {}),
      };
    },
  );

  // ── Overview, quality, dead letters ────────────────────────────────────────────────────────────────────
  r.get(
    '/api/monitoring/overview',
    { schema: { tags: ['monitoring'], querystring: z.object({ regionCode }) } },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'monitoring.read');
      const items = await monitoringOverview(p.db, ctx.actor, ctx.now, req.query);
      const sum = (k: 'points' | 'online' | 'offline' | 'inAlarm' | 'unacknowledged') =>
        items.reduce((n, e) => n + e[k], 0);
      return {
        asOf: ctx.now,
        totals: {
          enterprises: items.length,
          points: sum('points'),
          online: sum('online'),
          offline: sum('offline'),
          inAlarm: sum('inAlarm'),
          unacknowledged: sum('unacknowledged'),
        },
        items,
      };
    },
  );

  // Sparklines for the enterprise monitoring page: every active point's 1-minute averages in one answer.
  r.get(
    '/api/monitoring/sparklines',
    {
      schema: {
        tags: ['monitoring'],
        querystring: z.object({
          enterpriseId: z.uuid(),
          minutes: z.coerce.number().int().min(5).max(SPARKLINE_MAX_MINUTES).default(60),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'monitoring.read');
      if (!(await canSeeEnterprise(p.db, ctx.actor, req.query.enterpriseId))) throw notFound('enterprise');
      const items = await enterpriseSparklines(p.db, req.query.enterpriseId, ctx.now, req.query.minutes);
      return { asOf: ctx.now, minutes: req.query.minutes, items };
    },
  );

  r.get('/api/monitoring/quality', { schema: { tags: ['monitoring'] } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'monitoring.read');
    return monitoringQuality(p.db, ctx.actor, ctx.now);
  });

  r.get(
    '/api/monitoring/dead-letters',
    {
      schema: {
        tags: ['monitoring'],
        querystring: z.object({
          ...pageQuery,
          enterpriseId: z.uuid().optional(),
          gatewayId: z.uuid().optional(),
          reason: listParam(z.string().max(40)),
          from: isoDate.optional(),
          to: isoDate.optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'monitoring.read');
      const f = req.query;
      let base = scopedDeadLetters(p.db, ctx.actor);
      if (f.enterpriseId) base = base.where('d.enterprise_id', '=', f.enterpriseId);
      if (f.gatewayId) base = base.where('d.gateway_id', '=', f.gatewayId);
      if (f.reason?.length) base = base.where('d.reason', 'in', f.reason);
      if (f.from) base = base.where('d.received_at', '>=', new Date(f.from));
      if (f.to) base = base.where('d.received_at', '<', new Date(f.to));
      const [rows, total] = await Promise.all([
        base
          .selectAll('d')
          .orderBy('d.received_at', 'desc')
          .orderBy('d.id', 'desc')
          .limit(f.pageSize)
          .offset((f.page - 1) * f.pageSize)
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((d) => ({
          id: d.id,
          receivedAt: d.received_at,
          source: d.source,
          gatewayId: d.gateway_id,
          enterpriseId: d.enterprise_id,
          point: d.point_ref,
          pointId: d.point_id,
          reason: d.reason,
          detail: d.detail,
          index: d.item_index,
          readingTs: d.reading_ts,
          payload: d.payload,
        })),
        total: total.n,
        page: f.page,
        pageSize: f.pageSize,
      };
    },
  );

  // ── Settings ───────────────────────────────────────────────────────────────────────────────────────────
  r.get('/api/monitoring/settings', { schema: { tags: ['monitoring'] } }, async (req) => {
    requirePermission(ctxOf(req).actor, 'monitoring.read');
    return { ...(await readMonitoringSettings(p.db)), defaults: MONITORING_DEFAULTS };
  });

  r.put(
    '/api/monitoring/settings',
    {
      schema: {
        tags: ['monitoring'],
        body: monitoringSettingsSchema.partial().extend({ version: z.number().int().min(0) }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'settings.manage');
      const { version, ...changes } = req.body;
      return p.transaction(async (tx) => {
        const before = await readMonitoringSettings(tx);
        const row = await tx
          .selectFrom('settings')
          .select('version')
          .where('key', '=', SETTINGS_KEY)
          .forUpdate()
          .executeTakeFirst();
        if ((row?.version ?? 0) !== version) throw staleVersion(row?.version ?? 0);
        const { version: _v, ...current } = before;
        const next = { ...current, ...changes };
        if (row) {
          await tx
            .updateTable('settings')
            .set({ value: JSON.stringify(next), updated_at: ctx.now, version: row.version + 1 })
            .where('key', '=', SETTINGS_KEY)
            .execute();
        } else {
          await tx
            .insertInto('settings')
            .values({ key: SETTINGS_KEY, value: JSON.stringify(next), updated_at: ctx.now })
            .execute();
        }
        await audit(tx, ctx, {
          action: 'monitoring.settings.updated',
          entityType: 'settings',
          entityId: null,
          before: current,
          after: next,
        });
        return { ...next, version: (row?.version ?? 0) + 1, defaults: MONITORING_DEFAULTS };
      });
    },
  );
}
