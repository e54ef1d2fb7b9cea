import { sql } from 'kysely';
import { pinyin } from 'pinyin-pro';
import { ENTERPRISE_SELF_EDITABLE, type EnterpriseCreate, type EnterpriseUpdate } from '../../../core/enterprise.js';
import { audit } from '../../platform/audit/audit.js';
import type { Actor } from '../../platform/authz/actor.js';
import { requirePermission, scopeKind } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import type { EnterprisesTable } from '../../platform/db/schema.js';
import { formatCode, nextSequence } from '../../platform/db/sequences.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import type { RequestCtx } from '../../platform/http/context.js';
import { departmentDeriver } from '../org/index.js';

type Row = {
  [K in keyof EnterprisesTable]: EnterprisesTable[K] extends import('kysely').ColumnType<infer S, infer _I, infer _U>
    ? S
    : EnterprisesTable[K];
};

/** Pinyin initials for search: 阳城县凤鸣煤业 → "ycxfmmy". */
export function nameInitials(name: string): string {
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export function presentEnterprise(e: Row) {
  return {
    id: e.id,
    code: e.code,
    creditCode: e.credit_code,
    name: e.name,
    formerNames: e.former_names,
    address: e.address,
    regionCode: e.region_code,
    lng: e.lng,
    lat: e.lat,
    primarySector: e.primary_sector,
    otherSectors: e.sectors.filter((s) => s !== e.primary_sector),
    scale: e.scale,
    employees: e.employees,
    principalName: e.principal_name,
    principalPhone: e.principal_phone,
    safetyManagerName: e.safety_manager_name,
    safetyManagerPhone: e.safety_manager_phone,
    departmentIds: e.department_ids,
    departmentsOverridden: e.departments_overridden,
    isKey: e.is_key,
    hasMajorHazard: e.has_major_hazard,
    standardizationGrade: e.standardization_grade,
    standardizationExpiry: e.standardization_expiry,
    licences: e.licences,
    status: e.status,
    isDemo: e.is_demo,
    createdAt: e.created_at,
    updatedAt: e.updated_at,
    version: e.version,
  };
}

function fieldError(path: string, message: string, text: string) {
  return new AppError(400, 'VALIDATION', text, [{ path, message }]);
}

/** Region and sectors must exist; the region must be inside the actor's territory. */
async function resolveRefs(db: Executor, actor: Actor, regionCode: string, primary: string, others: string[]) {
  const region = await db
    .selectFrom('regions')
    .select(['code', 'path'])
    .where('code', '=', regionCode)
    .executeTakeFirst();
  if (!region) throw fieldError('regionCode', 'region.unknown', `Unknown region ${regionCode}`);
  if (scopeKind(actor) === 'region' && actor.regionPath && !region.path.startsWith(actor.regionPath)) {
    throw fieldError('regionCode', 'region.outside_scope', 'The region is outside your jurisdiction');
  }
  const known = new Set(
    (
      await db
        .selectFrom('sectors')
        .select('code')
        .where('code', 'in', [primary, ...others])
        .execute()
    ).map((s) => s.code),
  );
  // The path names the field as the caller sent it (others may repeat the primary sector).
  if (!known.has(primary)) throw fieldError('primarySector', 'sector.unknown', `Unknown sector ${primary}`);
  others.forEach((s, i) => {
    if (!known.has(s)) throw fieldError(`otherSectors.${i}`, 'sector.unknown', `Unknown sector ${s}`);
  });
  return region;
}

async function resolveDepartments(db: Executor, sectors: string[], override: string[] | null) {
  if (override === null) return { ids: (await departmentDeriver(db))(sectors), overridden: false };
  if (override.length === 0) return { ids: [], overridden: true };
  const found = await db.selectFrom('departments').select('id').where('id', 'in', override).execute();
  const ok = new Set(found.map((d) => d.id));
  const bad = override.findIndex((id) => !ok.has(id));
  if (bad >= 0) throw fieldError(`departmentIds.${bad}`, 'department.unknown', 'Unknown department');
  return { ids: [...new Set(override)], overridden: true };
}

export async function createEnterprise(
  tx: Tx,
  ctx: RequestCtx,
  input: EnterpriseCreate,
  opts: { demo?: boolean } = {},
) {
  requirePermission(ctx.actor, 'enterprise.create');
  const sectors = [input.primarySector, ...input.otherSectors.filter((s) => s !== input.primarySector)];
  const region = await resolveRefs(tx, ctx.actor, input.regionCode, input.primarySector, input.otherSectors);
  const depts = await resolveDepartments(tx, sectors, input.departmentIds);
  const seq = await nextSequence(tx, 'QY');
  const row = await tx
    .insertInto('enterprises')
    .values({
      code: formatCode('QY', seq),
      credit_code: input.creditCode,
      name: input.name,
      name_initials: nameInitials(input.name),
      former_names: input.formerNames,
      address: input.address,
      region_code: region.code,
      region_path: region.path,
      lng: input.lng,
      lat: input.lat,
      primary_sector: input.primarySector,
      sectors,
      scale: input.scale,
      employees: input.employees,
      principal_name: input.principalName,
      principal_phone: input.principalPhone,
      safety_manager_name: input.safetyManagerName,
      safety_manager_phone: input.safetyManagerPhone,
      department_ids: depts.ids,
      departments_overridden: depts.overridden,
      is_key: input.isKey,
      has_major_hazard: input.hasMajorHazard,
      standardization_grade: input.standardizationGrade,
      standardization_expiry: input.standardizationExpiry,
      licences: JSON.stringify(input.licences),
      status: input.status,
      is_demo: opts.demo ?? false,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .onConflict((oc) => oc.column('credit_code').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row)
    throw new AppError(409, 'DUPLICATE', 'An enterprise with this credit code is already registered', [
      { path: 'creditCode', message: 'credit_code.duplicate' },
    ]);
  // The creator must be able to see what they created (a department can only register its own sectors).
  const visible = await tx
    .selectFrom('enterprises')
    .select('id')
    .where('id', '=', row.id)
    .where(enterpriseScope(ctx.actor))
    .executeTakeFirst();
  if (!visible)
    throw fieldError('primarySector', 'sector.outside_scope', 'Your department does not supervise this sector');
  await audit(tx, ctx, {
    action: 'enterprise.created',
    entityType: 'enterprise',
    entityId: row.id,
    after: presentEnterprise(row),
  });
  return row;
}

const COLUMN: Record<string, keyof EnterprisesTable> = {
  creditCode: 'credit_code',
  name: 'name',
  formerNames: 'former_names',
  address: 'address',
  lng: 'lng',
  lat: 'lat',
  scale: 'scale',
  employees: 'employees',
  principalName: 'principal_name',
  principalPhone: 'principal_phone',
  safetyManagerName: 'safety_manager_name',
  safetyManagerPhone: 'safety_manager_phone',
  isKey: 'is_key',
  hasMajorHazard: 'has_major_hazard',
  standardizationGrade: 'standardization_grade',
  standardizationExpiry: 'standardization_expiry',
  status: 'status',
};

export async function updateEnterprise(tx: Tx, ctx: RequestCtx, id: string, input: EnterpriseUpdate) {
  requirePermission(ctx.actor, 'enterprise.update');
  const before = await tx
    .selectFrom('enterprises')
    .selectAll()
    .where('id', '=', id)
    .where(enterpriseScope(ctx.actor))
    .forUpdate()
    .executeTakeFirst();
  if (!before) throw notFound('enterprise');
  if (before.version !== input.version) throw staleVersion(before.version);
  const { version: _v, ...changes } = input;
  if (scopeKind(ctx.actor) === 'enterprise') {
    const allowed = new Set<string>(ENTERPRISE_SELF_EDITABLE);
    const denied = Object.keys(changes).filter((k) => !allowed.has(k));
    if (denied.length) {
      throw new AppError(
        403,
        'FORBIDDEN',
        `Only the supervising side may change: ${denied.join(', ')}`,
        denied.map((path) => ({ path, message: 'forbidden' })),
      );
    }
  }
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(changes)) {
    const col = COLUMN[k];
    if (col && v !== undefined) set[col] = v;
  }
  if (changes.name !== undefined) set.name_initials = nameInitials(changes.name);
  if (changes.licences !== undefined) set.licences = JSON.stringify(changes.licences);
  const primary = changes.primarySector ?? before.primary_sector;
  const others = changes.otherSectors ?? before.sectors.filter((s) => s !== before.primary_sector);
  const sectors = [primary, ...others.filter((s) => s !== primary)];
  const regionCode = changes.regionCode ?? before.region_code;
  if (changes.primarySector !== undefined || changes.otherSectors !== undefined || changes.regionCode !== undefined) {
    const region = await resolveRefs(tx, ctx.actor, regionCode, primary, others);
    set.region_code = region.code;
    set.region_path = region.path;
    set.primary_sector = primary;
    set.sectors = sectors;
  }
  if (
    changes.departmentIds !== undefined ||
    changes.primarySector !== undefined ||
    changes.otherSectors !== undefined
  ) {
    const override =
      changes.departmentIds !== undefined
        ? changes.departmentIds
        : before.departments_overridden
          ? before.department_ids
          : null;
    const depts = await resolveDepartments(tx, sectors, override);
    set.department_ids = depts.ids;
    set.departments_overridden = depts.overridden;
  }
  // The grade and expiry the record will have: a change to either (clearing the expiry included) is checked.
  const grade = 'standardization_grade' in set ? set.standardization_grade : before.standardization_grade;
  const expiry = 'standardization_expiry' in set ? set.standardization_expiry : before.standardization_expiry;
  if (grade && !expiry) {
    throw fieldError(
      'standardizationExpiry',
      'standardization.expiry_required',
      'A standardization grade needs its expiry date',
    );
  }
  const after = await tx
    .updateTable('enterprises')
    .set({ ...set, updated_at: ctx.now, version: before.version + 1 })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const stillVisible = await tx
    .selectFrom('enterprises')
    .select('id')
    .where('id', '=', id)
    .where(enterpriseScope(ctx.actor))
    .executeTakeFirst();
  if (!stillVisible) {
    // Name the change that moved it away, like any other field error.
    const [path, message] =
      changes.departmentIds !== undefined
        ? ['departmentIds', 'department.outside_scope']
        : changes.regionCode !== undefined
          ? ['regionCode', 'region.outside_scope']
          : ['primarySector', 'sector.outside_scope'];
    throw fieldError(path, message, 'This change would move the enterprise out of your jurisdiction');
  }
  await audit(tx, ctx, {
    action: 'enterprise.updated',
    entityType: 'enterprise',
    entityId: id,
    before: presentEnterprise(before),
    after: presentEnterprise(after),
  });
  return after;
}

/** Figures for the home dashboard, all within the actor's scope. */
export async function enterpriseSummary(db: Executor, actor: Actor) {
  const scope = enterpriseScope(actor, 'e');
  const [totals, bySector, byTownship] = await Promise.all([
    sql<{
      total: number;
      key: number;
      major: number;
      operating: number;
      suspended: number;
      closed: number;
      above: number;
    }>`
      select count(*)::int as total,
             count(*) filter (where is_key)::int as key,
             count(*) filter (where has_major_hazard)::int as major,
             count(*) filter (where status = 'operating')::int as operating,
             count(*) filter (where status = 'suspended')::int as suspended,
             count(*) filter (where status = 'closed')::int as closed,
             count(*) filter (where scale = 'above')::int as above
      from enterprises e where ${scope}`.execute(db),
    sql<{ code: string; name_zh: string; name_en: string; count: number }>`
      select s.code, s.name_zh, s.name_en, count(*)::int as count
      from enterprises e join sectors s on s.code = e.primary_sector
      where ${scope} group by s.code, s.name_zh, s.name_en order by count desc`.execute(db),
    sql<{ code: string; name: string; count: number }>`
      select r.code, r.name, count(*)::int as count
      from enterprises e join regions r on r.depth = 1 and e.region_path like r.path || '%'
      where ${scope} group by r.code, r.name order by count desc`.execute(db),
  ]);
  return { totals: totals.rows[0], bySector: bySector.rows, byTownship: byTownship.rows };
}
