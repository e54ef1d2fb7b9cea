import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from 'pino';
import type { PGliteLock } from './pglite-dialect.js';
import { SOCKET_PORT } from './runtime.js';

/**
 * Serves the embedded database on the Unix socket `dataDir/.s.PGSQL.5432`, so the CLI and `psql -h <dataDir>`
 * work while the server runs.
 *
 * PGlite is ONE PostgreSQL session shared by the server (through Kysely) and every socket client. The socket
 * server (@electric-sql/pglite-socket) runs one client message at a time, but on its own it would let the
 * server's statements land in the middle of a client's transaction or extended-protocol exchange (and the
 * other way round). So it is given a gated view of PGlite: a client takes the same lock Kysely uses at its
 * first message and keeps it until PostgreSQL reports ReadyForQuery with status idle, i.e. until the client's
 * statement or transaction is over. While a client holds a transaction open, the server waits; a client idle
 * for `idleTimeoutMs` is disconnected and its transaction rolled back.
 */
export async function serveDatabaseSocket(opts: {
  pglite: PGlite;
  lock: PGliteLock;
  dataDir: string;
  log: Logger;
  maxConnections?: number;
  idleTimeoutMs?: number;
}): Promise<{ path: string; stop(): Promise<void> }> {
  const socketPath = path.join(opts.dataDir, `.s.PGSQL.${SOCKET_PORT}`);
  fs.rmSync(socketPath, { force: true });
  const gate = new SessionGate(opts.pglite, opts.lock, opts.log);
  const server = new PGLiteSocketServer({
    // The socket server uses only the members SessionGate implements.
    db: gate as unknown as PGlite,
    path: socketPath,
    maxConnections: opts.maxConnections ?? 4,
    // A client that sends nothing for this long is disconnected (and its open transaction rolled back), so a
    // forgotten `BEGIN` in psql cannot stall the server for longer. psql reconnects by itself.
    idleTimeout: opts.idleTimeoutMs ?? 60_000,
  });
  await server.start();
  fs.chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    async stop() {
      await server.stop();
      await gate.settle();
      fs.rmSync(socketPath, { force: true });
    },
  };
}

const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S', length 4

/**
 * Follows the backend messages of one response (they may arrive in several chunks) and remembers the status
 * byte of a trailing ReadyForQuery.
 */
class ResponseTracker {
  #header = Buffer.alloc(6);
  #headerLen = 0;
  #skip = 0;
  /** Status of the last message when it was ReadyForQuery ('I', 'T', 'E'), else null. */
  status: number | null = null;

  feed(chunk: Uint8Array) {
    let i = 0;
    while (i < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        continue;
      }
      this.#header[this.#headerLen++] = chunk[i++] ?? 0;
      if (this.#headerLen === 5) {
        const length = this.#header.readInt32BE(1);
        const type = this.#header[0];
        if (type === READY_FOR_QUERY && length === 5) continue; // read the status byte as a 6th header byte
        this.status = null;
        this.#headerLen = 0;
        this.#skip = Math.max(0, length - 4);
      } else if (this.#headerLen === 6) {
        this.status = this.#header[5] ?? null;
        this.#headerLen = 0;
      }
    }
  }
}

/** The part of PGlite that PGLiteSocketServer uses, with the session lock taken around client exchanges. */
class SessionGate {
  #release: (() => void) | null = null;
  #status: number | null = IDLE;
  readonly waitReady: Promise<void>;

  constructor(
    private readonly pglite: PGlite,
    private readonly lock: PGliteLock,
    private readonly log: Logger,
  ) {
    this.waitReady = pglite.waitReady;
  }

  /** The socket server asks this to keep one client's exchange together; true while a client holds the lock. */
  isInTransaction(): boolean {
    return this.#release !== null;
  }

  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.#release) this.#release = await this.lock.lock();
    try {
      return await this.pglite.runExclusive(fn);
    } finally {
      // Idle again: the client's statement (or transaction) is over and the server may go on.
      if (this.#status === IDLE) this.#releaseLock();
    }
  }

  async execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }) {
    if (message[0] === TERMINATE) {
      // The client is leaving. PGlite ignores Terminate; end whatever the client left open instead.
      await this.#endClientState(false);
      return;
    }
    const tracker = new ResponseTracker();
    await this.pglite.execProtocolRawStream(keepOnlyUserAndDatabase(message), {
      onRawData: (data) => {
        tracker.feed(data);
        options.onRawData(data);
      },
    });
    if (tracker.status !== null) this.#status = tracker.status;
    else this.#status = null; // mid extended-protocol exchange: keep the lock until Sync
  }

  /** Called by the socket server with 'ROLLBACK' when a client disconnects holding the lock. */
  async exec(_query: string) {
    if (!this.#release) return [];
    try {
      await this.#endClientState(true);
    } finally {
      this.#releaseLock();
    }
    return [];
  }

  /** Waits until no client holds the session (used at shutdown, after the socket server has stopped). */
  async settle() {
    if (!this.#release) return;
    try {
      await this.#endClientState(true);
    } finally {
      this.#releaseLock();
    }
  }

  /** Finishes a half-done exchange and rolls back an open transaction, so the server's session is clean. */
  async #endClientState(exclusive: boolean) {
    const run = async () => {
      try {
        if (this.#status === null) {
          await this.pglite.execProtocolRawStream(SYNC, { onRawData: () => undefined });
        }
        if (this.pglite.isInTransaction()) {
          await this.pglite.execProtocolRawStream(simpleQuery('rollback'), { onRawData: () => undefined });
          this.log.warn('a database socket client left with a transaction open; it was rolled back');
        }
      } catch (err) {
        this.log.error({ err }, 'could not reset the database session after a socket client');
      }
      this.#status = IDLE;
    };
    if (exclusive) await this.pglite.runExclusive(run);
    else await run();
  }

  #releaseLock() {
    const release = this.#release;
    this.#release = null;
    this.#status = IDLE;
    release?.();
  }
}

function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('Q', 0);
  head.writeInt32BE(body.length + 4, 1);
  return new Uint8Array(Buffer.concat([head, body]));
}

/**
 * A client's startup message may carry session settings (client_encoding from psql's locale, DateStyle,
 * `options=-c …`). In the shared session they would change what the server itself reads, so only `user` and
 * `database` are passed on; the session keeps the server's settings (UTF8, ISO dates).
 */
function keepOnlyUserAndDatabase(message: Uint8Array): Uint8Array {
  if (message.length < 8 || message[0] !== 0) return message;
  const buf = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (buf.readInt32BE(4) !== 196608) return message; // not a protocol 3.0 startup message
  const parts = buf.subarray(8, buf.length).toString('utf8').split('\0');
  const kept: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const key = parts[i] ?? '';
    if (key === 'user' || key === 'database') kept.push(key, parts[i + 1] ?? '');
  }
  const body = Buffer.from(`${kept.join('\0')}\0\0`, 'utf8');
  const head = Buffer.alloc(8);
  head.writeInt32BE(body.length + 8, 0);
  head.writeInt32BE(196608, 4);
  return new Uint8Array(Buffer.concat([head, body]));
}
