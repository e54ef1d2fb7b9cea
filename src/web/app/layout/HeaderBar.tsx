import { LogoutOutlined, MenuOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Avatar, Button, Dropdown, Layout, type MenuProps, Space } from 'antd';
import { useNavigate } from 'react-router';
import { authApi, type Me } from '../../modules/auth/api';
import { NotificationBell } from '../../modules/notifications/components/NotificationBell';
import { errorMessage } from '../../shared/errors';
import { useT } from '../i18n';
import { LangSwitch } from './LangSwitch';

export function HeaderBar({ me, narrow, onMenu }: { me: Me; narrow: boolean; onMenu: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();

  const logout = async () => {
    try {
      await authApi.logout();
    } catch (err) {
      message.error(errorMessage(err));
    }
    qc.clear();
    navigate('/login', { replace: true });
  };

  const items: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div>
          <div>{me.user.displayName}</div>
          <div style={{ fontSize: 12 }}>{t(`roles.${me.user.role}`)}</div>
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'account', icon: <UserOutlined />, label: t('menu.account'), onClick: () => navigate('/account') },
    {
      key: 'logout',
      icon: <LogoutOutlined />,
      label: <span data-testid="logout">{t('layout.logout')}</span>,
      onClick: () => void logout(),
    },
  ];

  return (
    <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 8, color: '#fff', paddingInline: 12 }}>
      {narrow && (
        <Button
          type="text"
          data-testid="menu-toggle"
          aria-label={t('layout.openMenu')}
          icon={<MenuOutlined style={{ color: '#fff', fontSize: 18 }} />}
          onClick={onMenu}
        />
      )}
      {narrow && (
        <span style={{ fontWeight: 600, fontSize: 16, whiteSpace: 'nowrap' }}>
          <SafetyCertificateOutlined /> {t('app.name')}
        </span>
      )}
      <div style={{ flex: 1 }} />
      <Space size={narrow ? 0 : 4}>
        <LangSwitch dark />
        <NotificationBell />
        <Dropdown menu={{ items }} trigger={['click']} placement="bottomRight">
          <Button type="text" data-testid="user-menu" style={{ color: '#fff', paddingInline: 6 }}>
            <Avatar size="small" icon={<UserOutlined />} style={{ background: '#3b78c4' }} />
            {!narrow && (
              <span>
                {me.user.displayName}
                <span style={{ opacity: 0.75, marginLeft: 6, fontSize: 12 }}>{t(`roles.${me.user.role}`)}</span>
              </span>
            )}
          </Button>
        </Dropdown>
      </Space>
    </Layout.Header>
  );
}
