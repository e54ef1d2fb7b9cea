import { sql } from 'kysely';
import {
  addDays,
  dueSteps,
  type EscalationSettings,
  type EscalationStep,
  enterpriseListingDue,
  escalationSettingsSchema,
  localDate,
} from '../../../core/hazards/index.js';
import { audit } from '../../platform/audit/audit.js';
import { SYSTEM_ACTOR } from '../../platform/authz/actor.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { nextSequence } from '../../platform/db/sequences.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import type { Platform } from '../../platform/platform.js';
import { addHazardEvent } from './hazards.service.js';
import { type Effects, notify, townshipOf, usersOf } from './hazards.shared.js';

export const ESCALATION_SETTINGS_KEY = 'hazards.escalation';
const DAY_MS = 86_400_000;
const BATCH = 500;

/** The county's ladder settings from the settings table; missing keys take the defaults. */
export async function loadEscalationSettings(db: Executor): Promise<EscalationSettings> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', ESCALATION_SETTINGS_KEY)
    .executeTakeFirst();
  const parsed = escalationSettingsSchema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : escalationSettingsSchema.parse({});
}

const jobCtx = (asOf: Date) => ({ actor: SYSTEM_ACTOR, ip: null, now: asOf });

interface Candidate {
  id: string;
  code: string;
  level: 'general' | 'major';
  status: 'reported' | 'rejected' | 'rectifying' | 'submitted' | 'verified' | 'closed';
  deadline: string | null;
  enterprise_id: string;
  enterprise_name: string;
  region_path: string;
  department_ids: string[];
}

