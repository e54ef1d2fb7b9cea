import {
  AlertOutlined,
  ApiOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  BookOutlined,
  BranchesOutlined,
  CalendarOutlined,
  ClusterOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  FireOutlined,
  FlagOutlined,
  FundViewOutlined,
  KeyOutlined,
  LineChartOutlined,
  MergeCellsOutlined,
  NotificationOutlined,
  ProfileOutlined,
  RiseOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  SolutionOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import type { MenuProps } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Permission } from '../../../core/roles';
import type { MessageKey, TFn } from '../i18n';

export interface MenuEntry {
  key: string;
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Shown only to users holding this permission; none = everyone signed in. */
  permission?: Permission;
}

/** The side menu. Later modules append their entries here (order = position). */
export const MENU: MenuEntry[] = [
  { key: 'dashboard', path: '/', label: 'menu.dashboard', icon: <DashboardOutlined />, permission: 'dashboard.read' },
  {
    key: 'enterprises',
    path: '/enterprises',
    label: 'menu.enterprises',
    icon: <BankOutlined />,
    permission: 'enterprise.read',
  },
  {
    key: 'enterpriseMap',
    path: '/enterprises/map',
    label: 'menu.enterpriseMap',
    icon: <EnvironmentOutlined />,
    permission: 'enterprise.read',
  },
  { key: 'hazards', path: '/hazards', label: 'hazards.menu.list', icon: <AlertOutlined />, permission: 'hazard.read' },
  {
    key: 'hazardBoard',
    path: '/hazards/board',
    label: 'hazards.menu.board',
    icon: <FireOutlined />,
    permission: 'hazard.read',
  },
  {
    key: 'hazardFigures',
    path: '/hazards/figures',
    label: 'hazards.menu.figures',
    icon: <BarChartOutlined />,
    permission: 'hazard.read',
  },
  {
    key: 'hazardCampaigns',
    path: '/hazards/campaigns',
    label: 'hazards.menu.campaigns',
    icon: <BranchesOutlined />,
    permission: 'hazard.read',
  },
  {
    key: 'hazardReports',
    path: '/hazards/reports',
    label: 'hazards.menu.triage',
    icon: <NotificationOutlined />,
    permission: 'report.triage',
  },
  {
    key: 'hazardSummons',
    path: '/hazards/summons',
    label: 'hazards.menu.summons',
    icon: <SolutionOutlined />,
    permission: 'hazard.read',
  },
  {
    key: 'hazardListings',
    path: '/hazards/listings',
    label: 'hazards.menu.listings',
    icon: <TagsOutlined />,
    permission: 'hazard.read',
  },
  {
    key: 'hazardCatalog',
    path: '/hazards/catalog',
    label: 'hazards.menu.catalog',
    icon: <BookOutlined />,
    permission: 'hazard.catalog.manage',
  },
  {
    key: 'hazardSettings',
    path: '/hazards/settings',
    label: 'hazards.menu.settings',
    icon: <RiseOutlined />,
    permission: 'hazard.supervise',
  },
  {
    key: 'monitoring',
    path: '/monitoring',
    label: 'monitoring.menu.overview',
    icon: <FundViewOutlined />,
    permission: 'monitoring.read',
  },
  {
    key: 'monitoringAlarms',
    path: '/monitoring/alarms',
    label: 'monitoring.menu.alarms',
    icon: <WarningOutlined />,
    permission: 'monitoring.read',
  },
  {
    key: 'monitoringPoints',
    path: '/monitoring/points',
    label: 'monitoring.menu.points',
    icon: <ClusterOutlined />,
    permission: 'monitoring.read',
  },
  {
    key: 'monitoringGateways',
    path: '/monitoring/gateways',
    label: 'monitoring.menu.gateways',
    icon: <ApiOutlined />,
    permission: 'monitoring.read',
  },
  {
    key: 'monitoringQuality',
    path: '/monitoring/quality',
    label: 'monitoring.menu.quality',
    icon: <LineChartOutlined />,
    permission: 'monitoring.read',
  },
  {
    key: 'inspections',
    path: '/inspections',
    label: 'supervision.inspections.menu',
    icon: <SafetyCertificateOutlined />,
    permission: 'supervision.read',
  },
  {
    key: 'inspectionVisits',
    path: '/inspections/visits',
    label: 'supervision.inspections.frequencyMenu',
    icon: <ScheduleOutlined />,
    permission: 'supervision.read',
  },
  {
    key: 'checklistTemplates',
    path: '/inspections/templates',
    label: 'supervision.inspections.templatesMenu',
    icon: <ProfileOutlined />,
    permission: 'supervision.read',
  },
  {
    key: 'plans',
    path: '/supervision/plans',
    label: 'supervision.plans.menu',
    icon: <CalendarOutlined />,
    permission: 'plan.manage',
  },
  {
    key: 'jointInspections',
    path: '/supervision/plans/joint',
    label: 'supervision.plans.jointMenu',
    icon: <MergeCellsOutlined />,
    permission: 'plan.manage',
  },
  {
    key: 'fieldBoard',
    path: '/supervision/field',
    label: 'supervision.field.menu',
    icon: <FlagOutlined />,
    permission: 'field.record',
  },
  {
    key: 'meetings',
    path: '/supervision/meetings',
    label: 'supervision.field.meetingsMenu',
    icon: <SolutionOutlined />,
    permission: 'field.record',
  },
  { key: 'org', path: '/org', label: 'menu.org', icon: <TeamOutlined />, permission: 'org.read' },
  { key: 'users', path: '/users', label: 'menu.users', icon: <KeyOutlined />, permission: 'user.manage' },
  { key: 'audit', path: '/audit', label: 'menu.audit', icon: <AuditOutlined />, permission: 'audit.read' },
  { key: 'account', path: '/account', label: 'menu.account', icon: <UserOutlined /> },
];

export function visibleMenu(permissions: readonly Permission[]): MenuEntry[] {
  return MENU.filter((m) => !m.permission || permissions.includes(m.permission));
}

export function menuItems(entries: readonly MenuEntry[], t: TFn, onNavigate?: () => void): MenuProps['items'] {
  return entries.map((m) => ({
    key: m.key,
    icon: m.icon,
    label: (
      <Link to={m.path} data-testid={`menu-${m.key}`} onClick={onNavigate}>
        {t(m.label)}
      </Link>
    ),
  }));
}

/** The entry whose path is the longest prefix of the current location. */
export function selectedKey(entries: readonly MenuEntry[], pathname: string): string | undefined {
  let best: MenuEntry | undefined;
  for (const m of entries) {
    const hit = m.path === '/' ? pathname === '/' : pathname === m.path || pathname.startsWith(`${m.path}/`);
    if (hit && (!best || m.path.length > best.path.length)) best = m;
  }
  return best?.key;
}
