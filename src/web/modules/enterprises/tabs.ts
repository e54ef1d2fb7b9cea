import { type ComponentType, lazy } from 'react';
import type { Permission } from '../../../core/roles';
import type { MessageKey } from '../../app/i18n';
import type { EnterpriseDetail } from './api';

export interface EnterpriseTabProps {
  enterprise: EnterpriseDetail;
}

/**
 * A tab on the enterprise detail page. Modules add theirs (hazards, inspections, sensors, …) by pushing to
 * `enterpriseTabs` from their own entry file; use React.lazy for `component` so the tab loads on demand.
 */
export interface EnterpriseTab {
  key: string;
  label: MessageKey;
  /** Lower comes first; 基本信息 is 0. */
  order: number;
  component: ComponentType<EnterpriseTabProps>;
  /** Shown only to users holding this permission. */
  permission?: Permission;
}

export const enterpriseTabs: EnterpriseTab[] = [
  {
    key: 'basic',
    label: 'enterprises.tabs.basic',
    order: 0,
    component: lazy(() => import('./components/BasicInfoTab')),
  },
];

export function registerEnterpriseTab(tab: EnterpriseTab): void {
  const i = enterpriseTabs.findIndex((x) => x.key === tab.key);
  if (i >= 0) enterpriseTabs.splice(i, 1, tab);
  else enterpriseTabs.push(tab);
}
