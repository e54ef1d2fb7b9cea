/**
 * Hazard categories (隐患类别), the customary split of county ledgers: equipment and facilities, unsafe acts,
 * working environment, safety management, fire, electricity, occupational health, emergency, other. One list
 * for the server (validation, ledgers), the monitoring and inspection bridges that create hazards, and the web app.
 */
export const HAZARD_CATEGORIES = [
  'equipment',
  'operation',
  'environment',
  'management',
  'fire',
  'electrical',
  'occupational_health',
  'emergency',
  'other',
] as const;
export type HazardCategory = (typeof HAZARD_CATEGORIES)[number];
