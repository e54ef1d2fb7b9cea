import { Descriptions, Table, Tag } from 'antd';
import { useLang, useT } from '../../../app/i18n';
import { formatDateTime } from '../../../shared/format';
import { useIsPhone } from '../../../shared/hooks';
import { useSectors } from '../../org/api';
import type { EnterpriseDetail } from '../api';
import type { EnterpriseTabProps } from '../tabs';
import { ExpiryTag } from './ExpiryTag';
import { FlagTags, StatusTag } from './Tags';

type LicenceRow = EnterpriseDetail['licences'][number];

/** 基本信息: identity, location with its region chain, sectors and departments, contacts, certificates. */
export default function BasicInfoTab({ enterprise: e }: EnterpriseTabProps) {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const sectors = useSectors();
  const sectorName = (code: string) => {
    const s = sectors.data?.find((x) => x.code === code);
    return s ? (lang === 'en' ? s.name_en : s.name_zh) : code;
  };
  const f = (k: Parameters<typeof fieldKey>[0]) => t(fieldKey(k));
  const person = (name: string, phoneNo: string) =>
    name || phoneNo ? (
      <span>
        {name} {phoneNo && <a href={`tel:${phoneNo}`}>{phoneNo}</a>}
      </span>
    ) : (
      '—'
    );

  return (
    <>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, sm: 1, md: 2, xl: 3 }}
        styles={phone ? { label: { width: 104, padding: '6px 8px' }, content: { padding: '6px 8px' } } : undefined}
        data-testid="ent-basic"
      >
        <Descriptions.Item label={f('code')}>{e.code}</Descriptions.Item>
        <Descriptions.Item label={f('creditCode')}>{e.creditCode}</Descriptions.Item>
        <Descriptions.Item label={f('status')}>
          <StatusTag status={e.status} />
          <FlagTags isKey={e.isKey} hasMajorHazard={e.hasMajorHazard} />
        </Descriptions.Item>
        <Descriptions.Item label={f('formerNames')}>{e.formerNames.join('、') || '—'}</Descriptions.Item>
        <Descriptions.Item label={f('scale')}>{t(`enterprises.scale.${e.scale}`)}</Descriptions.Item>
        <Descriptions.Item label={f('employees')}>{e.employees}</Descriptions.Item>
        <Descriptions.Item label={f('region')} span={{ xs: 1, md: 2, xl: 2 }}>
          <span data-testid="ent-region-chain">{e.regionChain.map((r) => r.name).join(' / ')}</span>
        </Descriptions.Item>
        <Descriptions.Item label={f('coordinates')}>
          {e.lng !== null && e.lat !== null ? `${e.lng}, ${e.lat}` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={f('address')} span={{ xs: 1, md: 2, xl: 3 }}>
          {e.address || '—'}
        </Descriptions.Item>
        <Descriptions.Item label={f('primarySector')}>{sectorName(e.primarySector)}</Descriptions.Item>
        <Descriptions.Item label={f('otherSectors')} span={{ xs: 1, md: 1, xl: 2 }}>
          {e.otherSectors.map(sectorName).join('、') || '—'}
        </Descriptions.Item>
        <Descriptions.Item label={f('departments')} span={{ xs: 1, md: 2, xl: 3 }}>
          {e.departments.map((d) => (
            <Tag key={d.id}>{lang === 'en' ? d.name_en : d.name_zh}</Tag>
          ))}
          {e.departmentsOverridden && <Tag color="purple">{t('enterprises.overridden')}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={f('principal')}>{person(e.principalName, e.principalPhone)}</Descriptions.Item>
        <Descriptions.Item label={f('safetyManager')}>
          {person(e.safetyManagerName, e.safetyManagerPhone)}
        </Descriptions.Item>
        <Descriptions.Item label={f('standardization')}>
          {e.standardizationGrade ? (
            <span>
              {t('enterprises.grade', { grade: e.standardizationGrade })} · {e.standardizationExpiry}{' '}
              {e.standardization && <ExpiryTag state={e.standardization.state} daysLeft={e.standardization.daysLeft} />}
            </span>
          ) : (
            t('enterprises.noGrade')
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('common.updatedAt')}>{formatDateTime(e.updatedAt)}</Descriptions.Item>
      </Descriptions>
      <h3 style={{ margin: '20px 0 8px' }}>{f('licences')}</h3>
      <Table<LicenceRow>
        size="small"
        data-testid="ent-licence-table"
        rowKey={(l) => `${l.type}:${l.number}`}
        dataSource={e.licences}
        pagination={false}
        scroll={{ x: 520 }}
        locale={{ emptyText: t('enterprises.licence.none') }}
        columns={[
          { title: t('enterprises.licence.type'), dataIndex: 'type' },
          { title: t('enterprises.licence.number'), dataIndex: 'number' },
          { title: t('enterprises.licence.expiry'), dataIndex: 'expiry' },
          {
            title: t('enterprises.licence.state'),
            key: 'state',
            render: (_: unknown, l) => <ExpiryTag state={l.state} daysLeft={l.daysLeft} />,
          },
        ]}
      />
    </>
  );
}

function fieldKey(
  k:
    | 'code'
    | 'creditCode'
    | 'status'
    | 'formerNames'
    | 'scale'
    | 'employees'
    | 'region'
    | 'coordinates'
    | 'address'
    | 'primarySector'
    | 'otherSectors'
    | 'departments'
    | 'principal'
    | 'safetyManager'
    | 'standardization'
    | 'licences',
) {
  return `enterprises.fields.${k}` as const;
}
