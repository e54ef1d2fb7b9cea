import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, loadConfig } from './platform/config.js';
import { type Db, openDatabase } from './platform/db/client.js';
import { createPlatform } from './platform/platform.js';

/**
 * The real CLI as a child process (`npx tsx src/server/cli.ts …`), against the embedded database with and
 * without a running server, and against PostgreSQL when TEST_DATABASE_URL is set.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PG_URL = process.env.TEST_DATABASE_URL;
const SLOW = 600_000; // child processes start slowly on a busy 2-core machine

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a child: ours without anything that would pick another database or server setting. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  // Every Fangxian setting (vitest itself sets BASE_URL=/, for one), and Vite's own variables.
  for (const key of [...Object.keys(configSchema.shape), 'MODE', 'DEV', 'PROD', 'SSR']) delete base[key];
  return { ...base, LOG_LEVEL: 'silent', ...env };
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const cli = (args: string[], env: Record<string, string>) => run('npx', ['tsx', 'src/server/cli.ts', ...args], env);

const tmpDirs: string[] = [];
function tmpDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fangxian-cli-${label}-`));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});
const rand = () => randomBytes(4).toString('hex');

function password(r: Run): string {
  const m = /One-time password: (\S+)/.exec(r.stdout);
  if (!m?.[1]) throw new Error(`no one-time password in: ${r.stdout} ${r.stderr}`);
  return m[1];
}

/** Rows per table, read directly from an embedded database that no process holds. */
async function countRows(dataDir: string): Promise<Record<string, number>> {
  const database = await openDatabase({ dataDir });
  try {
    return await countTables(database.db);
  } finally {
    await database.close();
  }
}

async function countTables(db: Db): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`.execute(db);
  const out: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.id('public', name)}`.execute(db);
    out[name] = Number(r.rows[0]?.n ?? 0);
  }
  return out;
}

/** The per-table row counts a backup file says it holds (its last line). */
function backupCounts(file: string): Record<string, number> {
  const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').trim().split('\n');
  const end = JSON.parse(lines.at(-1) ?? '[]') as [string, { tables: Record<string, number> }];
  expect(end[0]).toBe('end');
  return end[1].tables;
}

function readServerJson(dataDir: string): { pid: number; url?: string | null; starting?: boolean } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8'));
  } catch {
    return null;
  }
}

interface Server {
  child: ChildProcess;
  dataDir: string;
  pid: number;
  url: string;
  exit: Promise<number | null>;
  exited(): boolean;
  output(): string;
}

/** Starts `npx tsx src/server/main.ts` on a fresh DATA_DIR and waits until it serves HTTP. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const dataDir = tmpDir('server');
  const child = spawn('npx', ['tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: childEnv({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', MQTT_PORT: '0', LOG_LEVEL: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let exited = false;
  void exit.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 300_000;
  for (;;) {
    const info = readServerJson(dataDir);
    if (info?.url && !info.starting) {
      const res = await fetch(`${info.url}/api/health`);
      expect(res.status).toBe(200);
      return { child, dataDir, pid: info.pid, url: info.url, exit, exited: () => exited, output: () => output };
    }
    if (exited) throw new Error(`the server exited while starting:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** SIGTERM to the server process itself (npx does not pass signals on), then its exit code, or 'timeout'. */
async function stopServer(s: Server, withinMs = 20_000): Promise<number | null | 'timeout'> {
  try {
    process.kill(s.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  return Promise.race([s.exit, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), withinMs))]);
}

describe('main.ts start-up', () => {
  it(
    'stops on a bad environment value with one line naming the variable',
    async () => {
      const r = await run('npx', ['tsx', 'src/server/main.ts'], { PORT: 'abc', DATA_DIR: tmpDir('badenv') });
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^fangxian: Invalid PORT="abc": /);
    },
    SLOW,
  );
});

describe('CLI usage', () => {
  it(
    'explains itself and rejects unknown options with a one-line error',
    async () => {
      const help = await cli(['user:create', '--help'], {});
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage: npm run cli -- user:create --role ROLE --username NAME/);
      const bad = await cli(['audit:verify', '--frobnicate'], {});
      expect(bad.code).toBe(64);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/--frobnicate.*audit:verify --help/);
    },
    SLOW,
  );
});

