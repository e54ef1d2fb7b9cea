/**
 * Quiz-on-inspection (逢查必考): at every enforcement inspection the people met on site (the principal first) take
 * a short closed-book test drawn from the sector's question bank (seed 二(七) "严格实行'逢查必考'机制"; RULES §10).
 *
 * Legal ground for testing and for recording a failure: 安全生产法 (2021) §27 (the principal and safety managers
 * must have the safety knowledge and management ability the work needs) and §28 (staff are trained and know the
 * rules of their post); a failure shows that duty unmet, and the county may record it as a general hazard.
 *
 * Decisions:
 * - Question types: `single` (one key), `multiple` (two or more keys: 多选题 has at least two right options),
 *   `true_false`. Each carries its `basis` (the regulation and article the answer rests on), shown after the quiz.
 * - Multiple choice is all-or-nothing: the chosen set must equal the answer set (order and duplicates ignored);
 *   no partial credit, as in the national safety-qualification exams.
 * - Score = ⌊100 × correct / total⌋ (integer, rounded down), pass when score ≥ passMark ("85 以上" includes 85).
 *   Rounding down makes the integer comparison agree with the exact one: 84.9 fails, 85 passes.
 * - `drawQuestions` is deterministic for a seed (the server stores the seed with the inspection, so a quiz can be
 *   reproduced); it returns min(n, bank size) distinct questions; the caller checks the length.
 */
import { z } from 'zod';
import type { LocalizedText } from './calendar.js';

export const QUESTION_TYPES = ['single', 'multiple', 'true_false'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

const optionKey = z.string().regex(/^[A-Z]$/, 'option.key');
const optionSchema = z.object({ key: optionKey, text: z.string().trim().min(1) });
const base = {
  id: z.string().min(1).max(100),
  /** Sector code (e.g. `coal_mine`, `hazardous_chemicals`) or `general`. */
  sector: z.string().regex(/^[a-z][a-z0-9_]*$/, 'sector.format'),
  stem: z.string().trim().min(1).max(2000),
  /** Regulation and article the answer rests on, e.g. "安全生产法 第二十一条". */
  basis: z.string().trim().min(1).max(500),
};

const singleSchema = z.object({
  ...base,
  type: z.literal('single'),
  options: z.array(optionSchema).min(2).max(10),
  answer: optionKey,
});
const multipleSchema = z.object({
  ...base,
  type: z.literal('multiple'),
  options: z.array(optionSchema).min(3).max(10),
  answer: z.array(optionKey).min(2),
});
const trueFalseSchema = z.object({ ...base, type: z.literal('true_false'), answer: z.boolean() });

/** A question of the bank; answer keys must name options, option keys must be distinct. */
export const questionSchema = z
  .discriminatedUnion('type', [singleSchema, multipleSchema, trueFalseSchema])
  .superRefine((q, ctx) => {
    if (q.type === 'true_false') return;
    const keys = q.options.map((o) => o.key);
    if (new Set(keys).size !== keys.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'option.duplicate_key' });
    }
    const answers = q.type === 'single' ? [q.answer] : q.answer;
    if (new Set(answers).size !== answers.length) {
      ctx.addIssue({ code: 'custom', path: ['answer'], message: 'answer.duplicate_key' });
    }
    if (answers.some((a) => !keys.includes(a))) {
      ctx.addIssue({ code: 'custom', path: ['answer'], message: 'answer.unknown_option' });
    }
    if (q.type === 'multiple' && answers.length >= keys.length) {
      ctx.addIssue({ code: 'custom', path: ['answer'], message: 'answer.all_options' });
    }
  });
export type Question = z.infer<typeof questionSchema>;

/** An answer given: a key (single), keys (multiple), true/false. */
export type QuizAnswer = string | readonly string[] | boolean;

export interface QuizSettings {
  questionsPerQuiz: number;
  /** Pass mark out of 100; a score at the mark passes. */
  passMark: number;
  /** A failed quiz is recorded as a general hazard of the enterprise. */
  failureCreatesHazard: boolean;
}

/** County defaults [?]: 10 questions, pass mark 85 (RULES §10 example), failures recorded as hazards. */
export const DEFAULT_QUIZ_SETTINGS: Readonly<QuizSettings> = Object.freeze({
  questionsPerQuiz: 10,
  passMark: 85,
  failureCreatesHazard: true,
});

