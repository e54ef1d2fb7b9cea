import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import type { ReactNode } from 'react';
import { useLang } from './i18n';
import { queryClient } from './queryClient';

const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1557b0',
    borderRadius: 6,
  },
  components: {
    Layout: { headerBg: '#0f3d75', siderBg: '#0b2e59', headerPadding: '0 16px' },
    Menu: { darkItemBg: '#0b2e59', darkSubMenuItemBg: '#082447' },
  },
};

export function Providers({ children }: { children: ReactNode }) {
  const lang = useLang();
  // DatePicker and relative times read dayjs's global locale; set it before the tree renders.
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={theme}>
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
