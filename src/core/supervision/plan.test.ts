import { describe, expect, it } from 'vitest';
import { dayOfWeek } from './calendar.js';
import {
  type GeneratePlanInput,
  generatePlan,
  inspectionCapacity,
  inspectionsFromCapacity,
  type PlanEnterprise,
  planPeriods,
  proposeJointInspections,
} from './plan.js';

const quiet = { fromDay: 1, toDay: 15 };
const day = (d: string) => Number(d.slice(8, 10));
const month = (d: string) => Number(d.slice(5, 7));
const isWeekend = (d: string) => dayOfWeek(d) === 0 || dayOfWeek(d) === 6;

function plan(enterprises: PlanEnterprise[], patch: Partial<GeneratePlanInput> = {}) {
  return generatePlan({ year: 2025, enterprises, capacity: 1000, quietPeriod: quiet, ...patch });
}

describe('inspectionCapacity (安监总政法〔2017〕150号)', () => {
  it('legal workdays × inspectors − other enforcement days − non-enforcement days', () => {
    expect(
      inspectionCapacity({ legalWorkdays: 250, inspectors: 4, otherEnforcementDays: 200, nonEnforcementDays: 300 }),
    ).toBe(500);
  });
  it('never negative', () => {
    expect(
      inspectionCapacity({ legalWorkdays: 10, inspectors: 1, otherEnforcementDays: 20, nonEnforcementDays: 0 }),
    ).toBe(0);
    expect(
      inspectionCapacity({ legalWorkdays: 10, inspectors: 1, otherEnforcementDays: 5, nonEnforcementDays: 5 }),
    ).toBe(0);
  });
  it('rejects negative input', () => {
    expect(() =>
      inspectionCapacity({ legalWorkdays: -1, inspectors: 1, otherEnforcementDays: 0, nonEnforcementDays: 0 }),
    ).toThrow(RangeError);
  });
  it('inspections from inspector-days: two officers a day by default, rounded down', () => {
    expect(inspectionsFromCapacity(500)).toBe(250);
    expect(inspectionsFromCapacity(5)).toBe(2);
    expect(inspectionsFromCapacity(5, 1)).toBe(5);
    expect(() => inspectionsFromCapacity(5, 0)).toThrow(RangeError);
  });
});

describe('planPeriods', () => {
  it('months, quarters, the year; equal runs of days otherwise', () => {
    const months = planPeriods(2025, 12);
    expect(months.map((m) => m.length)).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(planPeriods(2024, 4).map((q) => q.length)).toEqual([91, 91, 92, 92]);
    expect(planPeriods(2025, 1)[0]).toHaveLength(365);
    const five = planPeriods(2025, 5);
    expect(five.map((p) => p.length)).toEqual([73, 73, 73, 73, 73]);
    expect(five.flat()).toHaveLength(365);
    expect(() => planPeriods(2025, 0)).toThrow(RangeError);
  });
});

