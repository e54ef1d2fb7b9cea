import { api, type Page } from '../../shared/api';

export interface AuditEntry {
  id: number;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditQuery {
  page: number;
  pageSize: number;
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  actor?: string | undefined;
  /** ISO instants with offset. */
  from?: string | undefined;
  to?: string | undefined;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  brokenAt?: { id: number; reason: string };
}

export const auditApi = {
  list: (q: AuditQuery) => api<Page<AuditEntry>>('/api/audit', { query: { ...q } }),
  verify: () => api<AuditVerifyResult>('/api/audit/verify'),
};
