import { once } from 'node:events';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { type Kysely, type Migration as KyselyMigration, Migrator, type RawBuilder, sql } from 'kysely';
import { type VerifyResult, verifyAuditChain } from '../audit/audit.js';
import type { Database, Executor } from './client.js';
import { MIGRATIONS, migrate } from './migrate.js';

/**
 * Logical backups that work on both databases (PGlite, also through the running server's socket, and
 * PostgreSQL): a gzip of JSON lines.
 *
 *   line 1                 {"format":"fangxian-backup","version":1,"schemaVersion":…,"createdAt":…,"db":…}
 *   then per table         ["table","<name>"]  followed by one row_to_json object per line
 *   then                   ["sequences",{"<name>":{"lastValue":"…","isCalled":true},…}]
 *   last                   ["end",{"tables":{"<name>":<rows>,…}}]
 *
 * Rows are written exactly as PostgreSQL prints them (no JavaScript round trip, so bigint and numeric keep
 * every digit) and read back with json_populate_recordset. Every base table of schema `public` is included,
 * Kysely's migration tables too. Uploaded files (DATA_DIR/files) are not: copy that directory alongside.
 */

export const BACKUP_FORMAT = 'fangxian-backup';
export const BACKUP_VERSION = 1;
export const BATCH_ROWS = 5000;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  schemaVersion: string;
  createdAt: string;
  db: string;
}

export interface BackupResult {
  file: string;
  bytes: number;
  schemaVersion: string;
  tables: Record<string, number>;
}

export interface RestoreResult {
  header: BackupHeader;
  tables: Record<string, number>;
  /** Migrations applied after the restore, when the backup was made by an older schema. */
  migrated: string[];
  audit: VerifyResult;
}

/** A refusal or a problem with the file: the message says what to do; nothing was changed. */
export class BackupError extends Error {}

interface Column {
  name: string;
  type: string;
  generated: boolean;
}

interface TableInfo {
  name: string;
  columns: Column[];
  /** Primary-key columns in key order; empty = page by ctid. */
  key: Column[];
}

/** Base tables of schema public (a partitioned table stands for its partitions), in name order. */
async function listTables(db: Executor): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`.execute(db);
  return r.rows.map((x) => x.name);
}

interface Partition {
  parent: string;
  name: string;
  /** `FOR VALUES FROM (…) TO (…)` or `DEFAULT`, as PostgreSQL prints it. */
  bound: string;
}

async function listPartitions(db: Executor): Promise<Partition[]> {
  const r = await sql<Partition>`
    select p.relname as parent, c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relispartition and c.relkind in ('r', 'p') order by p.relname, c.relname`.execute(
    db,
  );
  return r.rows;
}

async function tableInfo(db: Executor, name: string): Promise<TableInfo> {
  const cols = await sql<{ name: string; type: string; generated: boolean; key_pos: number | null }>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attgenerated <> '' as generated,
      (select array_position(i.indkey::int2[], a.attnum) from pg_index i
        where i.indrelid = a.attrelid and i.indisprimary) as key_pos
    from pg_attribute a
    where a.attrelid = ${`public.${quoteIdent(name)}`}::regclass and a.attnum > 0 and not a.attisdropped
    order by a.attnum`.execute(db);
  const columns = cols.rows.map((c) => ({ name: c.name, type: c.type, generated: c.generated }));
  const key = cols.rows
    .filter((c) => c.key_pos !== null)
    .sort((a, b) => (a.key_pos ?? 0) - (b.key_pos ?? 0))
    .map((c) => ({ name: c.name, type: c.type, generated: c.generated }));
  return { name, columns, key };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const table = (name: string) => sql.id('public', name);
const col = (name: string) => sql.id('r', name);

async function currentSchemaVersion(db: Executor): Promise<string | null> {
  const exists = await sql<{ t: string | null }>`select to_regclass('public.kysely_migration')::text as t`.execute(db);
  if (!exists.rows[0]?.t) return null;
  const r = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  return r.rows[0]?.name ?? null;
}

