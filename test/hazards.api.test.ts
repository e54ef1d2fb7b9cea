import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import {
  act,
  createHazard,
  day,
  getHazard,
  type HazardWorld,
  hazardWorld,
  newHazard,
  png,
  step,
  upload,
} from './hazards-fixtures.js';

const PLAN = (deadline: string) => ({
  plan: { owner: '王矿长', measures: '加装瓦斯抽采系统', funds: '50万元', deadline, contingency: '撤人停产预案' },
  interimMeasures: '停止该区域作业，加强通风检测',
});

describe.each(DATABASES)('hazards API on $name', (dbc) => {
  let env: TestEnv;
  let w: HazardWorld;
  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await hazardWorld(env);
  });
  afterAll(() => env?.close());

  const countHazards = async (enterpriseId: string) =>
    (await env.p.db.selectFrom('hazards').select('id').where('enterprise_id', '=', enterpriseId).execute()).length;

  it('records a hazard from each side with a YH code, its path and its first status', async () => {
    const deadline = day(env, 10);
    const self = await newHazard(env, w.u.entStaff.headers, { source: 'self_check', rectification: { deadline } });
    expect(self.code).toMatch(/^YH-2026-\d{6}$/);
    expect(self).toMatchObject({ status: 'rectifying', version: 1 });
    const byDept = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      rectification: { deadline, measures: '更换护栏', responsiblePerson: '李四', funds: '2000元' },
    });
    const byTown = await newHazard(env, w.u.townA.headers, {
      enterpriseId: w.entA.id,
      source: 'patrol',
      rectification: { deadline },
    });
    const byVillage = await newHazard(env, w.u.village.headers, {
      enterpriseId: w.entA.id,
      source: 'patrol',
      rectification: { deadline },
    });
    const major = await newHazard(env, w.u.county.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      catalogItemCode: 'coal-02',
      description: '瓦斯超限仍然作业',
    });
    expect(major.status).toBe('reported');
    const codes = [self, byDept, byTown, byVillage, major].map((h) => h.code);
    expect(new Set(codes).size).toBe(5);

    const d = (await getHazard(env, w.u.county.headers, self.id)).json();
    expect(d).toMatchObject({
      path: 'self',
      level: 'general',
      source: 'self_check',
      finderSide: 'enterprise',
      deadline,
    });
    const s = (await getHazard(env, w.u.county.headers, byDept.id)).json();
    expect(s).toMatchObject({
      path: 'supervised',
      rectification: { measures: '更换护栏', responsiblePerson: '李四', funds: '2000元', deadline },
    });
    const m = (await getHazard(env, w.u.county.headers, major.id)).json();
    expect(m).toMatchObject({ level: 'major', status: 'reported', catalogItemCode: 'coal-02', deadline: null });
    expect(m.majorBasis).toContain('应急管理部令第4号');
    expect(m.catalogItem.code).toBe('coal-02');
    expect(m.history.map((e: { action: string }) => e.action)).toEqual(['create']);
    const audit = await env.p.db.selectFrom('audit_log').select('action').where('entity_id', '=', major.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['hazard.created']);

    for (const who of [w.u.leader, w.u.sys]) {
      const res = await createHazard(env, who.headers, {
        enterpriseId: w.entA.id,
        source: 'inspection',
        rectification: { deadline },
      });
      expect(res.statusCode).toBe(403);
    }
    const wrongSource = await createHazard(env, w.u.entStaff.headers, {
      source: 'inspection',
      rectification: { deadline },
    });
    expect(wrongSource.statusCode).toBe(400);
    expect(wrongSource.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'source' });
    const outside = await createHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entB.id,
      source: 'inspection',
      rectification: { deadline },
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.field).toBe('enterpriseId');
  });

  it('answers 400 with the field and writes nothing on a missing field', async () => {
    const before = await countHazards(w.entA.id);
    const noDesc = await env.app.inject({
      method: 'POST',
      url: '/api/hazards',
      headers: w.u.deptA.headers,
      payload: {
        enterpriseId: w.entA.id,
        place: 'x',
        category: 'equipment',
        source: 'inspection',
        rectification: { deadline: day(env, 3) },
      },
    });
    expect(noDesc.statusCode).toBe(400);
    expect(noDesc.json().error.fields[0].path).toBe('description');
    const noDeadline = await createHazard(env, w.u.deptA.headers, { enterpriseId: w.entA.id, source: 'inspection' });
    expect(noDeadline.statusCode).toBe(400);
    expect(noDeadline.json().error).toMatchObject({ code: 'MISSING_FIELD', field: 'rectification.deadline' });
    const past = await createHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      rectification: { deadline: day(env, -1) },
    });
    expect(past.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'rectification.deadline' });
    const majorNoBasis = await createHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      level: 'major',
    });
    expect(majorNoBasis.json().error).toMatchObject({ code: 'MISSING_FIELD', field: 'majorBasis' });
    const badCatalog = await createHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      catalogItemCode: 'chem-05',
    });
    expect(badCatalog.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'catalogItemCode' });
    expect(await countHazards(w.entA.id)).toBe(before);

    const h = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      rectification: { deadline: day(env, 5) },
    });
    const noNote = await act(env, w.u.entStaff.headers, h.id, 'submit', 1, {});
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().error).toMatchObject({ code: 'MISSING_FIELD', field: 'note' });
    const noVersion = await env.app.inject({
      method: 'POST',
      url: `/api/hazards/${h.id}/actions`,
      headers: w.u.entStaff.headers,
      payload: { action: 'submit', note: 'done' },
    });
    expect(noVersion.statusCode).toBe(400);
    expect(noVersion.json().error.fields[0].path).toBe('version');
    const noAction = await env.app.inject({
      method: 'POST',
      url: `/api/hazards/${h.id}/actions`,
      headers: w.u.entStaff.headers,
      payload: { version: 1 },
    });
    expect(noAction.statusCode).toBe(400);
    expect(noAction.json().error.fields[0].path).toBe('action');
    const d = (await getHazard(env, w.u.deptA.headers, h.id)).json();
    expect(d).toMatchObject({ status: 'rectifying', version: 1 });
    expect(d.history).toHaveLength(1);

    const major = await newHazard(env, w.u.entAdmin.headers, { source: 'self_check', catalogItemCode: 'coal-01' });
    const plan = PLAN(day(env, 30));
    const noFunds = await act(env, w.u.deptA.headers, major.id, 'confirm', 1, {
      ...plan,
      plan: { ...plan.plan, funds: '' },
    });
    expect(noFunds.statusCode).toBe(400);
    expect(noFunds.json().error).toMatchObject({ code: 'MISSING_FIELD', field: 'plan.funds' });
    const noInterim = await act(env, w.u.deptA.headers, major.id, 'confirm', 1, { plan: plan.plan });
    expect(noInterim.json().error.field).toBe('interimMeasures');
    const m = (await getHazard(env, w.u.deptA.headers, major.id)).json();
    expect(m).toMatchObject({ status: 'reported', version: 1, plan: null });
  });

  it('answers 409 ILLEGAL_ACTION, 409 STALE_VERSION and 403 FORBIDDEN_ACTION without writing', async () => {
    const h = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      rectification: { deadline: day(env, 5) },
    });
    const illegal = await act(env, w.u.deptA.headers, h.id, 'verify', 1);
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json().error.code).toBe('ILLEGAL_ACTION');
    const closeNow = await act(env, w.u.deptA.headers, h.id, 'close', 1);
    expect(closeNow.json().error.code).toBe('ILLEGAL_ACTION');
    const submitted = await step(env, w.u.entStaff.headers, h.id, 'submit', 1, { note: '已整改' });
    expect(submitted.version).toBe(2);
    const stale = await act(env, w.u.deptA.headers, h.id, 'verify', 1);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'STALE_VERSION', currentVersion: 2 });
    const byStaff = await act(env, w.u.entStaff.headers, h.id, 'verify', 2);
    expect(byStaff.statusCode).toBe(403);
    expect(byStaff.json().error.code).toBe('FORBIDDEN_ACTION');
    const byLeader = await act(env, w.u.leader.headers, h.id, 'verify', 2);
    expect(byLeader.statusCode).toBe(403);
    const d = (await getHazard(env, w.u.deptA.headers, h.id)).json();
    expect(d).toMatchObject({ status: 'submitted', version: 2 });
    expect(d.history.map((e: { action: string }) => e.action)).toEqual(['create', 'submit']);
  });

  it('closes a general hazard on the self path, and a spot check reopens it', async () => {
    const h = await newHazard(env, w.u.entStaff.headers, {
      source: 'self_check',
      rectification: { deadline: day(env, 7) },
    });
    let d = (await getHazard(env, w.u.entStaff.headers, h.id)).json();
    expect(d.allowedActions).toEqual(['submit']);
    expect((await getHazard(env, w.u.entAdmin.headers, h.id)).json().allowedActions).toEqual([
      'submit',
      'request_extension',
    ]);
    d = await step(env, w.u.entStaff.headers, h.id, 'submit', 1, { note: '已更换防护罩' });
    expect(d.status).toBe('submitted');
    expect(d.allowedActions).toEqual([]);
    const returned = await step(env, w.u.entAdmin.headers, h.id, 'return', 2, { reason: '防护罩未固定' });
    expect(returned.status).toBe('rectifying');
    d = await step(env, w.u.entStaff.headers, h.id, 'submit', 3, { note: '已固定' });
    d = await step(env, w.u.entAdmin.headers, h.id, 'verify', 4, { note: '验收合格' });
    expect(d).toMatchObject({
      status: 'verified',
      verification: { verifierName: w.u.entAdmin.username, opinion: '验收合格' },
    });
    d = await step(env, w.u.entAdmin.headers, h.id, 'close', 5);
    expect(d.status).toBe('closed');
    expect(d.closedAt).not.toBeNull();
    expect((await getHazard(env, w.u.townA.headers, h.id)).json().allowedActions).toEqual(['return']);
    d = await step(env, w.u.townA.headers, h.id, 'return', 6, { reason: '抽查发现仍未整改', newDeadline: day(env, 3) });
    expect(d).toMatchObject({ status: 'rectifying', deadline: day(env, 3), closedAt: null });
    const history = (d.history as { action: string; from: string; to: string }[]).map(
      (e) => `${e.action}:${e.to ?? ''}`,
    );
    expect(history).toEqual([
      'create:rectifying',
      'submit:submitted',
      'return:rectifying',
      'submit:submitted',
      'verify:verified',
      'close:closed',
      'return:rectifying',
    ]);
    const audits = await env.p.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', h.id)
      .orderBy('id')
      .execute();
    expect(audits.map((a) => a.action)).toEqual([
      'hazard.created',
      'hazard.submit',
      'hazard.return',
      'hazard.submit',
      'hazard.verify',
      'hazard.close',
      'hazard.return',
    ]);
  });

  it('closes a supervised general hazard with evidence; the parties are notified; files follow the hazard scope', async () => {
    const photo = await upload(env, w.u.deptA.headers, await png('#00f'), 'site.png');
    const h = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      photoFileIds: [photo],
      rectification: { deadline: day(env, 5) },
    });
    const evidence = await upload(env, w.u.entStaff.headers, await png('#0f0'), 'fixed.png');
    let d = await step(env, w.u.entStaff.headers, h.id, 'submit', 1, { evidenceFileIds: [evidence] });
    expect(d.status).toBe('submitted');
    expect((d.evidence as { id: string }[]).map((f) => f.id)).toEqual([evidence]);
    expect((d.photos as { id: string }[]).map((f) => f.id)).toEqual([photo]);
    const reuse = await act(env, w.u.entStaff.headers, h.id, 'return', 2, { reason: 'x' });
    expect(reuse.statusCode).toBe(403);
    d = await step(env, w.u.deptA.headers, h.id, 'verify', 2, { note: '复查合格' });
    d = await step(env, w.u.deptA.headers, h.id, 'close', 3);
    expect(d.status).toBe('closed');
    for (const [who, code] of [
      [w.u.deptA, 200],
      [w.u.townA, 200],
      [w.u.entAdmin, 200],
      [w.u.deptB, 404],
      [w.u.townB, 404],
      [w.u.entAdminB, 404],
    ] as const) {
      const res = await env.app.inject({ url: `/api/files/${evidence}`, headers: who.headers });
      expect(res.statusCode, who.username).toBe(code);
    }
    const notes = await env.p.db
      .selectFrom('notifications')
      .select(['user_id', 'kind'])
      .where('entity_id', '=', h.id)
      // the escalation job of another test file may run on a shared database: only the workflow's own here
      .where('kind', 'not in', ['hazard.remind', 'hazard.overdue', 'hazard.summon'])
      .execute();
    const kindsFor = (id: string) =>
      notes
        .filter((n) => n.user_id === id)
        .map((n) => n.kind)
        .sort();
    expect(kindsFor(w.u.entAdmin.id)).toEqual(['hazard.close', 'hazard.created', 'hazard.submit', 'hazard.verify']);
    expect(kindsFor(w.u.townA.id)).toContain('hazard.submit');
    expect(kindsFor(w.u.deptA.id)).toEqual(['hazard.submit']);
    expect(kindsFor(w.u.deptB.id)).toEqual([]);
  });

  it('takes a major hazard from report through plan, extension and evidence to county closure', async () => {
    const h = await newHazard(env, w.u.entAdmin.headers, {
      source: 'self_check',
      catalogItemCode: 'coal-04',
      description: '瓦斯监控系统传感器缺失',
    });
    expect(h.status).toBe('reported');
    expect((await getHazard(env, w.u.deptA.headers, h.id)).json().allowedActions).toEqual(['confirm', 'reject']);
    expect((await getHazard(env, w.u.townA.headers, h.id)).json().allowedActions).toEqual([]);
    expect((await getHazard(env, w.u.entAdmin.headers, h.id)).json().allowedActions).toEqual([]);
    const deadline = day(env, 20);
    let d = await step(env, w.u.deptA.headers, h.id, 'confirm', 1, PLAN(deadline));
    expect(d).toMatchObject({
      status: 'rectifying',
      deadline,
      plan: { owner: '王矿长', deadline },
      interimMeasures: '停止该区域作业，加强通风检测',
      rectification: { measures: '加装瓦斯抽采系统', responsiblePerson: '王矿长', funds: '50万元' },
    });
    expect((await getHazard(env, w.u.entStaff.headers, h.id)).json().allowedActions).toEqual([]);
    d = await step(env, w.u.entAdmin.headers, h.id, 'request_extension', 2, {
      reason: '设备到货延迟',
      requestedDeadline: day(env, 40),
    });
    expect(d).toMatchObject({ extension: { pending: true, requestedDeadline: day(env, 40) } });
    const twice = await act(env, w.u.entAdmin.headers, h.id, 'request_extension', 3, {
      reason: '再延',
      requestedDeadline: day(env, 50),
    });
    expect(twice.json().error.code).toBe('ILLEGAL_ACTION');
    const byTown = await act(env, w.u.townA.headers, h.id, 'decide_extension', 3, {
      approved: true,
      newDeadline: day(env, 35),
    });
    expect(byTown.statusCode).toBe(403);
    d = await step(env, w.u.deptA.headers, h.id, 'decide_extension', 3, { approved: true, newDeadline: day(env, 35) });
    expect(d).toMatchObject({ deadline: day(env, 35), extension: { pending: false, requested: false } });
    const noEvidence = await act(env, w.u.entAdmin.headers, h.id, 'submit', 4, { note: '已完成' });
    expect(noEvidence.json().error).toMatchObject({ code: 'MISSING_FIELD', field: 'evidenceFileIds' });
    const ev = await upload(env, w.u.entAdmin.headers, await png('#123'));
    d = await step(env, w.u.entAdmin.headers, h.id, 'submit', 4, {
      note: '已完成整改，申请销号',
      evidenceFileIds: [ev],
    });
    d = await step(env, w.u.deptA.headers, h.id, 'verify', 5, { note: '现场审查合格' });
    expect(d.status).toBe('verified');
    const deptClose = await act(env, w.u.deptA.headers, h.id, 'close', 6);
    expect(deptClose.statusCode).toBe(403);
    expect((await getHazard(env, w.u.county.headers, h.id)).json().allowedActions).toEqual(['return', 'close']);
    d = await step(env, w.u.county.headers, h.id, 'close', 6, { note: '同意销号' });
    expect(d.status).toBe('closed');
    const rejected = await newHazard(env, w.u.entAdmin.headers, {
      source: 'self_check',
      level: 'major',
      majorBasis: '疑似重大',
    });
    d = await step(env, w.u.deptA.headers, rejected.id, 'reject', 1, { reason: '不构成重大隐患' });
    expect(d).toMatchObject({ status: 'rejected', rejectedReason: '不构成重大隐患', allowedActions: [] });
  });

  it('lets exactly one of two simultaneous verifiers win; the other gets 409', async () => {
    const h = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      rectification: { deadline: day(env, 5) },
    });
    await step(env, w.u.entStaff.headers, h.id, 'submit', 1, { note: '已整改' });
    const [a, b] = await Promise.all([
      act(env, w.u.deptA.headers, h.id, 'verify', 2, { note: 'A' }),
      act(env, w.u.deptA2.headers, h.id, 'verify', 2, { note: 'B' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error).toMatchObject({ code: 'STALE_VERSION', currentVersion: 3 });
    const events = await env.p.db
      .selectFrom('hazard_events')
      .select('action')
      .where('hazard_id', '=', h.id)
      .where('action', '=', 'verify')
      .execute();
    expect(events).toHaveLength(1);
    const d = (await getHazard(env, w.u.deptA.headers, h.id)).json();
    expect(d).toMatchObject({ status: 'verified', version: 3 });
  });

  it('keeps every read and action inside the jurisdiction (404 outside)', async () => {
    const a = await newHazard(env, w.u.townA.headers, {
      enterpriseId: w.entA.id,
      source: 'patrol',
      rectification: { deadline: day(env, 5) },
    });
    const b = await newHazard(env, w.u.townB.headers, {
      enterpriseId: w.entB.id,
      source: 'patrol',
      rectification: { deadline: day(env, 5) },
    });
    for (const who of [w.u.townB, w.u.deptB, w.u.entAdminB]) {
      expect((await getHazard(env, who.headers, a.id)).statusCode).toBe(404);
      const res = await act(env, who.headers, a.id, 'submit', 1, { note: 'x' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    for (const who of [w.u.townA, w.u.deptA, w.u.entAdmin, w.u.village]) {
      expect((await getHazard(env, who.headers, b.id)).statusCode).toBe(404);
    }
    expect((await getHazard(env, w.u.townA.headers, 'not-a-uuid')).statusCode).toBe(404);
    const listA = await env.app.inject({ url: '/api/hazards?pageSize=200', headers: w.u.townA.headers });
    const idsA = listA.json().items.map((h: { id: string }) => h.id);
    expect(idsA).toContain(a.id);
    expect(idsA).not.toContain(b.id);
    expect(listA.json().items.every((h: { enterpriseId: string }) => h.enterpriseId === w.entA.id)).toBe(true);
    expect(listA.json().total).toBe(await countHazards(w.entA.id));
    const listB = await env.app.inject({ url: '/api/hazards?pageSize=200', headers: w.u.deptB.headers });
    expect(listB.json().items.map((h: { id: string }) => h.id)).toEqual([b.id]);
    expect(listB.json().total).toBe(1);
    const county = await env.app.inject({ url: `/api/hazards?enterpriseId=${w.entB.id}`, headers: w.u.county.headers });
    expect(county.json().items.map((h: { id: string }) => h.id)).toEqual([b.id]);
    const unauth = await env.app.inject({ url: '/api/hazards' });
    expect(unauth.statusCode).toBe(401);
  });

  it('lists with filters, keyset pages and a patch of the descriptive fields', async () => {
    const ent = w.entA.id;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      env.clock.advance(1000);
      made.push(
        (
          await newHazard(env, w.u.deptA.headers, {
            enterpriseId: ent,
            source: 'inspection',
            rectification: { deadline: day(env, 1 + i) },
          })
        ).id,
      );
    }
    const page1 = await env.app.inject({
      url: `/api/hazards?enterpriseId=${ent}&pageSize=2&withTotal=false`,
      headers: w.u.deptA.headers,
    });
    expect(page1.json().total).toBeNull();
    expect(page1.json().items.map((h: { id: string }) => h.id)).toEqual([made[4], made[3]]);
    const page2 = await env.app.inject({
      url: `/api/hazards?enterpriseId=${ent}&pageSize=2&cursor=${page1.json().nextCursor}`,
      headers: w.u.deptA.headers,
    });
    expect(page2.json().items.map((h: { id: string }) => h.id)).toEqual([made[2], made[1]]);
    // The county-wide list walks the newest-first index; the keyset continues it without repeats.
    const c1 = (await env.app.inject({ url: '/api/hazards?pageSize=3', headers: w.u.county.headers })).json();
    expect(c1.items).toHaveLength(3);
    expect(c1.totalExact).toBe(true);
    const c2 = (
      await env.app.inject({ url: `/api/hazards?pageSize=3&cursor=${c1.nextCursor}`, headers: w.u.county.headers })
    ).json();
    const seq = [...c1.items, ...c2.items].map((h: { createdAt: string; id: string }) => `${h.createdAt}|${h.id}`);
    expect(seq).toEqual([...seq].sort().reverse());
    expect(new Set(seq).size).toBe(seq.length);
    expect(c2.items.length).toBeGreaterThanOrEqual(2);
    const badCursor = await env.app.inject({ url: '/api/hazards?cursor=xyz', headers: w.u.county.headers });
    expect(badCursor.statusCode).toBe(400);
    const bySource = await env.app.inject({
      url: `/api/hazards?enterpriseId=${ent}&source=self_check&status=rectifying,submitted`,
      headers: w.u.county.headers,
    });
    expect(bySource.json().items.every((h: { source: string }) => h.source === 'self_check')).toBe(true);
    await newHazard(env, w.u.deptA.headers, {
      enterpriseId: ent,
      source: 'inspection',
      level: 'major',
      majorBasis: '测试',
    });
    const majors = await env.app.inject({
      url: `/api/hazards?enterpriseId=${ent}&level=major`,
      headers: w.u.county.headers,
    });
    expect(majors.json().items.every((h: { level: string }) => h.level === 'major')).toBe(true);
    expect(majors.json().total).toBeGreaterThan(0);
    // Two of them passed their deadline (set in the database: the API refuses past deadlines).
    await env.p.db
      .updateTable('hazards')
      .set({ deadline: day(env, -2) })
      .where('id', 'in', [made[0] as string, made[1] as string])
      .execute();
    const overdue = await env.app.inject({
      url: `/api/hazards?enterpriseId=${ent}&overdue=true&pageSize=200`,
      headers: w.u.county.headers,
    });
    const overdueIds = overdue.json().items.map((h: { id: string }) => h.id);
    expect(overdueIds).toContain(made[0]);
    expect(overdueIds).toContain(made[1]);
    expect(overdueIds).not.toContain(made[4]);
    expect(overdue.json().items.every((h: { overdue: boolean }) => h.overdue)).toBe(true);
    const byDay = await env.app.inject({
      url: `/api/hazards?enterpriseId=${ent}&from=${day(env, 1)}`,
      headers: w.u.county.headers,
    });
    const today = await env.app.inject({
      url: `/api/hazards?enterpriseId=${ent}&from=${day(env)}&to=${day(env)}`,
      headers: w.u.county.headers,
    });
    expect(today.json().total).toBe(await countHazards(ent));
    expect(byDay.json().total).toBe(0);
    const bad = await env.app.inject({ url: '/api/hazards?status=nope', headers: w.u.county.headers });
    expect(bad.statusCode).toBe(400);

    const id = made[4] as string;
    const patched = await env.app.inject({
      method: 'PATCH',
      url: `/api/hazards/${id}`,
      headers: w.u.entAdmin.headers,
      payload: { version: 1, rectification: { measures: '更换', responsiblePerson: '赵六' } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      version: 2,
      rectification: { measures: '更换', responsiblePerson: '赵六' },
    });
    const stale = await env.app.inject({
      method: 'PATCH',
      url: `/api/hazards/${id}`,
      headers: w.u.entAdmin.headers,
      payload: { version: 1, place: 'y' },
    });
    expect(stale.json().error.code).toBe('STALE_VERSION');
    const outside = await env.app.inject({
      method: 'PATCH',
      url: `/api/hazards/${id}`,
      headers: w.u.entAdminB.headers,
      payload: { version: 2, place: 'y' },
    });
    expect(outside.statusCode).toBe(404);
  });

  it('writes each list item as the hazard row reads: instants to the millisecond, dates, days left, text as JSON', async () => {
    const ent = w.entA.id;
    const { id } = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: ent,
      source: 'inspection',
      rectification: { deadline: day(env, 4) },
    });
    const { id: noDeadline } = await newHazard(env, w.u.entAdmin.headers, {
      enterpriseId: ent,
      source: 'self_check',
      rectification: { deadline: day(env, 2) },
    });
    await env.p.db.updateTable('hazards').set({ deadline: null }).where('id', '=', noDeadline).execute();
    // Microseconds (PostgreSQL keeps them, the API writes milliseconds like a JS Date), a past deadline, and text
    // that JSON must escape.
    await env.p.db
      .updateTable('hazards')
      .set({
        found_at: new Date('2024-02-29T23:59:59.999Z'),
        deadline: day(env, -3),
        description: '瓦斯 "超限"\n\\ </script><b>x</b> \u0001 😀',
      })
      .where('id', '=', id)
      .execute();
    // Both the newest of the enterprise, created within the same millisecond.
    await sql`update hazards set created_at = '2099-01-01T00:00:00.123900Z' where id = ${id}`.execute(env.p.db);
    await sql`update hazards set created_at = '2099-01-01T00:00:00.123400Z' where id = ${noDeadline}`.execute(env.p.db);
    const res = await env.app.inject({
      url: `/api/hazards?enterpriseId=${ent}&pageSize=200`,
      headers: w.u.county.headers,
    });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const items = res.json().items as Record<string, unknown>[];
    const rows = await env.p.db
      .selectFrom('hazards')
      .innerJoin('enterprises', 'enterprises.id', 'hazards.enterprise_id')
      .leftJoin('regions as township', 'township.code', 'enterprises.region_level2')
      .selectAll('hazards')
      .select(['enterprises.name as enterprise_name', 'enterprises.region_code', 'enterprises.region_path'])
      .select('township.name as township_name')
      .where('hazards.id', 'in', [id, noDeadline])
      .execute();
    const today = day(env);
    const daysTo = (d: string) => Math.round((Date.parse(d) - Date.parse(today)) / 86_400_000);
    for (const h of rows) {
      const item = items.find((i) => i.id === h.id);
      expect(item).toEqual({
        id: h.id,
        code: h.code,
        enterpriseId: h.enterprise_id,
        enterpriseName: h.enterprise_name,
        regionCode: h.region_code,
        townshipCode: h.region_path.split('/')[2],
        townshipName: h.township_name,
        place: h.place,
        sector: h.sector,
        category: h.category,
        level: h.level,
        path: h.path,
        status: h.status,
        source: h.source,
        description: h.description,
        finderName: h.finder_name,
        foundAt: h.found_at.toISOString(),
        deadline: h.deadline,
        daysLeft: h.deadline ? daysTo(h.deadline) : null,
        overdue: h.status === 'rectifying' && h.deadline !== null && h.deadline < today,
        pendingExtension: h.pending_extension,
        catalogItemCode: h.catalog_item_code,
        createdAt: h.created_at.toISOString(),
        updatedAt: h.updated_at.toISOString(),
        version: h.version,
      });
    }
    const overdueItem = items.find((i) => i.id === id);
    expect(overdueItem).toMatchObject({
      foundAt: '2024-02-29T23:59:59.999Z',
      createdAt: '2099-01-01T00:00:00.123Z',
      daysLeft: -3,
      overdue: true,
    });
    expect(overdueItem?.description).toBe('瓦斯 "超限"\n\\ </script><b>x</b> \u0001 😀');
    expect(items.find((i) => i.id === noDeadline)).toMatchObject({ deadline: null, daysLeft: null, overdue: false });
    // The cursor continues after the page's last row to the microsecond: the second row, created later within
    // the same millisecond, is not skipped.
    const first = (
      await env.app.inject({ url: `/api/hazards?enterpriseId=${ent}&pageSize=1`, headers: w.u.county.headers })
    ).json();
    expect(first.items.map((i: { id: string }) => i.id)).toEqual([id]);
    const next = (
      await env.app.inject({
        url: `/api/hazards?enterpriseId=${ent}&pageSize=1&cursor=${first.nextCursor}`,
        headers: w.u.county.headers,
      })
    ).json();
    expect(next.items.map((i: { id: string }) => i.id)).toEqual([noDeadline]);
  });

  it('serves the major-hazard catalog from the database and lets the county extend it', async () => {
    const all = await env.app.inject({ url: '/api/hazard-catalog?sector=coal_mine', headers: w.u.entStaff.headers });
    expect(all.statusCode).toBe(200);
    expect(all.json().items.length).toBe(15);
    expect(all.json().catalogs.map((c: { code: string }) => c.code)).toEqual(
      expect.arrayContaining(['coal_mine', 'hazardous_chemicals', 'industry_trade']),
    );
    const code = `local-${Date.now().toString(36)}`;
    const denied = await env.app.inject({
      method: 'POST',
      url: '/api/hazard-catalog',
      headers: w.u.deptA.headers,
      payload: { code, catalog: 'coal_mine', sectorCodes: ['coal_mine'], textZh: '本县补充' },
    });
    expect(denied.statusCode).toBe(403);
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/hazard-catalog',
      headers: w.u.county.headers,
      payload: {
        code,
        catalog: 'coal_mine',
        sectorCodes: ['coal_mine'],
        textZh: '本县补充：井下违规使用明火',
        basis: '县安委办〔2026〕1号',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const dup = await env.app.inject({
      method: 'POST',
      url: '/api/hazard-catalog',
      headers: w.u.county.headers,
      payload: { code, catalog: 'coal_mine', sectorCodes: [], textZh: 'x' },
    });
    expect(dup.statusCode).toBe(409);
    const h = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      catalogItemCode: code,
    });
    const d = (await getHazard(env, w.u.deptA.headers, h.id)).json();
    expect(d).toMatchObject({ level: 'major', status: 'reported', catalogItemCode: code });
    expect(d.majorBasis).toContain('县安委办〔2026〕1号');
    const off = await env.app.inject({
      method: 'PATCH',
      url: `/api/hazard-catalog/${code}`,
      headers: w.u.county.headers,
      payload: { version: 1, active: false },
    });
    expect(off.json()).toMatchObject({ active: false, version: 2 });
    const withdrawn = await createHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      catalogItemCode: code,
    });
    expect(withdrawn.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'catalogItemCode' });
    const badCatalog = await env.app.inject({
      method: 'POST',
      url: '/api/hazard-catalog',
      headers: w.u.county.headers,
      payload: { code: `${code}-2`, catalog: 'no_such', sectorCodes: [], textZh: 'x' },
    });
    expect(badCatalog.json().error.field).toBe('catalog');
  });
});
