import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Switch,
  TreeSelect,
} from 'antd';
import type { ReactNode } from 'react';
import {
  ENTERPRISE_SCALES,
  ENTERPRISE_STATUSES,
  enterpriseCreateSchema,
  licenceSchema,
} from '../../../../core/enterprise';
import { useLang, useT } from '../../../app/i18n';
import { zodRule } from '../../../shared/zod';
import { regionTree, useDepartments, useRegions, useSectors } from '../../org/api';
import { dateStringProps } from './DateField';
import type { PayloadField } from './formModel';

const shape = enterpriseCreateSchema.shape;
const half = { xs: 24, md: 12 } as const;
const third = { xs: 24, md: 8 } as const;

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card size="small" title={title} style={{ marginBottom: 12 }}>
      <Row gutter={16}>{children}</Row>
    </Card>
  );
}

/** The enterprise form's fields; each is checked by the same zod schema the server uses. */
export function EnterpriseFormFields({ editable }: { editable: (f: PayloadField) => boolean }) {
  const t = useT();
  const lang = useLang();
  const regions = useRegions();
  const sectors = useSectors();
  const departments = useDepartments();
  const sectorOptions = (sectors.data ?? []).map((s) => ({
    value: s.code,
    label: lang === 'en' ? s.name_en : s.name_zh,
  }));
  const off = (f: PayloadField) => !editable(f);
  const f = (k: PayloadField) => t(`enterprises.fields.${k}`);

  return (
    <>
      <Section title={t('enterprises.sections.basic')}>
        <Col {...half}>
          <Form.Item name="creditCode" label={f('creditCode')} rules={[zodRule(shape.creditCode)]} required>
            <Input
              data-testid="ent-creditCode"
              maxLength={18}
              disabled={off('creditCode')}
              style={{ textTransform: 'uppercase' }}
              placeholder="91140522MA0XXXXXXX"
            />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="name" label={f('name')} rules={[zodRule(shape.name)]} required>
            <Input data-testid="ent-name" maxLength={200} disabled={off('name')} />
          </Form.Item>
        </Col>
        <Col {...third}>
          <Form.Item name="status" label={f('status')}>
            <Select
              disabled={off('status')}
              options={ENTERPRISE_STATUSES.map((s) => ({ value: s, label: t(`enterprises.status.${s}`) }))}
            />
          </Form.Item>
        </Col>
        <Col {...third}>
          <Form.Item name="scale" label={f('scale')}>
            <Select
              disabled={off('scale')}
              options={ENTERPRISE_SCALES.map((s) => ({ value: s, label: t(`enterprises.scale.${s}`) }))}
            />
          </Form.Item>
        </Col>
        <Col {...third}>
          <Form.Item name="employees" label={f('employees')} rules={[zodRule(shape.employees)]}>
            <InputNumber min={0} precision={0} style={{ width: '100%' }} disabled={off('employees')} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="formerNames" label={f('formerNames')}>
            <Select mode="tags" open={false} suffixIcon={null} disabled={off('formerNames')} />
          </Form.Item>
        </Col>
      </Section>

      <Section title={t('enterprises.sections.location')}>
        <Col {...half}>
          <Form.Item name="regionCode" label={f('regionCode')} rules={[zodRule(shape.regionCode)]} required>
            <TreeSelect<string>
              data-testid="ent-region"
              disabled={off('regionCode')}
              showSearch={{ treeNodeFilterProp: 'title' }}
              treeData={regionTree(regions.data ?? [], 1)}
              placeholder={t('common.select')}
              treeDefaultExpandAll={false}
            />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="address" label={f('address')} rules={[zodRule(shape.address)]}>
            <Input maxLength={300} disabled={off('address')} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="lng" label={f('lng')} rules={[zodRule(shape.lng)]}>
            <InputNumber<number> step={0.0001} style={{ width: '100%' }} disabled={off('lng')} placeholder="112.41" />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="lat" label={f('lat')} rules={[zodRule(shape.lat)]}>
            <InputNumber<number> step={0.0001} style={{ width: '100%' }} disabled={off('lat')} placeholder="35.48" />
          </Form.Item>
        </Col>
      </Section>

      <Section title={t('enterprises.sections.supervision')}>
        <Col {...half}>
          <Form.Item name="primarySector" label={f('primarySector')} rules={[zodRule(shape.primarySector)]} required>
            <Select<string>
              data-testid="ent-primarySector"
              showSearch={{ optionFilterProp: 'label' }}
              options={sectorOptions}
              disabled={off('primarySector')}
              placeholder={t('common.select')}
            />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="otherSectors" label={f('otherSectors')}>
            <Select<string[]>
              mode="multiple"
              showSearch={{ optionFilterProp: 'label' }}
              options={sectorOptions}
              disabled={off('otherSectors')}
            />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="overrideDepartments" valuePropName="checked" label={f('departmentIds')}>
            <Checkbox disabled={off('departmentIds')}>{t('enterprises.overrideDepartments')}</Checkbox>
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item noStyle dependencies={['overrideDepartments']}>
            {({ getFieldValue }) =>
              getFieldValue('overrideDepartments') ? (
                <Form.Item name="departmentIds" label={t('enterprises.fields.departments')}>
                  <Select<string[]>
                    mode="multiple"
                    showSearch={{ optionFilterProp: 'label' }}
                    disabled={off('departmentIds')}
                    options={(departments.data ?? []).map((d) => ({
                      value: d.id,
                      label: lang === 'en' ? d.name_en : d.name_zh,
                    }))}
                  />
                </Form.Item>
              ) : (
                <Form.Item label={t('enterprises.fields.departments')}>
                  <span style={{ color: '#888' }}>{t('enterprises.derivedDepartments')}</span>
                </Form.Item>
              )
            }
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="isKey" label={t('enterprises.flags.key')} valuePropName="checked">
            <Switch disabled={off('isKey')} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="hasMajorHazard" label={t('enterprises.flags.major')} valuePropName="checked">
            <Switch disabled={off('hasMajorHazard')} />
          </Form.Item>
        </Col>
      </Section>

      <Section title={t('enterprises.sections.contacts')}>
        <Col {...half}>
          <Form.Item name="principalName" label={f('principalName')} rules={[zodRule(shape.principalName)]}>
            <Input maxLength={50} disabled={off('principalName')} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="principalPhone" label={f('principalPhone')} rules={[zodRule(shape.principalPhone)]}>
            <Input inputMode="tel" maxLength={20} disabled={off('principalPhone')} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="safetyManagerName" label={f('safetyManagerName')} rules={[zodRule(shape.safetyManagerName)]}>
            <Input maxLength={50} disabled={off('safetyManagerName')} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item
            name="safetyManagerPhone"
            label={f('safetyManagerPhone')}
            rules={[zodRule(shape.safetyManagerPhone)]}
          >
            <Input inputMode="tel" maxLength={20} disabled={off('safetyManagerPhone')} />
          </Form.Item>
        </Col>
      </Section>

      <Section title={t('enterprises.sections.certificates')}>
        <Col {...half}>
          <Form.Item
            name="standardizationGrade"
            label={f('standardizationGrade')}
            // The form keeps null for "not graded"; the Select shows its placeholder for it.
            getValueProps={(v: unknown) => ({ value: v ?? undefined })}
            normalize={(v: unknown) => v ?? null}
          >
            <Select<1 | 2 | 3>
              allowClear
              placeholder={t('enterprises.noGrade')}
              disabled={off('standardizationGrade')}
              options={([1, 2, 3] as const).map((g) => ({ value: g, label: t('enterprises.grade', { grade: g }) }))}
            />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="standardizationExpiry" label={f('standardizationExpiry')} {...dateStringProps}>
            <DatePicker style={{ width: '100%' }} disabled={off('standardizationExpiry')} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <LicenceList disabled={off('licences')} />
        </Col>
      </Section>
    </>
  );
}

