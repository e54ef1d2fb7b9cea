export { type DepartmentRow, loadDefaultOrgData, type RegionRow, type SectorRow } from './data/csv.js';
export { orgRoutes } from './org.routes.js';
export { departmentDeriver, upsertDepartments, upsertRegions, upsertSectors } from './org.service.js';
