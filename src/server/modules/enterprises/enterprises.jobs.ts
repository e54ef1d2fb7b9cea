import { localDate } from '../../../core/dates.js';
import { expiryState } from '../../../core/enterprise.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { usersConcerning } from '../../platform/notifications/notifications.js';
import type { Platform } from '../../platform/platform.js';

/**
 * Licence and standardization expiry reminders: 30 days before, and once expired. Each reminder's dedupe key
 * names the document, its expiry and the stage, so running the job again (or on two workers) sends nothing new.
 */
export function expiryReminderJob(p: Platform): JobDefinition {
  return {
    name: 'enterprises.expiry-reminders',
    cron: '0 8 * * *',
    description: 'Licence and standardization expiry reminders (30 days before, and when expired)',
    async run({ asOf }) {
      const ents = await p.db
        .selectFrom('enterprises')
        .select(['id', 'name', 'licences', 'standardization_expiry', 'standardization_grade', 'department_ids'])
        .where('status', '<>', 'closed')
        .execute();
      let sent = 0;
      for (const e of ents) {
        const docs = e.licences.map((l) => ({
          key: `licence:${l.type}:${l.number}`,
          label: { zh: `${l.type}(${l.number})`, en: `${l.type} (${l.number})` },
          expiry: l.expiry,
        }));
        if (e.standardization_expiry) {
          docs.push({
            key: 'standardization',
            label: {
              zh: `安全生产标准化${e.standardization_grade ?? ''}级证书`,
              en: `standardization grade ${e.standardization_grade ?? ''} certificate`,
            },
            expiry: e.standardization_expiry,
          });
        }
        for (const d of docs) {
          const { state, daysLeft } = expiryState(d.expiry, asOf);
          if (state === 'ok') continue;
          const users = await usersConcerning(p.db, { enterpriseIds: [e.id], departmentIds: e.department_ids });
          const title =
            state === 'expired'
              ? {
                  zh: `${e.name}的${d.label.zh}已于${d.expiry}过期`,
                  en: `${e.name}: ${d.label.en} expired on ${d.expiry}`,
                }
              : {
                  zh: `${e.name}的${d.label.zh}将于${d.expiry}到期(剩${daysLeft}天)`,
                  en: `${e.name}: ${d.label.en} expires on ${d.expiry} (${daysLeft} days)`,
                };
          const stored = await p.db.transaction().execute((tx) =>
            p.notifier.store(
              tx,
              {
                userIds: users,
                kind: state === 'expired' ? 'licence.expired' : 'licence.expiring',
                title,
                link: `/enterprises/${e.id}`,
                entityType: 'enterprise',
                entityId: e.id,
                dedupeKey: `expiry:${e.id}:${d.key}:${d.expiry}:${state}`,
              },
              asOf,
            ),
          );
          p.notifier.deliver(stored);
          sent += stored.length;
        }
      }
      return { asOf: localDate(asOf), enterprises: ents.length, notificationsSent: sent };
    },
  };
}
