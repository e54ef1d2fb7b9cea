import type {
  EnterpriseCreate,
  EnterpriseScale,
  EnterpriseStatus,
  EnterpriseUpdate,
  ExpiryState,
} from '../../../core/enterprise';
import { api, type Page, type Query } from '../../shared/api';

export interface EnterpriseListItem {
  id: string;
  code: string;
  credit_code: string;
  name: string;
  region_code: string;
  primary_sector: string;
  sectors: string[];
  scale: EnterpriseScale;
  employees: number;
  principal_name: string;
  principal_phone: string;
  is_key: boolean;
  has_major_hazard: boolean;
  standardization_grade: 1 | 2 | 3 | null;
  status: EnterpriseStatus;
  lng: number | null;
  lat: number | null;
  updated_at: string;
  version: number;
}

export interface Licence {
  type: string;
  number: string;
  expiry: string;
}

/** The presented enterprise (camelCase), as POST/PATCH answer it. */
export interface Enterprise {
  id: string;
  code: string;
  creditCode: string;
  name: string;
  formerNames: string[];
  address: string;
  regionCode: string;
  lng: number | null;
  lat: number | null;
  primarySector: string;
  otherSectors: string[];
  scale: EnterpriseScale;
  employees: number;
  principalName: string;
  principalPhone: string;
  safetyManagerName: string;
  safetyManagerPhone: string;
  departmentIds: string[];
  departmentsOverridden: boolean;
  isKey: boolean;
  hasMajorHazard: boolean;
  standardizationGrade: 1 | 2 | 3 | null;
  standardizationExpiry: string | null;
  licences: Licence[];
  status: EnterpriseStatus;
  isDemo: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** GET /api/enterprises/:id adds the region chain, departments and expiry states. */
export interface EnterpriseDetail extends Omit<Enterprise, 'licences'> {
  regionChain: { code: string; name: string }[];
  departments: { id: string; code: string; name_zh: string; name_en: string }[];
  licences: (Licence & { state: ExpiryState; daysLeft: number })[];
  standardization: { state: ExpiryState; daysLeft: number } | null;
}

export interface EnterpriseFilters {
  q?: string | undefined;
  regionCode?: string | undefined;
  sector?: string | undefined;
  departmentId?: string | undefined;
  scale?: EnterpriseScale | undefined;
  status?: EnterpriseStatus[] | undefined;
  isKey?: boolean | undefined;
  hasMajorHazard?: boolean | undefined;
}

export const SORTABLE = ['updated_at', 'name', 'code', 'employees', 'created_at'] as const;
export type SortKey = (typeof SORTABLE)[number];

export interface ListParams extends EnterpriseFilters {
  page: number;
  pageSize: number;
  sort: SortKey;
  order: 'asc' | 'desc';
}

export interface MapFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: {
    id: string;
    name: string;
    sector: string;
    isKey: boolean;
    hasMajorHazard: boolean;
    status: EnterpriseStatus;
  };
}
export interface MapCollection {
  type: 'FeatureCollection';
  features: MapFeature[];
}

export interface ImportRowError {
  row: number;
  column: string;
  /** A stable key (`import.unknown_region`) the page words with `fieldMessage`. */
  message: string;
  params?: Record<string, string | number>;
}

export function filterQuery(f: EnterpriseFilters): Query {
  return {
    q: f.q?.trim(),
    regionCode: f.regionCode,
    sector: f.sector,
    departmentId: f.departmentId,
    scale: f.scale,
    status: f.status,
    isKey: f.isKey,
    hasMajorHazard: f.hasMajorHazard,
  };
}

export const ENTERPRISE_KEYS = {
  all: ['enterprises'] as const,
  list: (p: ListParams) => ['enterprises', 'list', p] as const,
  map: (f: EnterpriseFilters) => ['enterprises', 'map', f] as const,
  detail: (id: string) => ['enterprises', 'detail', id] as const,
};

export const enterpriseApi = {
  list: (p: ListParams) =>
    api<Page<EnterpriseListItem>>('/api/enterprises', {
      query: { ...filterQuery(p), page: p.page, pageSize: p.pageSize, sort: p.sort, order: p.order },
    }),
  map: (f: EnterpriseFilters) => api<MapCollection>('/api/enterprises/map', { query: filterQuery(f) }),
  get: (id: string) => api<EnterpriseDetail>(`/api/enterprises/${encodeURIComponent(id)}`),
  create: (body: EnterpriseCreate) => api<Enterprise>('/api/enterprises', { method: 'POST', body }),
  update: (id: string, body: EnterpriseUpdate) =>
    api<Enterprise>(`/api/enterprises/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  import: (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api<{ imported: number; ids: string[] }>('/api/enterprises/import', { method: 'POST', form });
  },
};
