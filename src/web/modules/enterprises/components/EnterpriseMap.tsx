import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import 'leaflet.markercluster/dist/MarkerCluster.Default.css';
import './map.css';
import L from 'leaflet';
import 'leaflet.markercluster';
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import { translate, useT } from '../../../app/i18n';
import type { MapFeature } from '../api';
import { COUNTY_BOUNDS, type TownshipPoint, townshipCells } from './offlineOutline';

export const MARKER_COLORS = { major: '#cf1322', key: '#fa8c16', normal: '#1557b0' } as const;

function markerKind(p: MapFeature['properties']): keyof typeof MARKER_COLORS {
  return p.hasMajorHazard ? 'major' : p.isKey ? 'key' : 'normal';
}

const icons = new Map<string, L.DivIcon>();
function icon(kind: keyof typeof MARKER_COLORS, active: boolean): L.DivIcon {
  const id = `${kind}:${active}`;
  let i = icons.get(id);
  if (!i) {
    i = L.divIcon({
      className: `fx-marker fx-marker-${kind}${active ? '' : ' fx-inactive'}`,
      html: `<span style="background:${MARKER_COLORS[kind]}"></span>`,
      iconSize: [18, 18],
      iconAnchor: [9, 9],
      popupAnchor: [0, -8],
    });
    icons.set(id, i);
  }
  return i;
}

const RANK = { normal: 0, key: 1, major: 2 } as const;
/** Which kind each marker shows, so a cluster can take the colour of its most serious member. */
const kindOf = new WeakMap<L.Marker, keyof typeof MARKER_COLORS>();

function clusterIcon(cluster: L.MarkerCluster): L.DivIcon {
  let worst: keyof typeof MARKER_COLORS = 'normal';
  for (const m of cluster.getAllChildMarkers()) {
    const k = kindOf.get(m) ?? 'normal';
    if (RANK[k] > RANK[worst]) worst = k;
  }
  const n = cluster.getChildCount();
  const size = n < 10 ? 'small' : n < 50 ? 'medium' : 'large';
  return L.divIcon({
    html: `<div><span>${n}</span></div>`,
    className: `marker-cluster marker-cluster-${size} fx-cluster fx-cluster-${worst}`,
    iconSize: L.point(40, 40),
  });
}

const countyBounds = L.latLngBounds(
  [COUNTY_BOUNDS.south, COUNTY_BOUNDS.west],
  [COUNTY_BOUNDS.north, COUNTY_BOUNDS.east],
);

/**
 * Enterprises on a map: clustered markers coloured by flags (red major hazard, orange key, blue others; faded
 * when not operating). The basemap is `tileUrl` when configured, else an offline outline of township areas.
 */
