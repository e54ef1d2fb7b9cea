/**
 * The access matrix's machinery: the world (township/department/enterprise A and B, a user of every role bound
 * to A), the row type, role groups and helpers. Rows live in `*.rows.ts` files, one per module; the runner is
 * `matrix.test.ts`. A module adding routes adds a rows file and lists it in the runner.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { addDays, localDate } from '../../src/core/dates.js';
import { ROLES, type Role } from '../../src/core/roles.js';
import { SYSTEM_ACTOR } from '../../src/server/platform/authz/actor.js';
import { multipart, pngBytes } from '../fixtures.js';
import {
  creditCode,
  type DATABASES,
  login,
  makeUser,
  makeWorld,
  signIn,
  startTestEnv,
  type TestEnv,
} from '../harness.js';

export type World = Awaited<ReturnType<typeof makeWorld>>;
export type Headers = Record<string, string>;

export interface Ctx {
  env: TestEnv;
  w: World;
  /** http://127.0.0.1:port of the listening app (for the SSE stream). */
  base: string;
  fileA: string;
  fileB: string;
  /** A user of no interest to anyone: owns the "other" notification and token. */
  other: { id: string; headers: Headers };
  /** A system administrator, hidden from county administrators. */
  hiddenAdmin: { id: string; username: string };
  /** Fixtures a module's rows make once per database and share (see `fixture`). */
  shared: Map<string, Promise<unknown>>;
}

/** Makes a fixture once per matrix world (e.g. one hazard in A and one in B) and hands back the same value. */
export function fixture<T>(c: Ctx, key: string, make: () => Promise<T>): Promise<T> {
  let v = c.shared.get(key);
  if (!v) {
    v = make();
    c.shared.set(key, v);
  }
  return v as Promise<T>;
}

export interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: InjectOptions['payload'];
  /** Extra headers (content type) — the caller's identity is added by the runner. */
  headers?: Headers;
  /** Send as this identity instead of the role's world user (a fresh session or account). */
  as?: Headers;
  /** Client address (default 127.0.0.1): public endpoints are rate-limited per address. */
  remoteAddress?: string;
}

export interface Res {
  statusCode: number;
  body: string;
  rawPayload: Buffer;
  headers: Record<string, unknown>;
  json(): ReturnType<typeof JSON.parse>;
}

export interface Endpoint {
  /** 'METHOD /path' exactly as fastify prints it. */
  route: string;
  /** Roles that are allowed; every other role gets 403 FORBIDDEN. */
  allowed: readonly Role[];
  /** Status of an allowed call (default 200). */
  ok?: number;
  /** Answer to an anonymous caller; default 401 UNAUTHENTICATED. */
  anonymous?: number;
  /**
   * For an endpoint that is not about users at all (device ingest authenticated by its own tokens): the status
   * every caller, signed in or not, gets for the request `build` makes. Replaces `allowed`, `ok`, `anonymous`.
   */
  sameForAll?: number;
  /** The request a role (or an anonymous caller, role null) sends: well-formed, on an in-scope record. */
  build(c: Ctx, role: Role | null): Promise<Req>;
  /** Further checks on an allowed call's answer (leaks, positive controls). */
  check?(c: Ctx, role: Role, res: Res, req: Req): Promise<void>;
  /** Record endpoints: the same request on a record outside the role's jurisdiction, and on a missing id. */
  outside?: {
    roles: readonly Role[];
    build(c: Ctx, role: Role): Promise<Req>;
    missing(c: Ctx, role: Role): Promise<Req>;
    /** Text that must not appear in the answer (the outside record's data). */
    secret(c: Ctx): string[];
  };
  /** Sent over a real socket (server-sent events never end, so inject cannot be used). */
  stream?: true;
  /**
   * The answer to a role that is not allowed, when it is not 403 FORBIDDEN: a workflow refusal (403
   * FORBIDDEN_ACTION), or a record of the caller's jurisdiction that this role is not meant to see at all
   * (404 NOT_FOUND, e.g. an enterprise's internal report for a supervisor). Written out per role.
   */
  refused?: Partial<Record<Role, { status: number; code: string }>>;
}

