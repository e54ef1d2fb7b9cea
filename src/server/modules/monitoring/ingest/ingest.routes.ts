import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../../platform/platform.js';
import { readingsTopic } from '../monitoring.config.js';
import { UUID_RE } from '../points.model.js';
import { MAX_DEAD_LETTER_PAYLOAD, parseReadingsMessage } from './payload.js';
import { IngestClosedError, ingestPipeline, type SubmitResult } from './pipeline.js';

function unavailable(reply: FastifyReply, message: string) {
  return reply
    .status(503)
    .header('retry-after', '5')
    .send({ error: { code: 'INGEST_UNAVAILABLE', message } });
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h?.startsWith('Bearer ')) return null;
  const t = h.slice(7).trim();
  return t.length > 0 && t.length <= 200 ? t : null;
}

function jsonBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'string') return {};
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Gateway endpoints. They live in their own encapsulated Fastify context whose only body parser hands over the
 * raw text, so a malformed body reaches the handler (and the dead letters) instead of failing in the framework.
 * The platform's onRequest hook leaves bearer tokens of `/api/ingest/` alone: the gateway token is checked here.
 */
export function registerIngestRoutes(app: FastifyInstance, p: Platform) {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    /**
     * `Authorization: Bearer <gateway token>`, body `{"readings":[{"point","ts","value"}]}` with 1–1000 items →
     * 202 `{accepted, rejected:[{index, point, reason}]}` once the readings are committed, or, if that takes
     * longer than INGEST_HTTP_WAIT_MS, 202 with `pending: true` (held in the buffer, written when the database
     * is back; do not resend). 400 when the body is not JSON or has no readings array; 401 unknown or revoked
     * token; 503 when the buffer is full (nothing was taken; retry later).
     */
    scope.post('/api/ingest/readings', { schema: { tags: ['monitoring'], hide: false } }, async (req, reply) => {
      const pipeline = ingestPipeline(p);
      const token = bearer(req);
      let gateway: Awaited<ReturnType<typeof pipeline.gatewayByToken>> = null;
      try {
        gateway = token ? await pipeline.gatewayByToken(token) : null;
      } catch {
        return unavailable(reply, 'The database is unavailable and this gateway is not known yet. Retry later.');
      }
      if (!gateway || gateway.revokedAt) {
        return reply.status(401).send({
          error: {
            code: 'UNAUTHENTICATED',
            message: 'Send the gateway token as "Authorization: Bearer <token>"; this one is unknown or revoked',
          },
        });
      }
      const raw = typeof req.body === 'string' ? req.body : '';
      const now = req.now.getTime();
      const parsed = parseReadingsMessage(raw, { now, minTs: await pipeline.minTs(now) });
      if (!parsed.ok) {
        const admitted = await pipeline.admit(
          {
            source: 'http',
            gateway,
            readings: [],
            rejects: [],
            message: { reason: parsed.reason, detail: parsed.detail, payload: raw.slice(0, MAX_DEAD_LETTER_PAYLOAD) },
          },
          'fail',
        );
        admitted?.committed.catch(() => undefined);
        return reply.status(400).send({
          error: {
            code: 'VALIDATION',
            message:
              parsed.reason === 'too_many_readings'
                ? parsed.detail
                : `The body must be JSON {"readings":[{"point":"<code>","ts":"<ISO or epoch ms>","value":<number>}]} (${parsed.reason})`,
            fields: [{ path: parsed.reason === 'malformed_json' ? '' : 'readings', message: parsed.reason }],
          },
        });
      }
      const admitted = await pipeline.admit(
        { source: 'http', gateway, readings: parsed.readings, rejects: parsed.rejects },
        'fail',
      );
      if (!admitted) return unavailable(reply, 'The ingest buffer is full; nothing was taken. Retry later.');
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          admitted.committed,
          new Promise<null>((r) => {
            timer = setTimeout(() => r(null), pipeline.options.httpWaitMs);
          }),
        ]);
        if (result === null) {
          admitted.committed.catch(() => undefined);
          return reply.status(202).send({
            accepted: parsed.readings.length,
            rejected: parsed.rejects.map((x) => ({ index: x.index, point: x.ref, reason: x.reason })),
            pending: true,
          });
        }
        return reply.status(202).send(result satisfies SubmitResult);
      } catch (err) {
        if (err instanceof IngestClosedError) return unavailable(reply, 'The server is shutting down. Retry later.');
        throw err;
      } finally {
        clearTimeout(timer);
      }
    });

    /**
     * EMQX HTTP authentication: gateways log in with their id as username and token as password. Other usernames
     * (the Fangxian ingest account) get "ignore" so EMQX's next authenticator decides.
     */
    scope.post('/api/ingest/mqtt/auth', { schema: { tags: ['monitoring'] } }, async (req) => {
      const b = jsonBody(req.body);
      const username = typeof b.username === 'string' ? b.username : '';
      const password = typeof b.password === 'string' ? b.password : '';
      if (!UUID_RE.test(username)) return { result: 'ignore' };
      const g = password ? await ingestPipeline(p).gatewayByToken(password) : null;
      return { result: g && g.id === username && !g.revokedAt ? 'allow' : 'deny', is_superuser: false };
    });

    /** EMQX HTTP authorization: a gateway may publish to its own readings topic and nothing else. */
    scope.post('/api/ingest/mqtt/acl', { schema: { tags: ['monitoring'] } }, async (req) => {
      const b = jsonBody(req.body);
      const username = typeof b.username === 'string' ? b.username : '';
      if (!UUID_RE.test(username)) return { result: 'ignore' };
      const ok = b.action === 'publish' && b.topic === readingsTopic(username);
      return { result: ok ? 'allow' : 'deny' };
    });
  });
}