/** One batch of rows in key order after `after` (the previous batch's last key, as text). */
async function readBatch(db: Executor, t: TableInfo, after: string[] | null) {
  const keyCols: RawBuilder<unknown>[] = t.key.length ? t.key.map((c) => col(c.name)) : [sql`r.ctid`];
  const keySelect = sql.join(
    keyCols.map((k, i) => sql`${k}::text as ${sql.id(`k${i}`)}`),
    sql`, `,
  );
  let where = sql``;
  if (after) {
    const values = t.key.length
      ? t.key.map((c, i) => sql`${after[i] ?? null}::${sql.raw(c.type)}`)
      : [sql`${after[0] ?? null}::tid`];
    where = sql`where (${sql.join(keyCols)}) > (${sql.join(values)})`;
  }
  const r = await sql<Record<string, string>>`
    select row_to_json(r.*)::text as j, ${keySelect} from ${table(t.name)} r ${where}
    order by ${sql.join(keyCols)} limit ${BATCH_ROWS}`.execute(db);
  const last = r.rows.at(-1);
  return {
    lines: r.rows.map((row) => row.j ?? 'null'),
    lastKey: last ? keyCols.map((_, i) => last[`k${i}`] ?? '') : null,
  };
}

/**
 * Writes a backup of the whole database to `file` (via `file.partial`, renamed at the end). Reads in one
 * repeatable-read, read-only transaction, so the backup is one consistent moment; on the embedded database
 * served by a running server, the server waits for the database while the backup runs.
 */
export async function backupDatabase(database: Database, file: string): Promise<BackupResult> {
  const partial = `${file}.partial`;
  const gzip = createGzip();
  const done = pipeline(gzip, fs.createWriteStream(partial, { mode: 0o600 }));
  done.catch(() => undefined); // awaited below; errors also surface through the writes
  const write = async (text: string) => {
    if (!gzip.write(text)) await once(gzip, 'drain');
  };
  const tables: Record<string, number> = {};
  let schemaVersion = 'none';
  try {
    await database.db.transaction().execute(async (tx) => {
      await sql`set transaction isolation level repeatable read, read only`.execute(tx);
      schemaVersion = (await currentSchemaVersion(tx)) ?? 'none';
      if (schemaVersion === 'none') throw new BackupError('The database has no schema yet: run db:migrate first');
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        schemaVersion,
        createdAt: new Date().toISOString(),
        db: database.kind,
      };
      await write(`${JSON.stringify(header)}\n`);
      // Partitions of partitioned tables (time partitions of readings): recreated before rows are restored,
      // since a fresh database has only the parents. Their rows are read through the parent.
      await write(`${JSON.stringify(['partitions', await listPartitions(tx)])}\n`);
      for (const name of await listTables(tx)) {
        const t = await tableInfo(tx, name);
        await write(`${JSON.stringify(['table', name])}\n`);
        let after: string[] | null = null;
        let n = 0;
        for (;;) {
          const batch = await readBatch(tx, t, after);
          if (batch.lines.length === 0) break;
          await write(`${batch.lines.join('\n')}\n`);
          n += batch.lines.length;
          if (batch.lines.length < BATCH_ROWS) break;
          after = batch.lastKey;
        }
        tables[name] = n;
      }
      await write(`${JSON.stringify(['sequences', await readSequences(tx)])}\n`);
      await write(`${JSON.stringify(['end', { tables }])}\n`);
    });
    gzip.end();
    await done;
    fs.renameSync(partial, file);
  } catch (err) {
    gzip.destroy();
    await done.catch(() => undefined);
    fs.rmSync(partial, { force: true });
    throw err;
  }
  return { file, bytes: fs.statSync(file).size, schemaVersion, tables };
}

interface SequenceState {
  lastValue: string;
  isCalled: boolean;
}

