import type { EnterpriseTabProps } from '../../enterprises/tabs';
import { EnterpriseMonitoring } from './EnterpriseMonitoring';

/** The 监测预警 tab of the enterprise detail page. */
export default function EnterpriseMonitoringTab({ enterprise }: EnterpriseTabProps) {
  return <EnterpriseMonitoring enterpriseId={enterprise.id} />;
}
