import type { Platform } from '../../platform/platform.js';
import { canSeeEnterprise } from './enterprises.repo.js';

export { expiryReminderJob } from './enterprises.jobs.js';
export {
  canSeeEnterprise,
  findEnterprise,
  resolveFilters,
  scopedEnterprises,
} from './enterprises.repo.js';
export { enterpriseRoutes } from './enterprises.routes.js';
export { createEnterprise, presentEnterprise } from './enterprises.service.js';

/** Files attached to an enterprise are visible to whoever can see the enterprise. */
export function registerEnterpriseFiles(p: Platform) {
  p.files.registerOwner('enterprise', canSeeEnterprise);
}
