import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, DEMO_PASSWORD, DESKTOP, type E2EEnv, loginAs, newPage, PHONE, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;
const SETTINGS_KEY = 'hazards.escalation';

/** Replaces the value of an AntD InputNumber found by its test id. */
async function setNumber(page: Page, testId: string, value: string) {
  const input = page.getByTestId(testId);
  await input.fill('');
  await input.fill(value);
  await input.press('Tab');
}

function localDatePlus(days: number): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

run('hazard administration in Chromium', () => {
  let env: E2EEnv;
  beforeAll(async () => {
    env = await startE2E();
  });
  afterAll(async () => {
    await env?.close();
  });

  const settingsRow = () =>
    env.p.db.selectFrom('settings').select(['value', 'version']).where('key', '=', SETTINGS_KEY).executeTakeFirst();

  it('the county office edits the escalation ladder: validated in the form, saved with its version, a concurrent change explained and reloaded', async () => {
    const { page, ctx, errors } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'county_admin');
    await page.goto(`${env.baseUrl}/hazards/settings`);
    await page.getByTestId('settings-summonAfterDaysOverdue').waitFor();
    const before = await settingsRow();

    // A summons from day 0 is refused by the form (the server's lower bound is 1): nothing is sent.
    await setNumber(page, 'settings-summonAfterDaysOverdue', '0');
    await page.getByTestId('settings-save').click();
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    expect(await settingsRow()).toEqual(before);

    await setNumber(page, 'settings-summonAfterDaysOverdue', '10');
    await setNumber(page, 'settings-remindDaysBefore', '5');
    await page.getByTestId('settings-save').click();
    const version1 = (before?.version ?? 0) + 1;
    await page
      .getByTestId('settings-version')
      .filter({ hasText: String(version1) })
      .waitFor();
    let row = await settingsRow();
    expect(row?.version).toBe(version1);
    expect(row?.value).toMatchObject({ summonAfterDaysOverdue: 10, remindDaysBefore: 5, listingWindowDays: 90 });

    // Someone else saves meanwhile (another county officer): this page's save answers 409, the page says so and
    // shows the latest settings, which the officer then saves on purpose.
    await env.p.db
      .updateTable('settings')
      .set({
        value: JSON.stringify({ ...(row?.value as object), listingWindowDays: 60 }),
        version: sql<number>`version + 1`,
      })
      .where('key', '=', SETTINGS_KEY)
      .execute();
    await setNumber(page, 'settings-redCardWindowDays', '180');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-error').waitFor();
    await page
      .getByTestId('settings-version')
      .filter({ hasText: String(version1 + 1) })
      .waitFor();
    expect(await page.getByTestId('settings-listingWindowDays').inputValue()).toBe('60');
    row = await settingsRow();
    expect(row?.version).toBe(version1 + 1);
    expect(row?.value).toMatchObject({ listingWindowDays: 60, redCardWindowDays: 365 });
    await setNumber(page, 'settings-redCardWindowDays', '180');
    await page.getByTestId('settings-save').click();
    await page
      .getByTestId('settings-version')
      .filter({ hasText: String(version1 + 2) })
      .waitFor();
    row = await settingsRow();
    expect(row?.value).toMatchObject({ listingWindowDays: 60, redCardWindowDays: 180, summonAfterDaysOverdue: 10 });
    const audits = await env.p.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'hazard.settings_updated')
      .execute();
    expect(audits).toHaveLength(2);
    // The 409 itself is logged by the browser as a failed request; nothing else may be.
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
    await ctx.close();
  });

  it('a township officer is not offered the settings or the catalog editor', async () => {
    const { page, ctx } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'town_officer');
    await page.goto(`${env.baseUrl}/hazards/settings`);
    await page.locator('.ant-result-403').waitFor();
    expect(await page.getByTestId('settings-save').count()).toBe(0);
    expect(await page.locator('a[href="/hazards/settings"]').count()).toBe(0);
    expect(await page.locator('a[href="/hazards/catalog"]').count()).toBe(0);
    await ctx.close();
  });

  it('on a phone, the safety manager edits a hazard of the enterprise; a concurrent change gives a 409 that is explained and resolved by loading the latest', async () => {
    const manager = await env.p.db
      .selectFrom('users')
      .select(['enterprise_id'])
      .where('username', '=', 'enterprise_admin')
      .executeTakeFirstOrThrow();
    // The enterprise's own general hazard, recorded through the API by its safety manager.
    const signIn = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'enterprise_admin', password: DEMO_PASSWORD },
    });
    const cookie = signIn.cookies.find((c) => c.name === 'fx_session');
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/hazards',
      headers: { cookie: `fx_session=${cookie?.value}`, origin: 'http://localhost:80' },
      payload: {
        place: '二号配电室',
        category: 'electrical',
        level: 'general',
        source: 'self_check',
        description: '配电箱漏电保护器失效',
        rectification: { deadline: localDatePlus(10) },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const h = await env.p.db
      .selectFrom('hazards')
      .select(['id', 'code', 'version', 'place'])
      .where('id', '=', created.json().id)
      .where('enterprise_id', '=', manager.enterprise_id as string)
      .executeTakeFirstOrThrow();

    const { page, ctx, errors } = await newPage(env, PHONE);
    await loginAs(env, page, 'enterprise_admin');
    await page.goto(`${env.baseUrl}/hazards/${h.id}`);
    await page.getByTestId('hazard-edit').click();
    await page.getByTestId('edit-place').waitFor();
    expect(await page.getByTestId('edit-place').inputValue()).toBe(h.place);
    await page.getByTestId('edit-place').fill('二号配电室东侧');
    await page.getByTestId('edit-measures').fill('更换漏电保护器并加装防护罩');
    await page.getByTestId('edit-responsible').fill('电工班长 王强');
    await page.getByTestId('edit-funds').fill('1200 元');
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(PHONE.width + 1);
    await page.getByTestId('edit-ok').click();
    await page.getByTestId('edit-ok').waitFor({ state: 'hidden' });
    await page.getByText('二号配电室东侧').first().waitFor();
    let row = await env.p.db
      .selectFrom('hazards')
      .select(['place', 'rectification_measures', 'responsible_person', 'rectification_funds', 'version'])
      .where('id', '=', h.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      place: '二号配电室东侧',
      rectification_measures: '更换漏电保护器并加装防护罩',
      responsible_person: '电工班长 王强',
      rectification_funds: '1200 元',
      version: h.version + 1,
    });

    // A supervisor changes the hazard while the manager has the form open.
    await page.getByTestId('hazard-edit').click();
    await page.getByTestId('edit-description').waitFor();
    await env.p.db
      .updateTable('hazards')
      .set({ place: '二号配电室（监管修正）', version: h.version + 2 })
      .where('id', '=', h.id)
      .execute();
    await page.getByTestId('edit-description').fill('配电箱漏电保护器失效，箱门无法关闭');
    await page.getByTestId('edit-ok').click();
    await page.getByTestId('edit-stale').waitFor();
    expect(await page.getByTestId('edit-stale').textContent()).toContain(String(h.version + 2));
    row = await env.p.db
      .selectFrom('hazards')
      .select(['place', 'rectification_measures', 'responsible_person', 'rectification_funds', 'version'])
      .where('id', '=', h.id)
      .executeTakeFirstOrThrow();
    expect(row.version).toBe(h.version + 2);
    // Loading the latest shows the supervisor's place; the manager re-types the description and saves.
    await page.getByTestId('edit-reload').click();
    await page.getByTestId('edit-stale').waitFor({ state: 'detached' });
    expect(await page.getByTestId('edit-place').inputValue()).toBe('二号配电室（监管修正）');
    await page.getByTestId('edit-description').fill('配电箱漏电保护器失效，箱门无法关闭');
    await page.getByTestId('edit-ok').click();
    await page.getByTestId('edit-ok').waitFor({ state: 'hidden' });
    await page.getByTestId('hazard-description').filter({ hasText: '箱门无法关闭' }).waitFor();
    const final = await env.p.db
      .selectFrom('hazards')
      .select(['place', 'description', 'version'])
      .where('id', '=', h.id)
      .executeTakeFirstOrThrow();
    expect(final).toEqual({
      place: '二号配电室（监管修正）',
      description: '配电箱漏电保护器失效，箱门无法关闭',
      version: h.version + 3,
    });
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(PHONE.width + 1);
    // The 409 itself is logged by the browser as a failed request; nothing else may be.
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
    await ctx.close();
  });
});
