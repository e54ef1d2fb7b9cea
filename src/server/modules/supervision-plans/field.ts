import { sql } from 'kysely';
import { localDate } from '../../../core/dates.js';
import { isUuid } from '../../../core/ids.js';
import { daysInMonth } from '../../../core/supervision/calendar.js';
import { audit } from '../../platform/audit/audit.js';
import type { Actor } from '../../platform/authz/actor.js';
import { requirePermission, scopeKind } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { badRequest, forbidden, notFound } from '../../platform/errors.js';
import type { RequestCtx } from '../../platform/http/context.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import type { Platform } from '../../platform/platform.js';
import { departmentCondition, ownDepartment, requireRegulator } from './access.js';
import { readPlanSettings } from './settings.js';

/**
 * Leaders and department heads in the field (领导干部带队检查, seed 一(一)): each at least once a month. The
 * people on the board are the county leaders and the department officers (the user model has no separate
 * "head" flag: every active `dept_officer` account is counted, so a department lists each of its officers).
 */
export const FIELD_ROLES = ['county_leader', 'dept_officer'] as const;

/** Who is on the board: active county leaders and department officers (a department sees its own). */
function boardPeople(db: Executor, actor: Actor) {
  return db
    .selectFrom('users')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .select([
      'users.id',
      'users.display_name',
      'users.role',
      'users.department_id',
      'departments.name_zh as department_name',
      'departments.name_en as department_name_en',
    ])
    .where('users.role', 'in', [...FIELD_ROLES])
    .where('users.disabled_at', 'is', null)
    .where(
      ownDepartment(actor) === null
        ? sql<boolean>`true`
        : sql<boolean>`users.department_id = ${ownDepartment(actor)}::uuid`,
    )
    .orderBy(sql`users.role = 'county_leader'`, 'desc')
    .orderBy('departments.code')
    .orderBy('users.display_name');
}

export interface FieldInput {
  date: string;
  enterpriseId?: string | undefined;
  place?: string | undefined;
  findings: string;
  photoFileIds: string[];
}

/** Records one field inspection of the signed-in leader or officer, with photos uploaded before. */
export async function recordFieldInspection(tx: Tx, ctx: RequestCtx, input: FieldInput) {
  requirePermission(ctx.actor, 'field.record');
  requireRegulator(ctx.actor);
  const today = localDate(ctx.now);
  if (input.date > today) throw badRequest('The date is in the future', [{ path: 'date', message: 'date.future' }]);
  if (!input.enterpriseId && !input.place?.trim()) {
    throw badRequest('Name the enterprise or the place inspected', [{ path: 'place', message: 'required' }]);
  }
  if (input.enterpriseId) {
    const ent = await tx
      .selectFrom('enterprises')
      .select('id')
      .where('id', '=', input.enterpriseId)
      .where(enterpriseScope(ctx.actor))
      .executeTakeFirst();
    if (!ent) throw notFound('enterprise');
  }
  const row = await tx
    .insertInto('field_inspections')
    .values({
      user_id: ctx.actor.userId,
      user_name: ctx.actor.displayName,
      role: ctx.actor.role,
      department_id: ctx.actor.departmentId,
      inspected_on: input.date,
      enterprise_id: input.enterpriseId ?? null,
      place: input.place?.trim() ?? '',
      findings: input.findings,
      photo_file_ids: input.photoFileIds,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return row;
}

/** Field records are seen by the county, by the recorder's department, and by the recorder. */
export async function canSeeFieldInspection(db: Executor, actor: Actor, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const kind = scopeKind(actor);
  if (kind !== 'county' && kind !== 'department') return false;
  const r = await db
    .selectFrom('field_inspections')
    .select('id')
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('user_id', '=', actor.userId), departmentCondition(actor, 'field_inspections.department_id')]),
    )
    .executeTakeFirst();
  return !!r;
}

export function presentField(r: {
  id: string;
  user_id: string;
  user_name: string;
  role: string;
  department_id: string | null;
  inspected_on: string;
  enterprise_id: string | null;
  place: string;
  findings: string;
  photo_file_ids: string[];
  created_at: Date;
  enterprise_name?: string | null;
}) {
  return {
    id: r.id,
    userId: r.user_id,
    userName: r.user_name,
    role: r.role,
    departmentId: r.department_id,
    date: r.inspected_on,
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name ?? null,
    place: r.place,
    findings: r.findings,
    photoFileIds: r.photo_file_ids,
    createdAt: r.created_at,
  };
}

