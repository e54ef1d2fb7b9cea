import { Delaunay } from 'd3-delaunay';
import type { Feature, FeatureCollection, Polygon } from 'geojson';

/** 阳城县's extent (WGS 84), used to clip the offline outline. */
export const COUNTY_BOUNDS = { west: 112.0, south: 35.2, east: 112.62, north: 35.67 } as const;
export type Bounds = { west: number; south: number; east: number; north: number };

export interface TownshipPoint {
  code: string;
  name: string;
  lng: number;
  lat: number;
}

/** A township's approximate area; `site` is its centroid (inside the cell), where its label goes. */
export type OutlineProps = { code: string; name: string; site: [number, number] };
export type OutlineFeature = Feature<Polygon, OutlineProps>;

/**
 * An approximate map of township areas without any network: the Voronoi cell of each township's centroid,
 * clipped to the county's bounding box. Longitude is scaled by cos(latitude) first so the cells follow
 * ground distance rather than degrees.
 */
export function townshipCells(
  points: readonly TownshipPoint[],
  b: Bounds = COUNTY_BOUNDS,
): FeatureCollection<Polygon, OutlineProps> {
  const inside = points.filter((p) => p.lng >= b.west && p.lng <= b.east && p.lat >= b.south && p.lat <= b.north);
  if (inside.length === 0) return { type: 'FeatureCollection', features: [] };
  const k = Math.cos((((b.south + b.north) / 2) * Math.PI) / 180);
  const delaunay = Delaunay.from(
    inside,
    (p) => p.lng * k,
    (p) => p.lat,
  );
  const voronoi = delaunay.voronoi([b.west * k, b.south, b.east * k, b.north]);
  const features: OutlineFeature[] = [];
  inside.forEach((p, i) => {
    const cell = voronoi.cellPolygon(i);
    if (!cell) return;
    const ring = cell.map(([x, y]) => [round(x / k), round(y)]);
    features.push({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: { code: p.code, name: p.name, site: [p.lng, p.lat] },
    });
  });
  return { type: 'FeatureCollection', features };
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
