/**
 * The HTTP load generator, run in its own process (forked by load.ts) so that its CPU use is its own and the
 * server's event loop is not shared with it. It still shares the machine's cores with the server and the database.
 * Receives one LoadRequest, answers one LoadReply, and exits.
 */
import autocannon from 'autocannon';
import type { LoadReply, LoadRequest } from './load.js';

async function run(req: LoadRequest): Promise<LoadReply> {
  if (req.warmupSec > 0) {
    await autocannon({ url: req.url, connections: req.connections, duration: req.warmupSec, headers: req.headers });
  }
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const instance = autocannon({
    url: req.url,
    connections: req.connections,
    duration: req.durationSec,
    headers: req.headers,
    timeout: 30,
  });
  instance.on('response', (_client, statusCode, _bytes, ms) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
  });
  const result = await instance;
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    latencies,
    statuses,
    durationSec: result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuPct: Math.round(((cpu.user + cpu.system) / wallUs) * 100),
  };
}

// If the benchmark dies, stop loading its server.
process.once('disconnect', () => process.exit(1));
process.once('message', (msg) => {
  run(msg as LoadRequest).then(
    (reply) => process.send?.(reply, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
