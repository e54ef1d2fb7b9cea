import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUIZ_SETTINGS,
  drawQuestions,
  isCorrect,
  type Question,
  questionSchema,
  quizFailureHazard,
  quizSettingsSchema,
  scoreQuiz,
} from './quiz.js';

const opts = (...keys: string[]) => keys.map((key) => ({ key, text: `选项 ${key}` }));

const single: Question = {
  id: 'q1',
  sector: 'general',
  type: 'single',
  stem: '生产经营单位的主要负责人对本单位的安全生产工作负何种责任？',
  options: opts('A', 'B', 'C'),
  answer: 'B',
  basis: '安全生产法 第五条',
};
const multiple: Question = {
  id: 'q2',
  sector: 'general',
  type: 'multiple',
  stem: '“三违”包括哪些？',
  options: opts('A', 'B', 'C', 'D'),
  answer: ['A', 'B', 'D'],
  basis: 'RULES §8',
};
const trueFalse: Question = {
  id: 'q3',
  sector: 'general',
  type: 'true_false',
  stem: '特种作业人员必须取得相应资格方可上岗作业。',
  answer: true,
  basis: '安全生产法 第三十条',
};

function bank(n: number): Question[] {
  return Array.from({ length: n }, (_, i) => ({ ...trueFalse, id: `tf${i}` }));
}

describe('questionSchema', () => {
  it('accepts the three types', () => {
    for (const q of [single, multiple, trueFalse]) expect(questionSchema.safeParse(q).success).toBe(true);
  });
  it('an answer must name an option', () => {
    expect(questionSchema.safeParse({ ...single, answer: 'D' }).success).toBe(false);
    expect(questionSchema.safeParse({ ...multiple, answer: ['A', 'E'] }).success).toBe(false);
  });
  it('multiple choice has two or more right options, not all of them, no repeats', () => {
    expect(questionSchema.safeParse({ ...multiple, answer: ['A'] }).success).toBe(false);
    expect(questionSchema.safeParse({ ...multiple, answer: ['A', 'B', 'C', 'D'] }).success).toBe(false);
    expect(questionSchema.safeParse({ ...multiple, answer: ['A', 'A'] }).success).toBe(false);
  });
  it('options: at least two, distinct keys', () => {
    expect(questionSchema.safeParse({ ...single, options: opts('A'), answer: 'A' }).success).toBe(false);
    expect(questionSchema.safeParse({ ...single, options: opts('A', 'A', 'B') }).success).toBe(false);
  });
  it('a basis is required', () => {
    expect(questionSchema.safeParse({ ...trueFalse, basis: ' ' }).success).toBe(false);
    const { basis: _, ...noBasis } = trueFalse;
    expect(questionSchema.safeParse(noBasis).success).toBe(false);
  });
  it('true/false answers are booleans', () => {
    expect(questionSchema.safeParse({ ...trueFalse, answer: 'true' }).success).toBe(false);
  });
});

describe('drawQuestions', () => {
  const b = bank(30);
  it('is deterministic for a seed', () => {
    expect(drawQuestions(b, 10, 'INSP-2025-7').map((q) => q.id)).toEqual(
      drawQuestions(b, 10, 'INSP-2025-7').map((q) => q.id),
    );
    expect(drawQuestions(b, 10, 42)).toEqual(drawQuestions(b, 10, '42'));
  });
  it('different seeds draw differently', () => {
    const ids = (seed: string) =>
      drawQuestions(b, 10, seed)
        .map((q) => q.id)
        .join();
    const draws = new Set(['a', 'b', 'c', 'd', 'e'].map(ids));
    expect(draws.size).toBeGreaterThan(1);
  });
  it('n distinct questions from the bank', () => {
    const d = drawQuestions(b, 10, 's');
    expect(d).toHaveLength(10);
    expect(new Set(d.map((q) => q.id)).size).toBe(10);
    for (const q of d) expect(b).toContain(q);
  });
  it('all of a smaller bank; duplicate ids count once; zero is empty', () => {
    expect(drawQuestions(bank(3), 10, 's')).toHaveLength(3);
    expect(drawQuestions([...bank(3), ...bank(3)], 10, 's')).toHaveLength(3);
    expect(drawQuestions(b, 0, 's')).toEqual([]);
    expect(() => drawQuestions(b, -1, 's')).toThrow(RangeError);
  });
  it('does not change the bank', () => {
    const copy = [...b];
    drawQuestions(b, 10, 's');
    expect(b).toEqual(copy);
  });
  it('every question can be drawn', () => {
    const seen = new Set<string>();
    for (let s = 0; s < 200; s++) for (const q of drawQuestions(b, 3, s)) seen.add(q.id);
    expect(seen.size).toBe(30);
  });
});

