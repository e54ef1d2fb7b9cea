import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState } from 'react';
import { useT } from '../../../app/i18n';
import { ENTERPRISE_KEYS, type EnterpriseListItem, enterpriseApi } from '../../enterprises/api';

/** Searches the enterprises in the user's scope by name (or code / pinyin initials) and picks one. */
export function EnterprisePicker({
  id,
  value,
  onChange,
  onPicked,
  testId,
}: {
  /** Set by Form.Item (label ↔ input). */
  id?: string;
  value?: string;
  onChange?: (id: string) => void;
  onPicked?: (e: EnterpriseListItem | undefined) => void;
  testId?: string;
}) {
  const t = useT();
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['enterprises', 'picker', q],
    queryFn: () => enterpriseApi.list({ q, page: 1, pageSize: 20, sort: 'name', order: 'asc' }),
    staleTime: 30_000,
  });
  const items = found.data?.items ?? [];
  // A preset value (e.g. from the enterprise page) may not be among the first matches: show its name anyway.
  const missing = value !== undefined && value !== '' && !items.some((e) => e.id === value);
  const preset = useQuery({
    queryKey: ENTERPRISE_KEYS.detail(value ?? ''),
    queryFn: () => enterpriseApi.get(value ?? ''),
    enabled: missing,
    staleTime: 60_000,
  });
  const options = items.map((e) => ({ value: e.id, label: e.name }));
  if (missing && preset.data) options.unshift({ value: preset.data.id, label: preset.data.name });
  return (
    <Select<string>
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      placeholder={t('hazards.form.enterprisePlaceholder')}
      loading={found.isFetching}
      options={options}
      onChange={(id) => {
        onChange?.(id);
        onPicked?.(items.find((e) => e.id === id));
      }}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}
