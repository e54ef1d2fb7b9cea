import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  AlarmRule,
  AlarmStatus,
  AlarmUserAction,
  MonitorKind,
  PointCreate,
  PointUpdate,
  Severity,
  SeverityColour,
  ThresholdOverrides,
  Thresholds,
  ThresholdTemplate,
  WarningLevel,
} from '../../../core/monitoring';
import { api, type Page } from '../../shared/api';

/** The overview's worst state of an enterprise (server `WorstState`). */
export type WorstState = 'alarm' | 'offline' | 'normal' | 'no_points';

export interface OverviewItem {
  enterpriseId: string;
  name: string;
  coordinates: [number, number] | null;
  regionCode: string;
  points: number;
  online: number;
  offline: number;
  inAlarm: number;
  unacknowledged: number;
  tamperingOpen: number;
  worstSeverity: Severity | null;
  worstColour: SeverityColour | null;
  worstState: WorstState;
}

export interface Overview {
  asOf: string;
  totals: {
    enterprises: number;
    points: number;
    online: number;
    offline: number;
    inAlarm: number;
    unacknowledged: number;
  };
  items: OverviewItem[];
}

export interface PointStatus {
  lastTs: string | null;
  lastValue: number | null;
  online: boolean;
  openAlarms: number;
  worstSeverity: Severity | null;
}

export interface MonitoringPoint {
  id: string;
  enterpriseId: string;
  enterpriseName?: string;
  code: string;
  name: string;
  kind: MonitorKind;
  unit: string;
  installation: string | null;
  location: string;
  lng: number | null;
  lat: number | null;
  rangeMin: number | null;
  rangeMax: number | null;
  intervalSeconds: number;
  template: string | null;
  templateUncertain: boolean;
  /** The point's own overrides (a number replaces the template's, null removes it). */
  thresholds: ThresholdOverrides;
  effectiveThresholds: Thresholds | null;
  flatlineSeconds: number | null;
  flatlineTolerance: number | null;
  rateWindowSeconds: number | null;
  severities: Partial<Record<AlarmRule, Severity>>;
  active: boolean;
  version: number;
  status: PointStatus | null;
}

export interface PointDetail extends MonitoringPoint {
  enterpriseName: string;
  openAlarms: Alarm[];
}

export interface Alarm {
  id: string;
  code: string;
  pointId: string;
  point: { code: string; name: string; kind: MonitorKind; unit: string } | null;
  enterpriseId: string;
  enterpriseName: string | null;
  rule: AlarmRule;
  ruleName: { zh: string; en: string };
  severity: Severity;
  colour: SeverityColour | null;
  warningLevel: WarningLevel | null;
  tampering: boolean;
  status: AlarmStatus;
  acknowledged: boolean;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  acknowledgeNote: string | null;
  count: number;
  raisedAt: string;
  clearedAt: string | null;
  closedAt: string | null;
  closedBy: string | null;
  closedHow: 'auto' | 'forced' | null;
  closeReason: string | null;
  hazardId: string | null;
  hazardRequestedAt: string | null;
  firstValue: number | null;
  peakValue: number | null;
  lastValue: number | null;
  threshold: number | null;
  lastEventAt: string;
  escalatedAt: string | null;
  version: number;
  allowedActions?: AlarmUserAction[];
}

export interface AlarmEventRow {
  at: string;
  type: string;
  actorId: string | null;
  actorName: string | null;
  value: number | null;
  note: string | null;
}

export interface AlarmDetail extends Alarm {
  events: AlarmEventRow[];
}

export interface AlarmFilters {
  status?: AlarmStatus[] | undefined;
  severity?: Severity[] | undefined;
  enterpriseId?: string | undefined;
  pointId?: string | undefined;
  acknowledged?: boolean | undefined;
  tampering?: boolean | undefined;
  to?: string | undefined;
}

export type Step = 'raw' | '1m' | '1h';
export interface RawItem {
  ts: string;
  value: number;
}
export interface RollupItem {
  ts: string;
  min: number;
  max: number;
  avg: number;
  last: number;
  count: number;
}
export interface Series {
  pointId: string;
  unit: string;
  from: string;
  to: string;
  step: Step;
  items: (RawItem | RollupItem)[];
  truncated: boolean;
}

export interface QualityItem {
  enterpriseId: string;
  name: string;
  points: number;
  online: number;
  onlineRate: number | null;
  completeness24h: number | null;
  deadLetters24h: number;
  deadLettersByReason: Record<string, number>;
  tampering: { open: number; last30Days: number; rules: AlarmRule[] };
}
export interface Quality {
  asOf: string;
  enterprises: QualityItem[];
  unattributedDeadLetters24h: Record<string, number>;
}

export interface DeadLetter {
  id: string;
  receivedAt: string;
  source: string;
  gatewayId: string | null;
  enterpriseId: string | null;
  point: string | null;
  pointId: string | null;
  reason: string;
  detail: string | null;
  index: number | null;
  readingTs: string | null;
  payload: string | null;
}

export interface AlarmActionBody {
  action: AlarmUserAction;
  /** Only for a forced close: an active alarm's version changes with every reading, acknowledging must not care. */
  version?: number;
  note?: string;
  reason?: string;
}

export interface Gateway {
  id: string;
  enterpriseId: string;
  name: string;
  /** The token's last four characters (`…a1b2`): the token itself is shown once, at registration. */
  tokenHint: string;
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
  status: 'active' | 'revoked';
  version: number;
}

/** How gateways reach the platform (server `gatewayConnection`). */
export interface GatewayConnection {
  topicPrefix: string;
  qos: 1;
  externalBroker: boolean;
  mqttPort: number | null;
  httpPath: string;
}

