import type { FastifyInstance } from 'fastify';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import type { Platform } from '../../platform/platform.js';
import { creditJob } from './credit.js';
import { creditRoutes } from './credit.routes.js';
import { documentRoutes } from './documents.js';
import { canSeeInspection } from './inspections.read.js';
import { inspectionRoutes } from './inspections.routes.js';
import { templateRoutes } from './templates.routes.js';

export { creditInputs, recomputeCredit } from './credit.js';
export { seedSupervisionDemo } from './demo.js';
export { canSeeInspection, scopedInspections } from './inspections.read.js';
export { loadSettings as loadSupervisionSettings } from './settings.js';

/** Photos of compliant / not-applicable checklist answers follow the inspection's visibility. */
export function registerSupervisionFiles(p: Platform) {
  p.files.registerOwner('inspection', canSeeInspection);
}

/** Every HTTP route of supervision §1, §3, §4 (credit, rules of entry, inspections, templates, documents). */
export function supervisionModuleRoutes(app: FastifyInstance, p: Platform) {
  creditRoutes(app, p);
  inspectionRoutes(app, p);
  templateRoutes(app, p);
  documentRoutes(app, p);
}

export function supervisionJobs(p: Platform): JobDefinition[] {
  return [creditJob(p)];
}
