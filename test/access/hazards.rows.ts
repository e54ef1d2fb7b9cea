/**
 * Access-matrix rows of hazards: hazards and their workflow, the major-hazard catalog, 举一反三 campaigns, public
 * and employee reports, listings, cards and summons, escalation settings, statistics, the board and exports.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Role } from '../../src/core/roles.js';
import { readXlsx } from '../fixtures.js';
import { makeDepartment } from '../harness.js';
import { day, newHazard, step } from '../hazards-fixtures.js';
import { ADMINS, ALL, COUNTY, type Ctx, type Endpoint, fixture, freshAccount, get, rand, SCOPED } from './matrix.js';

/** hazard.create and a finder side: every role but sys_admin and county_leader. */
const FINDERS: readonly Role[] = [
  'county_admin',
  'dept_officer',
  'town_officer',
  'village_worker',
  'enterprise_admin',
  'enterprise_staff',
];
const EDITORS: readonly Role[] = ALL.filter((r) => r !== 'county_leader');
const HAZARD_EXPORTERS: readonly Role[] = [
  'sys_admin',
  'county_admin',
  'county_leader',
  'dept_officer',
  'town_officer',
  'enterprise_admin',
];
/** Enforcement documents (责令限期整改指令书, 整改复查意见书): the supervising side only. */
const ISSUERS: readonly Role[] = ['county_admin', 'dept_officer', 'town_officer'];
const CAMPAIGNERS: readonly Role[] = ['sys_admin', 'county_admin', 'dept_officer'];
const ENTERPRISE: readonly Role[] = ['enterprise_admin', 'enterprise_staff'];
const FORBIDDEN_ACTION = { status: 403, code: 'FORBIDDEN_ACTION' } as const;
const NOT_FOUND = { status: 404, code: 'NOT_FOUND' } as const;
const ILLEGAL = { status: 409, code: 'ILLEGAL_ACTION' } as const;
const refuse = (roles: readonly Role[], answer: { status: number; code: string }) =>
  Object.fromEntries(roles.map((r) => [r, answer])) as Partial<Record<Role, { status: number; code: string }>>;

const h = (c: Ctx, role: Role) => c.w.users[role].headers;
const ip = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;

/** A general hazard found by department A's inspection at enterprise A, with a deadline. */
function supervisedHazardA(c: Ctx, description = `矩阵隐患A${rand(6)}`) {
  return newHazard(c.env, h(c, 'dept_officer'), {
    enterpriseId: c.w.entA.id,
    source: 'inspection',
    description,
    rectification: { deadline: day(c.env, 5) },
  });
}

/** The same, submitted by enterprise A's staff: waits for the supervisor's review. */
async function submittedHazardA(c: Ctx) {
  const x = await supervisedHazardA(c);
  const d = await step(c.env, h(c, 'enterprise_staff'), x.id, 'submit', x.version, { note: '已整改' });
  return { id: x.id, version: d.version };
}

async function hazardVersion(c: Ctx, id: string) {
  const r = await c.env.p.db.selectFrom('hazards').select('version').where('id', '=', id).executeTakeFirstOrThrow();
  return r.version;
}

async function reportVersion(c: Ctx, id: string) {
  const r = await c.env.p.db
    .selectFrom('public_reports')
    .select('version')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return r.version;
}

/** A public report on a village, transferred by the county office to a department (so both may triage it). */
async function publicReport(c: Ctx, regionCode: string, departmentId: string, text = `矩阵举报${rand(6)}`) {
  const res = await c.env.app.inject({
    method: 'POST',
    url: '/api/public/reports',
    payload: { text, place: '矩阵村', regionCode },
    remoteAddress: ip(),
  });
  if (res.statusCode !== 201) throw new Error(`public report: ${res.statusCode} ${res.body}`);
  const trackingCode = res.json().trackingCode as string;
  const { id } = await c.env.p.db
    .selectFrom('public_reports')
    .select('id')
    .where('tracking_code', '=', trackingCode)
    .executeTakeFirstOrThrow();
  const tr = await c.env.app.inject({
    method: 'POST',
    url: `/api/reports/${id}/transfer`,
    headers: h(c, 'county_admin'),
    payload: { version: await reportVersion(c, id), departmentId, note: '请核查' },
  });
  if (tr.statusCode !== 200) throw new Error(`transfer: ${tr.statusCode} ${tr.body}`);
  return { id, trackingCode };
}