export const ALL = ROLES;
export const COUNTY: readonly Role[] = ['sys_admin', 'county_admin', 'county_leader'];
export const SCOPED: readonly Role[] = [
  'dept_officer',
  'town_officer',
  'village_worker',
  'enterprise_admin',
  'enterprise_staff',
];
export const ADMINS: readonly Role[] = ['sys_admin', 'county_admin'];
export const AUDITORS: readonly Role[] = ['sys_admin', 'county_admin', 'county_leader'];
export const CREATORS: readonly Role[] = ['sys_admin', 'county_admin', 'dept_officer', 'town_officer'];
export const EXPORTERS: readonly Role[] = [
  'sys_admin',
  'county_admin',
  'county_leader',
  'dept_officer',
  'town_officer',
];
export const UPDATERS: readonly Role[] = [
  'sys_admin',
  'county_admin',
  'dept_officer',
  'town_officer',
  'enterprise_admin',
];
/** Every role uploads: county leaders attach photos to their field inspections (issue #4 §5). */
export const UPLOADERS: readonly Role[] = ALL;
export const NOT_SYS: readonly Role[] = ALL.filter((r) => r !== 'sys_admin');
/**
 * Scoped roles whose jurisdiction holds only this world's records. A department's scope also grows with every
 * coal mine other test files register on a shared database, so exact counts are compared for these only.
 */
export const FIXED_SCOPE: readonly Role[] = ['town_officer', 'village_worker', 'enterprise_admin', 'enterprise_staff'];

export const rand = (n = 8) => randomBytes(8).toString('hex').slice(0, n);
export const get = (url: string): Req => ({ method: 'GET', url });

/** The world user's binding for a role, so a fresh account of that role sits in the same jurisdiction. */
export function bindingOf(w: World, role: Role) {
  return {
    sys_admin: {},
    county_admin: {},
    county_leader: {},
    dept_officer: { departmentId: w.deptA },
    town_officer: { regionCode: w.a.town },
    village_worker: { regionCode: w.a.village },
    enterprise_admin: { enterpriseId: w.entA.id },
    enterprise_staff: { enterpriseId: w.entA.id },
  }[role];
}

export function freshAccount(c: Ctx, role: Role) {
  return signIn(c.env, role, bindingOf(c.w, role));
}

export function enterpriseBody(c: Ctx) {
  return {
    creditCode: creditCode(),
    name: `矩阵企业${rand(6)}有限公司`,
    regionCode: c.w.a.village,
    primarySector: 'coal_mine',
    scale: 'above',
    lng: 112.41,
    lat: 35.48,
  };
}

export async function enterpriseVersion(c: Ctx, id: string) {
  const r = await c.env.p.db.selectFrom('enterprises').select('version').where('id', '=', id).executeTakeFirstOrThrow();
  return r.version;
}

export async function storeNotification(c: Ctx, userId: string) {
  const [n] = await c.env.p.notifier.store(
    c.env.p.db,
    { userIds: [userId], kind: 'test.matrix', title: { zh: '矩阵', en: 'matrix' } },
    c.env.clock.now(),
  );
  if (!n) throw new Error('notification not stored');
  return n.id;
}

