import { describe, expect, it } from 'vitest';
import {
  type AccidentRecord,
  approvalDays,
  classifyReport,
  dishonestyListingDue,
  dishonestyStatus,
  dishonestyTerm,
  gradeAccident,
  gradeRank,
  investigatingLevel,
  LEVEL_REPORT_HOURS,
  levelReportDeadline,
  PRINCIPAL_FINE_PERCENT,
  principalFine,
  reportDeadlines,
  reportRoute,
  reReport,
  reReportWindowDays,
  reReportWindowEnd,
  unitFineRange,
  unitReportDeadline,
} from './accidents.js';

const none = { deaths: 0, seriousInjuries: 0, directLossYuan: 0 };

describe('gradeAccident (493号令 §3)', () => {
  it.each([
    // deaths
    [{ ...none, deaths: 0 }, 'ordinary'],
    [{ ...none, deaths: 2 }, 'ordinary'],
    [{ ...none, deaths: 3 }, 'larger'],
    [{ ...none, deaths: 9 }, 'larger'],
    [{ ...none, deaths: 10 }, 'major'],
    [{ ...none, deaths: 29 }, 'major'],
    [{ ...none, deaths: 30 }, 'especially_major'],
    // serious injuries
    [{ ...none, seriousInjuries: 9 }, 'ordinary'],
    [{ ...none, seriousInjuries: 10 }, 'larger'],
    [{ ...none, seriousInjuries: 49 }, 'larger'],
    [{ ...none, seriousInjuries: 50 }, 'major'],
    [{ ...none, seriousInjuries: 99 }, 'major'],
    [{ ...none, seriousInjuries: 100 }, 'especially_major'],
    // direct loss
    [{ ...none, directLossYuan: 9_999_999 }, 'ordinary'],
    [{ ...none, directLossYuan: 10_000_000 }, 'larger'],
    [{ ...none, directLossYuan: 49_999_999.99 }, 'larger'],
    [{ ...none, directLossYuan: 50_000_000 }, 'major'],
    [{ ...none, directLossYuan: 99_999_999 }, 'major'],
    [{ ...none, directLossYuan: 100_000_000 }, 'especially_major'],
  ] as const)('%o → %s', (c, grade) => {
    expect(gradeAccident(c)).toBe(grade);
  });

  it('takes the highest grade reached by any measure', () => {
    expect(gradeAccident({ deaths: 2, seriousInjuries: 50, directLossYuan: 0 })).toBe('major');
    expect(gradeAccident({ deaths: 3, seriousInjuries: 0, directLossYuan: 100_000_000 })).toBe('especially_major');
    expect(gradeAccident({ deaths: 10, seriousInjuries: 10, directLossYuan: 10_000_000 })).toBe('major');
  });

  it('rejects impossible figures', () => {
    expect(() => gradeAccident({ ...none, deaths: -1 })).toThrow(RangeError);
    expect(() => gradeAccident({ ...none, seriousInjuries: 1.5 })).toThrow(RangeError);
    expect(() => gradeAccident({ ...none, directLossYuan: -1 })).toThrow(RangeError);
    expect(() => gradeAccident({ ...none, directLossYuan: Number.NaN })).toThrow(RangeError);
  });

  it('ranks grades', () => {
    expect(gradeRank('ordinary')).toBeLessThan(gradeRank('larger'));
    expect(gradeRank('major')).toBeLessThan(gradeRank('especially_major'));
  });
});

