import { useQuery } from '@tanstack/react-query';
import { api, type Page } from '../../shared/api';

export type RegionKind = 'county' | 'town' | 'township' | 'dev_zone' | 'village' | 'community';
export const TOWNSHIP_KINDS: readonly RegionKind[] = ['town', 'township', 'dev_zone'];
export const VILLAGE_KINDS: readonly RegionKind[] = ['village', 'community'];

export interface Region {
  code: string;
  parent_code: string | null;
  name: string;
  kind: RegionKind;
  path: string;
  depth: number;
  lng: number | null;
  lat: number | null;
}

export interface Sector {
  code: string;
  parent_code: string | null;
  name_zh: string;
  name_en: string;
  sort: number;
  version: number;
}

export interface Department {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  sectors: string[];
  enterprise_count: number;
  version: number;
}

export interface SectorCreate {
  code: string;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  sort: number;
}
export interface DepartmentCreate {
  code: string;
  nameZh: string;
  nameEn: string;
  sectors: string[];
}

export const ORG_KEYS = {
  regions: ['org', 'regions'] as const,
  sectors: ['org', 'sectors'] as const,
  departments: ['org', 'departments'] as const,
};

export const orgApi = {
  regions: () => api<Page<Region>>('/api/regions'),
  importRegions: (csv: string) => api<{ imported: number }>('/api/regions/import', { method: 'POST', body: { csv } }),
  sectors: () => api<Page<Sector>>('/api/sectors'),
  createSector: (b: SectorCreate) => api<Sector>('/api/sectors', { method: 'POST', body: b }),
  updateSector: (code: string, b: { version: number; nameZh?: string; nameEn?: string; sort?: number }) =>
    api<Sector>(`/api/sectors/${code}`, { method: 'PATCH', body: b }),
  departments: () => api<Page<Department>>('/api/departments'),
  createDepartment: (b: DepartmentCreate) => api<Department>('/api/departments', { method: 'POST', body: b }),
  updateDepartment: (id: string, b: { version: number; nameZh?: string; nameEn?: string; sectors?: string[] }) =>
    api<Department>(`/api/departments/${id}`, { method: 'PATCH', body: b }),
};

const LONG = 10 * 60_000;
export function useRegions() {
  return useQuery({ queryKey: ORG_KEYS.regions, queryFn: orgApi.regions, staleTime: LONG, select: (p) => p.items });
}
export function useSectors() {
  return useQuery({ queryKey: ORG_KEYS.sectors, queryFn: orgApi.sectors, staleTime: LONG, select: (p) => p.items });
}
export function useDepartments() {
  return useQuery({
    queryKey: ORG_KEYS.departments,
    queryFn: orgApi.departments,
    staleTime: LONG,
    select: (p) => p.items,
  });
}

export interface RegionNode {
  value: string;
  title: string;
  kind: RegionKind;
  children?: RegionNode[];
}

/**
 * The region list as a tree for TreeSelect/Tree. `minDepth` drops levels above it (1 = start at townships);
 * `maxDepth` drops levels below it. Orphans whose parent is out of scope become roots.
 */
export function regionTree(regions: readonly Region[], minDepth = 1, maxDepth = 9): RegionNode[] {
  const kept = regions.filter((r) => r.depth >= minDepth && r.depth <= maxDepth);
  const byCode = new Map<string, RegionNode>();
  for (const r of kept) byCode.set(r.code, { value: r.code, title: r.name, kind: r.kind });
  const roots: RegionNode[] = [];
  for (const r of kept) {
    const node = byCode.get(r.code);
    if (!node) continue;
    const parent = r.parent_code ? byCode.get(r.parent_code) : undefined;
    if (parent) {
      parent.children ??= [];
      parent.children.push(node);
    } else roots.push(node);
  }
  return roots;
}

/** code → name lookup. */
export function regionNames(regions: readonly Region[] | undefined): Map<string, string> {
  return new Map((regions ?? []).map((r) => [r.code, r.name]));
}
