/** Risk monitoring and early warning (风险监测预警): pure rules shared by the ingest server and the web app. */
export * from './alarm-workflow.js';
export * from './evaluator.js';
export * from './mhi.js';
export * from './points.js';
export * from './templates.js';
