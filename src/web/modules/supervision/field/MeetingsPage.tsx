import { App, Button, Card, DatePicker, Form, Input, List, Modal, Select, Space, Tag } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { useCan, useMe } from '../../auth/api';
import { useDepartments } from '../../org/api';
import { currentYear } from '../plans/api';
import { buttonProps, YearSelect } from '../plans/common';
import { fieldApi, type MeetingBody, useFieldMutation, useMeetings } from './api';

interface FormValues {
  kind: 'committee' | 'department';
  departmentId?: string;
  date: dayjs.Dayjs;
  title: string;
  attendees: string[];
  decisions: string;
}

function MeetingModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const { message } = App.useApp();
  const me = useMe();
  const departments = useDepartments();
  const [form] = Form.useForm<FormValues>();
  const kind = Form.useWatch('kind', form);
  const ownDepartment = me.data?.user.department ?? null;
  const save = useFieldMutation((b: MeetingBody) => fieldApi.recordMeeting(b));
  return (
    <Modal
      open={open}
      title={t('supervision.field.meeting.record')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={buttonProps('meeting-submit', { loading: save.isPending })}
      destroyOnHidden
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'department', date: dayjs(), attendees: [] }}
        onFinish={(v) =>
          save.mutate(
            {
              kind: v.kind,
              ...(v.kind === 'department' && v.departmentId ? { departmentId: v.departmentId } : {}),
              date: v.date.format('YYYY-MM-DD'),
              title: v.title,
              attendees: v.attendees,
              decisions: v.decisions,
            },
            {
              onSuccess: () => {
                message.success(t('supervision.field.meeting.recorded'));
                onClose();
              },
              onError: (err) => message.error(errorMessage(err)),
            },
          )
        }
      >
        <Form.Item name="kind" label={t('supervision.field.meeting.kindLabel')} rules={[{ required: true }]}>
          <Select
            data-testid="meeting-kind"
            options={(ownDepartment ? (['department'] as const) : (['committee', 'department'] as const)).map((k) => ({
              value: k,
              label: t(`supervision.field.meeting.kind.${k}`),
            }))}
          />
        </Form.Item>
        {kind === 'department' && !ownDepartment && (
          <Form.Item name="departmentId" label={t('supervision.field.meeting.department')} rules={[{ required: true }]}>
            <Select
              options={(departments.data ?? []).map((d) => ({
                value: d.id,
                label: lang === 'en' ? d.name_en : d.name_zh,
              }))}
            />
          </Form.Item>
        )}
        <Form.Item name="date" label={t('supervision.field.meeting.date')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} inputReadOnly disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('supervision.field.meeting.title_')}
          rules={[{ required: true, whitespace: true }]}
        >
          <Input maxLength={200} data-testid="meeting-title" />
        </Form.Item>
        <Form.Item
          name="attendees"
          label={t('supervision.field.meeting.attendees')}
          extra={t('supervision.field.meeting.attendeesHint')}
          rules={[{ required: true, type: 'array', min: 1 }]}
        >
          <Select mode="tags" open={false} tokenSeparators={[',', '，', '、']} data-testid="meeting-attendees" />
        </Form.Item>
        <Form.Item
          name="decisions"
          label={t('supervision.field.meeting.decisions')}
          rules={[{ required: true, whitespace: true }]}
        >
          <Input.TextArea rows={4} maxLength={8000} data-testid="meeting-decisions" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function MeetingsPage() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const [year, setYear] = useState(currentYear());
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState(false);
  const meetings = useMeetings(year, page);
  return (
    <>
      <h1 className="fx-page-title">{t('supervision.field.meeting.title')}</h1>
      <div className="fx-toolbar">
        <YearSelect value={year} onChange={setYear} />
        <span className="fx-grow" />
        <Link to="/supervision/field">{t('supervision.field.menu')}</Link>
        {can('field.record') && (
          <Button type="primary" onClick={() => setOpen(true)} data-testid="record-meeting">
            {t('supervision.field.meeting.record')}
          </Button>
        )}
      </div>
      <p style={{ color: '#595959' }}>{t('supervision.field.meeting.intro')}</p>
      <Card size="small">
        <List
          loading={meetings.isFetching}
          dataSource={meetings.data?.items ?? []}
          locale={{ emptyText: t('supervision.field.meeting.none') }}
          pagination={
            (meetings.data?.total ?? 0) > 20
              ? { current: page, pageSize: 20, total: meetings.data?.total ?? 0, onChange: setPage, size: 'small' }
              : false
          }
          renderItem={(m) => (
            <List.Item key={m.id} data-testid="meeting-item">
              <List.Item.Meta
                title={
                  <Space wrap>
                    <span>{m.date}</span>
                    <Tag color={m.kind === 'committee' ? 'volcano' : 'blue'}>
                      {m.kind === 'committee'
                        ? t('supervision.field.meeting.kind.committee')
                        : ((lang === 'en' ? m.departmentNameEn : m.departmentName) ?? '')}
                    </Tag>
                    <b>{m.title}</b>
                  </Space>
                }
                description={
                  <>
                    <div>
                      {t('supervision.field.meeting.attendees')}：{m.attendees.join('、')}
                    </div>
                    <div style={{ whiteSpace: 'pre-wrap' }}>
                      {t('supervision.field.meeting.decisions')}：{m.decisions}
                    </div>
                    <small>
                      {t('supervision.field.meeting.recordedBy')}：{m.recordedByName}
                    </small>
                  </>
                }
              />
            </List.Item>
          )}
        />
      </Card>
      <MeetingModal open={open} onClose={() => setOpen(false)} />
    </>
  );
}
