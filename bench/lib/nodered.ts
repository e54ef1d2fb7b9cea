/**
 * The comparison flow of issue #5 §7, built the way a user builds it in Node-RED 4: `mqtt in` (QoS 1, parsed
 * JSON) → `function` "threshold" (valid numeric readings; those ≥ 1.0 % are alarms) → `function` "insert into
 * PostgreSQL" (one multi-row INSERT … ON CONFLICT DO NOTHING per message, and the alarms into a second table),
 * with a `pg` Pool created in the function's On Start.
 *
 * The usual PostgreSQL node (node-red-contrib-postgresql) is not in the npm registry this project can reach
 * (404), so the insert is a function node using `pg` (the driver that node wraps) handed to functions through
 * `functionGlobalContext`, a documented Node-RED setting. Node-RED runs in its own process with the editor and
 * admin API switched off.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const NODE_RED_TABLES = [
  `create table if not exists nr_readings (
     id bigserial primary key, point text not null, ts timestamptz not null, value double precision not null,
     unique (point, ts))`,
  `create table if not exists nr_alarms (
     id bigserial primary key, point text not null, ts timestamptz not null, value double precision not null,
     raised_at timestamptz not null default now())`,
];

const THRESHOLD = `
const readings = msg.payload && Array.isArray(msg.payload.readings) ? msg.payload.readings : [];
const rows = [];
const alarms = [];
for (const r of readings) {
  if (!r || typeof r.point !== 'string' || typeof r.value !== 'number') continue;
  rows.push(r);
  if (r.value >= 1.0) alarms.push(r);
}
msg.rows = rows;
msg.alarms = alarms;
return rows.length ? msg : null;
`;

const INSERT_START = `
const pg = global.get('pg');
context.set('pool', new pg.Pool({ connectionString: env.get('NR_PG_URL'), max: 10 }));
`;
const INSERT_STOP = `
const pool = context.get('pool');
if (pool) pool.end();
`;
const INSERT = `
const pool = context.get('pool');
const values = [];
const params = [];
msg.rows.forEach((r, i) => {
  values.push('($' + (3 * i + 1) + ', $' + (3 * i + 2) + ', $' + (3 * i + 3) + ')');
  params.push(r.point, new Date(r.ts), r.value);
});
pool
  .query('insert into nr_readings (point, ts, value) values ' + values.join(', ') + ' on conflict do nothing', params)
  .then(() => msg.alarms.length
    ? pool.query('insert into nr_alarms (point, ts, value) select * from unnest($1::text[], $2::timestamptz[], $3::float8[])',
        [msg.alarms.map((a) => a.point), msg.alarms.map((a) => new Date(a.ts)), msg.alarms.map((a) => a.value)])
    : null)
  .then(() => node.done(), (err) => node.error(err, msg));
return null;
`;

export function nodeRedFlow(broker: { host: string; port: number }, topic: string) {
  return [
    { id: 'tab1', type: 'tab', label: 'readings' },
    {
      id: 'broker1',
      type: 'mqtt-broker',
      name: 'broker',
      broker: broker.host,
      port: String(broker.port),
      clientid: `nodered-bench-${process.pid}`,
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
    },
    {
      id: 'in1',
      type: 'mqtt in',
      z: 'tab1',
      name: 'readings',
      topic,
      qos: '1',
      datatype: 'json',
      broker: 'broker1',
      nl: false,
      rap: true,
      rh: 0,
      inputs: 0,
      wires: [['thr1']],
    },
    {
      id: 'thr1',
      type: 'function',
      z: 'tab1',
      name: 'threshold',
      func: THRESHOLD,
      outputs: 1,
      timeout: 0,
      noerr: 0,
      initialize: '',
      finalize: '',
      libs: [],
      wires: [['ins1']],
    },
    {
      id: 'ins1',
      type: 'function',
      z: 'tab1',
      name: 'insert into PostgreSQL',
      func: INSERT,
      outputs: 0,
      timeout: 0,
      noerr: 0,
      initialize: INSERT_START,
      finalize: INSERT_STOP,
      libs: [],
      wires: [],
    },
  ];
}

export interface NodeRed {
  pid: number;
  version: string;
  /** What Node-RED logged (warnings and errors). */
  log(): string;
  /** Peak resident memory (VmHWM) of the Node-RED process, MiB. */
  peakRssMiB(): number | null;
  stop(): Promise<void>;
}

/** Starts Node-RED 4 with the flow; resolves once the flow runs and its MQTT client is connected. */
export async function startNodeRed(opts: {
  pgUrl: string;
  broker: { host: string; port: number };
  topic: string;
  port: number;
}): Promise<NodeRed> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fangxian-nodered-'));
  const pkg = require.resolve('node-red/package.json');
  const version = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(nodeRedFlow(opts.broker, opts.topic)));
  fs.writeFileSync(
    path.join(userDir, 'settings.js'),
    `module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${opts.port},
  flowFile: 'flows.json',
  credentialSecret: false,
  httpAdminRoot: false,
  httpNodeRoot: false,
  diagnostics: { enabled: false },
  runtimeState: { enabled: false },
  telemetry: { enabled: false },
  logging: { console: { level: 'info', metrics: false, audit: false } },
  functionGlobalContext: { pg: require(${JSON.stringify(require.resolve('pg'))}) },
};
`,
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(path.dirname(pkg), 'red.js'), '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')],
    { env: { ...process.env, NR_PG_URL: opts.pgUrl }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start within 60 s:\n${log}`)), 60_000);
    const onData = (b: Buffer) => {
      log += b.toString();
      // "[info] [mqtt-broker:broker] Connected to broker: …" once the flow's client is up.
      if (/Connected to broker/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
      if (log.length > 100_000) log = log.slice(-50_000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited with ${code}:\n${log}`));
    });
  });
  const pid = child.pid ?? 0;
  return {
    pid,
    version,
    log: () => log,
    peakRssMiB() {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? Math.round(Number(m[1]) / 1024) : null;
      } catch {
        return null;
      }
    },
    async stop() {
      child.removeAllListeners('exit');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}
