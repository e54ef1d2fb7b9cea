import { EnvironmentOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Segmented } from 'antd';
import { useNavigate } from 'react-router';
import { useT } from '../../../app/i18n';

/** List ⇄ map, keeping the current filters. */
export function ViewSwitch({ value, search }: { value: 'list' | 'map'; search: string }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Segmented
      value={value}
      data-testid="view-switch"
      onChange={(v) => navigate(`${v === 'map' ? '/enterprises/map' : '/enterprises'}${search ? `?${search}` : ''}`)}
      options={[
        { value: 'list', icon: <UnorderedListOutlined />, label: t('enterprises.view.list') },
        { value: 'map', icon: <EnvironmentOutlined />, label: t('enterprises.view.map') },
      ]}
    />
  );
}
