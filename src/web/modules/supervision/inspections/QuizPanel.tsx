import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Form, Input, List, Radio, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import {
  AT_SITE,
  type InspectionDetail,
  inspectionApi,
  type PersonRole,
  type QuizGiven,
  type QuizQuestion,
  type QuizResult,
} from './api';

interface OpenQuiz {
  id: string;
  personName: string;
  passMark: number;
  questions: QuizQuestion[];
}
const ROLES: readonly PersonRole[] = ['principal', 'safety_manager', 'staff'];
// The API hands the questions out once (when drawn); they are kept on the device until scored.
const storeKey = (inspectionId: string) => `fx.inspection-quiz.${inspectionId}`;
function loadOpen(inspectionId: string): OpenQuiz | null {
  try {
    const raw = localStorage.getItem(storeKey(inspectionId));
    return raw ? (JSON.parse(raw) as OpenQuiz) : null;
  } catch {
    return null;
  }
}
function saveOpen(inspectionId: string, q: OpenQuiz | null) {
  try {
    if (q) localStorage.setItem(storeKey(inspectionId), JSON.stringify(q));
    else localStorage.removeItem(storeKey(inspectionId));
  } catch {
    // storage unavailable: the quiz lives in memory
  }
}

function showAnswer(a: QuizGiven | null, t: ReturnType<typeof useT>): string {
  if (a === null) return '—';
  if (typeof a === 'boolean') return a ? t('supervision.inspections.quizTrue') : t('supervision.inspections.quizFalse');
  return Array.isArray(a) ? a.join('') : a;
}