/** An internal report filed by an enterprise's staff member. */
async function employeeReport(c: Ctx, headers: Record<string, string>, text = `矩阵内部报告${rand(6)}`) {
  const res = await c.env.app.inject({
    method: 'POST',
    url: '/api/reports',
    headers,
    payload: { text, place: '二号车间' },
  });
  if (res.statusCode !== 201) throw new Error(`employee report: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; trackingCode: string };
}

const publicReportA = (c: Ctx) => publicReport(c, c.w.a.village, c.w.deptA);
const employeeReportA = (c: Ctx) => employeeReport(c, h(c, 'enterprise_staff'));

/** The report of A a role deals with: the enterprise's internal one for enterprise users, a public one otherwise. */
const reportAFor = (c: Ctx, role: Role | null) =>
  role && ENTERPRISE.includes(role) ? employeeReportA(c) : publicReportA(c);

async function acceptedReport(c: Ctx, kind: 'public' | 'employee') {
  const r = kind === 'public' ? await publicReportA(c) : await employeeReportA(c);
  const res = await c.env.app.inject({
    method: 'POST',
    url: `/api/reports/${r.id}/accept`,
    // A safety manager who never filed a report himself (see the note on reportScope in the report).
    headers:
      kind === 'public'
        ? h(c, 'county_admin')
        : (await fixture(c, 'hazards-triager', () => freshAccount(c, 'enterprise_admin'))).headers,
    payload: {
      version: await reportVersion(c, r.id),
      ...(kind === 'public' ? { enterpriseId: c.w.entA.id } : {}),
      category: 'operation',
      rectification: { deadline: day(c.env, 5) },
    },
  });
  if (res.statusCode !== 200) throw new Error(`accept: ${res.statusCode} ${res.body}`);
  return { id: r.id, version: await reportVersion(c, r.id) };
}

async function campaignTask(c: Ctx, campaignId: string, enterpriseId: string) {
  return c.env.p.db
    .selectFrom('campaign_tasks')
    .select(['id', 'version'])
    .where('campaign_id', '=', campaignId)
    .where('enterprise_id', '=', enterpriseId)
    .executeTakeFirstOrThrow();
}

async function startCampaign(c: Ctx, headers: Record<string, string>, sourceHazardId: string, sector: string) {
  const res = await c.env.app.inject({
    method: 'POST',
    url: '/api/campaigns',
    headers,
    payload: { sourceHazardId, instruction: `矩阵举一反三${rand(4)}`, deadline: day(c.env, 7), sectors: [sector] },
  });
  if (res.statusCode !== 201) throw new Error(`campaign: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

/** A listing (with its card) and a summons on an enterprise's hazard, as the escalation job would record them. */
async function supervision(c: Ctx, enterpriseId: string, hazardId: string, departmentId: string) {
  const now = c.env.clock.now();
  const db = c.env.p.db;
  const listing = await db
    .insertInto('hazard_listings')
    .values({
      code: `GP${rand(10)}`,
      enterprise_id: enterpriseId,
      hazard_id: hazardId,
      reason: 'overdue_count',
      trigger_key: `matrix-${rand(12)}`,
      listed_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const card = await db
    .insertInto('hazard_cards')
    .values({
      enterprise_id: enterpriseId,
      listing_id: listing.id,
      color: 'yellow',
      issued_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const summons = await db
    .insertInto('hazard_summons')
    .values({
      hazard_id: hazardId,
      enterprise_id: enterpriseId,
      department_ids: [departmentId],
      step_key: `matrix-${rand(12)}`,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { listingId: listing.id, cardId: card.id, summonsId: summons.id };
}

/** B's hazard description and report text, known once `hz` ran (secrets are read synchronously). */
const secretsOfB = new WeakMap<Ctx, string[]>();
const bSecrets = (c: Ctx) => [c.w.entB.name, ...(secretsOfB.get(c) ?? [])];

/** One of each record in A and in B, made once per matrix world. */
function hz(c: Ctx) {
  return fixture(c, 'hazards', async () => {
    // A: found by department A, submitted, returned with a new deadline (so a review opinion can be issued).
    const a = await supervisedHazardA(c);
    const s1 = await step(c.env, h(c, 'enterprise_staff'), a.id, 'submit', a.version, { note: '已整改' });
    await step(c.env, h(c, 'dept_officer'), a.id, 'return', s1.version, {
      reason: '整改不到位',
      newDeadline: day(c.env, 9),
    });
    const bDescription = `矩阵隐患B${rand(8)}`;
    const b = await newHazard(c.env, h(c, 'county_admin'), {
      enterpriseId: c.w.entB.id,
      source: 'inspection',
      description: bDescription,
      rectification: { deadline: day(c.env, 5) },
    });
    const campaignA = await startCampaign(c, h(c, 'dept_officer'), a.id, 'coal_mine');
    const campaignB = await startCampaign(c, h(c, 'county_admin'), b.id, 'construction');
    const taskB = await campaignTask(c, campaignB, c.w.entB.id);
    const publicA = await publicReportA(c);
    const bReportText = `矩阵举报B${rand(8)}`;
    const publicB = await publicReport(c, c.w.b.village, c.w.deptB, bReportText);
    const employeeA = await employeeReportA(c);
    // B's own staff files B's internal report.
    const { makeUser, login } = await import('../harness.js');
    const staffB = await makeUser(c.env.p, 'enterprise_staff', { enterpriseId: c.w.entB.id });
    const employeeB = await employeeReport(c, await login(c.env.app, staffB.username), bReportText);
    const supA = await supervision(c, c.w.entA.id, a.id, c.w.deptA);
    const supB = await supervision(c, c.w.entB.id, b.id, c.w.deptB);
    const deptC = await makeDepartment(c.env.p, ['coal_mine']);
    secretsOfB.set(c, [bDescription, bReportText]);
    return {
      a,
      b: { ...b, description: bDescription },
      campaignA,
      campaignB,
      taskB,
      publicA,
      publicB,
      employeeA,
      employeeB,
      bReportText,
      supA,
      supB,
      deptC,
    };
  });
}

/** B's records never reach a scoped role; county roles see them (positive control). */
function expectNoB(role: Role, body: string, markers: string[]) {
  for (const s of markers) {
    if (COUNTY.includes(role)) expect(body, `${role} sees ${s}`).toContain(s);
    else expect(body, `${role} must not see ${s}`).not.toContain(s);
  }
}

const post = (url: string, payload: object) => ({ method: 'POST' as const, url, payload });

export const HAZARDS_ROWS: Endpoint[] = [
  // ---- hazards --------------------------------------------------------------------------------------------
  {
    route: 'GET /api/hazards',
    allowed: ALL,
    async build(c) {
      await hz(c);
      return get('/api/hazards?pageSize=200');
    },
    async check(c, role, res) {
      const x = await hz(c);
      expectNoB(role, res.body, [x.b.id, x.b.description]);
    },
  },
  {
    route: 'POST /api/hazards',
    allowed: FINDERS,
    ok: 201,
    build: async (c, role) =>
      role && ENTERPRISE.includes(role)
        ? post('/api/hazards', {
            place: '一号井口',
            category: 'equipment',
            description: '矩阵自查',
            source: 'self_check',
            rectification: { deadline: day(c.env, 5) },
          })
        : post('/api/hazards', {
            enterpriseId: c.w.entA.id,
            place: '一号井口',
            category: 'equipment',
            description: '矩阵检查',
            source: 'inspection',
            rectification: { deadline: day(c.env, 5) },
          }),
  },
  {
    route: 'GET /api/hazards/:id',
    allowed: ALL,
    build: async (c) => get(`/api/hazards/${(await hz(c)).a.id}`),
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/hazards/${(await hz(c)).b.id}`),
      missing: async () => get(`/api/hazards/${randomUUID()}`),
      secret: bSecrets,
    },
  },
  {
    route: 'PATCH /api/hazards/:id',
    allowed: EDITORS,
    async build(c) {
      const { a } = await hz(c);
      return {
        method: 'PATCH',
        url: `/api/hazards/${a.id}`,
        payload: { version: await hazardVersion(c, a.id), place: `二号井口${rand(4)}` },
      };
    },
    outside: {
      roles: SCOPED,
      async build(c) {
        const { b } = await hz(c);
        return {
          method: 'PATCH',
          url: `/api/hazards/${b.id}`,
          payload: { version: await hazardVersion(c, b.id), place: '越权' },
        };
      },
      missing: async () => ({
        method: 'PATCH',
        url: `/api/hazards/${randomUUID()}`,
        payload: { version: 1, place: 'x' },
      }),
      secret: bSecrets,
    },
  },
  {
    // The workflow decides: the enterprise submits its rectification, the supervising side verifies it. Roles
    // with no step in the supervised path (sys_admin, county_leader, village_worker) are refused by the table.
    route: 'POST /api/hazards/:id/actions',
    allowed: ['county_admin', 'dept_officer', 'town_officer', 'enterprise_admin', 'enterprise_staff'],
    refused: refuse(['sys_admin', 'county_leader', 'village_worker'], FORBIDDEN_ACTION),
    async build(c, role) {
      if (role && ENTERPRISE.includes(role)) {
        const x = await supervisedHazardA(c);
        return post(`/api/hazards/${x.id}/actions`, { action: 'submit', version: x.version, note: '已整改完毕' });
      }
      if (!role) return post(`/api/hazards/${(await hz(c)).a.id}/actions`, { action: 'verify', version: 1 });
      const x = await submittedHazardA(c);
      return post(`/api/hazards/${x.id}/actions`, { action: 'verify', version: x.version, note: '复查合格' });
    },
    outside: {
      roles: ['dept_officer', 'town_officer', 'enterprise_admin', 'enterprise_staff'],
      async build(c, role) {
        const { b } = await hz(c);
        const action = ENTERPRISE.includes(role) ? 'submit' : 'verify';
        return post(`/api/hazards/${b.id}/actions`, { action, version: await hazardVersion(c, b.id), note: 'x' });
      },
      missing: async () => post(`/api/hazards/${randomUUID()}/actions`, { action: 'submit', version: 1, note: 'x' }),
      secret: bSecrets,
    },
  },
  {
    route: 'GET /api/hazards/export.xlsx',
    allowed: HAZARD_EXPORTERS,
    async build(c) {
      await hz(c);
      return get('/api/hazards/export.xlsx');
    },
    async check(c, role, res) {
      const x = await hz(c);
      const text = (await readXlsx(res.rawPayload)).flat().join('\n');
      expectNoB(role, text, [x.b.code]);
      expect(text).toContain(x.a.code);
    },
  },
  {
    route: 'GET /api/hazards/:id/rectification-order.docx',
    allowed: ISSUERS,
    build: async (c) => get(`/api/hazards/${(await hz(c)).a.id}/rectification-order.docx`),
    outside: {
      roles: ['dept_officer', 'town_officer'],
      build: async (c) => get(`/api/hazards/${(await hz(c)).b.id}/rectification-order.docx`),
      missing: async () => get(`/api/hazards/${randomUUID()}/rectification-order.docx`),
      secret: bSecrets,
    },
  },
  {
    route: 'GET /api/hazards/:id/review-opinion.docx',
    allowed: ISSUERS,
    build: async (c) => get(`/api/hazards/${(await hz(c)).a.id}/review-opinion.docx`),
    outside: {
      roles: ['dept_officer', 'town_officer'],
      build: async (c) => get(`/api/hazards/${(await hz(c)).b.id}/review-opinion.docx`),
      missing: async () => get(`/api/hazards/${randomUUID()}/review-opinion.docx`),
      secret: bSecrets,
    },
  },
  {
    route: 'GET /api/hazards/stats',
    allowed: ALL,
    async build(c) {
      await hz(c);
      return get('/api/hazards/stats?groupBy=enterprise');
    },
    async check(c, role, res) {
      expectNoB(role, res.body, [c.w.entB.id]);
    },
  },
  {
    route: 'GET /api/hazards/major-board',
    allowed: ALL,
    async build(c) {
      await hz(c);
      return get('/api/hazards/major-board');
    },
    async check(c, role, res) {
      if (!COUNTY.includes(role)) expect(res.body).not.toContain(c.w.entB.id);
    },
  },

  // ---- major-hazard catalog -------------------------------------------------------------------------------
  { route: 'GET /api/hazard-catalog', allowed: ALL, build: async () => get('/api/hazard-catalog?sector=coal_mine') },
  {
    route: 'POST /api/hazard-catalog',
    allowed: ADMINS,
    ok: 201,
    build: async () =>
      post('/api/hazard-catalog', {
        code: `local-${rand(10)}`,
        catalog: 'coal_mine',
        sectorCodes: ['coal_mine'],
        textZh: '矩阵补充条目',
      }),
  },
  {
    route: 'PATCH /api/hazard-catalog/:code',
    allowed: ADMINS,
    async build(c) {
      const code = `local-${rand(10)}`;
      const res = await c.env.app.inject({
        ...post('/api/hazard-catalog', { code, catalog: 'coal_mine', sectorCodes: ['coal_mine'], textZh: '矩阵条目' }),
        headers: h(c, 'county_admin'),
      });
      if (res.statusCode !== 201) throw new Error(`catalog item: ${res.statusCode} ${res.body}`);
      return { method: 'PATCH', url: `/api/hazard-catalog/${code}`, payload: { version: 1, textZh: '矩阵条目改' } };
    },
  },
  {
    route: 'POST /api/hazard-catalog/catalogs',
    allowed: ADMINS,
    ok: 201,
    build: async () => post('/api/hazard-catalog/catalogs', { code: `m_${rand(10)}`, titleZh: '矩阵目录' }),
  },

  // ---- 举一反三 campaigns ---------------------------------------------------------------------------------
  {
    route: 'POST /api/campaigns',
    allowed: CAMPAIGNERS,
    ok: 201,
    build: async (c) =>
      post('/api/campaigns', {
        sourceHazardId: (await hz(c)).a.id,
        instruction: '矩阵专项自查',
        deadline: day(c.env, 7),
        sectors: ['coal_mine'],
      }),
  },
  {
    route: 'GET /api/campaigns',
    allowed: ALL,
    async build(c) {
      await hz(c);
      return get('/api/campaigns?pageSize=200');
    },
    async check(c, role, res) {
      const x = await hz(c);
      expectNoB(role, res.body, [x.campaignB]);
      expect(res.body).toContain(x.campaignA);
    },
  },
  {
    route: 'GET /api/campaigns/:id',
    allowed: ALL,
    build: async (c) => get(`/api/campaigns/${(await hz(c)).campaignA}`),
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/campaigns/${(await hz(c)).campaignB}`),
      missing: async () => get(`/api/campaigns/${randomUUID()}`),
      secret: bSecrets,
    },
  },
  {
    route: 'GET /api/campaign-tasks',
    allowed: ALL,
    async build(c) {
      await hz(c);
      return get('/api/campaign-tasks?pageSize=200');
    },
    async check(c, role, res) {
      expectNoB(role, res.body, [(await hz(c)).taskB.id]);
    },
  },
  {
    // The enterprise answers its own self-check task; supervisors see the task but may not answer for it.
    route: 'POST /api/campaign-tasks/:id/answer',
    allowed: ENTERPRISE,
    refused: refuse(['sys_admin', 'county_admin', 'dept_officer', 'town_officer', 'village_worker'], FORBIDDEN_ACTION),
    async build(c) {
      const { a } = await hz(c);
      const campaign = await startCampaign(c, h(c, 'dept_officer'), a.id, 'coal_mine');
      const t = await campaignTask(c, campaign, c.w.entA.id);
      return post(`/api/campaign-tasks/${t.id}/answer`, { version: t.version, note: '未发现同类隐患' });
    },
    outside: {
      roles: ENTERPRISE,
      build: async (c) => {
        const { taskB } = await hz(c);
        return post(`/api/campaign-tasks/${taskB.id}/answer`, { version: taskB.version, note: 'x' });
      },
      missing: async () => post(`/api/campaign-tasks/${randomUUID()}/answer`, { version: 1, note: 'x' }),
      secret: bSecrets,
    },
  },

  // ---- reports --------------------------------------------------------------------------------------------
  {
    // Anyone may report (安全生产法 §74), signed in or not; rate-limited per client address.
    route: 'POST /api/public/reports',
    allowed: ALL,
    ok: 201,
    anonymous: 201,
    build: async (c) => ({
      ...post('/api/public/reports', { text: '矩阵公众举报', place: '东关', regionCode: c.w.a.village }),
      remoteAddress: ip(),
    }),
  },
  {
    route: 'GET /api/public/reports/:trackingCode',
    allowed: ALL,
    anonymous: 200,
    build: async (c) => ({ ...get(`/api/public/reports/${(await hz(c)).publicA.trackingCode}`), remoteAddress: ip() }),
    async check(c, _r, res) {
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['receivedAt', 'reply', 'status', 'trackingCode', 'updatedAt']);
      expect(res.body).not.toContain(c.w.a.village);
    },
  },
  {
    route: 'POST /api/reports',
    allowed: ENTERPRISE,
    ok: 201,
    build: async () => post('/api/reports', { text: '矩阵内部报告', place: '车间' }),
  },
  {
    route: 'GET /api/reports',
    allowed: ALL,
    async build(c) {
      await hz(c);
      return get('/api/reports?pageSize=200');
    },
    async check(c, role, res) {
      const x = await hz(c);
      if (!COUNTY.includes(role)) {
        expect(res.body).not.toContain(x.bReportText);
        expect(res.body).not.toContain(x.publicB.id);
        expect(res.body).not.toContain(x.employeeB.id);
      } else {
        expect(res.body).toContain(x.publicB.id);
      }
    },
  },
  {
    route: 'GET /api/reports/:id',
    allowed: ALL,
    async build(c, role) {
      const x = await hz(c);
      return get(`/api/reports/${role && ENTERPRISE.includes(role) ? x.employeeA.id : x.publicA.id}`);
    },
    outside: {
      roles: SCOPED,
      async build(c, role) {
        const x = await hz(c);
        return get(`/api/reports/${ENTERPRISE.includes(role) ? x.employeeB.id : x.publicB.id}`);
      },
      missing: async () => get(`/api/reports/${randomUUID()}`),
      secret: (c) => [c.w.b.village, ...bSecrets(c)],
    },
  },
  {
    // Triage: the county office or the department the report is with; an internal report: its safety manager.
    route: 'POST /api/reports/:id/accept',
    allowed: ['county_admin', 'dept_officer', 'enterprise_admin'],
    refused: { sys_admin: FORBIDDEN_ACTION },
    async build(c, role) {
      const r = await reportAFor(c, role);
      const ent = role !== null && ENTERPRISE.includes(role);
      return post(`/api/reports/${r.id}/accept`, {
        version: await reportVersion(c, r.id),
        ...(ent ? {} : { enterpriseId: c.w.entA.id }),
        category: 'operation',
        rectification: { deadline: day(c.env, 5) },
      });
    },
    outside: {
      roles: ['dept_officer', 'enterprise_admin'],
      async build(c, role) {
        const x = await hz(c);
        const id = role === 'enterprise_admin' ? x.employeeB.id : x.publicB.id;
        return post(`/api/reports/${id}/accept`, {
          version: await reportVersion(c, id),
          enterpriseId: c.w.entB.id,
          category: 'operation',
        });
      },
      missing: async () => post(`/api/reports/${randomUUID()}/accept`, { version: 1, category: 'operation' }),
      secret: (c) => [c.w.b.village, ...bSecrets(c)],
    },
  },
  {
    // Only public reports move between departments; an enterprise's internal report stays with it (409).
    route: 'POST /api/reports/:id/transfer',
    allowed: ['county_admin', 'dept_officer'],
    refused: { sys_admin: FORBIDDEN_ACTION, enterprise_admin: ILLEGAL },
    async build(c, role) {
      const r = await reportAFor(c, role);
      const x = await hz(c);
      return post(`/api/reports/${r.id}/transfer`, {
        version: await reportVersion(c, r.id),
        departmentId: x.deptC,
        note: '移交',
      });
    },
    outside: {
      roles: ['dept_officer'],
      async build(c) {
        const x = await hz(c);
        return post(`/api/reports/${x.publicB.id}/transfer`, {
          version: await reportVersion(c, x.publicB.id),
          departmentId: x.deptC,
        });
      },
      missing: async (c) =>
        post(`/api/reports/${randomUUID()}/transfer`, { version: 1, departmentId: (await hz(c)).deptC }),
      secret: (c) => [c.w.b.village, ...bSecrets(c)],
    },
  },
  {
    route: 'POST /api/reports/:id/reject',
    allowed: ['county_admin', 'dept_officer', 'enterprise_admin'],
    refused: { sys_admin: FORBIDDEN_ACTION },
    async build(c, role) {
      const r = await reportAFor(c, role);
      return post(`/api/reports/${r.id}/reject`, { version: await reportVersion(c, r.id), reply: '经核查不属实' });
    },
    outside: {
      roles: ['dept_officer', 'enterprise_admin'],
      async build(c, role) {
        const x = await hz(c);
        const id = role === 'enterprise_admin' ? x.employeeB.id : x.publicB.id;
        return post(`/api/reports/${id}/reject`, { version: await reportVersion(c, id), reply: 'x' });
      },
      missing: async () => post(`/api/reports/${randomUUID()}/reject`, { version: 1, reply: 'x' }),
      secret: (c) => [c.w.b.village, ...bSecrets(c)],
    },
  },
  {
    // A fine (and the reporter's reward) on an accepted public report: the county office or the department.
    // An enterprise's own internal report takes no fine (409).
    route: 'POST /api/reports/:id/fine',
    allowed: ['county_admin', 'dept_officer'],
    ok: 201,
    refused: { sys_admin: FORBIDDEN_ACTION, enterprise_admin: ILLEGAL },
    async build(c, role) {
      if (!role)
        return post(`/api/reports/${(await hz(c)).publicA.id}/fine`, { version: 1, fineYuan: 1, decisionNumber: 'x' });
      const r = await acceptedReport(c, ENTERPRISE.includes(role) ? 'employee' : 'public');
      return post(`/api/reports/${r.id}/fine`, {
        version: r.version,
        fineYuan: 10_000,
        decisionNumber: `阳矩罚〔2026〕${rand(4)}号`,
      });
    },
    outside: {
      roles: ['dept_officer'],
      async build(c) {
        const x = await hz(c);
        return post(`/api/reports/${x.publicB.id}/fine`, {
          version: await reportVersion(c, x.publicB.id),
          fineYuan: 1,
          decisionNumber: 'x',
        });
      },
      missing: async () => post(`/api/reports/${randomUUID()}/fine`, { version: 1, fineYuan: 1, decisionNumber: 'x' }),
      secret: (c) => [c.w.b.village, ...bSecrets(c)],
    },
  },
  {
    // The internal reward on an accepted employee report: the enterprise's safety manager. Supervisors do not
    // see an enterprise's internal reports at all (404, like a missing one).
    route: 'POST /api/reports/:id/reward',
    allowed: ['enterprise_admin'],
    ok: 201,
    refused: {
      sys_admin: FORBIDDEN_ACTION,
      county_admin: FORBIDDEN_ACTION,
      dept_officer: NOT_FOUND,
      town_officer: NOT_FOUND,
      village_worker: NOT_FOUND,
    },
    async build(c, role) {
      if (!role) return post(`/api/reports/${(await hz(c)).employeeA.id}/reward`, { version: 1, amountYuan: 1 });
      const r = await acceptedReport(c, 'employee');
      return post(`/api/reports/${r.id}/reward`, { version: r.version, amountYuan: 500 });
    },
    outside: {
      roles: ['enterprise_admin'],
      async build(c) {
        const x = await hz(c);
        return post(`/api/reports/${x.employeeB.id}/reward`, {
          version: await reportVersion(c, x.employeeB.id),
          amountYuan: 1,
        });
      },
      missing: async () => post(`/api/reports/${randomUUID()}/reward`, { version: 1, amountYuan: 1 }),
      secret: bSecrets,
    },
  },

  // ---- listings, cards, summons ---------------------------------------------------------------------------
  {
    route: 'GET /api/hazard-listings',
    allowed: ALL,
    async build(c) {
      await hz(c);
      return get('/api/hazard-listings?pageSize=200');
    },
    async check(c, role, res) {
      const x = await hz(c);
      expectNoB(role, res.body, [x.supB.listingId]);
      expect(res.body).toContain(x.supA.listingId);
    },
  },
  {
    route: 'GET /api/hazard-listings/:id',
    allowed: ALL,
    build: async (c) => get(`/api/hazard-listings/${(await hz(c)).supA.listingId}`),
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/hazard-listings/${(await hz(c)).supB.listingId}`),
      missing: async () => get(`/api/hazard-listings/${randomUUID()}`),
      secret: bSecrets,
    },
  },
  {
    // Lifting a listing or a card is the county office's act.
    route: 'POST /api/hazard-listings/:id/lift',
    allowed: ['county_admin'],
    async build(c) {
      const { a } = await hz(c);
      const s = await supervision(c, c.w.entA.id, a.id, c.w.deptA);
      return post(`/api/hazard-listings/${s.listingId}/lift`, { version: 1, reason: '整改完成,解除挂牌' });
    },
    outside: {
      roles: SCOPED,
      build: async (c) =>
        post(`/api/hazard-listings/${(await hz(c)).supB.listingId}/lift`, { version: 1, reason: 'x' }),
      missing: async () => post(`/api/hazard-listings/${randomUUID()}/lift`, { version: 1, reason: 'x' }),
      secret: bSecrets,
    },
  },
  {
    route: 'GET /api/hazard-cards',
    allowed: ALL,
    async build(c) {
      await hz(c);
      return get('/api/hazard-cards?pageSize=200');
    },
    async check(c, role, res) {
      const x = await hz(c);
      expectNoB(role, res.body, [x.supB.cardId]);
      expect(res.body).toContain(x.supA.cardId);
    },
  },
  {
    route: 'POST /api/hazard-cards/:id/lift',
    allowed: ['county_admin'],
    async build(c) {
      const { a } = await hz(c);
      const s = await supervision(c, c.w.entA.id, a.id, c.w.deptA);
      return post(`/api/hazard-cards/${s.cardId}/lift`, { version: 1, reason: '整改完成,解除黄牌' });
    },
    outside: {
      roles: SCOPED,
      build: async (c) => post(`/api/hazard-cards/${(await hz(c)).supB.cardId}/lift`, { version: 1, reason: 'x' }),
      missing: async () => post(`/api/hazard-cards/${randomUUID()}/lift`, { version: 1, reason: 'x' }),
      secret: bSecrets,
    },
  },
  {
    route: 'GET /api/hazard-summons',
    allowed: ALL,
    async build(c) {
      await hz(c);
      return get('/api/hazard-summons?pageSize=200');
    },
    async check(c, role, res) {
      const x = await hz(c);
      expectNoB(role, res.body, [x.supB.summonsId]);
      expect(res.body).toContain(x.supA.summonsId);
    },
  },
  {
    route: 'GET /api/hazard-summons/:id',
    allowed: ALL,
    build: async (c) => get(`/api/hazard-summons/${(await hz(c)).supA.summonsId}`),
    outside: {
      roles: SCOPED,
      build: async (c) => get(`/api/hazard-summons/${(await hz(c)).supB.summonsId}`),
      missing: async () => get(`/api/hazard-summons/${randomUUID()}`),
      secret: bSecrets,
    },
  },
  {
    // The supervising department or the county records that the summons (约谈) took place.
    route: 'POST /api/hazard-summons/:id/record',
    allowed: ['county_admin', 'dept_officer'],
    refused: refuse(
      ['sys_admin', 'county_leader', 'town_officer', 'village_worker', 'enterprise_admin', 'enterprise_staff'],
      FORBIDDEN_ACTION,
    ),
    async build(c) {
      const { a } = await hz(c);
      const s = await supervision(c, c.w.entA.id, a.id, c.w.deptA);
      return post(`/api/hazard-summons/${s.summonsId}/record`, {
        version: 1,
        note: '已约谈企业主要负责人',
        attendees: ['企业主要负责人'],
      });
    },
    outside: {
      roles: ['dept_officer'],
      build: async (c) =>
        post(`/api/hazard-summons/${(await hz(c)).supB.summonsId}/record`, { version: 1, note: 'x', attendees: ['x'] }),
      missing: async () =>
        post(`/api/hazard-summons/${randomUUID()}/record`, { version: 1, note: 'x', attendees: ['x'] }),
      secret: bSecrets,
    },
  },

  // ---- escalation settings --------------------------------------------------------------------------------
  { route: 'GET /api/hazard-settings', allowed: ALL, build: async () => get('/api/hazard-settings') },
  {
    route: 'PUT /api/hazard-settings',
    allowed: ADMINS,
    async build(c) {
      const cur = (await c.env.app.inject({ url: '/api/hazard-settings', headers: h(c, 'county_admin') })).json();
      return {
        method: 'PUT',
        url: '/api/hazard-settings',
        payload: { version: cur.version, escalation: { remindDaysBefore: cur.escalation.remindDaysBefore } },
      };
    },
  },
];
