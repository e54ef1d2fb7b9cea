import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, DEMO_PASSWORD, DESKTOP, type E2EEnv, loginAs, newPage, PHONE, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

/** RULES.md §3 (《安全生产领域举报奖励办法》): 15 % of the fine, at least ¥3,000, at most ¥300,000. */
const REWARD_FLOOR_YUAN = 3_000;
const REWARD_CAP_YUAN = 300_000;

function localDatePlus(days: number): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

/**
 * Console errors, without antd 6.6's deprecation notices (`List`, `Space direction`: printed by pages across the
 * app; moving to their successors is not part of these pages' fixes).
 */
const realErrors = (errors: string[]) => errors.filter((e) => !/^Warning: \[antd: \w+\] .*deprecated/.test(e));

const sidewaysWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** Replaces the value of an AntD InputNumber. */
async function setNumber(page: Page, selector: string, value: string) {
  const input = page.locator(selector);
  await input.fill('');
  await input.fill(value);
  await input.press('Tab');
}

run('hazard administration pages in Chromium: catalog, summons, listings, fines and rewards', () => {
  let env: E2EEnv;
  let home: { id: string; name: string; department_ids: string[] };
  /** An enterprise of the township officer's territory supervised by the demo department officer's bureau. */
  let site: { id: string; name: string; department_ids: string[] };
  let bureauId: string;
  beforeAll(async () => {
    env = await startE2E();
    const officer = await env.p.db
      .selectFrom('users')
      .select('department_id')
      .where('username', '=', 'dept_officer')
      .executeTakeFirstOrThrow();
    bureauId = officer.department_id as string;
    const township = await env.p.db
      .selectFrom('users')
      .innerJoin('regions', 'regions.code', 'users.region_code')
      .select('regions.path')
      .where('users.username', '=', 'town_officer')
      .executeTakeFirstOrThrow();
    site = await env.p.db
      .selectFrom('enterprises')
      .select(['id', 'name', 'department_ids'])
      .where(sql<boolean>`${bureauId}::uuid = any(department_ids)`)
      .where('region_path', 'like', `${township.path}%`)
      .orderBy('name')
      .limit(1)
      .executeTakeFirstOrThrow();
    const admin = await env.p.db
      .selectFrom('users')
      .select('enterprise_id')
      .where('username', '=', 'enterprise_admin')
      .executeTakeFirstOrThrow();
    home = await env.p.db
      .selectFrom('enterprises')
      .select(['id', 'name', 'department_ids'])
      .where('id', '=', admin.enterprise_id as string)
      .executeTakeFirstOrThrow();
  });
  afterAll(async () => {
    await env?.close();
  });

  /** Calls the API as a demo user (fixtures are made the way the app makes them, through its routes). */
  async function as(username: string) {
    const signIn = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: DEMO_PASSWORD },
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const cookie = signIn.cookies.find((c) => c.name === 'fx_session')?.value;
    return async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await env.app.inject({
        method,
        url,
        headers: { cookie: `fx_session=${cookie}`, origin: 'http://localhost:80' },
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json();
    };
  }

  /** A general hazard at the site recorded on inspection by its supervising bureau. */
  async function inspectionHazard(place: string): Promise<{ id: string; code: string }> {
    const dept = await as('dept_officer');
    return dept('POST', '/api/hazards', {
      enterpriseId: site.id,
      place,
      category: 'equipment',
      level: 'general',
      source: 'inspection',
      description: `${place}防护设施缺失`,
      rectification: { deadline: localDatePlus(5) },
    });
  }

  /**
   * Moves a hazard's deadline into the past (the API refuses past deadlines; the ladder only looks at the date), as
   * if it had been set that many days ago, then runs the escalation job as of now.
   */
  async function overdueBy(hazardId: string, days: number) {
    await env.p.db
      .updateTable('hazards')
      .set({ deadline: localDatePlus(-days) })
      .where('id', '=', hazardId)
      .execute();
    await env.p.jobs.runNow('hazards.escalate', new Date());
  }

  const auditActions = async (entityId: string) =>
    (
      await env.p.db.selectFrom('audit_log').select('action').where('entity_id', '=', entityId).orderBy('id').execute()
    ).map((a) => a.action);

  it('the county office adds a criteria item, edits it, retires it after confirming and restores it', async () => {
    const code = `local-${Date.now().toString(36)}`;
    const item = () =>
      env.p.db
        .selectFrom('hazard_catalog_items')
        .select(['catalog', 'text_zh', 'basis', 'active', 'builtin', 'version'])
        .where('code', '=', code)
        .executeTakeFirst();
    const { page, ctx, errors } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'county_admin');
    await page.goto(`${env.baseUrl}/hazards/catalog`);
    await page.getByTestId('catalog-add').waitFor();
    const catalog = await page.locator('.ant-tabs-tab-active').getAttribute('data-node-key');
    expect(catalog).toBeTruthy();

    // Add: a code in the wrong format is refused by the form, nothing sent.
    await page.getByTestId('catalog-add').click();
    await page.getByTestId('catalog-code').fill('Bad Code');
    await page.getByTestId('catalog-textZh').fill('尾矿库坝体出现贯穿性裂缝仍继续排放');
    await page.getByTestId('catalog-basis').fill('县安委办〔2026〕5号');
    await page.getByTestId('catalog-ok').click();
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    expect(await item()).toBeUndefined();
    await page.getByTestId('catalog-code').fill(code);
    await page.getByTestId('catalog-ok').click();
    const row = page.locator(`[data-testid=catalog-item][data-code="${code}"]`);
    await row.waitFor();
    expect(await item()).toEqual({
      catalog,
      text_zh: '尾矿库坝体出现贯穿性裂缝仍继续排放',
      basis: '县安委办〔2026〕5号',
      active: true,
      builtin: false,
      version: 1,
    });

    // Edit the text.
    await page.getByTestId(`catalog-edit-${code}`).click();
    await page.getByTestId('catalog-textZh').fill('尾矿库坝体出现贯穿性裂缝或严重渗漏仍继续排放');
    await page.getByTestId('catalog-ok').click();
    await row.filter({ hasText: '严重渗漏' }).waitFor();
    expect(await item()).toMatchObject({ text_zh: '尾矿库坝体出现贯穿性裂缝或严重渗漏仍继续排放', version: 2 });

    // Retire: cancelling the confirmation changes nothing; confirming retires it and hides it.
    await page.getByTestId(`catalog-retire-${code}`).click();
    await page.getByTestId('catalog-retire-ok').waitFor();
    await page.locator('.ant-modal-confirm-btns .ant-btn:not([data-testid=catalog-retire-ok])').click();
    await page.getByTestId('catalog-retire-ok').waitFor({ state: 'detached' });
    expect(await item()).toMatchObject({ active: true, version: 2 });
    await page.getByTestId(`catalog-retire-${code}`).click();
    await page.getByTestId('catalog-retire-ok').click();
    await row.waitFor({ state: 'detached' });
    expect(await item()).toMatchObject({ active: false, version: 3 });
    // A retired item is no longer offered for a new hazard.
    const county = await as('county_admin');
    const offered = await county('GET', '/api/hazard-catalog');
    expect(offered.items.map((i: { code: string }) => i.code)).not.toContain(code);

    // Restore it from the retired items.
    await page.getByTestId('catalog-show-retired').click();
    await page.getByTestId(`catalog-restore-${code}`).click();
    await page.getByTestId(`catalog-retire-${code}`).waitFor();
    expect(await item()).toMatchObject({ active: true, version: 4 });

    expect(await auditActions(code)).toEqual([
      'hazard.catalog_item_created',
      'hazard.catalog_item_updated',
      'hazard.catalog_item_updated',
      'hazard.catalog_item_updated',
    ]);
    const changes = await env.p.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('entity_id', '=', code)
      .where('action', '=', 'hazard.catalog_item_updated')
      .orderBy('id')
      .execute();
    expect(
      changes.map((c) => [(c.before as { active: boolean }).active, (c.after as { active: boolean }).active]),
    ).toEqual([
      [true, true],
      [true, false],
      [false, true],
    ]);
    expect(realErrors(errors)).toEqual([]);
    await ctx.close();
  });

  it('a summons created by the escalation job is recorded as held by the supervising department; a township officer cannot record it', async () => {
    const h = await inspectionHazard('主斜井皮带机头');
    // Overdue by 8 days: past the default 7 after which the ladder asks for a summons.
    await overdueBy(h.id, 8);
    const summons = await env.p.db
      .selectFrom('hazard_summons')
      .select(['id', 'status', 'department_ids'])
      .where('hazard_id', '=', h.id)
      .execute();
    expect(summons).toEqual([{ id: expect.any(String), status: 'pending', department_ids: site.department_ids }]);
    expect(site.department_ids).toContain(bureauId);
    const summonsId = summons[0]?.id ?? '';

    // The township sees the task but is offered no way to record it.
    const town = await newPage(env, DESKTOP);
    await loginAs(env, town.page, 'town_officer');
    await town.page.goto(`${env.baseUrl}/hazards/summons`);
    const townItem = town.page.getByTestId('summons-item').filter({ hasText: h.code });
    await townItem.waitFor();
    expect(await townItem.getByTestId('summons-record').count()).toBe(0);
    await town.ctx.close();

    const { page, ctx, errors } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'dept_officer');
    await page.goto(`${env.baseUrl}/hazards/summons`);
    const item = page.getByTestId('summons-item').filter({ hasText: h.code });
    await item.waitFor();
    const opened = Date.now();
    await item.getByTestId('summons-record').click();
    await page.getByTestId('summons-ok').waitFor();
    // Without attendees and a note the form refuses, nothing is sent.
    const attendees = page.locator('#attendees');
    await page.locator('.ant-select-selection-item-remove').evaluateAll((els) => {
      for (const e of els) (e as HTMLElement).click();
    });
    await page.getByTestId('summons-ok').click();
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    expect(
      (await env.p.db.selectFrom('hazard_summons').select('status').where('id', '=', summonsId).executeTakeFirst())
        ?.status,
    ).toBe('pending');
    await attendees.fill('企业主要负责人 刘建国');
    await attendees.press('Enter');
    await attendees.fill('安全副总 吴工');
    await attendees.press('Enter');
    await page.getByTestId('summons-note').fill('责令三日内完成皮带机头防护罩安装，逾期停产整顿');
    await page.getByTestId('summons-ok').click();
    await page.getByTestId('summons-ok').waitFor({ state: 'hidden' });
    const saved = Date.now();
    const row = await env.p.db
      .selectFrom('hazard_summons')
      .select(['status', 'attendees', 'note', 'held_at', 'recorded_by_name', 'version'])
      .where('id', '=', summonsId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'held',
      attendees: ['企业主要负责人 刘建国', '安全副总 吴工'],
      note: '责令三日内完成皮带机头防护罩安装，逾期停产整顿',
      recorded_by_name: '县应急局 赵科长',
      version: 2,
    });
    // The date the form proposes is the moment it was opened (to the minute).
    expect(row.held_at?.getTime()).toBeGreaterThanOrEqual(opened - 60_000);
    expect(row.held_at?.getTime()).toBeLessThanOrEqual(saved);
    expect(await auditActions(summonsId)).toEqual(['hazard.summons_created', 'hazard.summons_held']);

    // Done: no longer waiting, shown with its outcome among the held ones.
    await item.waitFor({ state: 'detached' });
    await page.locator('.ant-segmented-item', { hasText: '已约谈' }).click();
    const done = page.getByTestId('summons-item').filter({ hasText: h.code });
    await done.getByTestId('summons-outcome').filter({ hasText: '安全副总 吴工' }).waitFor();
    expect(await done.getByTestId('summons-record').count()).toBe(0);
    expect(realErrors(errors)).toEqual([]);
    await ctx.close();
  });

  it('a major hazard overdue is listed with a yellow card; the county lifts the listing and the card with a reason, shown in the history', async () => {
    const dept = await as('dept_officer');
    const m = await dept('POST', '/api/hazards', {
      enterpriseId: site.id,
      place: '1302 回风巷',
      category: 'equipment',
      level: 'major',
      majorBasis: '涉爆粉尘除尘系统未按规定泄爆',
      source: 'inspection',
      description: '回风巷风量不足，通风系统不可靠',
    });
    await dept('POST', `/api/hazards/${m.id}/actions`, {
      action: 'confirm',
      version: m.version,
      plan: {
        owner: '矿长',
        measures: '改造通风系统',
        funds: '20 万元',
        deadline: localDatePlus(3),
        contingency: '停产撤人',
      },
      interimMeasures: '限产并加强巡检',
    });
    await overdueBy(m.id, 2);
    const listing = await env.p.db
      .selectFrom('hazard_listings')
      .innerJoin('hazard_cards', 'hazard_cards.listing_id', 'hazard_listings.id')
      .select(['hazard_listings.id', 'hazard_listings.code', 'hazard_cards.id as cardId', 'hazard_cards.color'])
      .where('hazard_listings.hazard_id', '=', m.id)
      .executeTakeFirstOrThrow();
    expect(listing.color).toBe('yellow');

    const { page, ctx, errors } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'county_admin');
    await page.goto(`${env.baseUrl}/hazards/listings`);
    const item = page.getByTestId('listing-item').filter({ hasText: listing.code });
    await item.filter({ hasText: m.code }).filter({ hasText: '黄牌' }).waitFor();
    await item.getByTestId('listing-lift').click();
    // The reason is required: the button stays disabled for an empty or blank reason.
    await page.getByTestId('lift-reason').waitFor();
    expect(await page.getByTestId('lift-ok').isDisabled()).toBe(true);
    await page.getByTestId('lift-reason').fill('   ');
    expect(await page.getByTestId('lift-ok').isDisabled()).toBe(true);
    expect(
      (await env.p.db.selectFrom('hazard_listings').select('status').where('id', '=', listing.id).executeTakeFirst())
        ?.status,
    ).toBe('active');
    await page.getByTestId('lift-reason').fill('企业已完成通风系统改造，经县应急局复查合格');
    await page.getByTestId('lift-ok').click();
    await page.getByTestId('lift-reason').waitFor({ state: 'hidden' });
    await item.waitFor({ state: 'detached' });
    expect(
      await env.p.db
        .selectFrom('hazard_listings')
        .select(['status', 'lift_reason', 'lifted_by_name', 'version'])
        .where('id', '=', listing.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      status: 'lifted',
      lift_reason: '企业已完成通风系统改造，经县应急局复查合格',
      lifted_by_name: '县安委办 王主任',
      version: 2,
    });
    expect(await auditActions(listing.id)).toEqual(['hazard.listing_created', 'hazard.listing_lifted']);

    // Among the lifted listings, the history shows the listing and its lifting with the reason.
    await page.locator('.ant-segmented-item', { hasText: '已解除' }).click();
    const lifted = page.getByTestId('listing-item').filter({ hasText: listing.code });
    await lifted.getByRole('button', { name: '记录' }).click();
    const history = lifted.getByTestId('listing-history').first();
    await history.filter({ hasText: '企业已完成通风系统改造' }).waitFor();
    expect(await history.textContent()).toMatch(/挂牌督办.*解除.*县安委办 王主任/);

    // The card is lifted on its own.
    await page.locator('.ant-segmented-item', { hasText: '督办中' }).click();
    await page.getByRole('tab', { name: '红黄牌' }).click();
    const card = page.getByTestId('card-item').filter({ hasText: listing.code });
    await card.getByTestId('card-lift').click();
    await page.getByTestId('lift-reason').fill('挂牌已解除，撤销黄牌');
    await page.getByTestId('lift-ok').click();
    await card.waitFor({ state: 'detached' });
    expect(
      await env.p.db
        .selectFrom('hazard_cards')
        .select(['status', 'lift_reason'])
        .where('id', '=', listing.cardId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'lifted', lift_reason: '挂牌已解除，撤销黄牌' });
    expect(await auditActions(listing.cardId)).toEqual(['hazard.card_lifted']);

    // The listing's notification opens this page on that listing, its history shown.
    const told = await env.p.db
      .selectFrom('notifications')
      .innerJoin('users', 'users.id', 'notifications.user_id')
      .select('notifications.link')
      .where('users.username', '=', 'county_admin')
      .where('notifications.entity_id', '=', listing.id)
      .where('notifications.kind', '=', 'hazard.listing')
      .executeTakeFirstOrThrow();
    await page.goto(`${env.baseUrl}${told.link}`);
    const linked = page.getByTestId('listing-linked');
    await linked.getByTestId('listing-history').filter({ hasText: '企业已完成通风系统改造' }).waitFor();
    expect(await linked.getByTestId('listing-item').textContent()).toContain(listing.code);
    expect(realErrors(errors)).toEqual([]);
    await ctx.close();
  });

  it('on a 390 px phone the summons and listings pages do not scroll sideways', async () => {
    // Something to show on each: a summons (overdue 10 days) and a listing (a major hazard overdue).
    const h = await inspectionHazard('井下中央变电所');
    await overdueBy(h.id, 10);
    const dept = await as('dept_officer');
    const m = await dept('POST', '/api/hazards', {
      enterpriseId: site.id,
      place: '2号煤仓',
      category: 'equipment',
      level: 'major',
      majorBasis: '涉爆粉尘除尘系统未按规定泄爆',
      source: 'inspection',
      description: '煤仓通风不良',
    });
    await dept('POST', `/api/hazards/${m.id}/actions`, {
      action: 'confirm',
      version: m.version,
      plan: {
        owner: '矿长',
        measures: '增设局扇',
        funds: '5 万元',
        deadline: localDatePlus(2),
        contingency: '停产撤人',
      },
      interimMeasures: '限员作业',
    });
    await overdueBy(m.id, 1);

    const { page, ctx, errors } = await newPage(env, PHONE);
    await loginAs(env, page, 'dept_officer');
    await page.goto(`${env.baseUrl}/hazards/summons`);
    await page.getByTestId('summons-item').filter({ hasText: h.code }).waitFor();
    expect(await sidewaysWidth(page)).toBeLessThanOrEqual(PHONE.width + 1);
    await page.getByTestId('summons-item').filter({ hasText: h.code }).getByTestId('summons-record').click();
    await page.getByTestId('summons-ok').waitFor();
    expect(await sidewaysWidth(page)).toBeLessThanOrEqual(PHONE.width + 1);
    await ctx.close();

    const county = await newPage(env, PHONE);
    await loginAs(env, county.page, 'county_admin');
    await county.page.goto(`${env.baseUrl}/hazards/listings`);
    const item = county.page.getByTestId('listing-item').filter({ hasText: m.code });
    await item.waitFor();
    await item.getByRole('button', { name: '记录' }).click();
    await item.getByTestId('listing-history').first().waitFor();
    expect(await sidewaysWidth(county.page)).toBeLessThanOrEqual(PHONE.width + 1);
    await county.page.getByRole('tab', { name: '红黄牌' }).click();
    await county.page.getByTestId('card-item').first().waitFor();
    expect(await sidewaysWidth(county.page)).toBeLessThanOrEqual(PHONE.width + 1);
    expect(realErrors([...errors, ...county.errors])).toEqual([]);
    await county.ctx.close();
  });

  it('triage: the notification opens the report; accepted, a fine below the floor and one above the cap give the reward of RULES.md §3, recorded', async () => {
    const file = async (text: string) => {
      const res = await env.app.inject({
        method: 'POST',
        url: '/api/public/reports',
        payload: { text, place: '凤城镇北关', enterpriseName: home.name },
      });
      expect(res.statusCode, res.body).toBe(201);
      return env.p.db
        .selectFrom('public_reports')
        .select(['id', 'version'])
        .where('tracking_code', '=', res.json().trackingCode)
        .executeTakeFirstOrThrow();
    };
    const small = await file('凤鸣煤业夜间在停产整顿的工作面偷偷组织生产');
    const large = await file('凤鸣煤业超层越界开采，井下有人员作业');
    const county = await env.p.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'county_admin')
      .executeTakeFirstOrThrow();
    const note = await env.p.db
      .selectFrom('notifications')
      .select('link')
      .where('user_id', '=', county.id)
      .where('entity_id', '=', small.id)
      .where('kind', '=', 'report.received')
      .executeTakeFirstOrThrow();

    const { page, ctx, errors } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'county_admin');
    // The notification's link is a page showing that report.
    await page.goto(`${env.baseUrl}${note.link}`);
    const detail = page.getByTestId('report-detail');
    await detail.filter({ hasText: '偷偷组织生产' }).waitFor();

    // Accept it as a general hazard of the coal mine.
    await detail.getByTestId('triage-accept').click();
    await page.locator('#enterpriseId').fill('凤鸣煤业');
    await page.locator('.ant-select-item-option', { hasText: home.name }).click();
    const deadline = page.locator('#deadline');
    await deadline.click();
    await deadline.fill(localDatePlus(10));
    await deadline.press('Enter');
    await page.getByTestId('triage-ok').click();
    await page.getByTestId('triage-ok').waitFor({ state: 'hidden' });
    await detail.getByTestId('triage-fine').waitFor();
    const accepted = await env.p.db
      .selectFrom('public_reports')
      .select(['status', 'hazard_id'])
      .where('id', '=', small.id)
      .executeTakeFirstOrThrow();
    expect(accepted.status).toBe('accepted');
    expect(accepted.hazard_id).toBeTruthy();

    // A fine of ¥10,000: 15 % is ¥1,500, below the floor → ¥3,000. A ¥100,000 fine shows its plain 15 % first.
    await detail.getByTestId('triage-fine').click();
    await setNumber(page, '[data-testid=fine-yuan] input, input[data-testid=fine-yuan]', '100000');
    await page.getByTestId('reward-preview').filter({ hasText: '15,000 元' }).waitFor();
    expect(await page.getByTestId('reward-preview').textContent()).not.toMatch(/已按/);
    await setNumber(page, '[data-testid=fine-yuan] input, input[data-testid=fine-yuan]', '10000');
    await page
      .getByTestId('reward-preview')
      .filter({ hasText: `${REWARD_FLOOR_YUAN.toLocaleString('zh-CN')} 元` })
      .waitFor();
    expect(await page.getByTestId('reward-preview').textContent()).toContain('已按最低 3,000 元计');
    await page.getByTestId('fine-decision').fill('阳应急罚〔2026〕12号');
    await page.getByTestId('triage-ok').click();
    await detail.getByTestId('report-reward').filter({ hasText: '3,000 元' }).waitFor();
    const rewardOf = async (reportId: string) =>
      (
        await env.p.db
          .selectFrom('report_rewards')
          .select(['kind', 'fine_yuan', 'reward_yuan', 'decision_number'])
          .where('report_id', '=', reportId)
          .execute()
      ).map((r) => ({ ...r, fine_yuan: Number(r.fine_yuan), reward_yuan: Number(r.reward_yuan) }));
    expect(await rewardOf(small.id)).toEqual([
      { kind: 'public', fine_yuan: 10_000, reward_yuan: REWARD_FLOOR_YUAN, decision_number: '阳应急罚〔2026〕12号' },
    ]);
    expect(await detail.getByTestId('triage-fine').count()).toBe(0);

    // The second report, accepted through the API; a fine of ¥3,000,000: 15 % is ¥450,000, above the cap → ¥300,000.
    const api = await as('county_admin');
    await api('POST', `/api/reports/${large.id}/accept`, {
      version: large.version,
      enterpriseId: home.id,
      category: 'other',
      level: 'general',
      rectification: { deadline: localDatePlus(10) },
    });
    await page.goto(`${env.baseUrl}/hazards/reports?report=${large.id}`);
    await detail.filter({ hasText: '超层越界' }).getByTestId('triage-fine').click();
    await setNumber(page, '[data-testid=fine-yuan] input, input[data-testid=fine-yuan]', '3000000');
    await page
      .getByTestId('reward-preview')
      .filter({ hasText: `${REWARD_CAP_YUAN.toLocaleString('zh-CN')} 元` })
      .waitFor();
    expect(await page.getByTestId('reward-preview').textContent()).toContain('已按最高 30 万元计');
    await page.getByTestId('fine-decision').fill('阳应急罚〔2026〕13号');
    await page.getByTestId('triage-ok').click();
    await detail.getByTestId('report-reward').filter({ hasText: '300,000 元' }).waitFor();
    expect(await rewardOf(large.id)).toEqual([
      { kind: 'public', fine_yuan: 3_000_000, reward_yuan: REWARD_CAP_YUAN, decision_number: '阳应急罚〔2026〕13号' },
    ]);
    expect(await auditActions(large.id)).toContain('report.reward_recorded');
    expect(realErrors(errors)).toEqual([]);
    await ctx.close();
  });

  it('an employee report: the safety manager opens it from the notification and records the internal reward', async () => {
    const staff = await as('enterprise_staff');
    const filed = await staff('POST', '/api/reports', { text: '三号皮带巷消防水管漏水无人处理', place: '三号皮带巷' });
    const manager = await env.p.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'enterprise_admin')
      .executeTakeFirstOrThrow();
    const note = await env.p.db
      .selectFrom('notifications')
      .select('link')
      .where('user_id', '=', manager.id)
      .where('entity_id', '=', filed.id)
      .where('kind', '=', 'report.received')
      .executeTakeFirstOrThrow();
    const admin = await as('enterprise_admin');
    const report = await admin('GET', `/api/reports/${filed.id}`);
    await admin('POST', `/api/reports/${filed.id}/accept`, {
      version: report.version,
      category: 'fire',
      level: 'general',
      rectification: { deadline: localDatePlus(7) },
    });

    const { page, ctx, errors } = await newPage(env, PHONE);
    await loginAs(env, page, 'enterprise_admin');
    await page.goto(`${env.baseUrl}${note.link}`);
    const detail = page.getByTestId('report-detail');
    await detail.filter({ hasText: '消防水管漏水' }).getByTestId('triage-reward').click();
    await setNumber(page, '#amountYuan', '500');
    await page.locator('#note').fill('及时报告消防隐患');
    await page.getByTestId('triage-ok').click();
    await detail.getByTestId('report-reward').filter({ hasText: '500 元' }).waitFor();
    const rewards = await env.p.db
      .selectFrom('report_rewards')
      .select(['kind', 'fine_yuan', 'reward_yuan', 'note'])
      .where('report_id', '=', filed.id)
      .execute();
    expect(rewards.map((r) => ({ ...r, reward_yuan: Number(r.reward_yuan) }))).toEqual([
      { kind: 'internal', fine_yuan: null, reward_yuan: 500, note: '及时报告消防隐患' },
    ]);
    expect(await sidewaysWidth(page)).toBeLessThanOrEqual(PHONE.width + 1);
    expect(realErrors(errors)).toEqual([]);
    await ctx.close();
  });
  it('every notification the journeys above sent links to a page its recipient can open', async () => {
    const demoUsers = ['county_admin', 'dept_officer', 'town_officer', 'enterprise_admin', 'enterprise_staff'];
    const sent = await env.p.db
      .selectFrom('notifications')
      .innerJoin('users', 'users.id', 'notifications.user_id')
      .select(['notifications.kind', 'notifications.link', 'users.username'])
      .where('notifications.link', 'is not', null)
      .where('users.username', 'in', demoUsers)
      .orderBy('notifications.id')
      .execute();
    // One of each kind per recipient role is enough: the links of a kind differ only by ids.
    const seen = new Set<string>();
    const toOpen = sent.filter((n) => {
      const key = `${n.username} ${n.kind}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const kinds = new Set(toOpen.map((n) => n.kind));
    for (const k of ['report.received', 'report.accepted', 'hazard.overdue', 'hazard.summon', 'hazard.listing'])
      expect(kinds).toContain(k);
    for (const username of demoUsers) {
      const links = toOpen.filter((n) => n.username === username);
      if (links.length === 0) continue;
      const { page, ctx, errors } = await newPage(env, DESKTOP);
      await loginAs(env, page, username);
      for (const n of links) {
        await page.goto(`${env.baseUrl}${n.link}`);
        await page.locator('.fx-page-title, .ant-result').first().waitFor();
        await page.waitForLoadState('networkidle');
        const refused = await page.locator('.ant-result-404, .ant-result-403, .ant-alert-error').count();
        expect(refused, `${username} ${n.kind} ${n.link}`).toBe(0);
      }
      expect(realErrors(errors)).toEqual([]);
      await ctx.close();
    }
  });
});
