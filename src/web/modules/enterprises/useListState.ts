import { useSearchParams } from 'react-router';
import {
  ENTERPRISE_SCALES,
  ENTERPRISE_STATUSES,
  type EnterpriseScale,
  type EnterpriseStatus,
} from '../../../core/enterprise';
import type { Query } from '../../shared/api';
import { type EnterpriseFilters, type ListParams, SORTABLE, type SortKey } from './api';

function oneOf<T extends string>(list: readonly T[], v: string | null): T | undefined {
  return list.find((x) => x === v);
}
function bool(v: string | null): boolean | undefined {
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

/** Filters, page and sort of the enterprise list live in the URL, so reload, back and links keep them. */
export function useListState() {
  const [params, setParams] = useSearchParams();
  const filters: EnterpriseFilters = {
    q: params.get('q') ?? undefined,
    regionCode: params.get('regionCode') ?? undefined,
    sector: params.get('sector') ?? undefined,
    departmentId: params.get('departmentId') ?? undefined,
    scale: oneOf<EnterpriseScale>(ENTERPRISE_SCALES, params.get('scale')),
    status: (params.get('status') ?? '')
      .split(',')
      .flatMap((s) => oneOf<EnterpriseStatus>(ENTERPRISE_STATUSES, s) ?? []),
    isKey: bool(params.get('isKey')),
    hasMajorHazard: bool(params.get('hasMajorHazard')),
  };
  if (filters.status?.length === 0) filters.status = undefined;
  const list: ListParams = {
    ...filters,
    page: Math.max(1, Number(params.get('page')) || 1),
    pageSize: Math.min(200, Math.max(1, Number(params.get('pageSize')) || 20)),
    sort: oneOf<SortKey>(SORTABLE, params.get('sort')) ?? 'updated_at',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
  };

  const write = (next: Query) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) {
      if (v === undefined || v === null || v === '') continue;
      if (Array.isArray(v)) {
        if (v.length) p.set(k, v.join(','));
      } else p.set(k, String(v));
    }
    setParams(p, { replace: true });
  };

  /** Changing a filter returns to page 1. */
  const setFilters = (patch: Partial<EnterpriseFilters>) => write({ ...toQuery(list), ...patch, page: undefined });
  const setPaging = (patch: Partial<Pick<ListParams, 'page' | 'pageSize' | 'sort' | 'order'>>) =>
    write({ ...toQuery(list), ...patch });
  const reset = () => write({});
  return { filters, list, setFilters, setPaging, reset, search: params.toString() };
}

function toQuery(l: ListParams): Query {
  return {
    q: l.q,
    regionCode: l.regionCode,
    sector: l.sector,
    departmentId: l.departmentId,
    scale: l.scale,
    status: l.status,
    isKey: l.isKey,
    hasMajorHazard: l.hasMajorHazard,
    page: l.page === 1 ? undefined : l.page,
    pageSize: l.pageSize === 20 ? undefined : l.pageSize,
    sort: l.sort === 'updated_at' ? undefined : l.sort,
    order: l.order === 'desc' ? undefined : l.order,
  };
}
