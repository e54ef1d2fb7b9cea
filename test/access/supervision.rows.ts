/**
 * Access-matrix rows of supervision §1, §3, §4: settings, credit and its recorded inputs, rules of entry,
 * inspections (scheduling, life cycle, answers, quiz, decisions, documents), checklist templates, question bank.
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/core/roles.js';
import { newHazard } from '../hazards-fixtures.js';
import { COUNTY, type Ctx, type Endpoint, fixture, get, rand, SCOPED } from './matrix.js';

/** supervision.read */
const READERS: readonly Role[] = [
  'sys_admin',
  'county_admin',
  'county_leader',
  'dept_officer',
  'town_officer',
  'enterprise_admin',
];
const SETTINGS: readonly Role[] = ['sys_admin', 'county_admin'];
const PLANNERS: readonly Role[] = ['sys_admin', 'county_admin', 'dept_officer'];
/** inspection.schedule and inspection.conduct */
const CONDUCTORS: readonly Role[] = ['sys_admin', 'county_admin', 'dept_officer', 'town_officer'];
const DECIDERS: readonly Role[] = ['sys_admin', 'county_admin', 'dept_officer'];
/** The core table's acting roles (sys_admin and the leader read but never act). */
const ACTORS: readonly Role[] = ['county_admin', 'dept_officer', 'town_officer'];
const FORBIDDEN_ACTION = { status: 403, code: 'FORBIDDEN_ACTION' } as const;
const SCOPED_READERS = SCOPED.filter((r) => READERS.includes(r));

const admin = (c: Ctx) => c.w.users.county_admin.headers;

/** An inspection of A scheduled through the API: by the township for its officer, else by the county with dept A. */
async function inspectionA(c: Ctx, role: Role | null, kind = 'complaint') {
  const town = role === 'town_officer';
  const res = await c.env.app.inject({
    method: 'POST',
    url: '/api/inspections',
    headers: town ? c.w.users.town_officer.headers : admin(c),
    payload: {
      enterpriseId: c.w.entA.id,
      kind,
      exemptionReason: '矩阵测试',
      plannedAt: '2026-06-20T01:00:00Z',
      departmentIds: town ? [] : [c.w.deptA],
      inspectorIds: [town ? c.w.users.town_officer.id : c.w.users.dept_officer.id],
    },
  });
  if (res.statusCode !== 201) throw new Error(`schedule: ${res.statusCode} ${res.body}`);
  const id = res.json().id as string;
  // Both the department and the township organise it, so either officer may act.
  await c.env.p.db
    .updateTable('inspections')
    .set({ town_code: c.w.a.town, department_ids: [c.w.deptA] })
    .where('id', '=', id)
    .execute();
  return id;
}

async function started(c: Ctx, role: Role | null) {
  const id = await inspectionA(c, role);
  const res = await c.env.app.inject({
    method: 'POST',
    url: `/api/inspections/${id}/actions`,
    headers: admin(c),
    payload: { action: 'start', version: 1 },
  });
  if (res.statusCode !== 200) throw new Error(`start: ${res.statusCode} ${res.body}`);
  return {
    id,
    detail: res.json() as { checklist: { templateId: string; items: { key: string }[] }[]; version: number },
  };
}

