import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_PHOTO_MAX_BYTES } from '../src/server/modules/hazards/reports.service.js';
import { DATABASES, startTestEnv, type TestEnv } from './harness.js';
import {
  day,
  getHazard,
  type HazardWorld,
  type Headers,
  hazardWorld,
  multipart,
  png,
  step,
} from './hazards-fixtures.js';

/** A fresh client address per scenario, so the per-address rate limit only bites where it is tested. */
const ip = () => `10.${randomInt(100, 250)}.${randomInt(0, 250)}.${randomInt(1, 250)}`;

describe.each(DATABASES)('public and employee reports on $name', (dbc) => {
  let env: TestEnv;
  let w: HazardWorld;
  beforeAll(async () => {
    env = await startTestEnv(dbc);
    w = await hazardWorld(env);
  });
  afterAll(() => env?.close());

  const file = (payload: object, remoteAddress = ip()) =>
    env.app.inject({ method: 'POST', url: '/api/public/reports', payload, remoteAddress });
  const lookup = (code: string) => env.app.inject({ url: `/api/public/reports/${code}`, remoteAddress: ip() });
  const reportIdOf = async (code: string) =>
    (
      await env.p.db
        .selectFrom('public_reports')
        .select('id')
        .where('tracking_code', '=', code)
        .executeTakeFirstOrThrow()
    ).id;
  const countReports = async () => (await env.p.db.selectFrom('public_reports').select('id').execute()).length;
  const detail = (headers: Headers, id: string) => env.app.inject({ url: `/api/reports/${id}`, headers });

  it('files an anonymous report without login and answers status and public reply only', async () => {
    const res = await file({ text: '某砖厂粉尘很大，没有除尘设备', place: '凤城镇东关' });
    expect(res.statusCode, res.body).toBe(201);
    const { trackingCode } = res.json();
    expect(trackingCode).toMatch(/^[A-HJ-NP-Z2-9]{12}$/);
    const st = await lookup(trackingCode);
    expect(st.statusCode).toBe(200);
    expect(Object.keys(st.json()).sort()).toEqual(['receivedAt', 'reply', 'status', 'trackingCode', 'updatedAt']);
    expect(st.json()).toMatchObject({ trackingCode, status: 'received', reply: '' });
    expect((await lookup(trackingCode.toLowerCase())).statusCode).toBe(200);
    expect((await lookup('AAAAAAAAAAAA')).statusCode).toBe(404);
    const notified = await env.p.db
      .selectFrom('notifications')
      .select('kind')
      .where('user_id', '=', w.u.county.id)
      .where('entity_id', '=', await reportIdOf(trackingCode))
      .execute();
    expect(notified.map((n) => n.kind)).toEqual(['report.received']);
  });

  it('stores script as text and returns it verbatim inside JSON; rejects empty text writing nothing', async () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const res = await file({ text: evil, place: '<b>东关</b>', contact: '张先生 13800000000' });
    expect(res.statusCode).toBe(201);
    const id = await reportIdOf(res.json().trackingCode);
    const d = await detail(w.u.county.headers, id);
    expect(d.headers['content-type']).toMatch(/^application\/json/);
    expect(d.json()).toMatchObject({
      text: evil,
      place: '<b>东关</b>',
      contact: '张先生 13800000000',
      anonymous: false,
    });
    expect(d.body).toContain('<script>alert(\\"x\\")</script>');

    const before = await countReports();
    for (const text of ['', '   ']) {
      const bad = await file({ text, place: 'x' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({ code: 'MISSING_FIELD', field: 'text' });
    }
    const none = await file({ place: 'x' });
    expect(none.json().error.field).toBe('text');
    const badRegion = await file({ text: 'x', regionCode: '999999999999' });
    expect(badRegion.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'regionCode' });
    expect(await countReports()).toBe(before);
  });

  it('accepts up to six photos checked by content; refuses wrong types, oversized and too many', async () => {
    const body = await multipart({ text: '叉车无证驾驶', place: '仓库', regionCode: w.a.village }, [
      { field: 'photos', name: 'a.png', bytes: await png('#f00') },
      { field: 'photos', name: 'b.jpg', bytes: await png('#0f0') },
    ]);
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/public/reports',
      headers: { 'content-type': body.contentType },
      payload: body.payload,
      remoteAddress: ip(),
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = await reportIdOf(res.json().trackingCode);
    const d = (await detail(w.u.county.headers, id)).json();
    expect(d.photos).toHaveLength(2);
    expect(d.photos.every((f: { mime: string }) => f.mime === 'image/png')).toBe(true);
    expect(
      (await env.app.inject({ url: `/api/files/${d.photos[0].id}`, headers: w.u.county.headers })).statusCode,
    ).toBe(200);
    expect((await env.app.inject({ url: `/api/files/${d.photos[0].id}`, headers: w.u.deptB.headers })).statusCode).toBe(
      404,
    );
    // Accepted: the photos go with the hazard (copied; the report keeps its own).
    const acc = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/accept`,
      headers: w.u.county.headers,
      payload: {
        version: d.version,
        enterpriseId: w.entA.id,
        category: 'operation',
        rectification: { deadline: day(env, 2) },
      },
    });
    expect(acc.statusCode, acc.body).toBe(200);
    const hz = (await getHazard(env, w.u.deptA.headers, acc.json().hazard.id)).json();
    expect(hz.photos).toHaveLength(2);
    expect(hz.place).toBe('仓库');
    expect(
      (await env.app.inject({ url: `/api/files/${hz.photos[1].id}`, headers: w.u.deptA.headers })).statusCode,
    ).toBe(200);
    expect(
      (await env.app.inject({ url: `/api/files/${hz.photos[1].id}`, headers: w.u.townB.headers })).statusCode,
    ).toBe(404);

    const before = await countReports();
    const send = async (files: { field: string; name: string; bytes: Buffer }[]) => {
      const b = await multipart({ text: '照片测试', place: 'x' }, files);
      return env.app.inject({
        method: 'POST',
        url: '/api/public/reports',
        headers: { 'content-type': b.contentType },
        payload: b.payload,
        remoteAddress: ip(),
      });
    };
    const text = await send([
      { field: 'photos', name: 'photo.jpg', bytes: Buffer.from('this is not an image at all, just text') },
    ]);
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toMatchObject({ code: 'FILE_TYPE' });
    expect(text.json().error.fields[0].path).toBe('photos.0');
    const pdf = await send([
      { field: 'photos', name: 'ok.png', bytes: await png() },
      {
        field: 'photos',
        name: 'scan.png',
        bytes: Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
      },
    ]);
    expect(pdf.statusCode).toBe(415);
    expect(pdf.json().error.fields[0].path).toBe('photos.1');
    const big = Buffer.alloc(PUBLIC_PHOTO_MAX_BYTES + 1024, 1);
    (await png()).copy(big);
    const oversized = await send([{ field: 'photos', name: 'big.png', bytes: big }]);
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json().error.code).toBe('FILE_TOO_LARGE');
    const seven = await send(
      await Promise.all(
        Array.from({ length: 7 }, async (_, i) => ({
          field: 'photos',
          name: `${i}.png`,
          bytes: await png(`#${i}${i}${i}`),
        })),
      ),
    );
    expect(seven.statusCode).toBe(400);
    expect(seven.json().error.field).toBe('photos');
    expect(await countReports()).toBe(before);
  });

  it('limits filing per client address with 429 RATE_LIMITED', async () => {
    const addr = ip();
    for (let i = 0; i < 5; i++) expect((await file({ text: `第${i}条` }, addr)).statusCode).toBe(201);
    const limited = await file({ text: '第6条' }, addr);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect((await file({ text: '另一地址' }, ip())).statusCode).toBe(201);
    // The limit is on the public routes only.
    for (let i = 0; i < 8; i++) {
      const r = await env.app.inject({ url: '/api/reports', headers: w.u.county.headers, remoteAddress: addr });
      expect(r.statusCode).toBe(200);
    }
  });

  it('is triaged: transfer to a department, accept into a hazard on the supervised path, fine and reward', async () => {
    const res = await file({
      text: '井下有人违章作业',
      place: '某煤矿',
      contact: '13900000000',
      regionCode: w.a.village,
    });
    const code = res.json().trackingCode;
    const id = await reportIdOf(code);
    // Queue: the county office; the department sees it after a transfer; the township reads it without contact.
    expect((await detail(w.u.deptA.headers, id)).statusCode).toBe(404);
    let d = (await detail(w.u.county.headers, id)).json();
    expect(d).toMatchObject({ contact: '13900000000', canTriage: true, status: 'received' });
    const town = (await detail(w.u.townA.headers, id)).json();
    expect(town).toMatchObject({ contact: null, contactVisible: false, canTriage: false });
    expect((await detail(w.u.townB.headers, id)).statusCode).toBe(404);
    const tr = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/transfer`,
      headers: w.u.county.headers,
      payload: { version: d.version, departmentId: w.deptA, note: '请能源局核查' },
    });
    expect(tr.statusCode, tr.body).toBe(200);
    d = (await detail(w.u.deptA.headers, id)).json();
    expect(d).toMatchObject({ status: 'transferred', departmentId: w.deptA, contact: '13900000000', canTriage: true });
    expect((await lookup(code)).json().status).toBe('processing');
    const byTown = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/accept`,
      headers: w.u.townA.headers,
      payload: {
        version: d.version,
        enterpriseId: w.entA.id,
        category: 'operation',
        rectification: { deadline: day(env, 5) },
      },
    });
    expect(byTown.statusCode).toBe(403);
    const stale = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/accept`,
      headers: w.u.deptA.headers,
      payload: {
        version: d.version - 1,
        enterpriseId: w.entA.id,
        category: 'operation',
        rectification: { deadline: day(env, 5) },
      },
    });
    expect(stale.json().error.code).toBe('STALE_VERSION');
    const noDeadline = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/accept`,
      headers: w.u.deptA.headers,
      payload: { version: d.version, enterpriseId: w.entA.id, category: 'operation' },
    });
    expect(noDeadline.json().error).toMatchObject({ code: 'MISSING_FIELD', field: 'rectification.deadline' });
    const acc = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/accept`,
      headers: w.u.deptA.headers,
      payload: {
        version: d.version,
        enterpriseId: w.entA.id,
        category: 'operation',
        rectification: { deadline: day(env, 5) },
        reply: '已受理，责令企业限期整改',
      },
    });
    expect(acc.statusCode, acc.body).toBe(200);
    const hz = acc.json().hazard;
    expect(acc.json().report).toMatchObject({ status: 'accepted', hazardId: hz.id });
    const hd = (await getHazard(env, w.u.deptA.headers, hz.id)).json();
    expect(hd).toMatchObject({
      source: 'public_report',
      finderSide: 'public',
      path: 'supervised',
      reportId: id,
      description: '井下有人违章作业',
    });
    expect(hd.finderName).toBe('群众举报');
    expect((await lookup(code)).json()).toMatchObject({ status: 'accepted', reply: '已受理，责令企业限期整改' });
    const again = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/accept`,
      headers: w.u.deptA.headers,
      payload: {
        version: d.version + 1,
        enterpriseId: w.entA.id,
        category: 'operation',
        rectification: { deadline: day(env, 5) },
      },
    });
    expect(again.json().error.code).toBe('ILLEGAL_ACTION');

    // Fine → reward per 举报奖励办法 (15 % of ¥100,000 = ¥15,000), once.
    const cur = (await detail(w.u.deptA.headers, id)).json();
    const fine = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/fine`,
      headers: w.u.deptA.headers,
      payload: { version: cur.version, fineYuan: 100_000, decisionNumber: '阳能源罚〔2026〕12号' },
    });
    expect(fine.statusCode, fine.body).toBe(201);
    expect(fine.json().reward).toMatchObject({
      kind: 'public',
      fineYuan: 100_000,
      rewardYuan: 15_000,
      decisionNumber: '阳能源罚〔2026〕12号',
    });
    const twice = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/fine`,
      headers: w.u.deptA.headers,
      payload: { version: cur.version + 1, fineYuan: 5000, decisionNumber: 'x' },
    });
    expect(twice.statusCode).toBe(409);
    expect((await lookup(code)).json().reply).toContain('领取举报奖励');

    // The hazard closes → the public sees "resolved".
    await step(env, w.u.entStaff.headers, hz.id, 'submit', 1, { note: '已整改' });
    await step(env, w.u.deptA.headers, hz.id, 'verify', 2);
    await step(env, w.u.deptA.headers, hz.id, 'close', 3);
    expect((await lookup(code)).json().status).toBe('resolved');

    // Reject with a public reply.
    const other = await file({ text: '举报内容不实测试', place: 'x' });
    const oid = await reportIdOf(other.json().trackingCode);
    const noReply = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${oid}/reject`,
      headers: w.u.county.headers,
      payload: { version: 1 },
    });
    expect(noReply.statusCode).toBe(400);
    const rej = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${oid}/reject`,
      headers: w.u.county.headers,
      payload: { version: 1, reply: '经核查，所反映问题不属实' },
    });
    expect(rej.statusCode, rej.body).toBe(200);
    expect((await lookup(other.json().trackingCode)).json()).toMatchObject({
      status: 'rejected',
      reply: '经核查，所反映问题不属实',
    });
    const list = (
      await env.app.inject({ url: '/api/reports?open=false&pageSize=200', headers: w.u.deptA.headers })
    ).json();
    expect(list.items.map((r: { id: string }) => r.id)).toContain(id);
    expect(list.items.map((r: { id: string }) => r.id)).not.toContain(oid);
  });

  it('takes an employee report through the enterprise channel with an internal reward', async () => {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/reports',
      headers: w.u.entStaff.headers,
      payload: { text: '配电室门锁损坏', place: '配电室' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    const anon = await env.app.inject({
      method: 'POST',
      url: '/api/reports',
      headers: w.u.entStaff.headers,
      payload: { text: '班组长违章指挥', anonymous: true },
    });
    const anonId = anon.json().id;
    expect((await detail(w.u.entAdmin.headers, anonId)).json()).toMatchObject({ reporterName: null, anonymous: true });
    const d = (await detail(w.u.entAdmin.headers, id)).json();
    expect(d).toMatchObject({
      kind: 'employee',
      reporterName: w.u.entStaff.username,
      canTriage: true,
      enterpriseId: w.entA.id,
    });
    expect((await detail(w.u.deptA.headers, id)).statusCode).toBe(404);
    expect((await detail(w.u.entAdminB.headers, id)).statusCode).toBe(404);
    const byPublicForm = await env.app.inject({
      method: 'POST',
      url: '/api/reports',
      headers: w.u.deptA.headers,
      payload: { text: 'x' },
    });
    expect(byPublicForm.statusCode).toBe(403);
    const acc = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/accept`,
      headers: w.u.entAdmin.headers,
      payload: { version: d.version, category: 'electrical', rectification: { deadline: day(env, 3) } },
    });
    expect(acc.statusCode, acc.body).toBe(200);
    const hd = (await getHazard(env, w.u.entAdmin.headers, acc.json().hazard.id)).json();
    expect(hd).toMatchObject({
      source: 'employee_report',
      finderSide: 'enterprise',
      path: 'self',
      finderName: w.u.entStaff.username,
      enterpriseId: w.entA.id,
    });
    const cur = (await detail(w.u.entAdmin.headers, id)).json();
    const byStaff = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/reward`,
      headers: w.u.entStaff.headers,
      payload: { version: cur.version, amountYuan: 500 },
    });
    expect(byStaff.statusCode).toBe(403);
    const reward = await env.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/reward`,
      headers: w.u.entAdmin.headers,
      payload: { version: cur.version, amountYuan: 500, note: '内部隐患报告奖励' },
    });
    expect(reward.statusCode, reward.body).toBe(201);
    expect(reward.json().reward).toMatchObject({ kind: 'internal', rewardYuan: 500, fineYuan: null });
    const notes = await env.p.db
      .selectFrom('notifications')
      .select('kind')
      .where('user_id', '=', w.u.entStaff.id)
      .where('entity_id', '=', id)
      .execute();
    expect(notes.map((n) => n.kind).sort()).toEqual(['report.accepted', 'report.rewarded']);
    const mine = (await env.app.inject({ url: '/api/reports', headers: w.u.entStaff.headers })).json();
    expect(mine.items.map((r: { id: string }) => r.id)).toContain(id);
    expect(mine.items.map((r: { id: string }) => r.id)).not.toContain(anonId);
  });
});
