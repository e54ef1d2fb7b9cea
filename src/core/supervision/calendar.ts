/**
 * Calendar helpers for the supervision rules, on top of `src/core/dates.ts` (Asia/Shanghai dates, YYYY-MM-DD).
 *
 * Periods in months or years follow 民法典 §201 (the first day is not counted) and §202 (a period in months or
 * years ends on the corresponding day of the last month; without such a day, on the last day of that month).
 */
import { localDate } from '../dates.js';

/** Bilingual text shown to users (zh-CN first, ARCHITECTURE.md §4 "Chinese first"). */
export interface LocalizedText {
  zh: string;
  en: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a calendar date `YYYY-MM-DD`. @throws RangeError when it is not a real date. */
export function parseIsoDate(date: string): { year: number; month: number; day: number } {
  const m = ISO_DATE.exec(date);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const t = new Date(Date.UTC(year, month - 1, day));
    if (t.getUTCFullYear() === year && t.getUTCMonth() === month - 1 && t.getUTCDate() === day) {
      return { year, month, day };
    }
  }
  throw new RangeError(`Not a calendar date YYYY-MM-DD: ${date}`);
}

export function formatIsoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days in a month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day of the week of a calendar date: 0 Sunday … 6 Saturday. */
export function dayOfWeek(date: string): number {
  const { year, month, day } = parseIsoDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/**
 * The last day of a period of `months` months starting on `date` (民法典 §201, §202): the corresponding day
 * `months` later, or the last day of that month when it has no such day. `addMonths('2024-01-31', 1)` →
 * `2024-02-29`.
 */
export function addMonths(date: string, months: number): string {
  const { year, month, day } = parseIsoDate(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return formatIsoDate(y, m, Math.min(day, daysInMonth(y, m)));
}

/** The local (Asia/Shanghai) day of the month of an instant. */
export function localDayOfMonth(at: Date): number {
  return Number(localDate(at).slice(8, 10));
}

/** Every calendar date of a year, in order. */
export function datesOfYear(year: number): string[] {
  const out: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const n = daysInMonth(year, m);
    for (let d = 1; d <= n; d++) out.push(formatIsoDate(year, m, d));
  }
  return out;
}