/** One completed inspection in A with a hazard, one in B (made once). */
function world(c: Ctx) {
  return fixture(c, 'supervision', async () => {
    const a = await started(c, null);
    const t = a.detail.checklist[0];
    if (!t) throw new Error('no checklist');
    const h = await newHazard(c.env, admin(c), {
      enterpriseId: c.w.entA.id,
      source: 'inspection',
      rectification: { deadline: '2026-07-01' },
    });
    await c.env.p.db
      .insertInto('inspection_answers')
      .values({
        inspection_id: a.id,
        template_id: t.templateId,
        item_key: t.items[0]?.key ?? 'mgmt-01',
        result: 'not_compliant',
        note: '矩阵',
        hazard_id: h.id,
        answered_by_name: 'm',
        answered_at: c.env.clock.now(),
      })
      .execute();
    await c.env.p.db
      .updateTable('inspections')
      .set({ status: 'completed', ended_at: c.env.clock.now(), non_compliant_count: 1 })
      .where('id', '=', a.id)
      .execute();
    const secret = `矩阵B检查${rand(6)}`;
    const b = await c.env.app.inject({
      method: 'POST',
      url: '/api/inspections',
      headers: admin(c),
      payload: {
        enterpriseId: c.w.entB.id,
        kind: 'complaint',
        exemptionReason: secret,
        plannedAt: '2026-06-20T01:00:00Z',
        departmentIds: [c.w.deptB],
        inspectorIds: [c.w.users.county_admin.id],
      },
    });
    if (b.statusCode !== 201) throw new Error(`schedule B: ${b.body}`);
    await c.env.p.db.updateTable('inspections').set({ status: 'completed' }).where('id', '=', b.json().id).execute();
    const listing = await c.env.app.inject({
      method: 'POST',
      url: '/api/dishonesty-listings',
      headers: admin(c),
      payload: { enterpriseId: c.w.entB.id, listedOn: '2026-06-01', trigger: 'other', reason: '矩阵' },
    });
    return { a: a.id, b: b.json().id as string, secret, listingB: listing.json().id as string };
  });
}

const outsideInspection = (path: (id: string) => string, method: 'GET' | 'POST' | 'PUT' = 'GET', payload?: object) => ({
  roles: SCOPED_READERS,
  build: async (c: Ctx) => ({ method, url: path((await world(c)).b), ...(payload ? { payload } : {}) }),
  missing: async () => ({ method, url: path(randomUUID()), ...(payload ? { payload } : {}) }),
  secret: () => [],
});

const outsideEnterprise = (path: (id: string) => string) => ({
  roles: SCOPED_READERS,
  build: async (c: Ctx) => get(path(c.w.entB.id)),
  missing: async () => get(path(randomUUID())),
  secret: (c: Ctx) => [c.w.entB.name],
});

