import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { StatementCacheStats } from './db/statements.js';

/** Prometheus metrics of this process; modules register theirs on the same registry. */
export function createMetrics(opts: { statements?: StatementCacheStats | undefined } = {}) {
  const registry = new Registry();
  const statements = opts.statements;
  if (statements) {
    new Gauge({
      name: 'fangxian_db_prepared_queries',
      help: 'Queries marked for the prepared-statement cache since start, by how they ran (reused, prepared, unnamed) and statements deallocated',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        for (const [outcome, n] of Object.entries(statements)) this.set({ outcome }, n);
      },
    });
  }
  collectDefaultMetrics({ register: registry, prefix: 'fangxian_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'fangxian_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'fangxian_job_runs_total',
      help: 'Job runs by job and outcome',
      labelNames: ['job', 'status'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'fangxian_job_duration_seconds',
      help: 'Job run time',
      labelNames: ['job'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'fangxian_job_queue_depth',
      help: 'Job runs waiting in the queue',
      registers: [registry],
    }),
    sseClients: new Gauge({
      name: 'fangxian_sse_clients',
      help: 'Open server-sent-event streams',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
