import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDayStart } from '../src/core/hazards/index.js';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import { day, getHazard, type HazardWorld, type Headers, hazardWorld, newHazard, step } from './hazards-fixtures.js';

/** An hour of a local date (Asia/Shanghai). */
const at = (date: string, hour: number) => new Date(localDayStart(date).getTime() + hour * 3_600_000);

/** Summons records (date, attendees, notes) and the `editable` flag of the hazard detail, for the web pages. */
describe.each(DATABASES)('hazard summons records and hazard editing on $name', (dbc) => {
  let env: TestEnv;
  let w: HazardWorld;
  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await hazardWorld(env);
  });
  afterAll(() => env?.close());

  /**
   * A pending summons task of the hazard's department, created by the ladder in the past: the clock goes back to
   * `from` (sessions stay valid), the hazard is recorded with a deadline 3 days later, the ladder runs 8 days after
   * the deadline, and the clock comes back. Answers the hazard and the day the summons was created.
   */
  async function pastSummons(from: string, enterpriseId: string, headers: Headers) {
    const now = env.clock.now();
    env.clock.set(at(from, 10));
    try {
      const deadline = addDays(from, 3);
      const h = await newHazard(env, headers, {
        enterpriseId,
        source: 'inspection',
        rectification: { deadline },
      });
      const summonedDay = addDays(deadline, 8);
      await env.p.jobs.runNow('hazards.escalate', at(summonedDay, 8));
      return { h, deadline, summonedDay };
    } finally {
      env.clock.set(now);
    }
  }

  it('records a summons with its date, attendees and notes: validated, scoped, one record, audited', async () => {
    const { h, deadline, summonedDay } = await pastSummons('2026-05-01', w.entB.id, w.u.deptB.headers);
    const pending = (
      await env.app.inject({ url: `/api/hazard-summons?enterpriseId=${w.entB.id}`, headers: w.u.deptB.headers })
    ).json();
    expect(pending.items).toHaveLength(1);
    const s = pending.items[0];
    expect(s).toMatchObject({
      hazardId: h.id,
      hazardCode: h.code,
      deadline,
      status: 'pending',
      attendees: [],
      canRecord: true,
      version: 1,
    });
    // The township sees it but may not record it; department A does not see it at all.
    const town = (await env.app.inject({ url: `/api/hazard-summons/${s.id}`, headers: w.u.townB.headers })).json();
    expect(town).toMatchObject({ id: s.id, canRecord: false });
    expect((await env.app.inject({ url: `/api/hazard-summons/${s.id}`, headers: w.u.deptA.headers })).statusCode).toBe(
      404,
    );
    expect(
      (await env.app.inject({ url: '/api/hazard-summons', headers: w.u.deptA.headers }))
        .json()
        .items.map((x: { id: string }) => x.id),
    ).not.toContain(s.id);

    const heldAt = at(addDays(summonedDay, 1), 9).toISOString();
    const good = {
      version: 1,
      heldAt,
      attendees: ['企业主要负责人 李四', '安全管理人员 王五', '县住建局 赵六'],
      note: '约谈企业主要负责人，责令三日内完成整改并书面报告',
    };
    const record = (headers: Headers, payload: object) =>
      env.app.inject({ method: 'POST', url: `/api/hazard-summons/${s.id}/record`, headers, payload });

    expect((await record(w.u.deptA.headers, good)).statusCode).toBe(404);
    const byTown = await record(w.u.townB.headers, good);
    expect(byTown.statusCode).toBe(403);
    expect(byTown.json().error.code).toBe('FORBIDDEN_ACTION');
    const noAttendees = await record(w.u.deptB.headers, { ...good, attendees: [] });
    expect(noAttendees.statusCode).toBe(400);
    expect(noAttendees.json().error.fields[0].path).toBe('attendees');
    const blankAttendee = await record(w.u.deptB.headers, { ...good, attendees: ['  '] });
    expect(blankAttendee.statusCode).toBe(400);
    const noNote = await record(w.u.deptB.headers, { ...good, note: ' ' });
    expect(noNote.statusCode).toBe(400);
    const ahead = await record(w.u.deptB.headers, {
      ...good,
      heldAt: new Date(env.clock.now().getTime() + 86_400_000).toISOString(),
    });
    expect(ahead.statusCode).toBe(400);
    expect(ahead.json().error.field).toBe('heldAt');
    const before = await record(w.u.deptB.headers, { ...good, heldAt: at(addDays(summonedDay, -1), 9).toISOString() });
    expect(before.statusCode).toBe(400);
    expect(before.json().error.field).toBe('heldAt');
    const cancelledWithPeople = await record(w.u.deptB.headers, { ...good, outcome: 'cancelled' });
    expect(cancelledWithPeople.statusCode).toBe(400);
    const stale = await record(w.u.deptB.headers, { ...good, version: 2 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('STALE_VERSION');
    // Nothing was written by any refusal.
    const untouched = await env.p.db
      .selectFrom('hazard_summons')
      .select(['status', 'version', 'attendees'])
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(untouched).toEqual({ status: 'pending', version: 1, attendees: [] });

    const ok = await record(w.u.deptB.headers, good);
    expect(ok.statusCode, ok.body).toBe(200);
    const body = ok.json();
    expect(body).toMatchObject({
      status: 'held',
      heldAt,
      attendees: good.attendees,
      note: good.note,
      recordedBy: w.u.deptB.username,
      canRecord: false,
      version: 2,
    });
    expect(body.history.at(-1)).toMatchObject({ action: 'held', reason: good.note });
    expect(body.history.at(-1).data).toMatchObject({ attendees: good.attendees });
    expect((await record(w.u.deptB.headers, { ...good, version: 2 })).json().error.code).toBe('ILLEGAL_ACTION');
    const audits = await env.p.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity_id', '=', s.id)
      .where('action', '=', 'hazard.summons_held')
      .execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]?.after).toMatchObject({ attendees: good.attendees, status: 'held' });
    const detail = (await getHazard(env, w.u.deptB.headers, h.id)).json();
    expect(detail.summons).toEqual([expect.objectContaining({ id: s.id, status: 'held', attendees: good.attendees })]);
    expect(
      (await env.app.inject({ url: '/api/hazard-summons?status=held', headers: w.u.deptB.headers }))
        .json()
        .items.map((x: { id: string }) => x.id),
    ).toContain(s.id);
  });

  it('cancels a summons with a note and no date or attendees', async () => {
    await pastSummons('2026-04-01', w.entA.id, w.u.deptA.headers);
    const s = (
      await env.app.inject({
        url: `/api/hazard-summons?status=pending&enterpriseId=${w.entA.id}`,
        headers: w.u.county.headers,
      })
    ).json().items[0];
    expect(s).toMatchObject({ canRecord: true });
    const res = await env.app.inject({
      method: 'POST',
      url: `/api/hazard-summons/${s.id}/record`,
      headers: w.u.county.headers,
      payload: { version: s.version, outcome: 'cancelled', note: '企业已完成整改，取消约谈' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled', heldAt: null, attendees: [] });
  });

  it('tells the web app whether a hazard may be edited and enforces the same rule on PATCH', async () => {
    const h = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      rectification: { deadline: day(env, 10) },
    });
    const editable = async (headers: Headers) => (await getHazard(env, headers, h.id)).json().editable;
    expect(await editable(w.u.deptA.headers)).toBe(true);
    expect(await editable(w.u.entStaff.headers)).toBe(true);
    expect(await editable(w.u.townA.headers)).toBe(true);
    expect(await editable(w.u.leader.headers)).toBe(false);
    const patch = (headers: Headers, payload: object) =>
      env.app.inject({ method: 'PATCH', url: `/api/hazards/${h.id}`, headers, payload });
    expect((await patch(w.u.leader.headers, { version: 1, place: '二号井口' })).statusCode).toBe(403);
    expect((await patch(w.u.entAdminB.headers, { version: 1, place: '二号井口' })).statusCode).toBe(404);
    expect((await patch(w.u.townB.headers, { version: 1, place: '二号井口' })).statusCode).toBe(404);
    const ok = await patch(w.u.entStaff.headers, {
      version: 1,
      place: '二号井口',
      rectification: { measures: '更换防爆开关', responsiblePerson: '机电队长', funds: '3000 元' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      place: '二号井口',
      rectification: { measures: '更换防爆开关', responsiblePerson: '机电队长', funds: '3000 元' },
      version: 2,
      editable: true,
    });
    const stale = await patch(w.u.deptA.headers, { version: 1, description: '旧版本上的修改' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'STALE_VERSION', currentVersion: 2 });

    await step(env, w.u.entStaff.headers, h.id, 'submit', 2, { note: '已更换' });
    await step(env, w.u.deptA.headers, h.id, 'verify', 3);
    const closed = await step(env, w.u.deptA.headers, h.id, 'close', 4);
    expect(closed).toMatchObject({ status: 'closed', editable: false });
    const late = await patch(w.u.deptA.headers, { version: 5, place: '三号井口' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('ILLEGAL_ACTION');
  });

  it('tells the triage people of a new report: the county for a public one, the safety managers for an employee one', async () => {
    const pub = await env.app.inject({
      method: 'POST',
      url: '/api/public/reports',
      payload: { text: '某厂仓库堆放大量油漆桶，无人看管' },
    });
    expect(pub.statusCode, pub.body).toBe(201);
    const pubId = (
      await env.p.db
        .selectFrom('public_reports')
        .select('id')
        .where('tracking_code', '=', pub.json().trackingCode)
        .executeTakeFirstOrThrow()
    ).id;
    const emp = await env.app.inject({
      method: 'POST',
      url: '/api/reports',
      headers: w.u.entStaff.headers,
      payload: { text: '二号车间配电箱门损坏', place: '二号车间' },
    });
    expect(emp.statusCode, emp.body).toBe(201);
    const told = async (reportId: string) =>
      (
        await env.p.db
          .selectFrom('notifications')
          .select(['user_id', 'title_zh'])
          .where('entity_id', '=', reportId)
          .where('kind', '=', 'report.received')
          .execute()
      )
        .map((n) => `${n.user_id}:${n.title_zh}`)
        .sort();
    expect(await told(pubId)).toEqual([`${w.u.county.id}:收到一条新的群众举报，请及时分办`]);
    expect(await told(emp.json().id)).toEqual(
      [w.u.entAdmin.id, w.u.entAdmin2.id].map((id) => `${id}:收到一条职工隐患报告，请及时核查`).sort(),
    );
  });
  it('links report notifications to the triage page (or the hazard for the reporter) and says who may record the reward', async () => {
    const linksOf = async (reportId: string) =>
      (
        await env.p.db
          .selectFrom('notifications')
          .select(['user_id', 'kind', 'link'])
          .where('entity_id', '=', reportId)
          .orderBy('id')
          .execute()
      ).map((n) => `${n.kind} ${n.user_id === w.u.entStaff.id ? 'reporter' : 'triage'} ${n.link}`);
    const detail = async (headers: Headers, id: string) => {
      const res = await env.app.inject({ url: `/api/reports/${id}`, headers });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const post = async (headers: Headers, url: string, payload: object) => {
      const res = await env.app.inject({ method: 'POST', url, headers, payload });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json();
    };

    // A public report: the county office is told with a link to the report on the triage page, then the department.
    const filed = await env.app.inject({
      method: 'POST',
      url: '/api/public/reports',
      payload: { text: '某矿夜间违规组织生产', regionCode: w.a.village },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const pub = await env.p.db
      .selectFrom('public_reports')
      .select(['id', 'version'])
      .where('tracking_code', '=', filed.json().trackingCode)
      .executeTakeFirstOrThrow();
    const triage = `/hazards/reports?report=${pub.id}`;
    expect(await detail(w.u.county.headers, pub.id)).toMatchObject({ canTriage: true, canReward: false });
    await post(w.u.county.headers, `/api/reports/${pub.id}/transfer`, { version: pub.version, departmentId: w.deptA });
    const accepted = await post(w.u.deptA.headers, `/api/reports/${pub.id}/accept`, {
      version: pub.version + 1,
      enterpriseId: w.entA.id,
      category: 'operation',
      rectification: { deadline: day(env, 5) },
    });
    expect(new Set(await linksOf(pub.id))).toEqual(
      new Set([`report.received triage ${triage}`, `report.transferred triage ${triage}`]),
    );
    // Accepted: the fine (and its reward) may be recorded by the department and the county, not by the township.
    expect(await detail(w.u.deptA.headers, pub.id)).toMatchObject({ canTriage: false, canReward: true });
    expect(await detail(w.u.county.headers, pub.id)).toMatchObject({ canReward: true });
    expect(await detail(w.u.townA.headers, pub.id)).toMatchObject({ canReward: false });
    const cur = await detail(w.u.deptA.headers, pub.id);
    await post(w.u.deptA.headers, `/api/reports/${pub.id}/fine`, {
      version: cur.version,
      fineYuan: 10_000,
      decisionNumber: '阳能源罚〔2026〕21号',
    });
    expect(await detail(w.u.deptA.headers, pub.id)).toMatchObject({ canReward: false, reward: { rewardYuan: 3_000 } });
    expect(accepted.hazard.id).toBeTruthy();

    // An employee report: the safety managers get the triage link; the reporter is sent to the hazard it became.
    const emp = await post(w.u.entStaff.headers, '/api/reports', {
      text: '三号皮带巷消防水管漏水',
      place: '三号皮带巷',
    });
    expect(await detail(w.u.entAdmin.headers, emp.id)).toMatchObject({ canTriage: true, canReward: false });
    const acc = await post(w.u.entAdmin.headers, `/api/reports/${emp.id}/accept`, {
      version: (await detail(w.u.entAdmin.headers, emp.id)).version,
      category: 'fire',
      rectification: { deadline: day(env, 3) },
    });
    const hazardId = acc.hazard.id;
    // The triage is done (canTriage false), the internal reward is now the safety manager's to record.
    expect(await detail(w.u.entAdmin.headers, emp.id)).toMatchObject({ canTriage: false, canReward: true });
    expect(await detail(w.u.entStaff.headers, emp.id)).toMatchObject({ canReward: false });
    await post(w.u.entAdmin.headers, `/api/reports/${emp.id}/reward`, {
      version: (await detail(w.u.entAdmin.headers, emp.id)).version,
      amountYuan: 500,
    });
    expect(await detail(w.u.entAdmin.headers, emp.id)).toMatchObject({ canReward: false, reward: { rewardYuan: 500 } });
    const empTriage = `/hazards/reports?report=${emp.id}`;
    expect(new Set(await linksOf(emp.id))).toEqual(
      new Set([
        `report.received triage ${empTriage}`,
        `report.accepted reporter /hazards/${hazardId}`,
        `report.rewarded reporter /hazards/${hazardId}`,
      ]),
    );

    // Rejected: the reporter has no page of reports, so the notification carries the reply and no link.
    const other = await post(w.u.entStaff.headers, '/api/reports', { text: '食堂地面湿滑' });
    await post(w.u.entAdmin.headers, `/api/reports/${other.id}/reject`, {
      version: (await detail(w.u.entAdmin.headers, other.id)).version,
      reply: '已当场处理，不作为隐患登记',
    });
    expect(new Set(await linksOf(other.id))).toEqual(
      new Set([`report.received triage /hazards/reports?report=${other.id}`, 'report.rejected reporter null']),
    );
  });
});
