import { Tag } from 'antd';
import type { HazardLevel, HazardStatus } from '../../../../core/hazards/workflow';
import { useT } from '../../../app/i18n';

export const STATUS_COLOR: Record<HazardStatus, string> = {
  reported: 'orange',
  rejected: 'default',
  rectifying: 'processing',
  submitted: 'purple',
  verified: 'cyan',
  closed: 'success',
};

export function HazardStatusTag({ status }: { status: HazardStatus }) {
  const t = useT();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="hazard-status">
      {t(`hazards.status.${status}`)}
    </Tag>
  );
}

export function LevelTag({ level }: { level: HazardLevel }) {
  const t = useT();
  return <Tag color={level === 'major' ? 'red' : 'blue'}>{t(`hazards.level.${level}`)}</Tag>;
}

/** Overdue / due today / days left for an open hazard with a deadline; nothing otherwise. */
export function DeadlineTag({
  status,
  daysLeft,
  overdue,
}: {
  status: HazardStatus;
  daysLeft: number | null;
  overdue: boolean;
}) {
  const t = useT();
  if (daysLeft === null || !['rectifying', 'submitted', 'verified', 'reported'].includes(status)) return null;
  if (overdue || (status === 'rectifying' && daysLeft < 0)) {
    return (
      <Tag color="error" data-testid="tag-overdue">
        {t('hazards.tags.overdueDays', { days: Math.abs(daysLeft) })}
      </Tag>
    );
  }
  if (status !== 'rectifying') return null;
  if (daysLeft === 0) return <Tag color="warning">{t('hazards.tags.dueToday')}</Tag>;
  return <Tag color={daysLeft <= 3 ? 'warning' : 'default'}>{t('hazards.tags.daysLeft', { days: daysLeft })}</Tag>;
}
