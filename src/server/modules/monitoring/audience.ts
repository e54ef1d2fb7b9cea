import { ROLE_SCOPE, ROLES } from '../../../core/roles.js';
import type { Executor } from '../../platform/db/client.js';

/** Who hears about an enterprise's alarms. */
export interface EnterpriseAudience {
  enterpriseId: string;
  enterpriseName: string;
  regionPath: string;
  /** The enterprise's own people: notified at once. */
  enterpriseUsers: string[];
  /** Its supervising departments and its township: notified on escalation, severity 4 and tampering. */
  supervisors: string[];
  /** Everyone whose jurisdiction covers the enterprise (same rule as `enterpriseScope`): live events. */
  viewers: string[];
}

const COUNTY_ROLES = ROLES.filter((r) => ROLE_SCOPE[r] === 'county');

/** Region codes along a materialised path: '/140522000000/140522100000/…/' → ['140522000000', '140522100000', …]. */
export function pathCodes(regionPath: string): string[] {
  return regionPath.split('/').filter(Boolean);
}

/**
 * One query for the users concerned by each enterprise. The township is the region at depth 1 of the
 * enterprise's path (county / township / village).
 */
export async function audiencesFor(db: Executor, enterpriseIds: string[]): Promise<Map<string, EnterpriseAudience>> {
  const out = new Map<string, EnterpriseAudience>();
  const ids = [...new Set(enterpriseIds)];
  if (ids.length === 0) return out;
  const ents = await db
    .selectFrom('enterprises')
    .select(['id', 'name', 'department_ids', 'region_path'])
    .where('id', 'in', ids)
    .execute();
  const depts = [...new Set(ents.flatMap((e) => e.department_ids))];
  const regions = [...new Set(ents.flatMap((e) => pathCodes(e.region_path)))];
  const users = await db
    .selectFrom('users')
    .select(['id', 'role', 'enterprise_id', 'department_id', 'region_code'])
    .where('disabled_at', 'is', null)
    .where((eb) => {
      const ors = [eb('enterprise_id', 'in', ids), eb('role', 'in', COUNTY_ROLES)];
      if (depts.length) ors.push(eb('department_id', 'in', depts));
      if (regions.length) ors.push(eb('region_code', 'in', regions));
      return eb.or(ors);
    })
    .execute();
  for (const e of ents) {
    const codes = pathCodes(e.region_path);
    const township = codes[1] ?? null;
    const deptSet = new Set(e.department_ids);
    const codeSet = new Set(codes);
    const a: EnterpriseAudience = {
      enterpriseId: e.id,
      enterpriseName: e.name,
      regionPath: e.region_path,
      enterpriseUsers: [],
      supervisors: [],
      viewers: [],
    };
    for (const u of users) {
      const scope = ROLE_SCOPE[u.role as keyof typeof ROLE_SCOPE];
      let sees = false;
      if (scope === 'county') sees = true;
      else if (scope === 'enterprise') sees = u.enterprise_id === e.id;
      else if (scope === 'department') sees = u.department_id !== null && deptSet.has(u.department_id);
      else if (scope === 'region') sees = u.region_code !== null && codeSet.has(u.region_code);
      if (!sees) continue;
      a.viewers.push(u.id);
      if (scope === 'enterprise') a.enterpriseUsers.push(u.id);
      else if (scope === 'department') a.supervisors.push(u.id);
      else if (scope === 'region' && township !== null && u.region_code === township) a.supervisors.push(u.id);
    }
    out.set(e.id, a);
  }
  return out;
}
