/**
 * Rewards for public reports — 《安全生产领域举报奖励办法》(安监总财〔2018〕19号, 2018), reward-standard article
 * (第十一条 per secondary sources; RULES.md §3 [3P]). Legal ground for rewarding: 安全生产法 (2021) §76.
 *
 * - A confirmed major hazard or illegal production: 15 % of the administrative fine, at least ¥3,000, at most
 *   ¥300,000. When the unit and its people are fined separately, the unit's fine is the base.
 * - A concealed or falsely reported accident (瞒报、谎报): per death found, by the accident's final grade,
 *   一般 ¥30,000, 较大 ¥40,000, 重大 ¥50,000, 特别重大 ¥60,000; at most ¥300,000.
 * Amounts are integer yuan.
 */

export const FINE_REWARD_RATE_PERCENT = 15;
export const FINE_REWARD_MIN_YUAN = 3_000;
export const FINE_REWARD_MAX_YUAN = 300_000;

/**
 * Reward for a report that led to a fine of `fineYuan` on the reported unit.
 * 15 % of the fine rounded to the nearest yuan (half up), raised to the ¥3,000 floor and cut to the ¥300,000 cap:
 * the floor binds below a ¥20,000 fine and the cap from a ¥2,000,000 fine.
 * No fine (0) gives no reward under this rule: the floor is a floor on "15 % of the fine", and a report confirmed
 * without a fine is rewarded, if at all, under local rules — a decision for the reviewing officer, not a formula.
 * @throws RangeError for a negative or non-finite fine.
 */
export function rewardForFine(fineYuan: number): number {
  if (!Number.isFinite(fineYuan) || fineYuan < 0) throw new RangeError(`Invalid fine: ${fineYuan}`);
  const fen = Math.round(fineYuan * 100);
  if (fen === 0) return 0;
  const reward = Math.round((fen * FINE_REWARD_RATE_PERCENT) / 10_000);
  return Math.min(FINE_REWARD_MAX_YUAN, Math.max(FINE_REWARD_MIN_YUAN, reward));
}

/** Accident grades of 国务院令第493号 §3: 一般, 较大, 重大, 特别重大. */
export const ACCIDENT_GRADES = ['ordinary', 'larger', 'major', 'especially_major'] as const;
export type AccidentGrade = (typeof ACCIDENT_GRADES)[number];

export const CONCEALED_ACCIDENT_REWARD_PER_DEATH_YUAN: { readonly [G in AccidentGrade]: number } = {
  ordinary: 30_000,
  larger: 40_000,
  major: 50_000,
  especially_major: 60_000,
};
export const CONCEALED_ACCIDENT_REWARD_MAX_YUAN = 300_000;

export interface ConcealedAccidentReport {
  /** The accident's grade as finally determined. */
  grade: AccidentGrade;
  /** Deaths whose concealment the report exposed and the investigation confirmed. */
  deathsFound: number;
}

/**
 * Reward for exposing a concealed or falsely reported accident: per confirmed concealed death by grade, capped
 * at ¥300,000 (so from 10 / 8 / 6 / 5 deaths for the four grades). No death found gives no reward under this rule.
 * @throws RangeError when deathsFound is not a non-negative integer.
 */
export function rewardForConcealedAccident({ grade, deathsFound }: ConcealedAccidentReport): number {
  if (!Number.isInteger(deathsFound) || deathsFound < 0) throw new RangeError(`Invalid death count: ${deathsFound}`);
  return Math.min(CONCEALED_ACCIDENT_REWARD_MAX_YUAN, deathsFound * CONCEALED_ACCIDENT_REWARD_PER_DEATH_YUAN[grade]);
}
