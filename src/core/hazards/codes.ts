/**
 * Human codes of hazards: `YH-2025-000123` (YH = 隐患), year and a sequence of at least six digits
 * (ARCHITECTURE.md §4 "Numbers and codes"). The sequence restarts each year; the year is the local
 * (Asia/Shanghai) year the hazard was recorded. A sequence past 999,999 widens to seven digits.
 */

export const HAZARD_CODE_PREFIX = 'YH';
const SEQ_DIGITS = 6;
const CODE = /^YH-(\d{4})-(\d{6,15})$/;

export interface HazardCodeParts {
  year: number;
  seq: number;
}

function checkParts(year: number, seq: number): void {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`Invalid hazard code year: ${year}`);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`Invalid hazard code sequence: ${seq}`);
}

/** `formatHazardCode(2025, 123)` → `YH-2025-000123`. @throws RangeError for a year outside 1000–9999 or seq < 1. */
export function formatHazardCode(year: number, seq: number): string {
  checkParts(year, seq);
  return `${HAZARD_CODE_PREFIX}-${year}-${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/**
 * Parses a hazard code (surrounding spaces and lower case tolerated, as typed in a search box); null unless it is
 * the canonical form of a valid code (`YH-2025-0000123` is rejected: seven digits only past 999,999).
 */
export function parseHazardCode(code: string): HazardCodeParts | null {
  const m = CODE.exec(code.trim().toUpperCase());
  if (!m) return null;
  const year = Number(m[1]);
  const seq = Number(m[2]);
  if (!Number.isSafeInteger(seq) || seq < 1 || year < 1000) return null;
  if (m[2] !== String(seq).padStart(SEQ_DIGITS, '0')) return null;
  return { year, seq };
}

export function isHazardCode(code: string): boolean {
  return parseHazardCode(code) !== null;
}

/**
 * Whether `term` can be part of some hazard code, in any case: codes hold only `YH`, digits and `-`, so a term with
 * any other character (Chinese text, a space, a LIKE wildcard) is never in one, and a search need not test codes.
 */
export function mayOccurInHazardCode(term: string): boolean {
  return /^[YH0-9-]*$/.test(term.toUpperCase());
}
