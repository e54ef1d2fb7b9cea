import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Drawer, Empty, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useIsPhone } from '../../../shared/hooks';
import { NOTIFICATION_KEYS, type Notification, notificationsApi } from '../api';

function Item({ n, onOpen }: { n: Notification; onOpen: (n: Notification) => void }) {
  const lang = useLang();
  const unread = !n.read_at;
  return (
    <button
      type="button"
      onClick={() => onOpen(n)}
      data-testid="notif-item"
      style={{
        display: 'block',
        width: '100%',
        textAlign: 'left',
        border: 0,
        borderBottom: '1px solid #f0f0f0',
        background: unread ? '#f0f6ff' : 'transparent',
        padding: '10px 12px',
        cursor: 'pointer',
        font: 'inherit',
      }}
    >
      <div style={{ display: 'flex', gap: 8, alignItems: 'baseline' }}>
        {unread && <Badge status="processing" />}
        <Typography.Text strong={unread} style={{ flex: 1 }}>
          {lang === 'en' ? n.title_en : n.title_zh}
        </Typography.Text>
      </div>
      {(lang === 'en' ? n.body_en : n.body_zh) && (
        <div style={{ color: '#555', fontSize: 13, marginTop: 2 }}>{lang === 'en' ? n.body_en : n.body_zh}</div>
      )}
      <div style={{ color: '#999', fontSize: 12, marginTop: 2 }}>{formatDateTime(n.created_at)}</div>
    </button>
  );
}

/** The bell in the header: unread count, and a drawer with the latest notifications. */
export function NotificationBell() {
  const t = useT();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);

  const count = useQuery({
    queryKey: NOTIFICATION_KEYS.count,
    queryFn: notificationsApi.unreadCount,
    refetchInterval: 120_000,
  });
  const list = useQuery({
    queryKey: NOTIFICATION_KEYS.list,
    queryFn: () => notificationsApi.list(1, 30),
    enabled: open,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: NOTIFICATION_KEYS.all });
  const markRead = useMutation({ mutationFn: notificationsApi.markRead, onSuccess: refresh });
  const markAll = useMutation({
    mutationFn: notificationsApi.markAllRead,
    onSuccess: refresh,
    onError: (err) => message.error(errorMessage(err)),
  });

  const openItem = (n: Notification) => {
    if (!n.read_at) markRead.mutate(n.id);
    if (n.link?.startsWith('/')) {
      setOpen(false);
      navigate(n.link);
    }
  };

  const unread = count.data?.unread ?? 0;
  return (
    <>
      <Badge count={unread} size="small" offset={[-4, 4]} overflowCount={99}>
        <Button
          type="text"
          data-testid="notif-bell"
          aria-label={t('notifications.title')}
          icon={<BellOutlined style={{ color: '#fff', fontSize: 18 }} />}
          onClick={() => setOpen(true)}
        />
      </Badge>
      <Drawer
        title={t('notifications.title')}
        open={open}
        onClose={() => setOpen(false)}
        size={phone ? '100%' : 400}
        styles={{ body: { padding: 0 } }}
        extra={
          <Button size="small" disabled={unread === 0} loading={markAll.isPending} onClick={() => markAll.mutate()}>
            {t('notifications.markAllRead')}
          </Button>
        }
      >
        {list.isPending ? (
          <div className="fx-center">
            <Spin />
          </div>
        ) : list.error ? (
          <Typography.Text type="danger" style={{ padding: 16, display: 'block' }}>
            {errorMessage(list.error)}
          </Typography.Text>
        ) : list.data.items.length === 0 ? (
          <Empty style={{ marginTop: 48 }} description={t('notifications.empty')} />
        ) : (
          <div data-testid="notif-list">
            {list.data.items.map((n) => (
              <Item key={n.id} n={n} onOpen={openItem} />
            ))}
          </div>
        )}
      </Drawer>
    </>
  );
}
