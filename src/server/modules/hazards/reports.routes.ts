import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { requirePermission } from '../../platform/authz/actor.js';
import { AppError, notFound } from '../../platform/errors.js';
import { zod } from '../../platform/http/app.js';
import { ctxOf, type RequestCtx } from '../../platform/http/context.js';
import { pageQuery } from '../../platform/http/pagination.js';
import type { Platform } from '../../platform/platform.js';
import { canSeeHazard, fileRows } from './hazards.repo.js';
import { isUuid } from './hazards.shared.js';
import {
  acceptReport,
  acceptSchema,
  createEmployeeReport,
  createPublicReport,
  employeeReportSchema,
  fineSchema,
  type IngestedPhoto,
  internalRewardSchema,
  maySeeContact,
  mayTriage,
  PUBLIC_ACTOR,
  PUBLIC_PHOTO_MAX,
  PUBLIC_PHOTO_MAX_BYTES,
  parseInput,
  publicReportSchema,
  publicStatus,
  recordFine,
  recordInternalReward,
  rejectReport,
  rejectSchema,
  reportScope,
  transferReport,
  transferSchema,
} from './reports.service.js';

/** Per client address: filing is rare, looking up a tracking code a little less so. */
export const PUBLIC_REPORT_LIMIT = { max: 5, timeWindow: 10 * 60_000 };
export const PUBLIC_LOOKUP_LIMIT = { max: 30, timeWindow: 60_000 };

const idParams = z.object({ id: z.string() });

/** Reads a public report from JSON or multipart (fields + up to 6 photos checked by their bytes). */
async function readPublicReport(req: FastifyRequest, p: Platform) {
  if (!req.isMultipart())
    return { fields: parseInput(publicReportSchema, req.body ?? {}), photos: [] as IngestedPhoto[] };
  const raw: Record<string, string> = {};
  const photos: IngestedPhoto[] = [];
  try {
    for await (const part of req.parts({ limits: { fileSize: PUBLIC_PHOTO_MAX_BYTES, files: PUBLIC_PHOTO_MAX } })) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        const n = photos.length;
        const f = await p.files.ingest(bytes, part.filename).catch((err: unknown) => {
          if (err instanceof AppError) {
            throw new AppError(err.status, err.code, err.message, [
              { path: `photos.${n}`, message: err.fields?.[0]?.message ?? err.message },
            ]);
          }
          throw err;
        });
        if (!f.mime.startsWith('image/')) {
          throw new AppError(415, 'FILE_TYPE', 'Photos must be JPEG, PNG or WebP images', [
            { path: `photos.${n}`, message: `detected ${f.mime}` },
          ]);
        }
        photos.push(f);
      } else if (typeof part.value === 'string') {
        raw[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT') {
      throw new AppError(
        400,
        'INVALID_FIELD',
        `At most ${PUBLIC_PHOTO_MAX} photos`,
        [{ path: 'photos', message: 'too many' }],
        {
          field: 'photos',
        },
      );
    }
    throw err;
  }
  return { fields: parseInput(publicReportSchema, raw), photos };
}

type ReportRow = {
  id: string;
  kind: 'public' | 'employee';
  text: string;
  place: string;
  contact: string | null;
  anonymous: boolean;
  reporter_user_id: string | null;
  reporter_name: string | null;
  enterprise_id: string | null;
  enterprise_name: string;
  region_code: string | null;
  sector: string | null;
  department_id: string | null;
  status: 'received' | 'transferred' | 'accepted' | 'rejected';
  public_reply: string;
  hazard_id: string | null;
  photo_file_ids: string[];
  triaged_by_name: string | null;
  triaged_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
};

