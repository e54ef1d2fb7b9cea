import type { Platform } from '../../platform/platform.js';
import { canSeeFieldInspection } from './field.js';

export { seedPlansDemo } from './demo.js';
export { fieldReminderJob } from './field.js';
export { createPlan } from './plans.service.js';
export { type CompletedInspection, recordInspectionInPlans } from './progress.js';
export { planRoutes } from './routes.js';

/** Photos of a leader's field inspection are visible to whoever can see the record. */
export function registerPlanFiles(p: Platform) {
  p.files.registerOwner('field_inspection', canSeeFieldInspection);
}
