import fs from 'node:fs';
import os from 'node:os';

/** CPU time spent while a measurement ran, as percentages of one core (so 2 busy cores = 200 %). */
export interface CpuShare {
  /** Every process on the machine (from /proc/stat), when readable. */
  machine: number | null;
  /** This process: the HTTP server, and for PGlite the database too. */
  self: number;
}

interface ProcStat {
  busy: number;
  total: number;
}

function readProcStat(): ProcStat | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Starts a CPU meter; calling the returned function gives the shares since the start. */
export function cpuMeter(cores: number): () => CpuShare {
  const t0 = process.hrtime.bigint();
  const u0 = process.cpuUsage();
  const s0 = readProcStat();
  return () => {
    const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
    const u = process.cpuUsage(u0);
    const s1 = readProcStat();
    const machine =
      s0 && s1 && s1.total > s0.total ? Math.round(((s1.busy - s0.busy) / (s1.total - s0.total)) * cores * 100) : null;
    return { machine, self: Math.round(((u.user + u.system) / wallUs) * 100) };
  };
}

/** USER_HZ: the unit of /proc's CPU times (100 on every mainstream Linux). */
const TICKS_PER_SECOND = 100;

function ticksOfPid(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11] ?? 0) + Number(f[12] ?? 0); // utime, stime (fields 14 and 15)
  } catch {
    return null; // ended, or not on this machine
  }
}

/**
 * % of one core used by the given processes (e.g. the PostgreSQL backends serving the benchmark's connections)
 * since the returned function was made. A process that ends meanwhile is left out.
 */
export function pidMeter(pids: readonly number[]): () => number {
  const t0 = process.hrtime.bigint();
  const start = new Map(pids.map((pid) => [pid, ticksOfPid(pid)]));
  return () => {
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    let ticks = 0;
    for (const [pid, before] of start) {
      const after = ticksOfPid(pid);
      if (before !== null && after !== null) ticks += after - before;
    }
    return Math.round((ticks / TICKS_PER_SECOND / wallS) * 100);
  };
}

/** Busy % (of one core) of the whole machine over `ms`. */
export async function machineBusy(ms: number, cores: number): Promise<number | null> {
  const m = cpuMeter(cores);
  await new Promise((r) => setTimeout(r, ms));
  return m().machine;
}

/**
 * Waits until the machine is quiet (other work below `maxBusyPct` of one core over a second), for at most
 * `maxSec`; returns the last busy figure. Benchmarks on a shared machine are only as good as this.
 */
export async function waitForQuiet(cores: number, maxBusyPct: number, maxSec: number): Promise<number | null> {
  const until = Date.now() + maxSec * 1000;
  let busy = await machineBusy(1000, cores);
  while (busy !== null && busy > maxBusyPct && Date.now() < until) busy = await machineBusy(1000, cores);
  return busy;
}

/**
 * Raises this process's scheduling priority (inherited by the load generator) and, where the kernel groups
 * processes by session (autogroup: nice then only ranks processes within one session), its session's too.
 * Returns a function that puts the session's back.
 */
export function prioritiseSelf(nice: number): () => void {
  os.setPriority(nice);
  const file = '/proc/self/autogroup';
  let before: string | undefined;
  try {
    before = /nice (-?\d+)/.exec(fs.readFileSync(file, 'utf8'))?.[1];
    fs.writeFileSync(file, String(nice));
  } catch {
    // No autogroup scheduling here.
  }
  return () => {
    try {
      if (before !== undefined) fs.writeFileSync(file, before);
    } catch {
      // As above.
    }
  };
}
