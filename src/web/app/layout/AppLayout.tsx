import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Drawer, Layout, Menu } from 'antd';
import { Suspense, useState } from 'react';
import { Outlet, useLocation } from 'react-router';
import { useMe } from '../../modules/auth/api';
import { useLiveEvents } from '../../modules/notifications/useLiveEvents';
import { useIsNarrow } from '../../shared/hooks';
import { FullPageSpin } from '../guards';
import { useT } from '../i18n';
import { HeaderBar } from './HeaderBar';
import { menuItems, selectedKey, visibleMenu } from './menu';

function Brand() {
  const t = useT();
  return (
    <div style={{ color: '#fff', padding: '16px 20px', lineHeight: 1.3 }}>
      <div style={{ fontSize: 20, fontWeight: 700, letterSpacing: 2 }}>
        <SafetyCertificateOutlined /> {t('app.name')}
      </div>
      <div style={{ fontSize: 12, opacity: 0.7 }}>{t('app.subtitle')}</div>
    </div>
  );
}

/** The signed-in shell: side menu (a drawer on phones), header, demo banner, page. */
export function AppLayout() {
  const t = useT();
  const { data: me } = useMe();
  const location = useLocation();
  const narrow = useIsNarrow();
  const [drawerOpen, setDrawerOpen] = useState(false);
  useLiveEvents();
  if (!me) return <FullPageSpin />;

  const entries = visibleMenu(me.permissions);
  const selected = selectedKey(entries, location.pathname);
  const menu = (onNavigate?: () => void) => (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={selected ? [selected] : []}
      items={menuItems(entries, t, onNavigate)}
      style={{ borderInlineEnd: 0 }}
    />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!narrow && (
        <Layout.Sider width={216} style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
          <Brand />
          {menu()}
        </Layout.Sider>
      )}
      {narrow && (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={260}
          closable={false}
          styles={{ body: { padding: 0, background: '#0b2e59' }, header: { display: 'none' } }}
          data-testid="menu-drawer"
        >
          <Brand />
          {menu(() => setDrawerOpen(false))}
        </Drawer>
      )}
      <Layout style={{ minWidth: 0 }}>
        <HeaderBar me={me} narrow={narrow} onMenu={() => setDrawerOpen(true)} />
        {me.demo && (
          <div data-testid="demo-banner">
            <Alert banner type="warning" title={t('layout.demoBanner')} />
          </div>
        )}
        <Layout.Content style={{ padding: narrow ? 12 : 24, minWidth: 0 }}>
          <Suspense fallback={<FullPageSpin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
