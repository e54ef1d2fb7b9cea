import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, DEFAULT_ESCALATION_SETTINGS, localDayStart } from '../src/core/hazards/index.js';
import { DATABASES, login, startTestEnv, type TestEnv } from './harness.js';
import { type HazardWorld, hazardWorld, newHazard, step } from './hazards-fixtures.js';

/** 08:00 and 20:00 local time of a local date. */
const at = (date: string, hour: number) => new Date(localDayStart(date).getTime() + hour * 3_600_000);

describe.each(DATABASES)('hazard escalation on $name', (dbc) => {
  let env: TestEnv;
  let w: HazardWorld;
  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await hazardWorld(env);
  });
  afterAll(() => env?.close());

  it('keeps its settings in the settings table with defaults, county-editable with a version', async () => {
    const got = await env.app.inject({ url: '/api/hazard-settings', headers: w.u.deptA.headers });
    expect(got.statusCode).toBe(200);
    const { version } = got.json();
    const denied = await env.app.inject({
      method: 'PUT',
      url: '/api/hazard-settings',
      headers: w.u.deptA.headers,
      payload: { version, escalation: {} },
    });
    expect(denied.statusCode).toBe(403);
    const bad = await env.app.inject({
      method: 'PUT',
      url: '/api/hazard-settings',
      headers: w.u.county.headers,
      payload: { version, escalation: { remindDaysBefore: -1 } },
    });
    expect(bad.statusCode).toBe(400);
    const stale = await env.app.inject({
      method: 'PUT',
      url: '/api/hazard-settings',
      headers: w.u.county.headers,
      payload: { version: version + 7, escalation: {} },
    });
    expect(stale.json().error.code).toBe('STALE_VERSION');
    // Write the defaults explicitly (other runs on a shared database see the same ladder).
    const ok = await env.app.inject({
      method: 'PUT',
      url: '/api/hazard-settings',
      headers: w.u.county.headers,
      payload: { version, escalation: { ...DEFAULT_ESCALATION_SETTINGS } },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ escalation: { ...DEFAULT_ESCALATION_SETTINGS }, version: version + 1 });
  });

  it('walks a simulated month twice a day: one notification per step, summons, listings with yellow then red card', async () => {
    const start = '2026-06-15';
    const d = (n: number) => addDays(start, n);
    // Enterprise B: one general hazard (deadline 06-25) → remind 06-22, overdue 06-26, summon 07-02.
    const h1 = await newHazard(env, w.u.deptB.headers, {
      enterpriseId: w.entB.id,
      source: 'inspection',
      rectification: { deadline: d(10) },
    });
    // Enterprise A: a major hazard (plan deadline 06-20) → remind 06-17, overdue + listing 06-21, summon 06-27;
    // and three general hazards (deadline 06-28) → overdue 06-29: three overdue after the listing → second listing.
    const m = await newHazard(env, w.u.entAdmin.headers, { source: 'self_check', catalogItemCode: 'coal-05' });
    await step(env, w.u.deptA.headers, m.id, 'confirm', 1, {
      plan: { owner: '矿长', measures: '完善通风系统', funds: '20万元', deadline: d(5), contingency: '停产撤人' },
      interimMeasures: '限产并加强检查',
    });
    const gs = [];
    for (let i = 0; i < 3; i++) {
      gs.push(
        await newHazard(env, w.u.deptA.headers, {
          enterpriseId: w.entA.id,
          source: 'inspection',
          rectification: { deadline: d(13) },
        }),
      );
    }
    // A fixed hazard never escalates.
    const fixed = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      rectification: { deadline: d(2) },
    });
    await step(env, w.u.entStaff.headers, fixed.id, 'submit', 1, { note: '当场整改' });

    for (let n = 0; n <= 30; n++) {
      for (const hour of [8, 20]) await env.p.jobs.runNow('hazards.escalate', at(d(n), hour));
    }
    // Two workers on the same slot change nothing either.
    await Promise.all([
      env.p.jobs.runNow('hazards.escalate', at(d(30), 21)),
      env.p.jobs.runNow('hazards.escalate', at(d(30), 21)),
    ]);

    const ladder = async (id: string) =>
      (
        await env.p.db
          .selectFrom('hazard_escalations')
          .select(['step', 'fired_at'])
          .where('hazard_id', '=', id)
          .orderBy('id')
          .execute()
      ).map((e) => `${e.step}@${e.fired_at.toISOString()}`);
    expect(await ladder(h1.id)).toEqual([
      `remind@${at(d(7), 8).toISOString()}`,
      `overdue@${at(d(11), 8).toISOString()}`,
      `summon@${at(d(17), 8).toISOString()}`,
    ]);
    expect(await ladder(m.id)).toEqual([
      `remind@${at(d(2), 8).toISOString()}`,
      `overdue@${at(d(6), 8).toISOString()}`,
      `listing@${at(d(6), 8).toISOString()}`,
      `summon@${at(d(12), 8).toISOString()}`,
    ]);
    for (const g of gs)
      expect((await ladder(g.id)).map((s) => s.split('@')[0])).toEqual(['remind', 'overdue', 'summon']);
    expect(await ladder(fixed.id)).toEqual([]);

    // Exactly one notification per (user, hazard, step).
    const ids = [h1.id, m.id, ...gs.map((g) => g.id)];
    const dupes = await env.p.db
      .selectFrom('notifications')
      .select(['user_id', 'entity_id', 'kind', sql<number>`count(*)::int`.as('n')])
      .where('entity_id', 'in', [...ids, w.entA.id, w.entB.id])
      .groupBy(['user_id', 'entity_id', 'kind'])
      .having(sql`count(*)`, '>', 1)
      .execute();
    expect(dupes).toEqual([]);
    const kinds = async (userId: string, hazardId: string) =>
      (
        await env.p.db
          .selectFrom('notifications')
          .select('kind')
          .where('user_id', '=', userId)
          .where('entity_id', '=', hazardId)
          .where('kind', 'in', ['hazard.remind', 'hazard.overdue', 'hazard.summon'])
          .execute()
      )
        .map((r) => r.kind)
        .sort();
    expect(await kinds(w.u.entAdminB.id, h1.id)).toEqual(['hazard.overdue', 'hazard.remind', 'hazard.summon']);
    expect(await kinds(w.u.deptB.id, h1.id)).toEqual(['hazard.overdue', 'hazard.summon']);
    expect(await kinds(w.u.townB.id, h1.id)).toEqual(['hazard.overdue']);
    expect(await kinds(w.u.deptA.id, h1.id)).toEqual([]);
    const remindAt = await env.p.db
      .selectFrom('notifications')
      .select('created_at')
      .where('user_id', '=', w.u.entAdminB.id)
      .where('entity_id', '=', h1.id)
      .where('kind', '=', 'hazard.remind')
      .executeTakeFirstOrThrow();
    expect(remindAt.created_at.toISOString()).toBe(at(d(7), 8).toISOString());

    // The detail shows the ladder as steps with their moment.
    const detail = (await env.app.inject({ url: `/api/hazards/${h1.id}`, headers: w.u.deptB.headers })).json();
    expect(detail.escalations.map((e: { step: string; at: string }) => [e.step, e.at])).toEqual([
      ['remind', at(d(7), 8).toISOString()],
      ['overdue', at(d(11), 8).toISOString()],
      ['summon', at(d(17), 8).toISOString()],
    ]);
    expect(detail.everOverdue).toBe(true);
    expect(detail.summons).toHaveLength(1);

    // Summons: a task record for the supervising department, recorded by it.
    const summonsB = (
      await env.app.inject({ url: '/api/hazard-summons?status=pending', headers: w.u.deptB.headers })
    ).json();
    expect(summonsB.items.map((s: { hazardId: string }) => s.hazardId)).toEqual([h1.id]);
    const summonsId = summonsB.items[0].id;
    const notByTown = await env.app.inject({
      method: 'POST',
      url: `/api/hazard-summons/${summonsId}/record`,
      headers: w.u.townB.headers,
      payload: { version: 1, attendees: ['企业主要负责人'], note: '已约谈' },
    });
    expect(notByTown.statusCode).toBe(403);
    // The summons is recorded on the day it took place (after the task was created, not in the future).
    // The clock moves a month ahead, past the session's idle limit: department B signs in again for it.
    const clockBefore = env.clock.now();
    env.clock.set(at(d(18), 10));
    const recorded = await env.app.inject({
      method: 'POST',
      url: `/api/hazard-summons/${summonsId}/record`,
      headers: await login(env.app, w.u.deptB.username),
      payload: { version: 1, attendees: ['企业主要负责人'], note: '已约谈企业主要负责人，责令三日内整改' },
    });
    env.clock.set(clockBefore);
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json()).toMatchObject({ status: 'held', version: 2 });
    expect(
      (await env.app.inject({ url: `/api/hazard-summons`, headers: w.u.deptA.headers }))
        .json()
        .items.map((s: { hazardId: string }) => s.hazardId),
    ).not.toContain(h1.id);

    // Listings of enterprise A: the major hazard (yellow), then three overdue hazards (red, within a year).
    const listings = (
      await env.app.inject({ url: `/api/hazard-listings?enterpriseId=${w.entA.id}`, headers: w.u.county.headers })
    ).json();
    expect(listings.total).toBe(2);
    const byReason = Object.fromEntries(listings.items.map((l: { reason: string }) => [l.reason, l]));
    expect(byReason.major_overdue).toMatchObject({
      hazardId: m.id,
      public: true,
      status: 'active',
      card: { color: 'yellow', status: 'active' },
    });
    expect(byReason.major_overdue.listedAt).toBe(at(d(6), 8).toISOString());
    expect(byReason.overdue_count).toMatchObject({ hazardId: null, overdueCount: 3, card: { color: 'red' } });
    expect(byReason.overdue_count.listedAt).toBe(at(d(14), 8).toISOString());
    expect(
      (
        await env.app.inject({ url: `/api/hazard-listings?enterpriseId=${w.entB.id}`, headers: w.u.county.headers })
      ).json().total,
    ).toBe(0);
    const listingNotes = await env.p.db
      .selectFrom('notifications')
      .select(['entity_id', sql<number>`count(*)::int`.as('n')])
      .where('user_id', '=', w.u.entAdmin.id)
      .where('kind', '=', 'hazard.listing')
      .where(
        'entity_id',
        'in',
        listings.items.map((l: { id: string }) => l.id),
      )
      .groupBy('entity_id')
      .execute();
    expect(listingNotes.map((x) => x.n)).toEqual([1, 1]);
    const board = (await env.app.inject({ url: '/api/hazards/major-board', headers: w.u.deptA.headers })).json();
    const onBoard = board.items.find((i: { id: string }) => i.id === m.id);
    expect(onBoard).toMatchObject({
      listing: { card: 'yellow' },
      enterpriseListed: true,
      overdue: false,
      pendingSummons: 1,
    });

    // Scope: the other township does not see them.
    expect(
      (await env.app.inject({ url: `/api/hazard-listings/${byReason.major_overdue.id}`, headers: w.u.townB.headers }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await env.app.inject({ url: `/api/hazard-listings?enterpriseId=${w.entA.id}`, headers: w.u.townB.headers })
      ).json().total,
    ).toBe(0);

    // Lifting: county approver only, with a reason; history kept.
    const red = byReason.overdue_count.card;
    const byDept = await env.app.inject({
      method: 'POST',
      url: `/api/hazard-cards/${red.id}/lift`,
      headers: w.u.deptA.headers,
      payload: { version: red.version, reason: '整改完成' },
    });
    expect(byDept.statusCode).toBe(403);
    const noReason = await env.app.inject({
      method: 'POST',
      url: `/api/hazard-cards/${red.id}/lift`,
      headers: w.u.county.headers,
      payload: { version: red.version },
    });
    expect(noReason.statusCode).toBe(400);
    const lifted = await env.app.inject({
      method: 'POST',
      url: `/api/hazard-cards/${red.id}/lift`,
      headers: w.u.county.headers,
      payload: { version: red.version, reason: '逾期隐患已全部整改，经研究撤销红牌' },
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json()).toMatchObject({ status: 'lifted', liftReason: '逾期隐患已全部整改，经研究撤销红牌' });
    expect(lifted.json().history.map((e: { action: string }) => e.action)).toEqual(['issued', 'lifted']);
    const again = await env.app.inject({
      method: 'POST',
      url: `/api/hazard-cards/${red.id}/lift`,
      headers: w.u.county.headers,
      payload: { version: red.version + 1, reason: 'x' },
    });
    expect(again.json().error.code).toBe('ILLEGAL_ACTION');
    const liftListing = await env.app.inject({
      method: 'POST',
      url: `/api/hazard-listings/${byReason.major_overdue.id}/lift`,
      headers: w.u.county.headers,
      payload: { version: byReason.major_overdue.version, reason: '重大隐患已销号' },
    });
    expect(liftListing.statusCode, liftListing.body).toBe(200);
    expect(liftListing.json().history.map((e: { action: string }) => e.action)).toEqual(['listed', 'lifted']);
    const audits = await env.p.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', 'in', [red.id, byReason.major_overdue.id])
      .orderBy('id')
      .execute();
    expect(audits.map((a) => a.action)).toEqual([
      'hazard.listing_created',
      'hazard.card_lifted',
      'hazard.listing_lifted',
    ]);
  });

  it('restarts the ladder on a new deadline and stops it once the hazard is submitted', async () => {
    const start = '2026-06-15';
    const d = (n: number) => addDays(start, n);
    const h = await newHazard(env, w.u.deptB.headers, {
      enterpriseId: w.entB.id,
      source: 'inspection',
      rectification: { deadline: d(1) },
    });
    await env.p.jobs.runNow('hazards.escalate', at(d(0), 9));
    await step(env, w.u.entAdminB.headers, h.id, 'request_extension', 1, {
      reason: '材料未到',
      requestedDeadline: d(20),
    });
    await step(env, w.u.deptB.headers, h.id, 'decide_extension', 2, { approved: true, newDeadline: d(20) });
    for (let n = 0; n <= 10; n++) await env.p.jobs.runNow('hazards.escalate', at(d(n), 9));
    await step(env, w.u.entAdminB.headers, h.id, 'submit', 3, { note: '已整改' });
    for (let n = 11; n <= 30; n++) await env.p.jobs.runNow('hazards.escalate', at(d(n), 9));
    const keys = (
      await env.p.db
        .selectFrom('hazard_escalations')
        .select('step_key')
        .where('hazard_id', '=', h.id)
        .orderBy('id')
        .execute()
    ).map((r) => r.step_key);
    expect(keys).toEqual([`remind@${d(1)}`]);
  });
});