export const quizSettingsSchema = z.object({
  questionsPerQuiz: z.number().int().min(1).max(100).default(DEFAULT_QUIZ_SETTINGS.questionsPerQuiz),
  passMark: z.number().int().min(0).max(100).default(DEFAULT_QUIZ_SETTINGS.passMark),
  failureCreatesHazard: z.boolean().default(DEFAULT_QUIZ_SETTINGS.failureCreatesHazard),
}) satisfies z.ZodType<QuizSettings, unknown>;

// ---------------------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------------------

/** 32-bit FNV-1a of the seed's text. */
function hashSeed(seed: string | number): number {
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast, well-distributed PRNG; returns floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * n distinct questions drawn at random from the bank, the same ones in the same order for the same seed and
 * bank. Returns all of them (shuffled) when the bank has fewer than n. Duplicate ids in the bank count once.
 * @throws RangeError when n is not a whole number ≥ 0.
 */
export function drawQuestions<Q extends { id: string }>(bank: readonly Q[], n: number, seed: string | number): Q[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0, got ${n}`);
  const seen = new Set<string>();
  const pool = bank.filter((q) => {
    if (seen.has(q.id)) return false;
    seen.add(q.id);
    return true;
  });
  const random = mulberry32(hashSeed(seed));
  const k = Math.min(n, pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    const a = pool[i] as Q;
    pool[i] = pool[j] as Q;
    pool[j] = a;
  }
  return pool.slice(0, k);
}

// ---------------------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------------------

type Answerable =
  | { id: string; type: 'single'; answer: string }
  | { id: string; type: 'multiple'; answer: readonly string[] }
  | { id: string; type: 'true_false'; answer: boolean };

/** Whether an answer is right; a missing or wrongly typed answer is wrong. Multiple choice: exact set. */
export function isCorrect(question: Answerable, given: QuizAnswer | undefined): boolean {
  switch (question.type) {
    case 'single':
      return typeof given === 'string' && given === question.answer;
    case 'true_false':
      return typeof given === 'boolean' && given === question.answer;
    case 'multiple': {
      if (!Array.isArray(given)) return false;
      const chosen = new Set<unknown>(given);
      const right = new Set(question.answer);
      return chosen.size === right.size && [...right].every((k) => chosen.has(k));
    }
  }
}

export interface QuizResult {
  /** ⌊100 × correct / total⌋. */
  score: number;
  correct: number;
  total: number;
  passed: boolean;
  passMark: number;
  items: { questionId: string; correct: boolean }[];
}

/**
 * Scores a quiz. `answers` maps question id → answer. @throws RangeError for an empty quiz or a pass mark
 * outside 0–100.
 */
export function scoreQuiz(
  questions: readonly Answerable[],
  answers: Readonly<Record<string, QuizAnswer>>,
  passMark: number = DEFAULT_QUIZ_SETTINGS.passMark,
): QuizResult {
  if (questions.length === 0) throw new RangeError('A quiz needs at least one question');
  if (!Number.isFinite(passMark) || passMark < 0 || passMark > 100) {
    throw new RangeError(`passMark must be 0–100, got ${passMark}`);
  }
  const items = questions.map((q) => ({
    questionId: q.id,
    correct: isCorrect(q, Object.hasOwn(answers, q.id) ? answers[q.id] : undefined),
  }));
  const correct = items.filter((i) => i.correct).length;
  const total = questions.length;
  const score = Math.floor((100 * correct) / total);
  return { score, correct, total, passed: score >= passMark, passMark, items };
}

export interface QuizFailureHazard {
  level: 'general';
  source: 'inspection';
  description: LocalizedText;
  /** Regulation the hazard rests on. */
  basis: string;
}

/**
 * The general hazard to record for a failed quiz when the county setting says so; null when the quiz passed or
 * the setting is off.
 */
export function quizFailureHazard(
  result: Pick<QuizResult, 'passed' | 'score' | 'passMark'>,
  settings: Pick<QuizSettings, 'failureCreatesHazard'> = DEFAULT_QUIZ_SETTINGS,
): QuizFailureHazard | null {
  if (result.passed || !settings.failureCreatesHazard) return null;
  return {
    level: 'general',
    source: 'inspection',
    description: {
      zh: `逢查必考未通过（${result.score} 分，合格线 ${result.passMark} 分）：安全生产知识和管理能力不足`,
      en: `Failed the inspection quiz (${result.score}, pass mark ${result.passMark}): safety knowledge and management ability lacking`,
    },
    basis: '安全生产法 第二十七条、第二十八条',
  };
}
