import { describe, expect, it } from 'vitest';
import {
  addDays,
  DEFAULT_ESCALATION_SETTINGS,
  daysBetween,
  deadlineEnd,
  dueSteps,
  type EscalationHazard,
  enterpriseListingDue,
  escalationSettingsSchema,
  localDate,
  localDayStart,
} from './escalation.js';

/** An instant given as Asia/Shanghai wall time. */
const cst = (wall: string) => new Date(`${wall}+08:00`);
const kinds = (h: EscalationHazard, now: Date, settings = DEFAULT_ESCALATION_SETTINGS) =>
  dueSteps({ hazard: h, now, settings }).map((s) => s.step);

describe('calendar helpers', () => {
  it('deadlineEnd is 23:59:59.999 local (UTC+8) on the deadline day', () => {
    expect(deadlineEnd('2025-06-30').toISOString()).toBe('2025-06-30T15:59:59.999Z');
    expect(deadlineEnd('2025-12-31').toISOString()).toBe('2025-12-31T15:59:59.999Z');
    expect(deadlineEnd('2024-02-29').toISOString()).toBe('2024-02-29T15:59:59.999Z');
    expect(deadlineEnd('2025-06-30', 'UTC').toISOString()).toBe('2025-06-30T23:59:59.999Z');
    // A zone with daylight saving: 2025-03-09 is 23 h long in New York; the next midnight is EDT (UTC−4).
    expect(deadlineEnd('2025-03-09', 'America/New_York').toISOString()).toBe('2025-03-10T03:59:59.999Z');
    expect(deadlineEnd('2025-03-08', 'America/New_York').toISOString()).toBe('2025-03-09T04:59:59.999Z');
  });

  it('rejects what is not a calendar date', () => {
    for (const bad of ['2025-02-29', '2025-13-01', '2025-6-30', '', '2025-06-30T00:00']) {
      expect(() => deadlineEnd(bad)).toThrow(RangeError);
    }
  });

  it('local date and day start around midnight in UTC+8', () => {
    expect(localDate(new Date('2025-06-30T15:59:59.999Z'))).toBe('2025-06-30');
    expect(localDate(new Date('2025-06-30T16:00:00.000Z'))).toBe('2025-07-01');
    expect(localDayStart('2025-07-01').toISOString()).toBe('2025-06-30T16:00:00.000Z');
    expect(addDays('2025-06-30', 1)).toBe('2025-07-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2025-06-30', '2025-07-07')).toBe(7);
    expect(daysBetween('2025-07-07', '2025-06-30')).toBe(-7);
  });

  it('answers every instant from the remembered day without mixing days or zones', () => {
    // Back and forth across midnight in Shanghai, with other zones in between, and across DST in New York
    // (2025-03-09 is 23 hours long there; 2025-11-02 is 25).
    const asks: [string, string | undefined, string][] = [
      ['2025-06-30T16:00:00.000Z', undefined, '2025-07-01'],
      ['2025-06-30T15:59:59.999Z', undefined, '2025-06-30'],
      ['2025-06-30T12:00:00.000Z', 'America/New_York', '2025-06-30'],
      ['2025-07-01T15:59:59.999Z', undefined, '2025-07-01'],
      ['2025-07-01T16:00:00.000Z', undefined, '2025-07-02'],
      ['2025-07-01T03:59:59.999Z', 'America/New_York', '2025-06-30'],
      ['2025-07-01T04:00:00.000Z', 'America/New_York', '2025-07-01'],
      ['2025-03-09T04:59:59.999Z', 'America/New_York', '2025-03-08'],
      ['2025-03-09T05:00:00.000Z', 'America/New_York', '2025-03-09'],
      ['2025-03-10T03:59:59.999Z', 'America/New_York', '2025-03-09'],
      ['2025-03-10T04:00:00.000Z', 'America/New_York', '2025-03-10'],
      ['2025-11-02T04:00:00.000Z', 'America/New_York', '2025-11-02'],
      ['2025-11-03T04:59:59.999Z', 'America/New_York', '2025-11-02'],
      ['2025-11-03T05:00:00.000Z', 'America/New_York', '2025-11-03'],
      ['2025-06-30T16:00:00.000Z', 'UTC', '2025-06-30'],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [at, zone, date] of asks) expect(localDate(new Date(at), zone), `${at} ${zone}`).toBe(date);
    }
  });
});

