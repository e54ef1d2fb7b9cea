import type { Role } from '../../core/roles.js';
import { createEnterprise } from '../modules/enterprises/index.js';
import { DEMO_HOME_ENTERPRISE_NAME, demoEnterprises } from '../modules/org/data/demo-enterprises.js';
import { loadDefaultOrgData, upsertDepartments, upsertRegions, upsertSectors } from '../modules/org/index.js';
import { seedSupervisionDemo } from '../modules/supervision/index.js';
import { audit } from '../platform/audit/audit.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { SYSTEM_ACTOR } from '../platform/authz/actor.js';
import type { Platform } from '../platform/platform.js';

/** Loads the county's organisation (regions, sectors, departments) from the CSVs shipped with the app. */
export async function seedOrganisation(p: Platform, opts: { demo: boolean }) {
  const org = loadDefaultOrgData();
  await p.transaction(async (tx) => {
    await upsertSectors(tx, org.sectors);
    await upsertRegions(tx, org.regions, { demo: opts.demo });
    await upsertDepartments(tx, org.departments, { demo: opts.demo });
    await audit(
      tx,
      { actor: SYSTEM_ACTOR, ip: null, now: p.clock.now() },
      {
        action: 'org.seeded',
        entityType: 'organisation',
        after: { regions: org.regions.length, sectors: org.sectors.length, departments: org.departments.length },
      },
    );
  });
  return org;
}

export async function isEmpty(p: Platform): Promise<boolean> {
  const r = await p.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return !r;
}

/**
 * The demo of 阳城县 (140522): its townships and villages, departments, ~120 enterprises and one user per role,
 * all marked is_demo. Runs only on an empty database.
 */
export async function seedDemo(p: Platform, password: string) {
  const org = await seedOrganisation(p, { demo: true });
  const now = p.clock.now();
  const ctx = { actor: SYSTEM_ACTOR, ip: null as unknown as string, now };
  const ids: string[] = [];
  await p.transaction(async (tx) => {
    for (const e of demoEnterprises(org.regions, now)) {
      const row = await createEnterprise(
        tx,
        ctx,
        {
          creditCode: e.creditCode,
          name: e.name,
          formerNames: e.formerNames,
          address: e.address,
          regionCode: e.regionCode,
          lng: e.lng,
          lat: e.lat,
          primarySector: e.primarySector,
          otherSectors: e.otherSectors,
          scale: e.scale,
          employees: e.employees,
          principalName: e.principalName,
          principalPhone: e.principalPhone,
          safetyManagerName: e.safetyManagerName,
          safetyManagerPhone: e.safetyManagerPhone,
          departmentIds: null,
          isKey: e.isKey,
          hasMajorHazard: e.hasMajorHazard,
          standardizationGrade: e.standardizationGrade,
          standardizationExpiry: e.standardizationExpiry,
          licences: e.licences,
          status: e.status,
        },
        { demo: true },
      );
      ids.push(row.id);
    }
  });
  const home = await p.db
    .selectFrom('enterprises')
    .select('id')
    .where('name', '=', DEMO_HOME_ENTERPRISE_NAME)
    .executeTakeFirstOrThrow();
  const emergency = await p.db
    .selectFrom('departments')
    .select('id')
    .where('code', '=', 'emergency')
    .executeTakeFirstOrThrow();
  const fengcheng = await p.db
    .selectFrom('regions')
    .select('code')
    .where('name', '=', '凤城镇')
    .executeTakeFirstOrThrow();
  const village = await p.db
    .selectFrom('regions')
    .select('code')
    .where('parent_code', '=', fengcheng.code)
    .where('kind', 'in', ['village', 'community'])
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const hash = await hashPassword(password);
  const users: {
    username: Role;
    displayName: string;
    department_id?: string;
    region_code?: string;
    enterprise_id?: string;
  }[] = [
    { username: 'sys_admin', displayName: '系统管理员' },
    { username: 'county_admin', displayName: '县安委办 王主任' },
    { username: 'county_leader', displayName: '分管副县长 李县长' },
    { username: 'dept_officer', displayName: '县应急局 赵科长', department_id: emergency.id },
    { username: 'town_officer', displayName: '凤城镇 安监站 孙站长', region_code: fengcheng.code },
    { username: 'village_worker', displayName: '网格员 周师傅', region_code: village.code },
    { username: 'enterprise_admin', displayName: '凤鸣煤业 安全副总 吴工', enterprise_id: home.id },
    { username: 'enterprise_staff', displayName: '凤鸣煤业 安全员 郑工', enterprise_id: home.id },
  ];
  await p.transaction(async (tx) => {
    for (const u of users) {
      const row = await tx
        .insertInto('users')
        .values({
          username: u.username,
          display_name: u.displayName,
          role: u.username,
          department_id: u.department_id ?? null,
          region_code: u.region_code ?? null,
          enterprise_id: u.enterprise_id ?? null,
          password_hash: hash,
          must_change_password: false,
          is_demo: true,
        })
        .returning(['id', 'username', 'role'])
        .executeTakeFirstOrThrow();
      await audit(tx, ctx, { action: 'user.created', entityType: 'user', entityId: row.id, after: row });
    }
  });
  await seedSupervisionDemo(p, home.id);
  return { enterprises: ids.length, users: users.length };
}
