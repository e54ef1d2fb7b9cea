import type { Widen } from '../../app/i18n/types';

/** The hazards module's messages (zh-CN first); mounted under `hazards.` in the app dictionary. */
export const hazardsZh = {
  title: '隐患排查治理',
};

/** English: typed by the zh-CN dictionary, so a missing or extra key is a compile error. */
export const hazardsEn: Widen<typeof hazardsZh> = {
  title: 'Hazards',
};
