/** Stable API error codes; the web app maps each to a zh-CN / en message. */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'BAD_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'PASSWORD_CHANGE_REQUIRED',
  'WEAK_PASSWORD',
  'TOO_MANY_ATTEMPTS',
  'RATE_LIMITED',
  'CSRF',
  'FORBIDDEN',
  'NOT_FOUND',
  'STALE_VERSION',
  'CONFLICT',
  'DUPLICATE',
  'FILE_TOO_LARGE',
  'FILE_TYPE',
  'IMPORT_INVALID',
  'INTERNAL',
  'ILLEGAL_ACTION',
  'FORBIDDEN_ACTION',
  'MISSING_FIELD',
  'INVALID_FIELD',
  // Rules of entry (supervision #4): scheduling refused with the rule named.
  'QUIET_PERIOD',
  'CAP_EXCEEDED',
  'TOO_MANY_INSPECTORS',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  path: string;
  message: string;
}

export interface ApiErrorBody {
  error: { code: ErrorCode | string; message: string; fields?: FieldError[]; [k: string]: unknown };
}
