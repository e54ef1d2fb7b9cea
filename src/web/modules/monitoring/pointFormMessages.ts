import type { z } from 'zod';
import { translate, translateDynamic } from '../../app/i18n';
import { fieldMessage } from '../../shared/errors';
import { issueText } from '../../shared/zod';

/** A field message: the monitoring module's words for its keys (`code.duplicate`), else the app's. */
export function pointFieldText(message: string, path?: string): string {
  if (message === 'point.invalid' && path === 'rangeMin') return translate('monitoring.fieldErrors.rangeOrder');
  return translateDynamic(`monitoring.fieldErrors.${message}`) ?? fieldMessage(message);
}

/** An AntD rule from one of the shared zod schemas, speaking the module's words. */
export function pointRule(schema: z.ZodType) {
  return {
    validator: async (_rule: unknown, value: unknown) => {
      const r = schema.safeParse(value === undefined ? null : value);
      if (r.success) return;
      const issue = r.error.issues[0];
      // `.positive()`: "must be above 0" reads better than the generic "not less than 0".
      if (issue?.code === 'too_small' && !issue.inclusive && Number(issue.minimum) === 0) {
        throw new Error(translate('monitoring.fieldErrors.positive'));
      }
      const own = issue ? translateDynamic(`monitoring.fieldErrors.${issue.message}`) : undefined;
      throw new Error(own ?? (issue ? issueText(issue) : translate('fieldErrors.invalid')));
    },
  };
}
