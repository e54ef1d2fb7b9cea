import { DeleteOutlined, FilterOutlined, SaveOutlined, StarOutlined } from '@ant-design/icons';
import { App, Badge, Button, Checkbox, Col, DatePicker, Dropdown, Input, Modal, Row, Select, TreeSelect } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import {
  HAZARD_LEVELS,
  HAZARD_SOURCES,
  HAZARD_STATUSES,
  type HazardLevel,
  type HazardSource,
  type HazardStatus,
} from '../../../../core/hazards/workflow';
import { type MessageKey, useLang, useT } from '../../../app/i18n';
import { useIsPhone } from '../../../shared/hooks';
import { useMe } from '../../auth/api';
import { regionTree, useDepartments, useRegions, useSectors } from '../../org/api';
import type { HazardFilters } from '../api';
import { useSavedViews } from '../savedViews';
import { testIdProps } from '../testId';

/** Views every user has; saved ones are added by the user. */
const BUILTIN_VIEWS: { key: string; label: MessageKey; search: string }[] = [
  { key: 'open', label: 'hazards.views.builtin.open', search: 'status=reported,rectifying,submitted,verified' },
  { key: 'overdue', label: 'hazards.views.builtin.overdue', search: 'overdue=true' },
  {
    key: 'major',
    label: 'hazards.views.builtin.major',
    search: 'level=major&status=reported,rectifying,submitted,verified',
  },
  { key: 'toVerify', label: 'hazards.views.builtin.toVerify', search: 'status=submitted' },
];

