import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { HAZARD_CATEGORIES, HAZARD_KEYS, type HazardCategory, type HazardDetail, hazardApi } from '../api';
import { testIdProps } from '../testId';

interface Values {
  place: string;
  category: HazardCategory;
  description: string;
  rectification: { measures: string; responsiblePerson: string; funds: string };
}
const KNOWN = ['place', 'category', 'description', 'rectification'];

const valuesOf = (h: HazardDetail): Values => ({
  place: h.place,
  category: h.category,
  description: h.description,
  rectification: {
    measures: h.rectification.measures,
    responsiblePerson: h.rectification.responsiblePerson,
    funds: h.rectification.funds,
  },
});

/**
 * Edits what `PATCH /api/hazards/:id` allows (place, category, description, rectification measures / person /
 * funds), shown only when the detail says `editable`. The edit carries the version it was started from: when
 * someone changed the hazard meanwhile the server answers 409 and the form says so, offering to load the latest
 * (the user's typing is replaced only when they ask).
 */
export function HazardEditModal({
  hazard,
  open,
  onClose,
}: {
  hazard: HazardDetail;
  open: boolean;
  onClose: () => void;
}) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [base, setBase] = useState(hazard.version);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState<number | null>(null);

  // Opening starts from the hazard as shown; only on opening: a refetch while the form is open must not overwrite
  // what the user typed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the modal opens, on purpose
  useEffect(() => {
    if (!open) return;
    form.setFieldsValue(valuesOf(hazard));
    setBase(hazard.version);
    setError(null);
    setStale(null);
  }, [open]);

  const reload = async () => {
    const latest = await qc.fetchQuery({
      queryKey: HAZARD_KEYS.detail(hazard.id),
      queryFn: () => hazardApi.get(hazard.id),
      // Always from the server: the cached detail is the one that turned out stale.
      staleTime: 0,
    });
    form.setFieldsValue(valuesOf(latest));
    setBase(latest.version);
    setStale(null);
    setError(latest.editable ? null : t('errors.ILLEGAL_ACTION'));
  };

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await hazardApi.update(hazard.id, {
        version: base,
        place: v.place,
        category: v.category,
        description: v.description,
        rectification: {
          measures: v.rectification.measures ?? '',
          responsiblePerson: v.rectification.responsiblePerson ?? '',
          funds: v.rectification.funds ?? '',
        },
      });
      qc.setQueryData(HAZARD_KEYS.detail(hazard.id), updated);
      await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all, predicate: (q) => q.queryKey[1] !== 'detail' });
      message.success(t('common.saved'));
      onClose();
    } catch (err) {
      if (isApiError(err, 'STALE_VERSION')) {
        const current = err.extra.currentVersion;
        setStale(typeof current === 'number' ? current : base + 1);
      } else if (isApiError(err) && err.fields.length) {
        const rest = applyFieldErrors(form, serverFieldErrors(err.fields), KNOWN);
        setError(rest.length ? rest.map((f) => f.text).join('；') : errorMessage(err));
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const required = [{ required: true, whitespace: true, message: t('fieldErrors.required') }];
  return (
    <Modal
      open={open}
      title={`${t('hazards.edit.title')} ${hazard.code}`}
      onCancel={onClose}
      onOk={() => void save()}
      confirmLoading={busy}
      okText={t('common.save')}
      okButtonProps={{ ...testIdProps('edit-ok'), disabled: stale !== null }}
      forceRender
    >
      <Alert type="info" showIcon title={t('hazards.edit.hint')} style={{ marginBottom: 12 }} />
      {stale !== null && (
        <Alert
          type="warning"
          showIcon
          data-testid="edit-stale"
          title={t('hazards.edit.stale', { version: stale })}
          action={
            <Button size="small" onClick={() => void reload()} {...testIdProps('edit-reload')}>
              {t('hazards.edit.reload')}
            </Button>
          }
          style={{ marginBottom: 12 }}
        />
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="edit-error" />}
      <Form form={form} layout="vertical">
        <Form.Item name="place" label={t('hazards.fields.place')} rules={required}>
          <Input maxLength={200} data-testid="edit-place" />
        </Form.Item>
        <Form.Item name="category" label={t('hazards.fields.category')} rules={required}>
          <Select options={HAZARD_CATEGORIES.map((c) => ({ value: c, label: t(`hazards.category.${c}`) }))} />
        </Form.Item>
        <Form.Item name="description" label={t('hazards.fields.description')} rules={required}>
          <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} data-testid="edit-description" />
        </Form.Item>
        <Form.Item name={['rectification', 'measures']} label={t('hazards.fields.measures')}>
          <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} data-testid="edit-measures" />
        </Form.Item>
        <Form.Item name={['rectification', 'responsiblePerson']} label={t('hazards.fields.responsiblePerson')}>
          <Input maxLength={50} data-testid="edit-responsible" />
        </Form.Item>
        <Form.Item name={['rectification', 'funds']} label={t('hazards.fields.funds')}>
          <Input maxLength={100} data-testid="edit-funds" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
