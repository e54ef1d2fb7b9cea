import { Tag } from 'antd';
import { useT } from '../../../app/i18n';
import type { Tier } from '../credit/api';
import type { InspectionKind, InspectionStatus } from './api';

const STATUS_COLOR: Record<InspectionStatus, string> = {
  planned: 'blue',
  in_progress: 'orange',
  completed: 'green',
  documents_issued: 'cyan',
  cancelled: 'default',
};
const TIER_COLOR: Record<Tier, string> = { low: 'green', general: 'gold', high: 'red' };

export function InspectionStatusTag({ status }: { status: InspectionStatus }) {
  const t = useT();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="insp-status">
      {t(`supervision.inspections.status.${status}`)}
    </Tag>
  );
}

export function KindTag({ kind, unannounced }: { kind: InspectionKind; unannounced?: boolean }) {
  const t = useT();
  return (
    <>
      <Tag color={kind === 'routine' ? 'default' : 'purple'}>{t(`supervision.inspections.kind.${kind}`)}</Tag>
      {unannounced && <Tag color="magenta">{t('supervision.inspections.unannounced')}</Tag>}
    </>
  );
}

export function TierTag({ tier }: { tier: Tier }) {
  const t = useT();
  return (
    <Tag color={TIER_COLOR[tier]} data-testid="credit-tier">
      {t(`supervision.credit.tier.${tier}`)}
    </Tag>
  );
}
