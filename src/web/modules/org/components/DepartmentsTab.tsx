import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useLang, useT } from '../../../app/i18n';
import { type Department, ORG_KEYS, orgApi, useDepartments, useSectors } from '../api';
import { useSaveErrorHandler } from './useModalForm';

interface Values {
  code: string;
  nameZh: string;
  nameEn: string;
  sectors: string[];
}
const FIELDS = ['code', 'nameZh', 'nameEn', 'sectors'];
const CODE = /^[a-z][a-z0-9_]*$/;

export function DepartmentsTab({ manage }: { manage: boolean }) {
  const t = useT();
  const lang = useLang();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const departments = useDepartments();
  const sectors = useSectors();
  const onError = useSaveErrorHandler();
  const [form] = Form.useForm<Values>();
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: ORG_KEYS.departments });
  const sectorName = (code: string) => {
    const s = sectors.data?.find((x) => x.code === code);
    return s ? (lang === 'en' ? s.name_en : s.name_zh) : code;
  };

  const open = (d: Department | 'new') => {
    setEditing(d);
    form.resetFields();
    form.setFieldsValue(
      d === 'new'
        ? { code: '', nameZh: '', nameEn: '', sectors: [] }
        : { code: d.code, nameZh: d.name_zh, nameEn: d.name_en, sectors: d.sectors },
    );
  };

  const save = async (v: Values) => {
    setBusy(true);
    try {
      if (editing === 'new') await orgApi.createDepartment(v);
      else if (editing) {
        await orgApi.updateDepartment(editing.id, {
          version: editing.version,
          nameZh: v.nameZh,
          nameEn: v.nameEn,
          sectors: v.sectors,
        });
      }
      message.success(t('common.saved'));
      setEditing(null);
      void refresh();
      // Departments are derived from sectors: enterprise lists may change.
      void qc.invalidateQueries({ queryKey: ['enterprises'] });
    } catch (err) {
      onError(form, FIELDS, err, () => {
        setEditing(null);
        void refresh();
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {manage && (
        <div className="fx-toolbar">
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="dept-new">
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
                    <Button size="small" onClick={() => open(d)}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('org.departments.createTitle') : t('org.departments.editTitle')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        confirmLoading={busy}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
          <Form.Item
            name="code"
            label={t('org.code')}
            extra={t('org.codeHint')}
            rules={[{ required: true, pattern: CODE, message: t('fieldErrors.code_format') }]}
          >
            <Input disabled={editing !== 'new'} maxLength={50} />
          </Form.Item>
          <Form.Item
            name="nameZh"
            label={t('org.nameZh')}
            rules={[{ required: true, whitespace: true, message: t('fieldErrors.required') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="nameEn"
            label={t('org.nameEn')}
            rules={[{ required: true, whitespace: true, message: t('fieldErrors.required') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="sectors" label={t('org.departments.sectors')}>
            <Select<string[]>
              mode="multiple"
              showSearch={{ optionFilterProp: 'label' }}
              options={(sectors.data ?? []).map((s) => ({ value: s.code, label: sectorName(s.code) }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