async function readSequences(db: Executor): Promise<Record<string, SequenceState>> {
  const seqs = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'S' order by c.relname`.execute(db);
  const out: Record<string, SequenceState> = {};
  for (const { name } of seqs.rows) {
    const r = await sql<{ last_value: string; is_called: boolean }>`
      select last_value::text as last_value, is_called from ${table(name)}`.execute(db);
    const row = r.rows[0];
    if (row) out[name] = { lastValue: row.last_value, isCalled: row.is_called };
  }
  return out;
}

/** Splits a gzip of JSON lines into lines, reading only as fast as the consumer takes them. */
async function* readLines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file).pipe(createGunzip());
  input.setEncoding('utf8');
  let carry = '';
  for await (const chunk of input as AsyncIterable<string>) {
    carry += chunk;
    let nl = carry.indexOf('\n');
    while (nl >= 0) {
      const line = carry.slice(0, nl);
      carry = carry.slice(nl + 1);
      if (line) yield line;
      nl = carry.indexOf('\n');
    }
  }
  if (carry) yield carry;
}

/** Reads and checks the first line of a backup file. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  if (!fs.existsSync(file)) throw new BackupError(`No such file: ${file}`);
  let first: string | undefined;
  try {
    for await (const line of readLines(file)) {
      first = line;
      break;
    }
  } catch (err) {
    throw new BackupError(`${file} is not a Fangxian backup (${err instanceof Error ? err.message : String(err)})`);
  }
  let header: Partial<BackupHeader> | null = null;
  try {
    header = JSON.parse(first ?? 'null') as Partial<BackupHeader> | null;
  } catch {
    header = null;
  }
  if (!header || header.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not a Fangxian backup`);
  if (header.version !== BACKUP_VERSION) {
    throw new BackupError(
      `${file} is a version ${header.version} backup; this Fangxian reads version ${BACKUP_VERSION}`,
    );
  }
  if (typeof header.schemaVersion !== 'string') throw new BackupError(`${file} has no schema version`);
  return header as BackupHeader;
}

/** Migrates an empty database up to exactly `target` (a backup made by an older Fangxian). */
async function migrateTo(db: Kysely<unknown>, target: string) {
  const migrator = new Migrator({
    db,
    provider: {
      async getMigrations() {
        const out: Record<string, KyselyMigration> = {};
        for (const m of MIGRATIONS) {
          out[m.name] = {
            async up(trx) {
              for (const statement of m.statements) await sql.raw(statement).execute(trx);
            },
          };
        }
        return out;
      },
    },
  });
  const { error } = await migrator.migrateTo(target);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/**
 * Restores a backup into the database in ONE transaction: it replaces every table's content (truncating all
 * of them first), with `session_replication_role = replica` so foreign keys and the audit log's append-only
 * trigger do not get in the way, then sets every sequence past the restored ids, then checks the audit chain.
 * Refuses a database that has users unless `force`.
 */
export async function restoreDatabase(
  database: Database,
  file: string,
  opts: { force?: boolean } = {},
): Promise<RestoreResult> {
  const header = await readBackupHeader(file);
  const db = database.db;
  const known = MIGRATIONS.map((m) => m.name);
  if (!known.includes(header.schemaVersion)) {
    throw new BackupError(
      `The backup has schema ${header.schemaVersion}, which this Fangxian does not know (it knows up to ${known.at(-1)}): restore it with the Fangxian version that made it, or a newer one`,
    );
  }
  const current = await currentSchemaVersion(db);
  if (current === null) {
    await migrateTo(db as unknown as Kysely<unknown>, header.schemaVersion);
  } else if (current !== header.schemaVersion) {
    throw new BackupError(
      `The backup has schema ${header.schemaVersion} but the database is at ${current}: restore into an empty database (a new DATA_DIR, or a newly created PostgreSQL database)`,
    );
  }
  const users = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db);
  const userCount = Number(users.rows[0]?.n ?? 0);
  if (userCount > 0 && !opts.force) {
    throw new BackupError(
      `The database is not empty (${userCount} users). Restore into an empty database, or pass --force to replace everything in it with the backup`,
    );
  }

  const tables: Record<string, number> = {};
  await db.transaction().execute(async (tx) => {
    try {
      await sql`set local session_replication_role = replica`.execute(tx);
    } catch (err) {
      throw new BackupError(
        `The database user may not set session_replication_role (${err instanceof Error ? err.message : String(err)}): restore as a superuser, or on PostgreSQL 15+ grant it with GRANT SET ON PARAMETER session_replication_role TO <user>`,
      );
    }
    const targetTables = await listTables(tx);
    if (targetTables.length) {
      await sql`truncate table ${sql.join(targetTables.map(table))} restart identity`.execute(tx);
    }
    let current: TableInfo | null = null;
    let batch: string[] = [];
    let footer: { tables: Record<string, number> } | null = null;
    let sequences: Record<string, SequenceState> = {};
    const flush = async () => {
      if (!current || batch.length === 0) return;
      const cols = current.columns.filter((c) => !c.generated).map((c) => c.name);
      const list = sql.join(cols.map((c) => sql.id(c)));
      await sql`insert into ${table(current.name)} (${list}) overriding system value
        select ${list} from json_populate_recordset(null::${table(current.name)}, ${`[${batch.join(',')}]`}::json)`.execute(
        tx,
      );
      tables[current.name] = (tables[current.name] ?? 0) + batch.length;
      batch = [];
    };
    let first = true;
    for await (const line of readLines(file)) {
      if (first) {
        first = false; // the header, checked above
        continue;
      }
      if (footer) throw new BackupError(`${file} has data after its end marker`);
      if (line.startsWith('{')) {
        if (!current) throw new BackupError(`${file} is damaged: rows before the first table`);
        batch.push(line);
        if (batch.length >= BATCH_ROWS) await flush();
        continue;
      }
      const marker = JSON.parse(line) as [string, unknown];
      await flush();
      if (marker[0] === 'table') {
        const name = String(marker[1]);
        if (!targetTables.includes(name)) {
          throw new BackupError(`The backup has a table "${name}" that the database does not have`);
        }
        current = await tableInfo(tx, name);
        tables[name] = 0;
      } else if (marker[0] === 'partitions') {
        for (const part of (marker[1] ?? []) as Partition[]) {
          await sql`create table if not exists ${table(part.name)} partition of ${table(part.parent)} ${sql.raw(part.bound)}`.execute(
            tx,
          );
        }
      } else if (marker[0] === 'sequences') {
        current = null;
        sequences = (marker[1] ?? {}) as Record<string, SequenceState>;
      } else if (marker[0] === 'end') {
        current = null;
        footer = marker[1] as { tables: Record<string, number> };
      } else {
        throw new BackupError(`${file} is damaged: unknown marker ${JSON.stringify(marker[0])}`);
      }
    }
    if (!footer) throw new BackupError(`${file} is incomplete (it ends before its end marker); nothing was restored`);
    for (const [name, n] of Object.entries(footer.tables)) {
      if ((tables[name] ?? 0) !== n) {
        throw new BackupError(`${file} is damaged: table ${name} should have ${n} rows, found ${tables[name] ?? 0}`);
      }
    }
    await resetSequences(tx, sequences);
  });

  let migrated: string[] = [];
  if (header.schemaVersion !== known.at(-1)) migrated = (await migrate(db as never)).applied;
  const audit = await verifyAuditChain(db);
  return { header, tables, migrated, audit };
}

