/**
 * Operator commands: `npm run cli -- <command> [options]` (see `--help`, and docs/operations.md).
 *
 * Which database: DATABASE_URL → that PostgreSQL. Otherwise the embedded database in DATA_DIR, which only one
 * process may open: through the running server's socket when a server holds it, directly when none does.
 *
 * Exit codes: 0 done · 1 failed (bad value, refused, error) · 2 the database cannot be reached ·
 * 3 the audit chain is broken · 64 wrong usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { sql } from 'kysely';
import pino from 'pino';
import { ROLES, type Role } from '../core/roles.js';
import { checkBinding, resetPassword } from './modules/users/index.js';
import { audit, verifyAuditChain } from './platform/audit/audit.js';
import { hashPassword, oneTimePassword } from './platform/auth/passwords.js';
import { type Actor, SYSTEM_ACTOR } from './platform/authz/actor.js';
import { type Config, ConfigError, loadConfig } from './platform/config.js';
import { BackupError, backupDatabase, restoreDatabase } from './platform/db/backup.js';
import { type Database, openDatabase } from './platform/db/client.js';
import { MIGRATIONS, migrate } from './platform/db/migrate.js';
import { claimRuntime, clearRuntime, type RuntimeInfo, readRuntime, SOCKET_PORT } from './platform/db/runtime.js';
import { AppError } from './platform/errors.js';
import { createPlatform, type Platform } from './platform/platform.js';

export const EXIT = { ok: 0, failed: 1, unreachable: 2, auditBroken: 3, usage: 64 } as const;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** The actor recorded in the audit log for changes made with the CLI. */
const CLI_ACTOR: Actor = { ...SYSTEM_ACTOR, username: 'cli', displayName: '命令行 (CLI)' };

const USERNAME = /^[a-zA-Z0-9_.-]{3,64}$/;

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

interface Session {
  config: Config;
  database: Database;
  /** A platform over the same database, built on first use (services, jobs). */
  platform(): Promise<Platform>;
}

interface Command {
  summary: string;
  usage: string;
  details?: string;
  options: Options;
  positionals: [min: number, max: number];
  /** false: the command must not need an existing schema (db:migrate, restore). */
  needsSchema: boolean;
  run(s: Session, values: Values, positionals: string[]): Promise<number>;
}

