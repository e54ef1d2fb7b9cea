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

/**
 * One field's problem. `message` is a stable key the web app translates (`credit_code.check`, `required`,
 * `too_small_n`), `params` fills its placeholders (`{min: 10}`).
 */
export interface FieldError {
  path: string;
  message: string;
  params?: Record<string, string | number>;
}

/** A schema's own message that is already a stable key (`credit_code.check`), not zod's English sentence. */
const STABLE_KEY = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
export const isStableKey = (message: string) => STABLE_KEY.test(message);

/** The fields of a zod issue this mapping reads (zod's own `$ZodIssue` satisfies it; core does not import zod). */
export interface IssueLike {
  code: string;
  message: string;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  expected?: unknown;
  input?: unknown;
}

/**
 * The stable key (and its parameters) for one zod issue: the schema's own key when it gave one, else a key by
 * the kind of issue. Used by the server for request validation and by the Excel import, and by the web app for
 * its own form checks, so one input gets the same words wherever it is checked.
 */
export function issueKey(issue: IssueLike): Pick<FieldError, 'message' | 'params'> {
  if (isStableKey(issue.message)) return { message: issue.message };
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return { message: 'required' };
      return { message: 'too_small_n', params: { min: String(issue.minimum) } };
    case 'too_big':
      return { message: 'too_big_n', params: { max: String(issue.maximum) } };
    case 'invalid_type':
      // zod reports a missing value as "expected X, received undefined".
      return { message: /received undefined/.test(issue.message) ? 'required' : 'invalid' };
    default:
      return { message: 'invalid' };
  }
}

export interface ApiErrorBody {
  error: { code: ErrorCode | string; message: string; fields?: FieldError[]; [k: string]: unknown };
}
