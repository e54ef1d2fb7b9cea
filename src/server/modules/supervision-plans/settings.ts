import { z } from 'zod';
import { parseIsoDate } from '../../../core/supervision/calendar.js';
import {
  DEFAULT_CREDIT_SETTINGS,
  DEFAULT_INSPECTOR_DAYS_PER_INSPECTION,
  DEFAULT_JOINT_WINDOW_DAYS,
  quietPeriodSchema,
} from '../../../core/supervision/index.js';
import type { Executor } from '../../platform/db/client.js';

const isoDate = z.string().refine(
  (s) => {
    try {
      parseIsoDate(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'date.invalid' },
);

const perYear = z.number().int().min(1).max(52);

/**
 * County settings of planning and leaders' field work, stored in `settings` under `supervision.plans`.
 * Every value has a default; the ones marked [?] in RULES.md are county choices.
 */
export const planSettingsSchema = z.strictObject({
  /** Visits of two departments to one enterprise at most this many days apart are proposed as one (default 14). */
  jointWindowDays: z.number().int().min(0).max(90),
  /** Inspector-days one inspection takes (行政处罚法 §42: two officers, one day). */
  inspectorDaysPerInspection: z.number().int().min(1).max(20),
  /** Minimum inspections a year by tier (high monthly, general quarterly, low yearly). */
  frequency: z.strictObject({ high: perYear, general: perYear, low: perYear }),
  /** Days of the month no routine visit is planned (the county's quiet period); null: none. */
  quietPeriod: quietPeriodSchema.nullable(),
  /** Public holidays (never proposed) and working weekends (调休), as published each year by the State Council. */
  holidays: z.array(isoDate).max(400),
  workingWeekends: z.array(isoDate).max(100),
  /** Field-inspection and meeting reminders start this many days before the month ends (default 7). */
  reminderDays: z.number().int().min(1).max(28),
});
export type PlanSettings = z.infer<typeof planSettingsSchema>;

export const PLAN_DEFAULTS: PlanSettings = {
  jointWindowDays: DEFAULT_JOINT_WINDOW_DAYS,
  inspectorDaysPerInspection: DEFAULT_INSPECTOR_DAYS_PER_INSPECTION,
  frequency: {
    high: DEFAULT_CREDIT_SETTINGS.frequency.high.perYear,
    general: DEFAULT_CREDIT_SETTINGS.frequency.general.perYear,
    low: DEFAULT_CREDIT_SETTINGS.frequency.low.perYear,
  },
  // The county default of the rules of entry (entry-rules.ts): days 1–15.
  quietPeriod: { fromDay: 1, toDay: 15 },
  holidays: [],
  workingWeekends: [],
  reminderDays: 7,
};

export const PLAN_SETTINGS_KEY = 'supervision.plans';

export async function readPlanSettings(db: Executor): Promise<PlanSettings & { version: number }> {
  const row = await db
    .selectFrom('settings')
    .select(['value', 'version'])
    .where('key', '=', PLAN_SETTINGS_KEY)
    .executeTakeFirst();
  const stored = planSettingsSchema.partial().safeParse(row?.value ?? {});
  return { ...PLAN_DEFAULTS, ...(stored.success ? stored.data : {}), version: row?.version ?? 0 };
}
