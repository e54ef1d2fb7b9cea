import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS, type Role } from '../src/core/roles.js';
import { browserAvailable, DESKTOP, type E2EEnv, loginAs, newPage, PHONE, startE2E } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

/** Menu entries each role must see (and must not see), from the permission map the server enforces. */
const MENU: { key: string; permission: keyof typeof PERMISSION_OF }[] = [
  { key: 'enterprises', permission: 'enterprise.read' },
  { key: 'org', permission: 'org.read' },
  { key: 'users', permission: 'user.manage' },
  { key: 'audit', permission: 'audit.read' },
];
const PERMISSION_OF = { 'enterprise.read': 1, 'org.read': 1, 'user.manage': 1, 'audit.read': 1 } as const;

run('foundation journeys in Chromium', () => {
  let env: E2EEnv;
  beforeAll(async () => {
    env = await startE2E();
  });
  afterAll(() => env?.close());

  it.each(Object.keys(ROLE_PERMISSIONS) as Role[])('%s logs in and sees exactly its menu', async (role) => {
    const { ctx, page, errors } = await newPage(env, DESKTOP);
    await loginAs(env, page, role);
    await page.getByTestId('menu-dashboard').waitFor();
    for (const m of MENU) {
      const expected = ROLE_PERMISSIONS[role].includes(m.permission);
      expect(await page.getByTestId(`menu-${m.key}`).count(), `${role} menu-${m.key}`).toBe(expected ? 1 : 0);
    }
    await expect(page.getByTestId('demo-banner').isVisible()).resolves.toBe(true);
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await ctx.close();
  });

  it('shows a field error for a credit code with a wrong check character, and creates nothing', async () => {
    const { ctx, page } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'county_admin');
    const before = await env.p.db
      .selectFrom('enterprises')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await page.goto(`${env.baseUrl}/enterprises/new`);
    await page.getByTestId('ent-creditCode').fill('91140522MA0K000010');
    await page.getByTestId('ent-creditCode').blur();
    await page
      .getByText(/校验位错误/)
      .first()
      .waitFor();
    const after = await env.p.db
      .selectFrom('enterprises')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    await ctx.close();
  });

  it('imports nothing from a workbook with one bad row, and lists the error', async () => {
    const { ctx, page } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'county_admin');
    const before = await env.p.db
      .selectFrom('enterprises')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // Build the workbook from the server's own template: one good row, one with a bad credit code.
    const tpl = await page.request.get(`${env.baseUrl}/api/enterprises/import-template.xlsx`);
    expect(tpl.status()).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await tpl.body()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const example = ws.getRow(2).values as unknown[];
    ws.spliceRows(2, 1);
    const good = [...example];
    good[1] = '91140522MA0E2E001F';
    const { completeCreditCode } = await import('../src/core/credit-code.js');
    good[1] = completeCreditCode('91140522MA0E2E001');
    good[2] = 'E2E测试导入正确企业有限公司';
    const bad = [...example];
    bad[1] = '91140522MA0E2E0020';
    bad[2] = 'E2E测试导入错误企业有限公司';
    ws.addRow(good.slice(1));
    ws.addRow(bad.slice(1));
    const file = `/tmp/fx-e2e-import-${Date.now()}.xlsx`;
    await wb.xlsx.writeFile(file);
    await page.goto(`${env.baseUrl}/enterprises`);
    await page.getByTestId('import-open').click();
    await page.getByTestId('import-file').setInputFiles(file);
    const table = page.getByTestId('import-errors');
    await table.waitFor();
    expect(await table.textContent()).toMatch(/3/);
    // The server sends a stable key (credit_code.check); the page words it in the reader's language.
    expect(await table.textContent()).toContain('统一社会信用代码校验位错误');
    const after = await env.p.db
      .selectFrom('enterprises')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    fs.rmSync(file, { force: true });
    await ctx.close();
  });

  it('creates and renames a department in the organisation admin', async () => {
    const { ctx, page } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'county_admin');
    await page.goto(`${env.baseUrl}/org`);
    await page.getByRole('tab', { name: '监管部门' }).click();
    await page.getByTestId('dept-new').click();
    const dialog = page.getByRole('dialog', { name: '新建监管部门' });
    await dialog.getByLabel('代码').fill('Bad Code');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog.locator('.ant-form-item-explain-error', { hasText: '以小写字母开头' }).waitFor();
    const code = `e2e_dept_${Date.now()}`;
    await dialog.getByLabel('代码').fill(code);
    await dialog.getByLabel('中文名称').fill('端到端测试局');
    await dialog.getByLabel('英文名称').fill('E2E Bureau');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    const row = page.getByRole('row', { name: new RegExp(code) });
    await row.getByText('端到端测试局').waitFor();
    await row.getByRole('button', { name: /编\s*辑/ }).click();
    const edit = page.getByRole('dialog', { name: '编辑监管部门' });
    expect(await edit.getByLabel('代码').isDisabled()).toBe(true);
    await edit.getByLabel('中文名称').fill('端到端测试局(改)');
    await edit.getByRole('button', { name: /保\s*存/ }).click();
    await row.getByText('端到端测试局(改)').waitFor();
    const saved = await env.p.db
      .selectFrom('departments')
      .select(['name_zh', 'version'])
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    expect(saved).toEqual({ name_zh: '端到端测试局(改)', version: 2 });
    await ctx.close();
  });

  it('renders enterprise markers on the map', async () => {
    const { ctx, page } = await newPage(env, DESKTOP);
    await loginAs(env, page, 'county_admin');
    await page.goto(`${env.baseUrl}/enterprises/map`);
    await page.getByTestId('enterprise-map').waitFor();
    await page.locator('.leaflet-marker-icon').first().waitFor();
    expect(await page.locator('.leaflet-marker-icon').count()).toBeGreaterThan(0);
    await ctx.close();
  });

  it('works at phone width: the menu opens from the toggle and the list renders', async () => {
    const { ctx, page } = await newPage(env, PHONE);
    await loginAs(env, page, 'town_officer');
    await page.goto(`${env.baseUrl}/enterprises`);
    await page.getByTestId('menu-toggle').click();
    await page.getByTestId('menu-enterprises').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width + 1);
    await ctx.close();
  });
});
