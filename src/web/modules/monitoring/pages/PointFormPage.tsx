import { ArrowLeftOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Collapse,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Spin,
  Switch,
  Typography,
} from 'antd';
import { useEffect } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import {
  ALARM_RULES,
  MONITOR_KINDS,
  pointFieldSchemas,
  RULE_META,
  resolveThresholds,
  SEVERITIES,
  type ThresholdTemplate,
  thresholdOverridesSchema,
} from '../../../../core/monitoring';
import { pickLang, useLang, useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage } from '../../../shared/errors';
import { useMe } from '../../auth/api';
import { EnterprisePicker } from '../../hazards/components/EnterprisePicker';
import { MONITORING_KEYS, monitoringApi, useTemplates } from '../api';
import {
  createBody,
  definitionProblem,
  EMPTY_POINT_FORM,
  formFromPoint,
  NUMERIC_THRESHOLDS,
  type NumericThreshold,
  overridesOf,
  type PointFormValues,
  updateBody,
} from '../pointForm';
import { pointFieldText, pointRule } from '../pointFormMessages';

const KNOWN_FIELDS = [
  'enterpriseId',
  'code',
  'name',
  'kind',
  'unit',
  'template',
  'installation',
  'location',
  'lng',
  'lat',
  'rangeMin',
  'rangeMax',
  'intervalSeconds',
  'thresholds',
  'flatlineSeconds',
  'flatlineTolerance',
  'rateWindowSeconds',
  'severities',
];
const S = pointFieldSchemas;
const TH = thresholdOverridesSchema.shape;

