import type { JobDefinition } from '../../platform/jobs/jobs.js';
import type { Platform } from '../../platform/platform.js';
import { escalateUnacknowledged } from './alarms.service.js';
import { purgeDeadLetters } from './dead-letters.js';
import { readMonitoringSettings } from './monitoring.settings.js';
import { maintainPartitions } from './partitions.js';
import { rollupOptionsFor, runRollups } from './rollups.js';

/** Readings partitions: create a week ahead, drop those past their retention period. Idempotent. */
export function partitionsJob(p: Platform): JobDefinition {
  return {
    name: 'monitoring.partitions',
    cron: '10 0 * * *',
    description: 'Create time partitions of readings and rollups ahead; drop those older than the retention period',
    async run({ asOf }) {
      return maintainPartitions(p.db, asOf, await readMonitoringSettings(p.db));
    },
  };
}

/** Alarms not acknowledged within the configured minutes → supervising departments and township. */
export function escalateJob(p: Platform): JobDefinition {
  return {
    name: 'monitoring.escalate',
    cron: '* * * * *',
    description: 'Escalate alarms not acknowledged in time to the supervising departments and the township',
    async run({ asOf }) {
      const settings = await readMonitoringSettings(p.db);
      const r = await escalateUnacknowledged(p.db, p.notifier, asOf, settings.escalateMinutes);
      p.notifier.deliver(r.notifications);
      return { escalated: r.escalated, notifications: r.notifications.length };
    },
  };
}

/** Dead letters older than `deadLetterRetentionDays` (setting, default 30) are deleted. Idempotent. */
export function deadLettersJob(p: Platform): JobDefinition {
  return {
    name: 'monitoring.dead-letters',
    cron: '20 0 * * *',
    description: 'Delete dead letters (rejected ingest messages and readings) older than their retention period',
    async run({ asOf }) {
      const settings = await readMonitoringSettings(p.db);
      return purgeDeadLetters(p.db, asOf, settings.deadLetterRetentionDays);
    },
  };
}

/**
 * The 1-minute and 1-hour rollups of readings newer than a minute, from the raw rows (rollups.ts). Idempotent, and
 * safe when several instances run it: the watermark moves under an advisory lock, one reconciliation at a time.
 */
export function rollupJob(p: Platform): JobDefinition {
  return {
    name: 'monitoring.rollup',
    cron: '* * * * *',
    description:
      'Roll up the readings of closed minutes into the 1-minute and 1-hour rollups (late readings are rolled up at ingest)',
    async run({ asOf }) {
      return runRollups(p.db, asOf, rollupOptionsFor(p.database.kind));
    },
  };
}

export function monitoringJobs(p: Platform): JobDefinition[] {
  return [partitionsJob(p), escalateJob(p), deadLettersJob(p), rollupJob(p)];
}
