import { Form, type FormInstance, Input, Modal } from 'antd';
import { type ReactNode, useState } from 'react';
import { useT } from '../../../app/i18n';
import { useSaveErrorHandler } from './useModalForm';

const CODE = /^[a-z][a-z0-9_]*$/;

/** The fields every organisation record has: a code fixed at creation, and its names in both languages. */
export interface NamedValues {
  code: string;
  nameZh: string;
  nameEn: string;
}

/**
 * The edit-in-a-modal flow of the organisation tabs (departments, sectors): open a row or a new one, save through
 * the API, field errors on the form, a stale version reloads the list.
 */
export function useOrgEditor<Row, V extends NamedValues>(o: {
  fields: readonly string[];
  empty: V;
  toValues: (row: Row) => V;
  create: (v: V) => Promise<unknown>;
  update: (row: Row, v: V) => Promise<unknown>;
  refresh: () => unknown;
  onSaved: () => void;
}) {
  const [form] = Form.useForm<V>();
  const onError = useSaveErrorHandler();
  const [editing, setEditing] = useState<Row | 'new' | null>(null);
  const [busy, setBusy] = useState(false);

  const open = (row: Row | 'new') => {
    setEditing(row);
    form.resetFields();
    form.setFieldsValue(
      (row === 'new' ? o.empty : o.toValues(row)) as Parameters<FormInstance<V>['setFieldsValue']>[0],
    );
  };

  const save = async (v: V) => {
    setBusy(true);
    try {
      if (editing === 'new') await o.create(v);
      else if (editing) await o.update(editing, v);
      setEditing(null);
      void o.refresh();
      o.onSaved();
    } catch (err) {
      onError(form, o.fields, err, () => {
        setEditing(null);
        void o.refresh();
      });
    } finally {
      setBusy(false);
    }
  };

  /** The modal with the code and name fields, then the record's own `children` fields. */
  const modal = (title: { create: string; edit: string }, children: ReactNode) => (
    <OrgModal editing={editing} busy={busy} form={form} title={title} onClose={() => setEditing(null)} onSave={save}>
      {children}
    </OrgModal>
  );
  return { open, modal, isNew: editing === 'new' };
}

function OrgModal<V extends NamedValues>(props: {
  editing: unknown;
  busy: boolean;
  form: FormInstance<V>;
  title: { create: string; edit: string };
  onClose: () => void;
  onSave: (v: V) => Promise<void>;
  children: ReactNode;
}) {
  const t = useT();
  const isNew = props.editing === 'new';
  return (
    <Modal
      open={props.editing !== null}
      title={isNew ? props.title.create : props.title.edit}
      onCancel={props.onClose}
      onOk={() => props.form.submit()}
      okText={t('common.save')}
      confirmLoading={props.busy}
      forceRender
    >
      <Form form={props.form} layout="vertical" onFinish={(v) => void props.onSave(v)}>
        <Form.Item
          name="code"
          label={t('org.code')}
          extra={t('org.codeHint')}
          rules={[{ required: true, pattern: CODE, message: t('fieldErrors.code_format') }]}
        >
          <Input disabled={!isNew} maxLength={50} />
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
        {props.children}
      </Form>
    </Modal>
  );
}
