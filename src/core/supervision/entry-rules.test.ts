import { describe, expect, it } from 'vitest';
import {
  checkEntry,
  DEFAULT_ENTRY_RULE_SETTINGS,
  type EnterpriseEntryRules,
  type EntryCheckInput,
  EXEMPT_INSPECTION_KINDS,
  entryRuleSettingsSchema,
  inQuietPeriod,
  resolveEntryRules,
} from './entry-rules.js';

const rules: EnterpriseEntryRules = {
  quietPeriod: { fromDay: 1, toDay: 15 },
  yearlyCapPerDepartment: 2,
  yearlyCapTotal: 4,
  maxInspectorsPerVisit: 3,
};

/** Local (UTC+8) noon on the given day of March 2025. */
const localNoon = (day: number) => new Date(`2025-03-${String(day).padStart(2, '0')}T04:00:00Z`);

function input(patch: Partial<EntryCheckInput> = {}): EntryCheckInput {
  return {
    kind: 'routine',
    plannedAt: localNoon(20),
    inspectorsCount: 2,
    enterpriseRules: rules,
    countsThisYear: { byDepartment: {}, total: 0 },
    departmentIds: ['emergency'],
    ...patch,
  };
}

describe('checkEntry — routine inspections', () => {
  it('passes outside the quiet period, under the caps', () => {
    expect(checkEntry(input())).toEqual({ ok: true, exempt: false });
  });

  it('quiet period 1–15: days 1 and 15 are quiet, day 16 is not', () => {
    for (const day of [1, 15]) {
      const r = checkEntry(input({ plannedAt: localNoon(day) }));
      expect(r).toMatchObject({ ok: false, code: 'QUIET_PERIOD' });
      if (!r.ok) {
        expect(r.message.zh).toContain('企业安静期（每月 1–15 日）');
        expect(r.message.en).toContain('quiet period (days 1–15 of each month)');
      }
    }
    expect(checkEntry(input({ plannedAt: localNoon(16) }))).toEqual({ ok: true, exempt: false });
  });

  it('reads the local (Asia/Shanghai) day: 23:30 UTC on the 15th is the 16th locally', () => {
    expect(checkEntry(input({ plannedAt: new Date('2025-03-15T23:30:00Z') }))).toEqual({ ok: true, exempt: false });
    // 15:59 UTC on the 15th is 23:59 on the 15th locally; 16:00 UTC is 00:00 on the 16th.
    expect(checkEntry(input({ plannedAt: new Date('2025-03-15T15:59:00Z') }))).toMatchObject({ code: 'QUIET_PERIOD' });
    expect(checkEntry(input({ plannedAt: new Date('2025-03-15T16:00:00Z') }))).toMatchObject({ ok: true });
    // 20:00 UTC on the last day of February is 04:00 on 1 March locally: quiet.
    expect(checkEntry(input({ plannedAt: new Date('2025-02-28T20:00:00Z') }))).toMatchObject({ code: 'QUIET_PERIOD' });
  });

  it('no quiet period when the enterprise has none', () => {
    expect(checkEntry(input({ plannedAt: localNoon(5), enterpriseRules: { ...rules, quietPeriod: null } }))).toEqual({
      ok: true,
      exempt: false,
    });
  });

  it('department cap 2: one done → allowed (reaches the cap); two done → refused (would exceed)', () => {
    expect(checkEntry(input({ countsThisYear: { byDepartment: { emergency: 1 }, total: 1 } }))).toEqual({
      ok: true,
      exempt: false,
    });
    const r = checkEntry(input({ countsThisYear: { byDepartment: { emergency: 2 }, total: 2 } }));
    expect(r).toMatchObject({ ok: false, code: 'CAP_EXCEEDED', departmentId: 'emergency' });
    if (!r.ok) expect(r.message.zh).toContain('同一部门每年对该企业常规检查不得超过 2 次');
  });

  it("another department's count does not bind this one", () => {
    expect(checkEntry(input({ countsThisYear: { byDepartment: { housing: 2 }, total: 2 } }))).toMatchObject({
      ok: true,
    });
  });

  it('total cap 4: three done → allowed; four done → refused', () => {
    expect(checkEntry(input({ countsThisYear: { byDepartment: { a: 2, b: 1 }, total: 3 } }))).toMatchObject({
      ok: true,
    });
    const r = checkEntry(input({ countsThisYear: { byDepartment: { a: 2, b: 2 }, total: 4 } }));
    expect(r).toMatchObject({ ok: false, code: 'CAP_EXCEEDED' });
    if (!r.ok) {
      expect(r.departmentId).toBeUndefined();
      expect(r.message.en).toContain('All departments together');
    }
  });

  it('a joint inspection is refused when any participating department is at its cap', () => {
    const r = checkEntry(
      input({ departmentIds: ['emergency', 'housing'], countsThisYear: { byDepartment: { housing: 2 }, total: 2 } }),
    );
    expect(r).toMatchObject({ ok: false, code: 'CAP_EXCEEDED', departmentId: 'housing' });
  });

  it('inspectors: at the cap allowed, one more refused', () => {
    expect(checkEntry(input({ inspectorsCount: 3 }))).toMatchObject({ ok: true });
    const r = checkEntry(input({ inspectorsCount: 4 }));
    expect(r).toMatchObject({ ok: false, code: 'TOO_MANY_INSPECTORS' });
    if (!r.ok) expect(r.message.zh).toBe('入企检查人员不得超过 3 人（本次 4 人）');
  });

  it('checks inspectors before the quiet period, and the quiet period before the caps', () => {
    const all = input({
      plannedAt: localNoon(3),
      inspectorsCount: 5,
      countsThisYear: { byDepartment: { emergency: 9 }, total: 9 },
    });
    expect(checkEntry(all)).toMatchObject({ code: 'TOO_MANY_INSPECTORS' });
    expect(checkEntry({ ...all, inspectorsCount: 2 })).toMatchObject({ code: 'QUIET_PERIOD' });
    expect(checkEntry({ ...all, inspectorsCount: 2, plannedAt: localNoon(20) })).toMatchObject({
      code: 'CAP_EXCEEDED',
    });
  });

  it('rejects impossible input', () => {
    expect(() => checkEntry(input({ inspectorsCount: 0 }))).toThrow(RangeError);
    expect(() => checkEntry(input({ departmentIds: [] }))).toThrow(RangeError);
  });
});