/** 逢查必考: draw questions for the person met, take the answers on the phone, score against the pass mark. */
export function QuizPanel({ inspection, onChanged }: { inspection: InspectionDetail; onChanged: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [open, setOpen] = useState<OpenQuiz | null>(() => loadOpen(inspection.id));
  const [given, setGiven] = useState<Record<string, QuizGiven>>({});
  const [result, setResult] = useState<QuizResult | null>(null);
  const [form] = Form.useForm<{ personName: string; personRole: PersonRole }>();
  const editable = inspection.canConduct && inspection.status === 'in_progress';

  const start = useMutation({
    ...AT_SITE,
    mutationFn: (v: { personName: string; personRole: PersonRole }) => inspectionApi.startQuiz(inspection.id, v),
    onSuccess: (r, v) => {
      const q = { id: r.id, personName: v.personName, passMark: r.passMark, questions: r.questions };
      saveOpen(inspection.id, q);
      setOpen(q);
      setGiven({});
      setResult(null);
      form.resetFields();
      onChanged();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const submit = useMutation({
    ...AT_SITE,
    mutationFn: (q: OpenQuiz) => inspectionApi.submitQuiz(q.id, given),
    onSuccess: (r) => {
      saveOpen(inspection.id, null);
      setOpen(null);
      setResult(r);
      onChanged();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const unanswered = open ? open.questions.filter((q) => given[q.id] === undefined).length : 0;

  return (
    <Card size="small" title={t('supervision.inspections.quiz')} data-testid="quiz-panel" style={{ marginBottom: 12 }}>
      <List
        size="small"
        dataSource={inspection.quizzes}
        locale={{ emptyText: ' ' }}
        renderItem={(q) => (
          <List.Item>
            <Space wrap>
              <span>
                {q.personName}（{t(`supervision.inspections.quizRole.${q.personRole}`)}）
              </span>
              {q.status === 'scored' ? (
                <>
                  <span>{t('supervision.inspections.quizScore', { score: q.score ?? 0, pass: q.passMark })}</span>
                  <Tag color={q.passed ? 'green' : 'red'}>
                    {q.passed ? t('supervision.inspections.quizPassed') : t('supervision.inspections.quizFailed')}
                  </Tag>
                  {q.hazardId && <Link to={`/hazards/${q.hazardId}`}>{t('supervision.inspections.hazards')}</Link>}
                </>
              ) : (
                <Tag>{t('supervision.inspections.quizOpen')}</Tag>
              )}
            </Space>
          </List.Item>
        )}
      />
      {result && (
        <Alert
          style={{ margin: '8px 0' }}
          type={result.passed ? 'success' : 'warning'}
          showIcon
          data-testid="quiz-result"
          title={`${t('supervision.inspections.quizScore', { score: result.score, pass: result.passMark })} · ${
            result.passed ? t('supervision.inspections.quizPassed') : t('supervision.inspections.quizFailed')
          }`}
          description={
            <ol style={{ paddingLeft: 18, margin: 0 }}>
              {result.items
                .filter((i) => !i.correct)
                .map((i) => (
                  <li key={i.questionId}>
                    {i.stem} — {t('supervision.inspections.quizAnswer', { answer: showAnswer(i.answer, t) })}（{i.basis}
                    ）
                  </li>
                ))}
            </ol>
          }
        />
      )}
      {editable && open && (
        <div data-testid="quiz-questions">
          <Typography.Text strong>{open.personName}</Typography.Text>
          {open.questions.map((q, n) => (
            <div key={q.id} style={{ margin: '12px 0' }} data-testid={`quiz-q-${n}`}>
              <Typography.Paragraph style={{ marginBottom: 4 }}>
                {n + 1}. {q.stem}
              </Typography.Paragraph>
              {q.type === 'true_false' && (
                <Radio.Group
                  value={given[q.id]}
                  onChange={(e) => setGiven((g) => ({ ...g, [q.id]: e.target.value as boolean }))}
                >
                  <Radio value={true}>{t('supervision.inspections.quizTrue')}</Radio>
                  <Radio value={false}>{t('supervision.inspections.quizFalse')}</Radio>
                </Radio.Group>
              )}
              {q.type === 'single' && (
                <Radio.Group
                  value={given[q.id]}
                  onChange={(e) => setGiven((g) => ({ ...g, [q.id]: e.target.value as string }))}
                >
                  <Space orientation="vertical">
                    {q.options?.map((o) => (
                      <Radio key={o.key} value={o.key}>
                        {o.key}. {o.text}
                      </Radio>
                    ))}
                  </Space>
                </Radio.Group>
              )}
              {q.type === 'multiple' && (
                <Checkbox.Group
                  value={Array.isArray(given[q.id]) ? (given[q.id] as string[]) : []}
                  onChange={(v) => setGiven((g) => ({ ...g, [q.id]: [...v].sort() }))}
                >
                  <Space orientation="vertical">
                    {q.options?.map((o) => (
                      <Checkbox key={o.key} value={o.key}>
                        {o.key}. {o.text}
                      </Checkbox>
                    ))}
                  </Space>
                </Checkbox.Group>
              )}
            </div>
          ))}
          {unanswered > 0 && (
            <Typography.Paragraph type="warning">
              {t('supervision.inspections.quizUnanswered', { n: unanswered })}
            </Typography.Paragraph>
          )}
          <Button
            type="primary"
            block
            loading={submit.isPending}
            onClick={() => submit.mutate(open)}
            data-testid="quiz-submit"
          >
            {t('supervision.inspections.quizSubmit')}
          </Button>
        </div>
      )}
      {editable && !open && (
        <Form form={form} layout="vertical" onFinish={(v) => start.mutate(v)} style={{ marginTop: 8 }}>
          <Form.Item
            name="personName"
            label={t('supervision.inspections.quizPerson')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input maxLength={50} data-testid="quiz-person" />
          </Form.Item>
          <Form.Item name="personRole" label={t('supervision.inspections.quizRoleLabel')} initialValue="principal">
            <Select options={ROLES.map((r) => ({ value: r, label: t(`supervision.inspections.quizRole.${r}`) }))} />
          </Form.Item>
          <Button htmlType="submit" block loading={start.isPending} data-testid="quiz-start">
            {t('supervision.inspections.quizStart')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
