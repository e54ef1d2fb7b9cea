/**
 * The deadline escalation ladder of a hazard, and the enterprise listing with yellow and red cards.
 *
 * The ladder is a local mechanism of the county notice (seed 一(八): "督导+约谈+提醒+警告", "挂牌督办、调度通报",
 * "红黄牌警告"); it has no national numbers, so every number is a county setting (RULES.md, preamble) and the tests
 * check the mechanism.
 *
 * Time: a deadline `YYYY-MM-DD` ends at 24:00 of that local day (民法典 §203 ¶2: 期间的最后一日的截止时间为二十四时;
 * ARCHITECTURE.md §4), i.e. 23:59:59.999 Asia/Shanghai. Days overdue are counted from the next local day (民法典
 * §201: 开始的当日不计入). No holiday shift (§203 ¶1) is applied: a rectification deadline is a date a person chose.
 */
import { z } from 'zod';
import type { HazardLevel, HazardStatus } from './workflow.js';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;

export interface EscalationSettings {
  /** Remind the enterprise when this many days or fewer remain (0 = on the deadline day only). */
  remindDaysBefore: number;
  /** Summon (约谈) the enterprise's head once the hazard is this many days overdue. */
  summonAfterDaysOverdue: number;
  /** List a major hazard for supervision (挂牌督办) once it is this many days overdue (1 = from the first day). */
  majorListingAfterDaysOverdue: number;
  /** An enterprise with this many overdue hazards within listingWindowDays is listed. */
  listingOverdueCountThreshold: number;
  listingWindowDays: number;
  /** A listing within this many days of a previous one earns a red card instead of a yellow one. */
  redCardWindowDays: number;
}

export const DEFAULT_ESCALATION_SETTINGS: Readonly<EscalationSettings> = Object.freeze({
  remindDaysBefore: 3,
  summonAfterDaysOverdue: 7,
  majorListingAfterDaysOverdue: 1,
  listingOverdueCountThreshold: 3,
  listingWindowDays: 90,
  redCardWindowDays: 365,
});

const days = z.number().int().max(3650);
/** County configuration of the ladder; omitted keys take the defaults. */
export const escalationSettingsSchema = z.object({
  remindDaysBefore: days.min(0).default(DEFAULT_ESCALATION_SETTINGS.remindDaysBefore),
  summonAfterDaysOverdue: days.min(1).default(DEFAULT_ESCALATION_SETTINGS.summonAfterDaysOverdue),
  majorListingAfterDaysOverdue: days.min(1).default(DEFAULT_ESCALATION_SETTINGS.majorListingAfterDaysOverdue),
  listingOverdueCountThreshold: days.min(1).default(DEFAULT_ESCALATION_SETTINGS.listingOverdueCountThreshold),
  listingWindowDays: days.min(1).default(DEFAULT_ESCALATION_SETTINGS.listingWindowDays),
  redCardWindowDays: days.min(1).default(DEFAULT_ESCALATION_SETTINGS.redCardWindowDays),
}) satisfies z.ZodType<EscalationSettings, unknown>;

// ---------------------------------------------------------------------------------------------------------
// Calendar dates in a time zone
// ---------------------------------------------------------------------------------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(date: string): [number, number, number] {
  const m = ISO_DATE.exec(date);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d) return [y, mo, d];
  }
  throw new RangeError(`Not a calendar date YYYY-MM-DD: ${date}`);
}

function formatUtcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` plus n calendar days. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = parseDate(date);
  return formatUtcDate(Date.UTC(y, m - 1, d + n));
}

/** Calendar days from a to b (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

// Day numbers of the dates seen lately: a list page asks for the days left of 20 deadlines, mostly the same few.
const dayNumbers = new Map<string, number>();
function dayNumber(date: string): number {
  let n = dayNumbers.get(date);
  if (n === undefined) {
    const [y, m, d] = parseDate(date);
    n = Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
    if (dayNumbers.size >= 4096) dayNumbers.clear();
    dayNumbers.set(date, n);
  }
  return n;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function zonedParts(ms: number, timeZone: string): [number, number, number, number, number, number] {
  const get = (parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value ?? Number.NaN);
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  return [
    get(parts, 'year'),
    get(parts, 'month'),
    get(parts, 'day'),
    get(parts, 'hour'),
    get(parts, 'minute'),
    get(parts, 'second'),
  ];
}

/** Offset of the zone from UTC at this instant, in ms (+8 h for Asia/Shanghai). */
function offsetMs(ms: number, timeZone: string): number {
  const [y, mo, d, h, mi, s] = zonedParts(ms, timeZone);
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return Date.UTC(y, mo - 1, d, h, mi, s) - wholeSecond;
}

/** The local day last asked for in each zone, with the instants it spans. */
const lastDays = new Map<string, { from: number; to: number; date: string }>();

/** The local calendar date of an instant in the zone. */
export function localDate(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const ms = instant.getTime();
  const last = lastDays.get(timeZone);
  if (last && ms >= last.from && ms < last.to) return last.date;
  const date = zonedDate(ms, timeZone);
  // Keep the day's span when its ends check out (they would not where DST skips midnight): every request asks
  // for today, and Intl's formatToParts is the costly part of it.
  const from = localDayStart(date, timeZone).getTime();
  const to = localDayStart(addDays(date, 1), timeZone).getTime();
  if (ms >= from && ms < to && zonedDate(from, timeZone) === date && zonedDate(to - 1, timeZone) === date) {
    lastDays.set(timeZone, { from, to, date });
  }
  return date;
}

function zonedDate(ms: number, timeZone: string): string {
  const [y, m, d] = zonedParts(ms, timeZone);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The instant local midnight begins `date` in the zone (for zones whose midnight is never skipped by DST). */
export function localDayStart(date: string, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const [y, m, d] = parseDate(date);
  const wall = Date.UTC(y, m - 1, d);
  const first = wall - offsetMs(wall, timeZone);
  return new Date(wall - offsetMs(first, timeZone));
}

/** The last millisecond of the local day `deadline`: 23:59:59.999, i.e. the next local midnight minus 1 ms. */
export function deadlineEnd(deadline: string, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return new Date(localDayStart(addDays(deadline, 1), timeZone).getTime() - 1);
}

// ---------------------------------------------------------------------------------------------------------
// Per-hazard ladder
// ---------------------------------------------------------------------------------------------------------

export const ESCALATION_STEPS = ['remind', 'overdue', 'summon', 'listing'] as const;
export type EscalationStepKind = (typeof ESCALATION_STEPS)[number];

export interface EscalationStep {
  step: EscalationStepKind;
  /**
   * `remind@2025-06-30`: stable per step and deadline. The job stores `hazardId + key` under a unique
   * constraint, so each step fires once per deadline and a new deadline (extension, return) starts a new ladder.
   */
  key: string;
  /** When the step became due. */
  dueAt: Date;
}

export interface EscalationHazard {
  level: HazardLevel;
  /** The current deadline; null while a major hazard awaits confirmation. */
  deadline: string | null;
  status: HazardStatus;
}

export interface DueStepsInput {
  hazard: EscalationHazard;
  now: Date;
  settings?: EscalationSettings;
  timeZone?: string;
}

/**
 * The steps due now, in ladder order. Only a hazard in `rectifying` escalates: the enterprise holds the ball.
 * With D = today's local date − deadline (calendar days; today = deadline gives 0):
 * - remind  when 0 ≤ −D ≤ remindDaysBefore (from local midnight remindDaysBefore days before, until the deadline ends);
 * - overdue when D ≥ 1 (from the local midnight after the deadline);
 * - summon  when D ≥ summonAfterDaysOverdue ("以上" includes the bound: 7 → from the 7th overdue day);
 * - listing when the hazard is major and D ≥ majorListingAfterDaysOverdue (挂牌督办).
 * Steps stay due while their condition holds (a missed run catches up); a passed remind is dropped once overdue.
 */
export function dueSteps({
  hazard,
  now,
  settings = DEFAULT_ESCALATION_SETTINGS,
  timeZone = DEFAULT_TIME_ZONE,
}: DueStepsInput): EscalationStep[] {
  const { deadline } = hazard;
  if (hazard.status !== 'rectifying' || deadline === null) return [];
  const d = daysBetween(deadline, localDate(now, timeZone));
  const steps: EscalationStep[] = [];
  const step = (kind: EscalationStepKind, fromDay: number) =>
    steps.push({ step: kind, key: `${kind}@${deadline}`, dueAt: localDayStart(addDays(deadline, fromDay), timeZone) });

  const remindFrom = Math.max(0, settings.remindDaysBefore);
  if (d <= 0 && -d <= remindFrom) step('remind', -remindFrom);
  if (d >= 1) step('overdue', 1);
  const summonFrom = Math.max(1, settings.summonAfterDaysOverdue);
  if (d >= summonFrom) step('summon', summonFrom);
  const listFrom = Math.max(1, settings.majorListingAfterDaysOverdue);
  if (hazard.level === 'major' && d >= listFrom) step('listing', listFrom);
  return steps;
}

// ---------------------------------------------------------------------------------------------------------
// Enterprise listing and cards
// ---------------------------------------------------------------------------------------------------------

export type WarningCard = 'yellow' | 'red';

export interface EnterpriseListingInput {
  /**
   * Hazards of the enterprise that became overdue within the last listingWindowDays and after its most recent
   * listing (so the same overdue hazards do not list it twice).
   */
  overdueHazardsInWindow: number;
  /** Listings of the enterprise within the last redCardWindowDays, not counting the one being decided. */
  listingsInLastYear: number;
}

export interface EnterpriseListingDecision {
  listing: boolean;
  card: WarningCard | null;
}

/**
 * An enterprise is listed (挂牌督办) when it has listingOverdueCountThreshold or more overdue hazards in the window
 * ("以上" includes the bound). A first listing earns a yellow card; another listing within redCardWindowDays
 * earns a red card (红黄牌警告, seed 一(八)).
 */
export function enterpriseListingDue(
  { overdueHazardsInWindow, listingsInLastYear }: EnterpriseListingInput,
  settings: EscalationSettings = DEFAULT_ESCALATION_SETTINGS,
): EnterpriseListingDecision {
  if (overdueHazardsInWindow < settings.listingOverdueCountThreshold) return { listing: false, card: null };
  return { listing: true, card: listingsInLastYear >= 1 ? 'red' : 'yellow' };
}
