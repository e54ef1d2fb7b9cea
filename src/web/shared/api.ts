import type { FieldError } from '../../core/errors';

/** A failed API call: the server's `{error: {code, message, fields, ...}}` with the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    /** Everything else in `error` (e.g. `errors` of IMPORT_INVALID, `lockedUntil`, `currentVersion`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(err: unknown, code?: string): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

type QueryValue = string | number | boolean | null | undefined | readonly string[];
export type Query = Record<string, QueryValue>;

/** Builds `?a=1&b=x,y` skipping empty values (lists are comma-separated, as the server's listParam reads them). */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) params.set(k, v.join(','));
    } else params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toFieldErrors(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((f) =>
    isRecord(f) && typeof f.path === 'string' ? [{ path: f.path, message: String(f.message ?? '') }] : [],
  );
}

export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (isRecord(body) && isRecord(body.error)) {
    const { code, message, fields, ...extra } = body.error;
    return new ApiError(
      res.status,
      typeof code === 'string' ? code : 'INTERNAL',
      typeof message === 'string' ? message : res.statusText,
      toFieldErrors(fields),
      extra,
    );
  }
  const code = res.status === 401 ? 'UNAUTHENTICATED' : res.status === 404 ? 'NOT_FOUND' : 'INTERNAL';
  return new ApiError(res.status, code, res.statusText || `HTTP ${res.status}`);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  /** JSON body. */
  body?: unknown;
  /** Multipart body (the browser sets the boundary). */
  form?: FormData;
  signal?: AbortSignal;
}

/** Listeners told when any call answers 401 (the session ended); the auth guard sends the user to /login. */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(path + queryString(opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body: body ?? null,
      // Session cookie on same-origin calls; the browser adds Origin to writes, which the CSRF check reads.
      credentials: 'same-origin',
      signal: opts.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) {
    const error = await errorFromResponse(res);
    if (res.status === 401 && !path.startsWith('/api/auth/login')) {
      for (const fn of unauthenticatedListeners) fn();
    }
    throw error;
  }
  return res;
}

/** JSON API call; throws ApiError on any non-2xx answer. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Downloads a file answer (xlsx exports, templates) and saves it under the server's file name. */
export async function download(path: string, query?: Query, fallbackName = 'download'): Promise<void> {
  const res = await send(path, { query });
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const name = star ? decodeURIComponent(star) : (plain ?? fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
