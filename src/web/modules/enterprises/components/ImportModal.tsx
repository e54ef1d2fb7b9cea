import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Modal, Space, Table, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useT } from '../../../app/i18n';
import { ApiError } from '../../../shared/api';
import { errorMessage, fieldMessage } from '../../../shared/errors';
import { useDownload } from '../../../shared/hooks';
import { ENTERPRISE_KEYS, enterpriseApi, type ImportRowError } from '../api';

type Outcome =
  | { kind: 'ok'; count: number }
  | { kind: 'invalid'; errors: ImportRowError[] }
  | { kind: 'error'; text: string };

function paramsOf(o: object): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  return out;
}

function rowErrors(err: ApiError): ImportRowError[] {
  const list = err.extra.errors;
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: unknown) => {
    if (typeof e !== 'object' || e === null) return [];
    const r = e as Record<string, unknown>;
    const params = typeof r.params === 'object' && r.params !== null ? paramsOf(r.params) : undefined;
    return [{ row: Number(r.row ?? 0), column: String(r.column ?? ''), message: String(r.message ?? ''), params }];
  });
}

/** Import from the Excel template: all rows or none; every bad cell is listed with its row and column. */
export function ImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const templateDownload = useDownload();
  const input = useRef<HTMLInputElement>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const close = () => {
    setFileName(null);
    setOutcome(null);
    if (input.current) input.current.value = '';
    onClose();
  };

  const template = () => templateDownload.start('/api/enterprises/import-template.xlsx', undefined, 'template.xlsx');

  /** Uploads as soon as a file is chosen; the input is cleared so choosing the corrected file again re-uploads. */
  const upload = async (file: File) => {
    setFileName(file.name);
    setBusy(true);
    setOutcome(null);
    try {
      const r = await enterpriseApi.import(file);
      setOutcome({ kind: 'ok', count: r.imported });
      void qc.invalidateQueries({ queryKey: ENTERPRISE_KEYS.all });
      void qc.invalidateQueries({ queryKey: ['dashboard'] });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'IMPORT_INVALID') {
        setOutcome({ kind: 'invalid', errors: rowErrors(err) });
      } else setOutcome({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <Modal
      open={open}
      title={t('enterprises.import.title')}
      onCancel={close}
      width={760}
      destroyOnHidden
      footer={[
        <Button key="close" onClick={close}>
          {t('common.close')}
        </Button>,
      ]}
    >
      <Typography.Paragraph>{t('enterprises.import.hint')}</Typography.Paragraph>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Button icon={<DownloadOutlined />} onClick={() => void template()} data-testid="import-template">
          {t('enterprises.import.template')}
        </Button>
        <input
          ref={input}
          type="file"
          hidden
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          data-testid="import-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void upload(f);
          }}
        />
        <Space wrap>
          <Button
            type="primary"
            icon={<UploadOutlined />}
            loading={busy}
            onClick={() => input.current?.click()}
            data-testid="import-choose"
          >
            {t('enterprises.import.chooseFile')}
          </Button>
          {fileName && <Typography.Text type="secondary">{fileName}</Typography.Text>}
        </Space>
      </Space>
      {outcome?.kind === 'ok' && (
        <Alert
          style={{ marginTop: 16 }}
          type="success"
          showIcon
          data-testid="import-success"
          title={t('enterprises.import.success', { count: outcome.count })}
        />
      )}
      {outcome?.kind === 'error' && <Alert style={{ marginTop: 16 }} type="error" showIcon title={outcome.text} />}
      {outcome?.kind === 'invalid' && (
        <div style={{ marginTop: 16 }}>
          <Alert
            type="error"
            showIcon
            title={t('enterprises.import.invalid', { count: outcome.errors.length })}
            description={t('enterprises.import.nothingImported')}
            style={{ marginBottom: 8 }}
          />
          <Table<ImportRowError>
            data-testid="import-errors"
            size="small"
            rowKey={(r) => `${r.row}:${r.column}:${r.message}`}
            dataSource={outcome.errors}
            pagination={outcome.errors.length > 10 ? { pageSize: 10, size: 'small' } : false}
            scroll={{ x: 480 }}
            columns={[
              { title: t('enterprises.import.row'), dataIndex: 'row', width: 70 },
              { title: t('enterprises.import.column'), dataIndex: 'column', width: 160 },
              {
                title: t('enterprises.import.message'),
                dataIndex: 'message',
                render: (m: string, r: ImportRowError) => fieldMessage(m, r.params),
              },
            ]}
          />
        </div>
      )}
    </Modal>
  );
}
