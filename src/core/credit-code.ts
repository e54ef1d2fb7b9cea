/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 * 18 characters from the 31-character set `0-9A-HJ-NPQRTUWXY` (no I, O, Z, S, V).
 * Character 18 is a check character: C18 = 31 − (Σ Ci·Wi mod 31), Wi = 3^(i−1) mod 31, 31 → 0.
 */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = Array.from({ length: 17 }, (_, i) => 3 ** i % 31);

export type CreditCodeProblem = 'length' | 'charset' | 'check';

function charValue(ch: string): number {
  return CREDIT_CODE_CHARSET.indexOf(ch);
}

/** The check character for the first 17 characters, or null when they are not from the charset. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = charValue(first17.charAt(i));
    if (v < 0) return null;
    sum += v * (WEIGHTS[i] ?? 0);
  }
  const c = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_CHARSET.charAt(c);
}

/** Returns null for a valid code, else what is wrong. Input is expected upper-case and trimmed. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return 'length';
  for (const ch of code) if (charValue(ch) < 0) return 'charset';
  return creditCodeCheckChar(code.slice(0, 17)) === code.charAt(17) ? null : 'check';
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

/** Completes a 17-character body into a valid code (used by demo data and tests). */
export function completeCreditCode(first17: string): string {
  const c = creditCodeCheckChar(first17);
  if (c === null) throw new Error(`not a credit code body: ${first17}`);
  return first17 + c;
}
