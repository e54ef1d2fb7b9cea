import { EditOutlined, LineChartOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import type { Thresholds } from '../../../../core/monitoring';
import { pickLang, type TFn, useLang, useT } from '../../../app/i18n';
import { ResponsiveList } from '../../../shared/ResponsiveList';
import { useCan } from '../../auth/api';
import { MONITORING_KEYS, type MonitoringPoint, monitoringApi, useTemplates } from '../api';
import { SetupScreen, useSetupEnterprise } from '../components/SetupEnterprise';

const SUMMARY_KEYS = ['lowLow', 'low', 'high', 'highHigh', 'powerCut', 'restore'] as const;

/** "高报 1 · 断电 1.5 · 复电 1": the level thresholds in force. */
export function thresholdSummary(t: TFn, th: Thresholds | null, unit: string): string {
  if (!th) return '—';
  const parts = SUMMARY_KEYS.filter((k) => typeof th[k] === 'number').map(
    (k) => `${t(`monitoring.threshold.${k}`)} ${th[k]}`,
  );
  return parts.length ? `${parts.join(' · ')} ${unit}` : '—';
}

/** The points of an enterprise as configured: template, thresholds in force, interval; create and edit. */
export default function PointsPage() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const setup = useSetupEnterprise();
  const enterpriseId = setup.enterpriseId;
  const templates = useTemplates();
  const list = useQuery({
    queryKey: MONITORING_KEYS.managedPoints(enterpriseId ?? ''),
    queryFn: () => monitoringApi.managedPoints(enterpriseId ?? ''),
    enabled: Boolean(enterpriseId),
  });
  const manage = can('monitoring.manage');
  const templateName = (key: string | null) => {
    if (!key) return t('monitoring.points.noTemplate');
    const tpl = templates.data?.items.find((x) => x.key === key);
    return tpl ? pickLang(lang, tpl.nameZh, tpl.nameEn) : key;
  };
  const actions = (p: MonitoringPoint) => (
    <Space size={4}>
      {manage && (
        <Link to={`/monitoring/points/${p.id}/edit`} data-testid={`point-edit-${p.code}`}>
          <Button size="small" icon={<EditOutlined />}>
            {t('monitoring.points.edit')}
          </Button>
        </Link>
      )}
      <Link to={`/monitoring/points/${p.id}`}>
        <Button size="small" icon={<LineChartOutlined />} aria-label={t('monitoring.points.chart')} />
      </Link>
    </Space>
  );
  const name = (p: MonitoringPoint) => (
    <>
      <Typography.Text strong>{p.name}</Typography.Text>{' '}
      {!p.active && <Tag data-testid={`point-inactive-${p.code}`}>{t('monitoring.points.inactive')}</Tag>}
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
        {p.code} · {t(`monitoring.kind.${p.kind}`)}
      </Typography.Text>
    </>
  );
  const items = list.data?.items ?? [];
  return (
    <SetupScreen
      title={t('monitoring.points.title')}
      setup={setup}
      error={list.error}
      action={
        manage && (
          <Link to={`/monitoring/points/new?enterpriseId=${enterpriseId}`}>
            <Button type="primary" icon={<PlusOutlined />} data-testid="point-new">
              {t('monitoring.points.new')}
            </Button>
          </Link>
        )
      }
    >
      <ResponsiveList<MonitoringPoint>
        testId="managed-points"
        loading={list.isPending}
        items={items}
        rowKey="id"
        emptyText={t('monitoring.points.empty')}
        rowTestId={(p) => `managed-point-${p.code}`}
        cardExtra={actions}
        renderCard={(p) => (
          <div style={{ minWidth: 0 }}>
            {name(p)}
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {thresholdSummary(t, p.effectiveThresholds, p.unit)}
            </Typography.Text>
          </div>
        )}
        columns={[
          { title: t('monitoring.enterprise.points'), key: 'name', render: (_, p) => name(p) },
          { title: t('monitoring.points.template'), key: 'template', render: (_, p) => templateName(p.template) },
          {
            title: t('monitoring.points.thresholds'),
            key: 'thresholds',
            render: (_, p) => thresholdSummary(t, p.effectiveThresholds, p.unit),
          },
          {
            title: t('monitoring.points.interval'),
            key: 'interval',
            align: 'right',
            render: (_, p) => `${p.intervalSeconds} s`,
          },
          { title: t('common.actions'), key: 'actions', render: (_, p) => actions(p) },
        ]}
      />
    </SetupScreen>
  );
}