export interface TemplatesAnswer {
  items: ThresholdTemplate[];
  rules: { rule: AlarmRule; severity: Severity; tampering: boolean; nameZh: string; nameEn: string }[];
}

export const MONITORING_KEYS = {
  all: ['monitoring'] as const,
  overview: ['monitoring', 'overview'] as const,
  alarms: (f: AlarmFilters & { page: number; pageSize: number }) => ['monitoring', 'alarms', f] as const,
  alarm: (id: string) => ['monitoring', 'alarm', id] as const,
  points: (enterpriseId: string) => ['monitoring', 'points', enterpriseId] as const,
  point: (id: string) => ['monitoring', 'point', id] as const,
  sparklines: (enterpriseId: string) => ['monitoring', 'sparklines', enterpriseId] as const,
  series: (id: string, from: string, to: string, step: Step | 'auto') =>
    ['monitoring', 'series', id, from, to, step] as const,
  quality: ['monitoring', 'quality'] as const,
  gateways: (enterpriseId: string) => ['monitoring', 'gateways', enterpriseId] as const,
  managedPoints: (enterpriseId: string) => ['monitoring', 'managedPoints', enterpriseId] as const,
  templates: ['monitoring', 'templates'] as const,
  deadLetters: (page: number, enterpriseId?: string) => ['monitoring', 'deadLetters', page, enterpriseId] as const,
};

export const monitoringApi = {
  overview: () => api<Overview>('/api/monitoring/overview'),
  alarms: (f: AlarmFilters & { page: number; pageSize: number }) =>
    api<Page<Alarm>>('/api/alarms', {
      query: {
        status: f.status,
        severity: f.severity?.map(String),
        enterpriseId: f.enterpriseId,
        pointId: f.pointId,
        acknowledged: f.acknowledged,
        tampering: f.tampering,
        to: f.to,
        page: f.page,
        pageSize: f.pageSize,
      },
    }),
  alarm: (id: string) => api<AlarmDetail>(`/api/alarms/${encodeURIComponent(id)}`),
  act: (id: string, body: AlarmActionBody) =>
    api<Alarm>(`/api/alarms/${encodeURIComponent(id)}/actions`, { method: 'POST', body }),
  points: (enterpriseId: string) =>
    api<Page<MonitoringPoint>>('/api/points', { query: { enterpriseId, active: true, pageSize: 200 } }),
  point: (id: string) => api<PointDetail>(`/api/points/${encodeURIComponent(id)}`),
  sparklines: (enterpriseId: string) =>
    api<{ asOf: string; minutes: number; items: Record<string, [string, number][]> }>('/api/monitoring/sparklines', {
      query: { enterpriseId, minutes: 60 },
    }),
  series: (id: string, from: string, to: string, step: Step | 'auto') =>
    api<Series>(`/api/points/${encodeURIComponent(id)}/readings`, {
      query: { from, to, step: step === 'auto' ? undefined : step },
    }),
  quality: () => api<Quality>('/api/monitoring/quality'),
  deadLetters: (page: number, enterpriseId?: string) =>
    api<Page<DeadLetter>>('/api/monitoring/dead-letters', { query: { page, pageSize: 20, enterpriseId } }),
  templates: () => api<TemplatesAnswer>('/api/threshold-templates'),
  gateways: (enterpriseId: string) =>
    api<{ items: Gateway[]; connection: GatewayConnection }>('/api/gateways', { query: { enterpriseId } }),
  createGateway: (enterpriseId: string, name: string) =>
    api<Gateway & { token: string }>('/api/gateways', { method: 'POST', body: { enterpriseId, name } }),
  revokeGateway: (id: string) => api<Gateway>(`/api/gateways/${encodeURIComponent(id)}/revoke`, { method: 'POST' }),
  /** Every point of the enterprise, switched-off ones included (the management list). */
  managedPoints: (enterpriseId: string) =>
    api<Page<MonitoringPoint>>('/api/points', { query: { enterpriseId, pageSize: 200 } }),
  createPoint: (body: PointCreate) => api<MonitoringPoint>('/api/points', { method: 'POST', body }),
  updatePoint: (id: string, body: PointUpdate) =>
    api<MonitoringPoint>(`/api/points/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
};

/** The templates change only with a release: fetched once per session. */
export function useTemplates() {
  return useQuery({ queryKey: MONITORING_KEYS.templates, queryFn: monitoringApi.templates, staleTime: Infinity });
}

/** Live screens also poll slowly: SSE brings alarms at once, the poll catches online/offline changes. */
const LIVE_POLL_MS = 15_000;

export function useOverview() {
  return useQuery({
    queryKey: MONITORING_KEYS.overview,
    queryFn: monitoringApi.overview,
    refetchInterval: LIVE_POLL_MS,
  });
}

export function useAlarms(f: AlarmFilters & { page: number; pageSize: number }) {
  return useQuery({
    queryKey: MONITORING_KEYS.alarms(f),
    queryFn: () => monitoringApi.alarms(f),
    placeholderData: keepPreviousData,
    refetchInterval: LIVE_POLL_MS,
  });
}

export function useEnterprisePoints(enterpriseId: string) {
  return useQuery({
    queryKey: MONITORING_KEYS.points(enterpriseId),
    queryFn: () => monitoringApi.points(enterpriseId),
    refetchInterval: LIVE_POLL_MS,
  });
}

export function useSparklines(enterpriseId: string) {
  return useQuery({
    queryKey: MONITORING_KEYS.sparklines(enterpriseId),
    queryFn: () => monitoringApi.sparklines(enterpriseId),
    refetchInterval: 60_000,
  });
}

export function isRollup(item: RawItem | RollupItem): item is RollupItem {
  return 'avg' in item;
}