/** Creates (`/monitoring/points/new?enterpriseId=`) or edits (`/monitoring/points/:id/edit`) a monitoring point. */
export default function PointFormPage() {
  const t = useT();
  const lang = useLang();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { id } = useParams();
  const [params] = useSearchParams();
  const { data: me } = useMe();
  const editing = Boolean(id);
  const [form] = Form.useForm<PointFormValues & { enterpriseId?: string }>();
  const templates = useTemplates();
  const point = useQuery({
    queryKey: MONITORING_KEYS.point(id ?? ''),
    queryFn: () => monitoringApi.point(id ?? ''),
    enabled: editing,
  });
  const presetEnterprise = me?.user.enterprise?.id ?? params.get('enterpriseId') ?? undefined;

  useEffect(() => {
    // Reset first: after a 409 the reloaded point must not keep inputs the stale form had and the point lacks.
    if (point.data) {
      form.resetFields();
      form.setFieldsValue(formFromPoint(point.data));
    }
  }, [point.data, form]);

  const templateKey = Form.useWatch('template', form) ?? '';
  const kind = Form.useWatch('kind', form);
  const unit = Form.useWatch('unit', form) ?? '';
  const thresholds = Form.useWatch('thresholds', form) ?? {};
  const removed = Form.useWatch('removed', form) ?? {};
  const bound = Form.useWatch('bound', form) ?? '';
  const template: ThresholdTemplate | undefined = templates.data?.items.find((x) => x.key === templateKey);
  const effective = resolveThresholds(templateKey || null, overridesOf({ thresholds, removed, bound }));

  const afterSave = (enterpriseId: string | undefined) => {
    void qc.invalidateQueries({ queryKey: MONITORING_KEYS.all });
    navigate(`/monitoring/points${enterpriseId ? `?enterpriseId=${enterpriseId}` : ''}`);
  };
  const onServerError = (err: unknown) => {
    if (isApiError(err) && err.status === 409 && err.code !== 'DUPLICATE' && editing) {
      void message.warning(t('monitoring.pointForm.stale'));
      void point.refetch();
      return;
    }
    if (isApiError(err) && err.fields.length) {
      const rest = applyFieldErrors(
        form,
        err.fields.map((f) => ({
          path: f.path.split('.').filter(Boolean),
          text: pointFieldText(f.message, f.path),
        })),
        KNOWN_FIELDS,
      );
      if (rest.length === 0) return;
    }
    void message.error(errorMessage(err));
  };
  const save = useMutation({
    mutationFn: (v: PointFormValues & { enterpriseId?: string }) =>
      editing && point.data
        ? monitoringApi.updatePoint(point.data.id, updateBody(point.data.version, v))
        : monitoringApi.createPoint(createBody(v.enterpriseId ?? presetEnterprise ?? '', v)),
    onSuccess: (p) => {
      void message.success(
        editing ? t('monitoring.pointForm.saved') : t('monitoring.pointForm.created', { code: p.code }),
      );
      afterSave(p.enterpriseId);
    },
    onError: onServerError,
  });

  const submit = (v: PointFormValues & { enterpriseId?: string }) => {
    if (template && v.kind && v.kind !== template.kind) {
      form.setFields([{ name: 'template', errors: [pointFieldText('template.kind_mismatch')] }]);
      return;
    }
    const problem = definitionProblem(v);
    if (problem) {
      applyFieldErrors(
        form,
        [{ path: problem.path, text: pointFieldText(problem.message, problem.path.join('.')) }],
        KNOWN_FIELDS,
      );
      form.scrollToField(problem.path);
      return;
    }
    save.mutate(v);
  };

  const pickTemplate = (key: string) => {
    const tpl = templates.data?.items.find((x) => x.key === key);
    if (tpl) form.setFieldsValue({ kind: tpl.kind, unit: tpl.unit });
  };

  if (editing && point.isPending) {
    return (
      <div className="fx-center">
        <Spin size="large" />
      </div>
    );
  }
  if (editing && point.error) return <Alert type="error" showIcon title={errorMessage(point.error)} />;

  const templateOptions = [
    { value: '', label: t('monitoring.pointForm.noTemplate') },
    ...(templates.data?.items ?? [])
      .filter((x) => !kind || x.kind === kind || x.key === templateKey)
      .map((x) => ({ value: x.key, label: `${pickLang(lang, x.nameZh, x.nameEn)} · ${x.key}` })),
  ];
  const fmt = (v: number | string | undefined) => (v === undefined ? '' : `${v}${unit ? ` ${unit}` : ''}`);

  return (
    <>
      <div className="fx-toolbar">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('common.back')} />
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }} data-testid="point-form-title">
          {editing
            ? t('monitoring.pointForm.editTitle', { code: point.data?.code ?? '' })
            : t('monitoring.pointForm.newTitle')}
        </h1>
      </div>
      <Form<PointFormValues & { enterpriseId?: string }>
        form={form}
        layout="vertical"
        initialValues={{ ...EMPTY_POINT_FORM, enterpriseId: presetEnterprise }}
        onFinish={submit}
        onFinishFailed={() => void message.error(t('monitoring.pointForm.fixErrors'))}
        scrollToFirstError
        data-testid="point-form"
      >
        <Card size="small" title={t('monitoring.pointForm.basic')} style={{ marginBottom: 12 }}>
          {!editing && !me?.user.enterprise && (
            <Form.Item
              name="enterpriseId"
              label={t('monitoring.setup.enterprise')}
              rules={[{ required: true, message: t('monitoring.setup.pickEnterprise') }]}
            >
              <EnterprisePicker testId="point-enterprise" />
            </Form.Item>
          )}
          <Row gutter={12}>
            <Col xs={24} md={12}>
              <Form.Item
                name="template"
                label={t('monitoring.pointForm.template')}
                extra={
                  template ? (
                    <>
                      {t('monitoring.pointForm.basis', { basis: template.basis })}
                      {template.uncertain && (
                        <Typography.Text type="warning" style={{ display: 'block' }}>
                          {t('monitoring.pointForm.uncertain')}
                        </Typography.Text>
                      )}
                    </>
                  ) : (
                    t('monitoring.pointForm.templateHint')
                  )
                }
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  options={templateOptions}
                  loading={templates.isPending}
                  onChange={pickTemplate}
                  data-testid="point-template"
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="kind" label={t('monitoring.pointForm.kind')} rules={[pointRule(S.kind)]} required>
                <Select
                  options={MONITOR_KINDS.map((k) => ({ value: k, label: t(`monitoring.kind.${k}`) }))}
                  onChange={(k) => {
                    if (template && template.kind !== k) form.setFieldsValue({ template: '' });
                  }}
                  data-testid="point-kind"
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name="code"
                label={t('monitoring.pointForm.code')}
                extra={t('monitoring.pointForm.codeHint')}
                rules={editing ? [] : [pointRule(S.code)]}
                required={!editing}
              >
                <Input maxLength={64} disabled={editing} data-testid="point-code" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="name" label={t('monitoring.pointForm.name')} rules={[pointRule(S.name)]} required>
                <Input maxLength={100} data-testid="point-name" />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item name="unit" label={t('monitoring.pointForm.unit')} rules={[pointRule(S.unit)]}>
                <Input maxLength={20} data-testid="point-unit" />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <Form.Item
                name="intervalSeconds"
                label={t('monitoring.pointForm.interval')}
                tooltip={t('monitoring.pointForm.intervalHint')}
                rules={[pointRule(S.intervalSeconds)]}
                required
              >
                <InputNumber min={0} style={{ width: '100%' }} data-testid="point-interval" />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <Form.Item name="rangeMin" label={t('monitoring.pointForm.rangeMin')} rules={[pointRule(S.rangeMin)]}>
                <InputNumber style={{ width: '100%' }} data-testid="point-rangeMin" />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <Form.Item name="rangeMax" label={t('monitoring.pointForm.rangeMax')} rules={[pointRule(S.rangeMax)]}>
                <InputNumber style={{ width: '100%' }} data-testid="point-rangeMax" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="installation" label={t('monitoring.pointForm.installation')}>
                <Input maxLength={200} data-testid="point-installation" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="location" label={t('monitoring.pointForm.location')} rules={[pointRule(S.location)]}>
                <Input maxLength={200} data-testid="point-location" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="lng" label={t('monitoring.pointForm.lng')} rules={[pointRule(S.lng)]}>
                <InputNumber style={{ width: '100%' }} step={0.0001} data-testid="point-lng" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="lat" label={t('monitoring.pointForm.lat')} rules={[pointRule(S.lat)]}>
                <InputNumber style={{ width: '100%' }} step={0.0001} data-testid="point-lat" />
              </Form.Item>
            </Col>
            {editing && (
              <Col xs={24} md={12}>
                <Form.Item
                  name="active"
                  label={t('monitoring.pointForm.active')}
                  extra={t('monitoring.pointForm.activeHint')}
                  valuePropName="checked"
                >
                  <Switch data-testid="point-active" />
                </Form.Item>
              </Col>
            )}
          </Row>
        </Card>

        <Card size="small" title={t('monitoring.pointForm.thresholds')} style={{ marginBottom: 12 }}>
          <Alert type="info" showIcon title={t('monitoring.pointForm.thresholdsHint')} style={{ marginBottom: 12 }} />
          <Row gutter={12}>
            {NUMERIC_THRESHOLDS.map((k) => (
              <Col xs={24} md={12} xl={8} key={k}>
                <ThresholdInput
                  k={k}
                  label={thresholdLabel(t, k)}
                  templateValue={template?.thresholds[k]}
                  effectiveValue={effective.ok ? effective.thresholds[k] : undefined}
                  removed={Boolean(removed[k])}
                  fmt={fmt}
                />
              </Col>
            ))}
            <Col xs={24} md={12} xl={8}>
              <Form.Item
                name="bound"
                label={t('monitoring.pointForm.bound')}
                extra={
                  template?.thresholds.bound
                    ? t('monitoring.pointForm.templateValue', {
                        value:
                          template.thresholds.bound === 'exceed'
                            ? t('monitoring.pointForm.boundExceed')
                            : t('monitoring.pointForm.boundReach'),
                      })
                    : undefined
                }
              >
                <Select
                  options={[
                    { value: '', label: t('monitoring.pointForm.boundTemplate') },
                    { value: 'reach', label: t('monitoring.pointForm.boundReach') },
                    { value: 'exceed', label: t('monitoring.pointForm.boundExceed') },
                  ]}
                  data-testid="point-bound"
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Collapse
          style={{ marginBottom: 12 }}
          items={[
            {
              key: 'quality',
              label: t('monitoring.pointForm.quality'),
              forceRender: true,
              children: (
                <Row gutter={12}>
                  <Col xs={24} md={8}>
                    <Form.Item
                      name="flatlineSeconds"
                      label={t('monitoring.pointForm.flatlineSeconds')}
                      extra={t('monitoring.pointForm.flatlineSecondsHint')}
                      rules={[pointRule(S.flatlineSeconds)]}
                    >
                      <InputNumber min={0} style={{ width: '100%' }} data-testid="point-flatlineSeconds" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item
                      name="flatlineTolerance"
                      label={t('monitoring.pointForm.flatlineTolerance')}
                      rules={[pointRule(S.flatlineTolerance)]}
                    >
                      <InputNumber min={0} style={{ width: '100%' }} data-testid="point-flatlineTolerance" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item
                      name="rateWindowSeconds"
                      label={t('monitoring.pointForm.rateWindowSeconds')}
                      extra={t('monitoring.pointForm.rateWindowHint')}
                      rules={[pointRule(S.rateWindowSeconds)]}
                    >
                      <InputNumber min={0} style={{ width: '100%' }} data-testid="point-rateWindowSeconds" />
                    </Form.Item>
                  </Col>
                </Row>
              ),
            },
            {
              key: 'severities',
              label: t('monitoring.pointForm.severities'),
              forceRender: true,
              children: (
                <Row gutter={12}>
                  {ALARM_RULES.map((r) => (
                    <Col xs={12} md={8} xl={6} key={r}>
                      <Form.Item
                        name={['severities', r]}
                        label={pickLang(lang, RULE_META[r].nameZh, RULE_META[r].nameEn)}
                      >
                        <Select
                          allowClear
                          placeholder={t('monitoring.pointForm.severityDefault', { level: RULE_META[r].severity })}
                          options={SEVERITIES.map((s) => ({
                            value: s,
                            label: t('monitoring.severity.level', { level: s }),
                          }))}
                        />
                      </Form.Item>
                    </Col>
                  ))}
                </Row>
              ),
            },
          ]}
        />
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="point-submit" block>
          {editing ? t('monitoring.pointForm.save') : t('monitoring.pointForm.create')}
        </Button>
      </Form>
    </>
  );
}

