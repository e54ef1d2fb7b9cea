import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Checkbox, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { HAZARD_KEYS, hazardApi } from '../api';
import { testIdProps } from '../testId';
import { PhotoUpload } from './Photos';

interface Values {
  text: string;
  place?: string;
  anonymous?: boolean;
  photoFileIds?: string[];
}

/**
 * 职工隐患报告: an employee tells the enterprise's safety manager (the internal reward system the notice asks
 * for); the safety manager triages it. Reporting the employer to the regulator goes through the public form.
 */
export function EmployeeReportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      await hazardApi.employeeReport({
        text: v.text,
        place: v.place ?? '',
        anonymous: v.anonymous === true,
        photoFileIds: v.photoFileIds ?? [],
      });
      await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
      message.success(t('hazards.employee.sent'));
      form.resetFields();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('hazards.employee.title')}
      onCancel={onClose}
      onOk={() => void submit()}
      confirmLoading={busy}
      okButtonProps={testIdProps('employee-ok')}
      destroyOnHidden
    >
      <p style={{ color: '#666' }}>{t('hazards.employee.hint')}</p>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="text"
          label={t('hazards.public.text')}
          rules={[{ required: true, whitespace: true, message: t('hazards.public.textRequired') }]}
        >
          <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} data-testid="employee-text" />
        </Form.Item>
        <Form.Item name="place" label={t('hazards.fields.place')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="photoFileIds" label={t('hazards.fields.photos')}>
          <PhotoUpload max={6} />
        </Form.Item>
        <Form.Item name="anonymous" valuePropName="checked">
          <Checkbox>{t('hazards.employee.anonymous')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
