import { ArrowLeftOutlined, EditOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Space, Spin, Tabs, Tag } from 'antd';
import { Suspense } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { useCan } from '../../auth/api';
import { ENTERPRISE_KEYS, enterpriseApi } from '../api';
// The first tab ships with this page's chunk (its registry entry is lazy for the other pages' sake).
import '../components/BasicInfoTab';
import { enterpriseTabs } from '../tabs';

export default function EnterpriseDetailPage() {
  const t = useT();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const can = useCan();
  const detail = useQuery({ queryKey: ENTERPRISE_KEYS.detail(id), queryFn: () => enterpriseApi.get(id) });

  if (detail.error) {
    return (
      <Alert
        type="error"
        showIcon
        title={errorMessage(detail.error)}
        action={<Button onClick={() => navigate('/enterprises')}>{t('common.back')}</Button>}
      />
    );
  }
  if (!detail.data) {
    return (
      <div className="fx-center">
        <Spin />
      </div>
    );
  }
  const e = detail.data;
  const tabs = enterpriseTabs.filter((tab) => !tab.permission || can(tab.permission)).sort((a, b) => a.order - b.order);
  const active = tabs.some((tab) => tab.key === params.get('tab')) ? (params.get('tab') ?? 'basic') : 'basic';

  return (
    <>
      <div className="fx-toolbar">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('common.back')} />
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }} data-testid="ent-title">
          {e.name}{' '}
          {e.isDemo && (
            <Tag color="gold" style={{ verticalAlign: 'middle' }}>
              {t('common.demo')}
            </Tag>
          )}
        </h1>
        <Space>
          {can('enterprise.update') && (
            <Button
              type="primary"
              icon={<EditOutlined />}
              onClick={() => navigate(`/enterprises/${e.id}/edit`)}
              data-testid="ent-edit"
            >
              {t('common.edit')}
            </Button>
          )}
        </Space>
      </div>
      <Card size="small">
        <Tabs
          activeKey={active}
          onChange={(key) => setParams(key === 'basic' ? {} : { tab: key }, { replace: true })}
          items={tabs.map((tab) => ({
            key: tab.key,
            label: t(tab.label),
            children: (
              <Suspense fallback={<Spin />}>
                <tab.component enterprise={e} />
              </Suspense>
            ),
          }))}
        />
      </Card>
    </>
  );
}
