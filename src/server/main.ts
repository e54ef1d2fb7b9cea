import fs from 'node:fs';
import path from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { isEmpty, seedDemo, seedOrganisation } from './demo/seed.js';
import { ConfigError, loadConfig } from './platform/config.js';
import { migrate } from './platform/db/migrate.js';
import { clearRuntime, readRuntime, SOCKET_PORT, writeRuntime } from './platform/db/runtime.js';
import { createPlatform } from './platform/platform.js';
import { buildServer, registerJobs } from './server.js';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`fangxian: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  if (!config.DATABASE_URL) {
    const other = readRuntime(config.dataDir);
    if (other) {
      console.error(
        `fangxian: another Fangxian (pid ${other.pid}) already uses the embedded database in ${config.dataDir}`,
      );
      process.exit(1);
    }
  }
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

  let socket: PGLiteSocketServer | null = null;
  if (p.database.pglite && config.PGLITE_SOCKET) {
    // Serve the embedded database on a Unix socket so the CLI and psql work while the server runs.
    const socketPath = path.join(config.dataDir, `.s.PGSQL.${SOCKET_PORT}`);
    fs.rmSync(socketPath, { force: true });
    socket = new PGLiteSocketServer({ db: p.database.pglite, path: socketPath, maxConnections: 4 });
    await socket.start();
    fs.chmodSync(socketPath, 0o600);
  }
  if (p.database.kind === 'pglite') {
    writeRuntime(config.dataDir, {
      pid: process.pid,
      socketDir: socket ? config.dataDir : null,
      port: SOCKET_PORT,
      startedAt: new Date().toISOString(),
    });
  }

  const app = config.ROLES.includes('api') ? await buildServer(p) : null;
  if (app) {
    await app.listen({ port: config.PORT, host: config.HOST });
    log.info(`Fangxian 防线 serving on http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`);
  }
  if (config.ROLES.includes('worker')) p.jobs.startWorker();
  if (config.ROLES.includes('scheduler')) p.jobs.startScheduler();

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
      await app?.close();
      await socket?.stop();
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
