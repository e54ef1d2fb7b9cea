import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type LatencySummary, summarise } from './stats.js';

export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationSec: number;
  warmupSec: number;
}

export interface LoadReply {
  latencies: number[];
  statuses: Record<string, number>;
  durationSec: number;
  errors: number;
  timeouts: number;
  cpuPct: number;
}

export interface LoadResult {
  latency: LatencySummary;
  /** Successful responses per second. */
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU used by the load generator's process, % of one core. */
  loadGenCpuPct: number;
}

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));

/** Runs autocannon against `url` in a child process and summarises every 2xx response's latency. */
export function runLoad(req: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: 'inherit' });
    let reply: LoadReply | undefined;
    child.once('message', (m) => {
      reply = m as LoadReply;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!reply) return reject(new Error(`load generator exited with ${code} and no result`));
      const ok = reply.latencies.length;
      const all = Object.values(reply.statuses).reduce((a, b) => a + b, 0);
      resolve({
        latency: summarise(reply.latencies),
        rps: Math.round(ok / reply.durationSec),
        requests: ok,
        non2xx: all - ok,
        errors: reply.errors,
        timeouts: reply.timeouts,
        loadGenCpuPct: reply.cpuPct,
      });
    });
    child.send(req);
  });
}
