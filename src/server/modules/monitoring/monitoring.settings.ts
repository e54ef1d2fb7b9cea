import { z } from 'zod';
import type { Executor } from '../../platform/db/client.js';

/** Run-time settings of monitoring, stored in `settings` under the key `monitoring`, changed through the API. */
export const monitoringSettingsSchema = z.strictObject({
  /** Raw readings are kept this long (daily partitions are dropped after it). AQ 6201: real-time data ≥ 3 months. */
  retentionDays: z.number().int().min(92).max(3660),
  /** 1-minute rollups (monthly partitions). */
  rollup1mRetentionDays: z.number().int().min(92).max(3660),
  /** 1-hour rollups (monthly partitions). AQ 6201: statistics ≥ 2 years. */
  rollup1hRetentionDays: z.number().int().min(731).max(36600),
  /** An alarm not acknowledged within this many minutes is escalated to the supervising department and township. */
  escalateMinutes: z.number().int().min(1).max(1440),
  /**
   * Dead letters (rejected messages and readings) are deleted this many days after they were received (job
   * `monitoring.dead-letters`). They are evidence of a gateway's faults, not readings: a month covers the
   * data-quality reviews; keep them longer while a dispute about a gateway is open.
   */
  deadLetterRetentionDays: z.number().int().min(1).max(3660),
});
export type MonitoringSettings = z.infer<typeof monitoringSettingsSchema>;

export const MONITORING_DEFAULTS: MonitoringSettings = {
  retentionDays: 400,
  rollup1mRetentionDays: 800,
  rollup1hRetentionDays: 1830,
  escalateMinutes: 5,
  deadLetterRetentionDays: 30,
};

export const SETTINGS_KEY = 'monitoring';

export async function readMonitoringSettings(db: Executor): Promise<MonitoringSettings & { version: number }> {
  const row = await db
    .selectFrom('settings')
    .select(['value', 'version'])
    .where('key', '=', SETTINGS_KEY)
    .executeTakeFirst();
  const stored = monitoringSettingsSchema.partial().safeParse(row?.value ?? {});
  return { ...MONITORING_DEFAULTS, ...(stored.success ? stored.data : {}), version: row?.version ?? 0 };
}
