import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUser } from '../src/server/platform/auth/auth.service.js';
import { MAX_FILE_BYTES } from '../src/server/platform/files/files.js';
import { docxBytes, jpegBytes, multipart, pdfBytes, pngBytes, xlsxBytes } from './fixtures.js';
import {
  type AuthHeaders,
  DATABASES,
  makeDepartment,
  makeEnterprise,
  makeTownship,
  signIn,
  startTestEnv,
  type TestEnv,
} from './harness.js';

type Headers = AuthHeaders;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe.each(DATABASES)('files API on $name', (dbc) => {
  let env: TestEnv;
  let uploader: { id: string; headers: Headers };

  beforeAll(async () => {
    env = await startTestEnv(dbc);
    uploader = await signIn(env, 'county_admin');
  });
  afterAll(() => env?.close());

  function upload(headers: Headers, name: string, bytes: Buffer, mime?: string) {
    const m = multipart(name, bytes, mime ? { mime } : {});
    return env.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...headers, ...m.headers },
      payload: m.payload,
    });
  }

  async function filesOf(userId: string) {
    const r = await env.p.db
      .selectFrom('files')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('uploader_id', '=', userId)
      .executeTakeFirstOrThrow();
    return r.n;
  }

  it.each([
    ['现场照片.png', 'image/png', () => pngBytes(), 'inline'],
    ['photo.jpg', 'image/jpeg', () => jpegBytes(), 'inline'],
    ['整改报告.pdf', 'application/pdf', async () => pdfBytes(), 'inline'],
    ['通知.docx', DOCX, async () => docxBytes(), 'attachment'],
    [
      '台账.xlsx',
      XLSX,
      () =>
        xlsxBytes([
          ['名称', '数量'],
          ['灭火器', 12],
        ]),
      'attachment',
    ],
  ] as const)('accepts %s as %s and serves it back', async (name, mime, make, disposition) => {
    const bytes = await make();
    const res = await upload(uploader.headers, name, bytes);
    expect(res.statusCode, res.body).toBe(201);
    const f = res.json();
    expect(f).toEqual({ id: expect.any(String), name, size: bytes.length, mime });
    const back = await env.app.inject({ url: `/api/files/${f.id}`, headers: uploader.headers });
    expect(back.statusCode).toBe(200);
    expect(back.headers['content-type']).toBe(mime);
    expect(back.headers['x-content-type-options']).toBe('nosniff');
    expect(back.headers['content-disposition']).toBe(`${disposition}; filename*=UTF-8''${encodeURIComponent(name)}`);
    expect(back.rawPayload.equals(bytes)).toBe(true);
    const audit = await env.p.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'file')
      .where('entity_id', '=', f.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['file.uploaded']);
  });

  it('decides the type by the content, never by the name or the declared type', async () => {
    const png = await pngBytes();
    const res = await upload(uploader.headers, 'scan.pdf', png, 'application/pdf');
    expect(res.statusCode).toBe(201);
    expect(res.json().mime).toBe('image/png');

    const before = await filesOf(uploader.id);
    for (const [name, bytes] of [
      ['photo.png', Buffer.from('this is plain text pretending to be a picture\n'.repeat(20))],
      ['page.png', Buffer.from('<html><script>alert(1)</script></html>')],
      ['archive.docx', Buffer.from('PK\u0003\u0004 not really a zip')],
      ['tool.exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)])],
    ] as const) {
      const bad = await upload(uploader.headers, name, bytes, 'image/png');
      expect(bad.statusCode, `${name}: ${bad.body}`).toBe(415);
      expect(bad.json().error.code).toBe('FILE_TYPE');
      expect(bad.json().error.fields[0].path).toBe('file');
    }
    expect(await filesOf(uploader.id)).toBe(before);
  });

  it('keeps only the base name of the uploaded file', async () => {
    const res = await upload(uploader.headers, '../../etc/现场.png', await pngBytes());
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe('现场.png');
  });

  it('refuses more than 20 MB with 413, takes exactly 20 MB, and refuses an empty file with 400', async () => {
    const before = await filesOf(uploader.id);
    const head = pdfBytes();
    const big = Buffer.concat([head, Buffer.alloc(MAX_FILE_BYTES + 1 - head.length, 0x20)]);
    expect(big.length).toBe(20 * 1024 * 1024 + 1);
    const tooBig = await upload(uploader.headers, 'big.pdf', big);
    expect(tooBig.statusCode, tooBig.body).toBe(413);
    expect(tooBig.json().error.code).toBe('FILE_TOO_LARGE');
    expect(await filesOf(uploader.id)).toBe(before);

    const exact = await upload(uploader.headers, 'exact.pdf', big.subarray(0, MAX_FILE_BYTES));
    expect(exact.statusCode, exact.body).toBe(201);
    expect(exact.json().size).toBe(MAX_FILE_BYTES);

    const empty = await upload(uploader.headers, 'empty.png', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toMatchObject({ code: 'VALIDATION', fields: [{ path: 'file', message: 'empty' }] });
    expect(await filesOf(uploader.id)).toBe(before + 1);
  });

  it('refuses a request that is not a multipart upload in the field "file"', async () => {
    const json = await env.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: uploader.headers,
      payload: { file: 'aGVsbG8=' },
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.fields).toEqual([{ path: 'file', message: 'required' }]);
    const m = multipart('a.png', await pngBytes(), { field: 'photo' });
    const wrongField = await env.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...uploader.headers, ...m.headers },
      payload: m.payload,
    });
    expect(wrongField.statusCode).toBe(400);
  });

  it('makes a thumbnail of images only', async () => {
    const img = await upload(uploader.headers, 'big.jpg', await jpegBytes(1200, 900));
    const id = img.json().id as string;
    const thumb = await env.app.inject({ url: `/api/files/${id}/thumb`, headers: uploader.headers });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(320);
    const pdf = await upload(uploader.headers, 'doc.pdf', pdfBytes('thumbless'));
    const none = await env.app.inject({ url: `/api/files/${pdf.json().id}/thumb`, headers: uploader.headers });
    expect(none.statusCode).toBe(404);
  });

  it('shows an unattached upload to its uploader only', async () => {
    const mine = await signIn(env, 'town_officer', { regionCode: (await makeTownship(env.p)).town });
    const res = await upload(mine.headers, 'mine.png', await pngBytes());
    const id = res.json().id as string;
    expect((await env.app.inject({ url: `/api/files/${id}`, headers: mine.headers })).statusCode).toBe(200);
    for (const role of ['county_admin', 'sys_admin', 'county_leader'] as const) {
      const other = await signIn(env, role);
      for (const url of [`/api/files/${id}`, `/api/files/${id}/thumb`]) {
        const r = await env.app.inject({ url, headers: other.headers });
        expect(r.statusCode, `${role} ${url}`).toBe(404);
        expect(r.json().error.code).toBe('NOT_FOUND');
      }
    }
    expect((await env.app.inject({ url: '/api/files/not-a-uuid', headers: mine.headers })).statusCode).toBe(404);
    expect((await env.app.inject({ url: `/api/files/${id}` })).statusCode).toBe(401);
  });

  it('once attached to an enterprise, shows the file to whoever sees the enterprise and 404 to others', async () => {
    const t = await makeTownship(env.p);
    const elsewhere = await makeTownship(env.p);
    const dept = await makeDepartment(env.p, []);
    const otherDept = await makeDepartment(env.p, []);
    const e = await makeEnterprise(env.p, { regionCode: t.village, departmentIds: [dept] });
    const otherE = await makeEnterprise(env.p, { regionCode: t.village, departmentIds: [otherDept] });
    const owner = await signIn(env, 'enterprise_admin', { enterpriseId: e.id });
    const res = await upload(owner.headers, '隐患照片.png', await pngBytes());
    const id = res.json().id as string;

    // Someone else cannot attach the owner's upload.
    const stranger = await signIn(env, 'county_admin');
    const strangerActor = await actorFor(stranger.id);
    await expect(
      env.p.transaction((tx) => env.p.files.attach(tx, strangerActor, [id], 'enterprise', e.id)),
    ).rejects.toMatchObject({
      status: 400,
      fields: [{ path: 'fileIds.0', message: 'not an unattached upload of yours' }],
    });

    const ownerActor = await actorFor(owner.id);
    await env.p.transaction((tx) => env.p.files.attach(tx, ownerActor, [id], 'enterprise', e.id));
    // Attached once; a second attach of the same file is refused.
    await expect(
      env.p.transaction((tx) => env.p.files.attach(tx, ownerActor, [id], 'enterprise', otherE.id)),
    ).rejects.toMatchObject({ status: 400 });

    const can = [
      owner,
      await signIn(env, 'enterprise_staff', { enterpriseId: e.id }),
      await signIn(env, 'county_admin'),
      await signIn(env, 'county_leader'),
      await signIn(env, 'dept_officer', { departmentId: dept }),
      await signIn(env, 'town_officer', { regionCode: t.town }),
      await signIn(env, 'village_worker', { regionCode: t.village }),
    ];
    const cannot = [
      await signIn(env, 'enterprise_admin', { enterpriseId: otherE.id }),
      await signIn(env, 'dept_officer', { departmentId: otherDept }),
      await signIn(env, 'town_officer', { regionCode: elsewhere.town }),
      await signIn(env, 'village_worker', { regionCode: elsewhere.village }),
    ];
    for (const u of can) {
      for (const url of [`/api/files/${id}`, `/api/files/${id}/thumb`]) {
        expect((await env.app.inject({ url, headers: u.headers })).statusCode, url).toBe(200);
      }
    }
    for (const u of cannot) {
      for (const url of [`/api/files/${id}`, `/api/files/${id}/thumb`]) {
        const r = await env.app.inject({ url, headers: u.headers });
        expect(r.statusCode, url).toBe(404);
        expect(r.body).not.toContain('隐患照片');
      }
    }
    const listed = await env.p.files.listFor(env.p.db, 'enterprise', e.id);
    expect(listed.map((f) => f.id)).toEqual([id]);
  });

  async function actorFor(userId: string) {
    const u = await env.p.db
      .selectFrom('users')
      .select([
        'id',
        'username',
        'display_name',
        'role',
        'department_id',
        'region_code',
        'enterprise_id',
        'must_change_password',
        'disabled_at',
      ])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    return actorForUser(env.p.db, u);
  }
});
