import { describe, expect, it } from 'vitest';
import { completeCreditCode, creditCodeCheckChar, creditCodeProblem, isValidCreditCode } from './credit-code.js';

describe('GB 32100-2015 unified social credit code', () => {
  it('accepts published valid codes', () => {
    // Published codes of well-known registrants (check characters verified by hand against the standard).
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
    expect(isValidCreditCode('911100001000079554')).toBe(true);
  });
  it('rejects a wrong check character', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe('check');
  });
  it('rejects characters outside the charset (I, O, Z, S, V)', () => {
    for (const bad of ['I', 'O', 'Z', 'S', 'V']) {
      expect(creditCodeProblem(`91350100M000100Y4${bad}`)).toBe('charset');
    }
  });
  it('rejects wrong lengths', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toBe('length');
    expect(creditCodeProblem('91350100M000100Y433')).toBe('length');
  });
  it('maps a remainder of 0 to the character 0', () => {
    // Search a body whose weighted sum is a multiple of 31: check char must be '0'.
    let found = false;
    for (let n = 0; n < 200 && !found; n++) {
      const body = `9114052200000${String(n).padStart(4, '0')}`;
      const c = creditCodeCheckChar(body);
      if (c === '0') {
        expect(isValidCreditCode(`${body}0`)).toBe(true);
        found = true;
      }
    }
    expect(found).toBe(true);
  });
  it('completes a body into a valid code', () => {
    const code = completeCreditCode('91140522MA0K12345');
    expect(code).toHaveLength(18);
    expect(isValidCreditCode(code)).toBe(true);
  });
});
