import type { FastifyInstance } from 'fastify';
import { ENTERPRISE_COUNTS } from '../../platform/db/count-cache.js';
import type { Platform } from '../../platform/platform.js';
import { campaignRoutes } from './campaigns.js';
import { catalogRoutes } from './catalog.routes.js';
import { exportRoutes } from './exports.js';
import { canSeeHazard, HAZARD_COUNTS } from './hazards.repo.js';
import { hazardRoutes } from './hazards.routes.js';
import { reportRoutes } from './reports.routes.js';
import { canSeeReport } from './reports.service.js';
import { statsRoutes } from './stats.js';
import { supervisionRoutes } from './supervision.routes.js';

export { escalationJob, loadEscalationSettings } from './escalation.jobs.js';
export { figuresRebuildJob } from './figures.js';
export { canSeeHazard, scopedHazards } from './hazards.repo.js';
export { createHazard } from './hazards.service.js';

/** Photos, documents and evidence follow the hazard's scope; report photos follow the report's. */
export function registerHazardFiles(p: Platform) {
  p.files.registerOwner('hazard', canSeeHazard);
  p.files.registerOwner('public_report', canSeeReport);
}

/** Every HTTP route of the hazards module (the public report routes carry their own rate limit). */
export function hazardsModuleRoutes(app: FastifyInstance, p: Platform) {
  // Hazard totals are scoped through the enterprise (its township, departments): an enterprise's edit drops them.
  p.counts.dependOn(HAZARD_COUNTS, ENTERPRISE_COUNTS);
  exportRoutes(app, p);
  statsRoutes(app, p);
  hazardRoutes(app, p);
  catalogRoutes(app, p);
  supervisionRoutes(app, p);
  reportRoutes(app, p);
  campaignRoutes(app, p);
}