/**
 * Every sequence ends past the data: a sequence owned by a column (serial, identity) continues after the
 * column's max (or the backed-up value when that is further on); other sequences take their backed-up value.
 */
async function resetSequences(tx: Executor, saved: Record<string, SequenceState>) {
  const seqs = await sql<{ seq: string; tbl: string | null; col: string | null }>`
    select s.relname as seq, t.relname as tbl, a.attname as col
    from pg_class s join pg_namespace n on n.oid = s.relnamespace
    left join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = s.oid and d.deptype in ('a', 'i')
      and d.refclassid = 'pg_class'::regclass
    left join pg_class t on t.oid = d.refobjid
    left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
    where n.nspname = 'public' and s.relkind = 'S'`.execute(tx);
  for (const s of seqs.rows) {
    const savedState = saved[s.seq];
    const seqName = `public.${quoteIdent(s.seq)}`;
    if (s.tbl && s.col) {
      const max = await sql<{ m: string | null }>`
        select max(${sql.id(s.col)})::text as m from ${table(s.tbl)}`.execute(tx);
      const m = max.rows[0]?.m ?? null;
      const savedCalled = savedState?.isCalled ? BigInt(savedState.lastValue) : null;
      let value: bigint | null = m === null ? null : BigInt(m);
      if (savedCalled !== null && (value === null || savedCalled > value)) value = savedCalled;
      if (value === null) {
        await sql`select setval(s.seqrelid, s.seqstart, false) from pg_sequence s
          where s.seqrelid = ${seqName}::regclass`.execute(tx);
      } else await sql`select setval(${seqName}::regclass, ${value.toString()}::bigint, true)`.execute(tx);
    } else if (savedState) {
      await sql`select setval(${seqName}::regclass, ${savedState.lastValue}::bigint, ${savedState.isCalled})`.execute(
        tx,
      );
    }
  }
}
