import { CameraOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, type ButtonProps, Select, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { type TFn, useT } from '../../../app/i18n';
import { api, isApiError } from '../../../shared/api';
import { errorMessage } from '../../../shared/errors';
import { enterpriseApi } from '../../enterprises/api';
import { currentYear } from '../plans/api';

/** The message for a failed plan call: the rule named by the server (date, capacity), else the general one. */
export function planError(err: unknown, t: TFn): string {
  if (isApiError(err)) {
    const field = err.fields[0]?.message;
    if (field === 'plan.date_quiet_period') return t('supervision.plans.errors.date_quiet_period');
    if (field === 'plan.date_not_workday') return t('supervision.plans.errors.date_not_workday');
    if (field === 'plan.date_outside_year') return t('supervision.plans.errors.date_outside_year');
    if (err.extra.rule === 'capacity') return t('supervision.plans.errors.capacity');
    if (field === 'joint.date_differs') return t('supervision.plans.joint.dateDiffers');
  }
  return errorMessage(err);
}

/** Last year, this year and the next two. */
export function YearSelect({ value, onChange }: { value: number; onChange: (y: number) => void }) {
  const now = currentYear();
  return (
    <Select<number>
      value={value}
      onChange={onChange}
      style={{ width: 110 }}
      data-testid="year-select"
      options={[now - 1, now, now + 1, now + 2].map((y) => ({ value: y, label: String(y) }))}
    />
  );
}

/** Searches the enterprises in scope (optionally of one department) and picks one. */
export function EnterpriseSelect({
  id,
  value,
  onChange,
  departmentId,
  testId,
  allowClear,
}: {
  id?: string;
  value?: string;
  onChange?: (id: string | undefined) => void;
  departmentId?: string;
  testId?: string;
  allowClear?: boolean;
}) {
  const t = useT();
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['enterprises', 'supervision-picker', departmentId ?? '', q],
    queryFn: () => enterpriseApi.list({ q, departmentId, page: 1, pageSize: 20, sort: 'name', order: 'asc' }),
    staleTime: 30_000,
  });
  return (
    <Select<string>
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear={allowClear}
      value={value}
      placeholder={t('supervision.plans.searchEnterprise')}
      loading={found.isFetching}
      options={(found.data?.items ?? []).map((e) => ({ value: e.id, label: `${e.name}（${e.code}）` }))}
      onChange={(v) => onChange?.(v)}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}

/** Photos taken or chosen on the phone, each uploaded at once to `POST /api/files`; the value is their ids. */
export function PhotoInput({ value, onChange }: { value?: string[]; onChange?: (ids: string[]) => void }) {
  const t = useT();
  const [files, setFiles] = useState<UploadFile[]>([]);
  return (
    <Upload
      accept="image/*"
      listType="picture"
      multiple
      fileList={files}
      data-testid="photo-input"
      customRequest={async ({ file, onSuccess, onError }) => {
        const form = new FormData();
        form.append('file', file as Blob);
        try {
          const res = await api<{ id: string }>('/api/files', { method: 'POST', form });
          onChange?.([...(value ?? []), res.id]);
          onSuccess?.(res);
        } catch (err) {
          onError?.(new Error(errorMessage(err)));
        }
      }}
      onChange={({ fileList }) => setFiles(fileList)}
      onRemove={(f) => {
        const id = (f.response as { id?: string } | undefined)?.id;
        if (id) onChange?.((value ?? []).filter((x) => x !== id));
      }}
    >
      <Button icon={<CameraOutlined />}>{t('supervision.field.upload')}</Button>
    </Upload>
  );
}

/** Button props carrying a `data-testid` (AntD passes unknown attributes through to the button element). */
export function buttonProps(testId: string, extra: ButtonProps = {}): ButtonProps {
  const props: ButtonProps & { 'data-testid': string } = { ...extra, 'data-testid': testId };
  return props;
}