const print = (line = '') => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`fangxian: ${line}\n`);
const str = (v: string | boolean | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function required(values: Values, name: string, command: string): string {
  const v = str(values[name]);
  if (!v) throw new CliError(`${command} needs --${name} (see: npm run cli -- ${command} --help)`, EXIT.usage);
  return v;
}

// ─── commands ──────────────────────────────────────────────────────────────────────────────────────────────

const COMMANDS: Record<string, Command> = {
  'db:migrate': {
    summary: 'apply pending database migrations',
    usage: 'db:migrate',
    options: {},
    positionals: [0, 0],
    needsSchema: false,
    async run(s) {
      const { applied, schemaVersion } = await migrate(s.database.db as never);
      print(applied.length ? `Applied ${applied.join(', ')}` : 'Nothing to apply');
      print(`Schema version ${schemaVersion}`);
      return EXIT.ok;
    },
  },

  'user:create': {
    summary: 'create an account and print its one-time password',
    usage:
      'user:create --role ROLE --username NAME [--display-name TEXT] [--department CODE] [--region CODE12] [--enterprise CREDIT-CODE]',
    details: [
      `Roles: ${ROLES.join(', ')}.`,
      'dept_officer needs --department (a department code); town_officer needs --region (a township or',
      'development zone, 12 digits); village_worker needs --region (a village or community); enterprise_admin',
      'and enterprise_staff need --enterprise (the unified social credit code). The one-time password is shown',
      'once; the user must change it at first sign-in.',
      'Example: npm run cli -- user:create --role sys_admin --username admin --display-name 管理员',
    ].join('\n'),
    options: {
      role: { type: 'string' },
      username: { type: 'string' },
      'display-name': { type: 'string' },
      department: { type: 'string' },
      region: { type: 'string' },
      enterprise: { type: 'string' },
    },
    positionals: [0, 0],
    needsSchema: true,
    async run(s, values) {
      const roleName = required(values, 'role', 'user:create');
      if (!(ROLES as readonly string[]).includes(roleName)) {
        throw new CliError(`Unknown role "${roleName}". Roles: ${ROLES.join(', ')}`, EXIT.usage);
      }
      const role = roleName as Role;
      const username = required(values, 'username', 'user:create');
      if (!USERNAME.test(username)) {
        throw new CliError(`Invalid --username "${username}": use 3–64 letters, digits, _ . -`, EXIT.usage);
      }
      const displayName = str(values['display-name']) ?? username;
      if (displayName.length > 64) throw new CliError('--display-name is longer than 64 characters', EXIT.usage);
      const department = str(values.department);
      const region = str(values.region);
      const enterprise = str(values.enterprise);
      const applies: Record<string, Role[]> = {
        department: ['dept_officer'],
        region: ['town_officer', 'village_worker'],
        enterprise: ['enterprise_admin', 'enterprise_staff'],
      };
      for (const [option, value] of Object.entries({ department, region, enterprise })) {
        if (value && !applies[option]?.includes(role)) {
          throw new CliError(
            `--${option} does not apply to ${role} (only to ${applies[option]?.join(', ')})`,
            EXIT.usage,
          );
        }
      }
      if (region && !/^\d{12}$/.test(region)) {
        throw new CliError(`Invalid --region "${region}": a region code has 12 digits`, EXIT.usage);
      }
      const db = s.database.db;
      let departmentId: string | undefined;
      if (department) {
        const d = await db.selectFrom('departments').select('id').where('code', '=', department).executeTakeFirst();
        if (!d) throw new CliError(`No department with code "${department}"`);
        departmentId = d.id;
      }
      let enterpriseId: string | undefined;
      if (enterprise) {
        const e = await db
          .selectFrom('enterprises')
          .select('id')
          .where('credit_code', '=', enterprise.toUpperCase())
          .executeTakeFirst();
        if (!e) throw new CliError(`No enterprise with credit code "${enterprise}"`);
        enterpriseId = e.id;
      }
      const taken = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
      if (taken)
        throw new CliError(`A user named "${username}" already exists (reset its password with user:reset-password)`);
      const binding = await checkBinding(db, { role, departmentId, regionCode: region, enterpriseId });
      const password = oneTimePassword();
      const hash = await hashPassword(password);
      const p = await s.platform();
      await p.transaction(async (tx) => {
        const u = await tx
          .insertInto('users')
          .values({
            username,
            display_name: displayName,
            role,
            ...binding,
            password_hash: hash,
            must_change_password: true,
          })
          .returning([
            'id',
            'username',
            'display_name',
            'phone',
            'role',
            'department_id',
            'region_code',
            'enterprise_id',
            'must_change_password',
            'created_at',
            'version',
          ])
          .executeTakeFirstOrThrow();
        await audit(
          tx,
          { actor: CLI_ACTOR, ip: null, now: p.clock.now() },
          { action: 'user.created', entityType: 'user', entityId: u.id, after: u },
        );
      });
      print(`Created ${role} account "${username}" (${displayName})`);
      print(`One-time password: ${password}`);
      print('It is shown only this once. The user must change it at first sign-in.');
      return EXIT.ok;
    },
  },

  'user:reset-password': {
    summary: 'give an account a new one-time password (also unlocks it and ends its sessions)',
    usage: 'user:reset-password --username NAME',
    options: { username: { type: 'string' } },
    positionals: [0, 0],
    needsSchema: true,
    async run(s, values) {
      const username = required(values, 'username', 'user:reset-password');
      const user = await s.database.db
        .selectFrom('users')
        .select(['id', 'disabled_at'])
        .where('username', '=', username)
        .executeTakeFirst();
      if (!user) throw new CliError(`No user named "${username}"`);
      const p = await s.platform();
      const password = oneTimePassword();
      await resetPassword(p, user.id, password, { actor: CLI_ACTOR, ip: null, now: p.clock.now() });
      print(`New one-time password for "${username}": ${password}`);
      print('It is shown only this once. The user must change it at first sign-in.');
      if (user.disabled_at)
        print('Note: this account is disabled; an administrator must enable it before it can sign in.');
      return EXIT.ok;
    },
  },

  'audit:verify': {
    summary: 'check the hash chain of the audit log',
    usage: 'audit:verify',
    details: 'Exit code 0 and "OK, N rows" when intact; 3 and "broken at id N (reason)" when a row was altered.',
    options: {},
    positionals: [0, 0],
    needsSchema: true,
    async run(s) {
      return reportAudit(await verifyAuditChain(s.database.db));
    },
  },

  'jobs:run': {
    summary: 'run a scheduled job now, as of a given moment',
    usage: 'jobs:run JOB [--at ISO-TIME]',
    details: [
      'Runs the job once "as of" --at (default: now) and prints its result as JSON. Jobs are idempotent.',
      'Example: npm run cli -- jobs:run enterprises.expiry-reminders --at 2026-12-01T00:00:00Z',
      'Without JOB, lists the jobs.',
    ].join('\n'),
    options: { at: { type: 'string' } },
    positionals: [0, 1],
    needsSchema: true,
    async run(s, values, positionals) {
      const p = await s.platform();
      const known = p.jobs.jobs();
      const name = positionals[0];
      if (!name) {
        for (const j of known)
          print(`${j.name.padEnd(32)} ${j.cron ? `cron ${j.cron}` : 'on demand'} — ${j.description}`);
        return EXIT.ok;
      }
      if (!known.some((j) => j.name === name)) {
        throw new CliError(`Unknown job "${name}". Known jobs: ${known.map((j) => j.name).join(', ')}`, EXIT.usage);
      }
      const atText = str(values.at);
      let at = new Date();
      if (atText) {
        if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(atText)) {
          throw new CliError(`Invalid --at "${atText}": use an ISO time such as 2026-12-01T00:00:00Z`, EXIT.usage);
        }
        at = new Date(atText);
        if (Number.isNaN(at.getTime())) throw new CliError(`Invalid --at "${atText}": not a real moment`, EXIT.usage);
      }
      let result: unknown;
      try {
        result = await p.jobs.runNow(name, at);
      } catch (err) {
        throw new CliError(`Job ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      note(`ran ${name} as of ${at.toISOString()}`);
      print(JSON.stringify(result ?? null, null, 2));
      return EXIT.ok;
    },
  },

  backup: {
    summary: 'write a backup of the whole database to a file (gzip of JSON lines)',
    usage: 'backup FILE [--force]',
    details: [
      'Works on the embedded database (also while the server runs) and on PostgreSQL. One consistent moment;',
      'the server waits for the database while an embedded backup runs. --force overwrites an existing FILE.',
      'Uploaded files live in DATA_DIR/files and are not in the backup: copy that directory too.',
    ].join('\n'),
    options: { force: { type: 'boolean' } },
    positionals: [1, 1],
    needsSchema: true,
    async run(s, values, positionals) {
      const file = path.resolve(positionals[0] ?? '');
      if (fs.existsSync(file) && !values.force) {
        throw new CliError(`${file} exists; choose another name or pass --force to overwrite it`);
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const r = await backupDatabase(s.database, file);
      const rows = Object.values(r.tables).reduce((a, b) => a + b, 0);
      print(
        `Backed up ${rows} rows in ${Object.keys(r.tables).length} tables (schema ${r.schemaVersion}) to ${file} (${formatBytes(r.bytes)})`,
      );
      print(`Uploaded files are not included: copy ${path.join(s.config.dataDir, 'files')} as well.`);
      return EXIT.ok;
    },
  },

  restore: {
    summary: 'restore a backup into an empty database',
    usage: 'restore FILE [--force]',
    details: [
      'Restores in one transaction: all or nothing. Refuses a database that has users unless --force, which',
      'replaces EVERYTHING in it. Then checks the audit chain (exit 3 when broken).',
    ].join('\n'),
    options: { force: { type: 'boolean' } },
    positionals: [1, 1],
    needsSchema: false,
    async run(s, values, positionals) {
      const file = path.resolve(positionals[0] ?? '');
      const r = await restoreDatabase(s.database, file, { force: values.force === true });
      const rows = Object.values(r.tables).reduce((a, b) => a + b, 0);
      print(
        `Restored ${rows} rows in ${Object.keys(r.tables).length} tables from ${file} (made ${r.header.createdAt} on ${r.header.db}, schema ${r.header.schemaVersion})`,
      );
      if (r.migrated.length) print(`Then applied ${r.migrated.join(', ')}`);
      return reportAudit(r.audit);
    },
  },
};

function reportAudit(r: Awaited<ReturnType<typeof verifyAuditChain>>): number {
  if (r.ok) {
    print(`Audit chain OK, ${r.checked} rows`);
    return EXIT.ok;
  }
  print(
    `Audit chain broken at id ${r.brokenAt?.id} (${r.brokenAt?.reason === 'prev_hash' ? 'prev_hash: a row before it is missing or was inserted' : 'hash: the row was altered'}), after ${r.checked} good rows`,
  );
  return EXIT.auditBroken;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

// ─── connection ────────────────────────────────────────────────────────────────────────────────────────────

interface Connection {
  database: Database;
  /** How the database was reached, for the operator. */
  via: string;
  close(): Promise<void>;
}

function holderProblem(config: Config, other: RuntimeInfo): CliError {
  if (other.holder === 'cli') {
    return new CliError(
      `Another CLI command (pid ${other.pid}, ${other.command ?? 'cli'}) is using the embedded database in ${config.dataDir}; wait for it to finish and try again`,
      EXIT.unreachable,
    );
  }
  if (other.starting) {
    return new CliError(
      `Fangxian (pid ${other.pid}) is starting on the embedded database in ${config.dataDir}; try again when it serves (a few seconds)`,
      EXIT.unreachable,
    );
  }
  return new CliError(
    `Fangxian (pid ${other.pid}) holds the embedded database and does not serve its socket (PGLITE_SOCKET=0). Stop it, or restart it with PGLITE_SOCKET=1`,
    EXIT.unreachable,
  );
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

async function ping(database: Database) {
  await sql`select 1`.execute(database.db);
}

async function connect(config: Config, command: string): Promise<Connection> {
  if (config.DATABASE_URL) {
    const database = await openDatabase({ url: config.DATABASE_URL, poolSize: 4 });
    const where = describeUrl(config.DATABASE_URL);
    try {
      await ping(database);
    } catch (err) {
      await database.close().catch(() => undefined);
      throw new CliError(
        `Cannot reach PostgreSQL at ${where} (${errorText(err)}); check DATABASE_URL and that the server is up`,
        EXIT.unreachable,
      );
    }
    return { database, via: `PostgreSQL at ${where}`, close: () => database.close() };
  }

  const server = readRuntime(config.dataDir);
  if (server) {
    if (server.holder === 'cli' || server.starting || !server.socketDir) throw holderProblem(config, server);
    const database = await openDatabase({ socketDir: server.socketDir });
    try {
      await ping(database);
    } catch (err) {
      await database.close().catch(() => undefined);
      throw new CliError(
        `Fangxian (pid ${server.pid}) serves the embedded database on ${path.join(server.socketDir, `.s.PGSQL.${SOCKET_PORT}`)} but it did not answer (${errorText(err)}). Check the server's log; if it is stuck, stop it and run the command again`,
        EXIT.unreachable,
      );
    }
    return {
      database,
      via: `the embedded database in ${config.dataDir} via the running server (pid ${server.pid})`,
      close: () => database.close(),
    };
  }

  // No server: open the files directly, claiming them first so a server cannot open them at the same time.
  const other = claimRuntime(config.dataDir, {
    pid: process.pid,
    socketDir: null,
    port: SOCKET_PORT,
    startedAt: new Date().toISOString(),
    holder: 'cli',
    command,
  });
  if (other) throw holderProblem(config, other);
  releaseOnExit(config.dataDir);
  let database: Database;
  try {
    database = await openDatabase({ dataDir: config.dataDir });
  } catch (err) {
    clearRuntime(config.dataDir);
    throw err;
  }
  return {
    database,
    via: `the embedded database in ${config.dataDir} (no server running)`,
    async close() {
      try {
        await database.close();
      } finally {
        clearRuntime(config.dataDir);
      }
    },
  };
}

let releaseRegistered = false;
function releaseOnExit(dataDir: string) {
  if (releaseRegistered) return;
  releaseRegistered = true;
  process.on('exit', () => clearRuntime(dataDir));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      note(`interrupted (${signal}); an unfinished transaction is not kept`);
      clearRuntime(dataDir);
      process.exit(130);
    });
  }
}

