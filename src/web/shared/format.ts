import { DISPLAY_TZ } from '../../core/dates';

const dateTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: DISPLAY_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An instant (ISO string or Date) shown in Asia/Shanghai as `YYYY-MM-DD HH:mm`. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '';
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return String(value);
  return dateTime.format(d);
}

/** The Asia/Shanghai calendar date of an instant, or a YYYY-MM-DD date as it is. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return formatDateTime(value).slice(0, 10);
}

/** `YYYY-MM-DDT00:00:00+08:00` — the start of a local (Asia/Shanghai) day, for `from`/`to` filters. */
export function startOfLocalDayIso(date: string): string {
  return `${date}T00:00:00+08:00`;
}
