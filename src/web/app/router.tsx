import { type ComponentType, type LazyExoticComponent, lazy, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import type { Permission } from '../../core/roles';
import { FullPageSpin, NotFoundPage, RequireAuth, RequirePermission } from './guards';
import { AppLayout } from './layout/AppLayout';
// Modules' registrations (enterprise detail tabs): tiny files, the tabs themselves are lazy.
import '../modules/monitoring/register';
import '../modules/hazards/register';
import '../modules/supervision/credit/register';

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
const MonitoringOverviewPage = lazy(() => import('../modules/monitoring/pages/MonitoringOverviewPage'));
const AlarmsPage = lazy(() => import('../modules/monitoring/pages/AlarmsPage'));
const AlarmDetailPage = lazy(() => import('../modules/monitoring/pages/AlarmDetailPage'));
const EnterpriseMonitoringPage = lazy(() => import('../modules/monitoring/pages/EnterpriseMonitoringPage'));
const PointPage = lazy(() => import('../modules/monitoring/pages/PointPage'));
const QualityPage = lazy(() => import('../modules/monitoring/pages/QualityPage'));
const GatewaysPage = lazy(() => import('../modules/monitoring/pages/GatewaysPage'));
const PointsPage = lazy(() => import('../modules/monitoring/pages/PointsPage'));
const PointFormPage = lazy(() => import('../modules/monitoring/pages/PointFormPage'));
const HazardListPage = lazy(() => import('../modules/hazards/pages/HazardListPage'));
const HazardKanbanPage = lazy(() => import('../modules/hazards/pages/HazardKanbanPage'));
const HazardNewPage = lazy(() => import('../modules/hazards/pages/HazardNewPage'));
const HazardDetailPage = lazy(() => import('../modules/hazards/pages/HazardDetailPage'));
const MajorBoardPage = lazy(() => import('../modules/hazards/pages/MajorBoardPage'));
const HazardFiguresPage = lazy(() => import('../modules/hazards/pages/HazardFiguresPage'));
const TriagePage = lazy(() => import('../modules/hazards/pages/TriagePage'));
const CampaignsPage = lazy(() => import('../modules/hazards/pages/CampaignsPage'));
const SummonsPage = lazy(() => import('../modules/hazards/pages/SummonsPage'));
const ListingsPage = lazy(() => import('../modules/hazards/pages/ListingsPage'));
const CatalogPage = lazy(() => import('../modules/hazards/pages/CatalogPage'));
const EscalationSettingsPage = lazy(() => import('../modules/hazards/pages/EscalationSettingsPage'));
const PublicReportPage = lazy(() => import('../modules/hazards/pages/PublicReportPage'));
const PublicTrackPage = lazy(() => import('../modules/hazards/pages/PublicTrackPage'));
const PlansPage = lazy(() => import('../modules/supervision/plans/PlansPage'));
const PlanDetailPage = lazy(() => import('../modules/supervision/plans/PlanDetailPage'));
const JointPage = lazy(() => import('../modules/supervision/plans/JointPage'));
const FieldBoardPage = lazy(() => import('../modules/supervision/field/FieldBoardPage'));
const MeetingsPage = lazy(() => import('../modules/supervision/field/MeetingsPage'));
const InspectionListPage = lazy(() => import('../modules/supervision/inspections/InspectionListPage'));
const InspectionPage = lazy(() => import('../modules/supervision/inspections/InspectionPage'));
const VisitFrequencyPage = lazy(() => import('../modules/supervision/inspections/VisitFrequencyPage'));
const TemplatesPage = lazy(() => import('../modules/supervision/inspections/TemplatesPage'));

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
  // Public (no login): 随手拍/举报 and the lookup by tracking code.
  { path: '/report', element: page(PublicReportPage) },
  { path: '/report/track', element: page(PublicTrackPage) },
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
          { path: 'monitoring', element: page(MonitoringOverviewPage, 'monitoring.read') },
          { path: 'monitoring/alarms', element: page(AlarmsPage, 'monitoring.read') },
          { path: 'monitoring/alarms/:id', element: page(AlarmDetailPage, 'monitoring.read') },
          { path: 'monitoring/enterprises/:id', element: page(EnterpriseMonitoringPage, 'monitoring.read') },
          { path: 'monitoring/points', element: page(PointsPage, 'monitoring.read') },
          { path: 'monitoring/points/new', element: page(PointFormPage, 'monitoring.manage') },
          { path: 'monitoring/points/:id/edit', element: page(PointFormPage, 'monitoring.manage') },
          { path: 'monitoring/points/:id', element: page(PointPage, 'monitoring.read') },
          { path: 'monitoring/gateways', element: page(GatewaysPage, 'monitoring.read') },
          { path: 'monitoring/quality', element: page(QualityPage, 'monitoring.read') },
          { path: 'hazards', element: page(HazardListPage, 'hazard.read') },
          { path: 'hazards/kanban', element: page(HazardKanbanPage, 'hazard.read') },
          { path: 'hazards/board', element: page(MajorBoardPage, 'hazard.read') },
          { path: 'hazards/figures', element: page(HazardFiguresPage, 'hazard.read') },
          { path: 'hazards/reports', element: page(TriagePage, 'report.triage') },
          { path: 'hazards/campaigns', element: page(CampaignsPage, 'hazard.read') },
          { path: 'hazards/summons', element: page(SummonsPage, 'hazard.read') },
          { path: 'hazards/listings', element: page(ListingsPage, 'hazard.read') },
          { path: 'hazards/catalog', element: page(CatalogPage, 'hazard.catalog.manage') },
          { path: 'hazards/settings', element: page(EscalationSettingsPage, 'hazard.supervise') },
          { path: 'hazards/new', element: page(HazardNewPage, 'hazard.create') },
          { path: 'hazards/:id', element: page(HazardDetailPage, 'hazard.read') },
          { path: 'inspections', element: page(InspectionListPage, 'supervision.read') },
          { path: 'inspections/visits', element: page(VisitFrequencyPage, 'supervision.read') },
          { path: 'inspections/templates', element: page(TemplatesPage, 'supervision.read') },
          { path: 'inspections/:id', element: page(InspectionPage, 'supervision.read') },
          { path: 'supervision/plans', element: page(PlansPage, 'supervision.read') },
          { path: 'supervision/plans/joint', element: page(JointPage, 'supervision.read') },
          { path: 'supervision/plans/:id', element: page(PlanDetailPage, 'supervision.read') },
          { path: 'supervision/field', element: page(FieldBoardPage, 'supervision.read') },
          { path: 'supervision/meetings', element: page(MeetingsPage, 'supervision.read') },
          { path: 'account', element: page(AccountPage) },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
