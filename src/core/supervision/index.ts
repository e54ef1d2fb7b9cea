/**
 * Supervision domain rules: credit assessment and tiers, accidents, yearly plans and joint inspections, rules of
 * entry, quiz-on-inspection, the inspection life cycle.
 */
export * from './accidents.js';
export type { LocalizedText } from './calendar.js';
export * from './credit.js';
export * from './entry-rules.js';
export * from './inspection-workflow.js';
export * from './plan.js';
export * from './quiz.js';
