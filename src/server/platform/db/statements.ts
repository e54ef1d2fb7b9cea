/**
 * Prepared statements for the hot reads (the hazard list and its figures) on PostgreSQL.
 *
 * Planning is most of what PostgreSQL spends on a cheap page: the list's page query takes 0.4–1 ms to plan and
 * 0.5–1 ms to run, and the same SELECT sent by 32 clients runs at twice the rate as a prepared statement as it does
 * parsed and planned anew each time (pgbench, docs/performance.md). A generic plan for a statement with
 * parameters is the usual trap (a `LIKE $1` or a `LIMIT $2` it cannot see makes it far worse than the custom
 * one), so a statement here has none: `prepared()` writes the parameters into the text as literals — the very
 * text `pg` would have sent for each, quoted — and the text is the statement's identity. Its one plan is the
 * plan of those values, made once per connection and reused while the same request comes back.
 *
 * The cache keeps that bounded:
 * - a text is prepared the second time this process sees it (a one-off query — a keyset cursor, a rare filter —
 *   runs unnamed, as before);
 * - each connection holds at most `perConnection` statements, least recently used out first; an evicted one is
 *   deallocated when the connection is next checked out of the pool (never inside a caller's transaction), and
 *   reused in the meantime if it comes back.
 * PGlite ignores the marker (a comment) and runs the literal text. Behind a transaction-mode pooler (PgBouncer
 * before 1.21) set `DB_STATEMENT_CACHE=0`.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { CompiledQuery, PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import pg from 'pg';

const MARK = '/*fx:prepared*/ ';
/** Texts remembered (seen once, and their names). */
const SEEN_MAX = 10_000;
const NAME_PREFIX = 'fx_';

// pg's own conversion of a parameter to the text it sends (dates, arrays, buffers, JSON), so a literal means
// exactly what the parameter meant.
const pgUtils = createRequire(import.meta.url)('pg/lib/utils') as { prepareValue(v: unknown): string | null };

function literal(value: unknown): string {
  const text = pgUtils.prepareValue(value);
  return text === null ? 'NULL' : pg.escapeLiteral(text);
}

const IDENT = /[A-Za-z0-9_$]/;

/**
 * The SQL with each `$n` outside strings, quoted identifiers and comments replaced by the literal of parameter
 * n. A quoted literal is typed by its context as an untyped parameter is, so the statement means the same.
 */
export function inlineParameters(text: string, parameters: readonly unknown[]): string {
  let out = '';
  let i = 0;
  let from = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      // A string or quoted identifier; E'…' strings escape with a backslash too.
      const backslash = c === "'" && i > 0 && /[eE]/.test(text[i - 1] ?? '') && !IDENT.test(text[i - 2] ?? ' ');
      i++;
      while (i < text.length) {
        if (backslash && text[i] === '\\') i += 2;
        else if (text[i] === c) {
          if (text[i + 1] === c) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '$' && !IDENT.test(text[i - 1] ?? ' ')) {
      const m = /^\$(\d+)/.exec(text.slice(i, i + 12));
      if (!m) throw new Error('prepared(): dollar-quoted SQL is not supported');
      const n = Number(m[1]);
      if (n < 1 || n > parameters.length) throw new Error(`prepared(): no parameter $${n}`);
      out += text.slice(from, i) + literal(parameters[n - 1]);
      i += m[0].length;
      from = i;
    } else i++;
  }
  return out + text.slice(from);
}

/** The query marked for the statement cache, its parameters written into the text (see the module comment). */
export function prepared<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  return { ...query, sql: MARK + inlineParameters(query.sql, query.parameters), parameters: [] };
}

/**
 * A keeper of marked queries by a key that determines them (scope, day, filters, page…): a repeated request
 * skips building, compiling and writing its values in — a tenth of the server's time on a list page. The key
 * must name everything the query is built from; the oldest of `max` keys goes first.
 */
export function preparedByKey(max = 2_000) {
  const kept = new Map<string, CompiledQuery<unknown>>();
  return <R>(key: string, build: () => CompiledQuery<R>): CompiledQuery<R> => {
    const hit = kept.get(key);
    if (hit) return hit as CompiledQuery<R>;
    const query = prepared(build());
    if (kept.size >= max) {
      const oldest = kept.keys().next();
      if (!oldest.done) kept.delete(oldest.value);
    }
    kept.set(key, query);
    return query;
  };
}

/** Whether the SQL was marked by `prepared()`. */
export function isPrepared(text: string): boolean {
  return text.startsWith(MARK);
}