describe('generatePlan', () => {
  const trio: PlanEnterprise[] = [
    { id: 'g', tier: 'general', departmentId: 'emergency' },
    { id: 'h', tier: 'high', departmentId: 'emergency' },
    { id: 'l', tier: 'low', departmentId: 'emergency' },
  ];

  it('covers every tier at its frequency when capacity allows', () => {
    const p = plan(trio, { capacity: 17 });
    expect(p.uncovered).toEqual([]);
    expect(p.plannedTotal).toBe(17);
    expect(p.plannedByDepartment).toEqual({ emergency: 17 });
    const byId = Object.fromEntries(p.items.map((i) => [i.enterpriseId, i]));
    expect(byId.h?.dates).toHaveLength(12);
    expect(byId.g?.dates).toHaveLength(4);
    expect(byId.l?.dates).toHaveLength(1);
    expect(byId.l?.commitmentRequired).toBe(true);
    expect(byId.h?.commitmentRequired).toBe(false);
    // Items keep the input order.
    expect(p.items.map((i) => i.enterpriseId)).toEqual(['g', 'h', 'l']);
  });

  it('spreads: monthly one date a month, quarterly one a quarter, ascending', () => {
    const p = plan(trio);
    const h = p.items.find((i) => i.enterpriseId === 'h')?.dates ?? [];
    expect(h.map(month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const g = p.items.find((i) => i.enterpriseId === 'g')?.dates ?? [];
    expect(g.map((d) => Math.ceil(month(d) / 3))).toEqual([1, 2, 3, 4]);
    expect([...g].sort()).toEqual(g);
  });

  it('avoids the quiet period and weekends', () => {
    const all = plan(trio).items.flatMap((i) => i.dates);
    expect(all).toHaveLength(17);
    for (const d of all) {
      expect(day(d)).toBeGreaterThan(15);
      expect(isWeekend(d)).toBe(false);
    }
  });

  it("uses the enterprise's own quiet period when it has one", () => {
    const p = plan([{ id: 'x', tier: 'high', departmentId: 'd', quietPeriod: { fromDay: 10, toDay: 31 } }]);
    for (const d of p.items[0]?.dates ?? []) expect(day(d)).toBeLessThan(10);
    const none = plan([{ id: 'x', tier: 'high', departmentId: 'd', quietPeriod: null }], { capacity: 12 });
    expect(none.items[0]?.dates).toHaveLength(12);
  });

  it('spreads enterprises of one department and tier across the allowed days', () => {
    const four = ['a', 'b', 'c', 'd'].map((id) => ({ id, tier: 'general' as const, departmentId: 'x' }));
    const p = plan(four);
    const firstQuarter = p.items.map((i) => i.dates[0] ?? '');
    expect(new Set(firstQuarter).size).toBe(4);
    expect([...firstQuarter].sort()).toEqual(firstQuarter);
    // Quarter 1 allowed days run from mid-January to the end of March: the first and last are far apart.
    expect(month(firstQuarter[0] ?? '')).toBe(1);
    expect(month(firstQuarter[3] ?? '')).toBe(3);
  });

  it('avoids holidays', () => {
    const one = [{ id: 'l', tier: 'low' as const, departmentId: 'x' }];
    const first = plan(one).items[0]?.dates[0] ?? '';
    const again = plan(one, { holidays: [first] }).items[0]?.dates[0];
    expect(again).toBeDefined();
    expect(again).not.toBe(first);
  });

  it('never plans over capacity; high first, then general, then low; reports the rest', () => {
    const p = plan(trio, { capacity: 16 });
    expect(p.plannedTotal).toBe(16);
    expect(p.items.map((i) => i.enterpriseId)).toEqual(['g', 'h']);
    expect(p.uncovered).toEqual([
      { enterpriseId: 'l', departmentId: 'emergency', tier: 'low', required: 1, available: 0, reason: 'capacity' },
    ]);
  });

  it('skips an enterprise that does not fit and still covers smaller ones', () => {
    const p = plan(trio, { capacity: 13 });
    expect(p.items.map((i) => i.enterpriseId)).toEqual(['h', 'l']);
    expect(p.uncovered).toEqual([
      { enterpriseId: 'g', departmentId: 'emergency', tier: 'general', required: 4, available: 1, reason: 'capacity' },
    ]);
    expect(p.plannedTotal).toBe(13);
  });

  it('zero capacity covers nothing', () => {
    const p = plan(trio, { capacity: 0 });
    expect(p.items).toEqual([]);
    expect(p.uncovered.map((u) => u.enterpriseId)).toEqual(['h', 'g', 'l']);
    expect(p.plannedTotal).toBe(0);
  });

  it('capacity per department', () => {
    const p = plan(
      [
        { id: 'a', tier: 'high', departmentId: 'emergency' },
        { id: 'b', tier: 'high', departmentId: 'housing' },
        { id: 'c', tier: 'low', departmentId: 'transport' },
      ],
      { capacity: { emergency: 12, housing: 11 } },
    );
    expect(p.items.map((i) => i.enterpriseId)).toEqual(['a']);
    expect(p.plannedByDepartment).toEqual({ emergency: 12 });
    expect(p.uncovered.map((u) => [u.enterpriseId, u.available])).toEqual([
      ['b', 11],
      ['c', 0],
    ]);
  });

  it('reports an enterprise with a period without any allowed day, and spends no capacity on it', () => {
    // Only day 1 of each month is allowed; in 2025 the 1st of Feb, Mar, Jun and Nov is a weekend.
    const onlyFirst = { fromDay: 2, toDay: 31 };
    const p = plan([{ id: 'x', tier: 'high', departmentId: 'd' }], { quietPeriod: onlyFirst, capacity: 12 });
    expect(p.items).toEqual([]);
    expect(p.uncovered).toMatchObject([{ enterpriseId: 'x', reason: 'no_allowed_day', available: 12 }]);
    expect(p.plannedTotal).toBe(0);
    // Working weekends (调休) make those days allowed.
    const withWork = plan([{ id: 'x', tier: 'high', departmentId: 'd' }], {
      quietPeriod: onlyFirst,
      workingWeekends: ['2025-02-01', '2025-03-01', '2025-06-01', '2025-11-01'],
    });
    expect(withWork.items[0]?.dates.map(day)).toEqual(Array(12).fill(1));
  });

  it('honours a custom frequency', () => {
    const p = plan([{ id: 'x', tier: 'high', departmentId: 'd' }], {
      frequency: {
        low: { perYear: 1, commitmentRequired: true },
        general: { perYear: 2, commitmentRequired: false },
        high: { perYear: 6, commitmentRequired: false },
      },
    });
    expect(p.items[0]?.dates.map((d) => Math.ceil(month(d) / 2))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects a bad year or date', () => {
    expect(() => plan(trio, { year: 99 })).toThrow(RangeError);
    expect(() => plan(trio, { holidays: ['2025-13-01'] })).toThrow(RangeError);
  });
});

describe('proposeJointInspections', () => {
  it('14 days apart is within the window; 15 is not', () => {
    const at14 = proposeJointInspections([
      { enterpriseId: 'e', departmentId: 'a', dates: ['2025-03-17'] },
      { enterpriseId: 'e', departmentId: 'b', dates: ['2025-03-31'] },
    ]);
    expect(at14).toEqual([
      {
        enterpriseId: 'e',
        departmentIds: ['a', 'b'],
        visits: [
          { departmentId: 'a', date: '2025-03-17' },
          { departmentId: 'b', date: '2025-03-31' },
        ],
        proposedDate: '2025-03-17',
      },
    ]);
    const at15 = proposeJointInspections([
      { enterpriseId: 'e', departmentId: 'a', dates: ['2025-03-17'] },
      { enterpriseId: 'e', departmentId: 'b', dates: ['2025-04-01'] },
    ]);
    expect(at15).toEqual([]);
  });

  it('the window is a setting', () => {
    const plans = [
      { enterpriseId: 'e', departmentId: 'a', dates: ['2025-03-17'] },
      { enterpriseId: 'e', departmentId: 'b', dates: ['2025-03-24'] },
    ];
    expect(proposeJointInspections(plans, 7)).toHaveLength(1);
    expect(proposeJointInspections(plans, 6)).toHaveLength(0);
  });

  it('one department alone is not a joint inspection', () => {
    expect(
      proposeJointInspections([{ enterpriseId: 'e', departmentId: 'a', dates: ['2025-03-17', '2025-03-20'] }]),
    ).toEqual([]);
  });

  it('different enterprises never merge', () => {
    expect(
      proposeJointInspections([
        { enterpriseId: 'e1', departmentId: 'a', dates: ['2025-03-17'] },
        { enterpriseId: 'e2', departmentId: 'b', dates: ['2025-03-17'] },
      ]),
    ).toEqual([]);
  });

  it('three departments within the window: one group, median date', () => {
    const r = proposeJointInspections([
      { enterpriseId: 'e', departmentId: 'c', dates: ['2025-03-31'] },
      { enterpriseId: 'e', departmentId: 'a', dates: ['2025-03-17'] },
      { enterpriseId: 'e', departmentId: 'b', dates: ['2025-03-20'] },
    ]);
    expect(r).toHaveLength(1);
    expect(r[0]?.departmentIds).toEqual(['a', 'b', 'c']);
    expect(r[0]?.proposedDate).toBe('2025-03-20');
  });

  it('the window runs from the first visit of the group', () => {
    const r = proposeJointInspections([
      { enterpriseId: 'e', departmentId: 'a', dates: ['2025-03-17'] },
      { enterpriseId: 'e', departmentId: 'b', dates: ['2025-03-20'] },
      { enterpriseId: 'e', departmentId: 'c', dates: ['2025-04-01'] },
    ]);
    expect(r.map((p) => p.departmentIds)).toEqual([['a', 'b']]);
  });

  it('a second visit of the same department goes to the next group', () => {
    const r = proposeJointInspections([
      { enterpriseId: 'e', departmentId: 'a', dates: ['2025-03-17', '2025-03-19'] },
      { enterpriseId: 'e', departmentId: 'b', dates: ['2025-03-18', '2025-03-25'] },
    ]);
    expect(r.map((p) => p.visits.map((v) => `${v.departmentId}@${v.date}`))).toEqual([
      ['a@2025-03-17', 'b@2025-03-18'],
      ['a@2025-03-19', 'b@2025-03-25'],
    ]);
  });

  it('two departments planning the same key enterprise: a joint proposal every month', () => {
    const p = plan([
      { id: 'e', tier: 'high', departmentId: 'emergency' },
      { id: 'e', tier: 'high', departmentId: 'fire' },
    ]);
    const r = proposeJointInspections(p.items);
    expect(r).toHaveLength(12);
    expect(r.every((x) => x.departmentIds.join() === 'emergency,fire')).toBe(true);
  });
});
