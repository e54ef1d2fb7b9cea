import { describe, expect, it } from 'vitest';
import { rewardForConcealedAccident, rewardForFine } from './reward.js';

describe('rewardForFine (15 %, floor ¥3,000, cap ¥300,000)', () => {
  it.each([
    [0, 0],
    [0.001, 0],
    [1, 3_000],
    [10_000, 3_000],
    [19_999, 3_000],
    [20_000, 3_000],
    [20_001, 3_000], // 3,000.15
    [20_003, 3_000], // 3,000.45
    [20_004, 3_001], // 3,000.60
    [20_010, 3_002], // 3,001.50 rounds half up
    [20_007, 3_001], // 3,001.05
    [100_000, 15_000],
    [1_000_000, 150_000],
    [1_999_990, 299_999], // 299,998.5 → 299,999
    [1_999_999, 300_000], // 299,999.85
    [2_000_000, 300_000],
    [2_000_001, 300_000],
    [50_000_000, 300_000],
    [33_333.33, 5_000], // 4,999.9995
  ])('fine %d → reward %d', (fine, reward) => {
    expect(rewardForFine(fine)).toBe(reward);
  });

  it('returns integer yuan and rejects nonsense', () => {
    for (let fine = 0; fine < 3_000_000; fine += 7_919) expect(Number.isInteger(rewardForFine(fine))).toBe(true);
    expect(() => rewardForFine(-1)).toThrow(RangeError);
    expect(() => rewardForFine(Number.NaN)).toThrow(RangeError);
    expect(() => rewardForFine(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('rewardForConcealedAccident (per death 3/4/5/6 万, cap 30 万)', () => {
  it.each([
    ['ordinary', 0, 0],
    ['ordinary', 1, 30_000],
    ['ordinary', 2, 60_000],
    ['ordinary', 10, 300_000],
    ['ordinary', 11, 300_000],
    ['larger', 1, 40_000],
    ['larger', 7, 280_000],
    ['larger', 8, 300_000], // 320,000 capped
    ['major', 5, 250_000],
    ['major', 6, 300_000],
    ['major', 10, 300_000],
    ['especially_major', 1, 60_000],
    ['especially_major', 4, 240_000],
    ['especially_major', 5, 300_000],
    ['especially_major', 30, 300_000],
  ] as const)('%s, %d deaths → %d', (grade, deathsFound, reward) => {
    expect(rewardForConcealedAccident({ grade, deathsFound })).toBe(reward);
  });

  it('rejects a negative or fractional death count', () => {
    expect(() => rewardForConcealedAccident({ grade: 'ordinary', deathsFound: -1 })).toThrow(RangeError);
    expect(() => rewardForConcealedAccident({ grade: 'ordinary', deathsFound: 1.5 })).toThrow(RangeError);
  });
});
