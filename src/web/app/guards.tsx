import { useQueryClient } from '@tanstack/react-query';
import { Button, Result, Spin } from 'antd';
import { type ReactNode, useEffect } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import type { Permission } from '../../core/roles';
import { useCan, useMe } from '../modules/auth/api';
import { isApiError, onUnauthenticated } from '../shared/api';
import { errorMessage } from '../shared/errors';
import { useT } from './i18n';

export function FullPageSpin() {
  return (
    <div className="fx-center">
      <Spin size="large" />
    </div>
  );
}

function loginPath(pathname: string, search: string): string {
  const next = pathname + search;
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/** Loads /api/auth/me: 401 → /login; a pending password change → /change-password. */
export function RequireAuth() {
  const t = useT();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();

  // Any call answering 401 (session expired, revoked, account disabled) ends the session here too.
  useEffect(
    () =>
      onUnauthenticated(() => {
        qc.clear();
        navigate(loginPath(window.location.pathname, window.location.search), { replace: true });
      }),
    [qc, navigate],
  );

  if (me.error) {
    if (isApiError(me.error) && me.error.status === 401) {
      return <Navigate to={loginPath(location.pathname, location.search)} replace />;
    }
    return (
      <Result
        status="error"
        title={errorMessage(me.error)}
        extra={<Button onClick={() => void me.refetch()}>{t('common.retry')}</Button>}
      />
    );
  }
  if (!me.data) return <FullPageSpin />;
  if (me.data.mustChangePassword && location.pathname !== '/change-password') {
    return <Navigate to="/change-password" replace />;
  }
  return <Outlet />;
}

/** Renders the page only for users holding the permission; others see a 403 result. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const t = useT();
  const can = useCan();
  if (!can(permission)) return <Result status="403" title="403" subTitle={t('errors.FORBIDDEN')} />;
  return <>{children}</>;
}

export function NotFoundPage() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('common.pageNotFound')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('common.backHome')}
        </Button>
      }
    />
  );
}
