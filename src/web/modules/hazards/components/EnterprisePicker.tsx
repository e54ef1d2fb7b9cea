import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState } from 'react';
import { useT } from '../../../app/i18n';
import { type EnterpriseListItem, enterpriseApi } from '../../enterprises/api';

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
  return (
    <Select<string>
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      placeholder={t('hazards.form.enterprisePlaceholder')}
      loading={found.isFetching}
      options={items.map((e) => ({ value: e.id, label: e.name }))}
      onChange={(id) => {
        onChange?.(id);
        onPicked?.(items.find((e) => e.id === id));
      }}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}
