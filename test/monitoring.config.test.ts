/** The monitoring module's environment settings (INGEST_*), parsed by its own schema and checked at start-up. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestOptionsFromEnv } from '../src/server/modules/monitoring/monitoring.config.js';
import { ConfigError, configSchema } from '../src/server/platform/config.js';

describe('INGEST_* settings', () => {
  it('belong to the monitoring module, not to the platform config', () => {
    expect(Object.keys(configSchema.shape).filter((k) => k.startsWith('INGEST_'))).toEqual([]);
  });

  it('have working defaults', () => {
    const o = ingestOptionsFromEnv({});
    expect(o).toMatchObject({
      bufferReadings: 100_000,
      batchReadings: 5_000,
      flushMs: 0,
      flushLoops: 2,
      httpWaitMs: 5_000,
      tickMs: 5_000,
      tickGraceMs: 30_000,
      mqttConnections: 4,
      mqttProtocol: 5,
      receiveMaximum: 5_000,
      shareGroup: 'fangxian',
    });
    expect(o.instanceId).toMatch(/^[A-Za-z0-9_.-]{1,40}$/);
  });

  it('parses what is set, and ignores empty values', () => {
    const o = ingestOptionsFromEnv({
      INGEST_BATCH_READINGS: '2000',
      INGEST_MQTT_SHARE_GROUP: 'none',
      INGEST_INSTANCE_ID: 'ingest-2',
      INGEST_FLUSH_MS: '',
      INGEST_MQTT_PROTOCOL: '4',
      INGEST_MQTT_RECEIVE_MAXIMUM: '200',
    });
    expect(o).toMatchObject({
      batchReadings: 2000,
      shareGroup: 'none',
      instanceId: 'ingest-2',
      flushMs: 0,
      mqttProtocol: 4,
      receiveMaximum: 200,
    });
  });

  it('names the variable and the problem in one line, as a ConfigError', () => {
    const bad: Record<string, string> = {
      INGEST_BATCH_READINGS: '0',
      INGEST_FLUSH_MS: '500',
      INGEST_BUFFER_READINGS: 'lots',
      INGEST_MQTT_CONNECTIONS: '2.5',
      INGEST_INSTANCE_ID: 'has space',
      INGEST_MQTT_SHARE_GROUP: 'a/b',
    };
    for (const [name, value] of Object.entries(bad)) {
      const run = () => ingestOptionsFromEnv({ [name]: value });
      expect(run).toThrow(ConfigError);
      expect(run).toThrow(
        new RegExp(`^Invalid ${name}=${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\S`),
      );
      try {
        run();
      } catch (err) {
        expect((err as Error).message).not.toContain('\n');
      }
    }
  });

  it('stop the server at start-up with that line, before it opens a database', () => {
    const dataDir = path.join(os.tmpdir(), `fangxian-config-${process.pid}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      // Not the test runner's environment: Vite sets BASE_URL="/", which the platform would refuse first.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, INGEST_FLUSH_MS: '500' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^fangxian: Invalid INGEST_FLUSH_MS="500": .+$/);
  }, 70_000);
});
