import { Alert, Card, Empty, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { useCan, useMe } from '../../auth/api';
import { EnterprisePicker } from '../../hazards/components/EnterprisePicker';

/**
 * The enterprise the setup screens (gateways, points) work on: an enterprise user's own, or — for county,
 * township and department users — the one chosen in the picker, kept in the URL (`?enterpriseId=`).
 */
export function useSetupEnterprise() {
  const { data: me } = useMe();
  const [params, setParams] = useSearchParams();
  const own = me?.user.enterprise?.id ?? null;
  const enterpriseId = own ?? params.get('enterpriseId');
  const choose = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('enterpriseId', id);
    setParams(next, { replace: true });
  };
  return { enterpriseId, fixed: own !== null, choose };
}

/** The picker for users above the enterprise, and the read-only notice for those who may not change things. */
export function SetupEnterpriseBar({ setup }: { setup: ReturnType<typeof useSetupEnterprise> }) {
  const t = useT();
  const can = useCan();
  return (
    <>
      {!setup.fixed && (
        <div style={{ maxWidth: 480, marginBottom: 12 }}>
          <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 4 }}>
            {t('monitoring.setup.enterprise')}
          </Typography.Text>
          <EnterprisePicker value={setup.enterpriseId ?? undefined} onChange={setup.choose} testId="setup-enterprise" />
        </div>
      )}
      {!can('monitoring.manage') && (
        <Alert type="info" showIcon title={t('monitoring.setup.readOnly')} style={{ marginBottom: 12 }} />
      )}
    </>
  );
}

/**
 * The frame of a setup screen: title and its action, the enterprise bar, then — once an enterprise is chosen —
 * a card with the load error (if any) and the list.
 */
export function SetupScreen(props: {
  title: string;
  action: ReactNode;
  setup: ReturnType<typeof useSetupEnterprise>;
  error: unknown;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {props.title}
        </h1>
        {props.setup.enterpriseId && props.action}
      </div>
      <SetupEnterpriseBar setup={props.setup} />
      {!props.setup.enterpriseId ? (
        <Card>
          <Empty description={t('monitoring.setup.pickEnterpriseHint')} />
        </Card>
      ) : (
        <Card size="small">
          {props.error ? (
            <Alert type="error" showIcon title={errorMessage(props.error)} style={{ marginBottom: 12 }} />
          ) : null}
          {props.children}
        </Card>
      )}
    </>
  );
}
