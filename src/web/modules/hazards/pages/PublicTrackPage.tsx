import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Input, Result, Spin } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { hazardApi, type PublicStatus } from '../api';
import { PublicShell } from '../components/PublicShell';

const STATUS: Record<PublicStatus, 'info' | 'success' | 'warning'> = {
  received: 'info',
  processing: 'info',
  accepted: 'warning',
  resolved: 'success',
  rejected: 'info',
};

/** The status of a report by its tracking code: status and the public reply only. */
export default function PublicTrackPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const code = (params.get('code') ?? '').trim().toUpperCase();
  const lookup = useQuery({
    queryKey: ['public-report', code],
    queryFn: () => hazardApi.publicLookup(code),
    enabled: code.length > 0,
    retry: false,
  });
  const r = lookup.data;

  return (
    <PublicShell>
      <Card>
        <h1 style={{ fontSize: 20, margin: '0 0 12px' }}>{t('hazards.public.trackTitle')}</h1>
        <Input.Search
          key={code}
          defaultValue={code}
          size="large"
          enterButton={t('hazards.public.lookup')}
          placeholder={t('hazards.public.codePlaceholder')}
          maxLength={20}
          style={{ textTransform: 'uppercase' }}
          onSearch={(v) => setParams(v.trim() ? { code: v.trim().toUpperCase() } : {}, { replace: true })}
          data-testid="track-code"
        />
        <div style={{ marginTop: 16 }}>
          {lookup.isFetching && <Spin />}
          {lookup.error && (
            <Alert
              type={isApiError(lookup.error, 'NOT_FOUND') ? 'warning' : 'error'}
              showIcon
              title={isApiError(lookup.error, 'NOT_FOUND') ? t('hazards.public.notFound') : errorMessage(lookup.error)}
            />
          )}
          {r && !lookup.isFetching && (
            <>
              <Result
                status={STATUS[r.status]}
                title={<span data-testid="track-status">{t(`hazards.public.status.${r.status}`)}</span>}
                style={{ padding: '16px 0' }}
              />
              <Descriptions column={1} size="small" bordered>
                <Descriptions.Item label={t('hazards.public.codeInput')}>{r.trackingCode}</Descriptions.Item>
                <Descriptions.Item label={t('hazards.public.receivedAt')}>
                  {formatDateTime(r.receivedAt)}
                </Descriptions.Item>
                <Descriptions.Item label={t('hazards.public.updatedAt')}>
                  {formatDateTime(r.updatedAt)}
                </Descriptions.Item>
                <Descriptions.Item label={t('hazards.public.reply')}>
                  <span style={{ whiteSpace: 'pre-wrap' }} data-testid="track-reply">
                    {r.reply || t('hazards.public.noReply')}
                  </span>
                </Descriptions.Item>
              </Descriptions>
            </>
          )}
        </div>
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Link to="/report">
            <Button type="link">{t('hazards.public.back')}</Button>
          </Link>
        </div>
      </Card>
    </PublicShell>
  );
}
