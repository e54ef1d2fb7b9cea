import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Popconfirm, Spin, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useCan } from '../../auth/api';
import { INSPECTION_KEYS, inspectionApi, type TemplateListItem } from './api';

const STATUS_COLOR = { active: 'green', superseded: 'default', withdrawn: 'red' } as const;

/** 检查表模板: the versioned checklists per sector, each version's items on demand. */
export default function TemplatesPage() {
  const t = useT();
  const can = useCan();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [all, setAll] = useState(false);
  const q = useQuery({ queryKey: INSPECTION_KEYS.templates(all), queryFn: () => inspectionApi.templates(all) });
  const withdraw = useMutation({
    mutationFn: (id: string) => inspectionApi.withdrawTemplate(id),
    onSuccess: () => {
      message.success(t('supervision.templates.withdrawn'));
      void qc.invalidateQueries({ queryKey: ['supervision', 'templates'] });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('supervision.templates.title')}
        </h1>
        <Checkbox checked={all} onChange={(e) => setAll(e.target.checked)} data-testid="templates-all">
          {t('supervision.templates.showAll')}
        </Checkbox>
      </div>
      <Typography.Paragraph type="secondary">{t('supervision.templates.intro')}</Typography.Paragraph>
      {q.error && <Alert type="error" showIcon title={errorMessage(q.error)} />}
      <Table<TemplateListItem>
        rowKey="id"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={false}
        scroll={{ x: 720 }}
        data-testid="templates-table"
        expandable={{ expandedRowRender: (r) => <TemplateItems id={r.id} /> }}
        columns={[
          { title: t('supervision.templates.code'), dataIndex: 'code', width: 170 },
          { title: t('supervision.templates.titleLabel'), dataIndex: 'title' },
          { title: t('supervision.templates.sector'), dataIndex: 'sector', width: 160 },
          {
            title: t('supervision.templates.version'),
            width: 80,
            render: (_: unknown, r) => t('supervision.templates.versionN', { n: r.version }),
          },
          {
            title: t('supervision.templates.statusLabel'),
            width: 100,
            render: (_: unknown, r) => (
              <Tag color={STATUS_COLOR[r.status]}>{t(`supervision.templates.status.${r.status}`)}</Tag>
            ),
          },
          {
            title: t('supervision.templates.items'),
            width: 80,
            render: (_: unknown, r) => t('supervision.templates.itemCount', { n: r.itemCount }),
          },
          ...(can('settings.manage')
            ? [
                {
                  title: '',
                  width: 80,
                  render: (_: unknown, r: TemplateListItem) =>
                    r.status === 'active' && (
                      <Popconfirm title={t('supervision.templates.withdraw')} onConfirm={() => withdraw.mutate(r.id)}>
                        <Button size="small" danger>
                          {t('supervision.templates.withdraw')}
                        </Button>
                      </Popconfirm>
                    ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

function TemplateItems({ id }: { id: string }) {
  const t = useT();
  const q = useQuery({ queryKey: INSPECTION_KEYS.template(id), queryFn: () => inspectionApi.template(id) });
  if (q.error) return <Alert type="error" showIcon title={errorMessage(q.error)} />;
  if (!q.data) return <Spin />;
  return (
    <>
      {q.data.basis && <Typography.Paragraph type="secondary">{q.data.basis}</Typography.Paragraph>}
      <ol style={{ paddingLeft: 20 }}>
        {q.data.items.map((i) => (
          <li key={i.key} style={{ marginBottom: 6 }}>
            {i.level === 'major' && <Tag color="red">{t('supervision.templates.level.major')}</Tag>}
            {i.text}
            <div style={{ fontSize: 12, color: '#888' }}>
              {i.basis}
              {i.catalogItemCode && ` · ${t('supervision.templates.catalogItem')} ${i.catalogItemCode}`}
            </div>
          </li>
        ))}
      </ol>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('supervision.templates.createdBy', { name: q.data.createdByName, at: formatDateTime(q.data.createdAt) })}
      </Typography.Text>
    </>
  );
}
