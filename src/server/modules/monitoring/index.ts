/** Risk monitoring and early warning (风险监测预警): the module's only public surface. */
export type { AlarmPoint, RuleEvent } from './alarms.service.js';
export { presentAlarm } from './alarms.service.js';
export { createGateway } from './gateways.service.js';
export { type CreateHazardFromAlarm, type HazardFromAlarm, setHazardBridge } from './hazard-bridge.js';
export { type IngestPipeline, ingestPipeline, type SubmitResult } from './ingest/pipeline.js';
export { ingestOptionsFromEnv, readingsTopic } from './monitoring.config.js';
export { monitoringJobs } from './monitoring.jobs.js';
export { monitoringRoutes } from './monitoring.routes.js';
export { createPoint } from './points.service.js';
export { type IngestRuntime, type StartIngestOptions, startIngest } from './runtime.js';
export { ensureDemoDevices, type Simulator, startDemoSimulator } from './simulator.js';
