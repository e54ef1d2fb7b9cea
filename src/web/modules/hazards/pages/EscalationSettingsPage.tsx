import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, InputNumber, Space, Spin, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { DEFAULT_ESCALATION_SETTINGS } from '../../../../core/hazards/escalation';
import { useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { useCan } from '../../auth/api';
import { type EscalationSettings, HAZARD_KEYS, hazardApi } from '../api';
import { testIdProps } from '../testId';

type Key = keyof EscalationSettings;
/** The ladder's keys in the order the steps happen, with the server's lower bound (`escalationSettingsSchema`). */
const FIELDS: readonly { key: Key; min: number }[] = [
  { key: 'remindDaysBefore', min: 0 },
  { key: 'summonAfterDaysOverdue', min: 1 },
  { key: 'majorListingAfterDaysOverdue', min: 1 },
  { key: 'listingOverdueCountThreshold', min: 1 },
  { key: 'listingWindowDays', min: 1 },
  { key: 'redCardWindowDays', min: 1 },
];
const MAX = 3650;
const KEYS: readonly string[] = FIELDS.map((f) => f.key);

/** 隐患逾期升级设置: the county office edits the escalation ladder; everyone else reads it. */
export default function EscalationSettingsPage() {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const can = useCan();
  const editable = can('hazard.supervise');
  const [form] = Form.useForm<EscalationSettings>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const settings = useQuery({ queryKey: HAZARD_KEYS.settings, queryFn: hazardApi.settings });

  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data.escalation);
  }, [settings.data, form]);

  const save = async () => {
    if (!settings.data) return;
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await hazardApi.saveSettings({ version: settings.data.version, escalation: values });
      qc.setQueryData(HAZARD_KEYS.settings, saved);
      message.success(t('common.saved'));
    } catch (err) {
      if (isApiError(err) && err.code === 'STALE_VERSION') {
        setError(t('hazards.settings.staleReloaded'));
        await settings.refetch();
      } else if (isApiError(err) && err.fields.length) {
        // The server names `escalation.<key>`: put the message on that field.
        const fields = serverFieldErrors(err.fields).map((f) => ({
          ...f,
          path: f.path[0] === 'escalation' ? f.path.slice(1) : f.path,
        }));
        const rest = applyFieldErrors(form, fields, KEYS);
        setError(rest.length ? rest.map((f) => f.text).join('；') : errorMessage(err));
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (settings.error) return <Alert type="error" showIcon title={errorMessage(settings.error)} />;
  if (!settings.data)
    return (
      <div className="fx-center">
        <Spin />
      </div>
    );

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('hazards.settings.title')}
        </h1>
        <Tag data-testid="settings-version">{t('hazards.settings.version', { version: settings.data.version })}</Tag>
      </div>
      <Card size="small" style={{ maxWidth: 720 }}>
        <Alert type="info" showIcon title={t('hazards.settings.intro')} style={{ marginBottom: 12 }} />
        {!editable && (
          <Alert type="warning" showIcon title={t('hazards.settings.readOnly')} style={{ marginBottom: 12 }} />
        )}
        {error && (
          <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="settings-error" />
        )}
        <Form form={form} layout="vertical" disabled={!editable}>
          {FIELDS.map(({ key, min }) => (
            <Form.Item
              key={key}
              name={key}
              label={t(`hazards.settings.${key}`)}
              extra={t(`hazards.settings.${key}Hint`)}
              rules={[
                { required: true, message: t('fieldErrors.required') },
                { type: 'integer', min, message: t('fieldErrors.too_small_n', { min }) },
                { type: 'integer', max: MAX, message: t('fieldErrors.too_big_n', { max: MAX }) },
              ]}
            >
              {/* No min/max on the input itself: it would clamp silently; the rules say what is wrong instead. */}
              <InputNumber
                precision={0}
                suffix={key === 'listingOverdueCountThreshold' ? undefined : t('hazards.settings.days')}
                style={{ width: '100%', maxWidth: 240 }}
                data-testid={`settings-${key}`}
              />
            </Form.Item>
          ))}
        </Form>
        {editable && (
          <Space wrap>
            <Button type="primary" loading={busy} onClick={() => void save()} {...testIdProps('settings-save')}>
              {t('common.save')}
            </Button>
            <Button onClick={() => form.setFieldsValue({ ...DEFAULT_ESCALATION_SETTINGS })}>
              {t('hazards.settings.defaults')}
            </Button>
          </Space>
        )}
      </Card>
    </>
  );
}
