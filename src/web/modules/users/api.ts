import type { Role } from '../../../core/roles';
import { api, type Page } from '../../shared/api';

export interface User {
  id: string;
  username: string;
  display_name: string;
  phone: string | null;
  role: Role;
  department_id: string | null;
  region_code: string | null;
  enterprise_id: string | null;
  /** The bound enterprise's name (enterprise accounts). */
  enterprise_name: string | null;
  must_change_password: boolean;
  disabled_at: string | null;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface UserCreate {
  username: string;
  displayName: string;
  phone?: string | undefined;
  role: Role;
  departmentId?: string | undefined;
  regionCode?: string | undefined;
  enterpriseId?: string | undefined;
}

export interface UserUpdate {
  version: number;
  displayName?: string;
  phone?: string | null;
  disabled?: boolean;
  unlock?: true;
}

export interface UserQuery {
  page: number;
  pageSize: number;
  q?: string | undefined;
  role?: Role | undefined;
}

export const USER_KEYS = {
  all: ['users'] as const,
  list: (q: UserQuery) => ['users', 'list', q] as const,
};

export const usersApi = {
  list: (q: UserQuery) => api<Page<User>>('/api/users', { query: { ...q } }),
  create: (b: UserCreate) => api<{ user: User; oneTimePassword: string }>('/api/users', { method: 'POST', body: b }),
  update: (id: string, b: UserUpdate) => api<User>(`/api/users/${id}`, { method: 'PATCH', body: b }),
  resetPassword: (id: string) =>
    api<{ oneTimePassword: string }>(`/api/users/${id}/reset-password`, { method: 'POST', body: {} }),
};

export function isLocked(u: User, now = Date.now()): boolean {
  return Boolean(u.locked_until && Date.parse(u.locked_until) > now);
}
