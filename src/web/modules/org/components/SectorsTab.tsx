import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, InputNumber, Modal, Select, Table } from 'antd';
import { useState } from 'react';
import { useLang, useT } from '../../../app/i18n';
import { ORG_KEYS, orgApi, type Sector, useSectors } from '../api';
import { useSaveErrorHandler } from './useModalForm';

interface Values {
  code: string;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  sort: number;
}
const FIELDS = ['code', 'parentCode', 'nameZh', 'nameEn', 'sort'];
const CODE = /^[a-z][a-z0-9_]*$/;

export function SectorsTab({ manage }: { manage: boolean }) {
  const t = useT();
  const lang = useLang();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const sectors = useSectors();
  const onError = useSaveErrorHandler();
  const [form] = Form.useForm<Values>();
  const [editing, setEditing] = useState<Sector | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: ORG_KEYS.sectors });
  const name = (code: string | null) => {
    const s = sectors.data?.find((x) => x.code === code);
    return s ? (lang === 'en' ? s.name_en : s.name_zh) : (code ?? '');
  };

  const open = (s: Sector | 'new') => {
    setEditing(s);
    form.resetFields();
    form.setFieldsValue(
      s === 'new'
        ? { code: '', parentCode: null, nameZh: '', nameEn: '', sort: 0 }
        : { code: s.code, parentCode: s.parent_code, nameZh: s.name_zh, nameEn: s.name_en, sort: s.sort },
    );
  };

  const save = async (v: Values) => {
    setBusy(true);
    try {
      if (editing === 'new') await orgApi.createSector({ ...v, parentCode: v.parentCode ?? null });
      else if (editing) {
        await orgApi.updateSector(editing.code, {
          version: editing.version,
          nameZh: v.nameZh,
          nameEn: v.nameEn,
          sort: v.sort,
        });
      }
      message.success(t('common.saved'));
      setEditing(null);
      void refresh();
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
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="sector-new">
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
                    <Button size="small" onClick={() => open(s)}>
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
        title={editing === 'new' ? t('org.sectors.createTitle') : t('org.sectors.editTitle')}
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
          <Form.Item name="parentCode" label={t('org.sectors.parent')}>
            <Select<string | null>
              allowClear
              disabled={editing !== 'new'}
              options={(sectors.data ?? [])
                .filter((s) => !s.parent_code)
                .map((s) => ({ value: s.code, label: name(s.code) }))}
            />
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
          <Form.Item name="sort" label={t('org.sort')}>
            <InputNumber precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
