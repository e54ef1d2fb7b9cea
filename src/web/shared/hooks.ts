import { App, Grid } from 'antd';
import { useState } from 'react';
import { download, type Query } from './api';
import { errorMessage } from './errors';

/** True below AntD's `sm` breakpoint (576 px): phones get cards and single columns. */
export function useIsPhone(): boolean {
  const screens = Grid.useBreakpoint();
  // Before the first measurement every breakpoint is undefined: assume desktop on wide windows.
  if (screens.sm === undefined) return typeof window !== 'undefined' && window.innerWidth < 576;
  return !screens.sm;
}

/** True below `md` (768 px): the side menu collapses into a drawer. */
export function useIsNarrow(): boolean {
  const screens = Grid.useBreakpoint();
  if (screens.md === undefined) return typeof window !== 'undefined' && window.innerWidth < 768;
  return !screens.md;
}

/**
 * Downloads a generated file (Excel ledger, template, DOCX) with a busy flag for the button and the failure shown
 * as a message; resolves to whether the file came.
 */
export function useDownload() {
  const { message } = App.useApp();
  const [downloading, setDownloading] = useState(false);
  const start = async (path: string, query?: Query, fallbackName?: string): Promise<boolean> => {
    setDownloading(true);
    try {
      await download(path, query, fallbackName);
      return true;
    } catch (err) {
      message.error(errorMessage(err));
      return false;
    } finally {
      setDownloading(false);
    }
  };
  return { downloading, start };
}
