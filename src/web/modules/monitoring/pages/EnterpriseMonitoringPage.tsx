import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { ENTERPRISE_KEYS, enterpriseApi } from '../../enterprises/api';
import { EnterpriseMonitoring } from '../components/EnterpriseMonitoring';

/** An enterprise's monitoring as a page of its own (from the overview, the map, an alarm). */
export default function EnterpriseMonitoringPage() {
  const t = useT();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const ent = useQuery({ queryKey: ENTERPRISE_KEYS.detail(id), queryFn: () => enterpriseApi.get(id) });
  return (
    <>
      <div className="fx-toolbar">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('common.back')} />
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }} data-testid="mon-ent-title">
          {ent.data ? (
            <Link to={`/enterprises/${id}`}>{t('monitoring.enterprise.title', { name: ent.data.name })}</Link>
          ) : (
            t('monitoring.title')
          )}
        </h1>
      </div>
      {ent.error ? (
        <Alert type="error" showIcon title={errorMessage(ent.error)} />
      ) : (
        <EnterpriseMonitoring enterpriseId={id} />
      )}
    </>
  );
}
