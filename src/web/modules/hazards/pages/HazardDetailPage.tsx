import { ArrowLeftOutlined, EditOutlined, FileWordOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Descriptions, Empty, Row, Space, Spin, Tag } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { HazardAction } from '../../../../core/hazards/workflow';
import { translateDynamic, useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { useDownload, useIsPhone } from '../../../shared/hooks';
import { useCan, useMe } from '../../auth/api';
import { useSectors } from '../../org/api';
import { HAZARD_KEYS, hazardApi } from '../api';
import { ActionModal, actionLabel } from '../components/ActionModal';
import { HazardEditModal } from '../components/HazardEditModal';
import { Thumbs } from '../components/Photos';
import { StartCampaignModal } from '../components/StartCampaignModal';
import { DeadlineTag, HazardStatusTag, LevelTag } from '../components/Tags';
import { HazardTimeline } from '../components/Timeline';

const PRIMARY: readonly HazardAction[] = ['confirm', 'submit', 'verify', 'close'];
const DANGER: readonly HazardAction[] = ['reject', 'return'];
const DOCUMENT_ISSUERS = ['county_admin', 'dept_officer', 'town_officer'];

export default function HazardDetailPage() {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const docs = useDownload();
  const { id = '' } = useParams();
  const me = useMe();
  const sectors = useSectors();
  const [action, setAction] = useState<HazardAction | null>(null);
  const [campaignOpen, setCampaignOpen] = useState(false);
  const [editOpen, setEditOpen] = useState(false);
  const can = useCan();
  const detail = useQuery({ queryKey: HAZARD_KEYS.detail(id), queryFn: () => hazardApi.get(id) });

  if (detail.error) {
    return (
      <Alert
        type="error"
        showIcon
        title={errorMessage(detail.error)}
        action={<Button onClick={() => navigate('/hazards')}>{t('common.back')}</Button>}
      />
    );
  }
  if (!detail.data) {
    return (
      <div className="fx-center">
        <Spin />
      </div>
    );
  }
  const h = detail.data;
  const sectorName = (code: string) => {
    const s = sectors.data?.find((x) => x.code === code);
    return s ? (lang === 'en' ? s.name_en : s.name_zh) : code;
  };
  const role = me.data?.user.role;
  const mayIssue = role !== undefined && DOCUMENT_ISSUERS.includes(role) && h.path === 'supervised';
  const doc = async (kind: 'rectification-order' | 'review-opinion') => {
    // Issuing the document records its number on the hazard: show it.
    if (await docs.start(`/api/hazards/${h.id}/${kind}.docx`, undefined, `${h.code}.docx`)) await detail.refetch();
  };
  const activeListing = h.listings.find((l) => l.status === 'active');
  const actions = (
    <Space wrap data-testid="hazard-actions">
      {h.allowedActions.map((a) => (
        <Button
          key={a}
          type={PRIMARY.includes(a) ? 'primary' : 'default'}
          danger={DANGER.includes(a)}
          onClick={() => setAction(a)}
          data-testid={`action-${a}`}
          block={phone}
        >
          {t(actionLabel(a, h.level))}
        </Button>
      ))}
      {h.allowedActions.length === 0 && <span style={{ color: '#888' }}>{t('hazards.detail.noActions')}</span>}
      {h.editable && (
        <Button icon={<EditOutlined />} onClick={() => setEditOpen(true)} data-testid="hazard-edit" block={phone}>
          {t('hazards.edit.button')}
        </Button>
      )}
      {can('campaign.start') && h.status !== 'rejected' && (
        <Button onClick={() => setCampaignOpen(true)} data-testid="campaign-start">
          {t('hazards.campaigns.start')}
        </Button>
      )}
    </Space>
  );

  return (
    <>
      <div className="fx-toolbar">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('common.back')} />
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }} data-testid="hazard-code">
          {h.code}
        </h1>
        <Space size={[0, 4]} wrap>
          <HazardStatusTag status={h.status} />
          <LevelTag level={h.level} />
          <DeadlineTag status={h.status} daysLeft={h.daysLeft} overdue={h.overdue} />
          {h.everOverdue && !h.overdue && <Tag color="volcano">{t('hazards.tags.everOverdue')}</Tag>}
          {h.extension.pending && <Tag color="gold">{t('hazards.tags.extensionPending')}</Tag>}
          {activeListing && (
            <Tag color="red" data-testid="tag-listed">
              {t('hazards.tags.listed')} {activeListing.code}
            </Tag>
          )}
          {activeListing?.card && (
            <Tag color={activeListing.card.color === 'red' ? 'red' : 'gold'}>
              {t(activeListing.card.color === 'red' ? 'hazards.tags.redCard' : 'hazards.tags.yellowCard')}
            </Tag>
          )}
        </Space>
      </div>
      <Card size="small" title={t('hazards.detail.actions')} style={{ marginBottom: 12 }}>
        {actions}
        {mayIssue && (
          <Space wrap style={{ marginTop: 8, display: 'flex' }}>
            {h.status !== 'reported' && h.status !== 'rejected' && (
              <Button icon={<FileWordOutlined />} onClick={() => void doc('rectification-order')}>
                {t('hazards.detail.rectificationOrder')}
              </Button>
            )}
            {(h.status === 'verified' || h.status === 'closed' || h.history.some((e) => e.action === 'return')) && (
              <Button icon={<FileWordOutlined />} onClick={() => void doc('review-opinion')}>
                {t('hazards.detail.reviewOpinion')}
              </Button>
            )}
          </Space>
        )}
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('hazards.detail.basic')} style={{ marginBottom: 12 }}>
            <Descriptions column={phone ? 1 : 2} size="small" bordered={!phone}>
              <Descriptions.Item label={t('hazards.fields.enterprise')} span={phone ? 1 : 2}>
                <Link to={`/enterprises/${h.enterprise.id}`}>{h.enterprise.name}</Link>
                {h.enterprise.township ? ` · ${h.enterprise.township.name}` : ''}
              </Descriptions.Item>
              <Descriptions.Item label={t('hazards.fields.place')}>{h.place}</Descriptions.Item>
              <Descriptions.Item label={t('hazards.fields.category')}>
                {t(`hazards.category.${h.category}`)}
              </Descriptions.Item>
              <Descriptions.Item label={t('hazards.fields.sector')}>{sectorName(h.sector)}</Descriptions.Item>
              <Descriptions.Item label={t('hazards.fields.source')}>
                {t(`hazards.source.${h.source}`)}
              </Descriptions.Item>
              <Descriptions.Item label={t('hazards.fields.finder')}>{h.finderName}</Descriptions.Item>
              <Descriptions.Item label={t('hazards.fields.foundAt')}>{formatDateTime(h.foundAt)}</Descriptions.Item>
              <Descriptions.Item label={t('hazards.fields.description')} span={phone ? 1 : 2}>
                <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="hazard-description">
                  {h.description}
                </div>
              </Descriptions.Item>
              {h.level === 'major' && (
                <Descriptions.Item label={t('hazards.fields.catalogItem')} span={phone ? 1 : 2}>
                  {h.catalogItem
                    ? `${h.catalogItem.code} ${lang === 'en' ? h.catalogItem.text_en : h.catalogItem.text_zh}（${h.catalogItem.basis}）`
                    : (h.majorBasis ?? '')}
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('hazards.fields.deadline')}>{h.deadline ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('hazards.fields.responsiblePerson')}>
                {h.rectification.responsiblePerson || '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('hazards.fields.measures')} span={phone ? 1 : 2}>
                <div style={{ whiteSpace: 'pre-wrap' }}>{h.rectification.measures || '—'}</div>
              </Descriptions.Item>
              <Descriptions.Item label={t('hazards.fields.funds')} span={phone ? 1 : 2}>
                {h.rectification.funds || '—'}
              </Descriptions.Item>
              {h.extension.pending && (
                <Descriptions.Item label={t('hazards.fields.extension')} span={phone ? 1 : 2}>
                  {h.extension.requestedDeadline} · {h.extension.reason}
                </Descriptions.Item>
              )}
              {h.rejectedReason && (
                <Descriptions.Item label={t('hazards.fields.rejectedReason')} span={phone ? 1 : 2}>
                  {h.rejectedReason}
                </Descriptions.Item>
              )}
              {h.submission.at && (
                <Descriptions.Item label={t('hazards.fields.submission')} span={phone ? 1 : 2}>
                  {formatDateTime(h.submission.at)} · {h.submission.note ?? ''}
                </Descriptions.Item>
              )}
              {h.verification.at && (
                <Descriptions.Item label={t('hazards.fields.verifier')} span={phone ? 1 : 2}>
                  {h.verification.verifierName} · {formatDateTime(h.verification.at)}
                  {h.verification.opinion ? ` · ${h.verification.opinion}` : ''}
                </Descriptions.Item>
              )}
              {h.closedAt && (
                <Descriptions.Item label={t('hazards.fields.closedAt')} span={phone ? 1 : 2}>
                  {formatDateTime(h.closedAt)} · {h.closedByName ?? ''}
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>
          {h.plan && (
            <Card size="small" title={t('hazards.fields.plan')} style={{ marginBottom: 12 }} data-testid="hazard-plan">
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('hazards.fields.planOwner')}>{h.plan.owner}</Descriptions.Item>
                <Descriptions.Item label={t('hazards.fields.planMeasures')}>{h.plan.measures}</Descriptions.Item>
                <Descriptions.Item label={t('hazards.fields.planFunds')}>{h.plan.funds}</Descriptions.Item>
                <Descriptions.Item label={t('hazards.fields.planDeadline')}>{h.plan.deadline}</Descriptions.Item>
                <Descriptions.Item label={t('hazards.fields.planContingency')}>{h.plan.contingency}</Descriptions.Item>
                <Descriptions.Item label={t('hazards.detail.interim')}>{h.interimMeasures}</Descriptions.Item>
              </Descriptions>
            </Card>
          )}
          <Card size="small" style={{ marginBottom: 12 }}>
            <Row gutter={12}>
              <Col xs={24} md={12}>
                <h4>{t('hazards.detail.photosBefore')}</h4>
                <Thumbs files={h.photos} testId="photos-before" />
              </Col>
              <Col xs={24} md={12}>
                <h4>{t('hazards.detail.photosAfter')}</h4>
                <Thumbs files={h.evidence} testId="photos-after" />
              </Col>
            </Row>
            {h.documents.length > 0 && (
              <>
                <h4>{t('hazards.fields.documents')}</h4>
                <Thumbs files={h.documents} />
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('hazards.detail.timeline')} style={{ marginBottom: 12 }}>
            <HazardTimeline events={h.history} />
          </Card>
          {(h.listings.length > 0 || h.escalations.length > 0 || h.issuedDocuments.length > 0) && (
            <Card size="small" title={t('hazards.detail.escalations')}>
              {h.escalations.length === 0 && h.listings.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
              {h.escalations.map((e) => (
                <div key={e.key}>
                  <Tag color="volcano">{translateDynamic(`hazards.detail.step.${e.step}`) ?? e.step}</Tag>{' '}
                  {formatDateTime(e.at)}
                </div>
              ))}
              {h.listings.map((l) => (
                <div key={l.id} style={{ marginTop: 4 }}>
                  <Tag color={l.status === 'active' ? 'red' : 'default'}>
                    {t('hazards.tags.listed')} {l.code}
                  </Tag>
                  {formatDateTime(l.listedAt)} ·{' '}
                  {t(l.status === 'active' ? 'hazards.board.active' : 'hazards.board.lifted')}
                </div>
              ))}
              {h.issuedDocuments.map((d) => (
                <div key={d.id} style={{ marginTop: 4 }}>
                  <Tag>{d.number}</Tag>
                  {d.issuerUnit} · {formatDateTime(d.at)}
                </div>
              ))}
            </Card>
          )}
        </Col>
      </Row>
      <ActionModal target={h} action={action} onClose={() => setAction(null)} />
      <HazardEditModal hazard={h} open={editOpen} onClose={() => setEditOpen(false)} />
      <StartCampaignModal hazard={h} open={campaignOpen} onClose={() => setCampaignOpen(false)} />
    </>
  );
}
