import fs from 'node:fs';
import path from 'node:path';

/**
 * The embedded database can be opened by one process only. The server writes DATA_DIR/server.json with its
 * pid and the socket where it serves the database, so the CLI (and psql) reach it through the server.
 */
export interface RuntimeInfo {
  pid: number;
  socketDir: string | null;
  port: number;
  startedAt: string;
}

export const SOCKET_PORT = 5432;
const file = (dataDir: string) => path.join(dataDir, 'server.json');

export function readRuntime(dataDir: string): RuntimeInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(file(dataDir), 'utf8')) as RuntimeInfo;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return null;
  }
}

export function writeRuntime(dataDir: string, info: RuntimeInfo) {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file(dataDir), JSON.stringify(info, null, 2));
}

export function clearRuntime(dataDir: string) {
  try {
    const info = JSON.parse(fs.readFileSync(file(dataDir), 'utf8')) as RuntimeInfo;
    if (info.pid === process.pid) fs.unlinkSync(file(dataDir));
  } catch {
    /* already gone */
  }
}
