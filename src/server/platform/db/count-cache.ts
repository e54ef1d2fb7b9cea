import { BUS_RECONNECTED, type EventBus } from '../notifications/bus.js';

/** How long a list's total is reused when nothing announced a change. */
export const COUNT_CACHE_MS = 5_000;
/** Past COUNT_CACHE_MS, the total is still answered while one recount runs, up to this age. */
export const COUNT_STALE_MS = 2 * COUNT_CACHE_MS;
const COUNT_CACHE_MAX = 5_000;
const CHANGED_EVENT = 'counts.changed';

/** Topic of totals over the enterprises table (every module lists enterprise-owned rows through its scope). */
export const ENTERPRISE_COUNTS = 'enterprises';

/**
 * Totals of list queries, kept a few seconds. A list page shows "共 20,000 条" beside its 20 rows, and counting
 * every matching row costs more than fetching the page; the same scope and filters ask again and again (each
 * officer opening the list, each page turn). A total is reused for COUNT_CACHE_MS at most, and every write
 * through a module's service calls `changed(topic)`, which drops that topic's totals here and, through the event
 * bus, on every other instance — so a user sees their own writes at once and everyone else's within the bus's
 * delay. Only writes that bypass the services (SQL by hand) wait out the few seconds.
 *
 * When a kept total has aged past COUNT_CACHE_MS with no change announced, the next request still gets it (up to
 * COUNT_STALE_MS) while one recount runs in the background: a search total over 10,000 matches can take a few
 * hundred milliseconds to count, and every request of that list would otherwise wait for it each time it expires.
 * After an announced change nothing stale is answered.
 */
export function createCountCache(bus: EventBus) {
  // Values are totals, and a few other answers derived from a topic's rows (`get<T>`): each key is one caller's.
  const entries = new Map<string, { n: unknown; until: number; staleUntil: number }>();
  /** Counts running now, by key and stamp: concurrent misses of one total share one count. */
  const inFlight = new Map<string, Promise<unknown>>();
  const generations = new Map<string, number>();
  /** Topics whose totals also depend on another topic's rows (dependOn). */
  const dependents = new Map<string, Set<string>>();
  /** Bumped when the bus reconnects (announcements may have been missed): drops every topic at once. */
  let epoch = 0;
  const stamp = (topic: string) => `${epoch}.${generations.get(topic) ?? 0}`;

  function dropLocally(changed: string) {
    for (const topic of [changed, ...(dependents.get(changed) ?? [])]) {
      generations.set(topic, (generations.get(topic) ?? 0) + 1);
      for (const k of entries.keys()) if (k.startsWith(`${topic}\u0000`)) entries.delete(k);
    }
  }
  const unsubscribe = bus.subscribe((e) => {
    if (e.type === CHANGED_EVENT && typeof e.data === 'string') dropLocally(e.data);
    // Announcements may have been missed while the bus was down: nothing kept can be trusted.
    if (e.type === BUS_RECONNECTED) {
      epoch += 1;
      entries.clear();
    }
  });

  /** Counts `k` (one count per key and stamp at a time) and keeps the total unless a write landed meanwhile. */
  async function recount<T>(topic: string, k: string, before: string, count: () => Promise<T>): Promise<T> {
    const counting = count();
    inFlight.set(`${before}\u0000${k}`, counting);
    let n: T;
    try {
      n = await counting;
    } finally {
      inFlight.delete(`${before}\u0000${k}`);
    }
    // A write that landed while counting makes this total suspect: answer it, do not keep it.
    if (stamp(topic) === before) {
      if (entries.size >= COUNT_CACHE_MAX) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      const at = performance.now();
      entries.set(k, { n, until: at + COUNT_CACHE_MS, staleUntil: at + COUNT_STALE_MS });
    }
    return n;
  }

  return {
    /**
     * The total for `key` within `topic`: reused when fresh (or aged, while it is recounted), else counted and kept.
     * `T` other than a number: an answer derived from the topic's rows the same way (which plan suits a scope, the
     * enterprises whose name matches a search); a key always gets the same `T`.
     */
    async get<T = number>(topic: string, key: string, count: () => Promise<T>): Promise<T> {
      const k = `${topic}\u0000${key}`;
      const hit = entries.get(k) as { n: T; until: number; staleUntil: number } | undefined;
      const now = performance.now();
      if (hit && now < hit.until) return hit.n;
      const before = stamp(topic);
      const running = inFlight.get(`${before}\u0000${k}`) as Promise<T> | undefined;
      if (hit && now < hit.staleUntil) {
        // Aged but unchanged: answer it, and recount once in the background.
        if (!running) recount(topic, k, before, count).catch(() => {});
        return hit.n;
      }
      if (running) return running;
      return recount(topic, k, before, count);
    },
    /**
     * Totals of `topic` also depend on the rows of `on`: a change announced for `on` drops them too (a hazard
     * list is scoped and filtered through its enterprise, so moving an enterprise changes township totals).
     */
    dependOn(topic: string, on: string) {
      const set = dependents.get(on) ?? new Set<string>();
      set.add(topic);
      dependents.set(on, set);
    },
    /** Rows of `topic` were written: forget its totals here and on every instance. */
    changed(topic: string) {
      dropLocally(topic);
      bus.publish({ userIds: [], type: CHANGED_EVENT, data: topic });
    },
    close: unsubscribe,
  };
}

export type CountCache = ReturnType<typeof createCountCache>;
