import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { CREDIT_CODE_CHARSET, completeCreditCode } from '../src/core/credit-code.js';
import type { EnterpriseCreate } from '../src/core/enterprise.js';
import type { Role } from '../src/core/roles.js';
import { seedOrganisation } from '../src/server/demo/seed.js';
import { createEnterprise } from '../src/server/modules/enterprises/index.js';
import { hashPassword } from '../src/server/platform/auth/passwords.js';
import { SYSTEM_ACTOR } from '../src/server/platform/authz/actor.js';
import { fixedClock } from '../src/server/platform/clock.js';
import { loadConfig } from '../src/server/platform/config.js';
import { openDatabase } from '../src/server/platform/db/client.js';
import { ENTERPRISE_COUNTS } from '../src/server/platform/db/count-cache.js';
import { migrate } from '../src/server/platform/db/migrate.js';
import { formatCode, nextSequence } from '../src/server/platform/db/sequences.js';
import { createPlatform, type Platform } from '../src/server/platform/platform.js';
import { buildServer, registerJobs } from '../src/server/server.js';

/** The databases every API test runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const DATABASES: { name: 'pglite' | 'postgres'; url?: string }[] = [
  { name: 'pglite' },
  ...(process.env.TEST_DATABASE_URL ? [{ name: 'postgres' as const, url: process.env.TEST_DATABASE_URL }] : []),
];

export const ORIGIN = 'http://localhost:80';
export const PASSWORD = 'correct-horse-battery';

export interface TestEnv {
  p: Platform;
  app: FastifyInstance;
  clock: ReturnType<typeof fixedClock>;
  close(): Promise<void>;
}

/** A migrated database with the county's organisation, and the HTTP app on top (no listening socket). */
export async function startTestEnv(db: { name: string; url?: string }, opts: { at?: string } = {}): Promise<TestEnv> {
  const clock = fixedClock(opts.at ?? '2026-06-15T02:00:00Z');
  // PostgreSQL: each test file gets a database of its own, created from TEST_DATABASE_URL and dropped on close.
  // Inside a file, tests isolate by factories; across files (and across CI runs on the same server) nothing
  // accumulates that could widen a department's scope or change a catalog's size.
  // A URL other than TEST_DATABASE_URL (a test's own scratch database) is used as given.
  const own = db.url
    ? db.url === process.env.TEST_DATABASE_URL
      ? await createScratchDatabase(db.url)
      : { url: db.url, drop: async () => {} }
    : null;
  const dataDir = path.join(os.tmpdir(), `fangxian-test-${randomUUID()}`);
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DEMO: '0',
    ...(own ? { DATABASE_URL: own.url } : {}),
  });
  const database = await openDatabase({ url: own?.url, poolSize: 5 });
  await migrate(database.db as never);
  const p = await createPlatform(config, { database, clock, logger: pino({ level: 'silent' }) });
  // On a shared PostgreSQL the organisation is seeded by the first test file ever; upserts are idempotent,
  // so a concurrent second seeding only waits on row locks.
  const seeded = await p.db.selectFrom('regions').select('code').where('code', '=', '140522000000').executeTakeFirst();
  if (!seeded) {
    await seedOrganisation(p, { demo: false }).catch(async () => {
      await new Promise((r) => setTimeout(r, 500));
      await seedOrganisation(p, { demo: false });
    });
  }
  registerJobs(p);
  const app = await buildServer(p, { webRoot: null });
  await app.ready();
  return {
    p,
    app,
    clock,
    async close() {
      await app.close();
      await p.close();
      await own?.drop();
    },
  };
}

