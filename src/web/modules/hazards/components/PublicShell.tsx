import { SafetyCertificateOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useT } from '../../../app/i18n';
import { LangSwitch } from '../../../app/layout/LangSwitch';

/** The frame of the public pages (no login, phone first): a plain header, a narrow column, the hotline. */
export function PublicShell({ children }: { children: ReactNode }) {
  const t = useT();
  return (
    <div style={{ minHeight: '100vh', background: '#f3f5f8' }}>
      <header
        style={{
          background: '#0f3d75',
          color: '#fff',
          padding: '10px 16px',
          display: 'flex',
          alignItems: 'center',
          gap: 8,
        }}
      >
        <SafetyCertificateOutlined style={{ fontSize: 20 }} />
        <span style={{ fontWeight: 600, flex: 1 }}>{t('app.name')}</span>
        <LangSwitch dark />
      </header>
      <main style={{ maxWidth: 560, margin: '0 auto', padding: 12 }}>{children}</main>
      <footer style={{ textAlign: 'center', color: '#888', fontSize: 12, padding: '8px 12px 24px' }}>
        {t('hazards.public.hotline')}
      </footer>
    </div>
  );
}
