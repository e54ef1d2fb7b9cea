import { TranslationOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { setLang, useLang, useT } from '../i18n';

/** Toggles 中文 / English; the choice is kept in localStorage. */
export function LangSwitch({ dark = false }: { dark?: boolean }) {
  const t = useT();
  const lang = useLang();
  return (
    <Button
      type="text"
      data-testid="lang-switch"
      icon={<TranslationOutlined />}
      style={dark ? { color: '#fff' } : undefined}
      onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}
      aria-label={t('layout.switchLanguage')}
    >
      {lang === 'en' ? '中文' : 'EN'}
    </Button>
  );
}
