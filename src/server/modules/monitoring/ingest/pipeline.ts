import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import {
  type AlarmEvent,
  type CompiledPoint,
  compilePoint,
  createPointState,
  deserializeState,
  evaluate,
  type PointState,
  serializeState,
  tick,
} from '../../../../core/monitoring/index.js';
import { sha256 } from '../../../platform/auth/tokens.js';
import type { Tx } from '../../../platform/db/client.js';
import type { Platform } from '../../../platform/platform.js';
import { type AfterCommit, applyRuleEvents, deliverAfterCommit, type RuleEvent } from '../alarms.service.js';
import { type IngestOptions, ingestOptionsFromEnv } from '../monitoring.config.js';
import { readMonitoringSettings } from '../monitoring.settings.js';
import { ensurePartition, listPartitions, partitionName, partitionStart, SERIES } from '../partitions.js';
import { definitionOf, type PointRow, UUID_RE } from '../points.model.js';
import { MERGE_INTO_ROLLUP, ROLLUP_LOCK } from '../rollups.js';
import { createIngestMetrics, type IngestMetrics } from './metrics.js';
import {
  type DeadLetterReason,
  type ItemReject,
  MAX_DEAD_LETTER_PAYLOAD,
  MAX_FUTURE_MS,
  type ParsedReading,
} from './payload.js';

/**
 * The ingest pipeline: a bounded in-memory buffer in front of the database.
 *
 * - Transports (HTTP, embedded broker, external subscription) `admit` parsed messages. Admission fails (HTTP → 503)
 *   or waits (MQTT → no PUBACK yet) while the buffer is full.
 * - A flush loop writes batches: one transaction per batch — the readings (`on conflict do nothing`) and, for late
 *   readings only, their 1-minute and 1-hour rollups in one statement over array parameters (`unnest`; current
 *   readings are rolled up after the fact by the job `monitoring.rollup`, rollups.ts), the rule evaluation of every
 *   new reading, the alarms it causes, the rule state of each point (one statement, one JSON parameter) and the
 *   dead letters. Only after COMMIT is each message's promise resolved — that is when MQTT acknowledges and HTTP
 *   answers. `fangxian_ingest_flush_stage_seconds{stage}` times each step.
 * - While the database is unavailable the batch stays in the buffer and is retried with back-off. A batch that
 *   fails while the database is healthy is retried message by message; a message that still fails is stored as
 *   `storage_error` dead letters, so one bad message never blocks the stream.
 *
 * Rule state lives in memory as a cache of `monitoring_point_state` at revision `rev`. A flush whose points are
 * all cached writes their states with a check of each revision and configuration version (optimistic: no row
 * locks up front); when one moved on — another instance or the tick wrote it — the transaction is rolled back and
 * redone under row locks (`FOR UPDATE`, in id order) with the changed states and configurations reloaded, so
 * several instances writing the same point stay correct.
 */

export interface GatewayInfo {
  id: string;
  enterpriseId: string;
  name: string;
  revokedAt: Date | null;
}

export interface RejectedItem {
  index: number | null;
  point: string | null;
  reason: DeadLetterReason;
}

export interface SubmitResult {
  accepted: number;
  rejected: RejectedItem[];
}

export interface SubmitInput {
  source: 'mqtt' | 'http';
  /** Null when the sender could not be attributed to a gateway (external broker, unknown topic). */
  gateway: GatewayInfo | null;
  /** The gateway id claimed by an unattributed message (for the dead letter), if any. */
  claimedGatewayId?: string | null;
  readings: ParsedReading[];
  rejects: ItemReject[];
  /** A message-level problem: the whole message becomes one dead letter. */
  message?: { reason: DeadLetterReason; detail: string; payload: string } | null;
}

interface Pending extends SubmitInput {
  size: number;
  receivedAt: Date;
  resolve(r: SubmitResult): void;
  reject(e: Error): void;
}

export interface PointEntry {
  id: string;
  enterpriseId: string;
  code: string;
  name: string;
  kind: string;
  unit: string;
  active: boolean;
  version: number;
  compiled: CompiledPoint | null;
  /** Null until loaded. */
  state: PointState | null;
  /** The revision of `state` in the database; -1 forces a reload. */
  rev: number;
}

/** The optimistic rule-state update found a point whose state or configuration changed elsewhere. */
class StateConflict extends Error {
  constructor() {
    super('rule state changed by another transaction');
  }
}

export class IngestClosedError extends Error {
  constructor() {
    super('the ingest pipeline is shutting down');
  }
}

const TICK_LOCK = 0x46_58_54_4b; // 'FXTK': one instance runs a tick round at a time
const GATEWAY_TTL_MS = 30_000;
const LAST_SEEN_EVERY_MS = 60_000;
const INSERT_CHUNK = 2000;
const DAY_MS = 86_400_000;
const RETENTION_TTL_MS = 60_000;

/**
 * One lookup per key at a time: callers that arrive while it runs share its answer. The gateway and retention caches
 * expire every 30–60 s; without this, every message arriving until the first refresh answered sent a query of its
 * own — with thousands of messages in flight, thousands of queries queued behind the flushes on the pool, each
 * message waited for its own, and the ingest fell to a third of its rate (the benchmark's "slow runs").
 */
export function singleFlight<K, V>(load: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const running = new Map<K, Promise<V>>();
  return (key) => {
    const current = running.get(key);
    if (current) return current;
    const p = load(key).finally(() => running.delete(key));
    running.set(key, p);
    return p;
  };
}

type DeadLetterRow = {
  received_at: Date;
  source: 'mqtt' | 'http';
  gateway_id: string | null;
  enterprise_id: string | null;
  point_ref: string | null;
  point_id: string | null;
  reason: string;
  detail: string;
  item_index: number | null;
  reading_ts: Date | null;
  payload: string;
};

function clampTs(ts: number): Date | null {
  return Number.isFinite(ts) && Math.abs(ts) < 8.64e15 ? new Date(ts) : null;
}

/** A reading as a dead letter keeps it (JSON, at most 500 characters). */
function readingText(r: ParsedReading): string {
  return JSON.stringify({ point: r.ref, ts: new Date(r.ts).toISOString(), value: r.value }).slice(0, 500);
}

