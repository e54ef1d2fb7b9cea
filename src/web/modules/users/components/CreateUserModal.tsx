import { useQuery } from '@tanstack/react-query';
import { Form, Input, Modal, Select, TreeSelect } from 'antd';
import { useState } from 'react';
import { assignableRoles, ROLE_SCOPE, type Role } from '../../../../core/roles';
import { useLang, useT } from '../../../app/i18n';
import { enterpriseApi } from '../../enterprises/api';
import { regionTree, TOWNSHIP_KINDS, useDepartments, useRegions, VILLAGE_KINDS } from '../../org/api';
import { useSaveErrorHandler } from '../../org/components/useModalForm';
import { type UserCreate, usersApi } from '../api';

interface Values {
  username: string;
  displayName: string;
  phone?: string;
  role: Role;
  departmentId?: string;
  regionCode?: string;
  enterpriseId?: string;
}
const FIELDS = ['username', 'displayName', 'phone', 'role', 'departmentId', 'regionCode', 'enterpriseId'];

/** New account: role and the jurisdiction it is bound to; the answer carries a one-time password. */
export function CreateUserModal({
  open,
  actorRole,
  onClose,
  onCreated,
}: {
  open: boolean;
  actorRole: Role;
  onClose: () => void;
  onCreated: (username: string, password: string) => void;
}) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm<Values>();
  const role = Form.useWatch('role', form);
  const [busy, setBusy] = useState(false);
  const [q, setQ] = useState('');
  const onError = useSaveErrorHandler();
  const departments = useDepartments();
  const regions = useRegions();
  const enterprises = useQuery({
    queryKey: ['enterprises', 'picker', q],
    queryFn: () => enterpriseApi.list({ q, page: 1, pageSize: 20, sort: 'name', order: 'asc' }),
    enabled: open && role !== undefined && ROLE_SCOPE[role] === 'enterprise',
  });

  const kinds = role === 'town_officer' ? TOWNSHIP_KINDS : VILLAGE_KINDS;
  const regionData = regionTree(regions.data ?? [], 1, role === 'town_officer' ? 1 : 2).map(
    function mark(n): ReturnType<typeof regionTree>[number] & { selectable: boolean } {
      return {
        ...n,
        selectable: kinds.includes(n.kind),
        ...(n.children ? { children: n.children.map(mark) } : {}),
      };
    },
  );

  const submit = async (v: Values) => {
    setBusy(true);
    try {
      const scope = ROLE_SCOPE[v.role];
      const body: UserCreate = {
        username: v.username.trim(),
        displayName: v.displayName.trim(),
        phone: v.phone?.trim() || undefined,
        role: v.role,
        departmentId: scope === 'department' ? v.departmentId : undefined,
        regionCode: scope === 'region' ? v.regionCode : undefined,
        enterpriseId: scope === 'enterprise' ? v.enterpriseId : undefined,
      };
      const r = await usersApi.create(body);
      form.resetFields();
      onCreated(r.user.username, r.oneTimePassword);
    } catch (err) {
      onError(form, FIELDS, err);
    } finally {
      setBusy(false);
    }
  };

  const scope = role ? ROLE_SCOPE[role] : undefined;
  return (
    <Modal
      open={open}
      title={t('users.createTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      confirmLoading={busy}
      forceRender
    >
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          name="username"
          label={t('users.username')}
          extra={t('users.usernameHint')}
          rules={[{ required: true, pattern: /^[a-zA-Z0-9_.-]{3,64}$/, message: t('fieldErrors.username_format') }]}
        >
          <Input autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          rules={[{ required: true, whitespace: true, message: t('fieldErrors.required') }]}
        >
          <Input maxLength={64} data-testid="user-displayName" />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('users.phone')}
          rules={[{ pattern: /^1\d{10}$/, message: t('fieldErrors.mobile') }]}
        >
          <Input inputMode="tel" maxLength={11} />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')} rules={[{ required: true, message: t('fieldErrors.required') }]}>
          <Select<Role>
            data-testid="user-role"
            options={assignableRoles(actorRole).map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
        </Form.Item>
        {scope === 'department' && (
          <Form.Item
            name="departmentId"
            label={t('users.department')}
            rules={[{ required: true, message: t('fieldErrors.required') }]}
          >
            <Select<string>
              showSearch={{ optionFilterProp: 'label' }}
              options={(departments.data ?? []).map((d) => ({
                value: d.id,
                label: lang === 'en' ? d.name_en : d.name_zh,
              }))}
            />
          </Form.Item>
        )}
        {scope === 'region' && (
          <Form.Item
            name="regionCode"
            label={role === 'town_officer' ? t('users.township') : t('users.village')}
            rules={[{ required: true, message: t('fieldErrors.required') }]}
          >
            <TreeSelect<string> showSearch={{ treeNodeFilterProp: 'title' }} treeData={regionData} />
          </Form.Item>
        )}
        {scope === 'enterprise' && (
          <Form.Item
            name="enterpriseId"
            label={t('users.enterprise')}
            rules={[{ required: true, message: t('fieldErrors.required') }]}
          >
            <Select<string>
              showSearch={{ filterOption: false, onSearch: setQ }}
              loading={enterprises.isFetching}
              options={(enterprises.data?.items ?? []).map((e) => ({ value: e.id, label: `${e.name} (${e.code})` }))}
              placeholder={t('enterprises.searchPlaceholder')}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
