import { type CpuShare, cpuMeter, pidMeter, waitForQuiet } from './cpu.js';
import { type LoadResult, runLoad } from './load.js';

/** The database the benchmark targets, as far as one measured HTTP run needs it. */
export interface LoadTarget {
  backends(): Promise<number[]>;
  prioritise(nice: number): Promise<void>;
}

export interface MeasuredLoad {
  /** The machine's idle share before the run (waited for up to `quietSec`). */
  idleBefore: number | null;
  http: LoadResult;
  cpu: CpuShare;
  /** CPU of the database's backends, % of one core (PostgreSQL). */
  postgres: number;
  /** CPU that other work on the machine took meanwhile, % of one core. */
  other: number | null;
}

/**
 * One measured HTTP load on a route, as every HTTP benchmark here runs it: wait for the machine to be quiet,
 * with `nice` open the server's pool connections first so their backends get the priority too, then autocannon
 * with the CPU of this process, the database's backends and the rest of the machine metered beside it.
 */
export async function measuredLoad(o: {
  url: string;
  cookie: string;
  kind: 'pglite' | 'postgres';
  target: LoadTarget;
  cores: number;
  connections: number;
  httpSec: number;
  warmupSec: number;
  quietSec: number;
  nice: number | null;
}): Promise<MeasuredLoad> {
  const headers = { cookie: o.cookie };
  const idleBefore = await waitForQuiet(o.cores, 30, o.quietSec);
  if (o.nice !== null) {
    await Promise.all(Array.from({ length: o.connections }, () => fetch(o.url, { headers })));
    await o.target.prioritise(o.nice);
  }
  const meter = cpuMeter(o.cores);
  const pgMeter = pidMeter(await o.target.backends());
  const http = await runLoad({
    url: o.url,
    headers,
    connections: o.connections,
    durationSec: o.httpSec,
    warmupSec: o.warmupSec,
  });
  const cpu = meter();
  const postgres = pgMeter();
  const other =
    cpu.machine === null
      ? null
      : Math.max(0, cpu.machine - cpu.self - http.loadGenCpuPct - (o.kind === 'postgres' ? postgres : 0));
  return { idleBefore, http, cpu, postgres, other };
}
