import { PlusOutlined } from '@ant-design/icons';
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
  InputNumber,
  List,
  Modal,
  Select,
  Space,
  Spin,
  Switch,
  Tabs,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useLang, useT } from '../../../app/i18n';
import { isApiError } from '../../../shared/api';
import { applyFieldErrors, errorMessage, serverFieldErrors } from '../../../shared/errors';
import { useSectors } from '../../org/api';
import { type CatalogItem, HAZARD_KEYS, hazardApi } from '../api';
import { testIdProps } from '../testId';

type Item = Required<CatalogItem>;
interface ItemValues {
  code?: string;
  sectorCodes: string[];
  textZh: string;
  textEn?: string;
  basis?: string;
  hintZh?: string;
  hintEn?: string;
  sort?: number;
}
interface CatalogValues {
  code: string;
  titleZh: string;
  titleEn?: string;
  document?: string;
  inForceFrom?: Dayjs;
}
const ITEM_FIELDS = ['code', 'catalog', 'sectorCodes', 'textZh', 'textEn', 'basis', 'hintZh', 'hintEn', 'sort'];
const CATALOG_FIELDS = ['code', 'titleZh', 'titleEn', 'document', 'inForceFrom'];

/**
 * 重大事故隐患判定标准: the county office reads the criteria catalogs and adds, edits, retires or restores items,
 * and adds a catalog. What is allowed is the server's (`catalog.routes.ts`): items are never deleted (hazards cite
 * them), a retired item cannot be chosen for a new hazard, the item code is fixed once saved.
 */
