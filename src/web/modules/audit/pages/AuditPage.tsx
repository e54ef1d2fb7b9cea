import { SafetyOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Col, DatePicker, Form, Input, Row, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime, startOfLocalDayIso } from '../../../shared/format';
import { type AuditEntry, type AuditQuery, auditApi } from '../api';

interface FilterValues {
  action?: string;
  entityType?: string;
  entityId?: string;
  actor?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function json(v: unknown): string {
  return v === null || v === undefined ? '—' : JSON.stringify(v, null, 2);
}

/** The append-only audit log: filters, before/after of each change, and a check of its hash chain. */
export default function AuditPage() {
  const t = useT();
  const [query, setQuery] = useState<AuditQuery>({ page: 1, pageSize: 20 });
  const list = useQuery({
    queryKey: ['audit', query],
    queryFn: () => auditApi.list(query),
    placeholderData: keepPreviousData,
  });
  const verify = useMutation({ mutationFn: auditApi.verify });

  const apply = (v: FilterValues) => {
    const [from, to] = v.range ?? [null, null];
    setQuery({
      page: 1,
      pageSize: query.pageSize,
      action: v.action?.trim() || undefined,
      entityType: v.entityType?.trim() || undefined,
      entityId: v.entityId?.trim() || undefined,
      actor: v.actor?.trim() || undefined,
      from: from ? startOfLocalDayIso(from.format('YYYY-MM-DD')) : undefined,
      // `to` is exclusive: the day after the chosen end date.
      to: to ? startOfLocalDayIso(to.add(1, 'day').format('YYYY-MM-DD')) : undefined,
    });
  };

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('menu.audit')}
        </h1>
        <Button
          icon={<SafetyOutlined />}
          loading={verify.isPending}
          onClick={() => verify.mutate()}
          data-testid="audit-verify"
        >
          {t('audit.verify')}
        </Button>
      </div>
      {verify.data && (
        <Alert
          style={{ marginBottom: 12 }}
          showIcon
          closable
          data-testid="audit-verify-result"
          type={verify.data.ok ? 'success' : 'error'}
          title={
            verify.data.ok
              ? t('audit.verifyOk', { count: verify.data.checked })
              : t('audit.verifyBroken', {
                  id: verify.data.brokenAt?.id ?? '?',
                  reason: verify.data.brokenAt?.reason ?? '',
                  count: verify.data.checked,
                })
          }
        />
      )}
      {verify.error && <Alert type="error" showIcon title={errorMessage(verify.error)} style={{ marginBottom: 12 }} />}
      <Form<FilterValues> layout="vertical" onFinish={apply} style={{ marginBottom: 4 }}>
        <Row gutter={8}>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="action" label={t('audit.action')}>
              <Input placeholder="enterprise." allowClear />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="entityType" label={t('audit.entityType')}>
              <Input placeholder="enterprise" allowClear />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="entityId" label={t('audit.entityId')}>
              <Input allowClear />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="actor" label={t('audit.actor')}>
              <Input allowClear />
            </Form.Item>
          </Col>
          <Col xs={24} md={12} xl={5}>
            <Form.Item name="range" label={t('audit.range')}>
              <DatePicker.RangePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12} xl={3}>
            <Form.Item label=" ">
              <Button type="primary" htmlType="submit" block>
                {t('common.search')}
              </Button>
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {list.error && <Alert type="error" showIcon title={errorMessage(list.error)} style={{ marginBottom: 12 }} />}
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        data-testid="audit-table"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 900 }}
        expandable={{
          expandedRowRender: (r) => (
            <Row gutter={12}>
              <Col xs={24} md={12}>
                <div style={{ fontWeight: 500, marginBottom: 4 }}>{t('audit.before')}</div>
                <pre className="fx-json">{json(r.before)}</pre>
              </Col>
              <Col xs={24} md={12}>
                <div style={{ fontWeight: 500, marginBottom: 4 }}>{t('audit.after')}</div>
                <pre className="fx-json">{json(r.after)}</pre>
              </Col>
            </Row>
          ),
          rowExpandable: (r) => r.before !== null || r.after !== null,
        }}
        pagination={{
          current: query.page,
          pageSize: query.pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: (page, pageSize) => setQuery((q) => ({ ...q, page, pageSize })),
        }}
        columns={[
          { title: '#', dataIndex: 'id', width: 70 },
          { title: t('audit.at'), dataIndex: 'at', width: 150, render: (v: string) => formatDateTime(v) },
          { title: t('audit.actor'), dataIndex: 'actor_name', render: (v: string | null) => v ?? '—' },
          { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <code>{v}</code> },
          { title: t('audit.entityType'), dataIndex: 'entity_type' },
          {
            title: t('audit.entityId'),
            dataIndex: 'entity_id',
            ellipsis: true,
            render: (v: string | null) => v ?? '—',
          },
          { title: t('audit.ip'), dataIndex: 'ip', width: 130, render: (v: string | null) => v ?? '—' },
        ]}
      />
    </>
  );
}