export function EnterpriseMap({
  features,
  tileUrl,
  townships,
  sectorName,
  height,
}: {
  features: MapFeature[];
  tileUrl: string | null;
  townships: TownshipPoint[];
  sectorName: (code: string) => string;
  height: string;
}) {
  const t = useT();
  const navigate = useNavigate();
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const cluster = useRef<L.MarkerClusterGroup | null>(null);
  const outline = useRef<L.LayerGroup | null>(null);
  const go = useRef(navigate);
  go.current = navigate;
  const names = useRef(sectorName);
  names.current = sectorName;

  // The map itself: created once per basemap.
  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, { zoomSnap: 0.5, minZoom: 8, maxZoom: 18, attributionControl: Boolean(tileUrl) });
    m.fitBounds(countyBounds);
    // Township labels sit under the markers, so a label never hides a cluster's count.
    const labels = m.createPane('fx-labels');
    labels.style.zIndex = '450';
    labels.style.pointerEvents = 'none';
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        maxZoom: 18,
        ...(tileUrl.includes('t{s}') ? { subdomains: '01234567' } : {}),
      }).addTo(m);
    }
    const group = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 48,
      chunkedLoading: true,
      iconCreateFunction: clusterIcon,
    });
    group.addTo(m);
    map.current = m;
    cluster.current = group;
    // The container may get its final size after first paint (drawer, banner).
    const ro = new ResizeObserver(() => m.invalidateSize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      m.remove();
      map.current = null;
      cluster.current = null;
      outline.current = null;
    };
  }, [tileUrl]);

  // Offline outline of township areas when there is no tile server.
  useEffect(() => {
    const m = map.current;
    if (!m || tileUrl) return;
    const cells = townshipCells(townships);
    const layer = L.layerGroup();
    L.geoJSON(cells, {
      style: { color: '#3b6ea8', weight: 1.2, fillColor: '#ffffff', fillOpacity: 0.55, dashArray: '4 3' },
      interactive: false,
    }).addTo(layer);
    // Labels at each township's centroid (always inside its cell), not at the cell's centre.
    for (const f of cells.features) {
      const [lng, lat] = f.properties.site;
      L.tooltip({ permanent: true, direction: 'center', className: 'fx-town-label', pane: 'fx-labels' })
        .setLatLng([lat, lng])
        .setContent(f.properties.name)
        .addTo(layer);
    }
    layer.addTo(m);
    outline.current = layer;
    return () => {
      layer.remove();
    };
  }, [townships, tileUrl]);

  // Markers.
  useEffect(() => {
    const group = cluster.current;
    const m = map.current;
    if (!group || !m) return;
    group.clearLayers();
    const markers = features.map((f) => {
      const [lng, lat] = f.geometry.coordinates;
      const p = f.properties;
      const kind = markerKind(p);
      const marker = L.marker([lat, lng], { icon: icon(kind, p.status === 'operating'), title: p.name });
      kindOf.set(marker, kind);
      marker.bindPopup(() => popup(p, names.current, (path) => go.current(path)));
      return marker;
    });
    group.addLayers(markers);
    if (markers.length) {
      const b = group.getBounds();
      if (b.isValid()) m.fitBounds(b.pad(0.05), { maxZoom: 14 });
    } else m.fitBounds(countyBounds);
  }, [features]);

  return (
    <div className="fx-map" style={{ height }}>
      <div ref={el} data-testid="enterprise-map" style={{ position: 'absolute', inset: 0 }} />
      <div className="fx-map-overlay" style={{ left: 10, bottom: 10 }} data-testid="map-legend">
        <div>
          <span className="fx-legend-dot" style={{ background: MARKER_COLORS.major }} />
          {t('enterprises.flags.major')}
        </div>
        <div>
          <span className="fx-legend-dot" style={{ background: MARKER_COLORS.key }} />
          {t('enterprises.flags.key')}
        </div>
        <div>
          <span className="fx-legend-dot" style={{ background: MARKER_COLORS.normal }} />
          {t('enterprises.map.other')}
        </div>
      </div>
      {!tileUrl && (
        <div className="fx-map-overlay" style={{ right: 10, bottom: 10, color: '#666' }} data-testid="offline-note">
          {t('enterprises.map.offlineNote')}
        </div>
      )}
    </div>
  );
}

/** Popup content as DOM (no HTML strings from data): name, sector, and a link that routes inside the app. */
function popup(p: MapFeature['properties'], sectorName: (c: string) => string, go: (path: string) => void) {
  const root = document.createElement('div');
  const title = document.createElement('div');
  title.className = 'fx-popup-title';
  title.textContent = p.name;
  const meta = document.createElement('div');
  meta.textContent = sectorName(p.sector);
  const link = document.createElement('a');
  link.href = `/enterprises/${p.id}`;
  link.textContent = translate('enterprises.map.open');
  link.dataset.testid = 'map-popup-link';
  L.DomEvent.on(link, 'click', (e) => {
    L.DomEvent.preventDefault(e);
    go(`/enterprises/${p.id}`);
  });
  root.append(title, meta, link);
  return root;
}
