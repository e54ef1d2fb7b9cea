import { lazy } from 'react';
import { registerEnterpriseTab } from '../enterprises/tabs';

/**
 * The hazards module's contributions to other modules' pages. Imported once by the router; everything heavy is
 * lazy, so this adds a few bytes to the shell.
 */
registerEnterpriseTab({
  key: 'hazards',
  label: 'hazards.tab.title',
  order: 20,
  permission: 'hazard.read',
  component: lazy(() => import('./components/EnterpriseHazardsTab')),
});