function presentReport(ctx: RequestCtx, r: ReportRow) {
  const contactVisible = maySeeContact(ctx.actor, r);
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    text: r.text,
    place: r.place,
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name,
    regionCode: r.region_code,
    sector: r.sector,
    departmentId: r.department_id,
    anonymous: r.anonymous,
    contact: contactVisible ? r.contact : null,
    reporterName: contactVisible ? r.reporter_name : null,
    contactVisible,
    publicReply: r.public_reply,
    hazardId: r.hazard_id,
    triagedBy: r.triaged_by_name,
    triagedAt: r.triaged_at,
    canTriage: mayTriage(ctx.actor, r) && (r.status === 'received' || r.status === 'transferred'),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

async function reportDetail(p: Platform, ctx: RequestCtx, id: string) {
  if (!isUuid(id)) throw notFound('report');
  const r = await p.db
    .selectFrom('public_reports')
    .selectAll()
    .where('id', '=', id)
    .where(reportScope(ctx.actor))
    .executeTakeFirst();
  if (!r) throw notFound('report');
  const [photos, events, reward, hazard] = await Promise.all([
    fileRows(p.db, r.photo_file_ids),
    p.db
      .selectFrom('public_report_events')
      .select(['at', 'actor_name', 'action', 'data'])
      .where('report_id', '=', r.id)
      .orderBy('id')
      .execute(),
    p.db.selectFrom('report_rewards').selectAll().where('report_id', '=', r.id).executeTakeFirst(),
    r.hazard_id && (await canSeeHazard(p.db, ctx.actor, r.hazard_id))
      ? p.db
          .selectFrom('hazards')
          .select(['id', 'code', 'status', 'level'])
          .where('id', '=', r.hazard_id)
          .executeTakeFirst()
      : undefined,
  ]);
  return {
    ...presentReport(ctx, r),
    photos,
    history: events,
    reward: reward
      ? {
          kind: reward.kind,
          fineYuan: reward.fine_yuan,
          rewardYuan: reward.reward_yuan,
          decisionNumber: reward.decision_number,
          note: reward.note,
          recordedBy: reward.recorded_by_name,
          at: reward.created_at,
        }
      : null,
    hazard: hazard ?? null,
    /**
     * Whether the caller may record the report's reward now (once, on an accepted report): the fine and its reward
     * on a public report (the county office, or a department officer who sees its hazard), the internal reward on
     * an employee report (its safety manager). The same rules as `recordFine` and `recordInternalReward`.
     */
    canReward:
      r.status === 'accepted' &&
      !reward &&
      (r.kind === 'public'
        ? (ctx.actor.role === 'county_admin' || ctx.actor.role === 'dept_officer') && hazard !== undefined
        : mayTriage(ctx.actor, r)),
  };
}

export function reportRoutes(app: FastifyInstance, p: Platform) {
  // The public side: no login, rate-limited per client address, registered in its own scope so the limiter
  // applies to these routes only.
  app.register(async (pub) => {
    await pub.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_req, c) =>
        new AppError(429, 'RATE_LIMITED', `Too many requests; try again in ${Math.ceil(c.ttl / 1000)} s`, undefined, {
          retryAfterSeconds: Math.ceil(c.ttl / 1000),
        }),
    });
    const r = zod(pub);
    r.post(
      '/api/public/reports',
      {
        config: { rateLimit: PUBLIC_REPORT_LIMIT },
        schema: { tags: ['public'], consumes: ['application/json', 'multipart/form-data'], security: [] },
      },
      async (req, reply) => {
        const { fields, photos } = await readPublicReport(req, p);
        const ctx: RequestCtx = { actor: PUBLIC_ACTOR, ip: req.ip, now: req.now };
        const row = await p.transaction((tx, after) =>
          createPublicReport(tx, ctx, { notifier: p.notifier, after }, fields, photos),
        );
        return reply.status(201).send({ trackingCode: row.tracking_code });
      },
    );
    r.get(
      '/api/public/reports/:trackingCode',
      {
        config: { rateLimit: PUBLIC_LOOKUP_LIMIT },
        schema: { tags: ['public'], params: z.object({ trackingCode: z.string().max(40) }), security: [] },
      },
      async (req) => {
        const code = req.params.trackingCode.trim().toUpperCase();
        const r = await p.db
          .selectFrom('public_reports')
          .leftJoin('hazards', 'hazards.id', 'public_reports.hazard_id')
          .select([
            'public_reports.tracking_code',
            'public_reports.status',
            'public_reports.public_reply',
            'public_reports.created_at',
            'public_reports.updated_at',
            'hazards.status as hazard_status',
            'hazards.updated_at as hazard_updated_at',
          ])
          .where('public_reports.tracking_code', '=', code)
          .where('public_reports.kind', '=', 'public')
          .executeTakeFirst();
        if (!r) throw notFound('report');
        const updated = r.hazard_updated_at && r.hazard_updated_at > r.updated_at ? r.hazard_updated_at : r.updated_at;
        return {
          trackingCode: r.tracking_code,
          status: publicStatus(r.status, r.hazard_status),
          reply: r.public_reply,
          receivedAt: r.created_at,
          updatedAt: updated,
        };
      },
    );
  });

  const r = zod(app);

  r.post('/api/reports', { schema: { tags: ['reports'], body: employeeReportSchema } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const row = await p.transaction((tx, after) =>
      createEmployeeReport(tx, ctx, { files: p.files, fx: { notifier: p.notifier, after } }, req.body),
    );
    return reply.status(201).send({ id: row.id, trackingCode: row.tracking_code });
  });

  r.get(
    '/api/reports',
    {
      schema: {
        tags: ['reports'],
        querystring: z.object({
          ...pageQuery,
          status: z.enum(['received', 'transferred', 'accepted', 'rejected']).optional(),
          kind: z.enum(['public', 'employee']).optional(),
          open: z.enum(['true', 'false']).optional(),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.actor, 'hazard.read');
      const { page, pageSize, status, kind, open } = req.query;
      let q = p.db.selectFrom('public_reports').where(reportScope(ctx.actor));
      if (status) q = q.where('status', '=', status);
      if (kind) q = q.where('kind', '=', kind);
      if (open === 'true') q = q.where('status', 'in', ['received', 'transferred']);
      if (open === 'false') q = q.where('status', 'in', ['accepted', 'rejected']);
      const [rows, total] = await Promise.all([
        q
          .selectAll()
          .orderBy('created_at', 'desc')
          .orderBy('id')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map((x) => presentReport(ctx, x)), total: total.n, page, pageSize };
    },
  );

  r.get('/api/reports/:id', { schema: { tags: ['reports'], params: idParams } }, async (req) => {
    const ctx = ctxOf(req);
    requirePermission(ctx.actor, 'hazard.read');
    return reportDetail(p, ctx, req.params.id);
  });

  r.post(
    '/api/reports/:id/accept',
    { schema: { tags: ['reports'], params: idParams, body: acceptSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      const hazard = await p.transaction((tx, after) =>
        acceptReport(tx, ctx, { files: p.files, fx: { notifier: p.notifier, after } }, req.params.id, req.body),
      );
      return {
        report: await reportDetail(p, ctx, req.params.id),
        hazard: { id: hazard.id, code: hazard.code, status: hazard.status, version: hazard.version },
      };
    },
  );

  r.post(
    '/api/reports/:id/transfer',
    { schema: { tags: ['reports'], params: idParams, body: transferSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      await p.transaction((tx, after) =>
        transferReport(tx, ctx, { notifier: p.notifier, after }, req.params.id, req.body),
      );
      // After a transfer the report may have left the caller's queue (a department hands it on).
      const still = await p.db
        .selectFrom('public_reports')
        .select('id')
        .where('id', '=', req.params.id)
        .where(reportScope(ctx.actor))
        .executeTakeFirst();
      return still ? reportDetail(p, ctx, req.params.id) : { id: req.params.id, status: 'transferred' };
    },
  );

  r.post(
    '/api/reports/:id/reject',
    { schema: { tags: ['reports'], params: idParams, body: rejectSchema } },
    async (req) => {
      const ctx = ctxOf(req);
      await p.transaction((tx, after) =>
        rejectReport(tx, ctx, { notifier: p.notifier, after }, req.params.id, req.body),
      );
      return reportDetail(p, ctx, req.params.id);
    },
  );

  r.post(
    '/api/reports/:id/fine',
    { schema: { tags: ['reports'], params: idParams, body: fineSchema } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      await p.transaction((tx) => recordFine(tx, ctx, req.params.id, req.body));
      return reply.status(201).send(await reportDetail(p, ctx, req.params.id));
    },
  );

  r.post(
    '/api/reports/:id/reward',
    { schema: { tags: ['reports'], params: idParams, body: internalRewardSchema } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      await p.transaction((tx, after) =>
        recordInternalReward(tx, ctx, { notifier: p.notifier, after }, req.params.id, req.body),
      );
      return reply.status(201).send(await reportDetail(p, ctx, req.params.id));
    },
  );
}
