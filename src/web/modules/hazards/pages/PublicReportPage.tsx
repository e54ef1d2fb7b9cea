import { CameraOutlined, CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Result, Typography, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { errorMessage } from '../../../shared/errors';
import { hazardApi } from '../api';
import { PublicShell } from '../components/PublicShell';

const MAX_PHOTOS = 6;
const MAX_BYTES = 10 * 1024 * 1024;

interface Values {
  text: string;
  place?: string;
  enterpriseName?: string;
  contact?: string;
}

/**
 * 随手拍 / 举报: anyone, no login, on a phone. Text, place, up to 6 photos (sent with the report in one multipart
 * request; the server checks each by its bytes), optional contact. Answers the tracking code.
 */
export default function PublicReportPage() {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [photos, setPhotos] = useState<UploadFile[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState<string | null>(null);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const fd = new FormData();
      fd.append('text', v.text);
      if (v.place) fd.append('place', v.place);
      if (v.enterpriseName) fd.append('enterpriseName', v.enterpriseName);
      if (v.contact) fd.append('contact', v.contact);
      for (const p of photos) {
        if (p.originFileObj) fd.append('photos', p.originFileObj, p.name);
      }
      const r = await hazardApi.publicReport(fd);
      setCode(r.trackingCode);
    } catch (err) {
      if (isApiError(err) && err.fields[0]?.path.startsWith('photos.')) {
        const n = Number(err.fields[0].path.split('.')[1]);
        setError(`${errorMessage(err)}：${photos[n]?.name ?? ''}`);
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (code) {
    return (
      <PublicShell>
        <Card>
          <Result
            status="success"
            title={t('hazards.public.done')}
            subTitle={t('hazards.public.codeHint')}
            extra={[
              <div key="code" style={{ marginBottom: 16 }}>
                <div style={{ color: '#888' }}>{t('hazards.public.codeIs')}</div>
                <Typography.Text
                  strong
                  style={{ fontSize: 26, letterSpacing: 3, fontFamily: 'monospace' }}
                  data-testid="tracking-code"
                >
                  {code}
                </Typography.Text>
              </div>,
              <Button
                key="copy"
                icon={<CopyOutlined />}
                onClick={() =>
                  void navigator.clipboard
                    ?.writeText(code)
                    .then(() => message.success(t('common.copied')))
                    .catch(() => undefined)
                }
              >
                {t('hazards.public.copy')}
              </Button>,
              <Link key="track" to={`/report/track?code=${encodeURIComponent(code)}`} data-testid="go-track">
                <Button type="primary">{t('hazards.public.track')}</Button>
              </Link>,
            ]}
          />
          <Button
            type="link"
            block
            onClick={() => {
              form.resetFields();
              setPhotos([]);
              setCode(null);
            }}
          >
            {t('hazards.public.another')}
          </Button>
        </Card>
      </PublicShell>
    );
  }

  return (
    <PublicShell>
      <Card>
        <h1 style={{ fontSize: 20, margin: '0 0 4px' }}>{t('hazards.public.title')}</h1>
        <p style={{ color: '#666', marginTop: 0 }}>{t('hazards.public.subtitle')}</p>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form<Values> form={form} layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item
            name="text"
            label={t('hazards.public.text')}
            rules={[{ required: true, whitespace: true, message: t('hazards.public.textRequired') }]}
          >
            <Input.TextArea
              autoSize={{ minRows: 4, maxRows: 10 }}
              maxLength={5000}
              showCount
              placeholder={t('hazards.public.textPlaceholder')}
              data-testid="pub-text"
            />
          </Form.Item>
          <Form.Item label={t('hazards.public.photos')}>
            <div data-testid="pub-photos">
              <Upload
                listType="picture-card"
                accept="image/jpeg,image/png,image/webp"
                multiple
                fileList={photos}
                beforeUpload={(file) => {
                  if (file.size > MAX_BYTES) {
                    message.error(`${t('errors.FILE_TOO_LARGE')}：${file.name}`);
                    return Upload.LIST_IGNORE;
                  }
                  return false;
                }}
                onChange={({ fileList }) => {
                  if (fileList.length > MAX_PHOTOS) message.warning(t('hazards.public.tooMany'));
                  setPhotos(fileList.slice(0, MAX_PHOTOS));
                }}
              >
                {photos.length < MAX_PHOTOS && (
                  <div>
                    <CameraOutlined style={{ fontSize: 22 }} />
                    <div style={{ marginTop: 4, fontSize: 12 }}>{t('hazards.public.addPhoto')}</div>
                  </div>
                )}
              </Upload>
            </div>
          </Form.Item>
          <Form.Item name="place" label={t('hazards.public.place')}>
            <Input maxLength={200} placeholder={t('hazards.public.placePlaceholder')} data-testid="pub-place" />
          </Form.Item>
          <Form.Item name="enterpriseName" label={t('hazards.public.enterpriseName')}>
            <Input maxLength={200} data-testid="pub-enterprise" />
          </Form.Item>
          <Form.Item name="contact" label={t('hazards.public.contact')} extra={t('hazards.public.contactHint')}>
            <Input maxLength={100} inputMode="tel" data-testid="pub-contact" />
          </Form.Item>
          <Button type="primary" htmlType="submit" size="large" block loading={busy} data-testid="pub-submit">
            {busy ? t('hazards.public.submitting') : t('hazards.public.submit')}
          </Button>
        </Form>
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Link to="/report/track" data-testid="pub-track-link">
            {t('hazards.public.track')}
          </Link>
        </div>
      </Card>
    </PublicShell>
  );
}
