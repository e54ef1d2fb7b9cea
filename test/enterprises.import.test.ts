import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDIT_CODE_CHARSET } from '../src/core/credit-code.js';
import { multipart, pngBytes, readXlsx } from './fixtures.js';
import {
  creditCode,
  DATABASES,
  login,
  makeEnterprise,
  makeTownship,
  makeUser,
  startTestEnv,
  type TestEnv,
} from './harness.js';

type Headers = { cookie: string; origin: string };

/** The template's header row, written out: the layout counties fill in is a contract. */
const HEADERS = [
  '统一社会信用代码',
  '企业名称',
  '曾用名(多个用；分隔)',
  '地址',
  '所属村(社区)(代码或名称)',
  '经度',
  '纬度',
  '主行业(代码或名称)',
  '其他行业(；分隔)',
  '规模(规上/规下)',
  '从业人数',
  '主要负责人',
  '主要负责人电话',
  '安全管理人员',
  '安全管理人员电话',
  '重点企业(是/否)',
  '重大危险源(是/否)',
  '标准化等级(一级/二级/三级)',
  '标准化有效期至',
  '许可证(类型|编号|有效期；…)',
  '状态(在营/停产/关闭)',
];

type Cell = string | number;

let seq = 0;
/** One sheet row by header; anything not given stays empty. */
function row(village: string, over: Partial<Record<(typeof HEADERS)[number], Cell>> = {}): Cell[] {
  seq += 1;
  const values: Record<string, Cell> = {
    统一社会信用代码: creditCode(),
    企业名称: `导入测试${Date.now() % 100000}${seq}有限公司`,
    地址: '阳城县测试路1号',
    '所属村(社区)(代码或名称)': village,
    经度: 112.42,
    纬度: 35.47,
    '主行业(代码或名称)': '煤矿',
    '规模(规上/规下)': '规上',
    从业人数: 80,
    主要负责人: '张三',
    主要负责人电话: '13800000000',
    '重点企业(是/否)': '否',
    '重大危险源(是/否)': '否',
    '状态(在营/停产/关闭)': '在营',
    ...over,
  };
  return HEADERS.map((h) => values[h] ?? '');
}

function badCheck(code: string): string {
  const last = code.charAt(17);
  return code.slice(0, 17) + CREDIT_CODE_CHARSET.charAt((CREDIT_CODE_CHARSET.indexOf(last) + 1) % 31);
}

