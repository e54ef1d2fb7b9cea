import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDayStart } from '../src/core/hazards/index.js';
import { DATABASES, login, makeEnterprise, makeUser, startTestEnv, type TestEnv } from './harness.js';
import {
  createHazard,
  day,
  getHazard,
  type HazardWorld,
  type Headers,
  hazardWorld,
  newHazard,
} from './hazards-fixtures.js';

describe.each(DATABASES)('lessons campaigns (举一反三) on $name', (dbc) => {
  let env: TestEnv;
  let w: HazardWorld;
  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await hazardWorld(env);
  });
  afterAll(() => env?.close());

  it('starts one task per enterprise of the sectors in scope, tracks answers, findings and lateness', async () => {
    const ent2 = await makeEnterprise(env.p, {
      regionCode: w.a.village,
      primarySector: 'coal_mine',
      departmentIds: [w.deptA],
    });
    const ent3 = await makeEnterprise(env.p, {
      regionCode: w.a.village,
      primarySector: 'coal_mine',
      departmentIds: [w.deptA],
    });
    await makeEnterprise(env.p, { regionCode: w.a.village, primarySector: 'construction', departmentIds: [w.deptA] });
    await makeEnterprise(env.p, {
      regionCode: w.a.village,
      primarySector: 'coal_mine',
      departmentIds: [w.deptA],
      status: 'closed',
    });
    const admin2 = await makeUser(env.p, 'enterprise_admin', { enterpriseId: ent2.id });
    const admin3 = await makeUser(env.p, 'enterprise_admin', { enterpriseId: ent3.id });
    const h2 = await login(env.app, admin2.username);

    const source = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      rectification: { deadline: day(env, 5) },
    });
    const start = (headers: Headers, payload: object) =>
      env.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload });
    const body = {
      sourceHazardId: source.id,
      instruction: '立即开展瓦斯超限专项自查',
      deadline: day(env, 7),
      sectors: ['coal_mine'],
    };
    expect((await start(w.u.townA.headers, body)).statusCode).toBe(403);
    expect((await start(w.u.deptB.headers, body)).json().error.field).toBe('sourceHazardId');
    expect((await start(w.u.deptA.headers, { ...body, sectors: ['no_such'] })).json().error.field).toBe('sectors.0');
    expect((await start(w.u.deptA.headers, { ...body, sectors: ['town_gas'] })).json().error.field).toBe('sectors');
    expect((await start(w.u.deptA.headers, { ...body, deadline: day(env, -1) })).json().error.field).toBe('deadline');
    const res = await start(w.u.deptA.headers, body);
    expect(res.statusCode, res.body).toBe(201);
    const campaign = res.json();
    expect(campaign).toMatchObject({ tasks: 3 });
    expect(campaign.code).toMatch(/^JY-2026-\d{6}$/);
    const started = await env.p.db
      .selectFrom('notifications')
      .select(['user_id', 'link'])
      .where('entity_id', '=', campaign.id)
      .where('kind', '=', 'campaign.started')
      .execute();
    expect(new Set(started.map((n) => n.link))).toEqual(new Set([`/hazards/campaigns?id=${campaign.id}`]));
    expect(started.map((n) => n.user_id).sort()).toEqual(
      [w.u.entAdmin.id, w.u.entAdmin2.id, admin2.id, admin3.id].sort(),
    );
    const srcHistory = (await getHazard(env, w.u.deptA.headers, source.id))
      .json()
      .history.map((e: { action: string }) => e.action);
    expect(srcHistory).toContain('campaign_started');

    // Enterprise A: checked, nothing found.
    const mine = (
      await env.app.inject({ url: '/api/campaign-tasks?status=pending', headers: w.u.entAdmin.headers })
    ).json();
    const taskA = mine.items.find((t: { campaignId: string }) => t.campaignId === campaign.id);
    expect(taskA).toMatchObject({ enterpriseId: w.entA.id, status: 'pending', late: false });
    const byDept = await env.app.inject({
      method: 'POST',
      url: `/api/campaign-tasks/${taskA.id}/answer`,
      headers: w.u.deptA.headers,
      payload: { version: 1 },
    });
    expect(byDept.statusCode).toBe(403);
    const answered = await env.app.inject({
      method: 'POST',
      url: `/api/campaign-tasks/${taskA.id}/answer`,
      headers: w.u.entAdmin.headers,
      payload: { version: 1, note: '已自查，未发现同类问题' },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'nothing_found', version: 2 });
    const twice = await env.app.inject({
      method: 'POST',
      url: `/api/campaign-tasks/${taskA.id}/answer`,
      headers: w.u.entAdmin.headers,
      payload: { version: 2 },
    });
    expect(twice.json().error.code).toBe('ILLEGAL_ACTION');

    // Enterprise 2 finds a hazard through the campaign.
    const task2 = (await env.app.inject({ url: '/api/campaign-tasks', headers: h2 }))
      .json()
      .items.find((t: { campaignId: string }) => t.campaignId === campaign.id);
    const wrongTask = await createHazard(env, w.u.entAdmin.headers, {
      source: 'campaign',
      campaignTaskId: task2.id,
      rectification: { deadline: day(env, 5) },
    });
    expect(wrongTask.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'campaignTaskId' });
    const noTask = await createHazard(env, h2, { source: 'campaign', rectification: { deadline: day(env, 5) } });
    expect(noTask.json().error).toMatchObject({ code: 'MISSING_FIELD', field: 'campaignTaskId' });
    const found = await newHazard(env, h2, {
      source: 'campaign',
      campaignTaskId: task2.id,
      rectification: { deadline: day(env, 5) },
    });
    const fd = (await getHazard(env, h2, found.id)).json();
    expect(fd).toMatchObject({ source: 'campaign', campaignId: campaign.id, path: 'supervised' });

    // Progress as the department sees it; enterprise 3 has not answered, and the deadline has passed.
    await env.p.db
      .updateTable('hazard_campaigns')
      .set({ deadline: day(env, -1) })
      .where('id', '=', campaign.id)
      .execute();
    const progress = (
      await env.app.inject({ url: `/api/campaigns/${campaign.id}`, headers: w.u.deptA.headers })
    ).json();
    expect(progress.progress).toMatchObject({
      tasks: 3,
      answered: 2,
      pending: 1,
      nothingFound: 1,
      withHazards: 1,
      hazardsFound: 1,
      late: 1,
    });
    expect(progress.tasks.find((t: { enterpriseId: string }) => t.enterpriseId === ent3.id)).toMatchObject({
      status: 'pending',
      late: true,
    });
    const list = (await env.app.inject({ url: '/api/campaigns', headers: w.u.townA.headers })).json();
    expect(list.items.find((c: { id: string }) => c.id === campaign.id).progress).toMatchObject({ tasks: 3, late: 1 });
    const byHazards = (
      await env.app.inject({ url: `/api/hazards?campaignId=${campaign.id}`, headers: w.u.deptA.headers })
    ).json();
    expect(byHazards.items.map((h: { id: string }) => h.id)).toEqual([found.id]);

    // Scope: the enterprise sees its own task only; another township sees nothing.
    const own = (await env.app.inject({ url: `/api/campaigns/${campaign.id}`, headers: w.u.entAdmin.headers })).json();
    expect(own.tasks.map((t: { enterpriseId: string }) => t.enterpriseId)).toEqual([w.entA.id]);
    expect(own.progress.tasks).toBe(1);
    expect(
      (await env.app.inject({ url: `/api/campaigns/${campaign.id}`, headers: w.u.townB.headers })).statusCode,
    ).toBe(404);
    expect(
      (await env.app.inject({ url: '/api/campaigns', headers: w.u.townB.headers }))
        .json()
        .items.map((c: { id: string }) => c.id),
    ).not.toContain(campaign.id);

    // The escalation job tells the late enterprise (and the starter) once.
    const asOf = new Date(localDayStart(addDays(day(env), 1)).getTime() + 9 * 3_600_000);
    await env.p.jobs.runNow('hazards.escalate', asOf);
    await env.p.jobs.runNow('hazards.escalate', new Date(asOf.getTime() + 3_600_000));
    const late = await env.p.db
      .selectFrom('notifications')
      .select('user_id')
      .where('kind', '=', 'campaign.late')
      // The campaigns page opens a campaign by ?id=.
      .where('link', '=', `/hazards/campaigns?id=${campaign.id}`)
      .execute();
    expect(late.map((n) => n.user_id).sort()).toEqual([admin3.id, w.u.deptA.id].sort());
  });
});
