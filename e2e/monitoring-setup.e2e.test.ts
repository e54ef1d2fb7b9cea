/**
 * Setting up monitoring without the API: the enterprise's safety manager registers a gateway (its token is shown
 * once, with the MQTT settings), creates a working-face methane point from the `coal-ch4-working-face` template
 * with overrides (a contradictory one is refused on its field first), and the point appears on the enterprise's
 * monitoring page with a reading sent with that very token. Then a threshold edit is audited, a red alarm brings
 * the notification (and the sound once enabled), and revoking the gateway stops its token. Phone width last.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOME_ENTERPRISE_NAME } from '../src/server/modules/org/data/demo-enterprises.js';
import { sha256 } from '../src/server/platform/auth/tokens.js';
import { browserAvailable, DESKTOP, type E2EEnv, loginAs, newPage, PHONE, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;
/** Whole journeys on a shared 2-core machine: each step has the harness's own timeouts, the journey more room. */
const JOURNEY_MS = 300_000;
const CODE = 'E2E-SETUP-CH4-T1';
const TEMPLATE_OPTION = '采煤工作面甲烷 T1 · coal-ch4-working-face';

run('monitoring set-up in Chromium', () => {
  let env: E2EEnv;
  let enterpriseId: string;
  let token = '';
  let gatewayId = '';

  async function send(value: number) {
    return fetch(`${env.baseUrl}/api/ingest/readings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ readings: [{ point: CODE, ts: new Date().toISOString(), value }] }),
    });
  }
  const pointRow = () =>
    env.p.db
      .selectFrom('monitoring_points')
      .selectAll()
      .where('enterprise_id', '=', enterpriseId)
      .where('code', '=', CODE)
      .executeTakeFirst();

  beforeAll(async () => {
    env = await startE2E();
    const ent = await env.p.db
      .selectFrom('enterprises')
      .select('id')
      .where('name', '=', DEMO_HOME_ENTERPRISE_NAME)
      .executeTakeFirstOrThrow();
    enterpriseId = ent.id;
  }, JOURNEY_MS);
  afterAll(() => env?.close());

  it(
    'registers a gateway, creates a methane point from the template with an override, and sees it report',
    async () => {
      const { ctx, page, errors } = await newPage(env, DESKTOP);
      await loginAs(env, page, 'enterprise_admin');

      // ── The gateway: registered from the menu, the token shown once with the MQTT settings ──────────────
      await page.getByTestId('menu-monitoringGateways').click();
      await page.getByTestId('gateway-new').click();
      // The form is mounted once its field shows: submitting before that validates nothing.
      await page.getByTestId('gateway-name').waitFor();
      await page.getByTestId('gateway-submit').click();
      await page.getByText('必填').waitFor();
      await page.getByTestId('gateway-name').fill('E2E 井下监控分站');
      await page.getByTestId('gateway-submit').click();
      const tokenEl = page.getByTestId('gateway-token');
      await tokenEl.waitFor();
      token = ((await tokenEl.textContent()) ?? '').trim();
      expect(token).toMatch(/^fxgw_[A-Za-z0-9_-]{43}$/);
      gatewayId = ((await page.getByTestId('gateway-username').textContent()) ?? '').trim();
      expect(await page.getByTestId('gateway-topic').textContent()).toBe(`fangxian/v1/readings/${gatewayId}`);
      expect(await page.getByTestId('gateway-http').textContent()).toBe(`${env.baseUrl}/api/ingest/readings`);
      const gw = await env.p.db
        .selectFrom('monitoring_gateways')
        .selectAll()
        .where('id', '=', gatewayId)
        .executeTakeFirstOrThrow();
      expect(gw).toMatchObject({ enterprise_id: enterpriseId, name: 'E2E 井下监控分站', revoked_at: null });
      // Only its digest is kept.
      expect(gw.token_hash).toBe(sha256(token));
      await page.getByTestId('gateway-token-done').click();
      await tokenEl.waitFor({ state: 'detached' });
      await page.locator(`[data-testid="gateway-status-${gatewayId}"][data-status="active"]`).waitFor();
      // Shown once: nowhere on the page any more.
      expect(await page.content()).not.toContain(token);

      // ── The point: template first, a contradictory override refused on its field, then a good one ───────
      await page.getByTestId('menu-monitoringPoints').click();
      await page.getByTestId('point-new').click();
      await page.getByTestId('point-form-title').waitFor();
      await page.getByTestId('point-template').click();
      await page.locator(`.ant-select-item-option[title="${TEMPLATE_OPTION}"]`).click();
      // The template's values beside the overrides; kind and unit come with it.
      await page.getByTestId('threshold-template-high').getByText('模板 1 %').waitFor();
      expect(await page.getByTestId('threshold-template-powerCut').textContent()).toContain('模板 1.5 %');
      expect(await page.getByTestId('point-unit').inputValue()).toBe('%');
      await page.getByTestId('point-code').fill('bad code!');
      await page.getByTestId('point-name').fill('1301 采煤工作面甲烷 T1');
      await page.getByText('只能含字母、数字和 _ . : # -，最长 64 位').waitFor();
      await page.getByTestId('point-code').fill(CODE);
      await page.getByTestId('point-location').fill('1301 工作面');
      await page.getByTestId('point-rangeMin').fill('0');
      await page.getByTestId('point-rangeMax').fill('4');
      // 2 % would alarm above the 1.5 % power cut: the core's order check, on the field, before any request.
      await page.getByTestId('threshold-high').fill('2');
      await page.getByTestId('point-submit').click();
      await page.getByText('阈值相互矛盾', { exact: false }).waitFor();
      expect(await pointRow()).toBeUndefined();
      await page.getByTestId('threshold-high').fill('0.8');
      await page.getByTestId('threshold-restore').fill('0.75');
      await page.getByTestId('threshold-template-high').getByText('生效 0.8 %').waitFor();
      await page.getByTestId('point-submit').click();
      await page.getByTestId(`managed-point-${CODE}`).waitFor();
      const row = await pointRow();
      expect(row).toMatchObject({
        kind: 'methane',
        unit: '%',
        template_key: 'coal-ch4-working-face',
        range_min: 0,
        range_max: 4,
        interval_seconds: 10,
      });
      expect(row?.overrides).toEqual({ high: 0.8, restore: 0.75 });
      expect(await page.getByTestId(`managed-point-${CODE}`).textContent()).toContain(
        '高报 0.8 · 断电 1.5 · 复电 0.75 %',
      );

      // ── The token works for this point, and the point is on the enterprise's monitoring page ───────────
      const res = await send(0.31);
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ accepted: 1, rejected: [] });
      await page.goto(`${env.baseUrl}/monitoring/enterprises/${enterpriseId}`);
      await page.locator(`[data-testid="point-state-${CODE}"][data-state="normal"]`).waitFor();
      expect(await page.getByTestId(`point-value-${CODE}`).textContent()).toBe('0.31 %');

      // ── A threshold edit is audited with before and after ───────────────────────────────────────────────
      await page.goto(`${env.baseUrl}/monitoring/points?enterpriseId=${enterpriseId}`);
      await page.getByTestId(`point-edit-${CODE}`).click();
      await page.getByTestId('point-form-title').getByText(CODE).waitFor();
      expect(await page.getByTestId('point-code').isDisabled()).toBe(true);
      expect(await page.getByTestId('threshold-high').inputValue()).toBe('0.8');
      await page.getByTestId('threshold-high').fill('0.9');
      await page.getByTestId('point-submit').click();
      await page.getByTestId(`managed-point-${CODE}`).getByText('高报 0.9', { exact: false }).waitFor();
      const audits = await env.p.db
        .selectFrom('audit_log')
        .select(['action', 'before', 'after'])
        .where('entity_id', '=', row?.id ?? '')
        .orderBy('id')
        .execute();
      expect(audits.map((a) => a.action)).toEqual(['monitoring.point.created', 'monitoring.point.thresholds_changed']);
      const change = audits[1] as { before: { thresholds: object }; after: { thresholds: object } };
      expect(change.before.thresholds).toEqual({ high: 0.8, restore: 0.75 });
      expect(change.after.thresholds).toEqual({ high: 0.9, restore: 0.75 });
      expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
      await ctx.close();
    },
    JOURNEY_MS,
  );

  it(
    'announces a new red alarm with a notification and, once enabled, a sound; mute is remembered',
    async () => {
      const { ctx, page } = await newPage(env, DESKTOP);
      // Headless Chromium lets any page play audio (tested: whatever --autoplay-policy says), a desktop browser
      // does not before the user's first click. The desktop policy is emulated around the real AudioContext:
      // suspended until resume() is called during a user activation.
      await page.addInitScript(() => {
        const Real = window.AudioContext;
        window.AudioContext = class extends Real {
          private allowed = false;
          constructor(options?: AudioContextOptions) {
            super(options);
            void super.suspend();
          }
          override get state(): AudioContextState {
            return this.allowed ? super.state : 'suspended';
          }
          override async resume(): Promise<void> {
            if (!navigator.userActivation.isActive) return;
            this.allowed = true;
            await super.resume();
          }
        };
      });
      await loginAs(env, page, 'enterprise_admin');
      // A fresh load: no click on this document yet, so the browser keeps audio suspended and we offer the button.
      await page.goto(`${env.baseUrl}/monitoring/enterprises/${enterpriseId}`);
      await page.locator('[data-testid="live-badge"][data-connected="true"]').waitFor();
      await page.locator('[data-testid="alarm-sound"][data-state="suspended"]').waitFor();
      await page.getByTestId('sound-enable').click();
      await page.locator('[data-testid="alarm-sound"][data-state="running"]').waitFor();
      expect(await page.getByTestId('sound-enable').count()).toBe(0);

      // 1.6 % reaches the 1.5 % power cut: severity 4 (red), the highest.
      expect((await send(1.6)).status).toBe(202);
      const alarm = await env.p.db
        .selectFrom('alarms')
        .innerJoin('monitoring_points', 'monitoring_points.id', 'alarms.point_id')
        .select(['alarms.code', 'alarms.severity'])
        .where('monitoring_points.code', '=', CODE)
        .where('alarms.rule', '=', 'power_cut')
        .executeTakeFirstOrThrow();
      expect(alarm.severity).toBe(4);
      await page.getByTestId(`alarm-notification-${alarm.code}`).waitFor({ timeout: 8_000 });
      await page.locator('[data-testid="alarm-sound"][data-plays="1"]').waitFor();

      // Muted, and still muted after a reload (localStorage).
      // The notifications module's own toasts for the alarm sit over the top right corner: the keyboard reaches
      // the button under them.
      await page.getByTestId('sound-mute').focus();
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="alarm-sound"][data-muted="true"]').waitFor();
      await page.reload();
      await page.locator('[data-testid="alarm-sound"][data-muted="true"]').waitFor();
      // Muted: no "enable sound" button even though this new document has had no click yet.
      expect(await page.getByTestId('sound-enable').count()).toBe(0);
      await ctx.close();
    },
    JOURNEY_MS,
  );

  it(
    'revokes the gateway after confirmation: its token stops working',
    async () => {
      const { ctx, page } = await newPage(env, DESKTOP);
      await loginAs(env, page, 'enterprise_admin');
      await page.goto(`${env.baseUrl}/monitoring/gateways`);
      await page.getByTestId(`gateway-revoke-${gatewayId}`).click();
      await page.getByTestId('gateway-revoke-confirm').click();
      await page.locator(`[data-testid="gateway-status-${gatewayId}"][data-status="revoked"]`).waitFor();
      const gw = await env.p.db
        .selectFrom('monitoring_gateways')
        .select('revoked_at')
        .where('id', '=', gatewayId)
        .executeTakeFirstOrThrow();
      expect(gw.revoked_at).not.toBeNull();
      expect((await send(0.3)).status).toBe(401);
      await ctx.close();
    },
    JOURNEY_MS,
  );

  it(
    'fits a phone: gateways and the point form without horizontal scroll',
    async () => {
      const { ctx, page } = await newPage(env, PHONE);
      await loginAs(env, page, 'enterprise_admin');
      for (const path of ['/monitoring/gateways', '/monitoring/points', '/monitoring/points/new']) {
        await page.goto(`${env.baseUrl}${path}`);
        await page.locator('.fx-page-title').waitFor();
        await page.waitForLoadState('networkidle');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, path).toBeLessThanOrEqual(PHONE.width + 1);
      }
      await ctx.close();
    },
    JOURNEY_MS,
  );
});
