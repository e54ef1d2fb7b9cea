import type { Rule } from 'antd/es/form';
import type { z } from 'zod';
import { translate, translateDynamic } from '../app/i18n';
import type { NamePath } from './errors';

type Issue = z.core.$ZodIssue;

/** The text for one zod issue: our stable key when the schema gave one, else a message by issue kind. */
export function issueText(issue: Issue): string {
  const known = translateDynamic(`fieldErrors.${issue.message}`);
  if (known) return known;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return translate('fieldErrors.required');
      return translate('fieldErrors.too_small_n', { min: String(issue.minimum) });
    case 'too_big':
      return translate('fieldErrors.too_big_n', { max: String(issue.maximum) });
    case 'invalid_type':
      return translate('fieldErrors.required');
    default:
      return translate('fieldErrors.invalid');
  }
}

export function issuesToFieldErrors(issues: readonly Issue[]): { path: NamePath; text: string }[] {
  return issues.map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number'),
    text: issueText(i),
  }));
}

/** An AntD Form rule that checks one field with a zod schema (the same schema the server uses). */
export function zodRule(schema: z.ZodType): Rule {
  return {
    validator: async (_rule, value: unknown) => {
      const r = schema.safeParse(value);
      if (!r.success) {
        const first = r.error.issues[0];
        throw new Error(first ? issueText(first) : translate('fieldErrors.invalid'));
      }
    },
  };
}