export const SUPERVISION_ROWS: Endpoint[] = [
  // ---- settings ---------------------------------------------------------------------------------------------
  { route: 'GET /api/supervision-settings', allowed: READERS, build: async () => get('/api/supervision-settings') },
  {
    route: 'PUT /api/supervision-settings',
    allowed: SETTINGS,
    async build(c) {
      const v = (await c.env.app.inject({ url: '/api/supervision-settings', headers: admin(c) })).json().version;
      return { method: 'PUT', url: '/api/supervision-settings', payload: { version: v, quiz: { passMark: 85 } } };
    },
  },

  // ---- credit -------------------------------------------------------------------------------------------------
  {
    route: 'GET /api/enterprises/:id/credit',
    allowed: READERS,
    build: async (c) => get(`/api/enterprises/${c.w.entA.id}/credit`),
    outside: outsideEnterprise((id) => `/api/enterprises/${id}/credit`),
  },
  {
    route: 'GET /api/enterprises/:id/credit/history',
    allowed: READERS,
    build: async (c) => get(`/api/enterprises/${c.w.entA.id}/credit/history`),
    outside: outsideEnterprise((id) => `/api/enterprises/${id}/credit/history`),
  },
  {
    route: 'GET /api/credit',
    allowed: READERS,
    async build(c) {
      await world(c);
      return get('/api/credit?pageSize=200');
    },
    async check(c, role, res) {
      if (!COUNTY.includes(role)) {
        const ids = (res.json().items as { enterpriseId: string }[]).map((x) => x.enterpriseId);
        if (ids.includes(c.w.entB.id)) throw new Error(`${role} sees B's credit`);
      }
    },
  },
  {
    route: 'GET /api/enterprises/:id/entry-rules',
    allowed: READERS,
    build: async (c) => get(`/api/enterprises/${c.w.entA.id}/entry-rules`),
    outside: outsideEnterprise((id) => `/api/enterprises/${id}/entry-rules`),
  },
  {
    route: 'PUT /api/enterprises/:id/entry-rules',
    allowed: PLANNERS,
    async build(c) {
      const v = (
        await c.env.app.inject({ url: `/api/enterprises/${c.w.entA.id}/entry-rules`, headers: admin(c) })
      ).json().version;
      return {
        method: 'PUT',
        url: `/api/enterprises/${c.w.entA.id}/entry-rules`,
        payload: { version: v, maxInspectorsPerVisit: 4 },
      };
    },
  },

  // ---- recorded inputs ------------------------------------------------------------------------------------------
  {
    route: 'POST /api/accidents',
    allowed: DECIDERS,
    ok: 201,
    build: async (c) => ({
      method: 'POST',
      url: '/api/accidents',
      payload: {
        enterpriseId: c.w.entA.id,
        occurredAt: '2026-06-01T02:00:00Z',
        kind: 'other',
        deaths: 0,
        seriousInjuries: 1,
        directLossYuan: 1000,
        description: '矩阵',
      },
    }),
  },
  { route: 'GET /api/accidents', allowed: READERS, build: async () => get('/api/accidents') },
  {
    route: 'POST /api/violations',
    allowed: CONDUCTORS,
    ok: 201,
    build: async (c) => ({
      method: 'POST',
      url: '/api/violations',
      payload: { enterpriseId: c.w.entA.id, occurredOn: '2026-06-01', kind: 'operation', description: '矩阵' },
    }),
  },
  { route: 'GET /api/violations', allowed: READERS, build: async () => get('/api/violations') },
  {
    route: 'POST /api/dishonesty-listings',
    allowed: SETTINGS,
    ok: 201,
    build: async (c) => ({
      method: 'POST',
      url: '/api/dishonesty-listings',
      payload: { enterpriseId: c.w.entA.id, listedOn: '2026-06-01', trigger: 'other', reason: '矩阵' },
    }),
  },
  {
    route: 'POST /api/dishonesty-listings/:id/remove',
    allowed: SETTINGS,
    async build(c) {
      const l = await c.env.app.inject({
        method: 'POST',
        url: '/api/dishonesty-listings',
        headers: admin(c),
        payload: { enterpriseId: c.w.entA.id, listedOn: '2026-06-01', trigger: 'other', reason: '矩阵' },
      });
      return {
        method: 'POST',
        url: `/api/dishonesty-listings/${l.json().id}/remove`,
        payload: { version: 1, reason: '修复' },
      };
    },
  },
  {
    route: 'GET /api/dishonesty-listings',
    allowed: READERS,
    async build(c) {
      await world(c);
      return get('/api/dishonesty-listings');
    },
    async check(c, role, res) {
      const ids = (res.json().items as { enterpriseId: string }[]).map((x) => x.enterpriseId);
      if (!COUNTY.includes(role) && ids.includes(c.w.entB.id)) throw new Error(`${role} sees B's listing`);
      if (COUNTY.includes(role) && !ids.includes(c.w.entB.id)) throw new Error(`${role} misses B's listing`);
    },
  },

  // ---- inspections --------------------------------------------------------------------------------------------
  {
    route: 'POST /api/inspections',
    allowed: CONDUCTORS,
    ok: 201,
    build: async (c, role) => ({
      method: 'POST',
      url: '/api/inspections',
      payload: {
        enterpriseId: c.w.entA.id,
        kind: 'complaint',
        exemptionReason: '矩阵',
        plannedAt: '2026-06-21T01:00:00Z',
        departmentIds: role === 'town_officer' ? [] : [c.w.deptA],
        inspectorIds: [role === 'town_officer' ? c.w.users.town_officer.id : c.w.users.dept_officer.id],
      },
    }),
  },
  {
    route: 'GET /api/inspections',
    allowed: READERS,
    async build(c) {
      await world(c);
      return get('/api/inspections?pageSize=200');
    },
    async check(c, role, res) {
      const w = await world(c);
      if (COUNTY.includes(role)) {
        if (!res.body.includes(w.b)) throw new Error(`${role} misses B`);
      } else if (res.body.includes(w.b)) throw new Error(`${role} sees B`);
    },
  },
  {
    route: 'GET /api/inspections/inspectors',
    allowed: CONDUCTORS,
    build: async () => get('/api/inspections/inspectors'),
    async check(c, role, res) {
      const items = res.json().items as { id: string; role: string; departmentId: string | null; regionCode: string }[];
      const ids = items.map((u) => u.id);
      if (role === 'dept_officer') {
        // Its own department's officers, itself among them, and nobody else.
        if (!ids.includes(c.w.users.dept_officer.id)) throw new Error('dept_officer misses itself');
        if (items.some((u) => u.role !== 'dept_officer' || u.departmentId !== c.w.deptA))
          throw new Error('dept_officer sees officers outside its department');
      } else if (role === 'town_officer') {
        if (!ids.includes(c.w.users.town_officer.id)) throw new Error('town_officer misses itself');
        if (items.some((u) => u.role !== 'town_officer' || u.regionCode !== c.w.a.town))
          throw new Error('town_officer sees officers outside its township');
      } else if (!ids.includes(c.w.users.dept_officer.id) || !ids.includes(c.w.users.town_officer.id)) {
        throw new Error(`${role} misses the department and township officers`);
      }
    },
    outside: {
      roles: ['dept_officer'],
      build: async (c) => get(`/api/inspections/inspectors?departmentId=${c.w.deptB}`),
      missing: async () => get(`/api/inspections/inspectors?departmentId=${randomUUID()}`),
      secret: () => [],
    },
  },
  {
    route: 'GET /api/inspections/visit-frequency',
    allowed: READERS,
    build: async () => get('/api/inspections/visit-frequency?year=2026'),
  },
  {
    route: 'GET /api/inspections/:id',
    allowed: READERS,
    build: async (c) => get(`/api/inspections/${(await world(c)).a}`),
    outside: {
      ...outsideInspection((id) => `/api/inspections/${id}`),
      secret: () => [],
    },
  },
  {
    route: 'POST /api/inspections/:id/actions',
    allowed: ACTORS,
    refused: { sys_admin: FORBIDDEN_ACTION, county_leader: FORBIDDEN_ACTION, enterprise_admin: FORBIDDEN_ACTION },
    build: async (c, role) => ({
      method: 'POST',
      url: `/api/inspections/${await inspectionA(c, role)}/actions`,
      payload: { action: 'start', version: 1 },
    }),
  },
  {
    route: 'PUT /api/inspections/:id/answers',
    allowed: CONDUCTORS,
    async build(c, role) {
      const s = await started(c, role);
      const t = s.detail.checklist[0];
      return {
        method: 'PUT',
        url: `/api/inspections/${s.id}/answers`,
        payload: { answers: [{ templateId: t?.templateId, itemKey: t?.items[0]?.key, result: 'compliant' }] },
      };
    },
  },
  {
    route: 'POST /api/inspections/:id/quizzes',
    allowed: CONDUCTORS,
    ok: 201,
    build: async (c, role) => ({
      method: 'POST',
      url: `/api/inspections/${(await started(c, role)).id}/quizzes`,
      payload: { personName: '矿长', personRole: 'principal' },
    }),
  },
  {
    route: 'POST /api/quizzes/:id/answers',
    allowed: CONDUCTORS,
    async build(c, role) {
      const s = await started(c, role);
      const q = await c.env.app.inject({
        method: 'POST',
        url: `/api/inspections/${s.id}/quizzes`,
        headers: admin(c),
        payload: { personName: '矿长', personRole: 'principal' },
      });
      const bank = await c.env.p.db.selectFrom('quiz_questions').select(['id', 'answer']).execute();
      const key = new Map(bank.map((b) => [b.id, b.answer]));
      const answers: Record<string, unknown> = {};
      for (const x of q.json().questions as { id: string }[]) answers[x.id] = key.get(x.id);
      return { method: 'POST', url: `/api/quizzes/${q.json().id}/answers`, payload: { answers } };
    },
  },
  {
    route: 'POST /api/inspections/:id/decisions',
    allowed: DECIDERS,
    ok: 201,
    build: async (c) => ({
      method: 'POST',
      url: `/api/inspections/${(await world(c)).a}/decisions`,
      payload: { kind: 'warning', legalBasis: '安全生产法 第九十七条', facts: '矩阵' },
    }),
  },
  { route: 'GET /api/enforcement-decisions', allowed: READERS, build: async () => get('/api/enforcement-decisions') },
  {
    route: 'GET /api/inspections/:id/site-record.docx',
    allowed: CONDUCTORS,
    build: async (c) => get(`/api/inspections/${(await world(c)).a}/site-record.docx`),
    outside: {
      roles: ['dept_officer', 'town_officer'],
      build: async (c) => get(`/api/inspections/${(await world(c)).b}/site-record.docx`),
      missing: async () => get(`/api/inspections/${randomUUID()}/site-record.docx`),
      secret: () => [],
    },
  },
  {
    route: 'GET /api/inspections/:id/rectification-order.docx',
    allowed: CONDUCTORS,
    build: async (c) => get(`/api/inspections/${(await world(c)).a}/rectification-order.docx`),
  },

  // ---- templates and question bank -----------------------------------------------------------------------------
  { route: 'GET /api/checklist-templates', allowed: READERS, build: async () => get('/api/checklist-templates') },
  {
    route: 'GET /api/checklist-templates/:id',
    allowed: READERS,
    async build(c) {
      const t = await c.env.p.db
        .selectFrom('checklist_templates')
        .select('id')
        .where('code', '=', 'coal-mine')
        .executeTakeFirstOrThrow();
      return get(`/api/checklist-templates/${t.id}`);
    },
  },
  {
    route: 'POST /api/checklist-templates',
    allowed: SETTINGS,
    ok: 201,
    build: async () => ({
      method: 'POST',
      url: '/api/checklist-templates',
      payload: { code: `m-${rand(8)}`, sector: 'construction', title: '矩阵', items: [{ key: 'a-1', text: '检查项' }] },
    }),
  },
  {
    route: 'PUT /api/checklist-templates/:id',
    allowed: SETTINGS,
    ok: 201,
    async build(c) {
      const t = await c.env.app.inject({
        method: 'POST',
        url: '/api/checklist-templates',
        headers: admin(c),
        payload: {
          code: `m-${rand(8)}`,
          sector: 'construction',
          title: '矩阵',
          items: [{ key: 'a-1', text: '检查项' }],
        },
      });
      return {
        method: 'PUT',
        url: `/api/checklist-templates/${t.json().id}`,
        payload: { items: [{ key: 'a-2', text: '新检查项' }] },
      };
    },
  },
  {
    route: 'POST /api/checklist-templates/:id/withdraw',
    allowed: SETTINGS,
    async build(c) {
      const t = await c.env.app.inject({
        method: 'POST',
        url: '/api/checklist-templates',
        headers: admin(c),
        payload: {
          code: `m-${rand(8)}`,
          sector: 'construction',
          title: '矩阵',
          items: [{ key: 'a-1', text: '检查项' }],
        },
      });
      return { method: 'POST', url: `/api/checklist-templates/${t.json().id}/withdraw` };
    },
  },
  { route: 'GET /api/quiz-questions', allowed: READERS, build: async () => get('/api/quiz-questions?sector=general') },
  {
    route: 'POST /api/quiz-questions',
    allowed: SETTINGS,
    ok: 201,
    build: async () => ({
      method: 'POST',
      url: '/api/quiz-questions',
      payload: { sector: 'general', type: 'true_false', stem: `矩阵题${rand(4)}`, answer: true, basis: '安全生产法' },
    }),
  },
  {
    route: 'POST /api/quiz-questions/:id/withdraw',
    allowed: SETTINGS,
    async build(c) {
      const q = await c.env.app.inject({
        method: 'POST',
        url: '/api/quiz-questions',
        headers: admin(c),
        payload: { sector: 'matrix', type: 'true_false', stem: `矩阵题${rand(4)}`, answer: true, basis: '安全生产法' },
      });
      return { method: 'POST', url: `/api/quiz-questions/${q.json().id}/withdraw` };
    },
  },
];
