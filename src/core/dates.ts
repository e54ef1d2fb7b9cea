/** Calendar dates are Asia/Shanghai dates; instants are UTC. A deadline is the end of its local day. */
export const DISPLAY_TZ = 'Asia/Shanghai';
const fmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: DISPLAY_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The local (Asia/Shanghai) calendar date of an instant, as YYYY-MM-DD. */
export function localDate(at: Date): string {
  return fmt.format(at);
}

/** Whole days from one YYYY-MM-DD to another (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The last instant of a local calendar day (23:59:59.999 in Asia/Shanghai, UTC+8 without DST). */
export function endOfLocalDay(date: string): Date {
  return new Date(Date.parse(`${date}T23:59:59.999+08:00`));
}
