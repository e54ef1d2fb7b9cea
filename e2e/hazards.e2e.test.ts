import fs from 'node:fs';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, DESKTOP, type E2EEnv, loginAs, newPage, PHONE, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

/** A real JPEG (the server checks photos by their bytes), different per call. */
async function photo(name: string, rgb: { r: number; g: number; b: number }): Promise<string> {
  const file = `/tmp/fx-e2e-${name}-${process.pid}-${Date.now()}.jpg`;
  const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: rgb } })
    .jpeg()
    .toBuffer();
  fs.writeFileSync(file, bytes);
  return file;
}

function localDatePlus(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(d);
}

/** Types a date into an AntD DatePicker found by its form field id and confirms it. */
async function pickDate(page: Page, id: string, date: string) {
  const input = page.locator(`#${id}`);
  await input.click();
  await input.fill(date);
  await input.press('Enter');
}

/** Runs the workflow action through its button and modal; waits for the modal to close (the action answered). */
async function act(page: Page, action: string, fill?: () => Promise<void>) {
  await page.getByTestId(`action-${action}`).click();
  await page.getByTestId('act-ok').waitFor();
  if (fill) await fill();
  await page.getByTestId('act-ok').click();
  await page.getByTestId('act-ok').waitFor({ state: 'detached' });
}