export default function CatalogPage() {
  const t = useT();
  const lang = useLang();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const sectors = useSectors();
  const data = useQuery({ queryKey: HAZARD_KEYS.catalogAdmin, queryFn: hazardApi.catalogAdmin });
  const [tab, setTab] = useState<string | null>(null);
  const [showRetired, setShowRetired] = useState(false);
  const [editing, setEditing] = useState<Item | 'new' | null>(null);
  const [catalogOpen, setCatalogOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [itemForm] = Form.useForm<ItemValues>();
  const [catalogForm] = Form.useForm<CatalogValues>();

  if (data.error) return <Alert type="error" showIcon title={errorMessage(data.error)} />;
  if (!data.data)
    return (
      <div className="fx-center">
        <Spin />
      </div>
    );
  const { catalogs, items } = data.data;
  const active = tab ?? catalogs[0]?.code ?? '';
  const sectorName = (code: string) => {
    const s = sectors.data?.find((x) => x.code === code);
    return s ? (lang === 'en' ? s.name_en : s.name_zh) : code;
  };
  const sectorOptions = (sectors.data ?? []).map((s) => ({
    value: s.code,
    label: lang === 'en' ? s.name_en : s.name_zh,
  }));

  const refresh = () => qc.invalidateQueries({ queryKey: HAZARD_KEYS.all });
  const failed = (err: unknown, form: Parameters<typeof applyFieldErrors>[0], known: string[]) => {
    if (isApiError(err) && err.fields.length) {
      const rest = applyFieldErrors(form, serverFieldErrors(err.fields), known);
      setError(rest.length ? rest.map((f) => f.text).join('；') : errorMessage(err));
    } else setError(errorMessage(err));
  };

  const openItem = (item: Item | 'new') => {
    setError(null);
    itemForm.resetFields();
    if (item === 'new') itemForm.setFieldsValue({ sectorCodes: [], textZh: '' });
    else
      itemForm.setFieldsValue({
        sectorCodes: item.sectorCodes,
        textZh: item.textZh,
        textEn: item.textEn,
        basis: item.basis,
        hintZh: item.hintZh ?? '',
        hintEn: item.hintEn ?? '',
        sort: item.sort,
      });
    setEditing(item);
  };

  const saveItem = async () => {
    if (!editing) return;
    const v = await itemForm.validateFields().catch(() => null);
    if (!v) return;
    const fields = {
      sectorCodes: v.sectorCodes,
      textZh: v.textZh,
      textEn: v.textEn ?? '',
      basis: v.basis ?? '',
      hintZh: v.hintZh?.trim() ? v.hintZh : null,
      hintEn: v.hintEn?.trim() ? v.hintEn : null,
      ...(v.sort !== undefined && v.sort !== null ? { sort: v.sort } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      if (editing === 'new') await hazardApi.createCatalogItem({ ...fields, code: v.code ?? '', catalog: active });
      else await hazardApi.updateCatalogItem(editing.code, { ...fields, version: editing.version });
      await refresh();
      message.success(t('common.saved'));
      setEditing(null);
    } catch (err) {
      failed(err, itemForm, ITEM_FIELDS);
    } finally {
      setBusy(false);
    }
  };

  const setActive = (item: Item, on: boolean) => {
    const run = async () => {
      try {
        await hazardApi.updateCatalogItem(item.code, { version: item.version, active: on });
        await refresh();
        message.success(t('common.saved'));
      } catch (err) {
        message.error(errorMessage(err));
        await refresh();
      }
    };
    if (on) void run();
    else
      modal.confirm({
        title: `${t('hazards.catalog.retire')} ${item.code}`,
        content: t('hazards.catalog.retireConfirm'),
        onOk: run,
        okButtonProps: { danger: true, ...testIdProps('catalog-retire-ok') },
      });
  };

  const saveCatalog = async () => {
    const v = await catalogForm.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      const c = await hazardApi.createCatalog({
        code: v.code,
        titleZh: v.titleZh,
        titleEn: v.titleEn ?? '',
        document: v.document ?? '',
        inForceFrom: v.inForceFrom ? v.inForceFrom.format('YYYY-MM-DD') : null,
      });
      await refresh();
      setTab(c.code);
      setCatalogOpen(false);
      message.success(t('common.saved'));
    } catch (err) {
      failed(err, catalogForm, CATALOG_FIELDS);
    } finally {
      setBusy(false);
    }
  };

  const renderItem = (i: Item) => (
    <List.Item
      data-testid="catalog-item"
      data-code={i.code}
      actions={[
        <Button key="edit" size="small" onClick={() => openItem(i)} {...testIdProps(`catalog-edit-${i.code}`)}>
          {t('common.edit')}
        </Button>,
        i.active ? (
          <Button
            key="retire"
            size="small"
            danger
            onClick={() => setActive(i, false)}
            {...testIdProps(`catalog-retire-${i.code}`)}
          >
            {t('hazards.catalog.retire')}
          </Button>
        ) : (
          <Button
            key="restore"
            size="small"
            onClick={() => setActive(i, true)}
            {...testIdProps(`catalog-restore-${i.code}`)}
          >
            {t('hazards.catalog.restore')}
          </Button>
        ),
      ]}
    >
      <List.Item.Meta
        title={
          <Space size={4} wrap>
            <span>{i.code}</span>
            <Tag color={i.builtin ? 'blue' : 'purple'}>
              {i.builtin ? t('hazards.catalog.builtin') : t('hazards.catalog.local')}
            </Tag>
            {!i.active && <Tag>{t('hazards.catalog.retired')}</Tag>}
          </Space>
        }
        description={
          <div style={{ overflowWrap: 'anywhere', color: i.active ? undefined : '#999' }}>
            <div>{lang === 'en' && i.textEn ? i.textEn : i.textZh}</div>
            <div style={{ fontSize: 12 }}>
              {i.basis}
              {i.sectorCodes.length > 0 && ` · ${i.sectorCodes.map(sectorName).join('、')}`}
            </div>
          </div>
        }
      />
    </List.Item>
  );

  const required = [{ required: true, whitespace: true, message: t('fieldErrors.required') }];
  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('hazards.catalog.title')}
        </h1>
        <Space wrap>
          <span>
            <Switch size="small" checked={showRetired} onChange={setShowRetired} data-testid="catalog-show-retired" />{' '}
            {t('hazards.catalog.showRetired')}
          </span>
          <Button
            onClick={() => {
              setError(null);
              catalogForm.resetFields();
              setCatalogOpen(true);
            }}
          >
            {t('hazards.catalog.newCatalog')}
          </Button>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => openItem('new')}
            {...testIdProps('catalog-add')}
          >
            {t('hazards.catalog.add')}
          </Button>
        </Space>
      </div>
      <Alert type="info" showIcon title={t('hazards.catalog.intro')} style={{ marginBottom: 12 }} />
      <Card size="small">
        <Tabs
          activeKey={active}
          onChange={setTab}
          items={catalogs.map((c) => {
            const own = items.filter((i) => i.catalog === c.code);
            const shown = showRetired ? own : own.filter((i) => i.active);
            return {
              key: c.code,
              label: `${lang === 'en' && c.titleEn ? c.titleEn : c.titleZh}（${own.filter((i) => i.active).length}）`,
              children: (
                <>
                  {c.document && (
                    <div style={{ color: '#888', marginBottom: 8 }}>
                      {c.document}
                      {c.inForceFrom ? ` · ${c.inForceFrom}` : ''}
                    </div>
                  )}
                  <List<Item>
                    dataSource={shown}
                    renderItem={renderItem}
                    locale={{ emptyText: <Empty /> }}
                    data-testid={`catalog-list-${c.code}`}
                  />
                </>
              ),
            };
          })}
        />
      </Card>
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('hazards.catalog.add') : `${t('hazards.catalog.edit')} ${editing?.code ?? ''}`}
        onCancel={() => setEditing(null)}
        onOk={() => void saveItem()}
        confirmLoading={busy}
        okText={t('common.save')}
        okButtonProps={testIdProps('catalog-ok')}
        forceRender
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={itemForm} layout="vertical">
          {editing === 'new' && (
            <>
              <Form.Item label={t('hazards.catalog.catalog')}>
                {(() => {
                  const c = catalogs.find((x) => x.code === active);
                  return c ? (lang === 'en' && c.titleEn ? c.titleEn : c.titleZh) : active;
                })()}
              </Form.Item>
              <Form.Item
                name="code"
                label={t('hazards.catalog.code')}
                extra={t('hazards.catalog.codeHint')}
                rules={[
                  ...required,
                  { pattern: /^[a-z0-9][a-z0-9-]*$/, message: t('hazards.catalog.codeHint') },
                  { max: 50, message: t('fieldErrors.too_big_n', { max: 50 }) },
                ]}
              >
                <Input maxLength={50} data-testid="catalog-code" />
              </Form.Item>
            </>
          )}
          <Form.Item name="textZh" label={t('hazards.catalog.textZh')} rules={required}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} data-testid="catalog-textZh" />
          </Form.Item>
          <Form.Item name="textEn" label={t('hazards.catalog.textEn')}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
          </Form.Item>
          <Form.Item name="basis" label={t('hazards.catalog.basis')}>
            <Input maxLength={500} data-testid="catalog-basis" />
          </Form.Item>
          <Form.Item name="sectorCodes" label={t('hazards.catalog.sectors')}>
            <Select mode="multiple" options={sectorOptions} showSearch={{ optionFilterProp: 'label' }} />
          </Form.Item>
          <Form.Item name="hintZh" label={t('hazards.catalog.hintZh')}>
            <Input.TextArea autoSize={{ minRows: 1 }} maxLength={2000} />
          </Form.Item>
          <Form.Item name="hintEn" label={t('hazards.catalog.hintEn')}>
            <Input.TextArea autoSize={{ minRows: 1 }} maxLength={2000} />
          </Form.Item>
          <Form.Item name="sort" label={t('hazards.catalog.sort')}>
            <InputNumber min={0} max={1_000_000} precision={0} style={{ width: 160 }} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={catalogOpen}
        title={t('hazards.catalog.newCatalog')}
        onCancel={() => setCatalogOpen(false)}
        onOk={() => void saveCatalog()}
        confirmLoading={busy}
        okText={t('common.save')}
        forceRender
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={catalogForm} layout="vertical">
          <Form.Item
            name="code"
            label={t('hazards.catalog.catalogCode')}
            extra={t('hazards.catalog.catalogCodeHint')}
            rules={[...required, { pattern: /^[a-z][a-z0-9_]*$/, message: t('fieldErrors.code_format') }]}
          >
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="titleZh" label={t('hazards.catalog.titleZh')} rules={required}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="titleEn" label={t('hazards.catalog.titleEn')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="document" label={t('hazards.catalog.document')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="inForceFrom" label={t('hazards.catalog.inForceFrom')}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