/** The name of a marked statement: derived from its text, so the same text has the same name everywhere. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = NAME_PREFIX + createHash('sha1').update(text).digest('hex');
    if (names.size >= SEEN_MAX) names.clear();
    names.set(text, name);
  }
  return name;
}

/** Names of the texts seen lately (a Map lookup is cheaper than hashing the text again). */
const names = new Map<string, string>();

/** pg's record of the statements a connection has parsed (not part of its typings). */
interface PgConnectionState {
  parsedStatements: Record<string, string>;
}

/** A connection's statements: prepared (oldest use first) and evicted ones awaiting DEALLOCATE. */
interface ConnectionStatements {
  live: Map<string, true>;
  retired: Set<string>;
}

export interface StatementCacheStats {
  /** Executions of a statement this connection had prepared. */
  reused: number;
  /** Statements prepared (a text's second sighting on a connection that lacked it). */
  prepared: number;
  /** Marked queries run unnamed (first sighting, or the cache is off). */
  unnamed: number;
  /** Statements deallocated. */
  deallocated: number;
}

/**
 * A Kysely pool over `pool` whose connections run marked queries as named prepared statements, at most
 * `perConnection` per connection (0: never).
 */
export function statementCachePool(
  pool: pg.Pool,
  perConnection: number,
): PostgresPool & { stats: StatementCacheStats } {
  const stats: StatementCacheStats = { reused: 0, prepared: 0, unnamed: 0, deallocated: 0 };
  const seen = new Set<string>(); // statement names whose text ran at least once (insertion order ≈ age)
  const perClient = new WeakMap<pg.PoolClient, { statements: ConnectionStatements; wrapper: PostgresPoolClient }>();

  function run<R>(client: pg.PoolClient, text: string, parameters: readonly unknown[]) {
    return client.query(text, [...parameters]) as unknown as Promise<PostgresQueryResult<R>>;
  }

  function runMarked<R>(
    client: pg.PoolClient,
    mine: ConnectionStatements,
    text: string,
  ): Promise<PostgresQueryResult<R>> {
    if (perConnection <= 0) {
      stats.unnamed++;
      return run<R>(client, text, []);
    }
    const name = statementName(text);
    const known = mine.live.delete(name) || mine.retired.delete(name);
    if (!known && !seen.has(name)) {
      if (seen.size >= SEEN_MAX) {
        const oldest = seen.values().next();
        if (!oldest.done) seen.delete(oldest.value);
      }
      seen.add(name);
      stats.unnamed++;
      return run<R>(client, text, []);
    }
    mine.live.set(name, true);
    while (mine.live.size > perConnection) {
      const oldest = mine.live.keys().next();
      if (oldest.done) break;
      mine.live.delete(oldest.value);
      mine.retired.add(oldest.value);
    }
    if (known) stats.reused++;
    else stats.prepared++;
    return client.query({ name, text, values: [] }) as unknown as Promise<PostgresQueryResult<R>>;
  }

  /** Sends DEALLOCATE for the connection's evicted statements ahead of its next query (pg runs them in order). */
  function deallocateRetired(client: pg.PoolClient, mine: ConnectionStatements) {
    if (mine.retired.size === 0) return;
    const connection = (client as unknown as { connection: PgConnectionState }).connection;
    for (const name of mine.retired) {
      delete connection.parsedStatements[name];
      stats.deallocated++;
      client.query(`DEALLOCATE "${name}"`).catch(() => {
        // The connection failed; the pool drops it and its statements with it.
      });
    }
    mine.retired.clear();
  }

  function wrap(client: pg.PoolClient): PostgresPoolClient {
    const mine = perClient.get(client);
    if (mine) {
      deallocateRetired(client, mine.statements);
      return mine.wrapper;
    }
    const statements: ConnectionStatements = { live: new Map(), retired: new Set() };
    function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(
      q: string | PostgresCursor<R>,
      parameters?: ReadonlyArray<unknown>,
    ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      if (typeof q !== 'string') return client.query(q as never) as unknown as PostgresCursor<R>;
      if (isPrepared(q) && parameters?.length === 0) return runMarked<R>(client, statements, q);
      return run<R>(client, q, parameters ?? []);
    }
    const wrapper: PostgresPoolClient = { query, release: (destroy?: boolean) => client.release(destroy) };
    perClient.set(client, { statements, wrapper });
    return wrapper;
  }

  return {
    stats,
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}
