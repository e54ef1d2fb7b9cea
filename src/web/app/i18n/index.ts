import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { en } from './en';
import { type Messages, zhCN } from './zh-CN';

export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'fx.lang';

/** Every dotted path to a string in the dictionary: the only keys `t` accepts. */
type Paths<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Paths<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Paths<Messages>;
export type Vars = Record<string, string | number>;
export type TFn = (key: MessageKey, vars?: Vars) => string;

function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: storedLang(),
  fallbackLng: 'zh-CN',
  // Server field messages are used as keys; they may hold ':' but never a namespace.
  nsSeparator: false,
  interpolation: { escapeValue: false },
  initAsync: false,
  showSupportNotice: false,
});
document.documentElement.lang = i18n.language;

const rawT = i18n.t.bind(i18n) as unknown as (key: string, vars?: Vars) => string;

/** Translates a key outside React (error mapping, Leaflet popups). Components use `useT()`. */
export function translate(key: MessageKey, vars?: Vars): string {
  return rawT(key, vars);
}

/** Translates a key built at run time (error codes, field messages); undefined when the key is unknown. */
export function translateDynamic(key: string, vars?: Vars): string | undefined {
  return key && i18n.exists(key) ? rawT(key, vars) : undefined;
}

/** The typed `t` for components; re-renders them when the language changes. */
export function useT(): TFn {
  const { t } = useTranslation();
  return t as unknown as TFn;
}

export function useLang(): Lang {
  const { i18n: inst } = useTranslation();
  return inst.language === 'en' ? 'en' : 'zh-CN';
}

export function currentLang(): Lang {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

/** Picks the Chinese or English variant of a bilingual record field. */
export function pickLang<T>(lang: Lang, zh: T, enValue: T): T {
  return lang === 'en' ? enValue : zh;
}

export { i18n };