function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return errorText(err.errors[0]);
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return err.message || code || err.name;
  }
  return String(err);
}

// ─── main ──────────────────────────────────────────────────────────────────────────────────────────────────

function globalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Fangxian 防线 — operator commands',
    '',
    'Usage: npm run cli -- <command> [options]     (or: npx tsx src/server/cli.ts <command> …)',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `npm run cli -- <command> --help` for a command’s options.',
    'Database: DATABASE_URL when set; otherwise the embedded database in DATA_DIR (default ./data), reached',
    'through the running server’s socket when a server holds it.',
    'Exit codes: 0 done, 1 failed, 2 database unreachable, 3 audit chain broken, 64 wrong usage.',
  ].join('\n');
}

function commandHelp(c: Command): string {
  const lines = [`Usage: npm run cli -- ${c.usage}`, '', `${c.summary.charAt(0).toUpperCase()}${c.summary.slice(1)}.`];
  if (c.details) lines.push(c.details);
  return lines.join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS[rest[0] ?? ''] : undefined;
    print(topic ? commandHelp(topic) : globalHelp());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`Unknown command "${name}" (see: npm run cli -- --help)`, EXIT.usage);

  let values: Values;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    values = parsed.values as Values;
    positionals = parsed.positionals;
  } catch (err) {
    throw new CliError(`${errorText(err)} (see: npm run cli -- ${name} --help)`, EXIT.usage);
  }
  if (values.help) {
    print(commandHelp(command));
    return EXIT.ok;
  }
  const [min, max] = command.positionals;
  if (positionals.length < min || positionals.length > max) {
    throw new CliError(`Usage: npm run cli -- ${command.usage}`, EXIT.usage);
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
  const conn = await connect(config, name);
  note(`using ${conn.via}`);
  let platform: Platform | null = null;
  const session: Session = {
    config,
    database: conn.database,
    async platform() {
      if (!platform) {
        const level = process.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn';
        const logger = pino({ level, base: { app: 'fangxian-cli' } }, pino.destination(2));
        // The platform's close() would close the database: the connection closes it instead.
        platform = await createPlatform(config, { database: { ...conn.database, close: async () => {} }, logger });
        // Loaded only here: the HTTP modules are needed for their jobs, not by the other commands.
        const { registerJobs } = await import('./server.js');
        registerJobs(platform);
      }
      return platform;
    },
  };
  try {
    if (command.needsSchema) await checkSchema(conn.database);
    return await command.run(session, values, positionals);
  } finally {
    const p = platform as Platform | null;
    if (p) await p.close().catch(() => undefined);
    await conn.close();
  }
}