describe('dueSteps over a simulated month', () => {
  const general: EscalationHazard = { level: 'general', deadline: '2025-06-30', status: 'rectifying' };
  const major: EscalationHazard = { ...general, level: 'major' };

  /** Expected steps per local day, written as ranges (deadline 2025-06-30, defaults 3 / 7 / 1). */
  function expectedFor(day: string, isMajor: boolean): string[] {
    if (day < '2025-06-27') return [];
    if (day <= '2025-06-30') return ['remind'];
    const listing = isMajor ? ['listing'] : [];
    if (day < '2025-07-07') return ['overdue', ...listing];
    return ['overdue', 'summon', ...listing];
  }

  it('day by day from 1 June to 31 July, at local 00:00, 12:00 and 23:59:59.999', () => {
    for (let day = '2025-06-01'; day <= '2025-07-31'; day = addDays(day, 1)) {
      for (const time of ['00:00:00.000', '12:00:00.000', '23:59:59.999']) {
        const now = cst(`${day}T${time}`);
        expect(kinds(general, now), `general ${day} ${time}`).toEqual(expectedFor(day, false));
        expect(kinds(major, now), `major ${day} ${time}`).toEqual(expectedFor(day, true));
      }
    }
  });

  it('boundaries to the millisecond', () => {
    // remind starts at local midnight three days before
    expect(kinds(general, new Date('2025-06-26T15:59:59.999Z'))).toEqual([]);
    expect(kinds(general, new Date('2025-06-26T16:00:00.000Z'))).toEqual(['remind']);
    // overdue starts the moment the deadline day ends
    expect(kinds(major, deadlineEnd('2025-06-30'))).toEqual(['remind']);
    expect(kinds(major, new Date(deadlineEnd('2025-06-30').getTime() + 1))).toEqual(['overdue', 'listing']);
    // exactly 7 days overdue (local 7 July) summons; 6 days does not
    expect(kinds(general, new Date('2025-07-06T15:59:59.999Z'))).toEqual(['overdue']);
    expect(kinds(general, new Date('2025-07-06T16:00:00.000Z'))).toEqual(['overdue', 'summon']);
  });

  it('keys carry the deadline and dueAt the moment each step began', () => {
    const steps = dueSteps({ hazard: major, now: cst('2025-07-10T09:00:00.000') });
    expect(steps).toEqual([
      { step: 'overdue', key: 'overdue@2025-06-30', dueAt: new Date('2025-06-30T16:00:00.000Z') },
      { step: 'summon', key: 'summon@2025-06-30', dueAt: new Date('2025-07-06T16:00:00.000Z') },
      { step: 'listing', key: 'listing@2025-06-30', dueAt: new Date('2025-06-30T16:00:00.000Z') },
    ]);
    expect(dueSteps({ hazard: general, now: cst('2025-06-28T09:00:00.000') })).toEqual([
      { step: 'remind', key: 'remind@2025-06-30', dueAt: new Date('2025-06-26T16:00:00.000Z') },
    ]);
  });

  it('an extended deadline produces new keys', () => {
    const extended = { ...general, deadline: '2025-07-15' };
    expect(kinds(extended, cst('2025-07-02T09:00:00.000'))).toEqual([]);
    expect(dueSteps({ hazard: extended, now: cst('2025-07-12T09:00:00.000') }).map((s) => s.key)).toEqual([
      'remind@2025-07-15',
    ]);
    expect(dueSteps({ hazard: extended, now: cst('2025-07-16T00:00:00.000') }).map((s) => s.key)).toEqual([
      'overdue@2025-07-15',
    ]);
  });

  it('only a rectifying hazard with a deadline escalates', () => {
    const late = cst('2025-07-20T12:00:00.000');
    for (const status of ['reported', 'rejected', 'submitted', 'verified', 'closed'] as const) {
      expect(kinds({ ...major, status }, late), status).toEqual([]);
    }
    expect(kinds({ ...major, deadline: null }, late)).toEqual([]);
  });

  it('county settings change the ladder, not the mechanism', () => {
    const s = {
      ...DEFAULT_ESCALATION_SETTINGS,
      remindDaysBefore: 0,
      summonAfterDaysOverdue: 1,
      majorListingAfterDaysOverdue: 5,
    };
    expect(kinds(major, cst('2025-06-29T12:00:00.000'), s)).toEqual([]);
    expect(kinds(major, cst('2025-06-30T00:00:00.000'), s)).toEqual(['remind']);
    expect(kinds(major, cst('2025-07-01T00:00:00.000'), s)).toEqual(['overdue', 'summon']);
    expect(kinds(major, cst('2025-07-04T23:59:59.999'), s)).toEqual(['overdue', 'summon']);
    expect(kinds(major, cst('2025-07-05T00:00:00.000'), s)).toEqual(['overdue', 'summon', 'listing']);
  });

  it('a deadline already within the reminder window at creation is reminded at once', () => {
    const fresh = { ...general, deadline: '2025-06-10' };
    expect(kinds(fresh, cst('2025-06-09T12:00:00.000'))).toEqual(['remind']);
  });
});

