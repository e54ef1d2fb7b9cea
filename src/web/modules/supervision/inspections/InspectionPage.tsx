import { ArrowLeftOutlined, CloudUploadOutlined, FileWordOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Input,
  List,
  Modal,
  Progress,
  Segmented,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useMe } from '../../auth/api';
import { AT_SITE, documentUrl, INSPECTION_KEYS, type InspectionDetail, inspectionApi } from './api';
import { ChecklistItemCard } from './ChecklistItemCard';
import { DecisionPanel } from './DecisionPanel';
import { answerKey, type DraftAnswer, missingEvidence, toAnswerBodies, useDraft } from './draft';
import { QuizPanel } from './QuizPanel';
import { InspectionStatusTag, KindTag } from './Tags';

/** The inspection at the site (phone first): start, checklist, quiz, decisions, signatures, completion, documents. */
export default function InspectionPage() {
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: INSPECTION_KEYS.detail(id), queryFn: () => inspectionApi.detail(id) });
  if (q.error) return <Alert type="error" showIcon title={errorMessage(q.error)} />;
  if (!q.data) return <Spin />;
  return (
    <Inspection inspection={q.data} onChanged={() => void qc.invalidateQueries({ queryKey: INSPECTION_KEYS.all })} />
  );
}

function Inspection({ inspection: i, onChanged }: { inspection: InspectionDetail; onChanged: () => void }) {
  const t = useT();
  const me = useMe();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const { draft, update } = useDraft(i.id);
  const [mode, setMode] = useState<'one' | 'grouped'>('grouped');
  const [cursor, setCursor] = useState(0);
  const [reason, setReason] = useState('');
  const [cancelOpen, setCancelOpen] = useState(false);
  const conducting = i.canConduct && i.status === 'in_progress';
  const setDetail = (d: InspectionDetail) => qc.setQueryData(INSPECTION_KEYS.detail(i.id), d);

  const flat = useMemo(() => i.checklist.flatMap((g) => g.items.map((item) => ({ group: g, item }))), [i.checklist]);
  const total = flat.length;
  const answered = flat.filter(
    ({ group, item }) => item.answer || draft.answers[answerKey(group.templateId, item.key)],
  ).length;
  const pending = Object.keys(draft.answers).length;

  const setAnswer = (templateId: string, itemKey: string, a: DraftAnswer) =>
    update((d) => ({ ...d, answers: { ...d.answers, [answerKey(templateId, itemKey)]: a } }));

  const act = useMutation({
    ...AT_SITE,
    mutationFn: (body: { action: 'start' | 'cancel' | 'complete' } & Record<string, unknown>) =>
      inspectionApi.act(i.id, { ...body, version: i.version }),
    onSuccess: (d, body) => {
      setDetail(d);
      onChanged();
      if (body.action === 'start') message.success(t('supervision.inspections.started'));
      if (body.action === 'complete') {
        update(() => ({ answers: {}, enterpriseSigner: '', inspectorSigner: '', summary: '' }));
        message.success(t('supervision.inspections.completed'));
      }
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  /** Sends every draft answer; those accepted leave the draft (all or none: one transaction on the server). */
  const submitAnswers = async (): Promise<boolean> => {
    const bodies = toAnswerBodies(draft);
    if (bodies.length === 0) return true;
    const bad = Object.values(draft.answers).some(missingEvidence);
    if (bad) {
      message.error(t('supervision.inspections.needsPhotoOrNote'));
      return false;
    }
    try {
      const d = await inspectionApi.answer(i.id, bodies);
      update((cur) => ({ ...cur, answers: {} }));
      setDetail(d);
      onChanged();
      message.success(t('supervision.inspections.answersSaved', { n: bodies.length }));
      return true;
    } catch (err) {
      message.error(isApiError(err, 'NETWORK') ? t('supervision.inspections.draftOffline') : errorMessage(err));
      return false;
    }
  };
  const saving = useMutation({ ...AT_SITE, mutationFn: submitAnswers });

  const complete = async () => {
    if (!(await submitAnswers())) return;
    const fresh = qc.getQueryData<InspectionDetail>(INSPECTION_KEYS.detail(i.id)) ?? i;
    if (fresh.counts.unanswered > 0) {
      message.error(t('supervision.inspections.unansweredLeft', { n: fresh.counts.unanswered }));
      return;
    }
    const inspector = draft.inspectorSigner.trim() || me.data?.user.displayName || '';
    act.mutate({
      action: 'complete',
      version: fresh.version,
      summary: draft.summary.trim() || undefined,
      signatures: [
        { role: 'inspector', name: inspector },
        { role: 'enterprise', name: draft.enterpriseSigner.trim() },
      ],
    });
  };

  const markRest = (templateId: string) => {
    const g = i.checklist.find((x) => x.templateId === templateId);
    if (!g) return;
    update((d) => {
      const answers = { ...d.answers };
      for (const item of g.items) {
        const k = answerKey(templateId, item.key);
        if (!item.answer && !answers[k])
          answers[k] = { result: 'compliant', note: '', photoFileIds: [], place: '', deadline: '' };
      }
      return { ...d, answers };
    });
  };

  const current = flat[Math.min(cursor, Math.max(0, total - 1))];
  const hasSite = i.documents.some((d) => d.kind === 'site_record');

  return (
    <div style={{ maxWidth: 760, margin: '0 auto', paddingBottom: conducting ? 72 : 0 }} data-testid="inspection-page">
      <Link to="/inspections">
        <ArrowLeftOutlined /> {t('supervision.inspections.back')}
      </Link>
      <h1 className="fx-page-title" style={{ marginTop: 8 }}>
        {i.enterpriseName}
      </h1>
      <Space wrap style={{ marginBottom: 8 }}>
        <Typography.Text code>{i.code}</Typography.Text>
        <InspectionStatusTag status={i.status} />
        <KindTag kind={i.kind} unannounced={i.unannounced} />
      </Space>
      <Descriptions size="small" column={1} bordered style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('supervision.inspections.plannedAt')}>
          {formatDateTime(i.plannedAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('supervision.inspections.departments')}>
          {i.departmentNames.join('、') || '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('supervision.inspections.inspectors')}>
          {i.inspectorNames.join('、')}
        </Descriptions.Item>
        {i.exemptionReason && (
          <Descriptions.Item label={t('supervision.inspections.exemptionReason')}>
            {i.exemptionReason}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('supervision.inspections.checklist')}>
          {t('supervision.inspections.counts', {
            c: i.counts.compliant,
            n: i.counts.notCompliant,
            na: i.counts.notApplicable,
            u: i.counts.unanswered,
          })}
        </Descriptions.Item>
      </Descriptions>

      {i.canConduct && i.status === 'planned' && (
        <Space orientation="vertical" style={{ width: '100%', marginBottom: 12 }}>
          {i.allowedActions.includes('start') && (
            <Button
              type="primary"
              size="large"
              block
              loading={act.isPending}
              onClick={() => act.mutate({ action: 'start' })}
              data-testid="insp-start"
            >
              {t('supervision.inspections.start')}
            </Button>
          )}
          {i.allowedActions.includes('cancel') && (
            <Button block danger onClick={() => setCancelOpen(true)}>
              {t('supervision.inspections.cancel')}
            </Button>
          )}
        </Space>
      )}
      <Modal
        open={cancelOpen}
        title={t('supervision.inspections.cancel')}
        onCancel={() => setCancelOpen(false)}
        okButtonProps={{ disabled: !reason.trim(), danger: true }}
        onOk={() => {
          act.mutate({ action: 'cancel', reason: reason.trim() });
          setCancelOpen(false);
        }}
      >
        <Input.TextArea
          rows={3}
          value={reason}
          placeholder={t('supervision.inspections.cancelReason')}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>

      {pending > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="draft-banner"
          title={t('supervision.inspections.draftKept', { n: pending })}
          action={
            <Button
              size="small"
              type="link"
              onClick={() =>
                modal.confirm({
                  title: t('supervision.inspections.draftDiscard'),
                  onOk: () => update((d) => ({ ...d, answers: {} })),
                })
              }
            >
              {t('supervision.inspections.draftDiscard')}
            </Button>
          }
        />
      )}

      {(conducting || i.status !== 'planned') && total > 0 && (
        <Card
          size="small"
          style={{ marginBottom: 12 }}
          title={
            <Space wrap>
              {t('supervision.inspections.checklist')}
              <Progress
                percent={Math.round((answered / Math.max(1, total)) * 100)}
                size="small"
                style={{ width: 100, margin: 0 }}
              />
              <span data-testid="checklist-progress">
                {t('supervision.inspections.progress', { done: answered, total })}
              </span>
            </Space>
          }
          extra={
            conducting && (
              <Segmented
                size="small"
                value={mode}
                onChange={(v) => setMode(v as 'one' | 'grouped')}
                options={[
                  { value: 'grouped', label: t('supervision.inspections.grouped') },
                  { value: 'one', label: t('supervision.inspections.oneByOne') },
                ]}
                data-testid="checklist-mode"
              />
            )
          }
        >
          {!i.canConduct && i.status === 'in_progress' && (
            <Alert type="info" showIcon title={t('supervision.inspections.readOnly')} style={{ marginBottom: 8 }} />
          )}
          {mode === 'one' && conducting && current ? (
            <>
              <Typography.Text type="secondary">
                {current.group.title}（{current.group.departmentName ?? ''}）
              </Typography.Text>
              <ChecklistItemCard
                item={current.item}
                index={cursor}
                draft={draft.answers[answerKey(current.group.templateId, current.item.key)]}
                editable
                onChange={(a) => setAnswer(current.group.templateId, current.item.key, a)}
              />
              <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                <Button disabled={cursor === 0} onClick={() => setCursor((c) => c - 1)}>
                  {t('supervision.inspections.prev')}
                </Button>
                <span>
                  {cursor + 1} / {total}
                </span>
                <Button disabled={cursor >= total - 1} onClick={() => setCursor((c) => c + 1)} data-testid="item-next">
                  {t('supervision.inspections.next')}
                </Button>
              </Space>
            </>
          ) : (
            i.checklist.map((g) => (
              <div key={g.templateId} data-testid={`group-${g.code}`} style={{ marginBottom: 12 }}>
                <Space wrap style={{ margin: '4px 0 8px' }}>
                  <Typography.Text strong>
                    {g.title} v{g.version}
                  </Typography.Text>
                  {g.departmentName && <Tag>{g.departmentName}</Tag>}
                  {conducting && (
                    <Button size="small" onClick={() => markRest(g.templateId)} data-testid={`group-${g.code}-rest`}>
                      {t('supervision.inspections.markRestCompliant')}
                    </Button>
                  )}
                </Space>
                {g.items.map((item, n) => (
                  <ChecklistItemCard
                    key={item.key}
                    item={item}
                    index={n}
                    draft={draft.answers[answerKey(g.templateId, item.key)]}
                    editable={conducting}
                    onChange={(a) => setAnswer(g.templateId, item.key, a)}
                  />
                ))}
              </div>
            ))
          )}
        </Card>
      )}

      {i.status !== 'planned' && i.status !== 'cancelled' && <QuizPanel inspection={i} onChanged={onChanged} />}
      {i.status !== 'planned' && i.status !== 'cancelled' && <DecisionPanel inspection={i} onChanged={onChanged} />}

      {conducting && (
        <Card size="small" title={t('supervision.inspections.signatures')} style={{ marginBottom: 12 }}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Input
              addonBefore={t('supervision.inspections.signatureRole.inspector')}
              placeholder={me.data?.user.displayName ?? t('supervision.inspections.signInspector')}
              value={draft.inspectorSigner}
              onChange={(e) => update((d) => ({ ...d, inspectorSigner: e.target.value }))}
              maxLength={50}
              data-testid="sign-inspector"
            />
            <Input
              addonBefore={t('supervision.inspections.signatureRole.enterprise')}
              placeholder={t('supervision.inspections.signEnterprise')}
              value={draft.enterpriseSigner}
              onChange={(e) => update((d) => ({ ...d, enterpriseSigner: e.target.value }))}
              maxLength={50}
              data-testid="sign-enterprise"
            />
            <Input.TextArea
              rows={2}
              placeholder={t('supervision.inspections.summary')}
              value={draft.summary}
              onChange={(e) => update((d) => ({ ...d, summary: e.target.value }))}
              data-testid="insp-summary"
            />
            <Button
              type="primary"
              block
              size="large"
              disabled={!draft.enterpriseSigner.trim()}
              loading={act.isPending || saving.isPending}
              onClick={() => void complete()}
              data-testid="insp-complete"
            >
              {t('supervision.inspections.complete')}
            </Button>
          </Space>
        </Card>
      )}

      {i.signatures.length > 0 && (
        <Card size="small" title={t('supervision.inspections.signatures')} style={{ marginBottom: 12 }}>
          {i.signatures.map((s) => (
            <div key={`${s.role}-${s.name}`}>
              {t(`supervision.inspections.signatureRole.${s.role}`)}：{s.name} · {formatDateTime(s.at)}
            </div>
          ))}
          {i.summary && <Typography.Paragraph style={{ marginTop: 8 }}>{i.summary}</Typography.Paragraph>}
        </Card>
      )}

      {i.hazards.length > 0 && (
        <Card
          size="small"
          title={t('supervision.inspections.hazards')}
          style={{ marginBottom: 12 }}
          data-testid="insp-hazards"
        >
          <List
            size="small"
            dataSource={i.hazards}
            renderItem={(h) => (
              <List.Item>
                <Link to={`/hazards/${h.id}`} data-testid="insp-hazard-link">
                  {h.code}
                </Link>
                <Space>
                  {h.level === 'major' && <Tag color="red">{t('supervision.templates.level.major')}</Tag>}
                  {h.deadline && <span>{h.deadline}</span>}
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}

      {(i.status === 'completed' || i.status === 'documents_issued') && (
        <Card
          size="small"
          title={t('supervision.inspections.documents')}
          style={{ marginBottom: 12 }}
          data-testid="insp-documents"
        >
          <Space orientation="vertical">
            <a
              href={documentUrl(i.id, 'site_record')}
              onClick={() => setTimeout(onChanged, 1500)}
              data-testid="doc-site-record"
            >
              <FileWordOutlined /> {t('supervision.inspections.siteRecord')}
              {hasSite && ` ${i.documents.find((d) => d.kind === 'site_record')?.number ?? ''}`}
            </a>
            {i.hazards.length > 0 && (
              <a href={documentUrl(i.id, 'rectification_order')} data-testid="doc-rectification-order">
                <FileWordOutlined /> {t('supervision.inspections.rectificationOrder')}
                {` ${i.documents.find((d) => d.kind === 'rectification_order')?.number ?? ''}`}
              </a>
            )}
          </Space>
        </Card>
      )}

      {i.visits.length > 0 && (
        <Card size="small" title={t('supervision.inspections.visits')} style={{ marginBottom: 12 }}>
          {i.visits.map((v) => (
            <div key={`${v.userId}-${v.arrivedAt}`}>
              {t('supervision.inspections.visitRow', {
                name: v.name,
                from: formatDateTime(v.arrivedAt),
                to: v.leftAt ? formatDateTime(v.leftAt) : t('supervision.inspections.stillThere'),
                minutes: v.minutes ?? '—',
              })}
            </div>
          ))}
        </Card>
      )}
      {total === 0 && i.status !== 'planned' && <Empty description={t('common.noData')} />}

      {conducting && (
        <div
          style={{
            position: 'fixed',
            left: 0,
            right: 0,
            bottom: 0,
            padding: '8px 12px',
            background: '#fff',
            borderTop: '1px solid #f0f0f0',
            zIndex: 20,
            display: 'flex',
            gap: 8,
            alignItems: 'center',
          }}
        >
          <span style={{ flex: 1 }}>{t('supervision.inspections.progress', { done: answered, total })}</span>
          <Button
            type="primary"
            icon={<CloudUploadOutlined />}
            disabled={pending === 0}
            loading={saving.isPending}
            onClick={() => saving.mutate()}
            data-testid="answers-submit"
          >
            {t('supervision.inspections.saveAnswers')}
          </Button>
        </div>
      )}
    </div>
  );
}
