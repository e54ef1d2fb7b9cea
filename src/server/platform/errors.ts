import type { ErrorCode, FieldError } from '../../core/errors.js';

/** A failure the caller can act on: mapped to its HTTP status and `{error: {code, message, fields}}`. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what = 'record') =>
  new AppError(404, 'NOT_FOUND', `No such ${what}, or it is outside your jurisdiction`);
export const forbidden = (message = 'You may not do this') => new AppError(403, 'FORBIDDEN', message);
export const badRequest = (message: string, fields?: FieldError[]) => new AppError(400, 'VALIDATION', message, fields);
export const staleVersion = (currentVersion: number) =>
  new AppError(409, 'STALE_VERSION', 'Someone else changed this record; reload and try again', undefined, {
    currentVersion,
  });
