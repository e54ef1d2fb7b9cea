import { isUuid } from '../../../core/ids.js';
import { audit } from '../../platform/audit/audit.js';
import { newSecret } from '../../platform/auth/tokens.js';
import type { Actor } from '../../platform/authz/actor.js';
import { requirePermission } from '../../platform/authz/actor.js';
import { enterpriseScope } from '../../platform/authz/scope.js';
import type { Executor, Tx } from '../../platform/db/client.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { RequestCtx } from '../../platform/http/context.js';
import { scopedEnterprise } from './points.service.js';

type GatewayRow = {
  id: string;
  enterprise_id: string;
  name: string;
  token_hint: string;
  created_at: Date;
  revoked_at: Date | null;
  last_seen_at: Date | null;
  version: number;
};

export function presentGateway(g: GatewayRow) {
  return {
    id: g.id,
    enterpriseId: g.enterprise_id,
    name: g.name,
    tokenHint: `…${g.token_hint}`,
    createdAt: g.created_at,
    revokedAt: g.revoked_at,
    lastSeenAt: g.last_seen_at,
    status: g.revoked_at ? ('revoked' as const) : ('active' as const),
    version: g.version,
  };
}

const GATEWAY_COLUMNS = [
  'monitoring_gateways.id',
  'monitoring_gateways.enterprise_id',
  'monitoring_gateways.name',
  'monitoring_gateways.token_hint',
  'monitoring_gateways.created_at',
  'monitoring_gateways.revoked_at',
  'monitoring_gateways.last_seen_at',
  'monitoring_gateways.version',
] as const;

export function scopedGateways(db: Executor, actor: Actor) {
  return db
    .selectFrom('monitoring_gateways')
    .innerJoin('enterprises', 'enterprises.id', 'monitoring_gateways.enterprise_id')
    .where(enterpriseScope(actor))
    .select(GATEWAY_COLUMNS);
}

/** A gateway of an enterprise; the token is returned once and only its SHA-256 is kept. */
export async function createGateway(
  tx: Tx,
  ctx: RequestCtx,
  input: { enterpriseId: string; name: string },
  opts: { demo?: boolean } = {},
) {
  requirePermission(ctx.actor, 'monitoring.manage');
  const ent = await scopedEnterprise(tx, ctx.actor, input.enterpriseId);
  if (!ent) throw notFound('enterprise');
  const { secret, hash } = newSecret('fxgw');
  const row = await tx
    .insertInto('monitoring_gateways')
    .values({
      enterprise_id: ent.id,
      name: input.name,
      token_hash: hash,
      token_hint: secret.slice(-4),
      created_at: ctx.now,
      created_by: ctx.actor.userId,
      is_demo: opts.demo ?? false,
    })
    .returning(['id', 'enterprise_id', 'name', 'token_hint', 'created_at', 'revoked_at', 'last_seen_at', 'version'])
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, {
    action: 'monitoring.gateway.created',
    entityType: 'monitoring_gateway',
    entityId: row.id,
    after: presentGateway(row),
  });
  return { row, token: secret };
}

export async function revokeGateway(tx: Tx, ctx: RequestCtx, id: string) {
  requirePermission(ctx.actor, 'monitoring.manage');
  if (!isUuid(id)) throw notFound('gateway');
  const before = await scopedGateways(tx, ctx.actor)
    .where('monitoring_gateways.id', '=', id)
    .forUpdate(['monitoring_gateways'])
    .executeTakeFirst();
  if (!before) throw notFound('gateway');
  if (before.revoked_at) throw new AppError(409, 'CONFLICT', 'The gateway is already revoked');
  const after = await tx
    .updateTable('monitoring_gateways')
    .set({ revoked_at: ctx.now, revoked_by: ctx.actor.userId, version: before.version + 1 })
    .where('id', '=', id)
    .returning(['id', 'enterprise_id', 'name', 'token_hint', 'created_at', 'revoked_at', 'last_seen_at', 'version'])
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, {
    action: 'monitoring.gateway.revoked',
    entityType: 'monitoring_gateway',
    entityId: id,
    before: presentGateway(before),
    after: presentGateway(after),
  });
  return after;
}
