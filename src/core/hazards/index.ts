/** Hidden-hazard domain rules: life cycle, major-hazard catalogs, escalation ladder, report rewards, codes. */
export * from './catalogs.js';
export * from './categories.js';
export * from './codes.js';
export * from './escalation.js';
export * from './reward.js';
export * from './workflow.js';
