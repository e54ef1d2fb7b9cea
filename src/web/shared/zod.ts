import type { Rule } from 'antd/es/form';
import type { z } from 'zod';
import { issueKey } from '../../core/errors';
import { translate } from '../app/i18n';
import { fieldMessage, type NamePath } from './errors';

type Issue = z.core.$ZodIssue;

/** The text for one zod issue: our stable key when the schema gave one, else a message by issue kind. */
export function issueText(issue: Issue): string {
  const { message, params } = issueKey(issue);
  return fieldMessage(message, params);
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