describe('checkEntry — exempt kinds', () => {
  const blocked = {
    plannedAt: localNoon(5),
    countsThisYear: { byDepartment: { emergency: 9 }, total: 9 },
  };

  it.each(EXEMPT_INSPECTION_KINDS)('%s passes the quiet period and the caps with a reason', (kind) => {
    expect(checkEntry(input({ ...blocked, kind, exemptionReason: '12350 举报：夜间违规动火' }))).toEqual({
      ok: true,
      exempt: true,
    });
  });

  it.each(EXEMPT_INSPECTION_KINDS)('%s needs a non-empty reason', (kind) => {
    for (const exemptionReason of [undefined, null, '', '   ']) {
      const r = checkEntry(input({ ...blocked, kind, exemptionReason }));
      expect(r).toMatchObject({ ok: false, code: 'EXEMPTION_REASON_REQUIRED' });
    }
  });

  it('the inspectors cap binds exempt kinds too', () => {
    expect(checkEntry(input({ kind: 'accident', exemptionReason: '事故核查', inspectorsCount: 4 }))).toMatchObject({
      ok: false,
      code: 'TOO_MANY_INSPECTORS',
    });
  });

  it('a routine inspection needs no reason and ignores one given', () => {
    expect(checkEntry(input({ exemptionReason: 'because' }))).toEqual({ ok: true, exempt: false });
    expect(checkEntry(input({ exemptionReason: 'because', plannedAt: localNoon(2) }))).toMatchObject({
      code: 'QUIET_PERIOD',
    });
  });
});

describe('inQuietPeriod', () => {
  it('bounds included; null is never quiet', () => {
    expect(inQuietPeriod(1, { fromDay: 1, toDay: 20 })).toBe(true);
    expect(inQuietPeriod(20, { fromDay: 1, toDay: 20 })).toBe(true);
    expect(inQuietPeriod(21, { fromDay: 1, toDay: 20 })).toBe(false);
    expect(inQuietPeriod(1, null)).toBe(false);
  });
  it('wraps around the month end when fromDay > toDay', () => {
    const q = { fromDay: 25, toDay: 5 };
    expect(inQuietPeriod(24, q)).toBe(false);
    expect(inQuietPeriod(25, q)).toBe(true);
    expect(inQuietPeriod(31, q)).toBe(true);
    expect(inQuietPeriod(5, q)).toBe(true);
    expect(inQuietPeriod(6, q)).toBe(false);
  });
});

describe('entry settings', () => {
  it('defaults', () => {
    expect(entryRuleSettingsSchema.parse({})).toEqual(DEFAULT_ENTRY_RULE_SETTINGS);
    expect(entryRuleSettingsSchema.parse({ quietPeriod: null }).quietPeriod).toBeNull();
    expect(entryRuleSettingsSchema.safeParse({ quietPeriod: { fromDay: 0, toDay: 15 } }).success).toBe(false);
    expect(entryRuleSettingsSchema.safeParse({ maxInspectorsPerVisit: 0 }).success).toBe(false);
  });
  it('resolves by tier, then the enterprise override', () => {
    expect(resolveEntryRules('high')).toEqual({
      quietPeriod: { fromDay: 1, toDay: 15 },
      yearlyCapPerDepartment: 12,
      yearlyCapTotal: 24,
      maxInspectorsPerVisit: 4,
    });
    expect(resolveEntryRules('low').yearlyCapPerDepartment).toBe(2);
    const r = resolveEntryRules('general', DEFAULT_ENTRY_RULE_SETTINGS, { quietPeriod: null, yearlyCapTotal: 5 });
    expect(r).toEqual({ quietPeriod: null, yearlyCapPerDepartment: 4, yearlyCapTotal: 5, maxInspectorsPerVisit: 4 });
  });
});
