/** Roles and their permissions: one typed map, shared by the server (enforcement) and the web app (menus). */
export const ROLES = [
  'sys_admin',
  'county_admin',
  'county_leader',
  'dept_officer',
  'town_officer',
  'village_worker',
  'enterprise_admin',
  'enterprise_staff',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'enterprise.read',
  'enterprise.create',
  'enterprise.update',
  'enterprise.import',
  'enterprise.export',
  'org.read',
  'org.manage',
  'user.manage',
  'audit.read',
  'settings.manage',
  'jobs.manage',
  'dashboard.read',
  'file.upload',
  'hazard.read',
  'hazard.create',
  'hazard.export',
  'hazard.catalog.manage',
  'hazard.supervise',
  'report.triage',
  'campaign.start',
  'monitoring.read',
  'monitoring.manage',
  // Supervision (#4): credit and tiers, plans, inspections, enforcement, leaders' field work.
  'supervision.read',
  'plan.manage',
  'plan.approve',
  'inspection.schedule',
  'inspection.conduct',
  'enforcement.decide',
  'field.record',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL: readonly Permission[] = PERMISSIONS;

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  sys_admin: ALL,
  county_admin: ALL.filter((p) => p !== 'jobs.manage'),
  county_leader: [
    'enterprise.read',
    'enterprise.export',
    'org.read',
    'dashboard.read',
    'audit.read',
    'hazard.read',
    'hazard.export',
    'monitoring.read',
    'supervision.read',
    'field.record',
    // Photos of their field inspections (issue #4 §5).
    'file.upload',
  ],
  dept_officer: [
    'enterprise.read',
    'enterprise.create',
    'enterprise.update',
    'enterprise.import',
    'enterprise.export',
    'org.read',
    'dashboard.read',
    'file.upload',
    'hazard.read',
    'hazard.create',
    'hazard.export',
    'report.triage',
    'campaign.start',
    'monitoring.read',
    'supervision.read',
    'plan.manage',
    'inspection.schedule',
    'inspection.conduct',
    'enforcement.decide',
    'field.record',
  ],
  town_officer: [
    'enterprise.read',
    'enterprise.create',
    'enterprise.update',
    'enterprise.import',
    'enterprise.export',
    'org.read',
    'dashboard.read',
    'file.upload',
    'hazard.read',
    'hazard.create',
    'hazard.export',
    'monitoring.read',
    'supervision.read',
    'inspection.schedule',
    'inspection.conduct',
  ],
  village_worker: [
    'enterprise.read',
    'org.read',
    'dashboard.read',
    'file.upload',
    'hazard.read',
    'hazard.create',
    'monitoring.read',
  ],
  enterprise_admin: [
    'enterprise.read',
    'enterprise.update',
    'org.read',
    'dashboard.read',
    'file.upload',
    'hazard.read',
    'hazard.create',
    'hazard.export',
    'report.triage',
    'monitoring.read',
    'monitoring.manage',
    'supervision.read',
  ],
  enterprise_staff: [
    'enterprise.read',
    'org.read',
    'dashboard.read',
    'file.upload',
    'hazard.read',
    'hazard.create',
    'monitoring.read',
  ],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** What kind of jurisdiction a role is bound to. */
export type ScopeKind = 'county' | 'department' | 'region' | 'enterprise';
export const ROLE_SCOPE: Record<Role, ScopeKind> = {
  sys_admin: 'county',
  county_admin: 'county',
  county_leader: 'county',
  dept_officer: 'department',
  town_officer: 'region',
  village_worker: 'region',
  enterprise_admin: 'enterprise',
  enterprise_staff: 'enterprise',
};

/** Roles a county admin may hand out (sys_admin only by another sys_admin). */
export function assignableRoles(role: Role): Role[] {
  if (role === 'sys_admin') return [...ROLES];
  if (role === 'county_admin') return ROLES.filter((r) => r !== 'sys_admin');
  return [];
}
