import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { ROLES, type Role } from '../../../../core/roles';
import { useLang, useT } from '../../../app/i18n';
import { ApiError } from '../../../shared/api';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { SecretModal } from '../../../shared/SecretModal';
import { useMe } from '../../auth/api';
import { regionNames, useDepartments, useRegions } from '../../org/api';
import { isLocked, USER_KEYS, type User, type UserQuery, usersApi } from '../api';
import { CreateUserModal } from '../components/CreateUserModal';

export default function UsersPage() {
  const t = useT();
  const lang = useLang();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const [query, setQuery] = useState<UserQuery>({ page: 1, pageSize: 20 });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const users = useQuery({
    queryKey: USER_KEYS.list(query),
    queryFn: () => usersApi.list(query),
    placeholderData: keepPreviousData,
  });
  const departments = useDepartments();
  const regions = useRegions();
  const regionMap = regionNames(regions.data);
  const refresh = () => qc.invalidateQueries({ queryKey: USER_KEYS.all });

  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      message.success(done);
    } catch (err) {
      message.error(errorMessage(err));
      if (err instanceof ApiError && err.code === 'STALE_VERSION') void refresh();
    }
    void refresh();
  };
  const reset = async (u: User) => {
    try {
      const r = await usersApi.resetPassword(u.id);
      setSecret({ username: u.username, password: r.oneTimePassword });
      void refresh();
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const binding = (u: User) => {
    if (u.department_id) {
      const d = departments.data?.find((x) => x.id === u.department_id);
      return d ? (lang === 'en' ? d.name_en : d.name_zh) : u.department_id;
    }
    if (u.region_code) return regionMap.get(u.region_code) ?? u.region_code;
    if (u.enterprise_id) return u.enterprise_name ?? t('users.enterpriseAccount');
    return t('account.county');
  };

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('menu.users')}
        </h1>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="user-new">
          {t('common.create')}
        </Button>
      </div>
      <div className="fx-toolbar">
        <Input.Search
          allowClear
          placeholder={t('users.searchPlaceholder')}
          onSearch={(q) => setQuery((s) => ({ ...s, q: q.trim() || undefined, page: 1 }))}
          style={{ maxWidth: 320 }}
        />
        <Select<Role>
          allowClear
          placeholder={t('users.role')}
          style={{ minWidth: 160 }}
          options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          onChange={(role) => setQuery((s) => ({ ...s, role: role ?? undefined, page: 1 }))}
        />
      </div>
      <Table<User>
        rowKey="id"
        size="middle"
        data-testid="users-table"
        loading={users.isFetching}
        dataSource={users.data?.items ?? []}
        scroll={{ x: 960 }}
        pagination={{
          current: query.page,
          pageSize: query.pageSize,
          total: users.data?.total ?? 0,
          showTotal: (total) => t('common.total', { total }),
          onChange: (page, pageSize) => setQuery((s) => ({ ...s, page, pageSize })),
        }}
        columns={[
          { title: t('users.username'), dataIndex: 'username' },
          { title: t('users.displayName'), dataIndex: 'display_name' },
          { title: t('users.role'), dataIndex: 'role', render: (r: Role) => t(`roles.${r}`) },
          { title: t('account.jurisdiction'), key: 'binding', render: (_: unknown, u) => binding(u) },
          {
            title: t('common.status'),
            key: 'status',
            render: (_: unknown, u) => (
              <Space size={[0, 4]} wrap>
                {u.disabled_at ? (
                  <Tag color="red">{t('users.disabled')}</Tag>
                ) : (
                  <Tag color="green">{t('users.active')}</Tag>
                )}
                {isLocked(u) && <Tag color="orange">{t('users.locked')}</Tag>}
                {u.must_change_password && <Tag>{t('users.mustChange')}</Tag>}
              </Space>
            ),
          },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: string) => formatDateTime(v) },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, u) => (
              <Space size={4} wrap>
                {u.disabled_at ? (
                  <Button
                    size="small"
                    onClick={() =>
                      void act(
                        () => usersApi.update(u.id, { version: u.version, disabled: false }),
                        t('users.enabledOk'),
                      )
                    }
                  >
                    {t('users.enable')}
                  </Button>
                ) : (
                  <Popconfirm
                    title={t('users.disableConfirm')}
                    disabled={u.id === me?.user.id}
                    onConfirm={() =>
                      void act(
                        () => usersApi.update(u.id, { version: u.version, disabled: true }),
                        t('users.disabledOk'),
                      )
                    }
                  >
                    <Button size="small" danger disabled={u.id === me?.user.id}>
                      {t('users.disable')}
                    </Button>
                  </Popconfirm>
                )}
                {isLocked(u) && (
                  <Button
                    size="small"
                    onClick={() =>
                      void act(() => usersApi.update(u.id, { version: u.version, unlock: true }), t('users.unlockedOk'))
                    }
                  >
                    {t('users.unlock')}
                  </Button>
                )}
                <Popconfirm title={t('users.resetConfirm')} onConfirm={() => void reset(u)}>
                  <Button size="small">{t('users.resetPassword')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {me && (
        <CreateUserModal
          open={creating}
          actorRole={me.user.role}
          onClose={() => setCreating(false)}
          onCreated={(username, password) => {
            setCreating(false);
            setSecret({ username, password });
            void refresh();
          }}
        />
      )}
      <SecretModal
        open={secret !== null}
        title={t('users.otpTitle', { username: secret?.username ?? '' })}
        secret={secret?.password ?? null}
        hint={t('users.otpHint')}
        onClose={() => setSecret(null)}
      />
    </>
  );
}