async function createScratchDatabase(adminUrl: string) {
  const name = `fx_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const rand = (n = 6) => randomBytes(8).toString('hex').slice(0, n);

/** A fresh township with one village, unique on a shared database. */
export async function makeTownship(p: Platform) {
  const n = await nextSequence(p.db, 'test-region');
  const town = `9${String(n).padStart(8, '0')}000`;
  const village = `9${String(n).padStart(8, '0')}001`;
  const county = await p.db
    .selectFrom('regions')
    .select('path')
    .where('code', '=', '140522000000')
    .executeTakeFirstOrThrow();
  await p.db
    .insertInto('regions')
    .values([
      {
        code: town,
        parent_code: '140522000000',
        name: `测试镇${n}`,
        kind: 'town',
        path: `${county.path}${town}/`,
        depth: 1,
        lng: 112.4,
        lat: 35.4,
      },
      {
        code: village,
        parent_code: town,
        name: `测试村${n}`,
        kind: 'village',
        path: `${county.path}${town}/${village}/`,
        depth: 2,
        lng: 112.4,
        lat: 35.4,
      },
    ])
    .execute();
  return { town, village };
}

export async function makeDepartment(p: Platform, sectors: string[]) {
  const r = await p.db
    .insertInto('departments')
    .values({ code: `t_${rand(10)}`, name_zh: `测试部门${rand(4)}`, name_en: 'Test department', sectors })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export function creditCode(): string {
  let body = '91140522';
  const bytes = randomBytes(9);
  for (const b of bytes) body += CREDIT_CODE_CHARSET[b % CREDIT_CODE_CHARSET.length];
  return completeCreditCode(body);
}

export async function makeEnterprise(p: Platform, over: Partial<EnterpriseCreate> & { regionCode: string }) {
  const input: EnterpriseCreate = {
    creditCode: creditCode(),
    name: `测试企业${rand()}有限公司`,
    formerNames: [],
    address: '测试地址',
    lng: 112.41,
    lat: 35.48,
    primarySector: 'coal_mine',
    otherSectors: [],
    scale: 'above',
    employees: 100,
    principalName: '张三',
    principalPhone: '13800000000',
    safetyManagerName: '李四',
    safetyManagerPhone: '13900000000',
    departmentIds: null,
    isKey: false,
    hasMajorHazard: false,
    standardizationGrade: null,
    standardizationExpiry: null,
    licences: [],
    status: 'operating',
    ...over,
  };
  // Like the routes, announce the write so cached list totals drop (platform/db/count-cache.ts).
  return p.transaction((tx, after) => {
    after(() => p.counts.changed(ENTERPRISE_COUNTS));
    return createEnterprise(tx, { actor: SYSTEM_ACTOR, ip: '127.0.0.1', now: p.clock.now() }, input);
  });
}

export async function makeUser(
  p: Platform,
  role: Role,
  bind: { departmentId?: string; regionCode?: string; enterpriseId?: string } = {},
  opts: { mustChange?: boolean } = {},
) {
  const username = `${role}_${rand(8)}`;
  const r = await p.db
    .insertInto('users')
    .values({
      username,
      display_name: username,
      role,
      department_id: bind.departmentId ?? null,
      region_code: bind.regionCode ?? null,
      enterprise_id: bind.enterpriseId ?? null,
      password_hash: await cachedHash(),
      must_change_password: opts.mustChange ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: r.id, username };
}

let hashCache: Promise<string> | null = null;
function cachedHash() {
  hashCache ??= hashPassword(PASSWORD);
  return hashCache;
}

/** Signs in through the API and returns headers for further requests (cookie + matching Origin). */
export async function login(app: FastifyInstance, username: string, password = PASSWORD) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'fx_session');
  if (!cookie) throw new Error('no session cookie');
  return { cookie: `fx_session=${cookie.value}`, origin: ORIGIN };
}

export type AuthHeaders = Awaited<ReturnType<typeof login>>;

/** A new user of the role (bound as given), signed in: its id, username and request headers. */
export async function signIn(env: TestEnv, role: Role, bind: Parameters<typeof makeUser>[2] = {}) {
  const u = await makeUser(env.p, role, bind);
  return { ...u, headers: await login(env.app, u.username) };
}

/**
 * A small world for jurisdiction tests: two townships, two departments with disjoint sectors, an enterprise
 * in each township, and a signed-in user of every role bound to the FIRST township/department/enterprise.
 */
export async function makeWorld(env: TestEnv) {
  const { p, app } = env;
  const a = await makeTownship(p);
  const b = await makeTownship(p);
  const deptA = await makeDepartment(p, ['coal_mine']);
  const deptB = await makeDepartment(p, ['construction']);
  const entA = await makeEnterprise(p, { regionCode: a.village, primarySector: 'coal_mine', departmentIds: [deptA] });
  const entB = await makeEnterprise(p, {
    regionCode: b.village,
    primarySector: 'construction',
    departmentIds: [deptB],
  });
  const roles: Record<Role, { departmentId?: string; regionCode?: string; enterpriseId?: string }> = {
    sys_admin: {},
    county_admin: {},
    county_leader: {},
    dept_officer: { departmentId: deptA },
    town_officer: { regionCode: a.town },
    village_worker: { regionCode: a.village },
    enterprise_admin: { enterpriseId: entA.id },
    enterprise_staff: { enterpriseId: entA.id },
  };
  const users = {} as Record<Role, { id: string; username: string; headers: { cookie: string; origin: string } }>;
  for (const [role, bind] of Object.entries(roles) as [Role, (typeof roles)[Role]][]) {
    const u = await makeUser(p, role, bind);
    users[role] = { ...u, headers: await login(app, u.username) };
  }
  return { a, b, deptA, deptB, entA, entB, users };
}

export { formatCode };
