import JSZip from 'jszip';
import sharp from 'sharp';
import { expect } from 'vitest';
import { addDays, localDate } from '../src/core/hazards/index.js';
import { login, makeUser, makeWorld, type TestEnv } from './harness.js';

export type Headers = { cookie: string; origin: string };

/** A PNG made on the spot (the file service checks bytes, not names). */
export function png(color = '#c00', size = 16): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: color } })
    .png()
    .toBuffer();
}

/** A multipart body built by the platform's own FormData encoder. */
export async function multipart(
  fields: Record<string, string>,
  files: { field: string; name: string; bytes: Buffer; type?: string }[] = [],
) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files)
    fd.append(f.field, new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.name);
  const res = new Response(fd);
  return { payload: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
}

export async function upload(env: TestEnv, headers: Headers, bytes: Buffer, name = 'photo.png'): Promise<string> {
  const body = await multipart({}, [{ field: 'file', name, bytes, type: 'image/png' }]);
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/files',
    headers: { ...headers, 'content-type': body.contentType },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** The local date `n` days from the env clock. */
export function day(env: TestEnv, n = 0): string {
  return addDays(localDate(env.clock.now()), n);
}

/** makeWorld plus the second side's people (department B, township B, enterprise B), all signed in. */
export async function hazardWorld(env: TestEnv) {
  const w = await makeWorld(env);
  const extra = {
    deptOfficerB: await makeUser(env.p, 'dept_officer', { departmentId: w.deptB }),
    townOfficerB: await makeUser(env.p, 'town_officer', { regionCode: w.b.town }),
    entAdminB: await makeUser(env.p, 'enterprise_admin', { enterpriseId: w.entB.id }),
    deptOfficerA2: await makeUser(env.p, 'dept_officer', { departmentId: w.deptA }),
    entAdminA2: await makeUser(env.p, 'enterprise_admin', { enterpriseId: w.entA.id }),
  };
  const h = async (u: { username: string }) => login(env.app, u.username);
  return {
    ...w,
    u: {
      county: w.users.county_admin,
      leader: w.users.county_leader,
      deptA: w.users.dept_officer,
      deptA2: { ...extra.deptOfficerA2, headers: await h(extra.deptOfficerA2) },
      townA: w.users.town_officer,
      village: w.users.village_worker,
      entAdmin: w.users.enterprise_admin,
      entAdmin2: { ...extra.entAdminA2, headers: await h(extra.entAdminA2) },
      entStaff: w.users.enterprise_staff,
      sys: w.users.sys_admin,
      deptB: { ...extra.deptOfficerB, headers: await h(extra.deptOfficerB) },
      townB: { ...extra.townOfficerB, headers: await h(extra.townOfficerB) },
      entAdminB: { ...extra.entAdminB, headers: await h(extra.entAdminB) },
    },
  };
}
export type HazardWorld = Awaited<ReturnType<typeof hazardWorld>>;

export interface CreateBody {
  enterpriseId?: string;
  place?: string;
  category?: string;
  level?: 'general' | 'major';
  catalogItemCode?: string;
  majorBasis?: string;
  description?: string;
  source: string;
  rectification?: { measures?: string; responsiblePerson?: string; funds?: string; deadline?: string };
  photoFileIds?: string[];
  documentFileIds?: string[];
  campaignTaskId?: string;
}

export async function createHazard(env: TestEnv, headers: Headers, body: CreateBody) {
  return env.app.inject({
    method: 'POST',
    url: '/api/hazards',
    headers,
    payload: { place: '一号井口', category: 'equipment', description: '测试隐患描述', ...body },
  });
}

/** Creates and expects 201; returns `{id, code, status, version}`. */
export async function newHazard(env: TestEnv, headers: Headers, body: CreateBody) {
  const res = await createHazard(env, headers, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; code: string; status: string; version: number };
}

export function act(env: TestEnv, headers: Headers, id: string, action: string, version: number, payload: object = {}) {
  return env.app.inject({
    method: 'POST',
    url: `/api/hazards/${id}/actions`,
    headers,
    payload: { action, version, ...payload },
  });
}

/** Acts and expects 200; returns the new detail. */
export async function step(
  env: TestEnv,
  headers: Headers,
  id: string,
  action: string,
  version: number,
  payload: object = {},
) {
  const res = await act(env, headers, id, action, version, payload);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { status: string; version: number; allowedActions: string[] } & Record<string, unknown>;
}

export async function getHazard(env: TestEnv, headers: Headers, id: string) {
  const res = await env.app.inject({ url: `/api/hazards/${id}`, headers });
  return res;
}

/** word/document.xml of a DOCX, for assertions on what the document says. */
export async function docxText(buf: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(buf);
  const xml = await zip.file('word/document.xml')?.async('string');
  if (!xml) throw new Error('no word/document.xml');
  return xml;
}

/** All text of the DOCX paragraphs, runs joined (for phrases that the XML could split). */
export async function docxPlain(buf: Buffer): Promise<string> {
  const xml = await docxText(buf);
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
}
