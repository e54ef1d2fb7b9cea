import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  FINE_REWARD_MAX_YUAN,
  FINE_REWARD_MIN_YUAN,
  FINE_REWARD_RATE_PERCENT,
  rewardForFine,
} from '../../../../core/hazards/reward';
import type { HazardLevel } from '../../../../core/hazards/workflow';
import { useLang, useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useIsPhone } from '../../../shared/hooks';
import { useMe } from '../../auth/api';
import { useDepartments } from '../../org/api';
import { HAZARD_CATEGORIES, HAZARD_KEYS, type HazardCategory, hazardApi, type Report, type ReportDetail } from '../api';
import { EnterprisePicker } from '../components/EnterprisePicker';
import { Thumbs } from '../components/Photos';
import { HazardStatusTag } from '../components/Tags';
import { testIdProps } from '../testId';

type Mode = 'accept' | 'transfer' | 'reject' | 'fine' | 'reward';
interface AcceptValues {
  enterpriseId?: string;
  place?: string;
  category: HazardCategory;
  level: HazardLevel;
  catalogItemCode?: string;
  description?: string;
  deadline?: Dayjs;
  reply?: string;
}

/**
 * The reporter's reward for a fine as the server will compute it (RULES.md §3: 15 %, at least ¥3,000, at most
 * ¥300,000), from the same core function, with the bound that applied.
 */
function RewardPreview({ fineYuan }: { fineYuan: number | null }) {
  const t = useT();
  if (fineYuan === null || !Number.isFinite(fineYuan) || fineYuan < 0) return null;
  const reward = rewardForFine(fineYuan);
  const raw = Math.round((fineYuan * FINE_REWARD_RATE_PERCENT) / 100);
  const bound =
    reward === 0
      ? t('hazards.reward.none')
      : reward === FINE_REWARD_MIN_YUAN && raw < FINE_REWARD_MIN_YUAN
        ? t('hazards.reward.floor')
        : reward === FINE_REWARD_MAX_YUAN && raw > FINE_REWARD_MAX_YUAN
          ? t('hazards.reward.cap')
          : null;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="reward-preview"
      title={t('hazards.reward.computed')}
      description={
        <span>
          <b style={{ fontSize: 18 }}>{t('hazards.reward.yuan', { amount: reward.toLocaleString() })}</b>
          {bound ? `（${bound}）` : ''}
        </span>
      }
    />
  );
}

/**
 * Reports waiting for the county office or the department in scope: accept as a hazard, transfer, or reject.
 * `/hazards/reports?report=<id>` opens one report (the link of the triage notifications).
 */
