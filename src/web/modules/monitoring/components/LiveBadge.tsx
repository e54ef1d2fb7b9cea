import { Badge, Tooltip } from 'antd';
import { useT } from '../../../app/i18n';
import { formatDateTime } from '../../../shared/format';

/** Whether the live stream is up, and when the data shown was computed. */
export function LiveBadge({ connected, asOf }: { connected: boolean; asOf?: string | undefined }) {
  const t = useT();
  return (
    <Tooltip title={asOf ? t('monitoring.live.updated', { time: formatDateTime(asOf) }) : undefined}>
      <span data-testid="live-badge" data-connected={String(connected)}>
        <Badge
          status={connected ? 'processing' : 'warning'}
          text={connected ? t('monitoring.live.connected') : t('monitoring.live.reconnecting')}
        />
      </span>
    </Tooltip>
  );
}