describe('CLI on the embedded database with no server running', () => {
  const dataDir = tmpDir('direct');
  const restored = tmpDir('restored');
  const backupFile = path.join(tmpDir('backup'), 'fangxian.fxb');
  const env = { DATA_DIR: dataDir };

  it(
    'migrates, creates a user who must change the password, verifies the audit chain, runs a job',
    async () => {
      const migrate = await cli(['db:migrate'], env);
      expect(migrate.code, migrate.stderr).toBe(0);
      expect(migrate.stdout).toMatch(/Schema version \d{4}_/);
      expect(migrate.stderr).toMatch(/no server running/);

      const created = await cli(
        ['user:create', '--role', 'sys_admin', '--username', 'admin', '--display-name', '管理员'],
        env,
      );
      expect(created.code, created.stderr).toBe(0);
      const pw = password(created);

      // The binding rules are the API's: a department officer needs a department.
      const unbound = await cli(['user:create', '--role', 'dept_officer', '--username', 'officer1'], env);
      expect(unbound.code).toBe(1);
      expect(unbound.stderr).toMatch(/needs a department/);

      const verified = await cli(['audit:verify'], env);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/^Audit chain OK, 1 rows$/m);

      const job = await cli(['jobs:run', 'enterprises.expiry-reminders', '--at', '2026-12-01T00:00:00Z'], env);
      expect(job.code, job.stderr).toBe(0);
      expect(JSON.parse(job.stdout)).toEqual(expect.objectContaining({ asOf: expect.any(String) }));

      const unknown = await cli(['jobs:run', 'no.such-job'], env);
      expect(unknown.code).toBe(64);
      expect(unknown.stderr).toMatch(/Unknown job "no\.such-job"\. Known jobs: .*enterprises\.expiry-reminders/);

      // The password signs in through the platform's auth service, and must be changed.
      expect(fs.existsSync(path.join(dataDir, 'server.json'))).toBe(false);
      const database = await openDatabase({ dataDir });
      const p = await createPlatform(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), {
        database,
        logger: pino({ level: 'silent' }),
      });
      try {
        const login = await p.auth.login('admin', pw, '127.0.0.1', 'vitest');
        expect(login.mustChangePassword).toBe(true);
        expect(login.actor.role).toBe('sys_admin');
        const row = await p.db
          .selectFrom('audit_log')
          .select(['actor_name', 'action'])
          .where('action', '=', 'user.created')
          .executeTakeFirstOrThrow();
        expect(row.actor_name).toBe('cli');
      } finally {
        await p.close();
      }
    },
    SLOW,
  );

  it(
    'backs up, restores into a fresh DATA_DIR with the same rows and a valid chain, and refuses a non-empty one',
    async () => {
      const backup = await cli(['backup', backupFile], env);
      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stdout).toMatch(/^Backed up \d+ rows in \d+ tables/);

      const restore = await cli(['restore', backupFile], { DATA_DIR: restored });
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stdout).toMatch(/^Audit chain OK, \d+ rows$/m);

      const source = await countRows(dataDir);
      expect(source.users).toBeGreaterThan(0);
      expect(source.kysely_migration).toBeGreaterThan(0);
      expect(await countRows(restored)).toEqual(source);
      expect(backupCounts(backupFile)).toEqual(source);

      const again = await cli(['restore', backupFile], { DATA_DIR: restored });
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/not empty \(\d+ users\).*--force/);

      // Sequences continue after the restored ids: a new audit row goes to the end of the chain.
      const more = await cli(['user:create', '--role', 'county_admin', '--username', 'after_restore'], {
        DATA_DIR: restored,
      });
      expect(more.code, more.stderr).toBe(0);
      const verified = await cli(['audit:verify'], { DATA_DIR: restored });
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(new RegExp(`OK, ${(source.audit_log ?? 0) + 1} rows`));
    },
    SLOW,
  );

  it(
    'reports a tampered audit row with exit code 3',
    async () => {
      const database = await openDatabase({ dataDir: restored });
      try {
        await database.db.transaction().execute(async (tx) => {
          await sql`set local session_replication_role = replica`.execute(tx);
          await sql`update audit_log set action = 'user.tampered' where id = 1`.execute(tx);
        });
      } finally {
        await database.close();
      }
      const r = await cli(['audit:verify'], { DATA_DIR: restored });
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/broken at id 1 \(hash/);
    },
    SLOW,
  );
});