function chunks<T>(items: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

/** One shard's part of a message: its readings; the item and message-level rejects go with the first part. */
function partOf(
  input: SubmitInput,
  readings: ParsedReading[],
  first: boolean,
  receivedAt: Date,
  resolve: (r: SubmitResult) => void,
  reject: (e: Error) => void,
): Pending {
  return {
    source: input.source,
    gateway: input.gateway,
    claimedGatewayId: input.claimedGatewayId ?? null,
    readings,
    rejects: first ? input.rejects : [],
    message: first ? (input.message ?? null) : null,
    size: Math.max(1, readings.length + (first ? input.rejects.length + (input.message ? 1 : 0) : 0)),
    receivedAt,
    resolve,
    reject,
  };
}

export function createIngestPipeline(p: Platform, options: IngestOptions) {
  const { db, log } = p;
  const metrics: IngestMetrics = createIngestMetrics(p.metrics.registry);
  // Bound once: a labelled inc() looks its series up by the labels on every call (one per message).
  const mqttMessages = metrics.messages.labels({ source: 'mqtt' });
  const httpMessages = metrics.messages.labels({ source: 'http' });
  const events = new EventEmitter();

  // ── Points and their rule state ─────────────────────────────────────────────────────────────────────────
  const points = new Map<string, PointEntry>();
  const byCode = new Map<string, PointEntry>();
  const codeKey = (enterpriseId: string, code: string) => `${enterpriseId}\u0000${code}`;
  let allLoaded = false;
  let lastRefresh = 0;

  function entryFromRow(row: PointRow, prev?: PointEntry): PointEntry {
    const compiled = compilePoint(definitionOf(row));
    if (!compiled.ok)
      log.warn(
        { point: row.id, error: compiled.error },
        'point configuration does not compile; readings are stored but not evaluated',
      );
    const e: PointEntry = {
      id: row.id,
      enterpriseId: row.enterprise_id,
      code: row.code,
      name: row.name,
      kind: row.kind,
      unit: row.unit,
      active: row.active,
      version: row.version,
      compiled: compiled.ok ? compiled.point : null,
      state: prev?.state ?? null,
      rev: prev?.rev ?? -1,
    };
    points.set(e.id, e);
    byCode.set(codeKey(e.enterpriseId, e.code), e);
    return e;
  }

  async function loadPointRows(ids: string[]) {
    for (const part of chunks(ids, 1000)) {
      const rows = await db.selectFrom('monitoring_points').selectAll().where('id', 'in', part).execute();
      for (const r of rows) entryFromRow(r, points.get(r.id));
    }
  }

  function loadedState(raw: unknown, now: number): PointState {
    if (raw === null || raw === undefined) return createPointState(now);
    try {
      return deserializeState(raw);
    } catch (err) {
      log.warn({ err }, 'unreadable point state; starting afresh');
      return createPointState(now);
    }
  }

  /** Locks the state rows of the points (id order), reloading configuration and state that changed elsewhere. */
  async function lockPoints(tx: Tx, entries: PointEntry[], now: number, skipLocked = false): Promise<PointEntry[]> {
    if (entries.length === 0) return [];
    const ids = entries.map((e) => e.id).sort();
    // One array parameter rather than a list of 1,000: the statement is the same text every time.
    const lock = () =>
      sql<{ point_id: string; rev: string; version: number }>`
        select s.point_id, s.rev, pt.version
        from monitoring_point_state as s join monitoring_points as pt on pt.id = s.point_id
        where s.point_id = any(${ids}::uuid[])
        order by s.point_id
        for update of s${skipLocked ? sql` skip locked` : sql``}`
        .execute(tx)
        .then((r) => r.rows);
    let locked = await lock();
    if (locked.length < ids.length && !skipLocked) {
      const have = new Set(locked.map((l) => l.point_id));
      const missing = ids.filter((id) => !have.has(id));
      await sql`
        insert into monitoring_point_state (point_id, rev) select unnest(${missing}::uuid[]), 0
        on conflict (point_id) do nothing`.execute(tx);
      locked = await lock();
    }
    const changedConfig: string[] = [];
    const staleState: string[] = [];
    for (const l of locked) {
      const e = points.get(l.point_id);
      if (!e) continue;
      if (e.version !== l.version) changedConfig.push(e.id);
      if (e.state === null || e.rev !== Number(l.rev)) staleState.push(e.id);
    }
    if (changedConfig.length) {
      const rows = await tx.selectFrom('monitoring_points').selectAll().where('id', 'in', changedConfig).execute();
      for (const r of rows) entryFromRow(r, points.get(r.id));
    }
    if (staleState.length) {
      const rows = await tx
        .selectFrom('monitoring_point_state')
        .select(['point_id', 'state', 'rev'])
        .where('point_id', 'in', staleState)
        .execute();
      for (const r of rows) {
        const e = points.get(r.point_id);
        if (!e) continue;
        e.state = loadedState(r.state, now);
        e.rev = Number(r.rev);
      }
    }
    return locked.map((l) => points.get(l.point_id)).filter((e): e is PointEntry => e !== undefined);
  }

  /** Loads every point and its state (the ingest role, for the offline check). */
  async function loadAllPoints(): Promise<number> {
    const now = p.clock.now().getTime();
    const rows = await db.selectFrom('monitoring_points').selectAll().execute();
    for (const r of rows) entryFromRow(r, points.get(r.id));
    for (const part of chunks(
      rows.map((r) => r.id),
      2000,
    )) {
      const states = await db
        .selectFrom('monitoring_point_state')
        .select(['point_id', 'state', 'rev'])
        .where('point_id', 'in', part)
        .execute();
      for (const s of states) {
        const e = points.get(s.point_id);
        if (e && e.rev !== Number(s.rev)) {
          e.state = loadedState(s.state, now);
          e.rev = Number(s.rev);
        }
      }
    }
    allLoaded = true;
    lastRefresh = Date.now();
    return rows.length;
  }

  /** New points and changed configuration since the last load (by version; cheap even for 50,000 points). */
  async function refreshPoints(): Promise<void> {
    const rows = await db.selectFrom('monitoring_points').select(['id', 'version']).execute();
    const changed = rows.filter((r) => points.get(r.id)?.version !== r.version).map((r) => r.id);
    if (changed.length) await loadPointRows(changed);
    lastRefresh = Date.now();
  }

  // ── Gateways ────────────────────────────────────────────────────────────────────────────────────────────
  const gatewaysByHash = new Map<string, { g: GatewayInfo | null; at: number }>();
  const gatewaysById = new Map<string, { g: GatewayInfo | null; at: number }>();
  const lastSeenWritten = new Map<string, number>();

  /** The gateway whose `column` equals `value` (null: none); the token and id lookups below share it. */
  async function selectGateway(column: 'id' | 'token_hash', value: string): Promise<GatewayInfo | null> {
    const r = await db
      .selectFrom('monitoring_gateways')
      .select(['id', 'enterprise_id', 'name', 'revoked_at'])
      .where(column, '=', value)
      .executeTakeFirst();
    return r ? { id: r.id, enterpriseId: r.enterprise_id, name: r.name, revokedAt: r.revoked_at } : null;
  }

  /** The gateway a bearer token / MQTT password belongs to (revoked ones included; callers check). */
  async function gatewayByToken(token: string): Promise<GatewayInfo | null> {
    const hash = sha256(token);
    const hit = gatewaysByHash.get(hash);
    if (hit && Date.now() - hit.at < GATEWAY_TTL_MS) return hit.g;
    return loadGatewayByHash(hash);
  }
  const loadGatewayByHash = singleFlight(async (hash: string): Promise<GatewayInfo | null> => {
    let g: GatewayInfo | null;
    try {
      g = await selectGateway('token_hash', hash);
    } catch (err) {
      // Database unavailable: a gateway seen before keeps working from the buffer (revocations wait for it).
      const hit = gatewaysByHash.get(hash);
      if (hit) return hit.g;
      throw err;
    }
    gatewaysByHash.set(hash, { g, at: Date.now() });
    if (g) gatewaysById.set(g.id, { g, at: Date.now() });
    return g;
  });

  /** The gateway of `id` when the cache answers (undefined: ask gatewayById). */
  function cachedGateway(id: string): GatewayInfo | null | undefined {
    const hit = gatewaysById.get(id);
    return hit && Date.now() - hit.at < GATEWAY_TTL_MS ? hit.g : undefined;
  }

  async function gatewayById(id: string): Promise<GatewayInfo | null> {
    if (!UUID_RE.test(id)) return null;
    const fresh = cachedGateway(id);
    if (fresh !== undefined) return fresh;
    return loadGatewayById(id);
  }
  const loadGatewayById = singleFlight(async (id: string): Promise<GatewayInfo | null> => {
    let g: GatewayInfo | null;
    try {
      g = await selectGateway('id', id);
    } catch (err) {
      const hit = gatewaysById.get(id); // stale: still the answer while the database is unavailable
      if (hit) return hit.g;
      throw err;
    }
    gatewaysById.set(id, { g, at: Date.now() });
    return g;
  });

  /** After a revocation in this process: forget the cached gateway and tell the transports. */
  function gatewayRevoked(id: string) {
    gatewaysById.delete(id);
    for (const [k, v] of gatewaysByHash) if (v.g?.id === id) gatewaysByHash.delete(k);
    events.emit('gateway-revoked', id);
  }

  // ── Settings (retention bounds the accepted timestamps) ─────────────────────────────────────────────────
  let retention = { days: 400, at: 0 };
  /** minTs when the retention setting read is fresh (undefined: await minTs). */
  function cachedMinTs(now: number): number | undefined {
    return Date.now() - retention.at > RETENTION_TTL_MS ? undefined : now - retention.days * DAY_MS;
  }
  async function minTs(now: number): Promise<number> {
    const cached = cachedMinTs(now);
    if (cached !== undefined) return cached;
    await refreshRetention('retention');
    return now - retention.days * DAY_MS;
  }
  const refreshRetention = singleFlight(async (_key: 'retention'): Promise<void> => {
    try {
      retention = { days: (await readMonitoringSettings(db)).retentionDays, at: Date.now() };
    } catch {
      retention.at = Date.now() - RETENTION_TTL_MS + 10_000; // database unavailable: keep the last value, retry in 10 s
    }
  });

  // ── Partitions ──────────────────────────────────────────────────────────────────────────────────────────
  const knownPartitions = new Set<string>();
  let partitionsListed = false;
  async function ensurePartitionsFor(tsList: Iterable<number>) {
    if (!partitionsListed) {
      for (const { table } of SERIES) for (const n of await listPartitions(db, table)) knownPartitions.add(n);
      partitionsListed = true;
    }
    // Partitions are days and months (UTC): the distinct days decide them (a batch holds one or two).
    const days = new Set<number>();
    for (const ts of tsList) days.add(Math.floor(ts / DAY_MS));
    const needed = new Map<string, { table: (typeof SERIES)[number]; ts: number }>();
    for (const day of days) {
      const ts = day * DAY_MS;
      for (const s of SERIES) {
        const name = partitionName(s.table, s.granularity, partitionStart(s.granularity, ts));
        if (!knownPartitions.has(name) && !needed.has(name)) needed.set(name, { table: s, ts });
      }
    }
    for (const [name, { table, ts }] of needed) {
      await ensurePartition(db, table.table, table.granularity, ts);
      knownPartitions.add(name);
    }
  }

  // ── The flush ───────────────────────────────────────────────────────────────────────────────────────────

  function deadLetter(
    pnd: Pending,
    reason: DeadLetterReason,
    fields: Partial<Omit<DeadLetterRow, 'reason' | 'received_at' | 'source'>>,
  ): DeadLetterRow {
    return {
      received_at: pnd.receivedAt,
      source: pnd.source,
      gateway_id:
        pnd.gateway?.id ?? (pnd.claimedGatewayId && UUID_RE.test(pnd.claimedGatewayId) ? pnd.claimedGatewayId : null),
      enterprise_id: pnd.gateway?.enterpriseId ?? null,
      point_ref: null,
      point_id: null,
      detail: '',
      item_index: null,
      reading_ts: null,
      payload: '',
      ...fields,
      reason,
    };
  }

  interface Row {
    pnd: Pending;
    r: ParsedReading;
    point: PointEntry;
  }

  // ── In-process exclusion: a point's in-memory state is used by one transaction at a time ─────────────────
  // Flush loops work on disjoint points (see the shards below) and the tick skips busy points, so waiting here is
  // rare; without it, a transaction could evaluate on a state another one changed and then rolled back.
  const busy = new Set<PointEntry>();
  let busyWaiters: (() => void)[] = [];
  async function claimPoints(list: PointEntry[]): Promise<void> {
    while (list.some((e) => busy.has(e))) await new Promise<void>((r) => busyWaiters.push(r));
    for (const e of list) busy.add(e);
  }
  function releasePoints(list: PointEntry[]) {
    for (const e of list) busy.delete(e);
    const w = busyWaiters;
    busyWaiters = [];
    for (const f of w) f();
  }

  /** Writes one batch in one transaction; resolves nothing (the loop does, after commit). */
  async function writeBatch(batch: Pending[]): Promise<Map<Pending, SubmitResult>> {
    const started = process.hrtime.bigint();
    let mark = started;
    const lap = (stage: string) => {
      const t = process.hrtime.bigint();
      metrics.flushStage.observe({ stage }, Number(t - mark) / 1e9);
      mark = t;
    };
    const now = p.clock.now();
    const nowMs = now.getTime();
    const results = new Map<Pending, SubmitResult>();
    const dead: DeadLetterRow[] = [];
    const reject = (pnd: Pending, index: number | null, point: string | null, reason: DeadLetterReason) =>
      results.get(pnd)?.rejected.push({ index, point, reason });

    // 1. Stage-1 rejects and message-level problems become dead letters.
    for (const pnd of batch) {
      results.set(pnd, { accepted: 0, rejected: [] });
      if (pnd.message) {
        dead.push(
          deadLetter(pnd, pnd.message.reason, {
            detail: pnd.message.detail.slice(0, 500),
            payload: pnd.message.payload.slice(0, MAX_DEAD_LETTER_PAYLOAD),
          }),
        );
        reject(pnd, null, null, pnd.message.reason);
      }
      for (const x of pnd.rejects) {
        dead.push(
          deadLetter(pnd, x.reason, {
            point_ref: x.ref,
            item_index: x.index,
            detail: x.detail,
            reading_ts: x.ts === null ? null : clampTs(x.ts),
            payload: x.raw,
          }),
        );
        reject(pnd, x.index, x.ref, x.reason);
      }
    }

    // 2. Resolve point references (cache, then one query for the misses).
    const missCodes = new Map<string, Set<string>>();
    const missIds = new Set<string>();
    for (const pnd of batch) {
      if (!pnd.gateway) continue;
      for (const r of pnd.readings) {
        if (UUID_RE.test(r.ref)) {
          if (!points.has(r.ref.toLowerCase())) missIds.add(r.ref.toLowerCase());
        } else if (!byCode.has(codeKey(pnd.gateway.enterpriseId, r.ref))) {
          const set = missCodes.get(pnd.gateway.enterpriseId) ?? new Set<string>();
          missCodes.set(pnd.gateway.enterpriseId, set);
          set.add(r.ref);
        }
      }
    }
    if (missCodes.size || missIds.size) {
      const rows = await db
        .selectFrom('monitoring_points')
        .selectAll()
        .where((eb) =>
          eb.or([
            ...(missIds.size ? [eb('id', 'in', [...missIds])] : []),
            ...[...missCodes].map(([ent, codes]) =>
              eb.and([eb('enterprise_id', '=', ent), eb('code', 'in', [...codes])]),
            ),
          ]),
        )
        .execute();
      for (const r of rows) entryFromRow(r, points.get(r.id));
    }
    const rows: Row[] = [];
    const seen = new Set<string>();
    for (const pnd of batch) {
      for (const r of pnd.readings) {
        const gw = pnd.gateway;
        const point = !gw
          ? undefined
          : UUID_RE.test(r.ref)
            ? points.get(r.ref.toLowerCase())
            : byCode.get(codeKey(gw.enterpriseId, r.ref));
        let reason: DeadLetterReason | null = null;
        if (!gw) reason = 'unknown_gateway';
        else if (!point) reason = 'unknown_point';
        else if (point.enterpriseId !== gw.enterpriseId) reason = 'foreign_point';
        else if (!point.active) reason = 'inactive_point';
        else {
          const key = `${point.id}|${r.ts}`;
          if (seen.has(key)) reason = 'duplicate';
          else {
            seen.add(key);
            rows.push({ pnd, r, point });
          }
        }
        if (reason) {
          dead.push(
            deadLetter(pnd, reason, {
              point_ref: r.ref,
              point_id: reason === 'duplicate' && point ? point.id : null,
              item_index: r.index,
              reading_ts: clampTs(r.ts),
              payload: readingText(r),
              detail: reason === 'duplicate' ? 'the same point and time twice in one batch' : '',
            }),
          );
          reject(pnd, r.index, r.ref, reason);
        }
      }
    }

    // 3. Partitions for every day/month the batch touches (outside the transaction: DDL is rare and short).
    if (rows.length) await ensurePartitionsFor(rows.map((x) => x.r.ts));
    lap('prepare');

    const touched = [...new Set(rows.map((x) => x.point))];
    let after: AfterCommit = { notifications: [], live: [] };
    const stateWrites: PointEntry[] = [];
    await claimPoints(touched);
    lap('claim');
    // Optimistic when this process holds the current state of every point it writes (the usual case: one instance
    // takes a gateway's stream): no row locks up front; the state update itself checks each point's revision and
    // configuration version, and a mismatch — another instance or the tick got there first — rolls the whole
    // transaction back and it runs again under row locks (lockPoints), with the changed states reloaded.
    let optimistic = touched.length > 0 && touched.every((e) => e.state !== null && e.rev >= 0 && e.version >= 0);
    const deadMark = dead.length;
    const rejectedMarks = [...results.values()].map((r) => [r, r.rejected.length] as const);
    for (;;) {
      try {
        after = await db.transaction().execute(async (tx) => {
          // First, before any row lock: the rollup job's watermark cannot move while this transaction decides which
          // readings it folds into the rollups itself (see storeReadings); the job waits for it to commit.
          if (rows.length) await sql`select pg_advisory_xact_lock_shared(${ROLLUP_LOCK}::int8)`.execute(tx);
          if (!optimistic) await lockPoints(tx, touched, nowMs);
          lap('lock');

          // 4. Readings, and the 1-minute and 1-hour rollups of those newly stored, in one statement; it answers the
          // batch positions of the readings that already existed (QoS 1 redelivery, gateway retry): duplicates.
          const existing = await storeReadings(tx, rows);
          lap('readings');
          const fresh: Row[] = [];
          for (const [i, x] of rows.entries()) {
            if (!existing.has(i)) {
              fresh.push(x);
              const res = results.get(x.pnd);
              if (res) res.accepted++;
            } else {
              dead.push(
                deadLetter(x.pnd, 'duplicate', {
                  point_ref: x.r.ref,
                  point_id: x.point.id,
                  item_index: x.r.index,
                  reading_ts: new Date(x.r.ts),
                  payload: readingText(x.r),
                  detail: 'already stored',
                }),
              );
              reject(x.pnd, x.r.index, x.r.ref, 'duplicate');
            }
          }

          // 5. Rules, in time order per point.
          const byPoint = new Map<PointEntry, ParsedReading[]>();
          for (const x of fresh) {
            const list = byPoint.get(x.point) ?? [];
            byPoint.set(x.point, list);
            list.push(x.r);
          }
          const ruleEvents: RuleEvent[] = [];
          const lastOf = new Map<PointEntry, ParsedReading>();
          for (const [e, list] of byPoint) {
            list.sort((a, b) => a.ts - b.ts);
            const last = list[list.length - 1];
            if (last) lastOf.set(e, last);
            stateWrites.push(e);
            if (!e.compiled || !e.state || !e.active) continue;
            for (const r of list) {
              const evs: readonly AlarmEvent[] = evaluate(e.state, e.compiled, { ts: r.ts, value: r.value });
              for (const event of evs) ruleEvents.push({ point: e, event });
            }
          }
          lap('rules');
          const afterCommit = await applyRuleEvents(tx, p.notifier, ruleEvents, now);
          for (const ev of ruleEvents) metrics.alarmEvents.inc({ type: ev.event.type, rule: ev.event.rule });
          lap('alarms');

          // 7. Rule state and the last value of each point.
          await writeStates(
            tx,
            stateWrites.map((e) => {
              const last = lastOf.get(e);
              return { e, lastTs: last?.ts ?? null, lastValue: last?.value ?? null };
            }),
            now,
            optimistic,
          );
          lap('state');

          // 8. Dead letters and gateway last-seen.
          for (const part of chunks(dead, INSERT_CHUNK)) {
            await tx.insertInto('monitoring_dead_letters').values(part).execute();
          }
          const seenGateways = [
            ...new Set(batch.map((b) => b.gateway?.id).filter((id): id is string => typeof id === 'string')),
          ].filter((id) => Date.now() - (lastSeenWritten.get(id) ?? 0) > LAST_SEEN_EVERY_MS);
          if (seenGateways.length) {
            await tx
              .updateTable('monitoring_gateways')
              .set({ last_seen_at: now })
              .where('id', 'in', seenGateways)
              .execute();
            for (const id of seenGateways) lastSeenWritten.set(id, Date.now());
          }
          lap('dead_letters');
          return afterCommit;
        });
        break;
      } catch (err) {
        for (const e of touched) e.rev = -1; // the in-memory state may be ahead of the database: reload next time
        if (err instanceof StateConflict && optimistic) {
          metrics.stateConflicts.inc();
          optimistic = false;
          dead.length = deadMark;
          for (const [r, n] of rejectedMarks) {
            r.accepted = 0;
            r.rejected.length = n;
          }
          stateWrites.length = 0;
          continue;
        }
        releasePoints(touched);
        throw err;
      }
    }
    lap('commit');
    for (const e of stateWrites) e.rev += 1;
    releasePoints(touched);

    deliverAfterCommit(p, after);
    let stored = 0;
    for (const [pnd, res] of results) {
      stored += res.accepted;
      metrics.readings.inc({ source: pnd.source, outcome: 'stored' }, res.accepted);
      const bad = res.rejected.length;
      if (bad) metrics.readings.inc({ source: pnd.source, outcome: 'rejected' }, bad);
      res.rejected.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
    }
    for (const d of dead) metrics.deadLetters.inc({ reason: d.reason });
    metrics.flushReadings.observe(stored);
    metrics.flushDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return results;
  }

  /**
   * Inserts the readings (`on conflict do nothing`: `(point, ts)` is the key) and folds the ones actually inserted
   * that are older than the rollup job's watermark (`inline_before`: late readings — a backlog, a redelivery) into
   * the 1-minute and 1-hour rollups, in one statement with three array parameters (no per-row parameters to bind and
   * parse); newer readings are left to the job `monitoring.rollup` (rollups.ts), so a current reading costs one row
   * write here instead of three. The watermark is read after the shared advisory lock was taken (statement
   * snapshot), so the job has not moved past it. Buckets are aligned to the epoch (UTC), rollup rows are upserted in (point, bucket) order so
   * that two instances lock them in the same order. Returns the indexes (0-based, into `rows`) of readings that
   * were already stored (searched only when fewer rows were inserted than sent: redeliveries are the exception).
   */
  async function storeReadings(tx: Tx, rows: Row[]): Promise<Set<number>> {
    const existing = new Set<number>();
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const part = rows.slice(start, start + INSERT_CHUNK);
      const ids = part.map((x) => x.point.id);
      const ms = part.map((x) => x.r.ts);
      const values = part.map((x) => x.r.value);
      const rollup = (table: 'readings_1m' | 'readings_1h', width: string) => sql`
        insert into ${sql.table(table)} as r (point_id, bucket, min, max, sum, count, last_ts, last_value)
        select point_id, date_bin(${width}::interval, ts, timestamptz 'epoch'), min(value), max(value), sum(value),
               count(*)::int, max(ts), (array_agg(value order by ts desc))[1]
        from ins where ts < (select inline_before from rolled) group by 1, 2 order by 1, 2
        ${MERGE_INTO_ROLLUP}`;
      const back = await sql<{ i: number }>`
        with v as (
          select u.point_id, timestamptz 'epoch' + u.ms * interval '1 millisecond' as ts, u.value, u.i
          from unnest(${ids}::uuid[], ${ms}::int8[], ${values}::float8[]) with ordinality as u(point_id, ms, value, i)
        ), rolled as (
          select coalesce((select inline_before from monitoring_rollup_state), 'infinity'::timestamptz) as inline_before
        ), ins as (
          insert into readings (point_id, ts, value) select point_id, ts, value from v
          on conflict do nothing
          returning point_id, ts, value
        ), m as (${rollup('readings_1m', '1 minute')}), h as (${rollup('readings_1h', '1 hour')})
        select (v.i - 1)::int as i from v
        where (select count(*) from ins) < ${part.length}
          and not exists (select 1 from ins where ins.point_id = v.point_id and ins.ts = v.ts)`.execute(tx);
      for (const b of back.rows) existing.add(start + Number(b.i));
    }
    return existing;
  }

  async function writeStates(
    tx: Tx,
    list: { e: PointEntry; lastTs: number | null; lastValue: number | null }[],
    now: Date,
    checkRevisions = false,
  ) {
    if (list.length === 0) return;
    // One JSON document for the whole list (each state is already JSON): one parameter, parsed once by the server;
    // each state is taken out of it as text, as stored (migration 0021), not parsed again.
    const doc = `[${list
      .map(({ e, lastTs, lastValue }) => {
        const state = e.state && e.compiled ? serializeState(e.state) : 'null';
        return `{"p":"${e.id}","s":${state},"t":${lastTs ?? 'null'},"v":${lastValue ?? 'null'},"r":${e.rev},"n":${e.version}}`;
      })
      .join(',')}]`;
    const updated = await sql<{ point_id: string }>`
      update monitoring_point_state as s set
        state = coalesce(v.s, s.state),
        rev = s.rev + 1,
        last_value = case when v.t is not null and v.ts >= coalesce(s.last_ts, '-infinity'::timestamptz)
                          then v.v else s.last_value end,
        last_ts = case when v.t is null then s.last_ts else greatest(s.last_ts, v.ts) end,
        updated_at = ${now}
      from (
        select x.p, x.s, x.t, x.v, x.r, x.n, timestamptz 'epoch' + x.t * interval '1 millisecond' as ts
        from json_to_recordset(${doc}::json) as x(p uuid, s text, t int8, v float8, r int8, n int)
      ) as v
      where s.point_id = v.p${
        checkRevisions
          ? sql` and s.rev = v.r and exists (select 1 from monitoring_points pt where pt.id = v.p and pt.version = v.n)`
          : sql``
      }
      returning s.point_id`.execute(tx);
    // Under READ COMMITTED a row another transaction changed meanwhile is re-checked on its newest version, so a
    // revision that moved on fails the check here.
    if (checkRevisions && updated.rows.length < list.length) throw new StateConflict();
  }

  /** Dead letters for a message that cannot be written even alone while the database is healthy. */
  async function writeStorageError(pnd: Pending, err: unknown): Promise<SubmitResult> {
    const detail = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    const rows: DeadLetterRow[] = pnd.readings.map((r) =>
      deadLetter(pnd, 'storage_error', {
        point_ref: r.ref,
        item_index: r.index,
        reading_ts: clampTs(r.ts),
        detail,
        payload: JSON.stringify({ point: r.ref, ts: r.ts, value: r.value }).slice(0, 500),
      }),
    );
    if (rows.length) await db.insertInto('monitoring_dead_letters').values(rows).execute();
    metrics.deadLetters.inc({ reason: 'storage_error' }, rows.length);
    log.error(
      { err, gateway: pnd.gateway?.id, readings: rows.length },
      'message could not be stored; kept as dead letters',
    );
    return {
      accepted: 0,
      rejected: pnd.readings.map((r) => ({ index: r.index, point: r.ref, reason: 'storage_error' as const })),
    };
  }

  async function databaseHealthy(): Promise<boolean> {
    try {
      await Promise.race([
        sql`select 1`.execute(db),
        new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000).unref()),
      ]);
      return true;
    } catch {
      return false;
    }
  }

  // ── Buffer and flush loops ──────────────────────────────────────────────────────────────────────────────
  //
  // INGEST_FLUSH_LOOPS loops ("shards") write in parallel, each on its own connection. A message's readings are
  // split by point reference (a hash of the code or id as sent), so one point's readings always go to the same
  // loop, in arrival order, and two loops' batches touch disjoint points — their transactions do not wait for
  // each other's state, rollup or alarm rows. A message is settled when every part of it is committed. A point
  // sent under both its code and its id can land in two loops: `claimPoints` then makes one wait (and the row
  // locks of lockPoints would serialise them in any case, as between two instances).
  interface Shard {
    queue: Pending[];
    queuedSize: number;
    flushing: boolean;
    timer: { cancel(): void } | null;
    idle: (() => void)[];
  }
  const shards: Shard[] = Array.from({ length: Math.max(1, options.flushLoops) }, () => ({
    queue: [],
    queuedSize: 0,
    flushing: false,
    timer: null,
    idle: [],
  }));
  let buffered = 0;
  let closed = false;
  let outage: { since: number } | null = null;
  const waiters: { size: number; resolve: () => void; reject: (e: Error) => void }[] = [];

  function setBuffered(delta: number) {
    buffered += delta;
    metrics.bufferReadings.set(buffered);
  }

  function wakeWaiters() {
    while (waiters.length) {
      const w = waiters[0];
      if (!w || buffered + w.size > options.bufferReadings) break;
      waiters.shift();
      setBuffered(w.size);
      w.resolve();
    }
  }

  function shardOf(ref: string): number {
    if (shards.length === 1) return 0;
    const key = UUID_RE.test(ref) ? ref.toLowerCase() : ref;
    let h = 0x811c9dc5; // FNV-1a
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return (h >>> 0) % shards.length;
  }

  function schedule(sh: Shard) {
    if (sh.flushing || sh.queue.length === 0) return;
    if (sh.queuedSize >= options.batchReadings) {
      startFlush(sh);
      return;
    }
    if (sh.timer) return;
    // Group commit: messages arriving while a flush runs go into the next one; when idle, wait at most
    // INGEST_FLUSH_MS (0: until the current I/O callbacks have run) so that a burst shares one transaction.
    if (options.flushMs === 0) {
      const i = setImmediate(() => startFlush(sh));
      sh.timer = { cancel: () => clearImmediate(i) };
    } else {
      const tm = setTimeout(() => startFlush(sh), options.flushMs);
      sh.timer = { cancel: () => clearTimeout(tm) };
    }
  }

  function clearTimer(sh: Shard) {
    sh.timer?.cancel();
    sh.timer = null;
  }

  function startFlush(sh: Shard) {
    clearTimer(sh);
    if (sh.flushing) return;
    sh.flushing = true;
    void loop(sh);
  }

  function takeBatch(sh: Shard): Pending[] {
    // Counted first, then taken with one splice: a queue of thousands of single-reading messages is a large array,
    // which V8 cannot trim from the front in place, so a shift per message moved the whole queue each time.
    let n = 0;
    let size = 0;
    for (const next of sh.queue) {
      if (n > 0 && size + next.size > options.batchReadings) break;
      n++;
      size += next.size;
    }
    sh.queuedSize -= size;
    return sh.queue.splice(0, n);
  }

  function requeue(sh: Shard, parts: Pending[]) {
    sh.queue.unshift(...parts);
    sh.queuedSize += parts.reduce((n, x) => n + x.size, 0);
  }

  async function loop(sh: Shard) {
    let backoff = 100;
    try {
      while (sh.queue.length) {
        const batch = takeBatch(sh);
        try {
          const results = await writeBatch(batch);
          for (const pnd of batch) pnd.resolve(results.get(pnd) ?? { accepted: 0, rejected: [] });
          if (outage) {
            log.info({ seconds: Math.round((Date.now() - outage.since) / 1000) }, 'ingest: database writes resumed');
            outage = null;
          }
          backoff = 100;
        } catch (err) {
          metrics.flushFailures.inc();
          if (await databaseHealthy()) {
            // The data, not the database: write message by message so one bad message cannot block the rest.
            let rest: Pending[] = [];
            for (const [i, pnd] of batch.entries()) {
              try {
                const r = await writeBatch([pnd]);
                pnd.resolve(r.get(pnd) ?? { accepted: 0, rejected: [] });
              } catch (err2) {
                if (!(await databaseHealthy())) {
                  rest = batch.slice(i);
                  break;
                }
                try {
                  pnd.resolve(await writeStorageError(pnd, err2));
                } catch {
                  rest = batch.slice(i);
                  break;
                }
              }
            }
            if (rest.length) requeue(sh, rest);
          } else {
            if (!outage) {
              outage = { since: Date.now() };
              log.error({ err, buffered }, 'ingest: database unavailable; holding readings in memory and retrying');
            }
            requeue(sh, batch);
            if (closed && closeDeadline !== null && Date.now() > closeDeadline) break;
            await sleep(backoff);
            backoff = Math.min(backoff * 2, 5000);
          }
        }
        wakeWaiters();
      }
    } finally {
      sh.flushing = false;
      wakeWaiters();
      if (sh.queue.length === 0) {
        const done = sh.idle;
        sh.idle = [];
        for (const f of done) f();
      } else if (!closed || closeDeadline === null || Date.now() <= closeDeadline) {
        schedule(sh);
      }
    }
  }

  /** Resolves when the shard has nothing queued and no flush running. */
  function shardIdle(sh: Shard): Promise<void> {
    if (!sh.flushing && sh.queue.length === 0) return Promise.resolve();
    if (!sh.flushing) startFlush(sh);
    return new Promise((r) => sh.idle.push(r));
  }

  let closeDeadline: number | null = null;

  /**
   * Splits a message into one part per shard (readings by point reference; item and message-level rejects with
   * the first part) and returns the parts and a promise settled when all of them are: the message's result is
   * the sum of its parts', its buffer room is given back then.
   */
  function split(input: SubmitInput, size: number): { parts: [Shard, Pending][]; committed: Promise<SubmitResult> } {
    let resolve!: (r: SubmitResult) => void;
    let reject!: (e: Error) => void;
    const committed = new Promise<SubmitResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const receivedAt = p.clock.now();
    // All readings to one shard (always so for a single reading): one part, settled as the message, no merging.
    const head = input.readings[0];
    const k0 = head ? shardOf(head.ref) : 0;
    if (input.readings.every((r) => shardOf(r.ref) === k0)) {
      const only = partOf(
        input,
        input.readings,
        true,
        receivedAt,
        (r) => {
          setBuffered(-size);
          resolve(r);
        },
        (e) => {
          setBuffered(-size);
          reject(e);
        },
      );
      return { parts: [[shards[k0] as Shard, only]], committed };
    }
    const groups = new Map<number, ParsedReading[]>();
    for (const r of input.readings) {
      const k = shardOf(r.ref);
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    const keys = [...groups.keys()];
    let pending = keys.length;
    let failed = false;
    const total: SubmitResult = { accepted: 0, rejected: [] };
    const parts = keys.map((k, n): [Shard, Pending] => [
      shards[k] as Shard,
      partOf(
        input,
        groups.get(k) ?? [],
        n === 0,
        receivedAt,
        (r) => {
          if (failed) return;
          total.accepted += r.accepted;
          total.rejected.push(...r.rejected);
          if (--pending > 0) return;
          setBuffered(-size);
          total.rejected.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
          resolve(total);
        },
        (e) => {
          if (failed) return;
          failed = true;
          setBuffered(-size);
          reject(e);
        },
      ),
    ]);
    return { parts, committed };
  }

  /**
   * Takes a message into the buffer. `mode: 'fail'` (HTTP) answers null when the buffer is full; `mode: 'wait'`
   * (MQTT) waits for room — the PUBACK is simply not sent yet, so the gateway keeps the message.
   * Resolves to `{committed}`: a promise settled after every batch holding a part of the message is committed.
   */
  async function admit(
    input: SubmitInput,
    mode: 'fail' | 'wait',
  ): Promise<{ committed: Promise<SubmitResult> } | null> {
    if (closed) {
      if (mode === 'fail') return null;
      throw new IngestClosedError();
    }
    const direct = admitNow(input);
    if (direct) return { committed: direct };
    // No room, or others already waiting for it: counted, then refused (HTTP) or queued behind them (MQTT).
    countMessage(input);
    metrics.rejectedFull.inc({ source: input.source });
    if (mode === 'fail') return null;
    const size = sizeOf(input);
    await new Promise<void>((resolve, reject) => waiters.push({ size, resolve, reject }));
    return { committed: enqueue(input, size) };
  }

  /**
   * `admit` without waiting, for the MQTT hot path: when the pipeline is open and the buffer has room (nobody
   * waiting), takes the message at once and answers the promise settled after its commit; otherwise answers null
   * and has done nothing — the caller then goes through `admit` (which tries this first itself). Saves the async
   * frames and microtask turns of `admit` on every message (a few µs each at 30,000 messages a second).
   */
  function admitNow(input: SubmitInput): Promise<SubmitResult> | null {
    const size = sizeOf(input);
    if (closed || buffered + size > options.bufferReadings || waiters.length > 0) return null;
    countMessage(input);
    setBuffered(size);
    return enqueue(input, size);
  }

  function countMessage(input: SubmitInput): void {
    (input.source === 'mqtt' ? mqttMessages : httpMessages).inc();
  }

  function sizeOf(input: SubmitInput): number {
    return Math.max(1, input.readings.length + input.rejects.length + (input.message ? 1 : 0));
  }

  function enqueue(input: SubmitInput, size: number): Promise<SubmitResult> {
    const { parts, committed } = split(input, size);
    for (const [sh, part] of parts) {
      sh.queue.push(part);
      sh.queuedSize += part.size;
      schedule(sh);
    }
    return committed;
  }

  // ── Tick: offline, gap after an exceedance, flatline ────────────────────────────────────────────────────
  let tickStartedAt: number | null = null;

  async function tickRound(at?: Date): Promise<number> {
    const now = at ?? p.clock.now();
    const nowMs = now.getTime();
    if (!allLoaded) await loadAllPoints();
    else if (Date.now() - lastRefresh > 30_000) await refreshPoints();
    const candidates: PointEntry[] = [];
    for (const e of points.values()) {
      const s = e.state;
      const c = e.compiled;
      if (!e.active || !c || !s) continue;
      const since = s.lastTs ?? s.armedAt;
      const silent = since === null ? Number.POSITIVE_INFINITY : nowMs - since;
      const maybe =
        since === null ||
        (!s.rules.offline.active && silent >= c.offlineMs) ||
        (s.lastExceeded && !s.rules.gap_around_exceedance.active && silent > c.gapMs) ||
        (c.flatlineMs !== Number.POSITIVE_INFINITY &&
          !s.rules.flatline.active &&
          s.flatStart !== null &&
          s.lastTs !== null &&
          s.lastTs - s.flatStart >= c.flatlineMs);
      if (maybe && tick(structuredClone(s), c, nowMs).length > 0) candidates.push(e);
    }
    // Points a flush is writing right now are skipped (like rows locked by another instance): next round.
    const mine = candidates.filter((e) => !busy.has(e));
    if (mine.length === 0) return 0;
    for (const e of mine) busy.add(e);
    let count = 0;
    let after: { a: AfterCommit; changed: PointEntry[] } | null;
    try {
      after = await tickTransaction(mine);
    } catch (err) {
      for (const e of mine) e.rev = -1; // states may have been changed in memory: reload them
      releasePoints(mine);
      throw err;
    }
    if (after) for (const e of after.changed) e.rev += 1;
    releasePoints(mine);
    if (!after) return 0;
    deliverAfterCommit(p, after.a);
    return count;

    function tickTransaction(candidates: PointEntry[]) {
      return db.transaction().execute(async (tx) => {
        const got = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${TICK_LOCK}) as ok`.execute(tx);
        if (!got.rows[0]?.ok) return null;
        const locked = await lockPoints(tx, candidates, nowMs, true);
        const ruleEvents: RuleEvent[] = [];
        const changed: PointEntry[] = [];
        for (const e of locked) {
          if (!e.compiled || !e.state || !e.active) continue;
          const evs = tick(e.state, e.compiled, nowMs);
          if (evs.length === 0) continue;
          changed.push(e);
          for (const event of evs) ruleEvents.push({ point: e, event });
        }
        count = ruleEvents.length;
        const a = await applyRuleEvents(tx, p.notifier, ruleEvents, now);
        for (const ev of ruleEvents) metrics.alarmEvents.inc({ type: ev.event.type, rule: ev.event.rule });
        await writeStates(
          tx,
          changed.map((e) => ({ e, lastTs: null, lastValue: null })),
          now,
        );
        return { a, changed };
      });
    }
  }

  let tickTimer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> = Promise.resolve();

  /** The ingest role's periodic tick (skipped during the grace period after start). */
  function startTicking() {
    if (tickTimer) return;
    tickStartedAt = p.clock.now().getTime();
    const run = () => {
      tickTimer = null;
      if (closed) return;
      const now = p.clock.now();
      const inGrace = tickStartedAt !== null && now.getTime() - tickStartedAt < options.tickGraceMs;
      ticking = (inGrace ? Promise.resolve(0) : tickRound(now))
        .catch((err) => log.error({ err }, 'monitoring tick failed'))
        .finally(() => {
          if (!closed) tickTimer = setTimeout(run, options.tickMs);
        });
    };
    tickTimer = setTimeout(run, options.tickMs);
  }

  return {
    options,
    metrics,
    events,
    admit,
    admitNow,
    gatewayByToken,
    gatewayById,
    cachedGateway,
    gatewayRevoked,
    minTs,
    cachedMinTs,
    maxTs: (now: number) => now + MAX_FUTURE_MS,
    loadAllPoints,
    /** A point was created or changed in this process: reload it at its next use. */
    pointChanged(id: string) {
      const e = points.get(id);
      if (e) e.version = -1;
      else if (allLoaded) void loadPointRows([id]).catch((err) => log.warn({ err }, 'could not load point'));
    },
    tickRound,
    startTicking,
    /** Resolves when everything admitted so far is committed (or the pipeline gave up on it at close). */
    async drain(): Promise<void> {
      await Promise.all(shards.map(shardIdle));
    },
    isClosed: () => closed,
    stats() {
      return {
        buffered,
        queued: shards.reduce((n, sh) => n + sh.queue.length, 0),
        waiting: waiters.length,
        flushing: shards.some((sh) => sh.flushing),
        outage: outage !== null,
        points: points.size,
      };
    },
    /**
     * Stops taking messages, flushes what is buffered (for at most `timeoutMs`) and stops the tick. Messages that
     * could not be written are rejected: their MQTT PUBACK was never sent, so the broker or gateway delivers them
     * again; an HTTP request still waiting gets 503.
     */
    async close(timeoutMs = 10_000): Promise<void> {
      if (closed) return;
      closed = true;
      closeDeadline = Date.now() + timeoutMs;
      if (tickTimer) clearTimeout(tickTimer);
      await ticking;
      for (const w of waiters.splice(0)) w.reject(new IngestClosedError());
      await Promise.race([Promise.all(shards.map(shardIdle)), sleep(timeoutMs + 500)]);
      for (const sh of shards) clearTimer(sh);
      const left = shards.flatMap((sh) => {
        sh.queuedSize = 0;
        return sh.queue.splice(0);
      });
      if (left.length) {
        log.error({ messages: left.length }, 'ingest: shutting down with unwritten messages (not acknowledged)');
        for (const pnd of left) pnd.reject(new IngestClosedError());
      }
    },
  };
}

export type IngestPipeline = ReturnType<typeof createIngestPipeline>;

const pipelines = new WeakMap<Platform, IngestPipeline>();

/** The process's pipeline for this platform (created on first use, with options from the environment). */
export function ingestPipeline(p: Platform, options?: Partial<IngestOptions>): IngestPipeline {
  let pl = pipelines.get(p);
  if (!pl || pl.isClosed()) {
    pl = createIngestPipeline(p, { ...ingestOptionsFromEnv(), ...options });
    pipelines.set(p, pl);
  }
  return pl;
}

export function existingPipeline(p: Platform): IngestPipeline | undefined {
  return pipelines.get(p);
}
