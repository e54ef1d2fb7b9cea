import { lazy } from 'react';
import { registerEnterpriseTab } from '../../enterprises/tabs';

/** Supervision's tab on the enterprise detail page (信用与分级), loaded on demand. */
registerEnterpriseTab({
  key: 'credit',
  label: 'supervision.credit.tab',
  order: 15,
  permission: 'supervision.read',
  component: lazy(() => import('./CreditTab')),
});
