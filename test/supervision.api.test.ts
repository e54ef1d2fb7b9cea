/**
 * Supervision server (#4 §1, §3, §4): credit inputs and tiers, rules of entry, the inspection with its checklist,
 * quiz, decisions and documents, and scope. Runs on every database in DATABASES.
 */
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import { day, type HazardWorld, hazardWorld, newHazard, png, upload } from './hazards-fixtures.js';

type H = { cookie: string; origin: string };

async function docxText(buf: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(buf);
  const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
  return xml.replace(/<[^>]+>/g, '');
}

describe.each(DATABASES)('supervision on $name', (dbc) => {
  let env: TestEnv;
  let w: HazardWorld;
  const req = (headers: H, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    env.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const credit = async (id: string, headers: H = w.u.county.headers) => {
    const res = await req(headers, 'GET', `/api/enterprises/${id}/credit`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      score: number;
      tier: string;
      mode: string;
      contributions: { input: string; points: number; detail: string }[];
    };
  };
  const points = (c: Awaited<ReturnType<typeof credit>>, input: string) =>
    c.contributions.find((x) => x.input === input)?.points ?? 0;
  /** A routine inspection planned on the 20th (outside the default quiet period 1–15). */
  const planned = (n = 20) => `2026-06-${String(n).padStart(2, '0')}T01:00:00Z`;
  const schedule = (headers: H, body: Record<string, unknown>) => req(headers, 'POST', '/api/inspections', body);

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await hazardWorld(env);
  });
  afterAll(() => env?.close());

  describe('credit', () => {
    it('starts at 100 (low risk, commitment-based) and each input moves it as documented', async () => {
      const e = w.entB.id;
      let c = await credit(e);
      expect(c).toMatchObject({ score: 100, tier: 'low', mode: 'commitment', contributions: [] });

      // Two major hazards: open (reported, no deadline) −4 each.
      await newHazard(env, w.u.county.headers, {
        enterpriseId: e,
        level: 'major',
        majorBasis: '测试',
        source: 'inspection',
      });
      await newHazard(env, w.u.county.headers, {
        enterpriseId: e,
        level: 'major',
        majorBasis: '测试',
        source: 'inspection',
      });
      c = await credit(e);
      expect(points(c, 'openMajorHazards')).toBe(-8);
      expect(c.score).toBe(92);

      // A general hazard whose deadline passes: −1 while open, −2 once overdue (the clock moves on).
      await newHazard(env, w.u.county.headers, {
        enterpriseId: e,
        source: 'inspection',
        rectification: { deadline: day(env, 1) },
      });
      expect(points(await credit(e), 'openGeneralHazards')).toBe(-1);

      // An accident (1 death: 一般) −10; a violation −1; an expired licence −5; a valid grade-2 certificate +4.
      const acc = await req(w.u.county.headers, 'POST', '/api/accidents', {
        enterpriseId: e,
        occurredAt: '2026-05-01T02:00:00Z',
        kind: 'other',
        deaths: 1,
        seriousInjuries: 0,
        directLossYuan: 100000,
        description: '高处坠落',
      });
      expect(acc.statusCode, acc.body).toBe(201);
      expect(acc.json().grade).toBe('ordinary');
      const v = await req(w.u.county.headers, 'POST', '/api/violations', {
        enterpriseId: e,
        occurredOn: '2026-06-01',
        kind: 'operation',
        description: '未系安全带高处作业',
      });
      expect(v.statusCode, v.body).toBe(201);
      await env.p.db
        .updateTable('enterprises')
        .set({
          licences: JSON.stringify([{ type: '安全生产许可证', number: 'X-1', expiry: '2026-01-01' }]),
          standardization_grade: 2,
          standardization_expiry: '2027-12-31',
        })
        .where('id', '=', e)
        .execute();
      c = await credit(e);
      expect(points(c, 'accidentsOrdinary')).toBe(-10);
      expect(points(c, 'violations12m')).toBe(-1);
      expect(points(c, 'expiredLicences')).toBe(-5);
      expect(points(c, 'standardization')).toBe(4);
      expect(c.score).toBe(100 - 8 - 1 - 10 - 1 - 5 + 4);
      expect(c.contributions.find((x) => x.input === 'openMajorHazards')?.detail).toBe('−8：2 项重大隐患未整改');
      // 79 is below the low-risk cut-off (85): general risk, routine supervision.
      expect(c).toMatchObject({ score: 79, tier: 'general', mode: 'routine' });

      // A dishonesty listing: −30 and forced high (key supervision); the history records the move.
      const l = await req(w.u.county.headers, 'POST', '/api/dishonesty-listings', {
        enterpriseId: e,
        listedOn: '2026-06-10',
        trigger: 'concealed',
        reason: '瞒报事故',
      });
      expect(l.statusCode, l.body).toBe(201);
      expect(l.json().termEndsOn).toBe('2029-06-10');
      c = await credit(e);
      expect(points(c, 'seriousDishonestyListed')).toBe(-30);
      expect(c).toMatchObject({ tier: 'high', mode: 'key' });
      const hist = (await req(w.u.county.headers, 'GET', `/api/enterprises/${e}/credit/history`)).json();
      expect(hist.items[0]).toMatchObject({ tier: 'high', direction: 'raised', reason: 'dishonesty.listed' });
      expect(hist.items.at(-1).direction).toBe('initial');

      // Removing the listing lowers the tier again.
      const rm = await req(w.u.county.headers, 'POST', `/api/dishonesty-listings/${l.json().id}/remove`, {
        version: 1,
        reason: '信用修复',
      });
      expect(rm.statusCode, rm.body).toBe(200);
      c = await credit(e);
      expect(c).toMatchObject({ score: 79, tier: 'general' });
      const hist2 = (await req(w.u.county.headers, 'GET', `/api/enterprises/${e}/credit/history`)).json();
      expect(hist2.items[0]).toMatchObject({ tier: 'general', direction: 'lowered', reason: 'dishonesty.removed' });

      // Overdue: the deadline passes (moved back in the record, as sessions do not survive a moved clock);
      // the general hazard now counts −2 as overdue, not −1 as open.
      await env.p.db
        .updateTable('hazards')
        .set({ deadline: day(env, -1) })
        .where('enterprise_id', '=', e)
        .where('level', '=', 'general')
        .execute();
      c = await credit(e);
      expect(points(c, 'overdueGeneralHazards')).toBe(-2);
      expect(points(c, 'openGeneralHazards')).toBe(0);
    });

    it('reads weights from the county settings (PUT by the county office only)', async () => {
      const before = (await req(w.u.county.headers, 'GET', '/api/supervision-settings')).json();
      expect(before.quiz.passMark).toBe(85);
      expect(before.entry.quietPeriod).toEqual({ fromDay: 1, toDay: 15 });
      const denied = await req(w.u.deptA.headers, 'PUT', '/api/supervision-settings', { version: before.version });
      expect(denied.statusCode).toBe(403);
      const bad = await req(w.u.county.headers, 'PUT', '/api/supervision-settings', {
        version: before.version,
        credit: { lowRiskMinScore: 50, generalRiskMinScore: 60 },
      });
      expect(bad.statusCode).toBe(400);
      const put = await req(w.u.county.headers, 'PUT', '/api/supervision-settings', {
        version: before.version,
        credit: { weights: { expiredLicences: { perItem: 7 } } },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().credit.weights.expiredLicences).toEqual({ perItem: 7, cap: 15 });
      expect(points(await credit(w.entB.id), 'expiredLicences')).toBe(-7);
      const back = await req(w.u.county.headers, 'PUT', '/api/supervision-settings', {
        version: put.json().version,
        credit: { weights: { expiredLicences: { perItem: 5 } } },
      });
      expect(back.statusCode).toBe(200);
    });

    it('is scoped: a department or township outside answers 404', async () => {
      expect((await req(w.u.deptA.headers, 'GET', `/api/enterprises/${w.entB.id}/credit`)).statusCode).toBe(404);
      expect((await req(w.u.townA.headers, 'GET', `/api/enterprises/${w.entB.id}/credit/history`)).statusCode).toBe(
        404,
      );
      expect((await req(w.u.entAdmin.headers, 'GET', `/api/enterprises/${w.entA.id}/credit`)).statusCode).toBe(200);
      expect((await req(w.u.entAdmin.headers, 'GET', `/api/enterprises/${w.entB.id}/credit`)).statusCode).toBe(404);
    });

    it('the nightly job stores every enterprise and writes history only when something moved', async () => {
      const run1 = (await env.p.jobs.runNow('supervision.credit', env.clock.now())) as { assessed: number };
      expect(run1.assessed).toBeGreaterThan(1);
      const count = async () =>
        (
          await env.p.db
            .selectFrom('credit_assessments')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n;
      const n1 = Number(await count());
      await env.p.jobs.runNow('supervision.credit', new Date(env.clock.now().getTime() + 60_000));
      expect(Number(await count())).toBe(n1);
      const list = await req(w.u.county.headers, 'GET', '/api/credit?pageSize=200');
      expect(list.json().items.map((x: { enterpriseId: string }) => x.enterpriseId)).toContain(w.entA.id);
      const scoped = await req(w.u.townA.headers, 'GET', '/api/credit?pageSize=200');
      const ids = scoped.json().items.map((x: { enterpriseId: string }) => x.enterpriseId);
      expect(ids).toContain(w.entA.id);
      expect(ids).not.toContain(w.entB.id);
    });
  });

  describe('rules of entry', () => {
    it('refuses a routine inspection in the quiet period, naming the rule; an exempt kind needs a reason and is audited', async () => {
      const base = {
        enterpriseId: w.entA.id,
        departmentIds: [w.deptA],
        inspectorIds: [w.u.deptA.id, w.u.deptA2.id],
      };
      const quiet = await schedule(w.u.deptA.headers, { ...base, kind: 'routine', plannedAt: planned(15) });
      expect(quiet.statusCode, quiet.body).toBe(409);
      expect(quiet.json().error.code).toBe('QUIET_PERIOD');
      expect(quiet.json().error.message).toContain('安静期');
      expect(quiet.json().error.message).toContain('1–15');

      const noReason = await schedule(w.u.deptA.headers, { ...base, kind: 'complaint', plannedAt: planned(15) });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().error.fields[0].path).toBe('exemptionReason');

      const ok = await schedule(w.u.deptA.headers, {
        ...base,
        kind: 'complaint',
        plannedAt: planned(15),
        exemptionReason: '群众举报井下违规作业',
      });
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json().exempt).toBe(true);
      const a = await env.p.db
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('entity_id', '=', ok.json().id)
        .executeTakeFirstOrThrow();
      expect(a.action).toBe('inspection.scheduled_exempt');
      const rules = (await req(w.u.deptA.headers, 'GET', `/api/enterprises/${w.entA.id}/entry-rules`)).json();
      expect(rules.counts.exempt.byKind.complaint).toBe(1);
      expect(rules.counts.routine.total).toBe(0);

      const tooMany = await schedule(w.u.deptA.headers, {
        ...base,
        kind: 'follow_up',
        plannedAt: planned(22),
        exemptionReason: '复查',
        inspectorIds: [w.u.deptA.id, w.u.deptA2.id, w.u.county.id, w.u.townA.id, w.u.deptB.id],
      });
      expect(tooMany.statusCode).toBe(400); // dept B's officer does not belong to a participating department
      const five = await schedule(w.u.county.headers, {
        ...base,
        departmentIds: [w.deptA, w.deptB],
        kind: 'follow_up',
        plannedAt: planned(22),
        exemptionReason: '复查',
        inspectorIds: [w.u.deptA.id, w.u.deptA2.id, w.u.county.id, w.u.townA.id, w.u.deptB.id],
      });
      expect(five.statusCode, five.body).toBe(409);
      expect(five.json().error.code).toBe('TOO_MANY_INSPECTORS');
    });

    it('caps routine inspections per department (per-enterprise override) and audits the override', async () => {
      const rules = (await req(w.u.deptA.headers, 'GET', `/api/enterprises/${w.entA.id}/entry-rules`)).json();
      const put = await req(w.u.deptA.headers, 'PUT', `/api/enterprises/${w.entA.id}/entry-rules`, {
        version: rules.version,
        yearlyCapPerDepartment: 1,
        quietPeriod: { fromDay: 1, toDay: 10 },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().effective).toMatchObject({ yearlyCapPerDepartment: 1, quietPeriod: { fromDay: 1, toDay: 10 } });
      const base = { enterpriseId: w.entA.id, departmentIds: [w.deptA], inspectorIds: [w.u.deptA.id, w.u.deptA2.id] };
      // Day 15 is no longer quiet for this enterprise.
      const first = await schedule(w.u.deptA.headers, { ...base, kind: 'routine', plannedAt: planned(15) });
      expect(first.statusCode, first.body).toBe(201);
      const second = await schedule(w.u.deptA.headers, { ...base, kind: 'routine', plannedAt: planned(25) });
      expect(second.statusCode).toBe(409);
      expect(second.json().error.code).toBe('CAP_EXCEEDED');
      expect(second.json().error.message).toContain('1 次');
      // Back to the county defaults.
      const reset = await req(w.u.deptA.headers, 'PUT', `/api/enterprises/${w.entA.id}/entry-rules`, {
        version: put.json().version,
        reset: true,
      });
      expect(reset.statusCode).toBe(200);
      expect(reset.json().effective.quietPeriod).toEqual({ fromDay: 1, toDay: 15 });
      // Outside the department: 404.
      expect(
        (
          await schedule(w.u.deptA.headers, {
            ...base,
            enterpriseId: w.entB.id,
            kind: 'routine',
            plannedAt: planned(20),
          })
        ).statusCode,
      ).toBe(404);
    });
  });

  describe('the inspection', () => {
    let inspectionId = '';

    it('runs a checklist inspection: a non-compliant item makes a linked hazard; documents read back', async () => {
      const s = await schedule(w.u.county.headers, {
        enterpriseId: w.entA.id,
        kind: 'order',
        exemptionReason: '县政府交办专项检查',
        plannedAt: planned(16),
        departmentIds: [w.deptA],
        inspectorIds: [w.u.deptA.id, w.u.deptA2.id],
        unannounced: true,
      });
      expect(s.statusCode, s.body).toBe(201);
      inspectionId = s.json().id;
      // 四不两直: the enterprise does not see it before the start.
      expect((await req(w.u.entAdmin.headers, 'GET', `/api/inspections/${inspectionId}`)).statusCode).toBe(404);
      const entList = (await req(w.u.entAdmin.headers, 'GET', '/api/inspections')).json();
      expect(entList.items.map((i: { id: string }) => i.id)).not.toContain(inspectionId);

      let d = (await req(w.u.deptA.headers, 'GET', `/api/inspections/${inspectionId}`)).json();
      expect(d.checklist[0].code).toBe('coal-mine');
      expect(d.allowedActions).toContain('start');
      const start = await req(w.u.deptA.headers, 'POST', `/api/inspections/${inspectionId}/actions`, {
        action: 'start',
        version: d.version,
      });
      expect(start.statusCode, start.body).toBe(200);
      expect((await req(w.u.entAdmin.headers, 'GET', `/api/inspections/${inspectionId}`)).statusCode).toBe(200);

      d = start.json();
      const t = d.checklist[0];
      const general = t.items.find((i: { key: string }) => i.key === 'mgmt-04');
      const major = t.items.find((i: { key: string }) => i.key === 'coal-05');
      expect(major.level).toBe('major');
      const noNote = await req(w.u.deptA.headers, 'PUT', `/api/inspections/${inspectionId}/answers`, {
        answers: [{ templateId: t.templateId, itemKey: general.key, result: 'not_compliant' }],
      });
      expect(noNote.statusCode).toBe(400);
      expect(noNote.json().error.code).toBe('MISSING_FIELD');
      const photo = await upload(env, w.u.deptA.headers, await png());
      const ans = await req(w.u.deptA.headers, 'PUT', `/api/inspections/${inspectionId}/answers`, {
        answers: [
          {
            templateId: t.templateId,
            itemKey: general.key,
            result: 'not_compliant',
            note: '三名新工人未经培训下井',
            deadline: '2026-06-30',
          },
          { templateId: t.templateId, itemKey: major.key, result: 'not_compliant', photoFileIds: [photo] },
          ...t.items
            .filter((i: { key: string }) => i.key !== general.key && i.key !== major.key)
            .map((i: { key: string }, n: number) => ({
              templateId: t.templateId,
              itemKey: i.key,
              result: n % 5 === 0 ? 'not_applicable' : 'compliant',
            })),
        ],
      });
      expect(ans.statusCode, ans.body).toBe(200);
      d = ans.json();
      expect(d.counts).toMatchObject({ notCompliant: 2, unanswered: 0 });
      const gItem = d.checklist[0].items.find((i: { key: string }) => i.key === general.key);
      const mItem = d.checklist[0].items.find((i: { key: string }) => i.key === major.key);
      // The hazards are in the hazard module, linked both ways.
      const gh = (await req(w.u.deptA.headers, 'GET', `/api/hazards/${gItem.answer.hazardId}`)).json();
      expect(gh).toMatchObject({ level: 'general', source: 'inspection', deadline: '2026-06-30' });
      expect(gh.description).toContain(d.code);
      const mh = (await req(w.u.deptA.headers, 'GET', `/api/hazards/${mItem.answer.hazardId}`)).json();
      expect(mh).toMatchObject({ level: 'major', catalogItemCode: 'coal-05', status: 'reported' });
      expect(mItem.answer.photoFileIds).toEqual([photo]);

      // Quiz: a principal who fails; the failure becomes a hazard.
      const q = await req(w.u.deptA.headers, 'POST', `/api/inspections/${inspectionId}/quizzes`, {
        personName: '张矿长',
        personRole: 'principal',
      });
      expect(q.statusCode, q.body).toBe(201);
      expect(q.json().questions.length).toBe(10);
      expect(JSON.stringify(q.json().questions)).not.toContain('basis');
      const scored = await req(w.u.deptA.headers, 'POST', `/api/quizzes/${q.json().id}/answers`, { answers: {} });
      expect(scored.statusCode, scored.body).toBe(200);
      expect(scored.json()).toMatchObject({ score: 0, passed: false, passMark: 85 });
      expect(scored.json().hazardId).toBeTruthy();
      const again = await req(w.u.deptA.headers, 'POST', `/api/quizzes/${q.json().id}/answers`, { answers: {} });
      expect(again.statusCode).toBe(409);

      const dec = await req(w.u.deptA.headers, 'POST', `/api/inspections/${inspectionId}/decisions`, {
        kind: 'fine',
        fineYuan: 50000,
        legalBasis: '《中华人民共和国安全生产法》第九十七条',
        facts: '未按规定对从业人员进行安全生产教育和培训',
      });
      expect(dec.statusCode, dec.body).toBe(201);
      expect(dec.json().number).toMatch(/^执决〔2026〕\d{6}号$/);

      const noSig = await req(w.u.deptA.headers, 'POST', `/api/inspections/${inspectionId}/actions`, {
        action: 'complete',
        version: d.version,
        signatures: [{ role: 'inspector', name: '赵科长' }],
      });
      expect(noSig.statusCode).toBe(400);
      const done = await req(w.u.deptA.headers, 'POST', `/api/inspections/${inspectionId}/actions`, {
        action: 'complete',
        version: d.version,
        summary: '发现问题 2 项，已责令整改',
        signatures: [
          { role: 'inspector', name: '赵科长' },
          { role: 'enterprise', name: '张矿长' },
        ],
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({ status: 'completed', nonCompliantCount: 2 });
      expect(done.json().visits[0].minutes).toBe(0);

      // Credit: last inspection −2, failed quiz −3, the decision counts as a violation −1.
      const c = await credit(w.entA.id);
      expect(points(c, 'nonCompliantItems')).toBe(-2);
      expect(points(c, 'quizFailures12m')).toBe(-3);
      expect(points(c, 'violations12m')).toBe(-1);

      const site = await env.app.inject({
        url: `/api/inspections/${inspectionId}/site-record.docx`,
        headers: w.u.deptA.headers,
      });
      expect(site.statusCode, site.body).toBe(200);
      const siteText = await docxText(site.rawPayload);
      expect(siteText).toContain('现场检查记录');
      expect(siteText).toContain(w.entA.name);
      expect(siteText).toContain('三名新工人未经培训下井');
      expect(siteText).toMatch(/检记〔2026〕\d{6}号/);
      expect(siteText).toContain('张矿长');
      const order = await env.app.inject({
        url: `/api/inspections/${inspectionId}/rectification-order.docx`,
        headers: w.u.deptA.headers,
      });
      expect(order.statusCode, order.body).toBe(200);
      const orderText = await docxText(order.rawPayload);
      expect(orderText).toContain('责令限期整改指令书');
      expect(orderText).toContain(w.entA.name);
      expect(orderText).toContain(gh.code);
      expect(orderText).toContain('2026年6月30日');
      const number = /责改〔2026〕\d{6}号/.exec(orderText)?.[0];
      expect(number).toBeTruthy();
      // Issued once: the same number on the next download; the inspection moved to documents_issued.
      const again2 = await env.app.inject({
        url: `/api/inspections/${inspectionId}/rectification-order.docx`,
        headers: w.u.deptA.headers,
      });
      expect(await docxText(again2.rawPayload)).toContain(number ?? '-');
      const final = (await req(w.u.deptA.headers, 'GET', `/api/inspections/${inspectionId}`)).json();
      expect(final.status).toBe('documents_issued');
      expect(final.documents.map((x: { kind: string }) => x.kind).sort()).toEqual([
        'rectification_order',
        'site_record',
      ]);
      // Out of jurisdiction: 404 like a missing inspection.
      expect((await req(w.u.deptB.headers, 'GET', `/api/inspections/${inspectionId}`)).statusCode).toBe(404);
      expect(
        (await env.app.inject({ url: `/api/inspections/${inspectionId}/site-record.docx`, headers: w.u.townB.headers }))
          .statusCode,
      ).toBe(404);

      const freq = (await req(w.u.county.headers, 'GET', '/api/inspections/visit-frequency?year=2026')).json();
      expect(freq.items.find((x: { enterpriseId: string }) => x.enterpriseId === w.entA.id)).toMatchObject({
        visits: 1,
        exempt: 1,
        inspectorVisits: 2,
      });
    });

    it('scores a passed quiz without a hazard and checks answers exactly', async () => {
      const s = await schedule(w.u.deptA.headers, {
        enterpriseId: w.entA.id,
        kind: 'requested',
        exemptionReason: '企业申请指导',
        plannedAt: planned(17),
        departmentIds: [w.deptA],
        inspectorIds: [w.u.deptA.id, w.u.deptA2.id],
      });
      const id = s.json().id;
      await req(w.u.deptA.headers, 'POST', `/api/inspections/${id}/actions`, { action: 'start', version: 1 });
      const q = (
        await req(w.u.deptA.headers, 'POST', `/api/inspections/${id}/quizzes`, {
          personName: '李四',
          personRole: 'safety_manager',
        })
      ).json();
      const bank = await env.p.db.selectFrom('quiz_questions').select(['id', 'answer']).execute();
      const key = new Map(bank.map((b) => [b.id, b.answer]));
      const answers: Record<string, unknown> = {};
      for (const qq of q.questions as { id: string }[]) answers[qq.id] = key.get(qq.id);
      // One wrong out of 10 → 90, passes at 85; two wrong → 80 fails.
      const first = (q.questions as { id: string; type: string }[])[0];
      if (first)
        answers[first.id] = first.type === 'true_false' ? !key.get(first.id) : first.type === 'single' ? 'Z' : ['A'];
      const res = await req(w.u.deptA.headers, 'POST', `/api/quizzes/${q.id}/answers`, { answers });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ score: 90, passed: true, hazardId: null, correct: 9, total: 10 });
      expect(res.json().items[0]).toMatchObject({ correct: false });
      expect(res.json().items[0].basis).toBeTruthy();
    });

    it('lets only the organisers act: another department gets 404, the enterprise 403', async () => {
      expect(
        (
          await req(w.u.deptB.headers, 'POST', `/api/inspections/${inspectionId}/actions`, {
            action: 'cancel',
            version: 1,
            reason: 'x',
          })
        ).statusCode,
      ).toBe(404);
      const ent = await req(w.u.entAdmin.headers, 'POST', `/api/inspections/${inspectionId}/decisions`, {
        kind: 'warning',
        legalBasis: 'x',
        facts: 'y',
      });
      expect(ent.statusCode).toBe(403);
    });
  });

  describe('inspector lookup for scheduling', () => {
    type Candidate = { id: string; displayName: string; role: string; departmentId: string | null };
    const lookup = async (headers: H, query = '') => {
      const res = await req(headers, 'GET', `/api/inspections/inspectors${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as Candidate[]).map((c) => c.id);
    };

    it('lets department and township schedulers pick their own officers, the county anyone', async () => {
      // A department: both of its officers, no one of department B, no township officer.
      const byA = await lookup(w.u.deptA.headers);
      expect(byA).toEqual(expect.arrayContaining([w.u.deptA.id, w.u.deptA2.id]));
      expect(byA).not.toContain(w.u.deptB.id);
      expect(byA).not.toContain(w.u.townA.id);
      // A township: its own town officers only.
      const byTown = await lookup(w.u.townA.headers);
      expect(byTown).toContain(w.u.townA.id);
      expect(byTown).not.toContain(w.u.townB.id);
      expect(byTown).not.toContain(w.u.deptA.id);
      // The county: everyone, or the officers of the departments named.
      const all = await lookup(w.u.county.headers);
      expect(all).toEqual(expect.arrayContaining([w.u.deptA.id, w.u.deptB.id, w.u.townA.id, w.u.townB.id]));
      const ofB = await lookup(w.u.county.headers, `?departmentId=${w.deptB}`);
      expect(ofB).toContain(w.u.deptB.id);
      expect(ofB).not.toContain(w.u.deptA.id);
      // Name search.
      const name = (await req(w.u.county.headers, 'GET', '/api/inspections/inspectors'))
        .json()
        .items.find((c: Candidate) => c.id === w.u.deptA2.id).displayName as string;
      expect(await lookup(w.u.deptA.headers, `?q=${encodeURIComponent(name)}`)).toEqual([w.u.deptA2.id]);

      // Another department's officers: 404 like a missing department; a malformed id: 400; enterprises: 403.
      const foreign = await req(w.u.deptA.headers, 'GET', `/api/inspections/inspectors?departmentId=${w.deptB}`);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.body).not.toContain(w.u.deptB.id);
      const bad = await req(w.u.county.headers, 'GET', '/api/inspections/inspectors?departmentId=x');
      expect(bad.statusCode).toBe(400);
      expect((await req(w.u.entAdmin.headers, 'GET', '/api/inspections/inspectors')).statusCode).toBe(403);

      // What the lookup offers, scheduling accepts: a department officer sends in a colleague.
      const s = await schedule(w.u.deptA.headers, {
        enterpriseId: w.entA.id,
        kind: 'requested',
        exemptionReason: '企业申请指导',
        plannedAt: planned(22),
        departmentIds: [w.deptA],
        inspectorIds: byA.filter((id) => id === w.u.deptA2.id),
      });
      expect(s.statusCode, s.body).toBe(201);
    });
  });

  describe('the inspection list: department and 四不两直 filters', () => {
    type Item = { id: string; departmentIds: string[]; unannounced: boolean; enterpriseId: string };
    const list = async (headers: H, query: string) => {
      const res = await req(headers, 'GET', `/api/inspections?pageSize=200&${query}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { items: Item[]; total: number };
      return { ...body, ids: body.items.map((i) => i.id) };
    };
    const entryCounts = async (headers: H) => {
      const res = await req(headers, 'GET', `/api/enterprises/${w.entA.id}/entry-rules`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().counts as { exempt: { total: number; byKind: Record<string, number> } };
    };

    it('filters by department and by unannounced, validates both, and keeps the scope', async () => {
      const hidden = await schedule(w.u.county.headers, {
        enterpriseId: w.entA.id,
        kind: 'complaint',
        exemptionReason: '群众举报夜间违规作业',
        plannedAt: planned(18),
        departmentIds: [w.deptA],
        inspectorIds: [w.u.deptA.id],
        unannounced: true,
      });
      expect(hidden.statusCode, hidden.body).toBe(201);
      const announced = await schedule(w.u.county.headers, {
        enterpriseId: w.entB.id,
        kind: 'requested',
        exemptionReason: '企业申请指导',
        plannedAt: planned(18),
        departmentIds: [w.deptB],
        inspectorIds: [w.u.deptB.id],
      });
      expect(announced.statusCode, announced.body).toBe(201);
      const [h, a] = [hidden.json().id as string, announced.json().id as string];

      const byA = await list(w.u.county.headers, `departmentId=${w.deptA}`);
      expect(byA.ids).toContain(h);
      expect(byA.ids).not.toContain(a);
      expect(byA.items.every((i) => i.departmentIds.includes(w.deptA))).toBe(true);
      expect(byA.total).toBe(byA.items.length);
      const byB = await list(w.u.county.headers, `departmentId=${w.deptB}`);
      expect(byB.ids).toContain(a);
      expect(byB.ids).not.toContain(h);

      const secret = await list(w.u.county.headers, 'unannounced=true');
      expect(secret.ids).toContain(h);
      expect(secret.ids).not.toContain(a);
      expect(secret.items.every((i) => i.unannounced)).toBe(true);
      const open = await list(w.u.county.headers, 'unannounced=false');
      expect(open.ids).toContain(a);
      expect(open.ids).not.toContain(h);
      expect(open.items.every((i) => !i.unannounced)).toBe(true);
      // Both filters together, and the total counts the filtered rows.
      const both = await list(w.u.county.headers, `departmentId=${w.deptA}&unannounced=true`);
      expect(both.ids).toContain(h);
      expect(both.total).toBe(both.items.filter((i) => i.unannounced && i.departmentIds.includes(w.deptA)).length);

      // The filter narrows, it never widens: department B asking for department A's inspections sees none of
      // enterprise A (outside its jurisdiction).
      const foreign = await list(w.u.deptB.headers, `departmentId=${w.deptA}`);
      expect(foreign.ids).not.toContain(h);
      expect(foreign.items.every((i) => i.enterpriseId !== w.entA.id)).toBe(true);
      expect((await req(w.u.deptB.headers, 'GET', `/api/inspections/${h}`)).statusCode).toBe(404);

      for (const bad of ['departmentId=not-a-uuid', 'unannounced=maybe']) {
        const res = await req(w.u.county.headers, 'GET', `/api/inspections?${bad}`);
        expect(res.statusCode, bad).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION');
      }
    });

    it('never shows an unannounced inspection to the enterprise before the visit: list, filter, detail, counts', async () => {
      const [countyBefore, ownBefore] = [
        await entryCounts(w.u.county.headers),
        await entryCounts(w.u.entAdmin.headers),
      ];
      const s = await schedule(w.u.deptA.headers, {
        enterpriseId: w.entA.id,
        kind: 'order',
        exemptionReason: '上级交办四不两直暗查',
        plannedAt: planned(19),
        departmentIds: [w.deptA],
        inspectorIds: [w.u.deptA.id, w.u.deptA2.id],
        unannounced: true,
      });
      expect(s.statusCode, s.body).toBe(201);
      const id = s.json().id as string;

      for (const ent of [w.u.entAdmin.headers, w.u.entAdmin2.headers]) {
        expect((await list(ent, '')).ids).not.toContain(id);
        const asked = await list(ent, 'unannounced=true');
        expect(asked.ids).not.toContain(id);
        expect(asked.items.every((i) => i.enterpriseId === w.entA.id)).toBe(true);
        expect((await list(ent, `departmentId=${w.deptA}&enterpriseId=${w.entA.id}`)).ids).not.toContain(id);
        expect((await req(ent, 'GET', `/api/inspections/${id}`)).statusCode).toBe(404);
      }
      // The yearly counts of the rules of entry: the supervisors count it (the caps need it), the enterprise not.
      const county = await entryCounts(w.u.county.headers);
      const own = await entryCounts(w.u.entAdmin.headers);
      expect(county.exempt.total).toBe(countyBefore.exempt.total + 1);
      expect(county.exempt.byKind.order ?? 0).toBe((countyBefore.exempt.byKind.order ?? 0) + 1);
      expect(own).toEqual(ownBefore);
      // Nor does the enterprise hear of it: no notification names it before the start.
      const before = await env.p.db
        .selectFrom('notifications')
        .select('id')
        .where('entity_id', '=', id)
        .where('user_id', 'in', [w.u.entAdmin.id, w.u.entAdmin2.id])
        .execute();
      expect(before).toEqual([]);

      // The inspectors at the gate: from now on the enterprise sees it everywhere.
      const start = await req(w.u.deptA.headers, 'POST', `/api/inspections/${id}/actions`, {
        action: 'start',
        version: 1,
      });
      expect(start.statusCode, start.body).toBe(200);
      expect((await list(w.u.entAdmin.headers, 'unannounced=true')).ids).toContain(id);
      expect((await req(w.u.entAdmin.headers, 'GET', `/api/inspections/${id}`)).statusCode).toBe(200);
      expect((await entryCounts(w.u.entAdmin.headers)).exempt.total).toBe(ownBefore.exempt.total + 1);
      // Another enterprise never sees it.
      expect((await req(w.u.entAdminB.headers, 'GET', `/api/inspections/${id}`)).statusCode).toBe(404);
      expect((await list(w.u.entAdminB.headers, 'unannounced=true')).ids).not.toContain(id);
    });
  });
});
