import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, DatePicker, Form, Input, Modal, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { useSectors } from '../../org/api';
import { HAZARD_KEYS, type HazardDetail, hazardApi } from '../api';
import { testIdProps } from '../testId';

interface Values {
  instruction: string;
  deadline: Dayjs;
  sectors: string[];
}

/** 举一反三 from a hazard: a self-check instruction with a deadline to every enterprise of the chosen sectors in scope. */
export function StartCampaignModal({
  hazard,
  open,
  onClose,
}: {
  hazard: HazardDetail;
  open: boolean;
  onClose: () => void;
}) {
  const t = useT();
  const lang = useLang();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const sectors = useSectors();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      const c = await hazardApi.startCampaign({
        sourceHazardId: hazard.id,
        instruction: v.instruction,
        deadline: v.deadline.format('YYYY-MM-DD'),
        sectors: v.sectors,
      });
      await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
      message.success(t('hazards.campaigns.started', { code: c.code }));
      onClose();
      navigate(`/hazards/campaigns?id=${c.id}`);
    } catch (err) {
      if (isApiError(err) && err.fields.length) {
        const rest = applyFieldErrors(form, serverFieldErrors(err.fields), ['instruction', 'deadline', 'sectors']);
        setError(rest.length ? rest.map((f) => f.text).join('；') : errorMessage(err));
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={`${t('hazards.campaigns.start')} · ${hazard.code}`}
      onCancel={onClose}
      onOk={() => void submit()}
      confirmLoading={busy}
      okButtonProps={testIdProps('campaign-ok')}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          sectors: [hazard.sector],
          deadline: dayjs().add(15, 'day'),
          instruction: `${hazard.place}：${hazard.description}`.slice(0, 4000),
        }}
      >
        <Form.Item
          name="instruction"
          label={t('hazards.campaigns.instruction')}
          rules={[{ required: true, whitespace: true, message: t('fieldErrors.required') }]}
        >
          <Input.TextArea
            autoSize={{ minRows: 4 }}
            maxLength={4000}
            placeholder={t('hazards.campaigns.instructionPlaceholder')}
          />
        </Form.Item>
        <Form.Item name="deadline" label={t('hazards.campaigns.deadline')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs().startOf('day'))} />
        </Form.Item>
        <Form.Item
          name="sectors"
          label={t('hazards.campaigns.sectors')}
          rules={[{ required: true, type: 'array', min: 1 }]}
        >
          <Select
            mode="multiple"
            showSearch={{ optionFilterProp: 'label' }}
            options={(sectors.data ?? []).map((s) => ({ value: s.code, label: lang === 'en' ? s.name_en : s.name_zh }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
