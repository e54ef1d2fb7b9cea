import { sql } from 'kysely';
import { type AuditContext, audit } from '../../platform/audit/audit.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { DepartmentRow, RegionRow, SectorRow } from './data/csv.js';

/** Upserts the region tree (parents before children); returns how many rows were written. */
export async function upsertRegions(tx: Tx, rows: RegionRow[], opts: { demo?: boolean } = {}): Promise<number> {
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const existing = new Map(
    (await tx.selectFrom('regions').select(['code', 'path', 'depth']).execute()).map((r) => [r.code, r]),
  );
  const pathOf = (code: string, seen = new Set<string>()): { path: string; depth: number } => {
    const known = !byCode.has(code) ? existing.get(code) : undefined;
    if (known) return { path: known.path, depth: known.depth };
    const row = byCode.get(code);
    if (!row) throw new AppError(400, 'VALIDATION', `Region ${code} has an unknown parent`);
    if (seen.has(code)) throw new AppError(400, 'VALIDATION', `Region ${code} is its own ancestor`);
    seen.add(code);
    if (!row.parentCode) return { path: `/${code}/`, depth: 0 };
    const parent = pathOf(row.parentCode, seen);
    return { path: `${parent.path}${code}/`, depth: parent.depth + 1 };
  };
  const computed = rows.map((r) => ({ r, ...pathOf(r.code) })).sort((a, b) => a.depth - b.depth);
  for (const { r, path, depth } of computed) {
    await tx
      .insertInto('regions')
      .values({
        code: r.code,
        parent_code: r.parentCode,
        name: r.name,
        kind: r.kind,
        path,
        depth,
        lng: r.lng,
        lat: r.lat,
        is_demo: opts.demo ?? false,
      })
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          parent_code: eb.ref('excluded.parent_code'),
          name: eb.ref('excluded.name'),
          kind: eb.ref('excluded.kind'),
          path: eb.ref('excluded.path'),
          depth: eb.ref('excluded.depth'),
          lng: eb.ref('excluded.lng'),
          lat: eb.ref('excluded.lat'),
          updated_at: sql`now()`,
          version: sql`regions.version + 1`,
        })),
      )
      .execute();
  }
  // Enterprises carry their region's path for scoped reads; keep it in step when a region moves.
  await sql`update enterprises e set region_path = r.path from regions r
            where r.code = e.region_code and e.region_path <> r.path`.execute(tx);
  return computed.length;
}

export async function upsertSectors(tx: Tx, rows: SectorRow[]): Promise<number> {
  const sorted = [...rows].sort((a, b) => Number(a.parentCode !== null) - Number(b.parentCode !== null));
  for (const s of sorted) {
    await tx
      .insertInto('sectors')
      .values({ code: s.code, parent_code: s.parentCode, name_zh: s.nameZh, name_en: s.nameEn, sort: s.sort })
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          parent_code: eb.ref('excluded.parent_code'),
          name_zh: eb.ref('excluded.name_zh'),
          name_en: eb.ref('excluded.name_en'),
          sort: eb.ref('excluded.sort'),
        })),
      )
      .execute();
  }
  return rows.length;
}

export async function upsertDepartments(tx: Tx, rows: DepartmentRow[], opts: { demo?: boolean } = {}) {
  for (const d of rows) {
    await tx
      .insertInto('departments')
      .values({ code: d.code, name_zh: d.nameZh, name_en: d.nameEn, sectors: d.sectors, is_demo: opts.demo ?? false })
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name_zh: eb.ref('excluded.name_zh'),
          name_en: eb.ref('excluded.name_en'),
          sectors: eb.ref('excluded.sectors'),
        })),
      )
      .execute();
  }
  await rederiveEnterpriseDepartments(tx);
  return rows.length;
}

/**
 * Supervising departments derived from sectors ("三管三必须"): a department supervising a sector also
 * supervises its sub-sectors ("fire_safety" covers hospitals). Loads both catalogs once per call site.
 */
export async function departmentDeriver(db: Executor): Promise<(sectors: string[]) => string[]> {
  const [sectors, departments] = await Promise.all([
    db.selectFrom('sectors').select(['code', 'parent_code']).execute(),
    db.selectFrom('departments').select(['id', 'sectors']).orderBy('code').execute(),
  ]);
  const parent = new Map(sectors.map((s) => [s.code, s.parent_code]));
  return (own) => {
    const expanded = new Set<string>();
    for (const s of own) {
      let c: string | null | undefined = s;
      while (c && !expanded.has(c)) {
        expanded.add(c);
        c = parent.get(c);
      }
    }
    return departments.filter((d) => d.sectors.some((s) => expanded.has(s))).map((d) => d.id);
  };
}

/** After departments' sectors change, enterprises without a manual override follow. */
export async function rederiveEnterpriseDepartments(tx: Tx) {
  const derive = await departmentDeriver(tx);
  const ents = await tx
    .selectFrom('enterprises')
    .select(['id', 'sectors', 'department_ids'])
    .where('departments_overridden', '=', false)
    .execute();
  for (const e of ents) {
    const ids = derive(e.sectors);
    if (ids.join() !== e.department_ids.join()) {
      await tx.updateTable('enterprises').set({ department_ids: ids }).where('id', '=', e.id).execute();
    }
  }
}

export async function auditOrgImport(tx: Tx, ctx: AuditContext, kind: string, count: number) {
  await audit(tx, ctx, { action: `org.${kind}_imported`, entityType: kind, after: { count } });
}
