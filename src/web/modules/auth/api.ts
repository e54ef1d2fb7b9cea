import { useQuery } from '@tanstack/react-query';
import type { Permission, Role } from '../../../core/roles';
import { api, type Page } from '../../shared/api';

export interface Me {
  user: {
    id: string;
    username: string;
    displayName: string;
    role: Role;
    department: { id: string; code: string; name_zh: string; name_en: string } | null;
    region: { code: string; name: string; kind: string } | null;
    enterprise: { id: string; name: string; code: string } | null;
  };
  permissions: Permission[];
  mustChangePassword: boolean;
  demo: boolean;
  tileUrl: string | null;
}

export interface LoginResult {
  user: { id: string; username: string; role: Role };
  mustChangePassword: boolean;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export const ME_KEY = ['auth', 'me'] as const;
export const TOKENS_KEY = ['auth', 'tokens'] as const;

export const authApi = {
  me: () => api<Me>('/api/auth/me'),
  login: (username: string, password: string) =>
    api<LoginResult>('/api/auth/login', { method: 'POST', body: { username, password } }),
  logout: () => api<{ ok: true }>('/api/auth/logout', { method: 'POST', body: {} }),
  changePassword: (currentPassword: string, newPassword: string) =>
    api<{ ok: true }>('/api/auth/password', { method: 'POST', body: { currentPassword, newPassword } }),
  tokens: () => api<Page<ApiToken>>('/api/auth/tokens'),
  createToken: (name: string) =>
    api<ApiToken & { token: string }>('/api/auth/tokens', { method: 'POST', body: { name } }),
  revokeToken: (id: string) => api<{ ok: true }>(`/api/auth/tokens/${id}`, { method: 'DELETE' }),
};

/** The signed-in user; the auth guard has loaded it before any page inside the layout renders. */
export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: authApi.me, staleTime: 5 * 60_000, retry: false });
}

/** `can('enterprise.create')` for the signed-in user (false while loading). */
export function useCan(): (permission: Permission) => boolean {
  const { data } = useMe();
  return (permission) => data?.permissions.includes(permission) ?? false;
}