export async function listFieldInspections(
  db: Executor,
  ctx: RequestCtx,
  f: { year: number; month?: number | undefined; userId?: string | undefined; page: number; pageSize: number },
) {
  requirePermission(ctx.actor, 'supervision.read');
  requireRegulator(ctx.actor);
  let q = db
    .selectFrom('field_inspections')
    .leftJoin('enterprises', 'enterprises.id', 'field_inspections.enterprise_id')
    .where(departmentCondition(ctx.actor, 'field_inspections.department_id'))
    .where(sql<boolean>`extract(year from field_inspections.inspected_on) = ${f.year}`);
  if (f.month) q = q.where(sql<boolean>`extract(month from field_inspections.inspected_on) = ${f.month}`);
  if (f.userId) q = q.where('field_inspections.user_id', '=', f.userId);
  const [rows, total] = await Promise.all([
    q
      .selectAll('field_inspections')
      .select('enterprises.name as enterprise_name')
      .orderBy('field_inspections.inspected_on', 'desc')
      .orderBy('field_inspections.created_at', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(presentField), total: total.n, page: f.page, pageSize: f.pageSize };
}

// ── Meetings ────────────────────────────────────────────────────────────────────────────────────────────

export interface MeetingInput {
  kind: 'committee' | 'department';
  departmentId?: string | undefined;
  date: string;
  title: string;
  attendees: string[];
  decisions: string;
}

/**
 * Records a meeting: the county safety committee (安委会, county roles only) or a department's monthly safety
 * meeting (the department itself, or the county on its behalf).
 */
export async function recordMeeting(tx: Tx, ctx: RequestCtx, input: MeetingInput) {
  requirePermission(ctx.actor, 'field.record');
  requireRegulator(ctx.actor);
  if (input.date > localDate(ctx.now)) {
    throw badRequest('The date is in the future', [{ path: 'date', message: 'date.future' }]);
  }
  let departmentId: string | null = null;
  if (input.kind === 'committee') {
    if (scopeKind(ctx.actor) !== 'county') throw forbidden('Safety committee meetings are recorded by the county');
    if (input.departmentId) {
      throw badRequest('A committee meeting belongs to no department', [
        { path: 'departmentId', message: 'must_be_empty' },
      ]);
    }
  } else {
    const own = ownDepartment(ctx.actor);
    departmentId = input.departmentId ?? own;
    if (!departmentId) {
      throw badRequest('Choose the department', [{ path: 'departmentId', message: 'required' }]);
    }
    if (own !== null && departmentId !== own) throw notFound('department');
    const d = await tx.selectFrom('departments').select('id').where('id', '=', departmentId).executeTakeFirst();
    if (!d) throw notFound('department');
  }
  const row = await tx
    .insertInto('safety_meetings')
    .values({
      kind: input.kind,
      department_id: departmentId,
      held_on: input.date,
      title: input.title,
      attendees: input.attendees,
      decisions: input.decisions,
      recorded_by_id: ctx.actor.userId,
      recorded_by_name: ctx.actor.displayName,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, { action: 'meeting.recorded', entityType: 'safety_meeting', entityId: row.id, after: row });
  return row;
}

export function presentMeeting(m: {
  id: string;
  kind: 'committee' | 'department';
  department_id: string | null;
  held_on: string;
  title: string;
  attendees: string[];
  decisions: string;
  recorded_by_name: string;
  created_at: Date;
  department_name?: string | null;
  department_name_en?: string | null;
}) {
  return {
    id: m.id,
    kind: m.kind,
    departmentId: m.department_id,
    departmentName: m.department_name ?? null,
    departmentNameEn: m.department_name_en ?? null,
    date: m.held_on,
    title: m.title,
    attendees: m.attendees,
    decisions: m.decisions,
    recordedByName: m.recorded_by_name,
    createdAt: m.created_at,
  };
}

/** Meetings of a year: the committee's (seen by every regulator) and the departments' (a department: its own). */
function meetingsInScope(db: Executor, actor: Actor, year: number) {
  const own = ownDepartment(actor);
  return db
    .selectFrom('safety_meetings')
    .leftJoin('departments', 'departments.id', 'safety_meetings.department_id')
    .where(sql<boolean>`extract(year from safety_meetings.held_on) = ${year}`)
    .where(
      own === null
        ? sql<boolean>`true`
        : sql<boolean>`(safety_meetings.kind = 'committee' or safety_meetings.department_id = ${own}::uuid)`,
    );
}

export async function listMeetings(
  db: Executor,
  ctx: RequestCtx,
  f: { year: number; kind?: 'committee' | 'department' | undefined; page: number; pageSize: number },
) {
  requirePermission(ctx.actor, 'supervision.read');
  requireRegulator(ctx.actor);
  let q = meetingsInScope(db, ctx.actor, f.year);
  if (f.kind) q = q.where('safety_meetings.kind', '=', f.kind);
  const [rows, total] = await Promise.all([
    q
      .selectAll('safety_meetings')
      .select(['departments.name_zh as department_name', 'departments.name_en as department_name_en'])
      .orderBy('safety_meetings.held_on', 'desc')
      .orderBy('safety_meetings.created_at', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(presentMeeting), total: total.n, page: f.page, pageSize: f.pageSize };
}

// ── The monthly board ───────────────────────────────────────────────────────────────────────────────────

export type MonthState = 'past' | 'current' | 'future';

function monthStates(year: number, today: string): MonthState[] {
  const ym = today.slice(0, 7);
  return Array.from({ length: 12 }, (_, i) => {
    const m = `${year}-${String(i + 1).padStart(2, '0')}`;
    return m < ym ? 'past' : m === ym ? 'current' : 'future';
  });
}

/**
 * People × months: field inspections recorded per person, and meetings per body (the committee and each
 * department in scope). A past month with 0 is missing; the current month is still open.
 */
export async function fieldBoard(db: Executor, ctx: RequestCtx, year: number) {
  requirePermission(ctx.actor, 'supervision.read');
  requireRegulator(ctx.actor);
  const today = localDate(ctx.now);
  const people = await boardPeople(db, ctx.actor).execute();
  const counts = await db
    .selectFrom('field_inspections')
    .select([
      'user_id',
      sql<number>`extract(month from inspected_on)::int`.as('month'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .where(sql<boolean>`extract(year from inspected_on) = ${year}`)
    .where('user_id', 'in', people.length ? people.map((p) => p.id) : ['00000000-0000-0000-0000-000000000000'])
    .groupBy(['user_id', sql`extract(month from inspected_on)`])
    .execute();
  const months = monthStates(year, today);
  const zeros = () => Array.from({ length: 12 }, () => 0);
  const byUser = new Map<string, number[]>();
  for (const c of counts) {
    const arr = byUser.get(c.user_id) ?? zeros();
    arr[c.month - 1] = c.n;
    byUser.set(c.user_id, arr);
  }
  const missingOf = (arr: number[]) => arr.filter((n, i) => n === 0 && months[i] === 'past').length;

  const departments = await db
    .selectFrom('departments')
    .select(['id', 'name_zh', 'name_en'])
    .where(departmentCondition(ctx.actor, 'departments.id'))
    .orderBy('code')
    .execute();
  const meetingCounts = await meetingsInScope(db, ctx.actor, year)
    .select([
      'safety_meetings.kind',
      'safety_meetings.department_id',
      sql<number>`extract(month from safety_meetings.held_on)::int`.as('month'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .groupBy([
      'safety_meetings.kind',
      'safety_meetings.department_id',
      sql`extract(month from safety_meetings.held_on)`,
    ])
    .execute();
  const meetingRow = (kind: 'committee' | 'department', departmentId: string | null) => {
    const arr = zeros();
    for (const m of meetingCounts) {
      if (m.kind === kind && m.department_id === departmentId) arr[m.month - 1] = m.n;
    }
    return arr;
  };
  const committee = meetingRow('committee', null);
  return {
    year,
    today,
    months: months.map((state, i) => ({ month: i + 1, state })),
    people: people.map((p) => {
      const arr = byUser.get(p.id) ?? zeros();
      return {
        userId: p.id,
        name: p.display_name,
        role: p.role,
        departmentId: p.department_id,
        departmentName: p.department_name,
        departmentNameEn: p.department_name_en,
        counts: arr,
        missing: missingOf(arr),
      };
    }),
    meetings: [
      {
        kind: 'committee' as const,
        departmentId: null,
        name: null,
        nameEn: null,
        counts: committee,
        missing: missingOf(committee),
      },
      ...departments.map((d) => {
        const arr = meetingRow('department', d.id);
        return {
          kind: 'department' as const,
          departmentId: d.id,
          name: d.name_zh,
          nameEn: d.name_en,
          counts: arr,
          missing: missingOf(arr),
        };
      }),
    ],
  };
}

// ── Reminders ───────────────────────────────────────────────────────────────────────────────────────────

/**
 * In the last `reminderDays` days of a month (default 7): every leader or department officer without a field
 * inspection this month is reminded, each department's officers when the department has held no monthly meeting,
 * and the county administrators when the safety committee has not met. One reminder per person, subject and
 * month (dedupe key), so the daily run sends each once.
 */
export function fieldReminderJob(p: Platform): JobDefinition {
  return {
    name: 'supervision.field-reminders',
    cron: '0 9 * * *',
    description:
      'Reminds leaders and department heads without a field inspection, and bodies without a meeting, in the last week of the month',
    async run({ asOf }) {
      const today = localDate(asOf);
      const year = Number(today.slice(0, 4));
      const month = Number(today.slice(5, 7));
      const ym = today.slice(0, 7);
      const s = await readPlanSettings(p.db);
      const lastDay = daysInMonth(year, month);
      const day = Number(today.slice(8, 10));
      if (day <= lastDay - s.reminderDays) return { asOf: today, inWindow: false, sent: 0 };
      const from = `${ym}-01`;
      const to = `${ym}-${String(lastDay).padStart(2, '0')}`;

      const people = await p.db
        .selectFrom('users')
        .select(['id', 'department_id'])
        .where('role', 'in', [...FIELD_ROLES])
        .where('disabled_at', 'is', null)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('field_inspections')
                .select('field_inspections.id')
                .whereRef('field_inspections.user_id', '=', 'users.id')
                .where('field_inspections.inspected_on', '>=', from)
                .where('field_inspections.inspected_on', '<=', to),
            ),
          ),
        )
        .execute();
      const met = await p.db
        .selectFrom('safety_meetings')
        .select(['kind', 'department_id'])
        .where('held_on', '>=', from)
        .where('held_on', '<=', to)
        .execute();
      const committeeMet = met.some((m) => m.kind === 'committee');
      const deptsMet = new Set(met.filter((m) => m.kind === 'department').map((m) => m.department_id));
      const departments = await p.db.selectFrom('departments').select(['id']).execute();
      const officers = await p.db
        .selectFrom('users')
        .select(['id', 'department_id'])
        .where('role', '=', 'dept_officer')
        .where('disabled_at', 'is', null)
        .execute();
      const admins = await p.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'county_admin')
        .where('disabled_at', 'is', null)
        .execute();

      const stored = await p.db.transaction().execute(async (tx) => {
        const out = [];
        for (const u of people) {
          out.push(
            ...(await p.notifier.store(
              tx,
              {
                userIds: [u.id],
                kind: 'field.reminder',
                title: {
                  zh: `本月（${ym}）您尚未记录带队检查，请在月底前完成`,
                  en: `You have not recorded a field inspection this month (${ym}); please do so before the month ends`,
                },
                link: '/supervision/field',
                dedupeKey: `field-reminder:${u.id}:${ym}`,
              },
              asOf,
            )),
          );
        }
        for (const d of departments) {
          if (deptsMet.has(d.id)) continue;
          out.push(
            ...(await p.notifier.store(
              tx,
              {
                userIds: officers.filter((o) => o.department_id === d.id).map((o) => o.id),
                kind: 'meeting.reminder',
                title: {
                  zh: `本月（${ym}）部门安全生产例会尚未记录`,
                  en: `No department safety meeting recorded this month (${ym})`,
                },
                link: '/supervision/meetings',
                dedupeKey: `meeting-reminder:${d.id}:${ym}`,
              },
              asOf,
            )),
          );
        }
        if (!committeeMet) {
          out.push(
            ...(await p.notifier.store(
              tx,
              {
                userIds: admins.map((a) => a.id),
                kind: 'meeting.reminder',
                title: {
                  zh: `本月（${ym}）县安委会会议尚未记录`,
                  en: `No county safety committee meeting recorded this month (${ym})`,
                },
                link: '/supervision/meetings',
                dedupeKey: `committee-reminder:${ym}`,
              },
              asOf,
            )),
          );
        }
        return out;
      });
      p.notifier.deliver(stored);
      return {
        asOf: today,
        inWindow: true,
        peopleWithout: people.length,
        committeeMet,
        departmentsWithout: departments.filter((d) => !deptsMet.has(d.id)).length,
        sent: stored.length,
      };
    },
  };
}

/** Audits a field record (kept apart so the route can attach files first in the same transaction). */
export async function auditField(tx: Tx, ctx: RequestCtx, row: Parameters<typeof presentField>[0]) {
  await audit(tx, ctx, {
    action: 'field.recorded',
    entityType: 'field_inspection',
    entityId: row.id,
    after: presentField(row),
  });
}
