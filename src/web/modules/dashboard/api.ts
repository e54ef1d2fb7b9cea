import { useQuery } from '@tanstack/react-query';
import type { ExpiryState } from '../../../core/enterprise';
import { api } from '../../shared/api';

export interface ExpiringItem {
  enterpriseId: string;
  enterpriseName: string;
  /** A licence type, or `standardization` for the standardization certificate. */
  kind: string;
  number: string;
  expiry: string;
  state: ExpiryState;
  daysLeft: number;
}

export interface DashboardSummary {
  enterprises: {
    totals: {
      total: number;
      key: number;
      major: number;
      operating: number;
      suspended: number;
      closed: number;
      above: number;
    };
    bySector: { code: string; name_zh: string; name_en: string; count: number }[];
    byTownship: { code: string; name: string; count: number }[];
  };
  expiring: ExpiringItem[];
  expiringTotal: number;
}

export function useDashboardSummary() {
  return useQuery({
    queryKey: ['dashboard', 'summary'],
    queryFn: () => api<DashboardSummary>('/api/dashboard/summary'),
  });
}