describe('CLI while the server runs (through its database socket)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ DEMO: '1' });
  }, SLOW);
  afterAll(async () => {
    if (server && !server.exited()) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });

  it(
    'creates a user and verifies the audit chain via the running server',
    async () => {
      const env = { DATA_DIR: server.dataDir };
      const created = await cli(['user:create', '--role', 'county_admin', '--username', `ops_${rand()}`], env);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stderr).toContain(`via the running server (pid ${server.pid})`);
      const username = /account "([^"]+)"/.exec(created.stdout)?.[1];
      // The server itself sees the new account at once.
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url },
        body: JSON.stringify({ username, password: password(created) }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);

      const verified = await cli(['audit:verify'], env);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/^Audit chain OK, \d+ rows$/m);
      expect(verified.stderr).toContain('via the running server');
    },
    SLOW,
  );

  const hasPsql = spawnSync('psql', ['--version']).status === 0;
  it.skipIf(!hasPsql)(
    'lets psql in through the socket',
    async () => {
      const r = await run(
        'psql',
        ['-h', server.dataDir, '-U', 'postgres', '-Atc', 'select count(*) from users', 'postgres'],
        {},
      );
      expect(r.code, r.stderr).toBe(0);
      expect(Number(r.stdout.trim())).toBeGreaterThan(0);
      // psql is gone: the server's own requests still work.
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    },
    SLOW,
  );

  it(
    'shuts down gracefully on SIGTERM: exit 0 within 20 s, server.json and the socket removed',
    async () => {
      const code = await stopServer(server);
      expect(code, server.output()).toBe(0);
      expect(fs.existsSync(path.join(server.dataDir, 'server.json'))).toBe(false);
      expect(fs.existsSync(path.join(server.dataDir, '.s.PGSQL.5432'))).toBe(false);
    },
    SLOW,
  );
});

describe('CLI when a server holds the embedded database without a socket', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ DEMO: '0', PGLITE_SOCKET: '0' });
  }, SLOW);
  afterAll(async () => {
    if (server && !server.exited() && (await stopServer(server)) === 'timeout') process.kill(server.pid, 'SIGKILL');
  }, SLOW);

  it(
    'exits with code 2 and says what to do',
    async () => {
      const r = await cli(['audit:verify'], { DATA_DIR: server.dataDir });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        `fangxian: Fangxian (pid ${server.pid}) holds the embedded database and does not serve its socket (PGLITE_SOCKET=0). Stop it, or restart it with PGLITE_SOCKET=1`,
      );
      // The CLI did not touch the files or take them over.
      expect(readServerJson(server.dataDir)?.pid).toBe(server.pid);
    },
    SLOW,
  );
});

describe.skipIf(!PG_URL)('CLI on PostgreSQL (TEST_DATABASE_URL)', () => {
  const url = PG_URL ?? '';
  const env = { DATABASE_URL: url };

  it(
    'migrates, creates a user and verifies the audit chain',
    async () => {
      const migrate = await cli(['db:migrate'], env);
      expect(migrate.code, migrate.stderr).toBe(0);
      expect(migrate.stderr).toMatch(/using PostgreSQL at/);
      const username = `cli_${rand()}`;
      const created = await cli(['user:create', '--role', 'county_leader', '--username', username], env);
      expect(created.code, created.stderr).toBe(0);
      password(created);
      const verified = await cli(['audit:verify'], env);
      expect(verified.code, verified.stdout).toBe(0);
      expect(verified.stdout).toMatch(/^Audit chain OK, \d+ rows$/m);
    },
    SLOW,
  );

  it(
    'backs up the shared database and restores it into a new database',
    async (ctx) => {
      const file = path.join(tmpDir('pgbackup'), 'pg.fxb');
      const backup = await cli(['backup', file], env);
      expect(backup.code, backup.stderr).toBe(0);
      const counts = backupCounts(file);
      expect(counts.users).toBeGreaterThan(0);

      const name = `fx_restore_${rand()}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        try {
          await admin.query(`create database ${name}`);
        } catch (err) {
          ctx.skip(`the test user may not create databases (${(err as Error).message})`);
          return;
        }
        try {
          const target = new URL(url);
          target.pathname = `/${name}`;
          const restore = await cli(['restore', file], { DATABASE_URL: target.toString() });
          expect(restore.code, restore.stderr).toBe(0);
          expect(restore.stdout).toMatch(/^Audit chain OK, \d+ rows$/m);
          const database = await openDatabase({ url: target.toString(), poolSize: 1 });
          try {
            expect(await countTables(database.db)).toEqual(counts);
          } finally {
            await database.close();
          }
        } finally {
          await admin.query(`drop database if exists ${name} with (force)`);
        }
      } finally {
        await admin.end();
      }
    },
    SLOW,
  );
});
