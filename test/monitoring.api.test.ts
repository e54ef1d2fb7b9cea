import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deserializeState } from '../src/core/monitoring/index.js';
import { ingestPipeline } from '../src/server/modules/monitoring/index.js';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import {
  alarmsOf,
  captureLive,
  createGatewayApi,
  createPointApi,
  eventually,
  ingest,
  makeMonitoringWorld,
  pointCode,
  readingCount,
} from './monitoring.helpers.js';

type MWorld = Awaited<ReturnType<typeof makeMonitoringWorld>>;

describe.each(DATABASES)('monitoring API on $name', (dbc) => {
  let env: TestEnv;
  let w: MWorld;
  let gw: { id: string; token: string };

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await makeMonitoringWorld(env);
    gw = await createGatewayApi(env.app, w.users.enterprise_admin.headers, w.entA.id);
  });
  afterAll(() => env?.close());

  const t = (offsetMs = 0) => new Date(env.clock.now().getTime() + offsetMs).toISOString();

  describe('templates, points and gateways', () => {
    it('lists the threshold templates with their stable keys', async () => {
      const res = await env.app.inject({ url: '/api/threshold-templates', headers: w.users.enterprise_staff.headers });
      expect(res.statusCode).toBe(200);
      const keys = res.json().items.map((x: { key: string }) => x.key);
      expect(keys).toContain('coal-ch4-working-face');
      expect(res.json().severities.find((s: { severity: number }) => s.severity === 4).colour).toBe('red');
    });

    it('creates a point from a template (kind and unit from it), audited; a duplicate code is 409', async () => {
      const code = pointCode('CH4-');
      const res = await env.app.inject({
        method: 'POST',
        url: '/api/points',
        headers: w.users.enterprise_admin.headers,
        payload: {
          enterpriseId: w.entA.id,
          code,
          name: '1301 采煤工作面 T1',
          template: 'coal-ch4-working-face',
          installation: '一采区',
          location: '1301 工作面',
          lng: 112.41,
          lat: 35.48,
          rangeMin: 0,
          rangeMax: 4,
        },
      });
      expect(res.statusCode).toBe(201);
      const point = res.json();
      expect(point).toMatchObject({
        kind: 'methane',
        unit: '%',
        intervalSeconds: 10,
        template: 'coal-ch4-working-face',
      });
      expect(point.effectiveThresholds).toMatchObject({ high: 1, powerCut: 1.5, restore: 1 });
      const audits = await env.p.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', point.id)
        .execute();
      expect(audits.map((a) => a.action)).toEqual(['monitoring.point.created']);
      const dup = await env.app.inject({
        method: 'POST',
        url: '/api/points',
        headers: w.users.enterprise_admin.headers,
        payload: { enterpriseId: w.entA.id, code, name: 'x', template: 'coal-ch4-working-face' },
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.fields[0].path).toBe('code');
    });

    it('rejects bad definitions with 400 naming the field, and writes nothing', async () => {
      const count = async () =>
        (
          await env.p.db
            .selectFrom('monitoring_points')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n;
      const before = Number(await count());
      const cases: [Record<string, unknown>, string][] = [
        [{ template: 'coal-ch4-working-face', thresholds: { high: 2 } }, 'thresholds.high'],
        [{ template: 'no-such-template' }, 'template'],
        [{ template: 'tank-level' }, 'thresholds.high'],
        [{ kind: 'co', template: 'coal-ch4-working-face' }, 'template'],
        [{ kind: 'pressure', unit: 'MPa', rangeMin: 5, rangeMax: 1 }, 'rangeMin'],
        [{ kind: 'pressure', unit: 'MPa', intervalSeconds: 0 }, 'intervalSeconds'],
        [{ template: 'coal-ch4-working-face', thresholds: { bogus: 1 } }, 'thresholds'],
        [{ unit: '%' }, 'kind'],
      ];
      for (const [over, field] of cases) {
        const res = await env.app.inject({
          method: 'POST',
          url: '/api/points',
          headers: w.users.county_admin.headers,
          payload: { enterpriseId: w.entA.id, code: pointCode('BAD'), name: 'bad', ...over },
        });
        expect(res.statusCode, JSON.stringify(over)).toBe(400);
        expect(res.json().error.fields[0].path, JSON.stringify(over)).toContain(field);
      }
      const code = await env.app.inject({
        method: 'POST',
        url: '/api/points',
        headers: w.users.county_admin.headers,
        payload: { enterpriseId: w.entA.id, code: '0f8fad5b-d9cb-469f-a165-70867728950e', name: 'x', kind: 'co' },
      });
      expect(code.statusCode, code.body).toBe(400);
      expect(Number(await count())).toBe(before);
    });

    it('keeps points in jurisdiction: other enterprise 404, staff 403, county may create anywhere', async () => {
      const body = { enterpriseId: w.entB.id, code: pointCode(), name: 'CO', template: 'coal-co' };
      const other = await env.app.inject({
        method: 'POST',
        url: '/api/points',
        headers: w.users.enterprise_admin.headers,
        payload: body,
      });
      expect(other.statusCode).toBe(404);
      const staff = await env.app.inject({
        method: 'POST',
        url: '/api/points',
        headers: w.users.enterprise_staff.headers,
        payload: { ...body, enterpriseId: w.entA.id },
      });
      expect(staff.statusCode).toBe(403);
      const county = await createPointApi(env.app, w.users.county_admin.headers, body);
      for (const who of [
        w.users.enterprise_admin,
        w.users.town_officer,
        w.users.dept_officer,
        w.users.village_worker,
      ]) {
        const r = await env.app.inject({ url: `/api/points/${county.id}`, headers: who.headers });
        expect(r.statusCode, who.username).toBe(404);
        const readings = await env.app.inject({ url: `/api/points/${county.id}/readings`, headers: who.headers });
        expect(readings.statusCode).toBe(404);
        const patch = await env.app.inject({
          method: 'PATCH',
          url: `/api/points/${county.id}`,
          headers: who.headers,
          payload: { version: 1, name: 'x' },
        });
        expect([403, 404]).toContain(patch.statusCode);
      }
      const list = await env.app.inject({ url: '/api/points?pageSize=200', headers: w.users.enterprise_admin.headers });
      expect(list.json().items.every((x: { enterpriseId: string }) => x.enterpriseId === w.entA.id)).toBe(true);
      const mine = await env.app.inject({ url: `/api/points/${county.id}`, headers: w.other.admin.headers });
      expect(mine.statusCode).toBe(200);
    });

    it('audits every threshold change with before and after; a stale version is 409', async () => {
      const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
        enterpriseId: w.entA.id,
        code: pointCode('LT'),
        name: '1号储罐液位',
        template: 'tank-level',
        thresholds: { high: 8, highHigh: 9 },
      });
      const ok = await env.app.inject({
        method: 'PATCH',
        url: `/api/points/${pt.id}`,
        headers: w.users.enterprise_admin.headers,
        payload: { version: 1, thresholds: { high: 7.5, highHigh: 9 } },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().effectiveThresholds.high).toBe(7.5);
      const stale = await env.app.inject({
        method: 'PATCH',
        url: `/api/points/${pt.id}`,
        headers: w.users.enterprise_admin.headers,
        payload: { version: 1, thresholds: { high: 7 } },
      });
      expect(stale.statusCode).toBe(409);
      const bad = await env.app.inject({
        method: 'PATCH',
        url: `/api/points/${pt.id}`,
        headers: w.users.enterprise_admin.headers,
        payload: { version: 2, thresholds: { high: 10, highHigh: 9 } },
      });
      expect(bad.statusCode).toBe(400);
      const rows = await env.p.db
        .selectFrom('audit_log')
        .select(['action', 'before', 'after'])
        .where('entity_id', '=', pt.id)
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.action)).toEqual(['monitoring.point.created', 'monitoring.point.thresholds_changed']);
      const change = rows[1] as { before: { thresholds: { high: number } }; after: { thresholds: { high: number } } };
      expect(change.before.thresholds.high).toBe(8);
      expect(change.after.thresholds.high).toBe(7.5);
    });

    it('shows a gateway token once, stores only its hash, and revokes it', async () => {
      const g = await createGatewayApi(env.app, w.users.enterprise_admin.headers, w.entA.id, '临时网关');
      expect(g.token).toMatch(/^fxgw_/);
      const row = await env.p.db
        .selectFrom('monitoring_gateways')
        .selectAll()
        .where('id', '=', g.id)
        .executeTakeFirstOrThrow();
      expect(row.token_hash).not.toContain(g.token);
      const list = await env.app.inject({ url: '/api/gateways', headers: w.users.enterprise_admin.headers });
      expect(JSON.stringify(list.json())).not.toContain(g.token);
      const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
        enterpriseId: w.entA.id,
        code: pointCode(),
        name: 'CO',
        template: 'coal-co',
      });
      expect((await ingest(env.app, g.token, [{ point: pt.code, ts: t(), value: 1 }])).statusCode).toBe(202);
      const out = await env.app.inject({
        method: 'POST',
        url: `/api/gateways/${g.id}/revoke`,
        headers: w.other.admin.headers,
      });
      expect(out.statusCode).toBe(404);
      const rev = await env.app.inject({
        method: 'POST',
        url: `/api/gateways/${g.id}/revoke`,
        headers: w.users.enterprise_admin.headers,
      });
      expect(rev.statusCode).toBe(200);
      expect(rev.json().status).toBe('revoked');
      expect((await ingest(env.app, g.token, [{ point: pt.code, ts: t(1000), value: 1 }])).statusCode).toBe(401);
      expect((await ingest(env.app, 'fxgw_nonsense', [])).statusCode).toBe(401);
      const none = await env.app.inject({ method: 'POST', url: '/api/ingest/readings', payload: { readings: [] } });
      expect(none.statusCode).toBe(401);
    });
    it('records a rename as an update and only a real rule change as a threshold change', async () => {
      const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
        enterpriseId: w.entA.id,
        code: pointCode('CH4-'),
        name: '1302 工作面 T1',
        template: 'coal-ch4-working-face',
        thresholds: { persistSeconds: 5 },
      });
      const patch = (payload: Record<string, unknown>) =>
        env.app.inject({
          method: 'PATCH',
          url: `/api/points/${pt.id}`,
          headers: w.users.enterprise_admin.headers,
          payload,
        });
      // What a form sends: every field, the thresholds unchanged (in another key order), only the name new.
      const rename = await patch({
        version: 1,
        name: '1302 工作面 T1(改)',
        template: 'coal-ch4-working-face',
        thresholds: { persistSeconds: 5 },
        intervalSeconds: 10,
        rangeMin: null,
        rangeMax: null,
      });
      expect(rename.statusCode).toBe(200);
      const change = await patch({ version: 2, thresholds: { persistSeconds: 5, high: 0.8, deadband: 0.05 } });
      expect(change.statusCode).toBe(200);
      expect(change.json().effectiveThresholds).toMatchObject({ high: 0.8, powerCut: 1.5, deadband: 0.05 });
      const off = await patch({ version: 3, active: false });
      expect(off.statusCode).toBe(200);
      const rows = await env.p.db
        .selectFrom('audit_log')
        .select(['action', 'before', 'after'])
        .where('entity_id', '=', pt.id)
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.action)).toEqual([
        'monitoring.point.created',
        'monitoring.point.updated',
        'monitoring.point.thresholds_changed',
        'monitoring.point.thresholds_changed',
      ]);
      const [, renamed, changed] = rows as { after: { name: string; thresholds: Record<string, number> } }[];
      expect(renamed?.after.name).toBe('1302 工作面 T1(改)');
      expect(changed?.after.thresholds).toEqual({ persistSeconds: 5, high: 0.8, deadband: 0.05 });
      // The code is not editable (gateways address the point by it): refused, nothing written.
      const code = await patch({ version: 4, code: 'NEW-CODE' });
      expect(code.statusCode, code.body).toBe(400);
      expect((await patch({ version: 4, intervalSeconds: 0 })).json().error.fields[0].path).toBe('intervalSeconds');
      const after = await env.app.inject({ url: `/api/points/${pt.id}`, headers: w.users.enterprise_admin.headers });
      expect(after.json()).toMatchObject({ version: 4, active: false, intervalSeconds: 10 });
    });

    it("answers 404 for another enterprise's point or gateway list, and for a malformed point id", async () => {
      const pt = await createPointApi(env.app, w.users.county_admin.headers, {
        enterpriseId: w.entB.id,
        code: pointCode('CO-'),
        name: 'CO',
        template: 'coal-co',
      });
      const patch = await env.app.inject({
        method: 'PATCH',
        url: `/api/points/${pt.id}`,
        headers: w.users.enterprise_admin.headers,
        payload: { version: 1, thresholds: { high: 30 } },
      });
      expect(patch.statusCode).toBe(404);
      const malformed = await env.app.inject({
        method: 'PATCH',
        url: '/api/points/not-an-id',
        headers: w.users.enterprise_admin.headers,
        payload: { version: 1, name: 'x' },
      });
      expect(malformed.statusCode).toBe(404);
      const audits = await env.p.db.selectFrom('audit_log').select('action').where('entity_id', '=', pt.id).execute();
      expect(audits.map((a) => a.action)).toEqual(['monitoring.point.created']);
      for (const url of [`/api/gateways?enterpriseId=${w.entB.id}`, `/api/points?enterpriseId=${w.entB.id}`]) {
        const res = await env.app.inject({ url, headers: w.users.enterprise_admin.headers });
        expect(res.statusCode, url).toBe(404);
        const county = await env.app.inject({ url, headers: w.users.county_admin.headers });
        expect(county.statusCode, url).toBe(200);
      }
    });

    it("lists an enterprise's gateways with created, last seen and revoked state", async () => {
      const g = await createGatewayApi(env.app, w.users.enterprise_admin.headers, w.entA.id, '二号分站');
      const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
        enterpriseId: w.entA.id,
        code: pointCode('O2-'),
        name: 'O2',
        template: 'coal-o2-intake',
      });
      const list = async () =>
        (
          await env.app.inject({
            url: `/api/gateways?enterpriseId=${w.entA.id}`,
            headers: w.users.dept_officer.headers,
          })
        ).json().items as { id: string; enterpriseId: string; lastSeenAt: string | null; status: string }[];
      // The department officer supervises A's sector: he sees A's gateways (read only).
      const before = (await list()).find((x) => x.id === g.id);
      const answer = await env.app.inject({ url: '/api/gateways', headers: w.users.enterprise_admin.headers });
      expect(answer.json().connection).toMatchObject({
        topicPrefix: 'fangxian/v1/readings/',
        qos: 1,
        httpPath: '/api/ingest/readings',
      });
      expect(before).toMatchObject({ enterpriseId: w.entA.id, lastSeenAt: null, status: 'active' });
      expect((await ingest(env.app, g.token, [{ point: pt.code, ts: t(), value: 20.8 }])).statusCode).toBe(202);
      const seen = await eventually(async () => (await list()).find((x) => x.id === g.id && x.lastSeenAt));
      expect(seen.status).toBe('active');
      const revoke = await env.app.inject({
        method: 'POST',
        url: `/api/gateways/${g.id}/revoke`,
        headers: w.users.dept_officer.headers,
      });
      expect(revoke.statusCode).toBe(403);
      expect((await list()).find((x) => x.id === g.id)?.status).toBe('active');
    });
  });

  describe('HTTP ingest', () => {
    it('stores the good readings, rejects the rest by index with a reason, and keeps them as dead letters', async () => {
      const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
        enterpriseId: w.entA.id,
        code: pointCode('CO'),
        name: 'CO 回风',
        template: 'coal-co',
      });
      const foreign = await createPointApi(env.app, w.users.county_admin.headers, {
        enterpriseId: w.entB.id,
        code: pointCode('CO'),
        name: 'CO B',
        template: 'coal-co',
      });
      const first = await ingest(env.app, gw.token, [{ point: pt.code, ts: t(-20_000), value: 3 }]);
      expect(first.json()).toEqual({ accepted: 1, rejected: [] });
      const res = await ingest(env.app, gw.token, [
        { point: pt.code, ts: t(-10_000), value: 4 },
        { point: 'NO-SUCH-POINT', ts: t(), value: 1 },
        { point: pt.code, ts: t(-9_000), value: 'high' },
        { point: pt.code, ts: t(10 * 60_000), value: 1 },
        { point: pt.code, ts: '2026-06-15 10:00', value: 1 },
        { point: pt.code, ts: t(-20_000), value: 3 },
        { point: foreign.id, ts: t(), value: 1 },
        { point: pt.code, ts: Date.parse(t(-5_000)), value: 5 },
        42,
      ]);
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({
        accepted: 2,
        rejected: [
          { index: 1, point: 'NO-SUCH-POINT', reason: 'unknown_point' },
          { index: 2, point: pt.code, reason: 'non_numeric' },
          { index: 3, point: pt.code, reason: 'future_ts' },
          { index: 4, point: pt.code, reason: 'invalid_ts' },
          { index: 5, point: pt.code, reason: 'duplicate' },
          { index: 6, point: foreign.id, reason: 'foreign_point' },
          { index: 8, point: null, reason: 'invalid_reading' },
        ],
      });
      expect(await readingCount(env.p, pt.id)).toBe(3);
      expect(await readingCount(env.p, foreign.id)).toBe(0);

      const dl = await env.app.inject({
        url: `/api/monitoring/dead-letters?gatewayId=${gw.id}&pageSize=200`,
        headers: w.users.enterprise_admin.headers,
      });
      expect(dl.statusCode).toBe(200);
      const reasons = dl.json().items.map((d: { reason: string }) => d.reason);
      for (const r of ['unknown_point', 'non_numeric', 'future_ts', 'invalid_ts', 'duplicate', 'foreign_point']) {
        expect(reasons).toContain(r);
      }
      const county = await env.app.inject({
        url: `/api/monitoring/dead-letters?gatewayId=${gw.id}`,
        headers: w.users.county_admin.headers,
      });
      expect(county.json().total).toBe(dl.json().total);
      const town = await env.app.inject({
        url: `/api/monitoring/dead-letters?gatewayId=${gw.id}`,
        headers: w.users.town_officer.headers,
      });
      expect(town.json().total).toBe(dl.json().total);
      for (const outsider of [w.other.admin, w.other.town]) {
        const r = await env.app.inject({
          url: `/api/monitoring/dead-letters?gatewayId=${gw.id}`,
          headers: outsider.headers,
        });
        expect(r.json().total).toBe(0);
      }
    });

    it('answers 400 only for a body that is not JSON or has no readings array, and keeps it as a dead letter', async () => {
      const notJson = await ingest(env.app, gw.token, null, '{"readings": [ oops');
      expect(notJson.statusCode).toBe(400);
      const noArray = await ingest(env.app, gw.token, null, JSON.stringify({ values: [] }));
      expect(noArray.statusCode).toBe(400);
      const tooMany = await ingest(
        env.app,
        gw.token,
        Array.from({ length: 1001 }, (_, i) => ({ point: 'X', ts: i, value: i })),
      );
      expect(tooMany.statusCode).toBe(400);
      const empty = await ingest(env.app, gw.token, []);
      expect(empty.json()).toEqual({ accepted: 0, rejected: [] });
      await eventually(async () => {
        const r = await env.p.db
          .selectFrom('monitoring_dead_letters')
          .select('reason')
          .where('gateway_id', '=', gw.id)
          .where('reason', 'in', ['malformed_json', 'invalid_payload', 'too_many_readings'])
          .execute();
        return r.length === 3;
      });
    });
  });

  describe('alarms', () => {
    async function methanePoint() {
      return createPointApi(env.app, w.users.enterprise_admin.headers, {
        enterpriseId: w.entA.id,
        code: pointCode('CH4'),
        name: '1302 工作面甲烷',
        template: 'coal-ch4-working-face',
      });
    }

    it('raises on exceedance, notifies at once, and closes itself once cleared and acknowledged', async () => {
      const live = captureLive(env.p);
      const pt = await methanePoint();
      const r1 = await ingest(env.app, gw.token, [
        { point: pt.code, ts: t(-30_000), value: 0.3 },
        { point: pt.code, ts: t(-20_000), value: 1.2 },
        { point: pt.code, ts: t(-10_000), value: 1.3 },
      ]);
      expect(r1.json().accepted).toBe(3);
      const [alarm] = await alarmsOf(env.p, pt.id);
      expect(alarm).toMatchObject({ rule: 'high', status: 'active', severity: 3, acknowledged: false });
      expect(alarm?.peak_value).toBe(1.3);
      expect(alarm?.code).toMatch(/^BJ-2026-\d{6}$/);
      const notes = await env.p.db
        .selectFrom('notifications')
        .select(['user_id', 'kind'])
        .where('entity_id', '=', alarm?.id ?? '')
        .execute();
      const to = new Set(notes.map((n) => n.user_id));
      expect(to.has(w.users.enterprise_admin.id)).toBe(true);
      expect(to.has(w.users.enterprise_staff.id)).toBe(true);
      expect(to.has(w.users.dept_officer.id)).toBe(false);
      await eventually(() =>
        live.events.some(
          (e) => e.type === 'alarm' && Array.isArray(e.userIds) && e.userIds.includes(w.users.dept_officer.id),
        ),
      );
      expect(
        live.events.some((e) => Array.isArray(e.userIds) && e.userIds.includes(w.other.admin.id) && e.type === 'alarm'),
      ).toBe(false);
      live.stop();

      const get = await env.app.inject({ url: `/api/alarms/${alarm?.id}`, headers: w.users.enterprise_staff.headers });
      expect(get.statusCode).toBe(200);
      expect(get.json().allowedActions).toEqual(['acknowledge']);
      expect(get.json().colour).toBe('orange');
      for (const outsider of [w.other.admin, w.other.town]) {
        expect((await env.app.inject({ url: `/api/alarms/${alarm?.id}`, headers: outsider.headers })).statusCode).toBe(
          404,
        );
        const act = await env.app.inject({
          method: 'POST',
          url: `/api/alarms/${alarm?.id}/actions`,
          headers: outsider.headers,
          payload: { action: 'acknowledge' },
        });
        expect(act.statusCode).toBe(404);
      }
      const leader = await env.app.inject({
        method: 'POST',
        url: `/api/alarms/${alarm?.id}/actions`,
        headers: w.users.county_leader.headers,
        payload: { action: 'acknowledge' },
      });
      expect(leader.statusCode).toBe(403);
      const ack = await env.app.inject({
        method: 'POST',
        url: `/api/alarms/${alarm?.id}/actions`,
        headers: w.users.enterprise_staff.headers,
        payload: { action: 'acknowledge', version: get.json().version, note: '已撤人并加强通风' },
      });
      expect(ack.statusCode).toBe(200);
      expect(ack.json()).toMatchObject({ status: 'active', acknowledged: true, acknowledgeNote: '已撤人并加强通风' });
      const again = await env.app.inject({
        method: 'POST',
        url: `/api/alarms/${alarm?.id}/actions`,
        headers: w.users.enterprise_admin.headers,
        payload: { action: 'acknowledge', version: get.json().version },
      });
      expect(again.statusCode).toBe(409);

      await ingest(env.app, gw.token, [{ point: pt.code, ts: t(), value: 0.6 }]);
      const [closed] = await alarmsOf(env.p, pt.id);
      expect(closed).toMatchObject({ status: 'closed', closed_how: 'auto' });
      const detail = await env.app.inject({ url: `/api/alarms/${alarm?.id}`, headers: w.users.county_admin.headers });
      expect(detail.json().events.map((e: { type: string }) => e.type)).toEqual([
        'raise',
        'update',
        'acknowledge',
        'clear_closed',
      ]);
      const audit = await env.p.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', alarm?.id ?? '')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['alarm.acknowledge']);
    });

    it('reopens a cleared alarm with count + 1 and opens a new one after close', async () => {
      const pt = await methanePoint();
      await ingest(env.app, gw.token, [
        { point: pt.code, ts: t(-50_000), value: 1.1 },
        { point: pt.code, ts: t(-40_000), value: 0.5 },
        { point: pt.code, ts: t(-30_000), value: 1.4 },
      ]);
      const [a] = await alarmsOf(env.p, pt.id);
      expect(a).toMatchObject({ status: 'active', count: 2, peak_value: 1.4 });
      const close = await env.app.inject({
        method: 'POST',
        url: `/api/alarms/${a?.id}/actions`,
        headers: w.users.enterprise_admin.headers,
        payload: { action: 'close', reason: 'x' },
      });
      expect(close.statusCode).toBe(403);
      const noReason = await env.app.inject({
        method: 'POST',
        url: `/api/alarms/${a?.id}/actions`,
        headers: w.users.county_admin.headers,
        payload: { action: 'close' },
      });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().error.fields[0].path).toBe('reason');
      const forced = await env.app.inject({
        method: 'POST',
        url: `/api/alarms/${a?.id}/actions`,
        headers: w.users.county_admin.headers,
        payload: { action: 'close', reason: '传感器调校' },
      });
      expect(forced.json()).toMatchObject({ status: 'closed', closedHow: 'forced', closeReason: '传感器调校' });
      await ingest(env.app, gw.token, [
        { point: pt.code, ts: t(-20_000), value: 0.5 },
        { point: pt.code, ts: t(-10_000), value: 1.2 },
      ]);
      const all = await alarmsOf(env.p, pt.id);
      expect(all.map((x) => x.status)).toEqual(['closed', 'active']);
    });

    it('severity 4 and tampering notify the supervising department and township at once', async () => {
      const pt = await methanePoint();
      await ingest(env.app, gw.token, [{ point: pt.code, ts: t(-10_000), value: 1.6 }]);
      const rows = await alarmsOf(env.p, pt.id);
      expect(rows.map((r) => r.rule).sort()).toEqual(['high', 'power_cut']);
      const pc = rows.find((r) => r.rule === 'power_cut');
      expect(pc?.severity).toBe(4);
      expect(pc?.escalated_at).not.toBeNull();
      const to = new Set(
        (
          await env.p.db
            .selectFrom('notifications')
            .select('user_id')
            .where('entity_id', '=', pc?.id ?? '')
            .execute()
        ).map((n) => n.user_id),
      );
      expect(to.has(w.users.dept_officer.id)).toBe(true);
      expect(to.has(w.users.town_officer.id)).toBe(true);
      expect(to.has(w.users.enterprise_admin.id)).toBe(true);
      expect(to.has(w.other.town.id)).toBe(false);
    });

    it('escalates an alarm not acknowledged within 5 minutes, once', async () => {
      const pt = await methanePoint();
      await ingest(env.app, gw.token, [{ point: pt.code, ts: t(), value: 1.1 }]);
      const [a] = await alarmsOf(env.p, pt.id);
      const early = (await env.p.jobs.runNow(
        'monitoring.escalate',
        new Date(env.clock.now().getTime() + 4 * 60_000),
      )) as {
        escalated: number;
      };
      expect((await alarmsOf(env.p, pt.id))[0]?.escalated_at).toBeNull();
      void early;
      await env.p.jobs.runNow('monitoring.escalate', new Date(env.clock.now().getTime() + 6 * 60_000));
      await env.p.jobs.runNow('monitoring.escalate', new Date(env.clock.now().getTime() + 7 * 60_000));
      const notes = await env.p.db
        .selectFrom('notifications')
        .select(['user_id', 'kind'])
        .where('entity_id', '=', a?.id ?? '')
        .where('kind', '=', 'alarm.escalated')
        .execute();
      const to = notes.map((n) => n.user_id);
      expect(to).toContain(w.users.dept_officer.id);
      expect(to).toContain(w.users.town_officer.id);
      expect(to.filter((u) => u === w.users.dept_officer.id)).toHaveLength(1);
      expect((await alarmsOf(env.p, pt.id))[0]?.escalated_at).not.toBeNull();
    });

    it('turns an alarm into a hazard with source "alarm", once', async () => {
      const pt = await methanePoint();
      await ingest(env.app, gw.token, [{ point: pt.code, ts: t(), value: 1.05 }]);
      const [a] = await alarmsOf(env.p, pt.id);
      const deadline = new Date(env.clock.now().getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
      const res = await env.app.inject({
        method: 'POST',
        url: `/api/alarms/${a?.id}/actions`,
        headers: w.users.enterprise_admin.headers,
        payload: { action: 'to_hazard', note: '通风不足', hazard: { rectification: { deadline } } },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().hazard.status).toBe('created');
      expect(res.json()).toMatchObject({ acknowledged: true, status: 'active' });
      const h = await env.p.db
        .selectFrom('hazards')
        .select(['source', 'enterprise_id', 'category'])
        .where('id', '=', res.json().hazard.id)
        .executeTakeFirstOrThrow();
      expect(h).toMatchObject({ source: 'alarm', enterprise_id: w.entA.id, category: 'environment' });
      const twice = await env.app.inject({
        method: 'POST',
        url: `/api/alarms/${a?.id}/actions`,
        headers: w.users.county_admin.headers,
        payload: { action: 'to_hazard', hazard: { rectification: { deadline } } },
      });
      expect(twice.statusCode).toBe(409);
    });

    it('raises offline from the tick when a point stops reporting, and clears it on the next reading', async () => {
      const pt = await methanePoint();
      await ingest(env.app, gw.token, [{ point: pt.code, ts: t(), value: 0.3 }]);
      const pl = ingestPipeline(env.p);
      await pl.tickRound(new Date(env.clock.now().getTime() + 20_000));
      expect((await alarmsOf(env.p, pt.id)).filter((a) => a.rule === 'offline')).toHaveLength(0);
      await pl.tickRound(new Date(env.clock.now().getTime() + 31_000));
      const off = (await alarmsOf(env.p, pt.id)).find((a) => a.rule === 'offline');
      expect(off).toMatchObject({ status: 'active', severity: 3 });
      await ingest(env.app, gw.token, [{ point: pt.code, ts: t(60_000 - 1), value: 0.3 }]);
      expect((await alarmsOf(env.p, pt.id)).find((a) => a.rule === 'offline')?.status).toBe('cleared');
      const state = await env.p.db
        .selectFrom('monitoring_point_state')
        .select(['state', 'rev'])
        .where('point_id', '=', pt.id)
        .executeTakeFirstOrThrow();
      // The stored state, as a restart reads it (rule slots at rest are left out of the stored JSON).
      expect(deserializeState(state.state).rules.offline.active).toBe(false);
    });

    it('filters the alarm list and keeps it in scope', async () => {
      const all = await env.app.inject({ url: '/api/alarms?pageSize=200', headers: w.users.county_admin.headers });
      expect(all.json().total).toBeGreaterThan(0);
      const red = await env.app.inject({ url: '/api/alarms?severity=4', headers: w.users.county_admin.headers });
      expect(red.json().items.every((a: { severity: number }) => a.severity === 4)).toBe(true);
      const active = await env.app.inject({
        url: `/api/alarms?status=active&enterpriseId=${w.entA.id}&kind=methane`,
        headers: w.users.dept_officer.headers,
      });
      expect(active.json().items.length).toBeGreaterThan(0);
      expect(active.json().items.every((a: { status: string }) => a.status === 'active')).toBe(true);
      const region = await env.app.inject({
        url: `/api/alarms?regionCode=${w.b.town}`,
        headers: w.users.county_admin.headers,
      });
      expect(region.json().items.every((a: { enterpriseId: string }) => a.enterpriseId === w.entB.id)).toBe(true);
      const outsider = await env.app.inject({ url: '/api/alarms?pageSize=200', headers: w.other.admin.headers });
      expect(outsider.json().items.every((a: { enterpriseId: string }) => a.enterpriseId === w.entB.id)).toBe(true);
    });
  });

  describe('readings, overview and quality', () => {
    it('picks raw readings up to 6 h, 1-minute rollups up to 7 days, else 1-hour; step overrides', async () => {
      const pt = await createPointApi(env.app, w.users.enterprise_admin.headers, {
        enterpriseId: w.entA.id,
        code: pointCode('T'),
        name: '储罐温度',
        template: 'tank-temperature',
        thresholds: { high: 60 },
      });
      const base = env.clock.now().getTime() - 2 * 3_600_000;
      const readings = Array.from({ length: 240 }, (_, i) => ({
        point: pt.code,
        ts: base + i * 30_000,
        value: 20 + (i % 10),
      }));
      const r = await ingest(env.app, gw.token, readings);
      expect(r.json().accepted).toBe(240);
      const get = (q: string) =>
        env.app.inject({ url: `/api/points/${pt.id}/readings?${q}`, headers: w.users.dept_officer.headers });
      const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
      const now = env.clock.now().getTime();
      const raw = (await get(`from=${iso(now - 3 * 3_600_000)}&to=${iso(now)}`)).json();
      expect(raw.step).toBe('raw');
      expect(raw.items).toHaveLength(240);
      const minute = (await get(`from=${iso(now - 2 * 86_400_000)}&to=${iso(now)}`)).json();
      expect(minute.step).toBe('1m');
      expect(minute.items).toHaveLength(120);
      expect(minute.items[0]).toMatchObject({ min: 20, max: 21, avg: 20.5, last: 21, count: 2 });
      const hour = (await get(`from=${iso(now - 30 * 86_400_000)}&to=${iso(now)}`)).json();
      expect(hour.step).toBe('1h');
      expect(hour.items.reduce((n: number, x: { count: number }) => n + x.count, 0)).toBe(240);
      const forced = (await get(`from=${iso(now - 3 * 3_600_000)}&to=${iso(now)}&step=1h`)).json();
      expect(forced.step).toBe('1h');
      const bad = await get(`from=${iso(now)}&to=${iso(now - 1000)}`);
      expect(bad.statusCode).toBe(400);
    });

    it('overview and quality cover the enterprises in scope only', async () => {
      const ov = await env.app.inject({ url: '/api/monitoring/overview', headers: w.users.town_officer.headers });
      expect(ov.statusCode).toBe(200);
      const ids = ov.json().items.map((e: { enterpriseId: string }) => e.enterpriseId);
      expect(ids).toEqual([w.entA.id]);
      const a = ov.json().items[0];
      expect(a.points).toBeGreaterThan(0);
      expect(a.worstState).toBe('alarm');
      expect(a.worstColour).toBe('red');
      expect(a.coordinates).toEqual([112.41, 35.48]);
      const other = await env.app.inject({ url: '/api/monitoring/overview', headers: w.other.admin.headers });
      expect(other.json().items.map((e: { enterpriseId: string }) => e.enterpriseId)).toEqual([w.entB.id]);
      const q = await env.app.inject({ url: '/api/monitoring/quality', headers: w.users.enterprise_admin.headers });
      expect(q.statusCode).toBe(200);
      const mine = q.json().enterprises;
      expect(mine).toHaveLength(1);
      expect(mine[0].deadLetters24h).toBeGreaterThan(0);
      expect(mine[0].deadLettersByReason.unknown_point).toBeGreaterThan(0);
      expect(mine[0].onlineRate).toBeGreaterThan(0);
      expect(q.json().unattributedDeadLetters24h).toEqual({});
    });

    it('lets the county change retention and escalation settings, with optimistic concurrency', async () => {
      const get = await env.app.inject({ url: '/api/monitoring/settings', headers: w.users.county_admin.headers });
      expect(get.json()).toMatchObject({ retentionDays: 400, escalateMinutes: 5 });
      const denied = await env.app.inject({
        method: 'PUT',
        url: '/api/monitoring/settings',
        headers: w.users.enterprise_admin.headers,
        payload: { version: get.json().version, escalateMinutes: 10 },
      });
      expect(denied.statusCode).toBe(403);
      const ok = await env.app.inject({
        method: 'PUT',
        url: '/api/monitoring/settings',
        headers: w.users.county_admin.headers,
        payload: { version: get.json().version, escalateMinutes: 10 },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().escalateMinutes).toBe(10);
      const stale = await env.app.inject({
        method: 'PUT',
        url: '/api/monitoring/settings',
        headers: w.users.county_admin.headers,
        payload: { version: get.json().version, escalateMinutes: 3 },
      });
      expect(stale.statusCode).toBe(409);
      const reset = await env.app.inject({
        method: 'PUT',
        url: '/api/monitoring/settings',
        headers: w.users.county_admin.headers,
        payload: { version: ok.json().version, escalateMinutes: 5 },
      });
      expect(reset.statusCode).toBe(200);
    });
  });
});
