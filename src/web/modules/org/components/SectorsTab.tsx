import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, InputNumber, Select, Table } from 'antd';
import { useLang, useT } from '../../../app/i18n';
import { ORG_KEYS, orgApi, type Sector, useSectors } from '../api';
import { type NamedValues, useOrgEditor } from './useOrgEditor';

interface Values extends NamedValues {
  parentCode: string | null;
  sort: number;
}

export function SectorsTab({ manage }: { manage: boolean }) {
  const t = useT();
  const lang = useLang();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const sectors = useSectors();
  const name = (code: string | null) => {
    const s = sectors.data?.find((x) => x.code === code);
    return s ? (lang === 'en' ? s.name_en : s.name_zh) : (code ?? '');
  };
  const editor = useOrgEditor<Sector, Values>({
    fields: ['code', 'parentCode', 'nameZh', 'nameEn', 'sort'],
    empty: { code: '', parentCode: null, nameZh: '', nameEn: '', sort: 0 },
    toValues: (s) => ({ code: s.code, parentCode: s.parent_code, nameZh: s.name_zh, nameEn: s.name_en, sort: s.sort }),
    create: (v) => orgApi.createSector({ ...v, parentCode: v.parentCode ?? null }),
    update: (s, v) =>
      orgApi.updateSector(s.code, { version: s.version, nameZh: v.nameZh, nameEn: v.nameEn, sort: v.sort }),
    refresh: () => qc.invalidateQueries({ queryKey: ORG_KEYS.sectors }),
    onSaved: () => message.success(t('common.saved')),
  });

  return (
    <>
      {manage && (
        <div className="fx-toolbar">
          <Button type="primary" icon={<PlusOutlined />} onClick={() => editor.open('new')} data-testid="sector-new">
            {t('common.create')}
          </Button>
        </div>
      )}
      <Table<Sector>
        rowKey="code"
        size="small"
        loading={sectors.isPending}
        dataSource={sectors.data ?? []}
        pagination={false}
        scroll={{ x: 640 }}
        columns={[
          { title: t('org.code'), dataIndex: 'code' },
          { title: t('org.nameZh'), dataIndex: 'name_zh' },
          { title: t('org.nameEn'), dataIndex: 'name_en' },
          {
            title: t('org.sectors.parent'),
            dataIndex: 'parent_code',
            render: (c: string | null) => (c ? name(c) : '—'),
          },
          { title: t('org.sort'), dataIndex: 'sort', width: 80 },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, s: Sector) => (
                    <Button size="small" onClick={() => editor.open(s)}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editor.modal(
        { create: t('org.sectors.createTitle'), edit: t('org.sectors.editTitle') },
        <>
          <Form.Item name="parentCode" label={t('org.sectors.parent')}>
            <Select<string | null>
              allowClear
              disabled={!editor.isNew}
              options={(sectors.data ?? [])
                .filter((s) => !s.parent_code)
                .map((s) => ({ value: s.code, label: name(s.code) }))}
            />
          </Form.Item>
          <Form.Item name="sort" label={t('org.sort')}>
            <InputNumber precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </>,
      )}
    </>
  );
}
