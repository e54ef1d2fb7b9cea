import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  List,
  Modal,
  Radio,
  Segmented,
  Select,
  Space,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { useLang, useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useDepartments } from '../../org/api';
import { HAZARD_KEYS, hazardApi, type Summons, type SummonsStatus } from '../api';
import { LevelTag } from '../components/Tags';
import { testIdProps } from '../testId';

const STATUS_COLOR: Record<SummonsStatus, string> = { pending: 'orange', held: 'green', cancelled: 'default' };

interface RecordValues {
  outcome: 'held' | 'cancelled';
  heldAt?: Dayjs;
  attendees?: string[];
  note: string;
}

/**
 * 约谈任务: the summons tasks the ladder created for hazards in the caller's jurisdiction. The supervising
 * department's officers (or the county office) record the talk — when, who attended, what was said — or cancel
 * it; the server says per task whether the caller may (`canRecord`).
 */
export default function SummonsPage() {
  const t = useT();
  const lang = useLang();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const departments = useDepartments();
  const [status, setStatus] = useState<SummonsStatus | 'all'>('pending');
  const [page, setPage] = useState(1);
  const [recording, setRecording] = useState<Summons | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<RecordValues>();
  const outcome = Form.useWatch('outcome', form) ?? 'held';
  const query = { status: status === 'all' ? undefined : status, page, pageSize: 20 };
  const list = useQuery({ queryKey: HAZARD_KEYS.summons(query), queryFn: () => hazardApi.summons(query) });

  const deptName = (id: string) => {
    const d = departments.data?.find((x) => x.id === id);
    return d ? (lang === 'en' ? d.name_en : d.name_zh) : '';
  };

  const open = (s: Summons) => {
    form.resetFields();
    form.setFieldsValue({ outcome: 'held', heldAt: dayjs(), attendees: s.principalName ? [s.principalName] : [] });
    setError(null);
    setRecording(s);
  };

  const save = async () => {
    if (!recording) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      await hazardApi.recordSummons(recording.id, {
        version: recording.version,
        outcome: v.outcome,
        ...(v.outcome === 'held' ? { heldAt: (v.heldAt ?? dayjs()).toISOString() } : {}),
        attendees: v.outcome === 'held' ? (v.attendees ?? []) : [],
        note: v.note,
      });
      await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
      message.success(t('common.saved'));
      setRecording(null);
    } catch (err) {
      if (isApiError(err) && err.fields.length) {
        const rest = applyFieldErrors(form, serverFieldErrors(err.fields), ['heldAt', 'attendees', 'note', 'outcome']);
        setError(rest.length ? rest.map((f) => f.text).join('；') : errorMessage(err));
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('hazards.summons.title')}
        </h1>
        <Segmented
          value={status}
          onChange={(v) => {
            setStatus(v as SummonsStatus | 'all');
            setPage(1);
          }}
          options={[
            { value: 'pending', label: t('hazards.summons.status.pending') },
            { value: 'held', label: t('hazards.summons.status.held') },
            { value: 'cancelled', label: t('hazards.summons.status.cancelled') },
            { value: 'all', label: t('hazards.summons.all') },
          ]}
        />
      </div>
      <Alert type="info" showIcon title={t('hazards.summons.intro')} style={{ marginBottom: 12 }} />
      {list.error && <Alert type="error" showIcon title={errorMessage(list.error)} />}
      <Card size="small">
        <List<Summons>
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty description={t('hazards.summons.none')} /> }}
          data-testid="summons-list"
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, size: 'small', onChange: setPage }}
          renderItem={(s) => (
            <List.Item
              data-testid="summons-item"
              actions={
                s.canRecord
                  ? [
                      <Button
                        key="record"
                        type="primary"
                        size="small"
                        onClick={() => open(s)}
                        {...testIdProps('summons-record')}
                      >
                        {t('hazards.summons.record')}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space size={4} wrap>
                    <Tag color={STATUS_COLOR[s.status]}>{t(`hazards.summons.status.${s.status}`)}</Tag>
                    <Link to={`/enterprises/${s.enterpriseId}`}>{s.enterpriseName}</Link>
                    <Link to={`/hazards/${s.hazardId}`}>{s.hazardCode}</Link>
                    <LevelTag level={s.hazardLevel} />
                  </Space>
                }
                description={
                  <div style={{ overflowWrap: 'anywhere' }}>
                    <div>
                      {s.hazardPlace} · {t('hazards.summons.deadline')} {s.deadline ?? '—'} ·{' '}
                      {t('hazards.summons.createdAt')} {formatDateTime(s.createdAt)}
                    </div>
                    <div>
                      {t('hazards.summons.departments')}：
                      {s.departmentIds.map(deptName).filter(Boolean).join('、') || '—'}
                      {s.principalName ? ` · ${t('hazards.summons.principal')}：${s.principalName}` : ''}
                    </div>
                    {s.status !== 'pending' && (
                      <div data-testid="summons-outcome">
                        {s.heldAt && `${t('hazards.summons.heldAt')}：${formatDateTime(s.heldAt)} · `}
                        {s.attendees.length > 0 && `${t('hazards.summons.attendees')}：${s.attendees.join('、')} · `}
                        {s.note}
                        {s.recordedBy ? `（${t('hazards.summons.recordedBy')}：${s.recordedBy}）` : ''}
                      </div>
                    )}
                  </div>
                }
              />
            </List.Item>
          )}
        />
      </Card>
      <Modal
        open={recording !== null}
        title={`${t('hazards.summons.recordTitle')} ${recording?.enterpriseName ?? ''}`}
        onCancel={() => setRecording(null)}
        onOk={() => void save()}
        confirmLoading={busy}
        okText={t('common.save')}
        okButtonProps={testIdProps('summons-ok')}
        forceRender
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item name="outcome" label={t('hazards.summons.outcome')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'held', label: t('hazards.summons.held') },
                { value: 'cancelled', label: t('hazards.summons.cancelled') },
              ]}
            />
          </Form.Item>
          {outcome === 'held' && (
            <>
              <Form.Item
                name="heldAt"
                label={t('hazards.summons.heldAt')}
                rules={[{ required: true, message: t('fieldErrors.required') }]}
              >
                <DatePicker
                  showTime={{ format: 'HH:mm' }}
                  format="YYYY-MM-DD HH:mm"
                  style={{ width: '100%' }}
                  disabledDate={(d) =>
                    d.isAfter(dayjs().endOf('day')) ||
                    (recording !== null && d.isBefore(dayjs(recording.createdAt).startOf('day')))
                  }
                />
              </Form.Item>
              <Form.Item
                name="attendees"
                label={t('hazards.summons.attendees')}
                extra={t('hazards.summons.attendeesHint')}
                rules={[{ required: true, type: 'array', min: 1, message: t('fieldErrors.required') }]}
              >
                <Select mode="tags" open={false} tokenSeparators={['，', ',', '、']} data-testid="summons-attendees" />
              </Form.Item>
            </>
          )}
          <Form.Item
            name="note"
            label={outcome === 'held' ? t('hazards.summons.note') : t('hazards.summons.cancelNote')}
            rules={[{ required: true, whitespace: true, message: t('fieldErrors.required') }]}
          >
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} data-testid="summons-note" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