describe('settings', () => {
  it('defaults and validation', () => {
    expect(escalationSettingsSchema.parse({})).toEqual(DEFAULT_ESCALATION_SETTINGS);
    expect(DEFAULT_ESCALATION_SETTINGS).toMatchObject({
      remindDaysBefore: 3,
      summonAfterDaysOverdue: 7,
      listingOverdueCountThreshold: 3,
      listingWindowDays: 90,
      redCardWindowDays: 365,
    });
    expect(escalationSettingsSchema.safeParse({ summonAfterDaysOverdue: 0 }).success).toBe(false);
    expect(escalationSettingsSchema.safeParse({ remindDaysBefore: 1.5 }).success).toBe(false);
    expect(escalationSettingsSchema.safeParse({ remindDaysBefore: 0 }).success).toBe(true);
  });
});

describe('enterpriseListingDue', () => {
  it('lists at the threshold ("以上" includes it): first listing yellow, another within a year red', () => {
    expect(enterpriseListingDue({ overdueHazardsInWindow: 2, listingsInLastYear: 0 })).toEqual({
      listing: false,
      card: null,
    });
    expect(enterpriseListingDue({ overdueHazardsInWindow: 2, listingsInLastYear: 3 })).toEqual({
      listing: false,
      card: null,
    });
    expect(enterpriseListingDue({ overdueHazardsInWindow: 3, listingsInLastYear: 0 })).toEqual({
      listing: true,
      card: 'yellow',
    });
    expect(enterpriseListingDue({ overdueHazardsInWindow: 3, listingsInLastYear: 1 })).toEqual({
      listing: true,
      card: 'red',
    });
    expect(enterpriseListingDue({ overdueHazardsInWindow: 9, listingsInLastYear: 2 })).toEqual({
      listing: true,
      card: 'red',
    });
  });

  it('follows the county threshold', () => {
    const s = { ...DEFAULT_ESCALATION_SETTINGS, listingOverdueCountThreshold: 5 };
    expect(enterpriseListingDue({ overdueHazardsInWindow: 4, listingsInLastYear: 0 }, s).listing).toBe(false);
    expect(enterpriseListingDue({ overdueHazardsInWindow: 5, listingsInLastYear: 0 }, s)).toEqual({
      listing: true,
      card: 'yellow',
    });
  });
});