function LicenceList({ disabled }: { disabled: boolean }) {
  const t = useT();
  return (
    <Form.List name="licences">
      {(fields, { add, remove }) => (
        <div data-testid="ent-licences">
          <div style={{ marginBottom: 8, fontWeight: 500 }}>{t('enterprises.fields.licences')}</div>
          {fields.map((field) => (
            <Row gutter={8} key={field.key} align="top" style={{ marginBottom: 4 }}>
              <Col xs={24} sm={8}>
                <Form.Item name={[field.name, 'type']} rules={[zodRule(licenceSchema.shape.type)]}>
                  <Input placeholder={t('enterprises.licence.type')} disabled={disabled} maxLength={50} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={8}>
                <Form.Item name={[field.name, 'number']} rules={[zodRule(licenceSchema.shape.number)]}>
                  <Input placeholder={t('enterprises.licence.number')} disabled={disabled} maxLength={64} />
                </Form.Item>
              </Col>
              <Col xs={20} sm={6}>
                <Form.Item
                  name={[field.name, 'expiry']}
                  rules={[zodRule(licenceSchema.shape.expiry)]}
                  {...dateStringProps}
                >
                  <DatePicker
                    style={{ width: '100%' }}
                    placeholder={t('enterprises.licence.expiry')}
                    disabled={disabled}
                  />
                </Form.Item>
              </Col>
              <Col xs={4} sm={2}>
                <Button
                  icon={<DeleteOutlined />}
                  onClick={() => remove(field.name)}
                  disabled={disabled}
                  aria-label={t('common.delete')}
                />
              </Col>
            </Row>
          ))}
          <Button
            type="dashed"
            icon={<PlusOutlined />}
            onClick={() => add({ type: '', number: '', expiry: null })}
            disabled={disabled}
            block
          >
            {t('enterprises.licence.add')}
          </Button>
        </div>
      )}
    </Form.List>
  );
}
