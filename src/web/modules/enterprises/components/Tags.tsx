import { Tag } from 'antd';
import type { EnterpriseStatus } from '../../../../core/enterprise';
import { useT } from '../../../app/i18n';

const STATUS_COLOR: Record<EnterpriseStatus, string> = { operating: 'green', suspended: 'orange', closed: 'default' };

export function StatusTag({ status }: { status: EnterpriseStatus }) {
  const t = useT();
  return <Tag color={STATUS_COLOR[status]}>{t(`enterprises.status.${status}`)}</Tag>;
}

/** 重点 / 重大危险源 markers. */
export function FlagTags({ isKey, hasMajorHazard }: { isKey: boolean; hasMajorHazard: boolean }) {
  const t = useT();
  return (
    <>
      {isKey && <Tag color="orange">{t('enterprises.flags.key')}</Tag>}
      {hasMajorHazard && <Tag color="red">{t('enterprises.flags.major')}</Tag>}
    </>
  );
}
