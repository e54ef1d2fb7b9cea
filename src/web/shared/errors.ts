import type { FormInstance } from 'antd';
import type { FieldError } from '../../core/errors';
import { translate, translateDynamic } from '../app/i18n';
import { ApiError } from './api';
import { formatDateTime } from './format';

/** The message a person reads for any failure: by the API's stable error code, in the current language. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'ACCOUNT_LOCKED' && typeof err.extra.lockedUntil === 'string') {
      return translate('errors.ACCOUNT_LOCKED_UNTIL', { time: formatDateTime(err.extra.lockedUntil) });
    }
    return translateDynamic(`errors.${err.code}`) ?? err.message;
  }
  if (err instanceof Error && err.name === 'AbortError') return translate('errors.NETWORK');
  return translate('errors.INTERNAL');
}

/** A field message from the server or from zod: a stable key (`credit_code.check`) with its parameters. */
export function fieldMessage(message: string, params?: Record<string, string | number>): string {
  return translateDynamic(`fieldErrors.${message}`, params) ?? message;
}

export type NamePath = (string | number)[];

/** `licences.0.expiry` → `['licences', 0, 'expiry']`. */
export function toNamePath(path: string): NamePath {
  return path
    .split('.')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * Puts field errors onto an AntD form's fields (the first path segment must be one of `known`);
 * returns the errors that belong to no field, for a general message.
 */
export function applyFieldErrors(
  form: Pick<FormInstance, 'setFields'>,
  fields: readonly { path: NamePath; text: string }[],
  known: readonly string[],
): { path: NamePath; text: string }[] {
  const onForm = fields.filter((f) => typeof f.path[0] === 'string' && known.includes(f.path[0]));
  const grouped = new Map<string, { name: NamePath; errors: string[] }>();
  for (const f of onForm) {
    const k = f.path.join('.');
    const g = grouped.get(k) ?? { name: f.path, errors: [] };
    g.errors.push(f.text);
    grouped.set(k, g);
  }
  form.setFields([...grouped.values()]);
  return fields.filter((f) => !onForm.includes(f));
}

/** Server field errors in the shape `applyFieldErrors` takes. */
export function serverFieldErrors(fields: readonly FieldError[]): { path: NamePath; text: string }[] {
  return fields.map((f) => ({ path: toNamePath(f.path), text: fieldMessage(f.message, f.params) }));
}