/** Saved views: the built-in ones and the user's own (kept per user in this browser). */
export function ViewsMenu({ search, onApply }: { search: string; onApply: (search: string) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const me = useMe();
  const { views, save, remove } = useSavedViews(me.data?.user.id ?? 'anonymous');
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');

  const items = [
    ...BUILTIN_VIEWS.map((v) => ({
      key: `b:${v.key}`,
      label: <span data-testid={`view-${v.key}`}>{t(v.label)}</span>,
      onClick: () => onApply(v.search),
    })),
    { type: 'divider' as const },
    ...(views.length === 0
      ? [{ key: 'none', disabled: true, label: t('hazards.views.none') }]
      : views.map((v) => ({
          key: `u:${v.name}`,
          label: (
            <span style={{ display: 'flex', gap: 8, justifyContent: 'space-between' }} data-testid="saved-view">
              <span>{v.name}</span>
              <DeleteOutlined
                aria-label={t('hazards.views.remove')}
                onClick={(e) => {
                  e.stopPropagation();
                  remove(v.name);
                }}
              />
            </span>
          ),
          onClick: () => onApply(v.search),
        }))),
    { type: 'divider' as const },
    {
      key: 'save',
      icon: <SaveOutlined />,
      label: <span data-testid="view-save">{t('hazards.views.save')}</span>,
      onClick: () => {
        setName('');
        setNaming(true);
      },
    },
  ];

  return (
    <>
      <Dropdown menu={{ items }} trigger={['click']}>
        <Button icon={<StarOutlined />} data-testid="views-menu">
          {t('hazards.views.title')}
        </Button>
      </Dropdown>
      <Modal
        open={naming}
        title={t('hazards.views.save')}
        onCancel={() => setNaming(false)}
        okButtonProps={{ ...testIdProps('view-save-ok'), disabled: !name.trim() }}
        onOk={() => {
          save({ name: name.trim(), search });
          message.success(t('hazards.views.saved', { name: name.trim() }));
          setNaming(false);
        }}
      >
        <Input
          autoFocus
          maxLength={30}
          placeholder={t('hazards.views.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="view-name"
        />
      </Modal>
    </>
  );
}

/** Search and filters of the hazard list and kanban. */
export function HazardFiltersBar({
  filters,
  onChange,
  onReset,
  hideStatus,
  hideEnterprise,
}: {
  filters: HazardFilters;
  onChange: (patch: Partial<HazardFilters>) => void;
  onReset: () => void;
  hideStatus?: boolean;
  hideEnterprise?: boolean;
}) {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const me = useMe();
  const [showMore, setShowMore] = useState(false);
  const regions = useRegions();
  const sectors = useSectors();
  const departments = useDepartments();
  const enterpriseUser = me.data?.user.enterprise !== null && me.data?.user.enterprise !== undefined;
  const full = { width: '100%' };
  const active = [
    filters.status?.length,
    filters.level,
    filters.source?.length,
    filters.sector,
    filters.regionCode,
    filters.departmentId,
    filters.overdue,
    filters.from,
    filters.to,
  ].filter(Boolean).length;

  const more = (
    <>
      {!hideStatus && (
        <Col xs={24} sm={12} md={8} xl={4}>
          <Select<HazardStatus[]>
            style={full}
            mode="multiple"
            allowClear
            maxTagCount="responsive"
            placeholder={t('hazards.fields.status')}
            options={HAZARD_STATUSES.map((s) => ({ value: s, label: t(`hazards.status.${s}`) }))}
            value={filters.status ?? []}
            onChange={(v) => onChange({ status: v.length ? v : undefined })}
            data-testid="filter-status"
          />
        </Col>
      )}
      <Col xs={12} sm={12} md={8} xl={3}>
        <Select<HazardLevel>
          style={full}
          allowClear
          placeholder={t('hazards.fields.level')}
          options={HAZARD_LEVELS.map((s) => ({ value: s, label: t(`hazards.level.${s}`) }))}
          value={filters.level}
          onChange={(v) => onChange({ level: v ?? undefined })}
          data-testid="filter-level"
        />
      </Col>
      <Col xs={12} sm={12} md={8} xl={4}>
        <Select<HazardSource[]>
          style={full}
          mode="multiple"
          allowClear
          maxTagCount="responsive"
          placeholder={t('hazards.fields.source')}
          options={HAZARD_SOURCES.map((s) => ({ value: s, label: t(`hazards.source.${s}`) }))}
          value={filters.source ?? []}
          onChange={(v) => onChange({ source: v.length ? v : undefined })}
        />
      </Col>
      {!enterpriseUser && !hideEnterprise && (
        <>
          <Col xs={24} sm={12} md={8} xl={4}>
            <TreeSelect<string>
              style={full}
              allowClear
              showSearch={{ treeNodeFilterProp: 'title' }}
              placeholder={t('hazards.fields.township')}
              treeData={regionTree(regions.data ?? [], 1)}
              value={filters.regionCode}
              onChange={(v) => onChange({ regionCode: v ?? undefined })}
            />
          </Col>
          <Col xs={12} sm={12} md={8} xl={3}>
            <Select<string>
              style={full}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('hazards.fields.sector')}
              options={(sectors.data ?? []).map((s) => ({
                value: s.code,
                label: lang === 'en' ? s.name_en : s.name_zh,
              }))}
              value={filters.sector}
              onChange={(v) => onChange({ sector: v ?? undefined })}
            />
          </Col>
          <Col xs={12} sm={12} md={8} xl={4}>
            <Select<string>
              style={full}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('enterprises.fields.departments')}
              options={(departments.data ?? []).map((d) => ({
                value: d.id,
                label: lang === 'en' ? d.name_en : d.name_zh,
              }))}
              value={filters.departmentId}
              onChange={(v) => onChange({ departmentId: v ?? undefined })}
            />
          </Col>
        </>
      )}
      <Col xs={24} sm={12} md={8} xl={5}>
        <DatePicker.RangePicker
          style={full}
          placeholder={[t('hazards.list.from'), t('hazards.list.to')]}
          value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
          allowEmpty={[true, true]}
          onChange={(v) =>
            onChange({ from: v?.[0]?.format('YYYY-MM-DD') ?? undefined, to: v?.[1]?.format('YYYY-MM-DD') ?? undefined })
          }
        />
      </Col>
      <Col xs={12} sm={12} md={8} xl={3} style={{ display: 'flex', alignItems: 'center' }}>
        <Checkbox
          checked={filters.overdue === true}
          onChange={(e) => onChange({ overdue: e.target.checked ? true : undefined })}
          data-testid="filter-overdue"
        >
          {t('hazards.list.overdueOnly')}
        </Checkbox>
      </Col>
      <Col xs={12} sm={12} md={8} xl={2}>
        <Button onClick={onReset} block>
          {t('common.reset')}
        </Button>
      </Col>
    </>
  );

  return (
    <Row gutter={[8, 8]} style={{ marginBottom: 12 }}>
      <Col xs={phone ? 19 : 24} md={16} xl={8}>
        <Input.Search
          key={filters.q ?? ''}
          defaultValue={filters.q}
          allowClear
          enterButton
          placeholder={t('hazards.list.searchPlaceholder')}
          onSearch={(q) => onChange({ q: q.trim() || undefined })}
          data-testid="hazard-search"
        />
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