describe('reporting (493号令 §9–§11)', () => {
  const learnedAt = new Date('2025-06-01T02:00:00Z');
  const plus = (ms: number) => new Date(learnedAt.getTime() + ms);
  const H = 3_600_000;

  it('the unit has 1 hour, each level 2 hours', () => {
    expect(unitReportDeadline(learnedAt)).toEqual(plus(H));
    expect(levelReportDeadline(learnedAt)).toEqual(plus(2 * H));
    expect(LEVEL_REPORT_HOURS).toBe(2);
  });

  it('routes by grade', () => {
    expect(reportRoute('ordinary')).toEqual(['county', 'city']);
    expect(reportRoute('larger')).toEqual(['county', 'city', 'province']);
    expect(reportRoute('major')).toEqual(['county', 'city', 'province', 'state_council']);
    expect(reportRoute('especially_major')).toEqual(['county', 'city', 'province', 'state_council']);
  });

  it('cumulative outer deadlines along the route', () => {
    expect(reportDeadlines(learnedAt, 'major')).toEqual([
      { level: 'county', by: plus(H) },
      { level: 'city', by: plus(3 * H) },
      { level: 'province', by: plus(5 * H) },
      { level: 'state_council', by: plus(7 * H) },
    ]);
  });

  it('exactly 1 hour is on time; 1 ms later is late (迟报)', () => {
    const now = plus(10 * H);
    expect(classifyReport({ learnedAt, reportedAt: plus(H), now })).toBe('on_time');
    expect(classifyReport({ learnedAt, reportedAt: plus(H + 1), now })).toBe('late');
  });

  it('a government level has 2 hours', () => {
    const now = plus(10 * H);
    expect(classifyReport({ learnedAt, reportedAt: plus(2 * H), now, allowanceHours: 2 })).toBe('on_time');
    expect(classifyReport({ learnedAt, reportedAt: plus(2 * H + 1), now, allowanceHours: 2 })).toBe('late');
  });

  it('not reported yet: due until the deadline, then overdue', () => {
    expect(classifyReport({ learnedAt, reportedAt: null, now: plus(H) })).toBe('due');
    expect(classifyReport({ learnedAt, reportedAt: null, now: plus(H + 1) })).toBe('overdue');
  });

  it('found by the authorities before any report is concealment (瞒报)', () => {
    const now = plus(48 * H);
    expect(classifyReport({ learnedAt, reportedAt: null, foundOtherwiseAt: plus(24 * H), now })).toBe('concealed');
    expect(classifyReport({ learnedAt, reportedAt: plus(30 * H), foundOtherwiseAt: plus(24 * H), now })).toBe(
      'concealed',
    );
    // Reported (late) before the authorities found out: late, not concealed.
    expect(classifyReport({ learnedAt, reportedAt: plus(20 * H), foundOtherwiseAt: plus(24 * H), now })).toBe('late');
  });
});

describe('re-reports (493号令 §13)', () => {
  it('30 days, 7 for road traffic and fire', () => {
    expect(reReportWindowDays('other')).toBe(30);
    expect(reReportWindowDays('road_traffic')).toBe(7);
    expect(reReportWindowDays('fire')).toBe(7);
    expect(reReportWindowEnd('2025-06-01', 'other')).toBe('2025-07-01');
    expect(reReportWindowEnd('2025-06-01', 'fire')).toBe('2025-06-08');
  });

  const before = { deaths: 2, seriousInjuries: 0, directLossYuan: 0 };
  const after = { deaths: 3, seriousInjuries: 0, directLossYuan: 0 };
  // 10:00 local on 06-01.
  const occurredAt = new Date('2025-06-01T02:00:00Z');

  it('a death on day 30 regrades the accident; on day 31 it does not', () => {
    const day30 = reReport({ occurredAt, changedAt: new Date('2025-07-01T15:59:00Z'), kind: 'other', before, after });
    expect(day30).toEqual({ withinWindow: true, grade: 'larger', gradeChanged: true, investigatingLevelChanged: true });
    // 2025-07-01T16:00Z is 07-02 00:00 local: day 31.
    const day31 = reReport({ occurredAt, changedAt: new Date('2025-07-01T16:00:00Z'), kind: 'other', before, after });
    expect(day31).toEqual({
      withinWindow: false,
      grade: 'ordinary',
      gradeChanged: false,
      investigatingLevelChanged: false,
    });
  });

  it('road traffic: day 7 in, day 8 out', () => {
    const r7 = reReport({
      occurredAt,
      changedAt: new Date('2025-06-08T10:00:00Z'),
      kind: 'road_traffic',
      before,
      after,
    });
    expect(r7.withinWindow).toBe(true);
    const r8 = reReport({
      occurredAt,
      changedAt: new Date('2025-06-09T10:00:00Z'),
      kind: 'road_traffic',
      before,
      after,
    });
    expect(r8.withinWindow).toBe(false);
  });

  it('a change that keeps the grade', () => {
    const r = reReport({
      occurredAt,
      changedAt: new Date('2025-06-05T00:00:00Z'),
      kind: 'other',
      before: { deaths: 0, seriousInjuries: 1, directLossYuan: 0 },
      after: { deaths: 1, seriousInjuries: 0, directLossYuan: 0 },
    });
    expect(r).toEqual({ withinWindow: true, grade: 'ordinary', gradeChanged: false, investigatingLevelChanged: false });
  });
});

