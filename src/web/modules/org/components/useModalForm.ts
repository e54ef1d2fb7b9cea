import type { FormInstance } from 'antd';
import { App } from 'antd';
import { useT } from '../../../app/i18n';
import { ApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';

/** Shows a save failure: field errors on the modal's fields, a stale version or anything else as a toast. */
export function useSaveErrorHandler() {
  const t = useT();
  const { message } = App.useApp();
  return (form: FormInstance, fields: readonly string[], err: unknown, onStale?: () => void) => {
    if (err instanceof ApiError && err.code === 'STALE_VERSION') {
      message.warning(t('errors.STALE_VERSION'));
      onStale?.();
      return;
    }
    if (err instanceof ApiError && err.fields.length) {
      const rest = applyFieldErrors(form, serverFieldErrors(err.fields), fields);
      if (rest.length === 0) return;
    }
    message.error(errorMessage(err));
  };
}
