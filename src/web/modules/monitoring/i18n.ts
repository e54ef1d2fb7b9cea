import type { Widen } from '../../app/i18n/types';

/** The monitoring module's messages (zh-CN first); mounted under `monitoring.` in the app dictionary. */
export const monitoringZh = {
  title: '监测预警',
};

/** English: typed by the zh-CN dictionary, so a missing or extra key is a compile error. */
export const monitoringEn: Widen<typeof monitoringZh> = {
  title: 'Monitoring',
};
