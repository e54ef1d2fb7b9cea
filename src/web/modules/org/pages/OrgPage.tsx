import { Card, Tabs } from 'antd';
import { useSearchParams } from 'react-router';
import { useT } from '../../../app/i18n';
import { useCan } from '../../auth/api';
import { DepartmentsTab } from '../components/DepartmentsTab';
import { RegionsTab } from '../components/RegionsTab';
import { SectorsTab } from '../components/SectorsTab';

/** Regions, sectors and departments: editable with org.manage, read-only with org.read. */
export default function OrgPage() {
  const t = useT();
  const can = useCan();
  const manage = can('org.manage');
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'regions';
  return (
    <>
      <h1 className="fx-page-title">{t('menu.org')}</h1>
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams({ tab: k }, { replace: true })}
          items={[
            { key: 'regions', label: t('org.tabs.regions'), children: <RegionsTab manage={manage} /> },
            { key: 'sectors', label: t('org.tabs.sectors'), children: <SectorsTab manage={manage} /> },
            { key: 'departments', label: t('org.tabs.departments'), children: <DepartmentsTab manage={manage} /> },
          ]}
        />
      </Card>
    </>
  );
}
