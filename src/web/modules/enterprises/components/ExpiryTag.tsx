import { Tag } from 'antd';
import type { ExpiryState } from '../../../../core/enterprise';
import { useT } from '../../../app/i18n';

const COLOR: Record<ExpiryState, string> = { ok: 'green', due_soon: 'orange', expired: 'red' };

/** Days left on a licence or certificate, coloured: green ok, orange due within 30 days, red expired. */
export function ExpiryTag({ state, daysLeft }: { state: ExpiryState; daysLeft: number }) {
  const t = useT();
  const text =
    state === 'expired'
      ? t('expiry.expiredDays', { days: -daysLeft })
      : daysLeft === 0
        ? t('expiry.today')
        : t('expiry.daysLeft', { days: daysLeft });
  return (
    <Tag color={COLOR[state]} data-testid={`expiry-${state}`}>
      {text}
    </Tag>
  );
}