async function checkSchema(database: Database) {
  const r = await sql<{ t: string | null }>`select to_regclass('public.kysely_migration')::text as t`.execute(
    database.db,
  );
  if (!r.rows[0]?.t) {
    throw new CliError('The database has no schema yet. Run first: npm run cli -- db:migrate');
  }
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(database.db);
  const names = new Set(applied.rows.map((x) => x.name));
  const pending = MIGRATIONS.filter((m) => !names.has(m.name)).map((m) => m.name);
  if (pending.length) note(`warning: migrations not applied yet: ${pending.join(', ')} (run db:migrate)`);
}

function explain(err: unknown): { message: string; code: number } {
  if (err instanceof CliError) return { message: err.message, code: err.exitCode };
  if (err instanceof BackupError) return { message: err.message, code: EXIT.failed };
  if (err instanceof AppError) {
    const field = err.fields?.[0];
    return { message: `${err.message}${field ? ` (${field.path}: ${field.message})` : ''}`, code: EXIT.failed };
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET' || code === '57P01') {
    return { message: `Lost the database connection (${errorText(err)})`, code: EXIT.unreachable };
  }
  if (code === '23505') return { message: `Already exists: ${errorText(err)}`, code: EXIT.failed };
  return { message: errorText(err), code: EXIT.failed };
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const { message, code } = explain(err);
      note(message.replaceAll('\n', ' '));
      if (process.env.FANGXIAN_DEBUG) console.error(err);
      process.exit(code);
    },
  );
}
