import { isEmpty, seedDemo, seedOrganisation } from './demo/seed.js';
import { ingestOptionsFromEnv, startDemoSimulator, startIngest } from './modules/monitoring/index.js';
import { ConfigError, loadConfig } from './platform/config.js';
import { migrate } from './platform/db/migrate.js';
import { claimRuntime, clearRuntime, type RuntimeInfo, SOCKET_PORT, writeRuntime } from './platform/db/runtime.js';
import { serveDatabaseSocket } from './platform/db/socket.js';
import { applyHeapPolicy } from './platform/heap.js';
import { createPlatform } from './platform/platform.js';
import { buildServer, registerJobs } from './server.js';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
    applyHeapPolicy(config.HEAP_GROWING_PERCENT);
    ingestOptionsFromEnv(); // the monitoring module's INGEST_* settings: checked now, not at the first reading
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`fangxian: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const embedded = !config.DATABASE_URL;
  const runtime: RuntimeInfo = {
    pid: process.pid,
    socketDir: null,
    port: SOCKET_PORT,
    startedAt: new Date().toISOString(),
    holder: 'server',
    starting: true,
  };
  if (embedded) {
    // Claim the files before opening them: PGlite must never be opened by two processes.
    const other = claimRuntime(config.dataDir, runtime);
    if (other) {
      console.error(
        other.holder === 'cli'
          ? `fangxian: a CLI command (pid ${other.pid}, ${other.command ?? 'cli'}) is using the embedded database in ${config.dataDir}; start again when it has finished`
          : `fangxian: another Fangxian (pid ${other.pid}) already uses the embedded database in ${config.dataDir}`,
      );
      process.exit(1);
    }
  }
  try {
    await start(config, runtime);
  } catch (err) {
    if (embedded) clearRuntime(config.dataDir);
    throw err;
  }
}

async function start(config: ReturnType<typeof loadConfig>, runtime: RuntimeInfo) {
  const p = await createPlatform(config);
  const log = p.log;
  const { applied, schemaVersion } = await migrate(p.db as never);
  log.info({ applied, schemaVersion, db: p.database.kind }, 'database ready');

  if (await isEmpty(p)) {
    if (config.DEMO) {
      const r = await seedDemo(p, config.DEMO_PASSWORD);
      log.info(r, 'demo data of 阳城县 loaded');
    } else {
      await seedOrganisation(p, { demo: false });
      log.warn('empty database without demo data. Create the first administrator with:');
      log.warn('  npm run cli -- user:create --role sys_admin --username admin --display-name 管理员');
    }
  }
  registerJobs(p);

  let socket: Awaited<ReturnType<typeof serveDatabaseSocket>> | null = null;
  if (p.database.pglite && p.database.pgliteLock && config.PGLITE_SOCKET) {
    // Serve the embedded database on a Unix socket so the CLI and psql work while the server runs.
    socket = await serveDatabaseSocket({
      pglite: p.database.pglite,
      lock: p.database.pgliteLock,
      dataDir: config.dataDir,
      log,
    });
    log.info(`database socket ${socket.path} (psql -h ${config.dataDir} -U postgres postgres)`);
  }
  if (p.database.kind === 'pglite') {
    runtime.socketDir = socket ? config.dataDir : null;
    runtime.starting = false;
    writeRuntime(config.dataDir, runtime);
  }

  const app = config.ROLES.includes('api') ? await buildServer(p) : null;
  if (app) {
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    if (p.database.kind === 'pglite') writeRuntime(config.dataDir, { ...runtime, url });
    log.info(`Fangxian 防线 serving on ${url}`);
  }
  if (config.ROLES.includes('worker')) p.jobs.startWorker();
  if (config.ROLES.includes('scheduler')) p.jobs.startScheduler();
  const ingest = config.ROLES.includes('ingest') ? await startIngest(p) : null;
  const simulator = config.DEMO ? await startDemoSimulator(p, ingest) : null;

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    try {
      // The socket first: a CLI or psql transaction still open is rolled back, so requests waiting for the
      // database can finish.
      await socket?.stop();
      await simulator?.stop();
      await ingest?.stop(); // stops MQTT intake, writes what is buffered
      await app?.close();
      await p.close();
    } finally {
      clearRuntime(config.dataDir);
    }
    log.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('fangxian: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
