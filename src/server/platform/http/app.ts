import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { type ApiErrorBody, issueKey } from '../../../core/errors.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { MAX_FILE_BYTES } from '../files/files.js';
import type { Metrics } from '../metrics.js';

export const SESSION_COOKIE = 'fx_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface HttpDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  auth: AuthService;
  metrics: Metrics;
  webRoot?: string | null;
}

function errorBody(
  code: string,
  message: string,
  fields?: { path: string; message: string }[],
  extra?: object,
): ApiErrorBody {
  return { error: { code, message, ...(fields ? { fields } : {}), ...(extra ?? {}) } };
}

function tileOrigin(tileUrl: string | undefined): string[] {
  if (!tileUrl) return [];
  try {
    const u = new URL(tileUrl.replace(/\{[a-z]\}/g, '0'));
    return [`${u.protocol}//${u.host.replace(/^[a-z0-9]\./, '*.')}`];
  } catch {
    return [];
  }
}

/**
 * The field behind a unique or foreign-key violation, from PostgreSQL's detail ("Key (parent_code)=(x) …"),
 * named as the API names it (parentCode). Absent for multi-column or expression keys.
 */
function constraintField(err: unknown, message: string): { path: string; message: string }[] | undefined {
  const detail = (err as { detail?: unknown }).detail;
  const column = typeof detail === 'string' ? /^Key \(([a-z_][a-z0-9_]*)\)=/.exec(detail)?.[1] : undefined;
  if (!column) return undefined;
  return [{ path: column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), message }];
}

/** Allowed origins for cookie-authenticated writes: BASE_URL, or the host the request was sent to. */
function originAllowed(req: FastifyRequest, baseUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  if (baseUrl && new URL(baseUrl).origin === origin) return true;
  return origin === `${req.protocol}://${req.host}`;
}

export async function createHttpApp(deps: HttpDeps) {
  const { config, clock, auth, metrics } = deps;
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: false,
    ajv: { customOptions: { coerceTypes: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.decorateRequest('auth', null);
  app.decorateRequest('now', null as unknown as Date);

  await app.register(cookie);
  // Security headers from helmet, its middleware built once (the Fastify plugin rebuilds it, parsing the CSP,
  // on every request: 3 % of the server's time on a list page).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design injects its CSS-in-JS as <style> elements; Leaflet positions with inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...tileOrigin(config.TILE_URL)],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: config.BASE_URL?.startsWith('https:') ? [] : null,
      },
    },
    hsts: config.BASE_URL?.startsWith('https:') ? undefined : false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (req, reply, done) => {
    securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err instanceof Error ? err : undefined));
  });
  await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 6, fields: 20 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Fangxian 防线 API', version: '1' },
      components: {
        securitySchemes: {
          cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ cookie: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.addHook('onRequest', async (req) => {
    req.now = clock.now();
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      // Gateway tokens are handled by the ingest routes themselves.
      if (!req.url.startsWith('/api/ingest/')) {
        req.auth = await auth.fromToken(header.slice(7).trim());
        if (!req.auth) throw new AppError(401, 'UNAUTHENTICATED', 'The API token is unknown or revoked');
      }
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) req.auth = await auth.fromSession(token);
    if (req.auth?.via === 'session' && !SAFE_METHODS.has(req.method) && !originAllowed(req, config.BASE_URL)) {
      throw new AppError(403, 'CSRF', 'This request did not come from the Fangxian web app (Origin mismatch)');
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    metrics.httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    if (err instanceof AppError) {
      return reply.status(err.status).send(errorBody(err.code, err.message, err.fields, err.extra));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => ({
        path: String(v.instancePath ?? '')
          .replace(/^\//, '')
          .replaceAll('/', '.'),
        ...issueKey({ ...v.params, code: v.keyword, message: v.message ?? '' }),
      }));
      const where = err.validationContext ?? 'request';
      const first = err.validation[0];
      const firstPath = fields[0]?.path || where;
      return reply
        .status(400)
        .send(
          errorBody(
            'VALIDATION',
            `Invalid ${where}${first ? `: ${firstPath} ${first.message ?? 'invalid'}` : ''}`,
            fields,
          ),
        );
    }
    const fe = err as FastifyError;
    const pgCode = (err as { code?: string }).code;
    if (pgCode === '23505') {
      const fields = constraintField(err, 'duplicate');
      return reply.status(409).send(errorBody('DUPLICATE', 'A record with this value already exists', fields));
    }
    if (pgCode === '23503') {
      const fields = constraintField(err, 'unknown');
      return reply.status(400).send(errorBody('VALIDATION', 'A referenced record does not exist', fields));
    }
    if (pgCode === '22P02' || pgCode === '22007' || pgCode === '22008') {
      return reply.status(400).send(errorBody('VALIDATION', 'A value has the wrong format'));
    }
    if (fe.code === 'FST_REQ_FILE_TOO_LARGE' || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send(errorBody('FILE_TOO_LARGE', 'The upload is too large'));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = fe.statusCode === 429 ? 'RATE_LIMITED' : fe.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION';
      return reply.status(fe.statusCode).send(errorBody(code, fe.message));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('INTERNAL', 'Internal error; it has been logged'));
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.method !== 'GET' || !deps.webRoot) {
      return reply.status(404).send(errorBody('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`));
    }
    return reply.type('text/html').sendFile('index.html');
  });

  if (deps.webRoot && fs.existsSync(path.join(deps.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: deps.webRoot, wildcard: false, index: ['index.html'] });
  }
  return app;
}

export function zod(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}
