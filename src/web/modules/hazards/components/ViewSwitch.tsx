import { AppstoreOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Segmented } from 'antd';
import { useNavigate } from 'react-router';
import { useT } from '../../../app/i18n';

/** List ⇄ kanban, keeping the current filters. */
export function HazardViewSwitch({ value, search }: { value: 'list' | 'kanban'; search: string }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Segmented
      value={value}
      data-testid="hazard-view-switch"
      onChange={(v) => navigate(`${v === 'kanban' ? '/hazards/kanban' : '/hazards'}${search ? `?${search}` : ''}`)}
      options={[
        { value: 'list', icon: <UnorderedListOutlined />, label: t('hazards.list.view.list') },
        { value: 'kanban', icon: <AppstoreOutlined />, label: t('hazards.list.view.kanban') },
      ]}
    />
  );
}
