import { type ComponentType, type LazyExoticComponent, lazy, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import type { Permission } from '../../core/roles';
import { FullPageSpin, NotFoundPage, RequireAuth, RequirePermission } from './guards';
import { AppLayout } from './layout/AppLayout';

// Every page is its own chunk: the first load carries only the shell; ECharts and Leaflet load with their pages.
const LoginPage = lazy(() => import('../modules/auth/pages/LoginPage'));
const ChangePasswordPage = lazy(() => import('../modules/auth/pages/ChangePasswordPage'));
const AccountPage = lazy(() => import('../modules/auth/pages/AccountPage'));
const DashboardPage = lazy(() => import('../modules/dashboard/pages/DashboardPage'));
const EnterpriseListPage = lazy(() => import('../modules/enterprises/pages/EnterpriseListPage'));
const EnterpriseMapPage = lazy(() => import('../modules/enterprises/pages/EnterpriseMapPage'));
const EnterpriseFormPage = lazy(() => import('../modules/enterprises/pages/EnterpriseFormPage'));
const EnterpriseDetailPage = lazy(() => import('../modules/enterprises/pages/EnterpriseDetailPage'));
const OrgPage = lazy(() => import('../modules/org/pages/OrgPage'));
const UsersPage = lazy(() => import('../modules/users/pages/UsersPage'));
const AuditPage = lazy(() => import('../modules/audit/pages/AuditPage'));

function page(Component: LazyExoticComponent<ComponentType>, permission?: Permission) {
  const body = (
    <Suspense fallback={<FullPageSpin />}>
      <Component />
    </Suspense>
  );
  return permission ? <RequirePermission permission={permission}>{body}</RequirePermission> : body;
}

export const router = createBrowserRouter([
  { path: '/login', element: page(LoginPage) },
  {
    element: <RequireAuth />,
    children: [
      { path: '/change-password', element: page(ChangePasswordPage) },
      {
        element: <AppLayout />,
        children: [
          { index: true, element: page(DashboardPage, 'dashboard.read') },
          { path: 'enterprises', element: page(EnterpriseListPage, 'enterprise.read') },
          { path: 'enterprises/map', element: page(EnterpriseMapPage, 'enterprise.read') },
          { path: 'enterprises/new', element: page(EnterpriseFormPage, 'enterprise.create') },
          { path: 'enterprises/:id', element: page(EnterpriseDetailPage, 'enterprise.read') },
          { path: 'enterprises/:id/edit', element: page(EnterpriseFormPage, 'enterprise.update') },
          { path: 'org', element: page(OrgPage, 'org.read') },
          { path: 'users', element: page(UsersPage, 'user.manage') },
          { path: 'audit', element: page(AuditPage, 'audit.read') },
          { path: 'account', element: page(AccountPage) },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
