/**
 * `npm run simulate`: demo gateways and points at the demo enterprises, publishing over MQTT to the running
 * server's embedded broker (MQTT_PORT) or to MQTT_URL. Uses the same environment as the server (DATA_DIR or
 * DATABASE_URL). A server started with DEMO=1 already runs this simulator; running both rotates the demo gateway
 * tokens under each other.
 */
import pino from 'pino';
import { ConfigError, loadConfig } from '../../platform/config.js';
import { type Database, openDatabase } from '../../platform/db/client.js';
import { readRuntime } from '../../platform/db/runtime.js';
import { ensureDemoDevices, runSimulator } from './simulator.js';

async function main() {
  const config = loadConfig();
  const log = pino({
    level: config.LOG_LEVEL === 'silent' ? 'info' : config.LOG_LEVEL,
    base: { app: 'fangxian-simulator' },
  });
  let database: Database;
  if (config.DATABASE_URL) {
    database = await openDatabase({ url: config.DATABASE_URL, poolSize: 2 });
  } else {
    const server = readRuntime(config.dataDir);
    if (!server?.socketDir) {
      throw new Error(
        `no running Fangxian serves the embedded database in ${config.dataDir}: start it first (npm start), or set DATABASE_URL and MQTT_URL`,
      );
    }
    database = await openDatabase({ socketDir: server.socketDir });
  }
  let devices: Awaited<ReturnType<typeof ensureDemoDevices>>;
  try {
    devices = await ensureDemoDevices(database.db, new Date());
  } finally {
    await database.close();
  }
  if (devices.length === 0) {
    throw new Error('no demo enterprises in this database: start the server once with DEMO=1 on an empty database');
  }
  const url = config.MQTT_URL ?? `mqtt://127.0.0.1:${config.MQTT_PORT}`;
  const periodMs = Number(process.env.SIMULATE_PERIOD_MS ?? 5000);
  const sim = await runSimulator({
    url,
    devices,
    log,
    periodMs: Number.isFinite(periodMs) && periodMs >= 200 ? periodMs : 5000,
  });
  const stop = async () => {
    await sim.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(`fangxian simulate: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
