import { sql } from 'kysely';
import { SEVERITY_COLOUR, type Severity } from '../../../core/monitoring/index.js';
import type { Actor } from '../../platform/authz/actor.js';
import { scopeKind } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor } from '../../platform/db/client.js';

// A point is online when its last reading is younger than 3 × its expected interval (AQ 6201).

export type WorstState = 'alarm' | 'offline' | 'normal' | 'no_points';

/** Per enterprise in scope that has monitoring points: online/offline/in alarm and the worst state. */
export async function monitoringOverview(
  db: Executor,
  actor: Actor,
  now: Date,
  f: { regionCode?: string | undefined },
) {
  const scope = enterpriseScope(actor, 'e');
  const region = f.regionCode
    ? sql<boolean>`e.region_path like (select replace(replace(path, '_', '\\_'), '%', '\\%') || '%' from regions where code = ${f.regionCode})`
    : sql<boolean>`true`;
  const r = await sql<{
    id: string;
    name: string;
    lng: number | null;
    lat: number | null;
    region_code: string;
    points: number;
    online: number;
    in_alarm: number;
    unacknowledged: number;
    worst: number | null;
    tampering: number;
  }>`
    select e.id, e.name, e.lng, e.lat, e.region_code,
      count(*)::int as points,
      count(*) filter (where s.last_ts is not null
        and s.last_ts > ${now}::timestamptz - make_interval(secs => pt.interval_seconds * 3))::int as online,
      count(*) filter (where exists (select 1 from alarms a where a.point_id = pt.id and a.status = 'active'))::int as in_alarm,
      (select count(*)::int from alarms a where a.enterprise_id = e.id and a.status <> 'closed' and not a.acknowledged) as unacknowledged,
      (select max(a.severity) from alarms a where a.enterprise_id = e.id and a.status = 'active') as worst,
      (select count(*)::int from alarms a where a.enterprise_id = e.id and a.status <> 'closed' and a.tampering) as tampering
    from monitoring_points pt
    join enterprises e on e.id = pt.enterprise_id
    left join monitoring_point_state s on s.point_id = pt.id
    where pt.active and ${scope} and ${region}
    group by e.id
    order by worst desc nulls last, e.name`.execute(db);
  return r.rows.map((e) => {
    const offline = e.points - e.online;
    const worstState: WorstState = e.worst !== null ? 'alarm' : offline > 0 ? 'offline' : 'normal';
    return {
      enterpriseId: e.id,
      name: e.name,
      coordinates: e.lng !== null && e.lat !== null ? [e.lng, e.lat] : null,
      regionCode: e.region_code,
      points: e.points,
      online: e.online,
      offline,
      inAlarm: e.in_alarm,
      unacknowledged: e.unacknowledged,
      tamperingOpen: e.tampering,
      worstSeverity: e.worst,
      worstColour: e.worst === null ? null : (SEVERITY_COLOUR[e.worst as Severity] ?? null),
      worstState,
    };
  });
}

/** Data quality per enterprise in scope: online rate now, completeness over 24 h, dead letters, tampering. */
export async function monitoringQuality(db: Executor, actor: Actor, now: Date) {
  const scope = enterpriseScope(actor, 'e');
  const since = new Date(now.getTime() - 24 * 3_600_000);
  const since30 = new Date(now.getTime() - 30 * 24 * 3_600_000);
  const [points, completeness, dead, tampering, unattributed] = await Promise.all([
    sql<{ id: string; name: string; points: number; online: number; expected: number }>`
      select e.id, e.name, count(*)::int as points,
        count(*) filter (where s.last_ts is not null
          and s.last_ts > ${now}::timestamptz - make_interval(secs => pt.interval_seconds * 3))::int as online,
        sum(86400.0 / pt.interval_seconds)::float8 as expected
      from monitoring_points pt join enterprises e on e.id = pt.enterprise_id
      left join monitoring_point_state s on s.point_id = pt.id
      where pt.active and ${scope} group by e.id order by e.name`.execute(db),
    sql<{ id: string; received: number }>`
      select e.id, coalesce(sum(h.count), 0)::float8 as received
      from readings_1h h join monitoring_points pt on pt.id = h.point_id join enterprises e on e.id = pt.enterprise_id
      where pt.active and h.bucket >= ${since} and h.bucket < ${now} and ${scope} group by e.id`.execute(db),
    sql<{ id: string; reason: string; n: number }>`
      select e.id, d.reason, count(*)::int as n
      from monitoring_dead_letters d join enterprises e on e.id = d.enterprise_id
      where d.received_at >= ${since} and ${scope} group by e.id, d.reason`.execute(db),
    sql<{ id: string; open: number; recent: number; rules: string[] }>`
      select e.id,
        count(*) filter (where a.status <> 'closed')::int as open,
        count(*)::int as recent,
        array_agg(distinct a.rule) as rules
      from alarms a join enterprises e on e.id = a.enterprise_id
      where a.tampering and a.raised_at >= ${since30} and ${scope} group by e.id`.execute(db),
    scopeKind(actor) === 'county'
      ? sql<{ reason: string; n: number }>`
          select reason, count(*)::int as n from monitoring_dead_letters
          where enterprise_id is null and received_at >= ${since} group by reason`.execute(db)
      : Promise.resolve({ rows: [] as { reason: string; n: number }[] }),
  ]);
  const received = new Map(completeness.rows.map((r) => [r.id, r.received]));
  const deadBy = new Map<string, Record<string, number>>();
  for (const d of dead.rows) {
    const m = deadBy.get(d.id) ?? {};
    m[d.reason] = d.n;
    deadBy.set(d.id, m);
  }
  const tamper = new Map(tampering.rows.map((t) => [t.id, t]));
  const enterprises = points.rows.map((e) => {
    const deadLetters = deadBy.get(e.id) ?? {};
    const t = tamper.get(e.id);
    return {
      enterpriseId: e.id,
      name: e.name,
      points: e.points,
      online: e.online,
      onlineRate: e.points ? e.online / e.points : null,
      completeness24h: e.expected > 0 ? Math.min(1, (received.get(e.id) ?? 0) / e.expected) : null,
      deadLetters24h: Object.values(deadLetters).reduce((a, b) => a + b, 0),
      deadLettersByReason: deadLetters,
      tampering: { open: t?.open ?? 0, last30Days: t?.recent ?? 0, rules: t?.rules ?? [] },
    };
  });
  return {
    asOf: now,
    enterprises,
    unattributedDeadLetters24h: Object.fromEntries(unattributed.rows.map((r) => [r.reason, r.n])),
  };
}

/** Dead letters visible to the actor: of enterprises in scope; unattributed ones (unknown gateway) county only. */
export function scopedDeadLetters(db: Executor, actor: Actor) {
  const county = scopeKind(actor) === 'county';
  return db
    .selectFrom('monitoring_dead_letters as d')
    .where((eb) =>
      eb.or([
        eb(
          'd.enterprise_id',
          'in',
          eb.selectFrom('enterprises').select('enterprises.id').where(enterpriseScope(actor)),
        ),
        ...(county ? [eb('d.enterprise_id', 'is', null)] : []),
      ]),
    );
}
