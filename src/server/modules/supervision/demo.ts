/**
 * Demo data for the supervision pages: every demo enterprise assessed, one completed inspection of the home coal
 * mine (a finding that became a hazard, signatures), one routine inspection planned, and the emergency bureau's
 * yearly plan (approved, its past visits done).
 */
import { addDays, localDate } from '../../../core/hazards/index.js';
import { dishonestyTerm } from '../../../core/supervision/index.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { Platform } from '../../platform/platform.js';
import { seedPlansDemo } from '../supervision-plans/index.js';
import { recomputeCredit } from './credit.js';
import { actOnInspection, answerItems, checklistOf, scheduleInspection } from './inspections.service.js';

export async function seedSupervisionDemo(p: Platform, homeEnterpriseId: string) {
  const now = p.clock.now();
  const officer = await p.db
    .selectFrom('users')
    .select(['id', 'username', 'display_name'])
    .where('role', '=', 'county_admin')
    .where('is_demo', '=', true)
    .orderBy('created_at')
    .executeTakeFirst();
  const energy = await p.db.selectFrom('departments').select('id').where('code', '=', 'energy').executeTakeFirst();
  if (!officer || !energy) return { inspections: 0 };
  const actor: Actor = {
    userId: officer.id,
    username: officer.username,
    displayName: officer.display_name,
    role: 'county_admin',
    departmentId: null,
    regionPath: null,
    regionCode: null,
    enterpriseId: null,
  };
  const ctx = { actor, ip: '127.0.0.1', now };
  const deps = (after: (cb: () => void) => void) => ({ files: p.files, fx: { notifier: p.notifier, after } });

  // 1. A completed inspection of the home coal mine, ordered from above (exempt from the quiet period).
  const done = await p.transaction((tx, after) =>
    scheduleInspection(tx, ctx, deps(after), {
      enterpriseId: homeEnterpriseId,
      kind: 'order',
      exemptionReason: '县安委会部署煤矿安全生产专项检查',
      plannedAt: now.toISOString(),
      departmentIds: [energy.id],
      inspectorIds: [officer.id],
      unannounced: true,
    }),
  );
  await p.transaction((tx, after) => actOnInspection(tx, ctx, deps(after), done.id, { action: 'start', version: 1 }));
  const { templates } = await checklistOf(p.db, done);
  const answers = templates.flatMap((t) =>
    t.items.map((it) =>
      it.key === 'mgmt-04'
        ? {
            templateId: t.id,
            itemKey: it.key,
            result: 'not_compliant' as const,
            note: '2 名新入职井下作业人员培训学时不足 72 学时即下井作业',
            photoFileIds: [],
            place: '培训档案室',
            deadline: addDays(localDate(now), 10),
          }
        : { templateId: t.id, itemKey: it.key, result: 'compliant' as const, note: '', photoFileIds: [] },
    ),
  );
  if (answers.length) await p.transaction((tx, after) => answerItems(tx, ctx, deps(after), done.id, { answers }));
  const version = (
    await p.db.selectFrom('inspections').select('version').where('id', '=', done.id).executeTakeFirstOrThrow()
  ).version;
  await p.transaction((tx, after) =>
    actOnInspection(tx, ctx, deps(after), done.id, {
      action: 'complete',
      version,
      summary: '发现一般隐患 1 项，已责令限期整改',
      signatures: [
        { role: 'inspector', name: officer.display_name },
        { role: 'enterprise', name: '凤鸣煤业 安全副总 吴工' },
      ],
    }),
  );

  // 2. A routine inspection planned next month, after the quiet period (day 20).
  const [y, m] = localDate(now).split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-20` : `${y}-${String(m + 1).padStart(2, '0')}-20`;
  await p.transaction((tx, after) =>
    scheduleInspection(tx, ctx, deps(after), {
      enterpriseId: homeEnterpriseId,
      kind: 'routine',
      plannedAt: `${next}T01:30:00.000Z`,
      departmentIds: [energy.id],
      inspectorIds: [officer.id],
      unannounced: false,
    }),
  );

  // 3. A record that moves some scores: a larger accident (3 deaths, 493号令 §3) at one enterprise, a
  //    serious-dishonesty listing (concealed accident, 令第11号) at another; then every demo enterprise assessed.
  const ents = await p.db.selectFrom('enterprises').select('id').where('is_demo', '=', true).orderBy('code').execute();
  const others = ents.filter((e) => e.id !== homeEnterpriseId);
  const [larger, listed] = others;
  if (larger) {
    await p.db
      .insertInto('accidents')
      .values({
        enterprise_id: larger.id,
        occurred_at: new Date(now.getTime() - 200 * 86_400_000),
        kind: 'other',
        deaths: 3,
        serious_injuries: 2,
        direct_loss_yuan: 4_200_000,
        grade: 'larger',
        description: '有限空间作业中毒窒息事故（演示数据）',
        recorded_by_id: officer.id,
        recorded_by_name: officer.display_name,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  if (listed) {
    const listedOn = addDays(localDate(now), -90);
    await p.db
      .insertInto('dishonesty_listings')
      .values({
        enterprise_id: listed.id,
        listed_on: listedOn,
        term_ends_on: dishonestyTerm(listedOn).lastListedDay,
        trigger: 'concealed',
        reason: '瞒报一般生产安全事故（演示数据）',
        decision_number: '阳应急失信〔2026〕1号',
        created_by_name: officer.display_name,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  for (const e of ents) await p.transaction((tx) => recomputeCredit(tx, e.id, 'initial', now));

  // 4. The emergency bureau's yearly plan, generated from the tiers just assessed, approved.
  const plans = await seedPlansDemo(p, actor);
  return { inspections: 2, assessed: ents.length, ...plans };
}
