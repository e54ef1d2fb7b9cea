import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Radio, Row, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import {
  finderSideForRole,
  type HazardLevel,
  type HazardSource,
  SOURCES_BY_FINDER_SIDE,
} from '../../../../core/hazards/workflow';
import { useLang, useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { useIsPhone } from '../../../shared/hooks';
import { useMe } from '../../auth/api';
import { HAZARD_CATEGORIES, HAZARD_KEYS, type HazardCategory, hazardApi } from '../api';
import { EnterprisePicker } from '../components/EnterprisePicker';
import { PhotoUpload } from '../components/Photos';

interface Values {
  enterpriseId?: string;
  place: string;
  category: HazardCategory;
  level: HazardLevel;
  catalogItemCode?: string;
  majorBasis?: string;
  description: string;
  source: HazardSource;
  finderName?: string;
  photoFileIds?: string[];
  measures?: string;
  responsiblePerson?: string;
  funds?: string;
  deadline?: Dayjs;
}

const KNOWN = ['enterpriseId', 'place', 'category', 'level', 'catalogItemCode', 'majorBasis', 'description', 'source'];

/** Records a hazard found on site (a phone at the mine gate is the first user): photos first, then the form. */
export default function HazardNewPage() {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const me = useMe();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const own = me.data?.user.enterprise ?? null;
  const [sector, setSector] = useState<string | undefined>(undefined);
  const level = Form.useWatch('level', form) ?? 'general';
  const catalogItemCode = Form.useWatch('catalogItemCode', form);
  const catalog = useQuery({
    queryKey: HAZARD_KEYS.catalog(sector),
    queryFn: () => hazardApi.catalog(sector),
    staleTime: 5 * 60_000,
  });
  const role = me.data?.user.role;
  const side = role ? finderSideForRole(role) : null;
  // A finding of a 举一反三 self-check arrives with its task (from the campaign page) and has source `campaign`.
  const campaignTaskId = params.get('campaignTaskId') ?? undefined;
  const sources = side
    ? SOURCES_BY_FINDER_SIDE[side].filter((s) => (campaignTaskId ? s === 'campaign' : s !== 'campaign'))
    : [];
  // Township and village staff find hazards on patrol; departments and the county on inspections.
  const defaultSource: HazardSource | undefined =
    !campaignTaskId && (role === 'town_officer' || role === 'village_worker') ? 'patrol' : sources[0];

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const major = v.level === 'major' || Boolean(v.catalogItemCode);
      const rectification =
        major && !v.deadline
          ? undefined
          : {
              measures: v.measures ?? '',
              responsiblePerson: v.responsiblePerson ?? '',
              funds: v.funds ?? '',
              deadline: v.deadline?.format('YYYY-MM-DD'),
            };
      const created = await hazardApi.create({
        ...(own ? {} : { enterpriseId: v.enterpriseId }),
        place: v.place,
        category: v.category,
        level: major ? 'major' : 'general',
        ...(v.catalogItemCode ? { catalogItemCode: v.catalogItemCode } : {}),
        ...(major && v.majorBasis ? { majorBasis: v.majorBasis } : {}),
        description: v.description,
        source: v.source,
        ...(v.finderName ? { finderName: v.finderName } : {}),
        photoFileIds: v.photoFileIds ?? [],
        ...(rectification ? { rectification } : {}),
        ...(campaignTaskId ? { campaignTaskId } : {}),
      });
      await qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
      message.success(t('hazards.form.created', { code: created.code }));
      navigate(`/hazards/${created.id}`, { replace: true });
    } catch (err) {
      if (isApiError(err) && err.fields.length) {
        const rest = applyFieldErrors(
          form,
          serverFieldErrors(err.fields).map((f) =>
            f.path[0] === 'rectification' && typeof f.path[1] === 'string' ? { ...f, path: [f.path[1]] } : f,
          ),
          [...KNOWN, 'measures', 'responsiblePerson', 'funds', 'deadline'],
        );
        setError(rest.length ? rest.map((f) => f.text).join('；') : errorMessage(err));
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const isMajor = level === 'major' || Boolean(catalogItemCode);
  const required = [{ required: true, message: t('fieldErrors.required') }];
  const half = phone ? 24 : 12;

  return (
    <>
      <div className="fx-toolbar">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('common.back')} />
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('hazards.form.newTitle')}
        </h1>
      </div>
      <Card size="small">
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={(v) => void submit(v)}
          initialValues={{
            level: 'general',
            category: 'equipment',
            source: defaultSource,
            enterpriseId: params.get('enterpriseId') ?? undefined,
          }}
        >
          <Form.Item label={t('hazards.fields.photos')} name="photoFileIds">
            <PhotoUpload testId="new-photos" />
          </Form.Item>
          <Row gutter={12}>
            {!own && (
              <Col xs={24} md={half}>
                <Form.Item name="enterpriseId" label={t('hazards.fields.enterprise')} rules={required}>
                  <EnterprisePicker testId="new-enterprise" onPicked={(e) => setSector(e?.primary_sector)} />
                </Form.Item>
              </Col>
            )}
            <Col xs={24} md={half}>
              <Form.Item name="place" label={t('hazards.fields.place')} rules={required}>
                <Input maxLength={200} data-testid="new-place" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="category" label={t('hazards.fields.category')} rules={required}>
                <Select options={HAZARD_CATEGORIES.map((c) => ({ value: c, label: t(`hazards.category.${c}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="source" label={t('hazards.fields.source')} rules={required}>
                <Select
                  options={sources.map((s) => ({ value: s, label: t(`hazards.source.${s}`) }))}
                  data-testid="new-source"
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={half}>
              <Form.Item name="level" label={t('hazards.fields.level')} rules={required}>
                <Radio.Group
                  optionType="button"
                  buttonStyle="solid"
                  options={[
                    {
                      value: 'general',
                      label: <span data-testid="new-level-general">{t('hazards.level.general')}</span>,
                    },
                    { value: 'major', label: <span data-testid="new-level-major">{t('hazards.level.major')}</span> },
                  ]}
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="catalogItemCode" label={t('hazards.fields.catalogItem')}>
            <Select<string>
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('hazards.form.catalogPlaceholder')}
              loading={catalog.isFetching}
              options={(catalog.data?.items ?? []).map((i) => ({
                value: i.code,
                label: `${i.code} ${lang === 'en' ? i.textEn : i.textZh}`,
              }))}
              data-testid="new-catalog"
            />
          </Form.Item>
          {isMajor && !catalogItemCode && (
            <Form.Item name="majorBasis" label={t('hazards.fields.majorBasis')}>
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} data-testid="new-major-basis" />
            </Form.Item>
          )}
          <Form.Item name="description" label={t('hazards.fields.description')} rules={required}>
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} data-testid="new-description" />
          </Form.Item>
          <Alert
            type={isMajor ? 'warning' : 'info'}
            showIcon
            title={t(isMajor ? 'hazards.form.majorHint' : 'hazards.form.generalHint')}
            style={{ marginBottom: 12 }}
          />
          <Row gutter={12}>
            <Col xs={24} md={8}>
              <Form.Item
                name="deadline"
                label={t('hazards.fields.deadline')}
                rules={isMajor ? [] : [{ required: true, message: t('hazards.form.deadlineRequired') }]}
              >
                <DatePicker
                  style={{ width: '100%' }}
                  disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
                  data-testid="new-deadline"
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="responsiblePerson" label={t('hazards.fields.responsiblePerson')}>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="funds" label={t('hazards.fields.funds')}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="measures" label={t('hazards.fields.measures')}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
          </Form.Item>
          <Form.Item name="finderName" label={t('hazards.fields.finder')}>
            <Input maxLength={50} placeholder={me.data?.user.displayName} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block={phone} data-testid="new-submit">
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
