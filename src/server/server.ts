import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { enterpriseRoutes, expiryReminderJob, registerEnterpriseFiles } from './modules/enterprises/index.js';
import { escalationJob, figuresRebuildJob, hazardsModuleRoutes, registerHazardFiles } from './modules/hazards/index.js';
import { monitoringJobs, monitoringRoutes } from './modules/monitoring/index.js';
import { orgRoutes } from './modules/org/index.js';
import { registerSupervisionFiles, supervisionJobs, supervisionModuleRoutes } from './modules/supervision/index.js';
import { fieldReminderJob, planRoutes, registerPlanFiles } from './modules/supervision-plans/index.js';
import { usersRoutes } from './modules/users/index.js';
import { auditRoutes } from './platform/audit/audit.routes.js';
import { authCleanupJob } from './platform/auth/auth.jobs.js';
import { authRoutes } from './platform/auth/auth.routes.js';
import { fileRoutes } from './platform/files/files.routes.js';
import { createHttpApp } from './platform/http/app.js';
import { systemRoutes } from './platform/http/system.routes.js';
import { notificationRoutes } from './platform/notifications/notifications.routes.js';
import type { Platform } from './platform/platform.js';

export const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Registers every module's jobs on the runner (all roles need the registry: CLI, worker, scheduler). */
export function registerJobs(p: Platform) {
  p.jobs.register(authCleanupJob(p));
  p.jobs.register(expiryReminderJob(p));
  p.jobs.register(escalationJob(p));
  p.jobs.register(figuresRebuildJob());
  for (const job of monitoringJobs(p)) p.jobs.register(job);
  for (const job of supervisionJobs(p)) p.jobs.register(job);
  p.jobs.register(fieldReminderJob(p));
}

/** The HTTP application: platform routes, then each module's routes. */
export async function buildServer(p: Platform, opts: { webRoot?: string | null } = {}) {
  const app = await createHttpApp({
    config: p.config,
    logger: p.log,
    clock: p.clock,
    auth: p.auth,
    metrics: p.metrics,
    webRoot: opts.webRoot === undefined ? WEB_ROOT : opts.webRoot,
  });
  registerEnterpriseFiles(p);
  registerHazardFiles(p);
  registerSupervisionFiles(p);
  registerPlanFiles(p);
  for (const routes of [
    systemRoutes,
    authRoutes,
    fileRoutes,
    notificationRoutes,
    auditRoutes,
    orgRoutes,
    usersRoutes,
    enterpriseRoutes,
    hazardsModuleRoutes,
    monitoringRoutes,
    supervisionModuleRoutes,
    planRoutes,
  ]) {
    routes(app, p);
  }
  return app;
}
