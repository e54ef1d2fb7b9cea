import { useSearchParams } from 'react-router';
import {
  HAZARD_LEVELS,
  HAZARD_SOURCES,
  HAZARD_STATUSES,
  type HazardLevel,
  type HazardSource,
  type HazardStatus,
} from '../../../core/hazards/workflow';
import type { Query } from '../../shared/api';
import { HAZARD_SORTS, type HazardFilters, type HazardListParams, type HazardSort } from './api';

function oneOf<T extends string>(list: readonly T[], v: string | null): T | undefined {
  return list.find((x) => x === v);
}
function listOf<T extends string>(list: readonly T[], v: string | null): T[] | undefined {
  const out = (v ?? '').split(',').flatMap((s) => oneOf(list, s) ?? []);
  return out.length ? out : undefined;
}
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const date = (v: string | null) => (v && DATE.test(v) ? v : undefined);

/** Reads hazard filters from URL search params (the list, the kanban and saved views share this form). */
export function filtersFromParams(params: URLSearchParams): HazardFilters {
  return {
    q: params.get('q') ?? undefined,
    status: listOf<HazardStatus>(HAZARD_STATUSES, params.get('status')),
    level: oneOf<HazardLevel>(HAZARD_LEVELS, params.get('level')),
    source: listOf<HazardSource>(HAZARD_SOURCES, params.get('source')),
    sector: params.get('sector') ?? undefined,
    regionCode: params.get('regionCode') ?? undefined,
    departmentId: params.get('departmentId') ?? undefined,
    enterpriseId: params.get('enterpriseId') ?? undefined,
    overdue: params.get('overdue') === 'true' ? true : undefined,
    from: date(params.get('from')),
    to: date(params.get('to')),
  };
}

export function toSearch(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (Array.isArray(v)) {
      if (v.length) p.set(k, v.join(','));
    } else p.set(k, String(v));
  }
  return p.toString();
}

/** Filters, page and sort of the hazard list live in the URL: reload, back, links and saved views keep them. */
export function useHazardListState() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const list: HazardListParams = {
    ...filters,
    page: Math.max(1, Number(params.get('page')) || 1),
    pageSize: Math.min(200, Math.max(1, Number(params.get('pageSize')) || 20)),
    sort: oneOf<HazardSort>(HAZARD_SORTS, params.get('sort')) ?? 'created',
  };
  const write = (next: Query) => setParams(new URLSearchParams(toSearch(next)), { replace: true });
  const base = (l: HazardListParams): Query => ({
    ...filtersQuery(l),
    page: l.page === 1 ? undefined : l.page,
    pageSize: l.pageSize === 20 ? undefined : l.pageSize,
    sort: l.sort === 'created' ? undefined : l.sort,
  });
  /** Changing a filter returns to page 1. */
  const setFilters = (patch: Partial<HazardFilters>) => write({ ...base(list), ...patch, page: undefined });
  const setPaging = (patch: Partial<Pick<HazardListParams, 'page' | 'pageSize' | 'sort'>>) =>
    write({ ...base(list), ...patch });
  /** Replaces everything with a saved view's search string. */
  const apply = (search: string) => setParams(new URLSearchParams(search), { replace: true });
  const reset = () => write({});
  return { filters, list, setFilters, setPaging, apply, reset, search: toSearch(filtersQuery(filters)) };
}

export function filtersQuery(f: HazardFilters): Query {
  return {
    q: f.q,
    status: f.status,
    level: f.level,
    source: f.source,
    sector: f.sector,
    regionCode: f.regionCode,
    departmentId: f.departmentId,
    enterpriseId: f.enterpriseId,
    overdue: f.overdue,
    from: f.from,
    to: f.to,
  };
}