describe.each(DATABASES)('enterprise import on $name', (dbc) => {
  let env: TestEnv;
  let admin: Headers;
  let template: Buffer;

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    const u = await makeUser(env.p, 'county_admin');
    admin = await login(env.app, u.username);
    const res = await env.app.inject({ url: '/api/enterprises/import-template.xlsx', headers: admin });
    expect(res.statusCode).toBe(200);
    template = res.rawPayload;
  });
  afterAll(() => env?.close());

  /** The downloaded template with its example row replaced by `rows` (null = a blank row). */
  async function fill(rows: (Cell[] | null)[]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('template has no sheet');
    ws.spliceRows(2, ws.rowCount - 1);
    rows.forEach((r, i) => {
      if (r) ws.getRow(i + 2).values = r;
    });
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  const upload = (bytes: Buffer, headers: Headers = admin, name = 'import.xlsx') => {
    const m = multipart(name, bytes);
    return env.app.inject({
      method: 'POST',
      url: '/api/enterprises/import',
      headers: { ...headers, ...m.headers },
      payload: m.payload,
    });
  };

  async function countIn(town: string) {
    const r = await env.p.db
      .selectFrom('enterprises')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('region_path', 'like', `%/${town}/%`)
      .executeTakeFirstOrThrow();
    return r.n;
  }

  it('serves a template workbook with the header row and an example', async () => {
    const res = await env.app.inject({ url: '/api/enterprises/import-template.xlsx', headers: admin });
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(String(res.headers['content-disposition'])).toContain('attachment');
    const rows = await readXlsx(res.rawPayload);
    expect(rows[0]).toEqual(HEADERS);
    expect(rows).toHaveLength(2);
  });

  it('imports nothing while one row is bad, lists every error by row and column, then imports all when fixed', async () => {
    const t = await makeTownship(env.p);
    const village = await env.p.db
      .selectFrom('regions')
      .select('name')
      .where('code', '=', t.village)
      .executeTakeFirstOrThrow();
    const good = [
      row(village.name, { '重点企业(是/否)': '是', '其他行业(；分隔)': '危险化学品；construction' }),
      row(t.village, {
        '规模(规上/规下)': '规下',
        '标准化等级(一级/二级/三级)': '二级',
        标准化有效期至: '2027-06-30',
        '许可证(类型|编号|有效期；…)':
          '安全生产许可证|（晋）MK安许证字〔2024〕001|2027-03-31；采矿许可证|C-1|2028-01-01',
      }),
      row(t.village, { '状态(在营/停产/关闭)': '停产', '主行业(代码或名称)': 'building_materials' }),
    ];
    const fixed = row(t.village);
    const broken = [...fixed];
    broken[0] = badCheck(String(fixed[0]));
    broken[HEADERS.indexOf('主行业(代码或名称)')] = '不存在的行业';
    broken[HEADERS.indexOf('重大危险源(是/否)')] = '也许';

    const bad = await upload(await fill([...good, broken]));
    expect(bad.statusCode, bad.body).toBe(400);
    const err = bad.json().error;
    expect(err.code).toBe('IMPORT_INVALID');
    const cells = (err.errors as { row: number; column: string }[]).map((e) => `${e.row}:${e.column}`).sort();
    expect(cells).toEqual(['5:主行业(代码或名称)', '5:统一社会信用代码', '5:重大危险源(是/否)']);
    // Each error is a stable key (worded by the web app in the reader's language) with its parameters.
    const byColumn = new Map(
      (err.errors as { column: string; message: string; params?: unknown }[]).map((e) => [e.column, e]),
    );
    expect(byColumn.get('统一社会信用代码')?.message).toBe('credit_code.check');
    expect(byColumn.get('主行业(代码或名称)')).toMatchObject({
      message: 'import.unknown_sector',
      params: { value: '不存在的行业' },
    });
    expect(byColumn.get('重大危险源(是/否)')?.message).toBe('import.yes_no');
    expect(await countIn(t.town)).toBe(0);

    const ok = await upload(await fill([...good, fixed]));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().imported).toBe(4);
    expect(ok.json().ids).toHaveLength(4);
    expect(await countIn(t.town)).toBe(4);
    const rows = await env.p.db
      .selectFrom('enterprises')
      .selectAll()
      .where('id', 'in', ok.json().ids as string[])
      .execute();
    const byCredit = new Map(rows.map((r) => [r.credit_code, r]));
    const first = byCredit.get(String(good[0]?.[0]));
    expect(first).toMatchObject({ region_code: t.village, primary_sector: 'coal_mine', is_key: true, scale: 'above' });
    expect(first?.sectors).toEqual(['coal_mine', 'hazardous_chemicals', 'construction']);
    const second = byCredit.get(String(good[1]?.[0]));
    expect(second).toMatchObject({ scale: 'below', standardization_grade: 2, standardization_expiry: '2027-06-30' });
    expect(second?.licences).toEqual([
      { type: '安全生产许可证', number: '（晋）MK安许证字〔2024〕001', expiry: '2027-03-31' },
      { type: '采矿许可证', number: 'C-1', expiry: '2028-01-01' },
    ]);
    expect(byCredit.get(String(good[2]?.[0]))).toMatchObject({
      status: 'suspended',
      primary_sector: 'building_materials',
    });
    for (const r of rows) expect(r.code).toMatch(/^QY-\d{6}$/);
    const audit = await env.p.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', 'in', ok.json().ids as string[])
      .execute();
    expect(audit.filter((a) => a.action === 'enterprise.created')).toHaveLength(4);
  });

  it('refuses a credit code that is already registered, naming its real sheet row, and imports nothing', async () => {
    const t = await makeTownship(env.p);
    const existing = await makeEnterprise(env.p, { regionCode: t.village });
    const before = await countIn(t.town);
    // Row 3 is left blank, so the duplicate sits on sheet row 4.
    const res = await upload(
      await fill([row(t.village), null, row(t.village, { 统一社会信用代码: existing.credit_code })]),
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('IMPORT_INVALID');
    expect(res.json().error.errors).toEqual([{ row: 4, column: '统一社会信用代码', message: 'credit_code.duplicate' }]);
    expect(await countIn(t.town)).toBe(before);
  });

  it('refuses the same credit code twice in one file', async () => {
    const t = await makeTownship(env.p);
    const code = creditCode();
    const res = await upload(
      await fill([row(t.village, { 统一社会信用代码: code }), row(t.village, { 统一社会信用代码: code })]),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.errors).toEqual([expect.objectContaining({ row: 3, column: '统一社会信用代码' })]);
    expect(await countIn(t.town)).toBe(0);
  });

  it("refuses a town officer's row in another township, and imports none of the file", async () => {
    const mine = await makeTownship(env.p);
    const theirs = await makeTownship(env.p);
    const u = await makeUser(env.p, 'town_officer', { regionCode: mine.town });
    const h = await login(env.app, u.username);
    const res = await upload(await fill([row(mine.village), row(theirs.village)]), h);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.errors).toEqual([
      { row: 3, column: '所属村(社区)(代码或名称)', message: 'region.outside_scope' },
    ]);
    expect(await countIn(mine.town)).toBe(0);
    expect(await countIn(theirs.town)).toBe(0);
  });

  it('answers 400 to a file that is not an xlsx workbook, or lacks required columns', async () => {
    for (const bytes of [
      await pngBytes(),
      Buffer.from('统一社会信用代码,企业名称\n1,2\n'),
      Buffer.from('PK\u0003\u0004junk'),
    ]) {
      const res = await upload(bytes, admin, 'import.xlsx');
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('IMPORT_INVALID');
      expect(res.json().error.errors[0]).toMatchObject({ row: 0, message: 'import.not_xlsx' });
    }
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x').addRow(['企业名称', '地址']);
    const res = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.errors).toContainEqual({
      row: 1,
      column: '统一社会信用代码',
      message: 'import.column_missing',
    });
    const none = await env.app.inject({ method: 'POST', url: '/api/enterprises/import', headers: admin });
    expect(none.statusCode).toBe(400);
  });
});
