import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { PGliteDialect, PGliteLock } from './pglite-dialect.js';
import { SOCKET_PORT } from './runtime.js';
import type { DB } from './schema.js';
import { type StatementCacheStats, statementCachePool } from './statements.js';

export type DbKind = 'pglite' | 'postgres';
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Either the database or a transaction: repositories accept both. */
export type Executor = Kysely<DB> | Transaction<DB>;

export interface Database {
  db: Db;
  kind: DbKind;
  /** The embedded instance, when this process opened PGlite (for the socket server). */
  pglite?: PGlite;
  /** The lock on the PGlite session that Kysely uses; anything else talking to `pglite` must hold it too. */
  pgliteLock?: PGliteLock;
  /** Set when the embedded database is reached through a running server's Unix socket (CLI). */
  socketDir?: string;
  /** The PostgreSQL connection string, when the database is a server (for LISTEN/NOTIFY). */
  url?: string;
  /** How the prepared-statement cache of a PostgreSQL server is used (statements.ts). */
  statements?: StatementCacheStats;
  close(): Promise<void>;
}

// Same value shapes on both databases: int8 as number, date as 'YYYY-MM-DD' (never a local-time Date).
const identity = (v: string) => v;

function pgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === 20) return (v: string) => Number(v);
      if (oid === 1082) return identity;
      return pg.types.getTypeParser(oid, format ?? 'text');
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export interface OpenOptions {
  /** postgres://… to use a server; otherwise PGlite. */
  url?: string | undefined;
  /** Directory of the PGlite files; undefined keeps PGlite in memory (tests). */
  dataDir?: string | undefined;
  /**
   * The directory where a running server serves its embedded database (`.s.PGSQL.5432`, see `socket.ts`).
   * Takes precedence over `dataDir`; the database is still PGlite, reached with `pg` over the socket.
   */
  socketDir?: string | undefined;
  poolSize?: number;
  /** Prepared statements kept per PostgreSQL connection for `prepared()` queries (statements.ts); 0 turns it off. */
  statementCache?: number | undefined;
}

export const DEFAULT_STATEMENT_CACHE = 100;

function pgDatabase(pool: pg.Pool, statementCache: number) {
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries in flight report their own errors.
  });
  // pg-pool removes its own error listener from a checked-out client: a connection the server terminates
  // at that moment would otherwise raise an unhandled 'error' and crash the process. The query still fails.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const cached = statementCachePool(pool, statementCache);
  return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool: cached }) }), statements: cached.stats };
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 20, types: pgTypes() });
    const { db, statements } = pgDatabase(pool, opts.statementCache ?? DEFAULT_STATEMENT_CACHE);
    return { db, kind: 'postgres', url: opts.url, statements, close: () => db.destroy() };
  }
  if (opts.socketDir) {
    // PGlite runs one session: the server's socket multiplexes clients one exchange at a time, so a single
    // connection is all a client can use anyway.
    const pool = new pg.Pool({
      host: opts.socketDir,
      port: SOCKET_PORT,
      user: 'postgres',
      database: 'postgres',
      max: opts.poolSize ?? 1,
      types: pgTypes(),
    });
    // The embedded database behind the socket: one session shared by every client, so no named statements.
    const { db } = pgDatabase(pool, 0);
    return { db, kind: 'pglite', socketDir: opts.socketDir, close: () => db.destroy() };
  }
  let dir: string | undefined;
  if (opts.dataDir) {
    dir = path.join(opts.dataDir, 'pgdata');
    fs.mkdirSync(dir, { recursive: true });
  }
  // pg_trgm backs the enterprise search index (migration 0009); PostgreSQL ships it in contrib.
  const pglite = await PGlite.create(dir, { parsers: { 1082: identity }, extensions: { pg_trgm } });
  const pgliteLock = new PGliteLock();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite, pgliteLock) });
  return {
    db,
    kind: 'pglite',
    pglite,
    pgliteLock,
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}
