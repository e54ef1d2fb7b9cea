import type { Widen } from '../../app/i18n/types';

/** The supervision module's messages (zh-CN first); mounted under `supervision.` in the app dictionary. */
export const supervisionZh = {
  title: '监管执法',
};

/** English: typed by the zh-CN dictionary, so a missing or extra key is a compile error. */
export const supervisionEn: Widen<typeof supervisionZh> = {
  title: 'Supervision',
};
