import { sql } from 'kysely';
import { isUuid } from '../../../core/ids.js';
import { getTemplate } from '../../../core/monitoring/index.js';
import { audit, canonicalJson } from '../../platform/audit/audit.js';
import type { Actor } from '../../platform/authz/actor.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import type { RequestCtx } from '../../platform/http/context.js';
import {
  compileOrThrow,
  definitionOf,
  type PointCreate,
  type PointRow,
  type PointUpdate,
  presentPoint,
} from './points.model.js';

/** The enterprise, if the actor may see it (else the caller answers 404). */
export async function scopedEnterprise(db: Executor, actor: Actor, id: string) {
  if (!isUuid(id)) return undefined;
  return db
    .selectFrom('enterprises')
    .select(['id', 'name'])
    .where('id', '=', id)
    .where(enterpriseScope(actor))
    .executeTakeFirst();
}

/** Points joined to their enterprise with the actor's scope. */
export function scopedPoints(db: Executor, actor: Actor) {
  return db
    .selectFrom('monitoring_points')
    .innerJoin('enterprises', 'enterprises.id', 'monitoring_points.enterprise_id')
    .where(enterpriseScope(actor));
}

export async function findPoint(db: Executor, actor: Actor, id: string): Promise<PointRow | undefined> {
  if (!isUuid(id)) return undefined;
  return scopedPoints(db, actor)
    .selectAll('monitoring_points')
    .where('monitoring_points.id', '=', id)
    .executeTakeFirst();
}

function templateKind(template: string | null | undefined, kind: string | undefined) {
  if (template === undefined || template === null) return null;
  const t = getTemplate(template);
  if (!t) {
    throw new AppError(400, 'VALIDATION', `Unknown threshold template: ${template}`, [
      { path: 'template', message: 'template.unknown' },
    ]);
  }
  if (kind !== undefined && kind !== t.kind) {
    throw new AppError(400, 'VALIDATION', `Template ${t.key} is for ${t.kind}, not ${kind}`, [
      { path: 'template', message: 'template.kind_mismatch' },
    ]);
  }
  return t;
}

