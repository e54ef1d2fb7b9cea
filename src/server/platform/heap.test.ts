import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyHeapPolicy } from './heap.js';

const HEAP_TS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'heap.ts');

/**
 * The ingest's memory pattern in miniature, in a fresh process: a window of 60,000 objects of ~2 KB (~120 MiB live)
 * replaced in arrival order, so each one is promoted and then dies in the old generation. Answers the peak heap.
 */
function peakHeapMiB(growingPercent: number): number {
  const code = `
    import { applyHeapPolicy } from ${JSON.stringify(HEAP_TS)};
    applyHeapPolicy(${growingPercent});
    const window = new Array(60000);
    let peak = 0;
    for (let i = 0; i < 1200000; i++) {
      window[i % window.length] = { id: i, text: 'x'.repeat(64) + i, list: new Array(200).fill(i) };
      if ((i & 1023) === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    console.log(Math.round(peak / 2 ** 20));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  return Number(out.trim());
}

describe('heap policy', () => {
  it('bounds the old generation near the live heap instead of V8’s up to 4×', { timeout: 60_000 }, () => {
    const v8Default = peakHeapMiB(0);
    const bounded = peakHeapMiB(50);
    // ~120 MiB live: V8's own choice peaked near 500 MiB on the development machine, 50 % near 225 MiB.
    expect(v8Default).toBeGreaterThan(300);
    expect(bounded).toBeLessThan(v8Default * 0.7);
    expect(bounded).toBeGreaterThan(120);
  });
  it('refuses a negative or fractional percentage', () => {
    expect(() => applyHeapPolicy(-1)).toThrow(RangeError);
    expect(() => applyHeapPolicy(1.5)).toThrow(RangeError);
  });
});
