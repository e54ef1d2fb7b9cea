import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../authz/actor.js';
import type { Executor, Tx } from '../db/client.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditContext {
  actor: Actor;
  ip: string | null;
  now: Date;
}

const GENESIS = '0'.repeat(64);
// Any constant: every audit insert takes this transaction-level lock so the chain has one tail.
const CHAIN_LOCK = 0x46_58_41_55; // 'FXAU'

/** JSON with keys sorted at every depth, so a row read back from jsonb hashes the same as when written. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value === undefined ? null : JSON.parse(JSON.stringify(value ?? null))));
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

interface HashInput {
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export function auditHash(prevHash: string, row: HashInput): string {
  const body = canonicalJson({ ...row, at: row.at.toISOString() });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** Appends one audit row inside the caller's transaction (the same one that made the change). */
export async function audit(tx: Tx, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(tx);
  const last = await tx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const prevHash = last?.hash ?? GENESIS;
  const row: HashInput = {
    at: ctx.now,
    actor_id: ctx.actor.userId,
    actor_name: ctx.actor.username,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId ?? null,
    before: entry.before === undefined ? null : JSON.parse(canonicalJson(entry.before)),
    after: entry.after === undefined ? null : JSON.parse(canonicalJson(entry.after)),
    ip: ctx.ip,
  };
  const hash = auditHash(prevHash, row);
  await tx
    .insertInto('audit_log')
    .values({
      ...row,
      before: row.before === null ? null : JSON.stringify(row.before),
      after: row.after === null ? null : JSON.stringify(row.after),
      prev_hash: prevHash,
      hash,
    })
    .execute();
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** The first row whose link is broken. */
  brokenAt?: { id: number; reason: 'prev_hash' | 'hash' };
}

/** Walks the whole chain in id order and reports the first broken link. */
export async function verifyAuditChain(db: Executor, batch = 5000): Promise<VerifyResult> {
  let prev = GENESIS;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(batch)
      .execute();
    if (rows.length === 0) return { ok: true, checked };
    for (const r of rows) {
      if (r.prev_hash !== prev) return { ok: false, checked, brokenAt: { id: r.id, reason: 'prev_hash' } };
      const expect = auditHash(prev, {
        at: r.at,
        actor_id: r.actor_id,
        actor_name: r.actor_name,
        action: r.action,
        entity_type: r.entity_type,
        entity_id: r.entity_id,
        before: r.before,
        after: r.after,
        ip: r.ip,
      });
      if (expect !== r.hash) return { ok: false, checked, brokenAt: { id: r.id, reason: 'hash' } };
      prev = r.hash;
      lastId = r.id;
      checked++;
    }
  }
}
