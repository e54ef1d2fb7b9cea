import { Alert, App, Button, Card, DatePicker, Form, Input, List, Modal, Spin, Tag } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { useCan } from '../../auth/api';
import { currentYear } from '../plans/api';
import { buttonProps, EnterpriseSelect, PhotoInput, YearSelect } from '../plans/common';
import { type FieldBody, fieldApi, useFieldBoard, useFieldMutation, useFieldRecords } from './api';
import { BoardGrid } from './BoardGrid';

interface FormValues {
  date: dayjs.Dayjs;
  enterpriseId?: string;
  place?: string;
  findings: string;
  photoFileIds?: string[];
}

function RecordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const save = useFieldMutation((b: FieldBody) => fieldApi.record(b));
  return (
    <Modal
      open={open}
      title={t('supervision.field.recordTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={buttonProps('field-submit', { loading: save.isPending })}
      destroyOnHidden
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={{ date: dayjs(), photoFileIds: [] }}
        onFinish={(v) => {
          if (!v.enterpriseId && !v.place?.trim()) {
            form.setFields([{ name: 'place', errors: [t('supervision.field.placeOrEnterprise')] }]);
            return;
          }
          save.mutate(
            {
              date: v.date.format('YYYY-MM-DD'),
              ...(v.enterpriseId ? { enterpriseId: v.enterpriseId } : {}),
              ...(v.place?.trim() ? { place: v.place.trim() } : {}),
              findings: v.findings,
              photoFileIds: v.photoFileIds ?? [],
            },
            {
              onSuccess: () => {
                message.success(t('supervision.field.recorded'));
                onClose();
              },
              onError: (err) => message.error(errorMessage(err)),
            },
          );
        }}
      >
        <Form.Item name="date" label={t('supervision.field.date')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} inputReadOnly disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item
          name="enterpriseId"
          label={t('supervision.field.enterprise')}
          extra={t('supervision.field.enterpriseHint')}
        >
          <EnterpriseSelect allowClear testId="field-enterprise" />
        </Form.Item>
        <Form.Item name="place" label={t('supervision.field.place')}>
          <Input maxLength={200} data-testid="field-place" />
        </Form.Item>
        <Form.Item
          name="findings"
          label={t('supervision.field.findings')}
          rules={[{ required: true, whitespace: true }]}
        >
          <Input.TextArea rows={4} maxLength={4000} data-testid="field-findings" />
        </Form.Item>
        <Form.Item name="photoFileIds" label={t('supervision.field.photos')}>
          <PhotoInput />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function FieldBoardPage() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const [year, setYear] = useState(currentYear());
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState(false);
  const board = useFieldBoard(year);
  const records = useFieldRecords(year, page);
  return (
    <>
      <h1 className="fx-page-title">{t('supervision.field.title')}</h1>
      <div className="fx-toolbar">
        <YearSelect value={year} onChange={setYear} />
        <span className="fx-grow" />
        <Link to="/supervision/meetings">{t('supervision.field.meetingsMenu')}</Link>
        {can('field.record') && (
          <Button type="primary" onClick={() => setOpen(true)} data-testid="record-field">
            {t('supervision.field.record')}
          </Button>
        )}
      </div>
      <Alert type="info" showIcon title={t('supervision.field.intro')} style={{ marginBottom: 12 }} />
      {board.isPending ? (
        <div className="fx-center">
          <Spin />
        </div>
      ) : board.error ? (
        <Alert type="error" showIcon title={errorMessage(board.error)} />
      ) : (
        <>
          <Card size="small" title={t('supervision.field.people')}>
            <BoardGrid
              testId="field-board"
              rows={board.data.people}
              months={board.data.months}
              rowKey={(r) => r.userId}
              label={{
                title: t('supervision.field.person'),
                render: (r) => (
                  <span>
                    {r.name}
                    <br />
                    <small style={{ color: '#8c8c8c' }}>
                      {r.role === 'county_leader'
                        ? t('supervision.field.role.county_leader')
                        : ((lang === 'en' ? r.departmentNameEn : r.departmentName) ??
                          t('supervision.field.role.dept_officer'))}
                    </small>
                  </span>
                ),
              }}
            />
          </Card>
          <Card size="small" title={t('supervision.field.meetings')} style={{ marginTop: 12 }}>
            <BoardGrid
              testId="meeting-board"
              rows={board.data.meetings}
              months={board.data.months}
              rowKey={(r) => r.departmentId ?? 'committee'}
              label={{
                title: t('supervision.field.meeting.department'),
                render: (r) =>
                  r.kind === 'committee' ? t('supervision.field.committee') : lang === 'en' ? r.nameEn : r.name,
              }}
            />
          </Card>
        </>
      )}
      <Card size="small" title={t('supervision.field.recent')} style={{ marginTop: 12 }}>
        <List
          loading={records.isFetching}
          dataSource={records.data?.items ?? []}
          locale={{ emptyText: t('supervision.field.noRecords') }}
          pagination={
            (records.data?.total ?? 0) > 20
              ? { current: page, pageSize: 20, total: records.data?.total ?? 0, onChange: setPage, size: 'small' }
              : false
          }
          renderItem={(r) => (
            <List.Item key={r.id} data-testid="field-record">
              <List.Item.Meta
                title={
                  <span>
                    {r.date} · {r.userName}{' '}
                    {r.enterpriseId ? (
                      <Link to={`/enterprises/${r.enterpriseId}`}>{r.enterpriseName}</Link>
                    ) : (
                      <Tag>{r.place}</Tag>
                    )}
                  </span>
                }
                description={r.findings}
              />
              {r.photoFileIds.length > 0 && <Tag>📷 {r.photoFileIds.length}</Tag>}
            </List.Item>
          )}
        />
      </Card>
      <RecordModal open={open} onClose={() => setOpen(false)} />
    </>
  );
}
