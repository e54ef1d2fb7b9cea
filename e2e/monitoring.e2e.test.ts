/**
 * Monitoring in the browser: a methane excursion at the working face, sent by a gateway over the real HTTP
 * ingest path, raises an alarm that appears live on the enterprise's monitoring tab; the enterprise's safety
 * manager acknowledges it; the methane falls below the restore level, the alarm clears and closes by itself.
 * The UI and the database are checked at each step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOME_ENTERPRISE_NAME } from '../src/server/modules/org/data/demo-enterprises.js';
import { browserAvailable, DEMO_PASSWORD, DESKTOP, type E2EEnv, loginAs, newPage, PHONE, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;
const ORIGIN = 'http://localhost:80';
/** Whole journeys on a shared 2-core machine: each step has the harness's own timeouts, the journey more room. */
const JOURNEY_MS = 300_000;

run('monitoring journey in Chromium', () => {
  let env: E2EEnv;
  let enterpriseId: string;
  let pointId: string;
  let token: string;
  const code = 'E2E-CH4-1301-T1';

  /** Readings through the real HTTP ingest endpoint, over a socket, as a gateway sends them. */
  async function send(readings: { value: number; ageMs?: number }[]) {
    const now = Date.now();
    const res = await fetch(`${env.baseUrl}/api/ingest/readings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        readings: readings.map((r) => ({
          point: code,
          ts: new Date(now - (r.ageMs ?? 0)).toISOString(),
          value: r.value,
        })),
      }),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; rejected: unknown[] };
    expect(body).toMatchObject({ accepted: readings.length, rejected: [] });
  }

  async function alarmRows() {
    return env.p.db.selectFrom('alarms').selectAll().where('point_id', '=', pointId).orderBy('raised_at').execute();
  }

  beforeAll(async () => {
    env = await startE2E();
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'county_admin', password: DEMO_PASSWORD },
    });
    const cookie = login.cookies.find((c) => c.name === 'fx_session');
    if (!cookie) throw new Error('county_admin could not sign in');
    const headers = { cookie: `fx_session=${cookie.value}`, origin: ORIGIN };
    const ent = await env.p.db
      .selectFrom('enterprises')
      .select(['id', 'lng', 'lat'])
      .where('name', '=', DEMO_HOME_ENTERPRISE_NAME)
      .executeTakeFirstOrThrow();
    enterpriseId = ent.id;
    const gw = await env.app.inject({
      method: 'POST',
      url: '/api/gateways',
      headers,
      payload: { enterpriseId, name: 'E2E 井下监控分站' },
    });
    expect(gw.statusCode).toBe(201);
    token = gw.json().token;
    const pt = await env.app.inject({
      method: 'POST',
      url: '/api/points',
      headers,
      payload: {
        enterpriseId,
        code,
        name: '1301 采煤工作面甲烷 T1',
        template: 'coal-ch4-working-face',
        installation: '一采区',
        location: '1301 工作面',
        rangeMin: 0,
        rangeMax: 4,
      },
    });
    expect(pt.statusCode).toBe(201);
    pointId = pt.json().id;
    // Normal methane at the working face before the excursion.
    await send([
      { value: 0.28, ageMs: 30_000 },
      { value: 0.31, ageMs: 20_000 },
    ]);
  }, JOURNEY_MS);
  afterAll(() => env?.close());

  it(
    'raises the alarm live on the enterprise page, then acknowledge → clear → closed',
    async () => {
      const { ctx, page, errors } = await newPage(env, DESKTOP);
      await loginAs(env, page, 'enterprise_admin');
      // A current reading (the point reports every 10 s; it is offline after 30 s of silence).
      await send([{ value: 0.3 }]);
      await page.goto(`${env.baseUrl}/enterprises/${enterpriseId}?tab=monitoring`);
      await page.getByTestId('enterprise-monitoring').waitFor();
      await page.locator(`[data-testid="point-state-${code}"][data-state="normal"]`).waitFor();
      expect(await page.getByTestId(`point-value-${code}`).textContent()).toBe('0.3 %');
      await page.locator('[data-testid="live-badge"][data-connected="true"]').waitFor();

      // The excursion: 1.25 % reaches the 1.0 % alarm level (not the 1.5 % power cut).
      const sentAt = Date.now();
      await send([{ value: 1.25 }]);
      const ack = page.locator('[data-testid^="alarm-acknowledge-"]');
      // Live (SSE), not the 15-second poll: it must show within a few seconds, without a reload.
      await ack.first().waitFor({ timeout: 8_000 });
      const shownAfterMs = Date.now() - sentAt;
      expect(shownAfterMs).toBeLessThan(8_000);
      const [raised] = await alarmRows();
      expect(raised).toMatchObject({ rule: 'high', status: 'active', acknowledged: false, severity: 3 });
      expect(raised?.peak_value).toBe(1.25);
      const alarmCode = raised?.code ?? '';
      expect(await page.getByTestId(`alarm-acknowledge-${alarmCode}`).count()).toBe(1);
      // The enterprise may not force-close its own alarm: no such button.
      expect(await page.getByTestId(`alarm-close-${alarmCode}`).count()).toBe(0);
      await page.locator(`[data-testid="point-state-${code}"][data-state="alarm"]`).waitFor();

      // Acknowledge with a note.
      await page.getByTestId(`alarm-acknowledge-${alarmCode}`).click();
      await page.getByTestId('alarm-action-note').fill('已通知瓦检员现场复查，加强通风');
      await page.getByTestId('alarm-action-submit').click();
      await page.locator('[data-testid="alarm-ack"][data-acknowledged="true"]').waitFor();
      expect(await page.getByTestId(`alarm-acknowledge-${alarmCode}`).count()).toBe(0);
      const admin = await env.p.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'enterprise_admin')
        .executeTakeFirstOrThrow();
      const [acked] = await alarmRows();
      expect(acked).toMatchObject({
        status: 'active',
        acknowledged: true,
        acknowledged_by: admin.id,
        acknowledge_note: '已通知瓦检员现场复查，加强通风',
      });
      const audits = await env.p.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', acked?.id ?? '')
        .execute();
      expect(audits.map((a) => a.action)).toContain('alarm.acknowledge');

      // Methane falls below the 1.0 % restore level: the condition clears and, acknowledged, the alarm closes.
      await send([{ value: 0.42 }]);
      await page.locator(`[data-testid="point-state-${code}"][data-state="normal"]`).waitFor({ timeout: 8_000 });
      await page.getByTestId(`alarm-link-${alarmCode}`).waitFor({ state: 'detached', timeout: 8_000 });
      const [closed] = await alarmRows();
      expect(closed).toMatchObject({ status: 'closed', closed_how: 'auto', acknowledged: true });
      expect(closed?.cleared_at).not.toBeNull();
      expect((await alarmRows()).length).toBe(1);

      // The alarm's page tells the story in order.
      await page.goto(`${env.baseUrl}/monitoring/alarms/${closed?.id}`);
      await page.locator('[data-testid="alarm-detail"][data-status="closed"]').waitFor();
      const timeline = page.getByTestId('alarm-timeline');
      await timeline.getByTestId('timeline-raise').waitFor();
      const order = await timeline
        .locator('[data-testid^="timeline-"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
      expect(order.filter((x) => x !== 'timeline-update')).toEqual([
        'timeline-raise',
        'timeline-acknowledge',
        'timeline-clear_closed',
      ]);
      expect(await timeline.textContent()).toContain('已通知瓦检员现场复查');
      // The readings around it are charted (3 before, the excursion, the fall).
      await page.locator('[data-testid="trend-chart"][data-step="raw"]').waitFor();
      expect(Number(await page.getByTestId('trend-chart').getAttribute('data-points'))).toBe(5);
      expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
      await ctx.close();
    },
    JOURNEY_MS,
  );

  it(
    'shows the county overview with the enterprise, and a forced close for the county office',
    async () => {
      // A second excursion: a new alarm (the first one is closed).
      await send([{ value: 1.6 }]);
      const rows = await alarmRows();
      const open = rows.find((r) => r.status === 'active' && r.rule === 'power_cut');
      expect(open).toMatchObject({ severity: 4, tampering: false });
      const { ctx, page } = await newPage(env, DESKTOP);
      await loginAs(env, page, 'county_admin');
      await page.getByTestId('menu-monitoring').click();
      await page.getByTestId('monitoring-map').waitFor();
      await page.locator(`[data-testid="mon-ent-${enterpriseId}"][data-state="alarm"]`).waitFor();
      await page.locator('.fx-mon-marker.fx-mon-alarm').first().waitFor();
      const feed = page.getByTestId('alarm-feed');
      await feed.getByTestId(`alarm-link-${open?.code}`).waitFor();
      // The county office may force-close, with a reason.
      await feed.getByTestId(`alarm-close-${open?.code}`).click();
      await page.getByTestId('alarm-action-submit').click();
      await page.getByText('请填写关闭原因').waitFor();
      await page.getByTestId('alarm-action-reason').fill('传感器调校，数据无效');
      await page.getByTestId('alarm-action-submit').click();
      await feed.getByTestId(`alarm-link-${open?.code}`).waitFor({ state: 'detached' });
      const after = await env.p.db
        .selectFrom('alarms')
        .selectAll()
        .where('id', '=', open?.id ?? '')
        .executeTakeFirstOrThrow();
      expect(after).toMatchObject({ status: 'closed', closed_how: 'forced', close_reason: '传感器调校，数据无效' });
      await ctx.close();
    },
    JOURNEY_MS,
  );

  it(
    'works at phone width: point page with chart, no horizontal scroll',
    async () => {
      const { ctx, page } = await newPage(env, PHONE);
      await loginAs(env, page, 'enterprise_staff');
      await page.goto(`${env.baseUrl}/monitoring/points/${pointId}`);
      await page.getByTestId('point-title').waitFor();
      await page.getByTestId('trend-chart').waitFor();
      await page.getByTestId('range-presets').click();
      await page.locator('.ant-select-item-option').getByText('6 小时').click();
      await page.waitForURL((u) => u.searchParams.get('range') === 'h6');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(PHONE.width + 1);
      await page.goto(`${env.baseUrl}/monitoring`);
      await page.getByTestId('mon-total-points').waitFor();
      const width2 = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width2).toBeLessThanOrEqual(PHONE.width + 1);
      await ctx.close();
    },
    JOURNEY_MS,
  );
});
