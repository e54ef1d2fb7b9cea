import { api, type Page } from '../../shared/api';

export interface Notification {
  id: string;
  user_id: string;
  kind: string;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  link: string | null;
  entity_type: string | null;
  entity_id: string | null;
  created_at: string;
  read_at: string | null;
}

export const NOTIFICATION_KEYS = {
  all: ['notifications'] as const,
  count: ['notifications', 'unread-count'] as const,
  list: ['notifications', 'list'] as const,
};

export const notificationsApi = {
  unreadCount: () => api<{ unread: number }>('/api/notifications/unread-count'),
  list: (page = 1, pageSize = 30) =>
    api<Page<Notification> & { unread: number }>('/api/notifications', { query: { page, pageSize } }),
  markRead: (id: string) => api<{ ok: true }>(`/api/notifications/${id}/read`, { method: 'POST', body: {} }),
  markAllRead: () => api<{ updated: number }>('/api/notifications/read-all', { method: 'POST', body: {} }),
};
