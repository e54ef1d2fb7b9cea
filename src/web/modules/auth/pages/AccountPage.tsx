import { App, Card, Col, Descriptions, Row } from 'antd';
import { useLang, useT } from '../../../app/i18n';
import { useMe } from '../api';
import { PasswordForm } from '../components/PasswordForm';
import { TokensCard } from '../components/TokensCard';

export default function AccountPage() {
  const t = useT();
  const lang = useLang();
  const { data: me } = useMe();
  const { message } = App.useApp();
  if (!me) return null;
  const u = me.user;
  const jurisdiction =
    u.enterprise?.name ??
    u.region?.name ??
    (u.department ? (lang === 'en' ? u.department.name_en : u.department.name_zh) : t('account.county'));

  return (
    <>
      <h1 className="fx-page-title">{t('menu.account')}</h1>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card title={t('account.profile')} style={{ marginBottom: 16 }}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('users.username')}>{u.username}</Descriptions.Item>
              <Descriptions.Item label={t('users.displayName')}>{u.displayName}</Descriptions.Item>
              <Descriptions.Item label={t('users.role')}>{t(`roles.${u.role}`)}</Descriptions.Item>
              <Descriptions.Item label={t('account.jurisdiction')}>{jurisdiction}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title={t('password.title')}>
            <PasswordForm username={u.username} onDone={() => message.success(t('password.changed'))} />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <TokensCard />
        </Col>
      </Row>
    </>
  );
}
