import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Select, Table, Tag } from 'antd';
import { useLang, useT } from '../../../app/i18n';
import { type Department, ORG_KEYS, orgApi, useDepartments, useSectors } from '../api';
import { type NamedValues, useOrgEditor } from './useOrgEditor';

interface Values extends NamedValues {
  sectors: string[];
}

export function DepartmentsTab({ manage }: { manage: boolean }) {
  const t = useT();
  const lang = useLang();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const departments = useDepartments();
  const sectors = useSectors();
  const sectorName = (code: string) => {
    const s = sectors.data?.find((x) => x.code === code);
    return s ? (lang === 'en' ? s.name_en : s.name_zh) : code;
  };
  const editor = useOrgEditor<Department, Values>({
    fields: ['code', 'nameZh', 'nameEn', 'sectors'],
    empty: { code: '', nameZh: '', nameEn: '', sectors: [] },
    toValues: (d) => ({ code: d.code, nameZh: d.name_zh, nameEn: d.name_en, sectors: d.sectors }),
    create: (v) => orgApi.createDepartment(v),
    update: (d, v) =>
      orgApi.updateDepartment(d.id, { version: d.version, nameZh: v.nameZh, nameEn: v.nameEn, sectors: v.sectors }),
    refresh: () => qc.invalidateQueries({ queryKey: ORG_KEYS.departments }),
    onSaved: () => {
      message.success(t('common.saved'));
      // Departments are derived from sectors: enterprise lists may change.
      void qc.invalidateQueries({ queryKey: ['enterprises'] });
    },
  });

  return (
    <>
      {manage && (
        <div className="fx-toolbar">
          <Button type="primary" icon={<PlusOutlined />} onClick={() => editor.open('new')} data-testid="dept-new">
            {t('common.create')}
          </Button>
        </div>
      )}
      <Table<Department>
        rowKey="id"
        size="small"
        loading={departments.isPending}
        dataSource={departments.data ?? []}
        pagination={false}
        scroll={{ x: 760 }}
        columns={[
          { title: t('org.code'), dataIndex: 'code', width: 120 },
          { title: t('org.name'), key: 'name', render: (_: unknown, d) => (lang === 'en' ? d.name_en : d.name_zh) },
          {
            title: t('org.departments.sectors'),
            dataIndex: 'sectors',
            render: (list: string[]) =>
              list.map((s) => (
                <Tag key={s} style={{ marginBottom: 2 }}>
                  {sectorName(s)}
                </Tag>
              )),
          },
          { title: t('org.departments.enterprises'), dataIndex: 'enterprise_count', width: 100, align: 'right' },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, d: Department) => (
                    <Button size="small" onClick={() => editor.open(d)}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editor.modal(
        { create: t('org.departments.createTitle'), edit: t('org.departments.editTitle') },
        <Form.Item name="sectors" label={t('org.departments.sectors')}>
          <Select<string[]>
            mode="multiple"
            showSearch={{ optionFilterProp: 'label' }}
            options={(sectors.data ?? []).map((s) => ({ value: s.code, label: sectorName(s.code) }))}
          />
        </Form.Item>,
      )}
    </>
  );
}
