import fs from 'node:fs';
import path from 'node:path';

/**
 * The embedded database can be opened by one process only. Whoever opens it (the server, or a CLI command
 * when no server runs) first claims DATA_DIR/server.json with its pid; the server then records the socket
 * where it serves the database, so the CLI (and psql) reach it through the server.
 */
export interface RuntimeInfo {
  pid: number;
  /** Directory holding the `.s.PGSQL.<port>` socket, or null while starting / when PGLITE_SOCKET=0. */
  socketDir: string | null;
  port: number;
  startedAt: string;
  /** 'server' (default when absent) or 'cli' (a CLI command holding the files directly). */
  holder?: 'server' | 'cli';
  /** The server has claimed the files but is still opening, migrating or seeding them. */
  starting?: boolean;
  /** The CLI command holding the files. */
  command?: string;
  /** Where the HTTP API listens, once it does. */
  url?: string | null;
}

export const SOCKET_PORT = 5432;
const file = (dataDir: string) => path.join(dataDir, 'server.json');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process holding the embedded database in dataDir, or null (no file, or its process is gone). */
export function readRuntime(dataDir: string): RuntimeInfo | null {
  let info: RuntimeInfo;
  try {
    info = JSON.parse(fs.readFileSync(file(dataDir), 'utf8')) as RuntimeInfo;
  } catch {
    return null;
  }
  if (typeof info.pid !== 'number' || info.pid === process.pid || !isAlive(info.pid)) return null;
  return info;
}

export function writeRuntime(dataDir: string, info: RuntimeInfo) {
  fs.mkdirSync(dataDir, { recursive: true });
  const tmp = `${file(dataDir)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info, null, 2));
  fs.renameSync(tmp, file(dataDir));
}

/**
 * Claims the embedded database for this process: creates server.json exclusively (a stale file whose process
 * is gone is replaced). Returns null when claimed, or the live holder when another process has it.
 */
export function claimRuntime(dataDir: string, info: RuntimeInfo): RuntimeInfo | null {
  fs.mkdirSync(dataDir, { recursive: true });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      fs.writeFileSync(file(dataDir), JSON.stringify(info, null, 2), { flag: 'wx' });
      return null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readRuntime(dataDir);
    if (holder) return holder;
    if (ownedBySelf(dataDir) || isStale(dataDir)) {
      // Ours already, or its process is gone: replace it.
      fs.rmSync(file(dataDir), { force: true });
      continue;
    }
    // Just created by another process that is still writing it: give it a moment.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  throw new Error(`could not claim ${file(dataDir)}`);
}

function ownedBySelf(dataDir: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(file(dataDir), 'utf8')) as RuntimeInfo).pid === process.pid;
  } catch {
    return false;
  }
}

/** True when server.json names a dead process, or is unreadable and older than a few seconds. */
function isStale(dataDir: string): boolean {
  try {
    const text = fs.readFileSync(file(dataDir), 'utf8');
    try {
      const info = JSON.parse(text) as RuntimeInfo;
      return typeof info.pid !== 'number' || !isAlive(info.pid);
    } catch {
      return Date.now() - fs.statSync(file(dataDir)).mtimeMs > 5_000;
    }
  } catch {
    return true;
  }
}

export function clearRuntime(dataDir: string) {
  try {
    const info = JSON.parse(fs.readFileSync(file(dataDir), 'utf8')) as RuntimeInfo;
    if (info.pid === process.pid) fs.unlinkSync(file(dataDir));
  } catch {
    /* already gone */
  }
}
