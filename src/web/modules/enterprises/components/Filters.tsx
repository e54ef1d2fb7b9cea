import { FilterOutlined } from '@ant-design/icons';
import { Badge, Button, Col, Input, Row, Select, TreeSelect } from 'antd';
import { useState } from 'react';
import { ENTERPRISE_SCALES, ENTERPRISE_STATUSES, type EnterpriseStatus } from '../../../../core/enterprise';
import { useLang, useT } from '../../../app/i18n';
import { useIsPhone } from '../../../shared/hooks';
import { regionTree, useDepartments, useRegions, useSectors } from '../../org/api';
import type { EnterpriseFilters } from '../api';

type BoolChoice = 'true' | 'false';
const boolValue = (v: boolean | undefined): BoolChoice | undefined =>
  v === undefined ? undefined : v ? 'true' : 'false';
const parseBool = (v: BoolChoice | undefined) => (v === undefined ? undefined : v === 'true');

/** Search (name, credit code, code, pinyin initials) and the filters of the enterprise list and map. */
export function Filters({
  filters,
  onChange,
  onReset,
}: {
  filters: EnterpriseFilters;
  onChange: (patch: Partial<EnterpriseFilters>) => void;
  onReset: () => void;
}) {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const [showMore, setShowMore] = useState(false);
  const regions = useRegions();
  const sectors = useSectors();
  const departments = useDepartments();

  const active = [
    filters.regionCode,
    filters.sector,
    filters.departmentId,
    filters.scale,
    filters.status?.length ? 'x' : undefined,
    filters.isKey,
    filters.hasMajorHazard,
  ].filter((v) => v !== undefined).length;
  const yesNo = [
    { value: 'true', label: t('common.yes') },
    { value: 'false', label: t('common.no') },
  ];
  const full = { width: '100%' };

  const search = (
    <Input.Search
      key={filters.q ?? ''}
      defaultValue={filters.q}
      allowClear
      enterButton
      placeholder={t('enterprises.searchPlaceholder')}
      onSearch={(q) => onChange({ q: q.trim() || undefined })}
      data-testid="ent-search"
    />
  );

  const more = (
    <>
      <Col xs={24} sm={12} md={8} xl={4}>
        <TreeSelect<string>
          style={full}
          allowClear
          showSearch={{ treeNodeFilterProp: 'title' }}
          placeholder={t('enterprises.fields.region')}
          treeData={regionTree(regions.data ?? [], 1)}
          value={filters.regionCode}
          onChange={(v) => onChange({ regionCode: v ?? undefined })}
          data-testid="filter-region"
        />
      </Col>
      <Col xs={24} sm={12} md={8} xl={4}>
        <Select<string>
          style={full}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('enterprises.fields.sector')}
          options={(sectors.data ?? []).map((s) => ({ value: s.code, label: lang === 'en' ? s.name_en : s.name_zh }))}
          value={filters.sector}
          onChange={(v) => onChange({ sector: v ?? undefined })}
        />
      </Col>
      <Col xs={24} sm={12} md={8} xl={4}>
        <Select<string>
          style={full}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('enterprises.fields.departments')}
          options={(departments.data ?? []).map((d) => ({ value: d.id, label: lang === 'en' ? d.name_en : d.name_zh }))}
          value={filters.departmentId}
          onChange={(v) => onChange({ departmentId: v ?? undefined })}
        />
      </Col>
      <Col xs={12} sm={12} md={8} xl={4}>
        <Select
          style={full}
          allowClear
          placeholder={t('enterprises.fields.scale')}
          options={ENTERPRISE_SCALES.map((s) => ({ value: s, label: t(`enterprises.scale.${s}`) }))}
          value={filters.scale}
          onChange={(v) => onChange({ scale: v ?? undefined })}
        />
      </Col>
      <Col xs={12} sm={12} md={8} xl={4}>
        <Select<EnterpriseStatus[]>
          style={full}
          mode="multiple"
          allowClear
          maxTagCount="responsive"
          placeholder={t('enterprises.fields.status')}
          options={ENTERPRISE_STATUSES.map((s) => ({ value: s, label: t(`enterprises.status.${s}`) }))}
          value={filters.status ?? []}
          onChange={(v) => onChange({ status: v.length ? v : undefined })}
        />
      </Col>
      <Col xs={12} sm={12} md={8} xl={4}>
        <Select<BoolChoice>
          style={full}
          allowClear
          placeholder={t('enterprises.flags.key')}
          options={yesNo.map((o) => ({ ...o, label: `${t('enterprises.flags.key')}: ${o.label}` }))}
          value={boolValue(filters.isKey)}
          onChange={(v) => onChange({ isKey: parseBool(v) })}
        />
      </Col>
      <Col xs={12} sm={12} md={8} xl={4}>
        <Select<BoolChoice>
          style={full}
          allowClear
          placeholder={t('enterprises.flags.major')}
          options={yesNo.map((o) => ({ ...o, label: `${t('enterprises.flags.major')}: ${o.label}` }))}
          value={boolValue(filters.hasMajorHazard)}
          onChange={(v) => onChange({ hasMajorHazard: parseBool(v) })}
        />
      </Col>
      <Col xs={12} sm={12} md={8} xl={4}>
        <Button onClick={onReset} block={phone}>
          {t('common.reset')}
        </Button>
      </Col>
    </>
  );

  return (
    <Row gutter={[8, 8]} style={{ marginBottom: 12 }}>
      <Col xs={phone ? 19 : 24} md={16} xl={8}>
        {search}
      </Col>
      {phone && (
        <Col xs={5}>
          <Badge count={active} size="small">
            <Button icon={<FilterOutlined />} onClick={() => setShowMore((s) => !s)} aria-label={t('common.filters')} />
          </Badge>
        </Col>
      )}
      {(!phone || showMore) && more}
    </Row>
  );
}