export default function TriagePage() {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const me = useMe();
  const departments = useDepartments();
  const [open, setOpen] = useState<'true' | 'false'>('true');
  const [page, setPage] = useState(1);
  // The selected report is in the URL (`?report=<id>`), so a notification's link opens it.
  const [params, setParams] = useSearchParams();
  const selected = params.get('report');
  const setSelected = (id: string | null) => setParams(id ? { report: id } : {}, { replace: true });
  const [mode, setMode] = useState<Mode | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [acceptForm] = Form.useForm<AcceptValues>();
  const [transferForm] = Form.useForm<{ departmentId: string; note?: string }>();
  const [rejectForm] = Form.useForm<{ reply: string }>();
  const [fineForm] = Form.useForm<{ fineYuan: number; decisionNumber: string }>();
  const [rewardForm] = Form.useForm<{ amountYuan: number; note?: string }>();
  const fineYuan = Form.useWatch('fineYuan', fineForm);
  const level = Form.useWatch('level', acceptForm) ?? 'general';

  const query = { open, page, pageSize: 20 };
  const list = useQuery({ queryKey: HAZARD_KEYS.reports(query), queryFn: () => hazardApi.reports(query) });
  const detail = useQuery({
    queryKey: HAZARD_KEYS.report(selected ?? ''),
    queryFn: () => hazardApi.report(selected ?? ''),
    enabled: selected !== null,
  });
  const catalog = useQuery({
    queryKey: HAZARD_KEYS.catalog(undefined),
    queryFn: () => hazardApi.catalog(undefined),
    enabled: mode === 'accept',
    staleTime: 5 * 60_000,
  });
  const enterpriseUser = me.data?.user.enterprise != null;

  const run = async (
    fn: () => Promise<unknown>,
    form?: Parameters<typeof applyFieldErrors>[0],
    known: string[] = [],
  ) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
      message.success(t('common.saved'));
      setMode(null);
    } catch (err) {
      if (form && isApiError(err) && err.fields.length) {
        const rest = applyFieldErrors(form, serverFieldErrors(err.fields), known);
        setError(rest.length ? rest.map((f) => f.text).join('；') : errorMessage(err));
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const r: ReportDetail | undefined = detail.data;
  const submitMode = async () => {
    if (!r || !mode) return;
    if (mode === 'accept') {
      const v = await acceptForm.validateFields().catch(() => null);
      if (!v) return;
      await run(
        () =>
          hazardApi.accept(r.id, {
            version: r.version,
            ...(enterpriseUser ? {} : { enterpriseId: v.enterpriseId }),
            place: v.place || undefined,
            category: v.category,
            level: v.level,
            ...(v.catalogItemCode ? { catalogItemCode: v.catalogItemCode } : {}),
            description: v.description || undefined,
            ...(v.deadline ? { rectification: { deadline: v.deadline.format('YYYY-MM-DD') } } : {}),
            reply: v.reply || undefined,
          }),
        acceptForm,
        ['enterpriseId', 'place', 'category', 'level', 'catalogItemCode', 'description', 'reply'],
      );
    } else if (mode === 'transfer') {
      const v = await transferForm.validateFields().catch(() => null);
      if (!v) return;
      await run(
        () => hazardApi.transfer(r.id, { version: r.version, departmentId: v.departmentId, note: v.note ?? '' }),
        transferForm,
        ['departmentId', 'note'],
      );
      setSelected(null);
    } else if (mode === 'fine') {
      const v = await fineForm.validateFields().catch(() => null);
      if (!v) return;
      await run(
        () =>
          hazardApi.recordFine(r.id, { version: r.version, fineYuan: v.fineYuan, decisionNumber: v.decisionNumber }),
        fineForm,
        ['fineYuan', 'decisionNumber'],
      );
    } else if (mode === 'reward') {
      const v = await rewardForm.validateFields().catch(() => null);
      if (!v) return;
      await run(
        () => hazardApi.recordReward(r.id, { version: r.version, amountYuan: v.amountYuan, note: v.note ?? '' }),
        rewardForm,
        ['amountYuan', 'note'],
      );
    } else {
      const v = await rejectForm.validateFields().catch(() => null);
      if (!v) return;
      await run(() => hazardApi.rejectReport(r.id, { version: r.version, reply: v.reply }), rejectForm, ['reply']);
    }
  };

  const required = [{ required: true, message: t('fieldErrors.required') }];
  const pane = r ? (
    <Card size="small" data-testid="report-detail">
      <Space wrap style={{ marginBottom: 8 }}>
        <Tag>{t(`hazards.triage.kind.${r.kind}`)}</Tag>
        <Tag color={r.status === 'received' ? 'orange' : 'default'}>{t(`hazards.triage.reportStatus.${r.status}`)}</Tag>
        {r.anonymous && <Tag>{t('hazards.triage.anonymous')}</Tag>}
      </Space>
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('hazards.triage.receivedAt')}>{formatDateTime(r.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('hazards.fields.description')}>
          <span style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{r.text}</span>
        </Descriptions.Item>
        {r.place && <Descriptions.Item label={t('hazards.fields.place')}>{r.place}</Descriptions.Item>}
        {r.enterpriseName && (
          <Descriptions.Item label={t('hazards.fields.enterprise')}>{r.enterpriseName}</Descriptions.Item>
        )}
        {r.contactVisible && (
          <Descriptions.Item label={t('hazards.triage.contact')}>
            {r.reporterName ?? ''} {r.contact ?? ''}
          </Descriptions.Item>
        )}
        {r.publicReply && <Descriptions.Item label={t('hazards.triage.reply')}>{r.publicReply}</Descriptions.Item>}
        {r.hazard && (
          <Descriptions.Item label={t('hazards.triage.linkedHazard')}>
            <Link to={`/hazards/${r.hazard.id}`}>{r.hazard.code}</Link> <HazardStatusTag status={r.hazard.status} />
          </Descriptions.Item>
        )}
      </Descriptions>
      <Thumbs files={r.photos} />
      {r.reward && (
        <Alert
          type="success"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="report-reward"
          title={`${t(`hazards.reward.kind.${r.reward.kind}`)}：${t('hazards.reward.yuan', { amount: r.reward.rewardYuan.toLocaleString() })}`}
          description={
            <>
              {r.reward.fineYuan !== null &&
                t('hazards.reward.fineLine', {
                  fine: r.reward.fineYuan.toLocaleString(),
                  number: r.reward.decisionNumber ?? '',
                })}
              {r.reward.note && <div>{r.reward.note}</div>}
              <div>
                {r.reward.recordedBy ?? ''} · {formatDateTime(r.reward.at)}
              </div>
            </>
          }
        />
      )}
      {/* The server says whether the caller may record the reward (a triaged report has canTriage false). */}
      {r.canReward && (
        <Space wrap style={{ marginTop: 12 }}>
          {r.kind === 'public' ? (
            <Button
              data-testid="triage-fine"
              onClick={() => {
                setError(null);
                fineForm.resetFields();
                setMode('fine');
              }}
            >
              {t('hazards.reward.fine')}
            </Button>
          ) : (
            <Button
              data-testid="triage-reward"
              onClick={() => {
                setError(null);
                rewardForm.resetFields();
                setMode('reward');
              }}
            >
              {t('hazards.reward.internal')}
            </Button>
          )}
        </Space>
      )}
      {r.canTriage && (
        <Space wrap style={{ marginTop: 12 }}>
          <Button
            type="primary"
            data-testid="triage-accept"
            onClick={() => {
              setError(null);
              acceptForm.setFieldsValue({
                enterpriseId: r.enterpriseId ?? undefined,
                place: r.place,
                description: r.text.slice(0, 2000),
                category: 'other',
                level: 'general',
              });
              setMode('accept');
            }}
          >
            {t('hazards.triage.accept')}
          </Button>
          {r.kind === 'public' && !enterpriseUser && (
            <Button
              onClick={() => {
                setError(null);
                transferForm.resetFields();
                setMode('transfer');
              }}
            >
              {t('hazards.triage.transfer')}
            </Button>
          )}
          <Button
            danger
            onClick={() => {
              setError(null);
              rejectForm.resetFields();
              setMode('reject');
            }}
          >
            {t('hazards.triage.reject')}
          </Button>
        </Space>
      )}
    </Card>
  ) : (
    <Empty description={t('hazards.triage.select')} />
  );

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('hazards.triage.title')}
        </h1>
        <Segmented
          value={open}
          onChange={(v) => {
            setOpen(v as 'true' | 'false');
            setPage(1);
          }}
          options={[
            { value: 'true', label: t('hazards.triage.queue') },
            { value: 'false', label: t('hazards.triage.done') },
          ]}
        />
      </div>
      {list.error && <Alert type="error" showIcon title={errorMessage(list.error)} />}
      <Row gutter={12}>
        <Col xs={24} md={10}>
          <Card size="small">
            <List<Report>
              loading={list.isFetching}
              dataSource={list.data?.items ?? []}
              data-testid="report-list"
              pagination={{
                current: page,
                pageSize: 20,
                total: list.data?.total ?? 0,
                size: 'small',
                onChange: setPage,
              }}
              renderItem={(item) => (
                <List.Item
                  onClick={() => setSelected(item.id)}
                  style={{ cursor: 'pointer', background: item.id === selected ? '#e6f4ff' : undefined }}
                  data-testid="report-item"
                >
                  <List.Item.Meta
                    title={
                      <Space size={4} wrap>
                        <Tag>{t(`hazards.triage.kind.${item.kind}`)}</Tag>
                        <span>{formatDateTime(item.createdAt)}</span>
                      </Space>
                    }
                    description={
                      <span style={{ overflowWrap: 'anywhere' }}>
                        {item.text.length > 60 ? `${item.text.slice(0, 60)}…` : item.text}
                      </span>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        </Col>
        {!phone && (
          <Col md={14}>{detail.error ? <Alert type="error" showIcon title={errorMessage(detail.error)} /> : pane}</Col>
        )}
      </Row>
      {phone && (
        <Drawer open={selected !== null} onClose={() => setSelected(null)} size="100%" placement="bottom">
          {detail.error ? <Alert type="error" showIcon title={errorMessage(detail.error)} /> : pane}
        </Drawer>
      )}
      <Modal
        open={mode !== null}
        title={
          mode === 'accept'
            ? t('hazards.triage.acceptTitle')
            : mode === 'transfer'
              ? t('hazards.triage.transfer')
              : mode === 'fine'
                ? t('hazards.reward.fineTitle')
                : mode === 'reward'
                  ? t('hazards.reward.internalTitle')
                  : t('hazards.triage.reject')
        }
        onCancel={() => setMode(null)}
        onOk={() => void submitMode()}
        confirmLoading={busy}
        okButtonProps={testIdProps('triage-ok')}
        destroyOnHidden={false}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        {mode === 'accept' && (
          <Form form={acceptForm} layout="vertical">
            {!enterpriseUser && (
              <Form.Item
                name="enterpriseId"
                label={t('hazards.fields.enterprise')}
                rules={[{ required: true, message: t('hazards.triage.enterpriseHint') }]}
              >
                <EnterprisePicker testId="triage-enterprise" />
              </Form.Item>
            )}
            <Form.Item name="place" label={t('hazards.fields.place')} rules={required}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item name="category" label={t('hazards.fields.category')} rules={required}>
              <Select options={HAZARD_CATEGORIES.map((c) => ({ value: c, label: t(`hazards.category.${c}`) }))} />
            </Form.Item>
            <Form.Item name="level" label={t('hazards.fields.level')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'general', label: t('hazards.level.general') },
                  { value: 'major', label: t('hazards.level.major') },
                ]}
              />
            </Form.Item>
            {level === 'major' && (
              <Form.Item name="catalogItemCode" label={t('hazards.fields.catalogItem')}>
                <Select<string>
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  options={(catalog.data?.items ?? []).map((i) => ({
                    value: i.code,
                    label: `${i.code} ${lang === 'en' ? i.textEn : i.textZh}`,
                  }))}
                />
              </Form.Item>
            )}
            <Form.Item name="description" label={t('hazards.fields.description')} rules={required}>
              <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} />
            </Form.Item>
            {level === 'general' && (
              <Form.Item name="deadline" label={t('hazards.fields.deadline')} rules={required}>
                <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs().startOf('day'))} />
              </Form.Item>
            )}
            <Form.Item name="reply" label={t('hazards.triage.reply')} extra={t('hazards.triage.replyHint')}>
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
            </Form.Item>
          </Form>
        )}
        {mode === 'transfer' && (
          <Form form={transferForm} layout="vertical">
            <Form.Item name="departmentId" label={t('hazards.triage.department')} rules={required}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                options={(departments.data ?? []).map((d) => ({
                  value: d.id,
                  label: lang === 'en' ? d.name_en : d.name_zh,
                }))}
              />
            </Form.Item>
            <Form.Item name="note" label={t('hazards.triage.note')}>
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
            </Form.Item>
          </Form>
        )}
        {mode === 'fine' && (
          <Form form={fineForm} layout="vertical">
            <Form.Item
              name="fineYuan"
              label={t('hazards.reward.fineYuan')}
              rules={[{ required: true, message: t('fieldErrors.required') }]}
            >
              <InputNumber<number>
                min={0}
                max={1_000_000_000}
                precision={0}
                style={{ width: '100%' }}
                data-testid="fine-yuan"
              />
            </Form.Item>
            <Form.Item
              name="decisionNumber"
              label={t('hazards.reward.decisionNumber')}
              rules={[{ required: true, whitespace: true, message: t('fieldErrors.required') }]}
            >
              <Input maxLength={100} data-testid="fine-decision" />
            </Form.Item>
            <RewardPreview fineYuan={typeof fineYuan === 'number' ? fineYuan : null} />
          </Form>
        )}
        {mode === 'reward' && (
          <Form form={rewardForm} layout="vertical">
            <Form.Item
              name="amountYuan"
              label={t('hazards.reward.amountYuan')}
              rules={[{ required: true, message: t('fieldErrors.required') }]}
            >
              <InputNumber<number> min={0} max={10_000_000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="note" label={t('hazards.reward.note')}>
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
            </Form.Item>
          </Form>
        )}
        {mode === 'reject' && (
          <Form form={rejectForm} layout="vertical">
            <Form.Item
              name="reply"
              label={t('hazards.triage.reply')}
              extra={t('hazards.triage.replyHint')}
              rules={[{ required: true, whitespace: true, message: t('fieldErrors.required') }]}
            >
              <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} />
            </Form.Item>
          </Form>
        )}
      </Modal>
    </>
  );
}
