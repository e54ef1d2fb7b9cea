import {
  ENTERPRISE_SELF_EDITABLE,
  type EnterpriseScale,
  type EnterpriseStatus,
  type EnterpriseUpdate,
} from '../../../../core/enterprise';
import type { EnterpriseDetail, Licence } from '../api';

/** What the AntD form holds (dates as YYYY-MM-DD strings; the departments override as a switch + list). */
export interface FormValues {
  creditCode: string;
  name: string;
  formerNames: string[];
  address: string;
  regionCode: string | undefined;
  lng: number | null;
  lat: number | null;
  primarySector: string | undefined;
  otherSectors: string[];
  scale: EnterpriseScale;
  employees: number | null;
  principalName: string;
  principalPhone: string;
  safetyManagerName: string;
  safetyManagerPhone: string;
  overrideDepartments: boolean;
  departmentIds: string[];
  isKey: boolean;
  hasMajorHazard: boolean;
  standardizationGrade: 1 | 2 | 3 | null;
  standardizationExpiry: string | null;
  licences: Partial<Licence>[];
  status: EnterpriseStatus;
}

/** The body fields, named as the API (and the zod schemas in core/enterprise.ts) name them. */
export const PAYLOAD_FIELDS = [
  'creditCode',
  'name',
  'formerNames',
  'address',
  'regionCode',
  'lng',
  'lat',
  'primarySector',
  'otherSectors',
  'scale',
  'employees',
  'principalName',
  'principalPhone',
  'safetyManagerName',
  'safetyManagerPhone',
  'departmentIds',
  'isKey',
  'hasMajorHazard',
  'standardizationGrade',
  'standardizationExpiry',
  'licences',
  'status',
] as const;
export type PayloadField = (typeof PAYLOAD_FIELDS)[number];
export type Payload = Record<PayloadField, unknown>;

export function emptyValues(regionCode?: string): FormValues {
  return {
    creditCode: '',
    name: '',
    formerNames: [],
    address: '',
    regionCode,
    lng: null,
    lat: null,
    primarySector: undefined,
    otherSectors: [],
    scale: 'below',
    employees: 0,
    principalName: '',
    principalPhone: '',
    safetyManagerName: '',
    safetyManagerPhone: '',
    overrideDepartments: false,
    departmentIds: [],
    isKey: false,
    hasMajorHazard: false,
    standardizationGrade: null,
    standardizationExpiry: null,
    licences: [],
    status: 'operating',
  };
}

export function valuesFromDetail(e: EnterpriseDetail): FormValues {
  return {
    creditCode: e.creditCode,
    name: e.name,
    formerNames: e.formerNames,
    address: e.address,
    regionCode: e.regionCode,
    lng: e.lng,
    lat: e.lat,
    primarySector: e.primarySector,
    otherSectors: e.otherSectors,
    scale: e.scale,
    employees: e.employees,
    principalName: e.principalName,
    principalPhone: e.principalPhone,
    safetyManagerName: e.safetyManagerName,
    safetyManagerPhone: e.safetyManagerPhone,
    overrideDepartments: e.departmentsOverridden,
    departmentIds: e.departmentIds,
    isKey: e.isKey,
    hasMajorHazard: e.hasMajorHazard,
    standardizationGrade: e.standardizationGrade,
    standardizationExpiry: e.standardizationExpiry,
    licences: e.licences.map(({ type, number, expiry }) => ({ type, number, expiry })),
    status: e.status,
  };
}

/** Form values → the request body shape, before zod parses it (the schema trims, upper-cases, defaults). */
export function toPayload(v: Partial<FormValues>): Payload {
  const primary = v.primarySector ?? '';
  return {
    creditCode: v.creditCode ?? '',
    name: v.name ?? '',
    formerNames: (v.formerNames ?? []).map((n) => n.trim()).filter(Boolean),
    address: v.address ?? '',
    regionCode: v.regionCode ?? '',
    lng: v.lng ?? null,
    lat: v.lat ?? null,
    primarySector: primary,
    otherSectors: (v.otherSectors ?? []).filter((s) => s !== primary),
    scale: v.scale ?? 'below',
    employees: v.employees ?? 0,
    principalName: v.principalName ?? '',
    principalPhone: v.principalPhone ?? '',
    safetyManagerName: v.safetyManagerName ?? '',
    safetyManagerPhone: v.safetyManagerPhone ?? '',
    departmentIds: v.overrideDepartments ? (v.departmentIds ?? []) : null,
    isKey: v.isKey ?? false,
    hasMajorHazard: v.hasMajorHazard ?? false,
    standardizationGrade: v.standardizationGrade ?? null,
    standardizationExpiry: v.standardizationExpiry || null,
    licences: (v.licences ?? []).map((l) => ({
      type: l?.type ?? '',
      number: l?.number ?? '',
      expiry: l?.expiry ?? '',
    })),
    status: v.status ?? 'operating',
  };
}

/** Whether the signed-in side may edit a field: an enterprise's own users only the self-editable ones. */
export function editableBy(selfOnly: boolean) {
  const allowed = new Set<string>(ENTERPRISE_SELF_EDITABLE);
  return (field: PayloadField) => !selfOnly || allowed.has(field);
}

/**
 * The PATCH body: only changed fields, plus `version`. Standardization grade and expiry travel together,
 * because the schema checks one against the other.
 */
export function patchBody(
  before: Payload,
  after: Payload,
  version: number,
  editable: (f: PayloadField) => boolean,
): Record<string, unknown> & Pick<EnterpriseUpdate, 'version'> {
  const body: Record<string, unknown> & { version: number } = { version };
  for (const f of PAYLOAD_FIELDS) {
    if (editable(f) && JSON.stringify(before[f]) !== JSON.stringify(after[f])) body[f] = after[f];
  }
  if ('standardizationGrade' in body || 'standardizationExpiry' in body) {
    body.standardizationGrade = after.standardizationGrade;
    body.standardizationExpiry = after.standardizationExpiry;
  }
  return body;
}
