import { useQuery } from '@tanstack/react-query';
import { Alert, Spin, Typography } from 'antd';
import { useMemo } from 'react';
import { useLang, useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { useIsPhone } from '../../../shared/hooks';
import { useMe } from '../../auth/api';
import { TOWNSHIP_KINDS, useRegions, useSectors } from '../../org/api';
import { ENTERPRISE_KEYS, enterpriseApi, type MapFeature } from '../api';
import { EnterpriseMap } from '../components/EnterpriseMap';
import { Filters } from '../components/Filters';
import { ViewSwitch } from '../components/ViewSwitch';
import { useListState } from '../useListState';

const NO_FEATURES: MapFeature[] = [];

export default function EnterpriseMapPage() {
  const t = useT();
  const lang = useLang();
  const phone = useIsPhone();
  const { data: me } = useMe();
  const state = useListState();
  const regions = useRegions();
  const sectors = useSectors();
  const data = useQuery({
    queryKey: ENTERPRISE_KEYS.map(state.filters),
    queryFn: () => enterpriseApi.map(state.filters),
  });

  const townships = useMemo(
    () =>
      (regions.data ?? []).flatMap((r) =>
        r.depth === 1 && TOWNSHIP_KINDS.includes(r.kind) && r.lng !== null && r.lat !== null
          ? [{ code: r.code, name: r.name, lng: r.lng, lat: r.lat }]
          : [],
      ),
    [regions.data],
  );
  const sectorMap = new Map((sectors.data ?? []).map((s) => [s.code, lang === 'en' ? s.name_en : s.name_zh]));

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('menu.enterpriseMap')}
        </h1>
        {data.data && (
          <Typography.Text type="secondary" data-testid="map-count">
            {t('enterprises.map.count', { count: data.data.features.length })}
          </Typography.Text>
        )}
        <ViewSwitch value="map" search={state.search} />
      </div>
      <Filters filters={state.filters} onChange={state.setFilters} onReset={state.reset} />
      {data.error && <Alert type="error" showIcon title={errorMessage(data.error)} style={{ marginBottom: 12 }} />}
      <Spin spinning={data.isFetching}>
        <EnterpriseMap
          features={data.data?.features ?? NO_FEATURES}
          tileUrl={me?.tileUrl ?? null}
          townships={townships}
          sectorName={(c) => sectorMap.get(c) ?? c}
          height={phone ? 'max(360px, calc(100vh - 260px))' : 'max(420px, calc(100vh - 300px))'}
        />
      </Spin>
    </>
  );
}