describe('investigation (493号令 §19, §32)', () => {
  it('who investigates', () => {
    expect(investigatingLevel('ordinary')).toBe('county');
    expect(investigatingLevel('larger')).toBe('city');
    expect(investigatingLevel('major')).toBe('province');
    expect(investigatingLevel('especially_major')).toBe('state_council');
  });
  it('approval: 15 days, 30 (+30) for especially major', () => {
    expect(approvalDays('ordinary')).toEqual({ days: 15, maxExtensionDays: 0 });
    expect(approvalDays('major')).toEqual({ days: 15, maxExtensionDays: 0 });
    expect(approvalDays('especially_major')).toEqual({ days: 30, maxExtensionDays: 30 });
  });
});

describe('fines (安全生产法 §114, §95)', () => {
  it('unit fines by grade', () => {
    expect(unitFineRange('ordinary')).toEqual({ minYuan: 300_000, maxYuan: 1_000_000 });
    expect(unitFineRange('larger')).toEqual({ minYuan: 1_000_000, maxYuan: 2_000_000 });
    expect(unitFineRange('major')).toEqual({ minYuan: 2_000_000, maxYuan: 10_000_000 });
    expect(unitFineRange('especially_major')).toEqual({ minYuan: 10_000_000, maxYuan: 20_000_000 });
  });
  it('×2–5 when especially serious', () => {
    expect(unitFineRange('ordinary', true)).toEqual({ minYuan: 600_000, maxYuan: 5_000_000 });
    expect(unitFineRange('especially_major', true)).toEqual({ minYuan: 20_000_000, maxYuan: 100_000_000 });
  });
  it("principal's fine: 40/60/80/100 % of last year's income", () => {
    expect(PRINCIPAL_FINE_PERCENT).toEqual({ ordinary: 40, larger: 60, major: 80, especially_major: 100 });
    expect(principalFine('ordinary', 200_000)).toBe(80_000);
    expect(principalFine('larger', 200_000)).toBe(120_000);
    expect(principalFine('major', 200_000)).toBe(160_000);
    expect(principalFine('especially_major', 200_000)).toBe(200_000);
    expect(principalFine('larger', 100_001)).toBe(60_001); // 60000.6 → 60001
    expect(() => principalFine('larger', -1)).toThrow(RangeError);
  });
});

