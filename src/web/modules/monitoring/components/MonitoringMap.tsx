import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import 'leaflet.markercluster/dist/MarkerCluster.Default.css';
import '../../enterprises/components/map.css';
import '../monitoring.css';
import L from 'leaflet';
import 'leaflet.markercluster';
import { useEffect, useMemo, useRef } from 'react';
import { useNavigate } from 'react-router';
import { translate, useT } from '../../../app/i18n';
import { COUNTY_BOUNDS, townshipCells } from '../../enterprises/components/offlineOutline';
import { TOWNSHIP_KINDS, useRegions } from '../../org/api';
import type { OverviewItem } from '../api';
import { SEVERITY_HEX, STATE_HEX, stateHex } from './tags';

/** Rank of a marker's state, so a cluster takes the colour of its worst member. */
function rank(i: OverviewItem): number {
  if (i.worstState === 'alarm') return 10 + (i.worstSeverity ?? 0);
  if (i.worstState === 'offline') return 1;
  return 0;
}

const byMarker = new WeakMap<L.Marker, OverviewItem>();

function clusterIcon(cluster: L.MarkerCluster): L.DivIcon {
  let worst: OverviewItem | undefined;
  for (const m of cluster.getAllChildMarkers()) {
    const i = byMarker.get(m);
    if (i && (!worst || rank(i) > rank(worst))) worst = i;
  }
  const colour = worst ? stateHex(worst.worstState, worst.worstSeverity) : STATE_HEX.normal;
  const n = cluster.getChildCount();
  return L.divIcon({
    html: `<div style="background:${colour};color:#fff"><span>${n}</span></div>`,
    className: 'marker-cluster marker-cluster-small',
    iconSize: L.point(40, 40),
  });
}

const countyBounds = L.latLngBounds(
  [COUNTY_BOUNDS.south, COUNTY_BOUNDS.west],
  [COUNTY_BOUNDS.north, COUNTY_BOUNDS.east],
);

/**
 * Enterprises with monitoring points on a map, coloured by their worst current state: the colour of the most
 * severe active alarm (red/orange/yellow/blue, pulsing), grey when a point is offline, green when all is normal.
 * Markers are replaced in place on every live update; the view is fitted only once, so a watcher's zoom stays.
 */
export function MonitoringMap({
  items,
  tileUrl,
  height,
}: {
  items: OverviewItem[];
  tileUrl: string | null;
  height: string;
}) {
  const t = useT();
  const navigate = useNavigate();
  const regions = useRegions();
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const cluster = useRef<L.MarkerClusterGroup | null>(null);
  const fitted = useRef(false);
  const go = useRef(navigate);
  go.current = navigate;

  const townships = useMemo(
    () =>
      (regions.data ?? []).flatMap((r) =>
        r.depth === 1 && TOWNSHIP_KINDS.includes(r.kind) && r.lng !== null && r.lat !== null
          ? [{ code: r.code, name: r.name, lng: r.lng, lat: r.lat }]
          : [],
      ),
    [regions.data],
  );

  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, { zoomSnap: 0.5, minZoom: 8, maxZoom: 18, attributionControl: Boolean(tileUrl) });
    m.fitBounds(countyBounds);
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 18, ...(tileUrl.includes('t{s}') ? { subdomains: '01234567' } : {}) }).addTo(m);
    }
    const group = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 40,
      iconCreateFunction: clusterIcon,
    });
    group.addTo(m);
    map.current = m;
    cluster.current = group;
    fitted.current = false;
    const ro = new ResizeObserver(() => m.invalidateSize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      m.remove();
      map.current = null;
      cluster.current = null;
    };
  }, [tileUrl]);

  useEffect(() => {
    const m = map.current;
    if (!m || tileUrl || townships.length === 0) return;
    const layer = L.geoJSON(townshipCells(townships), {
      style: { color: '#3b6ea8', weight: 1, fillColor: '#ffffff', fillOpacity: 0.5, dashArray: '4 3' },
      interactive: false,
    }).addTo(m);
    return () => {
      layer.remove();
    };
  }, [townships, tileUrl]);

  useEffect(() => {
    const group = cluster.current;
    const m = map.current;
    if (!group || !m) return;
    group.clearLayers();
    const markers = items.flatMap((i) => {
      if (!i.coordinates) return [];
      const [lng, lat] = i.coordinates;
      const colour = stateHex(i.worstState, i.worstSeverity);
      const marker = L.marker([lat, lng], {
        title: i.name,
        zIndexOffset: rank(i) * 100,
        icon: L.divIcon({
          className: `fx-mon-marker fx-mon-${i.worstState}`,
          html: `<span style="background:${colour}"></span>`,
          iconSize: [20, 20],
          iconAnchor: [10, 10],
          popupAnchor: [0, -8],
        }),
      });
      byMarker.set(marker, i);
      marker.bindPopup(() => popup(i, (path) => go.current(path)));
      return [marker];
    });
    group.addLayers(markers);
    if (!fitted.current && markers.length) {
      const b = group.getBounds();
      if (b.isValid()) m.fitBounds(b.pad(0.1), { maxZoom: 13 });
      fitted.current = true;
    }
  }, [items]);

  return (
    <div className="fx-map" style={{ height }}>
      <div ref={el} data-testid="monitoring-map" style={{ position: 'absolute', inset: 0 }} />
      <div className="fx-map-overlay" style={{ left: 10, bottom: 10 }}>
        {(['red', 'orange', 'yellow', 'blue'] as const).map((c) => (
          <span key={c} style={{ marginRight: 8, whiteSpace: 'nowrap' }}>
            <span className="fx-legend-dot" style={{ background: SEVERITY_HEX[c] }} />
            {t(`monitoring.severity.${c}`)}
          </span>
        ))}
        <span style={{ marginRight: 8, whiteSpace: 'nowrap' }}>
          <span className="fx-legend-dot" style={{ background: STATE_HEX.offline }} />
          {t('monitoring.state.offline')}
        </span>
        <span style={{ whiteSpace: 'nowrap' }}>
          <span className="fx-legend-dot" style={{ background: STATE_HEX.normal }} />
          {t('monitoring.state.normal')}
        </span>
      </div>
    </div>
  );
}

/** Popup as DOM (no HTML from data): name, state counts, a link inside the app. */
function popup(i: OverviewItem, go: (path: string) => void) {
  const root = document.createElement('div');
  const title = document.createElement('div');
  title.className = 'fx-popup-title';
  title.textContent = i.name;
  const meta = document.createElement('div');
  meta.textContent = `${translate('monitoring.overview.pointsSummary', { online: i.online, points: i.points })} · ${translate('monitoring.totals.inAlarm')} ${i.inAlarm} · ${translate('monitoring.totals.unacknowledged')} ${i.unacknowledged}`;
  const link = document.createElement('a');
  const path = `/monitoring/enterprises/${i.enterpriseId}`;
  link.href = path;
  link.textContent = translate('monitoring.overview.openEnterprise');
  L.DomEvent.on(link, 'click', (e) => {
    L.DomEvent.preventDefault(e);
    go(path);
  });
  root.append(title, meta, link);
  return root;
}
