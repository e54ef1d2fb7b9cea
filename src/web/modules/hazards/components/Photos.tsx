import { CameraOutlined } from '@ant-design/icons';
import { App, Button, Empty, Image, Space, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { type FileRow, fileUrl, hazardApi, thumbUrl } from '../api';

/** Thumbnails (from the files API) that open the full image; other files are links. */
export function Thumbs({ files, testId }: { files: FileRow[]; testId?: string }) {
  const t = useT();
  if (files.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.noData')} />;
  const images = files.filter((f) => f.mime.startsWith('image/'));
  const others = files.filter((f) => !f.mime.startsWith('image/'));
  return (
    <div data-testid={testId}>
      <Image.PreviewGroup>
        <Space wrap size={8}>
          {images.map((f) => (
            <Image
              key={f.id}
              width={96}
              height={96}
              style={{ objectFit: 'cover', borderRadius: 4 }}
              src={thumbUrl(f.id)}
              preview={{ src: fileUrl(f.id) }}
              alt={f.name}
              data-testid="thumb"
            />
          ))}
        </Space>
      </Image.PreviewGroup>
      {others.map((f) => (
        <div key={f.id}>
          <a href={fileUrl(f.id)} target="_blank" rel="noreferrer">
            {f.name}
          </a>
        </div>
      ))}
    </div>
  );
}

/**
 * Picks photos (the phone's camera or gallery) and uploads each at once to `POST /api/files`; `onChange` gets
 * the ids of the uploaded files. Progress shows per file; a failed upload shows its reason and is left out.
 */
export function PhotoUpload({
  value,
  onChange,
  max = 9,
  testId,
  accept = 'image/*',
}: {
  value?: string[];
  onChange?: (ids: string[]) => void;
  max?: number;
  testId?: string;
  accept?: string;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const ids = value ?? [];

  const sync = (list: UploadFile[]) => {
    setFiles(list);
    onChange?.(list.flatMap((f) => (f.status === 'done' && typeof f.response === 'string' ? [f.response] : [])));
  };

  return (
    <div data-testid={testId}>
      <Upload
        listType="picture-card"
        accept={accept}
        multiple
        fileList={files}
        maxCount={max}
        customRequest={({ file, onSuccess, onError }) => {
          if (!(file instanceof File)) return;
          hazardApi
            .upload(file)
            .then((row) => onSuccess?.(row.id))
            .catch((err: unknown) => {
              message.error(`${t('hazards.form.uploadFailed', { name: file.name })} ${errorMessage(err)}`);
              onError?.(err instanceof Error ? err : new Error(String(err)));
            });
        }}
        onChange={({ fileList }) => sync(fileList.filter((f) => f.status !== 'error'))}
        onRemove={(f) => {
          sync(files.filter((x) => x.uid !== f.uid));
          return true;
        }}
      >
        {ids.length + files.filter((f) => f.status === 'uploading').length < max && (
          <Button type="text" icon={<CameraOutlined />} style={{ height: 'auto', whiteSpace: 'normal' }}>
            {t('hazards.form.uploadPhoto')}
          </Button>
        )}
      </Upload>
    </div>
  );
}
