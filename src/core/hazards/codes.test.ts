import { describe, expect, it } from 'vitest';
import { formatHazardCode, isHazardCode, mayOccurInHazardCode, parseHazardCode } from './codes.js';

describe('hazard codes', () => {
  it('formats with six-digit sequence, widening past 999,999', () => {
    expect(formatHazardCode(2025, 123)).toBe('YH-2025-000123');
    expect(formatHazardCode(2025, 1)).toBe('YH-2025-000001');
    expect(formatHazardCode(2025, 999_999)).toBe('YH-2025-999999');
    expect(formatHazardCode(2025, 1_000_000)).toBe('YH-2025-1000000');
  });

  it('rejects invalid parts', () => {
    expect(() => formatHazardCode(2025, 0)).toThrow(RangeError);
    expect(() => formatHazardCode(2025, -5)).toThrow(RangeError);
    expect(() => formatHazardCode(2025, 1.5)).toThrow(RangeError);
    expect(() => formatHazardCode(999, 1)).toThrow(RangeError);
    expect(() => formatHazardCode(10_000, 1)).toThrow(RangeError);
  });

  it('parses what it formats', () => {
    for (const [y, s] of [
      [2025, 123],
      [2030, 1],
      [2025, 999_999],
      [2025, 1_234_567],
    ] as const) {
      expect(parseHazardCode(formatHazardCode(y, s))).toEqual({ year: y, seq: s });
    }
    expect(parseHazardCode(' yh-2025-000123 ')).toEqual({ year: 2025, seq: 123 });
  });

  it('rejects non-canonical or foreign codes', () => {
    for (const bad of [
      'YH-2025-123',
      'YH-2025-0000123',
      'YH-2025-000000',
      'YH-25-000123',
      'XC-2025-000123',
      'YH-2025-00012a',
      'YH2025000123',
      '',
    ]) {
      expect(parseHazardCode(bad), bad).toBeNull();
      expect(isHazardCode(bad)).toBe(false);
    }
  });

  it('tells whether a search term can be part of some code', () => {
    for (const t of ['YH', 'yh-2026', '2026-00', '-', '0', 'H-2', formatHazardCode(2026, 1234567)]) {
      expect(mayOccurInHazardCode(t), t).toBe(true);
    }
    for (const t of ['配电箱', '瓦斯', 'YH 2026', 'YH_2026', '20%', 'x', 'Ware', 'ＹＨ']) {
      expect(mayOccurInHazardCode(t), t).toBe(false);
    }
  });
});