function thresholdLabel(t: ReturnType<typeof useT>, k: NumericThreshold): string {
  switch (k) {
    case 'high':
    case 'highHigh':
    case 'low':
    case 'lowLow':
    case 'powerCut':
    case 'restore':
      return t(`monitoring.threshold.${k}`);
    default:
      return t(`monitoring.pointForm.${k}`);
  }
}

/** One override: the input, "off" when the template has a value, and the template's and the effective value. */
function ThresholdInput({
  k,
  label,
  templateValue,
  effectiveValue,
  removed,
  fmt,
}: {
  k: NumericThreshold;
  label: string;
  templateValue: number | undefined;
  effectiveValue: number | string | undefined;
  removed: boolean;
  fmt: (v: number | string | undefined) => string;
}) {
  const t = useT();
  const plain = k === 'persistSeconds' || k === 'rateOfChangePerMin';
  const show = (v: number | string | undefined) => (plain ? String(v ?? '') : fmt(v));
  return (
    <Form.Item
      label={label}
      style={{ marginBottom: 12 }}
      extra={
        <span data-testid={`threshold-template-${k}`}>
          {templateValue === undefined
            ? t('monitoring.pointForm.templateNone')
            : t('monitoring.pointForm.templateValue', { value: show(templateValue) })}
          {effectiveValue !== undefined && ` · ${t('monitoring.pointForm.effective', { value: show(effectiveValue) })}`}
        </span>
      }
    >
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
        <Form.Item name={['thresholds', k]} noStyle rules={[pointRule(TH[k])]}>
          <InputNumber
            style={{ width: 140 }}
            disabled={removed}
            placeholder={templateValue === undefined ? '' : String(templateValue)}
            data-testid={`threshold-${k}`}
          />
        </Form.Item>
        {templateValue !== undefined && (
          <Form.Item name={['removed', k]} noStyle valuePropName="checked">
            <Checkbox data-testid={`threshold-remove-${k}`}>{t('monitoring.pointForm.remove')}</Checkbox>
          </Form.Item>
        )}
      </div>
    </Form.Item>
  );
}
