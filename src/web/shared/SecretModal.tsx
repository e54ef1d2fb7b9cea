import { Alert, Modal, Typography } from 'antd';
import { useT } from '../app/i18n';

/** Shows a secret (one-time password, API token) once, with a copy button. */
export function SecretModal({
  open,
  title,
  secret,
  hint,
  onClose,
}: {
  open: boolean;
  title: string;
  secret: string | null;
  hint?: string;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Modal
      open={open}
      title={title}
      onOk={onClose}
      onCancel={onClose}
      okText={t('common.done')}
      cancelButtonProps={{ style: { display: 'none' } }}
      mask={{ closable: false }}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={t('common.shownOnce')} description={hint} style={{ marginBottom: 16 }} />
      <Typography.Paragraph
        copyable={{ text: secret ?? '', tooltips: [t('common.copy'), t('common.copied')] }}
        code
        data-testid="secret-value"
        style={{ fontSize: 16, wordBreak: 'break-all' }}
      >
        {secret}
      </Typography.Paragraph>
    </Modal>
  );
}
