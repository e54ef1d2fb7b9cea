import type { JobDefinition } from '../jobs/jobs.js';
import type { Platform } from '../platform.js';

/** Housekeeping: forget login failures after a day and sessions a month after they ended. Idempotent. */
export function authCleanupJob(p: Platform): JobDefinition {
  return {
    name: 'auth.cleanup',
    cron: '30 3 * * *',
    description: 'Delete old login failures and long-ended sessions',
    async run({ asOf }) {
      const day = new Date(asOf.getTime() - 86_400_000);
      const month = new Date(asOf.getTime() - 30 * 86_400_000);
      const failures = await p.db.deleteFrom('login_failures').where('at', '<', day).executeTakeFirst();
      const sessions = await p.db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<', month), eb('revoked_at', '<', month)]))
        .executeTakeFirst();
      return { loginFailures: Number(failures.numDeletedRows), sessions: Number(sessions.numDeletedRows) };
    },
  };
}
