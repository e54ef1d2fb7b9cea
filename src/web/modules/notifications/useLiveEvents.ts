import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useEffect } from 'react';
import { currentLang } from '../../app/i18n';
import { NOTIFICATION_KEYS, type Notification } from './api';

function parse(data: string): Partial<Notification> {
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === 'object' && v !== null ? (v as Partial<Notification>) : {};
  } catch {
    return {};
  }
}

/**
 * Live updates over server-sent events (/api/events): each `notification` refreshes the bell and pops a toast.
 * The browser reconnects by itself (the server sends `retry: 3000`).
 */
export function useLiveEvents(): void {
  const qc = useQueryClient();
  const { notification } = App.useApp();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/events', { withCredentials: true });
    const onNotification = (ev: MessageEvent<string>) => {
      void qc.invalidateQueries({ queryKey: NOTIFICATION_KEYS.all });
      const n = parse(ev.data);
      const en = currentLang() === 'en';
      notification.info({
        title: (en ? n.title_en : n.title_zh) ?? '',
        description: (en ? n.body_en : n.body_zh) || undefined,
        placement: 'topRight',
      });
    };
    es.addEventListener('notification', onNotification);
    return () => {
      es.removeEventListener('notification', onNotification);
      es.close();
    };
  }, [qc, notification]);
}
