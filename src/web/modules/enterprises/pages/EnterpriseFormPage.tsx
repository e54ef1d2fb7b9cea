import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Space, Spin } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { enterpriseCreateSchema, enterpriseUpdateSchema } from '../../../../core/enterprise';
import { ROLE_SCOPE } from '../../../../core/roles';
import { useT } from '../../../app/i18n';
import { ApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, type NamePath, serverFieldErrors } from '../../../shared/errors';
import { issuesToFieldErrors } from '../../../shared/zod';
import { useMe } from '../../auth/api';
import { ENTERPRISE_KEYS, type EnterpriseDetail, enterpriseApi } from '../api';
import { EnterpriseFormFields } from '../components/EnterpriseFormFields';
import {
  editableBy,
  emptyValues,
  type FormValues,
  PAYLOAD_FIELDS,
  patchBody,
  toPayload,
  valuesFromDetail,
} from '../components/formModel';

/** Form names a field error may land on (departmentIds shows on the override switch's list). */
const FORM_FIELDS: readonly string[] = [...PAYLOAD_FIELDS];

export default function EnterpriseFormPage() {
  const { id } = useParams();
  const detail = useQuery({
    queryKey: ENTERPRISE_KEYS.detail(id ?? ''),
    queryFn: () => enterpriseApi.get(id ?? ''),
    enabled: Boolean(id),
  });
  if (!id) return <EnterpriseForm />;
  if (detail.error) return <Alert type="error" showIcon title={errorMessage(detail.error)} />;
  if (!detail.data) {
    return (
      <div className="fx-center">
        <Spin />
      </div>
    );
  }
  // Remount on a new version so a reload after a conflict starts from the fresh record.
  return <EnterpriseForm key={detail.data.version} existing={detail.data} />;
}

function EnterpriseForm({ existing }: { existing?: EnterpriseDetail }) {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { modal, message } = App.useApp();
  const { data: me } = useMe();
  const [form] = Form.useForm<FormValues>();
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const selfOnly = me ? ROLE_SCOPE[me.user.role] === 'enterprise' : false;
  const editable = editableBy(selfOnly && Boolean(existing));
  const initial = existing ? valuesFromDetail(existing) : emptyValues(me?.user.region?.code);

  const showErrors = (fields: { path: NamePath; text: string }[]) => {
    const rest = applyFieldErrors(form, fields, FORM_FIELDS);
    setGeneral(rest.map((r) => (r.path.length ? `${r.path.join('.')}: ${r.text}` : r.text)));
    if (fields.length) {
      const first = fields[0]?.path;
      if (first?.length && FORM_FIELDS.includes(String(first[0]))) form.scrollToField(first);
    }
  };

  const conflict = () =>
    modal.confirm({
      title: t('errors.STALE_VERSION'),
      content: t('enterprises.staleHint'),
      okText: t('common.reload'),
      cancelText: t('common.cancel'),
      onOk: () => qc.invalidateQueries({ queryKey: ENTERPRISE_KEYS.detail(existing?.id ?? '') }),
    });

  const submit = async () => {
    setGeneral([]);
    const payload = toPayload(form.getFieldsValue(true));
    setBusy(true);
    try {
      if (existing) {
        const body = patchBody(toPayload(initial), payload, existing.version, editable);
        if (Object.keys(body).length === 1) {
          message.info(t('enterprises.noChanges'));
          navigate(`/enterprises/${existing.id}`);
          return;
        }
        const parsed = enterpriseUpdateSchema.safeParse(body);
        if (!parsed.success) return showErrors(issuesToFieldErrors(parsed.error.issues));
        await enterpriseApi.update(existing.id, parsed.data);
        message.success(t('common.saved'));
        await qc.invalidateQueries({ queryKey: ENTERPRISE_KEYS.all });
        navigate(`/enterprises/${existing.id}`);
      } else {
        const parsed = enterpriseCreateSchema.safeParse(payload);
        if (!parsed.success) return showErrors(issuesToFieldErrors(parsed.error.issues));
        const created = await enterpriseApi.create(parsed.data);
        message.success(t('common.saved'));
        await qc.invalidateQueries({ queryKey: ENTERPRISE_KEYS.all });
        navigate(`/enterprises/${created.id}`, { replace: true });
      }
    } catch (err) {
      if (err instanceof ApiError && err.code === 'STALE_VERSION') conflict();
      else if (err instanceof ApiError && err.fields.length) {
        showErrors(serverFieldErrors(err.fields));
        message.error(errorMessage(err));
      } else setGeneral([errorMessage(err)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 className="fx-page-title">
        {existing ? t('enterprises.editTitle', { name: existing.name }) : t('enterprises.newTitle')}
      </h1>
      {selfOnly && existing && (
        <Alert type="info" showIcon title={t('enterprises.selfEditHint')} style={{ marginBottom: 12 }} />
      )}
      {general.length > 0 && (
        <Alert
          type="error"
          showIcon
          data-testid="form-error"
          title={general.length === 1 ? general[0] : t('errors.VALIDATION')}
          description={general.length > 1 ? general.join('；') : undefined}
          style={{ marginBottom: 12 }}
        />
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={() => void submit()}
        onFinishFailed={({ errorFields }) => {
          const first = errorFields[0]?.name;
          if (first) form.scrollToField(first);
        }}
        scrollToFirstError={false}
      >
        <EnterpriseFormFields editable={editable} />
        <Space style={{ marginTop: 4 }}>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="ent-submit">
            {t('common.save')}
          </Button>
          <Button onClick={() => navigate(existing ? `/enterprises/${existing.id}` : '/enterprises')}>
            {t('common.cancel')}
          </Button>
        </Space>
      </Form>
    </>
  );
}
