/**
 * Parsing of a gateway's readings message — the same JSON over MQTT and HTTP:
 *   {"readings":[{"point":"<code or id>","ts":"<ISO 8601 with zone, or epoch ms>","value":<number>}]}
 * Pure: no I/O. Message-level problems fail the whole message; item-level problems reject only the item.
 */

/** Stable reasons stored with each dead letter (and returned to HTTP gateways as `rejected[].reason`). */
export const DEAD_LETTER_REASONS = [
  'malformed_json',
  'invalid_payload',
  'too_many_readings',
  'invalid_reading',
  'invalid_ts',
  'non_numeric',
  'future_ts',
  'too_old',
  'unknown_point',
  'foreign_point',
  'inactive_point',
  'duplicate',
  'topic_not_allowed',
  'unknown_gateway',
  'revoked_gateway',
  'storage_error',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export const MAX_READINGS_PER_MESSAGE = 1000;
/** A reading more than this far in the future is rejected (gateway clock wrong). */
export const MAX_FUTURE_MS = 5 * 60_000;
/** Longest point reference accepted (codes are ≤ 64 characters, ids 36). */
const MAX_REF = 64;

export interface ParsedReading {
  /** Position in the message's `readings` array. */
  index: number;
  /** The point's code within the gateway's enterprise, or its id. */
  ref: string;
  /** Epoch milliseconds. */
  ts: number;
  value: number;
}

export interface ItemReject {
  index: number | null;
  ref: string | null;
  reason: DeadLetterReason;
  detail: string;
  ts: number | null;
  /** The item as received (JSON, truncated), kept in the dead letter. */
  raw: string;
}

export type MessageProblem = 'malformed_json' | 'invalid_payload' | 'too_many_readings';

export type ParseResult =
  | { ok: true; readings: ParsedReading[]; rejects: ItemReject[] }
  | { ok: false; reason: MessageProblem; detail: string };

export interface ParseLimits {
  /** Epoch ms "now" (from the injected clock). */
  now: number;
  /** Readings older than this (epoch ms) are rejected as too_old (beyond the retention period). */
  minTs: number;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
const EPOCH_MS_STRING = /^\d{10,16}$/;

/** Epoch ms from a number (epoch ms) or a string (ISO 8601 with a zone, or digits of epoch ms); NaN if neither. */
export function parseTimestamp(ts: unknown): number {
  if (typeof ts === 'number') return Number.isFinite(ts) ? Math.trunc(ts) : Number.NaN;
  if (typeof ts !== 'string') return Number.NaN;
  const s = ts.trim();
  if (EPOCH_MS_STRING.test(s)) return Number(s);
  if (!ISO_WITH_ZONE.test(s)) return Number.NaN;
  return Date.parse(s.replace(' ', 'T'));
}

/** The dead letter keeps this much of a rejected item or message. */
export const MAX_DEAD_LETTER_PAYLOAD = 2000;

function rawOf(item: unknown): string {
  try {
    return (JSON.stringify(item) ?? String(item)).slice(0, 500);
  } catch {
    return String(item).slice(0, 500);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses the JSON text of a message. */
export function parseReadingsMessage(raw: string | Uint8Array, limits: ParseLimits): ParseResult {
  let body: unknown;
  try {
    const text =
      typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'); // a view, not a copy
    body = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: 'malformed_json', detail: err instanceof Error ? err.message : 'not JSON' };
  }
  return parseReadingsBody(body, limits);
}

/** Validates an already-parsed body. */
export function parseReadingsBody(body: unknown, limits: ParseLimits): ParseResult {
  if (!isRecord(body) || !Array.isArray(body.readings)) {
    return { ok: false, reason: 'invalid_payload', detail: 'expected {"readings": [...]}' };
  }
  const items: unknown[] = body.readings;
  if (items.length > MAX_READINGS_PER_MESSAGE) {
    return {
      ok: false,
      reason: 'too_many_readings',
      detail: `${items.length} readings; at most ${MAX_READINGS_PER_MESSAGE} per message`,
    };
  }
  const readings: ParsedReading[] = [];
  const rejects: ItemReject[] = [];
  const maxTs = limits.now + MAX_FUTURE_MS;
  items.forEach((item, index) => {
    // `raw`: the item as received, for a dead letter — serialised only for a rejected item. (Not a closure per
    // item: tsx compiles with keepNames, and each named closure costs an Object.defineProperty per reading.)
    if (!isRecord(item)) {
      rejects.push({
        index,
        ref: null,
        reason: 'invalid_reading',
        detail: 'a reading must be an object',
        ts: null,
        raw: rawOf(item),
      });
      return;
    }
    const rawRef = item.point;
    const ref = typeof rawRef === 'string' ? rawRef.trim() : typeof rawRef === 'number' ? String(rawRef) : '';
    if (ref.length === 0 || ref.length > MAX_REF) {
      rejects.push({
        index,
        ref: ref.length ? ref.slice(0, MAX_REF) : null,
        reason: 'invalid_reading',
        detail: `"point" must be a point code or id of 1–${MAX_REF} characters`,
        ts: null,
        raw: rawOf(item),
      });
      return;
    }
    const ts = parseTimestamp(item.ts);
    if (Number.isNaN(ts)) {
      rejects.push({
        index,
        ref,
        reason: 'invalid_ts',
        detail: '"ts" must be epoch milliseconds or ISO 8601 with a zone (Z or +08:00)',
        ts: null,
        raw: rawOf(item),
      });
      return;
    }
    const value = item.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      rejects.push({
        index,
        ref,
        reason: 'non_numeric',
        detail: '"value" must be a JSON number',
        ts,
        raw: rawOf(item),
      });
      return;
    }
    if (ts > maxTs) {
      rejects.push({
        index,
        ref,
        reason: 'future_ts',
        detail: 'more than 5 minutes in the future',
        ts,
        raw: rawOf(item),
      });
      return;
    }
    if (ts < limits.minTs) {
      rejects.push({ index, ref, reason: 'too_old', detail: 'older than the retention period', ts, raw: rawOf(item) });
      return;
    }
    readings.push({ index, ref, ts, value });
  });
  return { ok: true, readings, rejects };
}
