import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOME_ENTERPRISE_NAME } from '../src/server/modules/org/data/demo-enterprises.js';
import { browserAvailable, DESKTOP, type E2EEnv, loginAs, newPage, PHONE, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

/** A JSON call from inside the page: same origin, the session cookie and the Origin header the CSRF check reads. */
async function apiIn<T>(
  page: Page,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; json: T }> {
  return page.evaluate(
    async ({ path, method, body }) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
      return { status: res.status, json: await res.json() };
    },
    { path, method, body },
  );
}

interface Detail {
  id: string;
  code: string;
  status: string;
  checklist: { templateId: string; items: { key: string; level: string }[] }[];
  hazards: { id: string; code: string }[];
}

run('supervision journeys in Chromium', () => {
  let env: E2EEnv;
  let homeId: string;
  beforeAll(async () => {
    env = await startE2E();
    homeId = (
      await env.p.db
        .selectFrom('enterprises')
        .select('id')
        .where('name', '=', DEMO_HOME_ENTERPRISE_NAME)
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => env?.close());

  it('a township inspector on a phone runs a checklist with one finding, and the hazard is in the hazard module', async () => {
    const { ctx, page, errors } = await newPage(env, PHONE);
    await loginAs(env, page, 'town_officer');
    const me = await apiIn<{ user: { id: string } }>(page, '/api/auth/me');
    // A follow-up inspection (exempt kind, with its reason): the journey does not depend on today's date.
    const scheduled = await apiIn<{ id: string; code: string }>(page, '/api/inspections', 'POST', {
      enterpriseId: homeId,
      kind: 'follow_up',
      exemptionReason: '复查上次检查责令整改事项',
      plannedAt: new Date().toISOString(),
      departmentIds: [],
      inspectorIds: [me.json.user.id],
      unannounced: false,
    });
    expect(scheduled.status).toBe(201);
    const id = scheduled.json.id;

    await page.goto(`${env.baseUrl}/inspections/${id}`);
    await page.getByTestId('insp-start').click();
    await page.getByTestId('checklist-progress').waitFor();
    const detail = (await apiIn<Detail>(page, `/api/inspections/${id}`)).json;
    expect(detail.status).toBe('in_progress');
    const group = detail.checklist[0];
    const finding = group?.items.find((i) => i.level === 'general');
    if (!group || !finding) throw new Error('the coal-mine checklist has no general item');

    // The finding: 不符合 needs a note (or photo); the draft is kept in the browser.
    // The test id sits on AntD's visually hidden radio <input>: click its label, as a finger would.
    await page.getByTestId(`item-${finding.key}-not_compliant`).locator('xpath=ancestor::label[1]').click();
    await page.getByTestId(`item-${finding.key}-note`).fill('主斜井皮带机头防护栏缺失');
    await page.getByTestId(`item-${finding.key}-place`).fill('主斜井皮带机头');
    const rest = page.locator('[data-testid^="group-"][data-testid$="-rest"]');
    for (let n = 0; n < (await rest.count()); n++) await rest.nth(n).click();

    // A bad connection: submitting fails, nothing is lost; a reload still has the draft.
    await ctx.setOffline(true);
    await page.getByTestId('answers-submit').click();
    await page.getByText('网络不通').first().waitFor();
    await ctx.setOffline(false);
    await page.reload();
    await page.getByTestId('draft-banner').waitFor();
    await expect(page.getByTestId(`item-${finding.key}-note`).inputValue()).resolves.toBe('主斜井皮带机头防护栏缺失');
    const before = await env.p.db
      .selectFrom('inspection_answers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('inspection_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(before.n)).toBe(0);

    await page.getByTestId('answers-submit').click();
    await page.getByTestId(`item-${finding.key}-hazard`).waitFor();
    await page.getByTestId('sign-enterprise').fill('吴工');
    await page.getByTestId('insp-complete').click();
    await page.getByTestId('insp-documents').waitFor();
    expect(
      await page.evaluate(() => localStorage.getItem(`fx.inspection-draft.${location.pathname.split('/').pop()}`)),
    ).toBeNull();
    // Usable at 390 px: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width + 1);

    // In the database: one non-compliant answer linked to a hazard of source `inspection` for the enterprise.
    const answers = await env.p.db
      .selectFrom('inspection_answers')
      .select(['item_key', 'result', 'hazard_id', 'note'])
      .where('inspection_id', '=', id)
      .execute();
    const bad = answers.filter((a) => a.result === 'not_compliant');
    expect(bad).toHaveLength(1);
    expect(bad[0]?.item_key).toBe(finding.key);
    const hazardId = bad[0]?.hazard_id;
    if (!hazardId) throw new Error('no hazard linked to the finding');
    const hazard = await env.p.db
      .selectFrom('hazards')
      .select(['code', 'source', 'enterprise_id', 'level', 'status'])
      .where('id', '=', hazardId)
      .executeTakeFirstOrThrow();
    expect(hazard).toMatchObject({ source: 'inspection', enterprise_id: homeId, level: 'general' });
    const inspection = await env.p.db
      .selectFrom('inspections')
      .select(['status', 'non_compliant_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(inspection).toMatchObject({ status: 'completed', non_compliant_count: 1 });

    // In the hazard module: its API and its detail page, reached from the inspection.
    const viaApi = await apiIn<{ code: string; description: string }>(page, `/api/hazards/${hazardId}`);
    expect(viaApi.status).toBe(200);
    expect(viaApi.json.code).toBe(hazard.code);
    await page.getByTestId('insp-hazard-link').first().click();
    await page.waitForURL((u) => u.pathname === `/hazards/${hazardId}`);
    await expect(page.getByTestId('hazard-code').textContent()).resolves.toContain(hazard.code);
    await page.getByTestId('hazard-description').getByText('防护栏缺失').waitFor();
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await ctx.close();
  });

  it('a newcomer at the emergency bureau finds the demo yearly plan and its progress on a phone', async () => {
    const { ctx, page } = await newPage(env, PHONE);
    await loginAs(env, page, 'dept_officer');
    const year = new Date().getFullYear();
    const list = await apiIn<{ items: { id: string; done: number; isDemo: boolean }[] }>(
      page,
      `/api/plans?year=${year}`,
    );
    expect(list.json.items).toHaveLength(1);
    const plan = list.json.items[0];
    if (!plan) throw new Error('no demo plan');
    expect(plan.isDemo).toBe(true);

    await page.goto(`${env.baseUrl}/supervision/plans`);
    const card = page.getByTestId('plan-card');
    await card.waitFor();
    await expect(card.count()).resolves.toBe(1);
    await card.getByText('演示').waitFor();
    await card.click();
    await page.waitForURL((u) => u.pathname === `/supervision/plans/${plan.id}`);
    const done = page.getByTestId('plan-stat-done');
    await done.waitFor();
    expect(await done.locator('.ant-statistic-content-value').textContent()).toBe(String(plan.done));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width + 1);
    await ctx.close();
  });

  it('scheduling a routine inspection inside the quiet period is refused with the rule named, and nothing is written', async () => {
    const { ctx, page } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'county_admin');
    // Day 5 of next month: inside the county's default quiet period (days 1–15).
    const d = new Date();
    const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 5));
    const local = `${next.toISOString().slice(0, 10)}T10:00`;
    const count = async () =>
      Number(
        (
          await env.p.db
            .selectFrom('inspections')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const auditCount = async () =>
      Number(
        (
          await env.p.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('action', 'like', 'inspection.scheduled%')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const [before, auditBefore] = [await count(), await auditCount()];

    await page.goto(`${env.baseUrl}/inspections`);
    await page.getByTestId('insp-schedule').click();
    await page.getByTestId('sched-enterprise').click();
    await page.keyboard.type('凤鸣煤业');
    await page.locator('.ant-select-item-option').filter({ hasText: '凤鸣煤业' }).first().click();
    await page.getByTestId('sched-date').fill(local);
    await page.getByTestId('sched-departments').click();
    await page.keyboard.type('能源');
    await page.locator('.ant-select-item-option').filter({ hasText: '能源' }).first().click();
    await page.keyboard.press('Escape');
    await page.getByTestId('sched-submit').click();

    const refused = page.getByTestId('schedule-refused');
    await refused.waitFor();
    await expect(refused.getAttribute('data-code')).resolves.toBe('QUIET_PERIOD');
    const text = (await refused.textContent()) ?? '';
    expect(text).toContain('安静期');
    expect(await page.getByTestId('schedule-refused-message').textContent()).toMatch(/1.15/);
    expect(await count()).toBe(before);
    expect(await auditCount()).toBe(auditBefore);
    await ctx.close();
  });
});
