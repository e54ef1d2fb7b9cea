import { afterEach, describe, expect, it, vi } from 'vitest';
import { localBus } from '../notifications/bus.js';
import { COUNT_CACHE_MS, COUNT_STALE_MS, createCountCache } from './count-cache.js';

describe('count cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers an aged total while one recount runs, then the new one; nothing stale after a change', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const cache = createCountCache(localBus());
    let release: (n: number) => void = () => {};
    let counts = 0;
    const slow = () =>
      new Promise<number>((resolve) => {
        counts += 1;
        release = resolve;
      });
    const first = cache.get('hazards', 'q', slow);
    release(1);
    expect(await first).toBe(1);
    vi.advanceTimersByTime(COUNT_CACHE_MS + 1);
    // Aged: answered at once, recounted once however many ask meanwhile.
    expect(await cache.get('hazards', 'q', slow)).toBe(1);
    expect(await cache.get('hazards', 'q', slow)).toBe(1);
    expect(counts).toBe(2);
    release(2);
    await Promise.resolve();
    await Promise.resolve();
    expect(await cache.get('hazards', 'q', async () => 99)).toBe(2);
    // Too old: waits for the count.
    vi.advanceTimersByTime(COUNT_STALE_MS + 1);
    expect(await cache.get('hazards', 'q', async () => 3)).toBe(3);
    // After a change the aged total is not answered.
    vi.advanceTimersByTime(COUNT_CACHE_MS + 1);
    cache.changed('hazards');
    expect(await cache.get('hazards', 'q', async () => 4)).toBe(4);
    cache.close();
  });

  it('reuses a total until its topic changes, here or on another instance', async () => {
    const bus = localBus();
    const here = createCountCache(bus);
    const there = createCountCache(bus);
    let counted = 0;
    const count = async () => ++counted;
    expect(await here.get('enterprises', 'county', count)).toBe(1);
    expect(await here.get('enterprises', 'county', count)).toBe(1);
    // Another key and another topic are counted on their own.
    expect(await here.get('enterprises', 'region:/1/', count)).toBe(2);
    expect(await here.get('hazards', 'county', count)).toBe(3);
    expect(await there.get('enterprises', 'county', count)).toBe(4);
    here.changed('enterprises');
    expect(await here.get('enterprises', 'county', count)).toBe(5);
    expect(await there.get('enterprises', 'county', count)).toBe(6);
    // Only the changed topic is dropped.
    expect(await here.get('hazards', 'county', count)).toBe(3);
    here.close();
    there.close();
  });

  it('drops a dependent topic’s totals with the topic it depends on, here and on another instance', async () => {
    const bus = localBus();
    const here = createCountCache(bus);
    const there = createCountCache(bus);
    for (const c of [here, there]) c.dependOn('hazards', 'enterprises');
    let counted = 0;
    const count = async () => ++counted;
    expect(await here.get('hazards', 'region:/1/2/', count)).toBe(1);
    expect(await there.get('hazards', 'region:/1/2/', count)).toBe(2);
    // A hazard write leaves enterprise totals alone; an enterprise write drops the hazard totals too.
    expect(await here.get('enterprises', 'county', count)).toBe(3);
    here.changed('hazards');
    expect(await here.get('enterprises', 'county', count)).toBe(3);
    expect(await here.get('hazards', 'region:/1/2/', count)).toBe(4);
    there.changed('enterprises');
    expect(await here.get('hazards', 'region:/1/2/', count)).toBe(5);
    expect(await there.get('hazards', 'region:/1/2/', count)).toBe(6);
    here.close();
    there.close();
  });

  it('answers but does not keep a total counted while a write landed', async () => {
    const cache = createCountCache(localBus());
    let counted = 0;
    const racing = async () => {
      counted += 1;
      cache.changed('enterprises');
      return counted;
    };
    expect(await cache.get('enterprises', 'k', racing)).toBe(1);
    expect(await cache.get('enterprises', 'k', async () => 42)).toBe(42);
    cache.close();
  });

  it('lets concurrent misses of one total share one count, but not across a write', async () => {
    const cache = createCountCache(localBus());
    let counted = 0;
    let release = () => {};
    const slow = () =>
      new Promise<number>((resolve) => {
        counted += 1;
        const n = counted;
        release = () => resolve(n);
      });
    const a = cache.get('hazards', 'k', slow);
    const b = cache.get('hazards', 'k', slow);
    release();
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    expect(counted).toBe(1);
    // A miss after a write does not join a count that started before it.
    const c = cache.get('hazards', 'k2', slow);
    const releaseC = release;
    cache.changed('hazards');
    const d = cache.get('hazards', 'k2', slow);
    releaseC();
    release();
    expect(await Promise.all([c, d])).toEqual([2, 3]);
    cache.close();
  });
});
