import { CameraOutlined, CheckCircleFilled, CloseCircleFilled, MinusCircleFilled } from '@ant-design/icons';
import { Alert, Card, Input, Radio, Space, Spin, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { type AnswerResult, type ChecklistItem, inspectionApi, RESULTS } from './api';
import { type DraftAnswer, missingEvidence } from './draft';

const ICON: Record<AnswerResult, React.ReactNode> = {
  compliant: <CheckCircleFilled style={{ color: '#389e0d' }} />,
  not_compliant: <CloseCircleFilled style={{ color: '#cf1322' }} />,
  not_applicable: <MinusCircleFilled style={{ color: '#8c8c8c' }} />,
};

/**
 * One checklist item at the site: three big buttons (符合 / 不符合 / 不适用); 不符合 opens the note, the camera
 * (`capture="environment"`, uploaded at once through POST /api/files), the place and the deadline. The server's
 * answer (with its hazard) is shown under the item once accepted; a local draft answer overrides it on screen.
 */
export function ChecklistItemCard({
  item,
  index,
  draft,
  editable,
  onChange,
}: {
  item: ChecklistItem;
  index: number;
  draft: DraftAnswer | undefined;
  editable: boolean;
  onChange: (a: DraftAnswer) => void;
}) {
  const t = useT();
  const fileRef = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const saved = item.answer;
  const current: DraftAnswer | undefined =
    draft ??
    (saved
      ? { result: saved.result, note: saved.note ?? '', photoFileIds: saved.photoFileIds, place: '', deadline: '' }
      : undefined);
  const set = (patch: Partial<DraftAnswer>) =>
    onChange({ result: 'compliant', note: '', photoFileIds: [], place: '', deadline: '', ...current, ...patch });

  const onFiles = async (files: FileList | null) => {
    if (!files?.length) return;
    setUploading(true);
    setUploadError(null);
    const ids = [...(current?.photoFileIds ?? [])];
    try {
      for (const f of Array.from(files)) ids.push((await inspectionApi.upload(f)).id);
    } catch (err) {
      setUploadError(errorMessage(err));
    } finally {
      setUploading(false);
      set({ photoFileIds: ids });
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  return (
    <Card
      size="small"
      data-testid={`item-${item.key}`}
      style={{ marginBottom: 8, borderColor: draft ? '#faad14' : undefined }}
      title={
        <Space size={4} wrap style={{ whiteSpace: 'normal' }}>
          <span>{index + 1}.</span>
          {item.level === 'major' && <Tag color="red">{t('supervision.inspections.majorItem')}</Tag>}
          {current && ICON[current.result]}
        </Space>
      }
    >
      <Typography.Paragraph style={{ marginBottom: 4 }}>{item.text}</Typography.Paragraph>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {t('supervision.inspections.basis')}：{item.basis}
        {item.catalogItemCode ? `（${item.catalogItemCode}）` : ''}
      </Typography.Paragraph>
      {editable ? (
        <Radio.Group
          value={current?.result}
          onChange={(e) => set({ result: e.target.value as AnswerResult })}
          optionType="button"
          buttonStyle="solid"
          style={{ display: 'flex', width: '100%' }}
          data-testid={`item-${item.key}-result`}
        >
          {RESULTS.map((r) => (
            <Radio.Button
              key={r}
              value={r}
              style={{ flex: 1, textAlign: 'center', height: 44, lineHeight: '42px', padding: 0 }}
              data-testid={`item-${item.key}-${r}`}
            >
              {t(`supervision.inspections.result.${r}`)}
            </Radio.Button>
          ))}
        </Radio.Group>
      ) : (
        current && <Tag>{t(`supervision.inspections.result.${current.result}`)}</Tag>
      )}
      {editable && current?.result === 'not_compliant' && (
        <Space orientation="vertical" style={{ width: '100%', marginTop: 8 }}>
          <Input.TextArea
            rows={2}
            value={current.note}
            placeholder={t('supervision.inspections.notePlaceholder')}
            onChange={(e) => set({ note: e.target.value })}
            data-testid={`item-${item.key}-note`}
          />
          <Space wrap>
            <label className="ant-btn ant-btn-default" style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
              <CameraOutlined />
              {t('supervision.inspections.photo')}
              {current.photoFileIds.length > 0 && ` (${current.photoFileIds.length})`}
              <input
                ref={fileRef}
                type="file"
                accept="image/*"
                capture="environment"
                multiple
                style={{ display: 'none' }}
                onChange={(e) => void onFiles(e.target.files)}
                data-testid={`item-${item.key}-photo`}
              />
            </label>
            {uploading && (
              <span>
                <Spin size="small" /> {t('supervision.inspections.photoUploading')}
              </span>
            )}
          </Space>
          {uploadError && (
            <Alert type="error" showIcon title={t('supervision.inspections.photoFailed', { reason: uploadError })} />
          )}
          <Input
            value={current.place}
            placeholder={t('supervision.inspections.place')}
            onChange={(e) => set({ place: e.target.value })}
            data-testid={`item-${item.key}-place`}
          />
          <Space>
            <span>{t('supervision.inspections.deadline')}</span>
            <input
              type="date"
              value={current.deadline}
              onChange={(e) => set({ deadline: e.target.value })}
              style={{ height: 32 }}
              data-testid={`item-${item.key}-deadline`}
            />
          </Space>
          {missingEvidence(current) && (
            <Typography.Text type="danger">{t('supervision.inspections.needsPhotoOrNote')}</Typography.Text>
          )}
        </Space>
      )}
      {saved && !draft && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
          {saved.note && <span>{saved.note} · </span>}
          {t('supervision.inspections.answeredBy', { name: saved.answeredBy, at: formatDateTime(saved.answeredAt) })}
          {saved.hazardId && (
            <>
              {' · '}
              <Link to={`/hazards/${saved.hazardId}`} data-testid={`item-${item.key}-hazard`}>
                {t('supervision.inspections.hazardLink', { code: saved.hazardCode ?? '' })}
              </Link>
            </>
          )}
        </Typography.Paragraph>
      )}
    </Card>
  );
}
