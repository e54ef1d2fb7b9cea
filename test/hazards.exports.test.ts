import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_COLUMNS } from '../src/server/modules/hazards/exports.js';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import {
  day,
  docxPlain,
  docxText,
  type HazardWorld,
  type Headers,
  hazardWorld,
  newHazard,
  step,
} from './hazards-fixtures.js';

async function ledger(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('隐患台账');
  if (!ws) throw new Error('no sheet');
  const header = (ws.getRow(2).values as unknown[]).slice(1);
  const rows: Record<string, string>[] = [];
  ws.eachRow((row, n) => {
    if (n <= 2) return;
    const v = (row.values as unknown[]).slice(1);
    rows.push(
      Object.fromEntries(header.map((h, i) => [String(h), v[i] === undefined || v[i] === null ? '' : String(v[i])])),
    );
  });
  return { header, rows };
}

describe.each(DATABASES)('hazard exports, figures and board on $name', (dbc) => {
  let env: TestEnv;
  let w: HazardWorld;
  let g1: { id: string; code: string };
  let g2: { id: string; code: string };
  let closed: { id: string; code: string };
  let major: { id: string; code: string };
  let selfH: { id: string; code: string };
  let bH: { id: string; code: string };
  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await hazardWorld(env);
    g1 = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      place: '主斜井',
      description: '主斜井人行道护栏缺失',
      rectification: { deadline: day(env, 5), measures: '补设护栏', responsiblePerson: '李四', funds: '3000元' },
    });
    g2 = await newHazard(env, w.u.townA.headers, {
      enterpriseId: w.entA.id,
      source: 'patrol',
      place: '炸药库',
      description: '炸药库避雷针锈蚀',
      rectification: { deadline: day(env, 6) },
    });
    closed = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      rectification: { deadline: day(env, 2) },
    });
    await step(env, w.u.entStaff.headers, closed.id, 'submit', 1, { note: '已整改' });
    await step(env, w.u.deptA.headers, closed.id, 'verify', 2, { note: '合格' });
    await step(env, w.u.deptA.headers, closed.id, 'close', 3);
    major = await newHazard(env, w.u.entAdmin.headers, {
      source: 'self_check',
      catalogItemCode: 'coal-06',
      description: '水患未采取有效措施',
    });
    await step(env, w.u.deptA.headers, major.id, 'confirm', 1, {
      plan: { owner: '矿长', measures: '探放水', funds: '80万元', deadline: day(env, 30), contingency: '撤人' },
      interimMeasures: '停采',
    });
    selfH = await newHazard(env, w.u.entStaff.headers, {
      source: 'self_check',
      rectification: { deadline: day(env, 3) },
    });
    bH = await newHazard(env, w.u.townB.headers, {
      enterpriseId: w.entB.id,
      source: 'patrol',
      catalogItemCode: undefined,
      level: 'major',
      majorBasis: '深基坑无支护',
      description: '乙方隐患',
    });
    // g2 passed its deadline (set directly: the API refuses past deadlines)
    await env.p.db
      .updateTable('hazards')
      .set({ deadline: day(env, -3) })
      .where('id', '=', g2.id)
      .execute();
  });
  afterAll(() => env?.close());

  const get = (headers: Headers, url: string) => env.app.inject({ url, headers });

  it('exports the ledger with the customary columns, scoped', async () => {
    const res = await get(w.u.townA.headers, '/api/hazards/export.xlsx');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const { header, rows } = await ledger(res.rawPayload);
    expect(header).toEqual(LEDGER_COLUMNS.map((c) => c.header));
    expect(header).toEqual([
      '序号',
      '隐患编号',
      '企业名称',
      '所属乡镇',
      '行业',
      '隐患部位',
      '隐患描述',
      '隐患级别',
      '来源',
      '发现人',
      '发现时间',
      '整改措施',
      '责任人',
      '整改资金',
      '整改期限',
      '状态',
      '验收人',
      '验收时间',
      '销号时间',
    ]);
    const codes = rows.map((r) => r['隐患编号']);
    expect(codes.sort()).toEqual([g1.code, g2.code, closed.code, major.code, selfH.code].sort());
    expect(rows.every((r) => r['企业名称'] === w.entA.name)).toBe(true);
    const row1 = rows.find((r) => r['隐患编号'] === g1.code);
    expect(row1).toMatchObject({
      隐患部位: '主斜井',
      隐患描述: '主斜井人行道护栏缺失',
      隐患级别: '一般隐患',
      来源: '执法检查',
      行业: '煤矿',
      整改措施: '补设护栏',
      责任人: '李四',
      整改资金: '3000元',
      整改期限: day(env, 5),
      状态: '整改中',
    });
    expect(row1?.['所属乡镇']).toMatch(/^测试镇/);
    expect(rows.find((r) => r['隐患编号'] === g2.code)?.['状态']).toBe('整改中（逾期）');
    const c = rows.find((r) => r['隐患编号'] === closed.code);
    expect(c?.['状态']).toBe('已销号');
    expect(c?.['验收人']).toBe(w.u.deptA.username);
    expect(c?.['销号时间']).toMatch(/^2026-06-15 10:00$/);
    expect(rows.find((r) => r['隐患编号'] === major.code)?.['隐患级别']).toBe('重大事故隐患');

    const b = await ledger((await get(w.u.deptB.headers, '/api/hazards/export.xlsx')).rawPayload);
    expect(b.rows.map((r) => r['隐患编号'])).toEqual([bH.code]);
    const filtered = await ledger(
      (await get(w.u.county.headers, `/api/hazards/export.xlsx?enterpriseId=${w.entA.id}&level=major`)).rawPayload,
    );
    expect(filtered.rows.map((r) => r['隐患编号'])).toEqual([major.code]);
    expect((await get(w.u.leader.headers, `/api/hazards/export.xlsx?enterpriseId=${w.entB.id}`)).statusCode).toBe(200);
    expect((await get(w.u.village.headers, '/api/hazards/export.xlsx')).statusCode).toBe(403);
  });

  it('issues the rectification order as DOCX with number, enterprise, items and deadline', async () => {
    const res = await get(w.u.deptA.headers, `/api/hazards/${g1.id}/rectification-order.docx?with=${g2.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const xml = await docxText(res.rawPayload);
    const text = await docxPlain(res.rawPayload);
    const number = /责改〔2026〕\d{6}号/.exec(text)?.[0];
    expect(number).toBeDefined();
    expect(xml).toContain('责令限期整改指令书');
    expect(xml).toContain(w.entA.name);
    expect(xml).toContain('主斜井人行道护栏缺失');
    expect(xml).toContain('炸药库避雷针锈蚀');
    expect(xml).toContain(g1.code);
    expect(xml).toContain(day(env, 5));
    expect(text).toContain(`${Number(day(env, 5).slice(5, 7))}月${Number(day(env, 5).slice(8, 10))}日`);
    const dept = await env.p.db
      .selectFrom('departments')
      .select('name_zh')
      .where('id', '=', w.deptA)
      .executeTakeFirstOrThrow();
    expect(xml).toContain(dept.name_zh);
    // The same order keeps its number; the hazard's history and the audit log record the issue once.
    const again = await docxPlain(
      (await get(w.u.deptA.headers, `/api/hazards/${g1.id}/rectification-order.docx`)).rawPayload,
    );
    expect(again).toContain(number);
    const detail = (await get(w.u.deptA.headers, `/api/hazards/${g1.id}`)).json();
    expect(detail.issuedDocuments).toMatchObject([{ kind: 'rectification_order', number }]);
    expect(detail.history.filter((e: { action: string }) => e.action === 'document_issued')).toHaveLength(1);

    expect((await get(w.u.townB.headers, `/api/hazards/${g1.id}/rectification-order.docx`)).statusCode).toBe(404);
    expect((await get(w.u.deptB.headers, `/api/hazards/${g1.id}/rectification-order.docx`)).statusCode).toBe(404);
    expect(
      (await get(w.u.deptA.headers, `/api/hazards/${g1.id}/rectification-order.docx?with=${bH.id}`)).statusCode,
    ).toBe(404);
    expect((await get(w.u.entAdmin.headers, `/api/hazards/${g1.id}/rectification-order.docx`)).statusCode).toBe(403);
    expect((await get(w.u.deptA.headers, `/api/hazards/${selfH.id}/rectification-order.docx`)).json().error.code).toBe(
      'ILLEGAL_ACTION',
    );
    const majorOrder = await get(w.u.deptA.headers, `/api/hazards/${major.id}/rectification-order.docx`);
    expect(majorOrder.statusCode).toBe(200);
    expect(await docxPlain(majorOrder.rawPayload)).toContain(day(env, 30));
  });

  it('issues the review opinion after the supervising side reviewed', async () => {
    const h = await newHazard(env, w.u.deptA.headers, {
      enterpriseId: w.entA.id,
      source: 'inspection',
      description: '配电箱未接地',
      rectification: { deadline: day(env, 4) },
    });
    const order = await docxPlain(
      (await get(w.u.deptA.headers, `/api/hazards/${h.id}/rectification-order.docx`)).rawPayload,
    );
    const orderNumber = /责改〔2026〕\d{6}号/.exec(order)?.[0] ?? 'missing';
    expect((await get(w.u.deptA.headers, `/api/hazards/${h.id}/review-opinion.docx`)).json().error.code).toBe(
      'ILLEGAL_ACTION',
    );
    await step(env, w.u.entStaff.headers, h.id, 'submit', 1, { note: '已接地' });
    await step(env, w.u.deptA.headers, h.id, 'return', 2, { reason: '接地电阻不合格', newDeadline: day(env, 9) });
    const failed = await docxPlain(
      (await get(w.u.deptA.headers, `/api/hazards/${h.id}/review-opinion.docx`)).rawPayload,
    );
    expect(failed).toContain('未整改完毕');
    expect(failed).toContain(day(env, 9));
    await step(env, w.u.entStaff.headers, h.id, 'submit', 3, { note: '已重新接地' });
    await step(env, w.u.deptA.headers, h.id, 'verify', 4, { note: '接地电阻合格' });
    const res = await get(w.u.deptA.headers, `/api/hazards/${h.id}/review-opinion.docx`);
    expect(res.statusCode).toBe(200);
    const text = await docxPlain(res.rawPayload);
    expect(text).toContain('整改复查意见书');
    expect(text).toMatch(/复查〔2026〕\d{6}号/);
    expect(text).toContain(w.entA.name);
    expect(text).toContain('配电箱未接地');
    expect(text).toContain('已整改完毕');
    expect(text).toContain('接地电阻合格');
    expect(text).toContain(orderNumber);
    expect(/复查〔2026〕\d{6}号/.exec(text)?.[0]).not.toBe(/复查〔2026〕\d{6}号/.exec(failed)?.[0]);
    expect((await get(w.u.townB.headers, `/api/hazards/${h.id}/review-opinion.docx`)).statusCode).toBe(404);
  });

  it('counts within scope: found, closed, rates, major open, days to close, trend', async () => {
    const s = await get(w.u.townA.headers, '/api/hazards/stats?groupBy=enterprise');
    expect(s.statusCode, s.body).toBe(200);
    const body = s.json();
    const entACount = (
      await env.p.db.selectFrom('hazards').select('id').where('enterprise_id', '=', w.entA.id).execute()
    ).length;
    const closedCount = (
      await env.p.db
        .selectFrom('hazards')
        .select('id')
        .where('enterprise_id', '=', w.entA.id)
        .where('status', '=', 'closed')
        .execute()
    ).length;
    expect(body.totals).toMatchObject({ found: entACount, closed: closedCount, majorOpen: 1, avgDaysToClose: 0 });
    expect(body.totals.overdueNow).toBe(1);
    expect(body.totals.rectificationRate).toBeCloseTo(closedCount / entACount, 4);
    expect(body.totals.overdueRate).toBeCloseTo(1 / entACount, 4);
    expect(body.groups).toEqual([expect.objectContaining({ key: w.entA.id, name: w.entA.name, found: entACount })]);
    expect(body.trend.at(-1)).toEqual({ month: '2026-06', found: entACount, closed: closedCount });
    expect(body.trend).toHaveLength(12);

    const town = (
      await get(w.u.county.headers, `/api/hazards/stats?groupBy=township&enterpriseId=${w.entA.id}`)
    ).json();
    expect(town.groups).toEqual([expect.objectContaining({ key: w.a.town, found: entACount })]);
    const dept = (await get(w.u.deptA.headers, '/api/hazards/stats?groupBy=department')).json();
    expect(dept.groups.map((g: { key: string }) => g.key)).toEqual([w.deptA]);
    expect(dept.totals.found).toBe(entACount);
    const b = (await get(w.u.townB.headers, '/api/hazards/stats')).json();
    expect(b.totals).toMatchObject({ found: 1, majorOpen: 1, closed: 0 });
    expect(b.groups.map((g: { key: string }) => g.key)).toEqual([w.b.town]);
  });

  it('shows every open major hazard in scope on the board with plan and days left', async () => {
    const a = (await get(w.u.townA.headers, '/api/hazards/major-board')).json();
    expect(a.items.map((i: { id: string }) => i.id)).toEqual([major.id]);
    expect(a.items[0]).toMatchObject({
      code: major.code,
      status: 'rectifying',
      enterprise: { id: w.entA.id, name: w.entA.name },
      plan: { owner: '矿长', funds: '80万元', deadline: day(env, 30) },
      interimMeasures: '停采',
      daysLeft: 30,
      overdue: false,
      listing: null,
      enterpriseListed: false,
    });
    expect(a.items[0].township).toEqual({ code: w.a.town, name: expect.stringMatching(/^测试镇/) });
    expect(a.summary).toEqual({ open: 1, awaitingConfirmation: 0, overdue: 0, listed: 0 });
    const b = (await get(w.u.townB.headers, '/api/hazards/major-board')).json();
    expect(b.items.map((i: { id: string }) => i.id)).toEqual([bH.id]);
    expect(b.items[0]).toMatchObject({ status: 'reported', deadline: null, daysLeft: null, plan: null });
    const ent = (await get(w.u.entAdminB.headers, '/api/hazards/major-board')).json();
    expect(ent.items.map((i: { id: string }) => i.id)).toEqual([bH.id]);
  });
});