describe('isCorrect', () => {
  it('single: the key', () => {
    expect(isCorrect(single, 'B')).toBe(true);
    expect(isCorrect(single, 'A')).toBe(false);
    expect(isCorrect(single, ['B'])).toBe(false);
    expect(isCorrect(single, undefined)).toBe(false);
  });
  it('multiple: all or nothing, order ignored', () => {
    expect(isCorrect(multiple, ['D', 'A', 'B'])).toBe(true);
    expect(isCorrect(multiple, ['A', 'B'])).toBe(false);
    expect(isCorrect(multiple, ['A', 'B', 'C', 'D'])).toBe(false);
    expect(isCorrect(multiple, ['A', 'B', 'C'])).toBe(false);
    expect(isCorrect(multiple, 'A')).toBe(false);
    expect(isCorrect(multiple, [])).toBe(false);
  });
  it('true/false: the boolean', () => {
    expect(isCorrect(trueFalse, true)).toBe(true);
    expect(isCorrect(trueFalse, false)).toBe(false);
    expect(isCorrect(trueFalse, 'true')).toBe(false);
  });
});

describe('scoreQuiz', () => {
  const twenty = bank(20);
  const answers = (right: number) => Object.fromEntries(twenty.map((q, i) => [q.id, i < right]));

  it('85 passes (以上 includes the mark); 80 fails', () => {
    expect(scoreQuiz(twenty, answers(17))).toMatchObject({ score: 85, correct: 17, total: 20, passed: true });
    expect(scoreQuiz(twenty, answers(16))).toMatchObject({ score: 80, passed: false });
    expect(scoreQuiz(twenty, answers(20))).toMatchObject({ score: 100, passed: true });
    expect(scoreQuiz(twenty, {})).toMatchObject({ score: 0, correct: 0, passed: false });
  });

  it('rounds down: 6/7 = 85.7 → 85, passes 85 and fails 86', () => {
    const seven = bank(7);
    const a = Object.fromEntries(seven.map((q, i) => [q.id, i < 6]));
    expect(scoreQuiz(seven, a)).toMatchObject({ score: 85, passed: true });
    expect(scoreQuiz(seven, a, 86)).toMatchObject({ score: 85, passed: false });
    // 5/6 = 83.3 → 83, fails 84.
    const six = bank(6);
    expect(scoreQuiz(six, Object.fromEntries(six.map((q, i) => [q.id, i < 5])), 84).passed).toBe(false);
  });

  it('mixed types, per-question results', () => {
    const r = scoreQuiz([single, multiple, trueFalse], { q1: 'B', q2: ['A', 'B'], q3: true }, 60);
    expect(r).toMatchObject({ correct: 2, total: 3, score: 66, passed: true });
    expect(r.items).toEqual([
      { questionId: 'q1', correct: true },
      { questionId: 'q2', correct: false },
      { questionId: 'q3', correct: true },
    ]);
  });

  it('rejects an empty quiz or a bad pass mark', () => {
    expect(() => scoreQuiz([], {})).toThrow(RangeError);
    expect(() => scoreQuiz(twenty, {}, 101)).toThrow(RangeError);
  });
});

describe('quiz settings and failure hazard', () => {
  it('defaults', () => {
    expect(quizSettingsSchema.parse({})).toEqual(DEFAULT_QUIZ_SETTINGS);
    expect(DEFAULT_QUIZ_SETTINGS.passMark).toBe(85);
    expect(quizSettingsSchema.safeParse({ passMark: 101 }).success).toBe(false);
  });
  it('a failure creates a general hazard when the setting says so', () => {
    const failed = { passed: false, score: 80, passMark: 85 };
    expect(quizFailureHazard(failed)).toMatchObject({ level: 'general', source: 'inspection' });
    expect(quizFailureHazard(failed)?.description.zh).toContain('80 分，合格线 85 分');
    expect(quizFailureHazard(failed, { failureCreatesHazard: false })).toBeNull();
    expect(quizFailureHazard({ passed: true, score: 85, passMark: 85 })).toBeNull();
  });
});
