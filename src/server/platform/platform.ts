import path from 'node:path';
import pino, { type Logger } from 'pino';
import { type AuthService, createAuthService } from './auth/auth.service.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { type Database, type Db, openDatabase, type Tx } from './db/client.js';
import { type CountCache, createCountCache } from './db/count-cache.js';
import { createFileService, type FileService, localBlobStore } from './files/files.js';
import { createJobRunner, type JobRunner } from './jobs/jobs.js';
import { createMetrics, type Metrics } from './metrics.js';
import { type EventBus, localBus, postgresBus } from './notifications/bus.js';
import {
  createNotifier,
  type NotificationSender,
  type Notifier,
  webhookSender,
} from './notifications/notifications.js';

/** The shared mechanisms every module is given. Modules take only the parts they use. */
export interface Platform {
  config: Config;
  database: Database;
  db: Db;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  bus: EventBus;
  notifier: Notifier;
  files: FileService;
  auth: AuthService;
  jobs: JobRunner;
  /** Short-lived list totals, dropped on writes (db/count-cache.ts). */
  counts: CountCache;
  startedAt: Date;
  /** One transaction per use case; `after` callbacks (notifications, live events) run only after commit. */
  transaction<T>(fn: (tx: Tx, after: (cb: () => void) => void) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  database?: Database;
  clock?: Clock;
  logger?: Logger;
}

export async function createPlatform(config: Config, opts: PlatformOptions = {}): Promise<Platform> {
  const log = opts.logger ?? pino({ level: config.LOG_LEVEL, base: { app: 'fangxian' } });
  const database =
    opts.database ??
    (await openDatabase({
      url: config.DATABASE_URL,
      dataDir: config.dataDir,
      statementCache: config.DB_STATEMENT_CACHE,
    }));
  const db = database.db;
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics({ statements: database.statements });
  const bus = database.kind === 'postgres' && database.url ? await postgresBus(database.url, log) : localBus();
  const senders: NotificationSender[] = [];
  if (config.NOTIFY_WEBHOOK_URL) senders.push(webhookSender(config.NOTIFY_WEBHOOK_URL, db, log));
  const notifier = createNotifier({ bus, senders, log });
  const files = createFileService({ db, store: localBlobStore(path.join(config.dataDir, 'files')), clock });
  const auth = createAuthService({ db, clock, config, bus });
  const jobs = createJobRunner({ db, log, clock, metrics });
  const counts = createCountCache(bus);
  return {
    config,
    database,
    db,
    clock,
    log,
    metrics,
    bus,
    notifier,
    files,
    auth,
    jobs,
    counts,
    startedAt: new Date(),
    async transaction(fn) {
      const callbacks: (() => void)[] = [];
      const result = await db.transaction().execute((tx) => fn(tx, (cb) => callbacks.push(cb)));
      for (const cb of callbacks) {
        try {
          cb();
        } catch (err) {
          log.error({ err }, 'after-commit callback failed');
        }
      }
      return result;
    },
    async close() {
      counts.close();
      await jobs.stop();
      await bus.close();
      await database.close();
    },
  };
}