describe('dishonestyListingDue (令第11号)', () => {
  const acc = (id: string, date: string, grade: AccidentRecord['grade'], extra: Partial<AccidentRecord> = {}) => ({
    id,
    date,
    grade,
    ...extra,
  });

  it('no accidents, or one ordinary or larger accident: not due', () => {
    expect(dishonestyListingDue([])).toEqual({ due: false, reasons: [] });
    expect(dishonestyListingDue([acc('a', '2025-01-01', 'ordinary')]).due).toBe(false);
    expect(dishonestyListingDue([acc('a', '2025-01-01', 'larger')]).due).toBe(false);
  });

  it('a major or especially major accident', () => {
    for (const grade of ['major', 'especially_major'] as const) {
      const r = dishonestyListingDue([acc('a', '2025-01-01', grade)]);
      expect(r.due).toBe(true);
      expect(r.reasons).toEqual([
        expect.objectContaining({ trigger: 'major_accident', accidentIds: ['a'], key: 'major_accident@a' }),
      ]);
    }
  });

  it('two larger accidents within 12 months: the corresponding day is included, the next day is not', () => {
    const within = dishonestyListingDue([acc('b', '2025-03-01', 'larger'), acc('a', '2024-03-01', 'larger')]);
    expect(within.due).toBe(true);
    expect(within.reasons).toEqual([
      expect.objectContaining({
        trigger: 'two_larger_in_12_months',
        accidentIds: ['a', 'b'],
        key: 'two_larger_in_12_months@b',
      }),
    ]);
    const outside = dishonestyListingDue([acc('a', '2024-03-01', 'larger'), acc('b', '2025-03-02', 'larger')]);
    expect(outside.due).toBe(false);
  });

  it('month-end: from 02-29 the 12 months end on 02-28', () => {
    expect(dishonestyListingDue([acc('a', '2024-02-29', 'larger'), acc('b', '2025-02-28', 'larger')]).due).toBe(true);
    expect(dishonestyListingDue([acc('a', '2024-02-29', 'larger'), acc('b', '2025-03-01', 'larger')]).due).toBe(false);
  });

  it('two larger accidents on the same day', () => {
    const r = dishonestyListingDue([acc('a', '2025-05-05', 'larger'), acc('b', '2025-05-05', 'larger')]);
    expect(r.reasons.map((x) => x.key)).toEqual(['two_larger_in_12_months@b']);
  });

  it('a larger and an ordinary accident do not pair', () => {
    expect(dishonestyListingDue([acc('a', '2025-01-01', 'larger'), acc('b', '2025-02-01', 'ordinary')]).due).toBe(
      false,
    );
  });

  it('the third larger accident lists again with both earlier ones', () => {
    const r = dishonestyListingDue([
      acc('a', '2025-01-01', 'larger'),
      acc('b', '2025-02-01', 'larger'),
      acc('c', '2025-03-01', 'larger'),
    ]);
    expect(r.reasons.map((x) => [x.key, x.accidentIds])).toEqual([
      ['two_larger_in_12_months@b', ['a', 'b']],
      ['two_larger_in_12_months@c', ['a', 'b', 'c']],
    ]);
  });

  it('multiplied fine, concealment, principal fled — even for an ordinary accident', () => {
    const r = dishonestyListingDue([
      acc('a', '2025-01-01', 'ordinary', { multipliedFine: true }),
      acc('b', '2025-02-01', 'ordinary', { concealedOrFalsified: true }),
      acc('c', '2025-03-01', 'ordinary', { principalFledOrNoRescue: true }),
    ]);
    expect(r.reasons.map((x) => x.key)).toEqual(['multiplied_fine@a', 'concealed@b', 'principal_fled@c']);
    expect(r.reasons[1]?.text.zh).toBe('瞒报、谎报生产安全事故');
  });

  it('rejects a bad date', () => {
    expect(() => dishonestyListingDue([acc('a', '2025-02-30', 'larger')])).toThrow(RangeError);
  });
});

describe('dishonesty term: 3 years, early removal after 12 months', () => {
  it('term dates', () => {
    expect(dishonestyTerm('2024-03-01')).toEqual({ lastListedDay: '2027-03-01', earlyRemovalFrom: '2025-03-02' });
    expect(dishonestyTerm('2024-02-29')).toEqual({ lastListedDay: '2027-02-28', earlyRemovalFrom: '2025-03-01' });
  });
  it.each([
    ['2024-02-29', false, false],
    ['2024-03-01', true, false],
    ['2025-03-01', true, false],
    ['2025-03-02', true, true],
    ['2027-03-01', true, true],
    ['2027-03-02', false, false],
  ] as const)('listed 2024-03-01, as of %s: listed %s, early removal %s', (asOf, listed, early) => {
    expect(dishonestyStatus('2024-03-01', asOf)).toEqual({ listed, earlyRemovalEligible: early });
  });
});
