import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../../../../core/password';
import { useT } from '../../../app/i18n';
import { ApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { authApi } from '../api';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** Change own password; the policy (≥10 characters, not the username, not common) is checked as you type. */
export function PasswordForm({ username, onDone }: { username: string; onDone: () => void }) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: Values) => {
    setError(null);
    setBusy(true);
    try {
      await authApi.changePassword(v.currentPassword, v.newPassword);
      form.resetFields();
      onDone();
    } catch (err) {
      const rest =
        err instanceof ApiError
          ? applyFieldErrors(form, serverFieldErrors(err.fields), ['currentPassword', 'newPassword'])
          : [];
      if (!(err instanceof ApiError) || err.fields.length === 0 || rest.length) setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false} style={{ maxWidth: 420 }}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form.Item
        name="currentPassword"
        label={t('password.current')}
        rules={[{ required: true, message: t('fieldErrors.required') }]}
      >
        <Input.Password autoComplete="current-password" data-testid="pw-current" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        extra={<Typography.Text type="secondary">{t('password.policy', { min: MIN_PASSWORD_LENGTH })}</Typography.Text>}
        rules={[
          {
            validator: async (_r, value: string | undefined) => {
              const problem = passwordProblem(value ?? '', username);
              if (problem) throw new Error(t(`fieldErrors.${problem}`));
            },
          },
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="pw-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('fieldErrors.required') },
          ({ getFieldValue }) => ({
            validator: async (_r, value: string | undefined) => {
              if (value && value !== getFieldValue('newPassword')) throw new Error(t('password.mismatch'));
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="pw-confirm" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} block data-testid="pw-submit">
        {t('password.submit')}
      </Button>
    </Form>
  );
}
