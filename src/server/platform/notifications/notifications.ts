import type { Logger } from 'pino';
import type { Db, Executor } from '../db/client.js';
import type { EventBus } from './bus.js';

export interface Localized {
  zh: string;
  en: string;
}

export interface NotificationInput {
  userIds: string[];
  kind: string;
  title: Localized;
  body?: Localized;
  link?: string;
  entityType?: string;
  entityId?: string;
  /** Same key for the same user is stored once: jobs can run again without sending twice. */
  dedupeKey?: string;
}

export interface StoredNotification {
  id: string;
  user_id: string;
  kind: string;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  link: string | null;
  created_at: Date;
}

/** A channel beyond the in-app inbox. SMS is an interface slot; the webhook adapter is implemented. */
export interface NotificationSender {
  readonly name: string;
  send(n: StoredNotification): Promise<void>;
}

export interface SmsGateway {
  sendSms(phone: string, text: string): Promise<void>;
}

export function webhookSender(url: string, db: Db, log: Logger): NotificationSender {
  return {
    name: 'webhook',
    async send(n) {
      let status: number | null = null;
      let error: string | null = null;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            id: n.id,
            userId: n.user_id,
            kind: n.kind,
            title: n.title_zh,
            body: n.body_zh,
            link: n.link,
          }),
          signal: AbortSignal.timeout(5000),
        });
        status = res.status;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        log.warn({ err, url }, 'webhook delivery failed');
      }
      await db
        .insertInto('webhook_deliveries')
        .values({ notification_id: n.id, url, status, error, at: new Date() })
        .execute();
    },
  };
}

export function createNotifier(deps: { bus: EventBus; senders: NotificationSender[]; log: Logger }) {
  return {
    /** Stores notifications in the caller's transaction; returns what to deliver after commit. */
    async store(tx: Executor, input: NotificationInput, now: Date): Promise<StoredNotification[]> {
      const userIds = [...new Set(input.userIds)];
      if (userIds.length === 0) return [];
      return tx
        .insertInto('notifications')
        .values(
          userIds.map((user_id) => ({
            user_id,
            kind: input.kind,
            title_zh: input.title.zh,
            title_en: input.title.en,
            body_zh: input.body?.zh ?? '',
            body_en: input.body?.en ?? '',
            link: input.link ?? null,
            entity_type: input.entityType ?? null,
            entity_id: input.entityId ?? null,
            dedupe_key: input.dedupeKey ?? null,
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
        .returning(['id', 'user_id', 'kind', 'title_zh', 'title_en', 'body_zh', 'body_en', 'link', 'created_at'])
        .execute();
    },
    /** After commit: push to open pages and to the external senders. */
    deliver(stored: StoredNotification[]) {
      for (const n of stored) {
        deps.bus.publish({ userIds: [n.user_id], type: 'notification', data: n });
        for (const s of deps.senders) {
          s.send(n).catch((err) => deps.log.warn({ err, sender: s.name }, 'notification sender failed'));
        }
      }
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;

/** Users who should hear about an enterprise: its own users, its supervising departments, its township. */
export async function usersConcerning(
  db: Executor,
  who: { enterpriseIds?: string[]; departmentIds?: string[]; regionCodes?: string[]; roles?: string[] },
): Promise<string[]> {
  let q = db.selectFrom('users').select('id').where('disabled_at', 'is', null);
  q = q.where((eb) => {
    const ors = [];
    if (who.enterpriseIds?.length) ors.push(eb('enterprise_id', 'in', who.enterpriseIds));
    if (who.departmentIds?.length) ors.push(eb('department_id', 'in', who.departmentIds));
    if (who.regionCodes?.length) ors.push(eb('region_code', 'in', who.regionCodes));
    if (who.roles?.length) ors.push(eb('role', 'in', who.roles));
    return ors.length ? eb.or(ors) : eb.lit(false);
  });
  return (await q.execute()).map((r) => r.id);
}
