import { lazy } from 'react';
import { registerEnterpriseTab } from '../enterprises/tabs';

/** The monitoring module's entry: its tab on the enterprise detail page (loaded on demand). */
registerEnterpriseTab({
  key: 'monitoring',
  label: 'monitoring.tab',
  order: 30,
  permission: 'monitoring.read',
  component: lazy(() => import('./components/EnterpriseMonitoringTab')),
});