export async function tokenOf(c: Ctx, headers: Headers) {
  const res = await c.env.app.inject({ method: 'POST', url: '/api/auth/tokens', headers, payload: { name: 'm' } });
  if (res.statusCode !== 201) throw new Error(`token: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

/** Ids, names and totals a role sees, read through the list endpoint. */
export async function listIds(c: Ctx, headers: Headers, query = '') {
  const res = await c.env.app.inject({ url: `/api/enterprises?pageSize=200${query}`, headers });
  expect(res.statusCode).toBe(200);
  const body = res.json() as { items: { id: string; name: string }[]; total: number };
  return { ids: body.items.map((i) => i.id), total: body.total };
}

/** Asserts B is invisible to scoped roles and visible to county roles, and A visible to all. */
export function expectScoped(role: Role, ids: string[] | Set<string>, c: Ctx) {
  const has = (id: string) => (Array.isArray(ids) ? ids.includes(id) : ids.has(id));
  if (COUNTY.includes(role)) {
    expect(has(c.w.entB.id), `${role} sees B`).toBe(true);
  } else {
    expect(has(c.w.entB.id), `${role} must not see B`).toBe(false);
    expect(has(c.w.entA.id), `${role} sees A`).toBe(true);
  }
}

/** Every route of the server as 'METHOD /path', from fastify's own route tree. */
export function serverRoutes(app: FastifyInstance): string[] {
  const text = app.printRoutes({ commonPrefix: false });
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const full = (depth > 0 ? (stack[depth - 1] ?? '') : '') + (m[2] ?? '');
    stack.length = depth;
    stack[depth] = full;
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) out.push(`${method} ${full}`);
  }
  return out;
}

/** Routes outside the matrix: the documentation UI and /metrics (tested in org.users.api.test.ts). */
export function inMatrixScope(route: string): boolean {
  const [method, path = ''] = route.split(' ');
  if (method === 'HEAD') return false; // fastify adds HEAD to every GET
  return !(path === '/metrics' || path === '/api/docs' || path.startsWith('/api/docs/'));
}

export async function send(c: Ctx, ep: Endpoint, req: Req, identity: Headers | null): Promise<Res> {
  const headers = { ...(req.headers ?? {}), ...(req.as ?? identity ?? {}) };
  if (ep.stream) {
    const ctl = new AbortController();
    const res = await fetch(`${c.base}${req.url}`, { headers, signal: ctl.signal });
    let body = '';
    if (res.headers.get('content-type')?.includes('text/event-stream') && res.body) {
      const reader = res.body.getReader();
      const timer = setTimeout(() => ctl.abort(), 5000);
      try {
        while (!body.includes('\n\n')) {
          const chunk = await reader.read();
          if (chunk.done) break;
          body += new TextDecoder().decode(chunk.value);
        }
      } finally {
        clearTimeout(timer);
        ctl.abort();
      }
    } else {
      body = await res.text();
    }
    return {
      statusCode: res.status,
      body,
      rawPayload: Buffer.from(body),
      headers: Object.fromEntries(res.headers.entries()),
      json: () => JSON.parse(body),
    };
  }
  const res = await c.env.app.inject({
    method: req.method,
    url: req.url,
    headers,
    ...(req.payload !== undefined ? { payload: req.payload } : {}),
    ...(req.remoteAddress ? { remoteAddress: req.remoteAddress } : {}),
  });
  return res;
}

/** The world every row runs in: A and B, an attached photo on each, and a listening socket. */
export async function setupMatrix(dbc: (typeof DATABASES)[number]): Promise<Ctx> {
  const env = await startTestEnv(dbc);
  const w = await makeWorld(env);
  const p = env.p;
  // Both enterprises carry a licence due soon, so the dashboard's expiry list has something to leak.
  const soon = addDays(localDate(env.clock.now()), 10);
  for (const e of [w.entA, w.entB]) {
    await p.db
      .updateTable('enterprises')
      .set({ licences: JSON.stringify([{ type: '安全生产许可证', number: `M-${rand(6)}`, expiry: soon }]) })
      .where('id', '=', e.id)
      .execute();
  }
  // One photo attached to each enterprise.
  const attached = async (enterpriseId: string) => {
    const up = multipart('site.png', await pngBytes(), { mime: 'image/png' });
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...w.users.county_admin.headers, ...up.headers },
      payload: up.payload,
    });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    const actor = { ...SYSTEM_ACTOR, userId: w.users.county_admin.id };
    await p.transaction((tx) => p.files.attach(tx, actor, [id], 'enterprise', enterpriseId));
    return id;
  };
  const fileA = await attached(w.entA.id);
  const fileB = await attached(w.entB.id);
  const otherUser = await makeUser(p, 'county_leader');
  const hidden = await makeUser(p, 'sys_admin');
  const base = await env.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    env,
    w,
    base,
    fileA,
    fileB,
    other: { id: otherUser.id, headers: await login(env.app, otherUser.username) },
    hiddenAdmin: hidden,
    shared: new Map(),
  };
}