export async function createPoint(tx: Tx, ctx: RequestCtx, input: PointCreate): Promise<PointRow> {
  requirePermission(ctx.actor, 'monitoring.manage');
  const ent = await scopedEnterprise(tx, ctx.actor, input.enterpriseId);
  if (!ent) throw notFound('enterprise');
  const t = templateKind(input.template, input.kind);
  const kind = input.kind ?? t?.kind;
  if (!kind)
    throw new AppError(400, 'VALIDATION', 'kind is required without a template', [
      { path: 'kind', message: 'required' },
    ]);
  const unit = input.unit ?? t?.unit ?? '';
  const values = {
    template_key: input.template ?? null,
    overrides: input.thresholds ?? {},
    range_min: input.rangeMin ?? null,
    range_max: input.rangeMax ?? null,
    interval_seconds: input.intervalSeconds ?? 10,
    flatline_seconds: input.flatlineSeconds ?? null,
    flatline_tolerance: input.flatlineTolerance ?? null,
    rate_window_seconds: input.rateWindowSeconds ?? null,
    severities: input.severities ?? {},
  };
  compileOrThrow(definitionOf(values));
  const row = await tx
    .insertInto('monitoring_points')
    .values({
      enterprise_id: ent.id,
      code: input.code,
      name: input.name,
      kind,
      unit,
      installation: input.installation ?? null,
      location: input.location ?? '',
      lng: input.lng ?? null,
      lat: input.lat ?? null,
      ...values,
      overrides: JSON.stringify(values.overrides),
      severities: JSON.stringify(values.severities),
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .onConflict((oc) => oc.columns(['enterprise_id', 'code']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    throw new AppError(409, 'DUPLICATE', `The enterprise already has a point with code ${input.code}`, [
      { path: 'code', message: 'code.duplicate' },
    ]);
  }
  await tx.insertInto('monitoring_point_state').values({ point_id: row.id, rev: 0 }).execute();
  await audit(tx, ctx, {
    action: 'monitoring.point.created',
    entityType: 'monitoring_point',
    entityId: row.id,
    after: presentPoint(row),
  });
  return row;
}

const COLUMNS: Record<string, keyof PointRow> = {
  name: 'name',
  kind: 'kind',
  unit: 'unit',
  installation: 'installation',
  location: 'location',
  lng: 'lng',
  lat: 'lat',
  rangeMin: 'range_min',
  rangeMax: 'range_max',
  intervalSeconds: 'interval_seconds',
  template: 'template_key',
  flatlineSeconds: 'flatline_seconds',
  flatlineTolerance: 'flatline_tolerance',
  rateWindowSeconds: 'rate_window_seconds',
  active: 'active',
};

/** Fields (as `presentPoint` names them) whose change alters alarm behaviour: audited as a threshold change. */
const RULE_FIELDS = [
  'template',
  'thresholds',
  'rangeMin',
  'rangeMax',
  'intervalSeconds',
  'flatlineSeconds',
  'flatlineTolerance',
  'rateWindowSeconds',
  'severities',
  'active',
  'kind',
] as const;

/** The rule-relevant fields that differ between two presented versions of a point. */
export function changedRuleFields(
  before: ReturnType<typeof presentPoint>,
  after: ReturnType<typeof presentPoint>,
): string[] {
  return RULE_FIELDS.filter((k) => canonicalJson(before[k]) !== canonicalJson(after[k]));
}

export async function updatePoint(tx: Tx, ctx: RequestCtx, id: string, input: PointUpdate): Promise<PointRow> {
  requirePermission(ctx.actor, 'monitoring.manage');
  if (!isUuid(id)) throw notFound('monitoring point');
  const before = await tx
    .selectFrom('monitoring_points')
    .innerJoin('enterprises', 'enterprises.id', 'monitoring_points.enterprise_id')
    .selectAll('monitoring_points')
    .where('monitoring_points.id', '=', id)
    .where(enterpriseScope(ctx.actor))
    .forUpdate(['monitoring_points'])
    .executeTakeFirst();
  if (!before) throw notFound('monitoring point');
  if (before.version !== input.version) throw staleVersion(before.version);
  const { version: _v, ...changes } = input;
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(changes)) {
    const col = COLUMNS[k];
    if (col && v !== undefined) set[col] = v;
  }
  const nextTemplate = changes.template !== undefined ? changes.template : before.template_key;
  const nextKind = changes.kind ?? before.kind;
  templateKind(nextTemplate, nextKind);
  const merged = {
    template_key: nextTemplate,
    overrides: changes.thresholds ?? before.overrides,
    range_min: changes.rangeMin !== undefined ? changes.rangeMin : before.range_min,
    range_max: changes.rangeMax !== undefined ? changes.rangeMax : before.range_max,
    interval_seconds: changes.intervalSeconds ?? before.interval_seconds,
    flatline_seconds: changes.flatlineSeconds !== undefined ? changes.flatlineSeconds : before.flatline_seconds,
    flatline_tolerance: changes.flatlineTolerance !== undefined ? changes.flatlineTolerance : before.flatline_tolerance,
    rate_window_seconds:
      changes.rateWindowSeconds !== undefined ? changes.rateWindowSeconds : before.rate_window_seconds,
    severities: (changes.severities as Record<string, number> | undefined) ?? before.severities,
  };
  compileOrThrow(definitionOf(merged));
  if (changes.thresholds !== undefined) set.overrides = JSON.stringify(changes.thresholds);
  if (changes.severities !== undefined) set.severities = JSON.stringify(changes.severities);
  const after = await tx
    .updateTable('monitoring_points')
    .set({ ...set, updated_at: ctx.now, version: before.version + 1 })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  // A form sends every field: what counts is what actually changed, so a rename is not a threshold change and a
  // threshold change is never recorded as a mere update.
  const shownBefore = presentPoint(before);
  const shownAfter = presentPoint(after);
  const ruleChanges = changedRuleFields(shownBefore, shownAfter);
  await audit(tx, ctx, {
    action: ruleChanges.length > 0 ? 'monitoring.point.thresholds_changed' : 'monitoring.point.updated',
    entityType: 'monitoring_point',
    entityId: id,
    before: shownBefore,
    after: shownAfter,
  });
  return after;
}

/** Live status of points: last reading, online (≤ 3 × interval), open alarms. */
export async function pointStatus(db: Executor, ids: string[], now: Date) {
  const out = new Map<
    string,
    { lastTs: Date | null; lastValue: number | null; online: boolean; openAlarms: number; worstSeverity: number | null }
  >();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('monitoring_points as pt')
    .leftJoin('monitoring_point_state as s', 's.point_id', 'pt.id')
    .select([
      'pt.id',
      'pt.interval_seconds',
      's.last_ts',
      's.last_value',
      sql<number>`(select count(*)::int from alarms a where a.point_id = pt.id and a.status = 'active')`.as(
        'open_alarms',
      ),
      sql<number | null>`(select max(a.severity) from alarms a where a.point_id = pt.id and a.status = 'active')`.as(
        'worst',
      ),
    ])
    .where('pt.id', 'in', ids)
    .execute();
  for (const r of rows) {
    const online = r.last_ts !== null && now.getTime() - r.last_ts.getTime() < 3 * r.interval_seconds * 1000;
    out.set(r.id, {
      lastTs: r.last_ts,
      lastValue: r.last_value,
      online,
      openAlarms: r.open_alarms,
      worstSeverity: r.worst,
    });
  }
  return out;
}