/** A listing (挂牌督办) with its card: yellow for the first within redCardWindowDays, red after. */
async function list(
  tx: Tx,
  fx: Effects,
  asOf: Date,
  settings: EscalationSettings,
  l: {
    enterpriseId: string;
    enterpriseName: string;
    regionPath: string;
    departmentIds: string[];
    hazardId: string | null;
    hazardCode?: string;
    reason: 'major_overdue' | 'overdue_count';
    triggerKey: string;
    overdueCount: number;
  },
): Promise<boolean> {
  // One listing decision per enterprise at a time, so two listings never both count as the first (yellow).
  await tx.selectFrom('enterprises').select('id').where('id', '=', l.enterpriseId).forUpdate().execute();
  const since = new Date(asOf.getTime() - settings.redCardWindowDays * DAY_MS);
  const previous = await tx
    .selectFrom('hazard_listings')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('enterprise_id', '=', l.enterpriseId)
    .where('listed_at', '>', since)
    .where('listed_at', '<=', asOf)
    .executeTakeFirstOrThrow();
  // The caller has decided that a listing is due (a major hazard's ladder step, or the count in SQL); the core
  // rule picks the card from the listings of the last redCardWindowDays.
  const decision = enterpriseListingDue(
    {
      overdueHazardsInWindow: Math.max(l.overdueCount, settings.listingOverdueCountThreshold),
      listingsInLastYear: previous.n,
    },
    settings,
  );
  const color = decision.card ?? 'yellow';
  const year = localDate(asOf).slice(0, 4);
  const seq = await nextSequence(tx, `GP-${year}`);
  const listing = await tx
    .insertInto('hazard_listings')
    .values({
      code: `GP-${year}-${String(seq).padStart(6, '0')}`,
      enterprise_id: l.enterpriseId,
      hazard_id: l.hazardId,
      reason: l.reason,
      trigger_key: l.triggerKey,
      overdue_count: l.overdueCount,
      public: true,
      status: 'active',
      listed_at: asOf,
      created_at: asOf,
      updated_at: asOf,
    })
    .onConflict((oc) => oc.column('trigger_key').doNothing())
    .returning(['id', 'code'])
    .executeTakeFirst();
  if (!listing) return false;
  const card = await tx
    .insertInto('hazard_cards')
    .values({
      enterprise_id: l.enterpriseId,
      listing_id: listing.id,
      color,
      status: 'active',
      issued_at: asOf,
      created_at: asOf,
      updated_at: asOf,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('supervision_events')
    .values([
      {
        entity_type: 'listing',
        entity_id: listing.id,
        at: asOf,
        actor_id: null,
        actor_name: '系统',
        action: 'listed',
        reason: l.reason,
        data: JSON.stringify({ hazardId: l.hazardId, overdueCount: l.overdueCount, card: color }),
      },
      {
        entity_type: 'card',
        entity_id: card.id,
        at: asOf,
        actor_id: null,
        actor_name: '系统',
        action: 'issued',
        reason: l.reason,
        data: JSON.stringify({ listingId: listing.id, color }),
      },
    ])
    .execute();
  await audit(tx, jobCtx(asOf), {
    action: 'hazard.listing_created',
    entityType: 'hazard_listing',
    entityId: listing.id,
    after: { code: listing.code, enterpriseId: l.enterpriseId, hazardId: l.hazardId, reason: l.reason, card: color },
  });
  const users = await usersOf(tx, {
    enterpriseId: l.enterpriseId,
    enterpriseRoles: ['enterprise_admin'],
    departmentIds: l.departmentIds,
    townshipCode: townshipOf(l.regionPath),
    county: true,
  });
  const cardZh = color === 'red' ? '红牌' : '黄牌';
  await notify(
    tx,
    fx,
    {
      userIds: users,
      kind: 'hazard.listing',
      title: {
        zh: `${l.enterpriseName}被挂牌督办并给予${cardZh}警告${l.hazardCode ? `（重大隐患 ${l.hazardCode} 逾期）` : `（90日内${l.overdueCount}项隐患逾期）`}`,
        en: `${l.enterpriseName} listed for supervision with a ${color} card${l.hazardCode ? ` (major hazard ${l.hazardCode} overdue)` : ` (${l.overdueCount} overdue hazards)`}`,
      },
      link: `/hazards/listings?listing=${listing.id}`,
      entityType: 'hazard_listing',
      entityId: listing.id,
      dedupeKey: `hazard-listing:${listing.id}`,
    },
    asOf,
  );
  return true;
}

async function fireStep(
  tx: Tx,
  fx: Effects,
  asOf: Date,
  settings: EscalationSettings,
  h: Candidate,
  s: EscalationStep,
) {
  const inserted = await tx
    .insertInto('hazard_escalations')
    .values({
      hazard_id: h.id,
      enterprise_id: h.enterprise_id,
      step: s.step,
      step_key: s.key,
      due_at: s.dueAt,
      fired_at: asOf,
    })
    .onConflict((oc) => oc.columns(['hazard_id', 'step_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  await addHazardEvent(tx, {
    hazardId: h.id,
    at: asOf,
    actor: null,
    action: `escalation.${s.step}`,
    data: { key: s.key, dueAt: s.dueAt.toISOString(), deadline: h.deadline },
  });
  const township = townshipOf(h.region_path);
  const base = { entityType: 'hazard', entityId: h.id, link: `/hazards/${h.id}`, dedupeKey: `hazard:${h.id}:${s.key}` };
  switch (s.step) {
    case 'remind': {
      const users = await usersOf(tx, { enterpriseId: h.enterprise_id, enterpriseRoles: ['enterprise_admin'] });
      await notify(
        tx,
        fx,
        {
          ...base,
          userIds: users,
          kind: 'hazard.remind',
          title: {
            zh: `隐患 ${h.code} 整改期限将于${h.deadline}届满，请按期完成整改`,
            en: `Hazard ${h.code}: the rectification deadline ${h.deadline} is near`,
          },
        },
        asOf,
      );
      break;
    }
    case 'overdue': {
      await tx.updateTable('hazards').set({ ever_overdue: true }).where('id', '=', h.id).execute();
      const users = await usersOf(tx, {
        enterpriseId: h.enterprise_id,
        enterpriseRoles: ['enterprise_admin'],
        departmentIds: h.department_ids,
        townshipCode: township,
      });
      await notify(
        tx,
        fx,
        {
          ...base,
          userIds: users,
          kind: 'hazard.overdue',
          title: {
            zh: `${h.enterprise_name}隐患 ${h.code} 已逾期未整改（期限${h.deadline}）`,
            en: `${h.enterprise_name}: hazard ${h.code} is overdue (deadline ${h.deadline})`,
          },
        },
        asOf,
      );
      break;
    }
    case 'summon': {
      const summons = await tx
        .insertInto('hazard_summons')
        .values({
          hazard_id: h.id,
          enterprise_id: h.enterprise_id,
          department_ids: h.department_ids,
          step_key: s.key,
          status: 'pending',
          created_at: asOf,
          updated_at: asOf,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('supervision_events')
        .values({
          entity_type: 'summons',
          entity_id: summons.id,
          at: asOf,
          actor_id: null,
          actor_name: '系统',
          action: 'created',
          reason: `overdue ≥ ${settings.summonAfterDaysOverdue} days`,
          data: JSON.stringify({ hazardId: h.id, key: s.key }),
        })
        .execute();
      await audit(tx, jobCtx(asOf), {
        action: 'hazard.summons_created',
        entityType: 'hazard_summons',
        entityId: summons.id,
        after: { hazardId: h.id, enterpriseId: h.enterprise_id, departmentIds: h.department_ids },
      });
      // The supervising department's people (the head among them) hold the summons; the county when none.
      const users = await usersOf(tx, {
        departmentIds: h.department_ids,
        county: h.department_ids.length === 0,
        enterpriseId: h.enterprise_id,
        enterpriseRoles: ['enterprise_admin'],
      });
      await notify(
        tx,
        fx,
        {
          ...base,
          userIds: users,
          kind: 'hazard.summon',
          title: {
            zh: `${h.enterprise_name}隐患 ${h.code} 逾期${settings.summonAfterDaysOverdue}日以上，请约谈企业主要负责人`,
            en: `${h.enterprise_name}: hazard ${h.code} is ${settings.summonAfterDaysOverdue}+ days overdue — summon the principal`,
          },
        },
        asOf,
      );
      break;
    }
    case 'listing': {
      await list(tx, fx, asOf, settings, {
        enterpriseId: h.enterprise_id,
        enterpriseName: h.enterprise_name,
        regionPath: h.region_path,
        departmentIds: h.department_ids,
        hazardId: h.id,
        hazardCode: h.code,
        reason: 'major_overdue',
        triggerKey: `hazard:${h.id}:${s.key}`,
        overdueCount: 1,
      });
      break;
    }
  }
  return true;
}

/**
 * `hazards.escalate`, hourly: each rectifying hazard's due ladder steps (core `dueSteps`) fire once per
 * (hazard, step key) under a unique constraint; then enterprises with too many fresh overdue hazards are listed;
 * then late campaign tasks are notified once. Safe to run twice or on two workers at once.
 */
export function escalationJob(p: Platform): JobDefinition {
  return {
    name: 'hazards.escalate',
    cron: '5 * * * *',
    description: 'Hazard deadline ladder: reminders, overdue warnings, summons, listings with yellow/red cards',
    async run({ asOf }) {
      const settings = await loadEscalationSettings(p.db);
      const today = localDate(asOf);
      const horizon = addDays(today, settings.remindDaysBefore);
      const fired: Record<string, number> = {
        remind: 0,
        overdue: 0,
        summon: 0,
        listing: 0,
        enterpriseListing: 0,
        lateTasks: 0,
      };
      let lastId: string | null = null;
      for (;;) {
        let q = p.db
          .selectFrom('hazards')
          .innerJoin('enterprises', 'enterprises.id', 'hazards.enterprise_id')
          .select([
            'hazards.id',
            'hazards.code',
            'hazards.level',
            'hazards.status',
            'hazards.deadline',
            'hazards.enterprise_id',
            'enterprises.name as enterprise_name',
            'enterprises.region_path',
            'enterprises.department_ids',
          ])
          .where('hazards.status', '=', 'rectifying')
          .where('hazards.deadline', '<=', horizon)
          .orderBy('hazards.id')
          .limit(BATCH);
        if (lastId) q = q.where('hazards.id', '>', lastId);
        const batch: Candidate[] = await q.execute();
        if (batch.length === 0) break;
        lastId = batch.at(-1)?.id ?? null;
        const known = await p.db
          .selectFrom('hazard_escalations')
          .select(['hazard_id', 'step_key'])
          .where(
            'hazard_id',
            'in',
            batch.map((h) => h.id),
          )
          .execute();
        const seen = new Set(known.map((k) => `${k.hazard_id}|${k.step_key}`));
        for (const h of batch) {
          const steps = dueSteps({ hazard: h, now: asOf, settings }).filter((s) => !seen.has(`${h.id}|${s.key}`));
          if (steps.length === 0) continue;
          await p.transaction(async (tx, after) => {
            // Lock the hazard so a concurrent action (submit, extension) and this ladder see one state.
            const current = await tx
              .selectFrom('hazards')
              .select(['status', 'deadline'])
              .where('id', '=', h.id)
              .forUpdate()
              .executeTakeFirst();
            if (current?.status !== 'rectifying' || current.deadline !== h.deadline) return;
            for (const s of steps) {
              if (await fireStep(tx, { notifier: p.notifier, after }, asOf, settings, h, s)) {
                fired[s.step] = (fired[s.step] ?? 0) + 1;
              }
            }
          });
        }
        if (batch.length < BATCH) break;
      }

      // Enterprise listing: N hazards that became overdue within the window, after the last listing.
      const windowStart = new Date(asOf.getTime() - settings.listingWindowDays * DAY_MS);
      const counts = await sql<{ enterprise_id: string; n: number; max_id: string }>`
        select he.enterprise_id, count(distinct he.hazard_id)::int as n, max(he.id)::text as max_id
        from hazard_escalations he
        where he.step = 'overdue' and he.fired_at > ${windowStart} and he.fired_at <= ${asOf}
          and he.fired_at > coalesce(
            (select max(l.listed_at) from hazard_listings l where l.enterprise_id = he.enterprise_id and l.listed_at <= ${asOf}),
            '-infinity'::timestamptz)
        group by he.enterprise_id
        having count(distinct he.hazard_id) >= ${settings.listingOverdueCountThreshold}`.execute(p.db);
      for (const c of counts.rows) {
        const e = await p.db
          .selectFrom('enterprises')
          .select(['id', 'name', 'region_path', 'department_ids'])
          .where('id', '=', c.enterprise_id)
          .executeTakeFirst();
        if (!e) continue;
        const done = await p.transaction((tx, after) =>
          list(tx, { notifier: p.notifier, after }, asOf, settings, {
            enterpriseId: e.id,
            enterpriseName: e.name,
            regionPath: e.region_path,
            departmentIds: e.department_ids,
            hazardId: null,
            reason: 'overdue_count',
            triggerKey: `count:${e.id}:${c.max_id}`,
            overdueCount: c.n,
          }),
        );
        if (done) fired.enterpriseListing = (fired.enterpriseListing ?? 0) + 1;
      }

      // Late 举一反三 tasks: notified once (the update is the claim).
      const late = await p.db
        .selectFrom('campaign_tasks')
        .innerJoin('hazard_campaigns', 'hazard_campaigns.id', 'campaign_tasks.campaign_id')
        .select(['campaign_tasks.id'])
        .where('campaign_tasks.status', '=', 'pending')
        .where('campaign_tasks.late_notified_at', 'is', null)
        .where('hazard_campaigns.deadline', '<', today)
        .execute();
      for (const t of late) {
        const n = await p.transaction(async (tx, after) => {
          const claimed = await tx
            .updateTable('campaign_tasks')
            .set({ late_notified_at: asOf })
            .where('id', '=', t.id)
            .where('late_notified_at', 'is', null)
            .where('status', '=', 'pending')
            .returning(['id', 'enterprise_id', 'campaign_id'])
            .executeTakeFirst();
          if (!claimed) return -1;
          const c = await tx
            .selectFrom('hazard_campaigns')
            .select(['code', 'deadline', 'started_by_id'])
            .where('id', '=', claimed.campaign_id)
            .executeTakeFirstOrThrow();
          const e = await tx
            .selectFrom('enterprises')
            .select('name')
            .where('id', '=', claimed.enterprise_id)
            .executeTakeFirstOrThrow();
          const users = await usersOf(tx, {
            enterpriseId: claimed.enterprise_id,
            enterpriseRoles: ['enterprise_admin'],
            userIds: [c.started_by_id],
          });
          return notify(
            tx,
            { notifier: p.notifier, after },
            {
              userIds: users,
              kind: 'campaign.late',
              title: {
                zh: `${e.name}未在${c.deadline}前完成举一反三自查（${c.code}）`,
                en: `${e.name} has not answered lessons campaign ${c.code} due ${c.deadline}`,
              },
              link: `/hazards/campaigns?id=${claimed.campaign_id}`,
              entityType: 'campaign_task',
              entityId: claimed.id,
              dedupeKey: `campaign-late:${claimed.id}`,
            },
            asOf,
          );
        });
        if (n >= 0) fired.lateTasks = (fired.lateTasks ?? 0) + 1;
      }
      return { asOf: asOf.toISOString(), settings, fired };
    },
  };
}
