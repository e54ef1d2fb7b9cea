import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useT } from '../../../app/i18n';
import { authApi, ME_KEY, useMe } from '../api';
import { PasswordForm } from '../components/PasswordForm';

/** First sign-in with a one-time password (or after a reset): a new password is required before anything else. */
export default function ChangePasswordPage() {
  const t = useT();
  const { data: me } = useMe();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  if (!me) return null;

  const done = async () => {
    message.success(t('password.changed'));
    await qc.invalidateQueries({ queryKey: ME_KEY });
    navigate('/', { replace: true });
  };
  const logout = async () => {
    await authApi.logout().catch(() => undefined);
    qc.clear();
    navigate('/login', { replace: true });
  };

  return (
    <div className="fx-center" style={{ minHeight: '100vh', padding: 16 }}>
      <Card style={{ width: '100%', maxWidth: 460 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('password.title')}
        </Typography.Title>
        {me.mustChangePassword && <Typography.Paragraph>{t('password.mustChange')}</Typography.Paragraph>}
        <PasswordForm username={me.user.username} onDone={() => void done()} />
        <Button type="link" onClick={() => void logout()} style={{ marginTop: 8, paddingInline: 0 }}>
          {t('layout.logout')}
        </Button>
      </Card>
    </div>
  );
}