run('hazard journeys in Chromium', () => {
  let env: E2EEnv;
  const files: string[] = [];
  beforeAll(async () => {
    env = await startE2E();
  });
  afterAll(async () => {
    for (const f of files) fs.rmSync(f, { force: true });
    await env?.close();
  });

  const hazardRow = (id: string) =>
    env.p.db
      .selectFrom('hazards')
      .select([
        'status',
        'level',
        'source',
        'enterprise_id',
        'photo_file_ids',
        'evidence_file_ids',
        'plan',
        'interim_measures',
        'deadline',
        'verifier_name',
        'closed_at',
        'version',
      ])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('a township officer reports a major hazard with a photo; the county confirms, the enterprise rectifies with evidence, the county verifies and closes it', async () => {
    const home = await env.p.db
      .selectFrom('enterprises')
      .select(['id', 'name'])
      .where('name', '=', '阳城县凤鸣煤业有限公司')
      .executeTakeFirstOrThrow();
    const before = await photo('before', { r: 200, g: 40, b: 40 });
    const after = await photo('after', { r: 40, g: 160, b: 60 });
    files.push(before, after);

    // 1. The township officer finds it on patrol and records it (major: waits for confirmation).
    const town = await newPage(env, DESKTOP);
    await loginAs(env, town.page, 'town_officer');
    await town.page.goto(`${env.baseUrl}/hazards`);
    await town.page.getByTestId('hazard-new').click();
    await town.page.locator('[data-testid=new-photos] input[type=file]').setInputFiles(before);
    await town.page.locator('[data-testid=new-photos] .ant-upload-list-item-done').first().waitFor();
    await town.page.locator('#enterpriseId').fill('凤鸣煤业');
    await town.page.locator('.ant-select-item-option', { hasText: home.name }).click();
    await town.page.getByTestId('new-place').fill('1302 回风巷');
    await town.page.getByTestId('new-level-major').click();
    await town.page.getByTestId('new-major-basis').fill('回风巷瓦斯浓度超限仍组织作业');
    await town.page.getByTestId('new-description').fill('巡查发现 1302 回风巷瓦斯传感器显示 1.2%，现场仍有人员作业。');
    await town.page.getByTestId('new-submit').click();
    await town.page.waitForURL(/\/hazards\/[0-9a-f-]{36}$/);
    const id = town.page.url().split('/').pop() ?? '';
    await town.page.getByTestId('hazard-code').waitFor();
    let row = await hazardRow(id);
    expect(row).toMatchObject({ status: 'reported', level: 'major', source: 'patrol', enterprise_id: home.id });
    expect(row.photo_file_ids).toHaveLength(1);
    await town.page.locator('[data-testid=photos-before] img').first().waitFor();
    // A township may not confirm a major hazard: no action button is offered.
    expect(await town.page.locator('[data-testid^=action-]').count()).toBe(0);
    await town.ctx.close();

    // 2. The county office confirms it with the plan (five in place) and interim measures.
    const county = await newPage(env, DESKTOP);
    await loginAs(env, county.page, 'county_admin');
    await county.page.goto(`${env.baseUrl}/hazards/${id}`);
    const deadline = localDatePlus(30);
    await act(county.page, 'confirm', async () => {
      await county.page.getByTestId('act-plan-owner').fill('矿长 张三');
      await county.page.getByTestId('act-plan-measures').fill('停止回风巷作业，调校传感器，加强通风');
      await county.page.getByTestId('act-plan-funds').fill('20 万元');
      await pickDate(county.page, 'plan_deadline', deadline);
      await county.page.getByTestId('act-plan-contingency').fill('瓦斯超限撤人预案');
      await county.page.getByTestId('act-interimMeasures').fill('撤出作业人员，设置警戒');
    });
    await county.page.getByTestId('hazard-plan').waitFor();
    row = await hazardRow(id);
    expect(row.status).toBe('rectifying');
    expect(row.plan).toMatchObject({ owner: '矿长 张三', funds: '20 万元', deadline });
    expect(row.interim_measures).toBe('撤出作业人员，设置警戒');
    expect(row.deadline).toBe(deadline);

    // 3. The enterprise's safety manager submits the rectification with a note and an evidence photo.
    const ent = await newPage(env, DESKTOP);
    await loginAs(env, ent.page, 'enterprise_admin');
    await ent.page.goto(`${env.baseUrl}/hazards/${id}`);
    // Nothing but submit and the extension request is offered to the enterprise.
    await ent.page.getByTestId('action-submit').waitFor();
    expect(await ent.page.getByTestId('action-close').count()).toBe(0);
    await act(ent.page, 'submit', async () => {
      await ent.page.getByTestId('act-note').fill('传感器已调校，通风系统改造完成，瓦斯浓度 0.3%');
      await ent.page.locator('[data-testid=act-evidence] input[type=file]').setInputFiles(after);
      await ent.page.locator('[data-testid=act-evidence] .ant-upload-list-item-done').first().waitFor();
    });
    await ent.page.locator('[data-testid=photos-after] img').first().waitFor();
    row = await hazardRow(id);
    expect(row.status).toBe('submitted');
    expect(row.evidence_file_ids).toHaveLength(1);
    const evidence = await env.p.db
      .selectFrom('files')
      .select(['owner_type', 'owner_id'])
      .where('id', '=', row.evidence_file_ids[0] ?? '')
      .executeTakeFirstOrThrow();
    expect(evidence).toEqual({ owner_type: 'hazard', owner_id: id });
    await ent.ctx.close();

    // 4. The county verifies on site, then de-lists (销号) it.
    await county.page.reload();
    await act(county.page, 'verify', async () => {
      await county.page.getByTestId('act-note').fill('现场复查合格');
    });
    row = await hazardRow(id);
    expect(row.status).toBe('verified');
    expect(row.verifier_name).toBeTruthy();
    await act(county.page, 'close');
    row = await hazardRow(id);
    expect(row.status).toBe('closed');
    expect(row.closed_at).not.toBeNull();
    // The timeline shows every step: create, confirm, submit, verify, close.
    await county.page.getByTestId('hazard-status').filter({ hasText: '已销号' }).first().waitFor();
    expect(await county.page.getByTestId('timeline-item').count()).toBeGreaterThanOrEqual(5);
    expect(await county.page.locator('[data-testid^=action-]').count()).toBe(0);
    const events = await env.p.db
      .selectFrom('hazard_events')
      .select('action')
      .where('hazard_id', '=', id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.action)).toEqual(['create', 'confirm', 'submit', 'verify', 'close']);
    expect(county.errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await county.ctx.close();
  }, 600_000);

  it('a member of the public files a report with a photo on a phone, then checks it by tracking code', async () => {
    const shot = await photo('public', { r: 90, g: 90, b: 200 });
    files.push(shot);
    const { ctx, page } = await newPage(env, PHONE);
    await page.goto(`${env.baseUrl}/report`);
    const text = '东冶镇某村有人夜间私挖煤炭 <script>alert(1)</script>';
    await page.getByTestId('pub-text').fill(text);
    await page.locator('[data-testid=pub-photos] input[type=file]').setInputFiles(shot);
    await page.locator('[data-testid=pub-photos] .ant-upload-list-item').first().waitFor();
    await page.getByTestId('pub-place').fill('东冶镇后山');
    // Usable at 390 px: nothing overflows sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width + 1);
    await page.getByTestId('pub-submit').click();
    const code = ((await page.getByTestId('tracking-code').textContent()) ?? '').trim();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{12}$/);

    const report = await env.p.db
      .selectFrom('public_reports')
      .select(['text', 'place', 'contact', 'anonymous', 'status', 'kind', 'photo_file_ids'])
      .where('tracking_code', '=', code)
      .executeTakeFirstOrThrow();
    expect(report).toMatchObject({
      text,
      place: '东冶镇后山',
      anonymous: true,
      status: 'received',
      kind: 'public',
    });
    expect(report.contact ?? '').toBe('');
    expect(report.photo_file_ids).toHaveLength(1);

    await page.getByTestId('go-track').click();
    await page.waitForURL(/\/report\/track\?code=/);
    await page.getByTestId('track-status').filter({ hasText: '已收到' }).waitFor();
    // Lookup in a fresh page by typing the code (as someone would with the code written down).
    await page.goto(`${env.baseUrl}/report/track`);
    await page.locator('[data-testid=track-code] input').fill(code.toLowerCase());
    await page.locator('[data-testid=track-code] input').press('Enter');
    await page.getByTestId('track-status').filter({ hasText: '已收到' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width + 1);
    await ctx.close();
  }, 240_000);
});
