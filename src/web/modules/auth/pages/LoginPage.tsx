import { LockOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useT } from '../../../app/i18n';
import { LangSwitch } from '../../../app/layout/LangSwitch';
import { ApiError } from '../../../shared/api';
import { errorMessage } from '../../../shared/errors';
import { authApi } from '../api';

/** Only same-site paths are followed after login (no `//evil.example`). */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function LoginPage() {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const [error, setError] = useState<{ text: string; type: 'error' | 'warning' } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await authApi.login(v.username.trim(), v.password);
      qc.clear();
      navigate(r.mustChangePassword ? '/change-password' : safeNext(params.get('next')), { replace: true });
    } catch (err) {
      const locked = err instanceof ApiError && (err.status === 423 || err.status === 429);
      setError({ text: errorMessage(err), type: locked ? 'warning' : 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        justifyContent: 'center',
        padding: 16,
        background: 'linear-gradient(160deg, #0b2e59 0%, #1557b0 60%, #3b78c4 100%)',
        position: 'relative',
      }}
    >
      <div style={{ position: 'absolute', top: 12, right: 12 }}>
        <LangSwitch dark />
      </div>
      <div style={{ color: '#fff', textAlign: 'center', marginBottom: 24 }}>
        <div style={{ fontSize: 34, fontWeight: 700, letterSpacing: 4 }}>
          <SafetyCertificateOutlined /> {t('app.name')}
        </div>
        <div style={{ opacity: 0.85 }}>{t('app.subtitle')}</div>
      </div>
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('login.title')}
        </Typography.Title>
        {error && (
          <Alert type={error.type} showIcon title={error.text} style={{ marginBottom: 16 }} data-testid="login-error" />
        )}
        <Form layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false} autoComplete="on">
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, whitespace: true, message: t('fieldErrors.required') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" size="large" data-testid="login-username" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('fieldErrors.required') }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              size="large"
              data-testid="login-password"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" size="large" block loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
