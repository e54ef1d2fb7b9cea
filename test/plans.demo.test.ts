/**
 * The demo county's yearly plan (issue #4 §2): a newcomer finds the emergency bureau's plan of the year on the
 * plans page, generated within its capacity, approved, marked demo, with the visits already past recorded done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../src/server/demo/seed.js';
import { DATABASES, login, startTestEnv, type TestEnv } from './harness.js';

describe.each(DATABASES)('demo plan on $name', (dbc) => {
  let env: TestEnv;
  beforeAll(async () => {
    // A database of its own: the demo seeds only an empty one.
    env = await startTestEnv(dbc);
    await seedDemo(env.p, 'demo-password-1');
  }, 300_000);
  afterAll(() => env?.close());

  it('seeds one approved, demo-marked plan for the emergency bureau, within capacity, past visits done', async () => {
    const headers = await login(env.app, 'county_admin', 'demo-password-1');
    const list = await env.app.inject({ url: '/api/plans?year=2026', headers });
    expect(list.statusCode, list.body).toBe(200);
    const emergency = await env.p.db
      .selectFrom('departments')
      .select('id')
      .where('code', '=', 'emergency')
      .executeTakeFirstOrThrow();
    const items = list.json().items as { id: string; departmentId: string; status: string; isDemo: boolean }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ departmentId: emergency.id, status: 'approved', isDemo: true });

    const detail = (await env.app.inject({ url: `/api/plans/${items[0]?.id}`, headers })).json();
    expect(detail.planned).toBeGreaterThan(0);
    expect(detail.planned).toBeLessThanOrEqual(detail.capacity);
    // The clock stands at 2026-06-15: January–May are done, nothing before today is overdue, the rest is ahead.
    const months = detail.months as { month: number; planned: number; done: number; overdue: number }[];
    for (const m of months.filter((x) => x.month < 6)) expect(m.done).toBe(m.planned);
    expect(months.reduce((n, m) => n + m.overdue, 0)).toBe(0);
    expect(months.filter((m) => m.month > 6).every((m) => m.done === 0)).toBe(true);
    expect(months.some((m) => m.month > 6 && m.planned > 0)).toBe(true);

    // The department officer of the demo (县应急局) sees it as their own plan.
    const officer = await login(env.app, 'dept_officer', 'demo-password-1');
    const own = (await env.app.inject({ url: '/api/plans?year=2026', headers: officer })).json();
    expect(own.items.map((x: { id: string }) => x.id)).toEqual([items[0]?.id]);
  });
});
