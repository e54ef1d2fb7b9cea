import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection before it collects again,
 * as a percentage (`HEAP_GROWING_PERCENT`; 0 leaves V8's own choice).
 *
 * Why: the ingest keeps each MQTT message, its parsed readings and its pending promise alive until the batch holding
 * it commits (up to ~1 s at 20,000 messages in flight), so nearly all of it outlives two scavenges, is promoted, and
 * then dies in the old generation. V8's own heuristic on a machine with a large heap limit lets the old generation
 * grow up to 4× the live heap before a full collection: in the ingest benchmark ~120 MiB live became ~510 MiB of heap
 * and ~680 MiB of RSS. At 100 (twice the live heap) the same run peaks near 400 MiB RSS at ~5 % of the rate
 * (docs/performance.md, session 9); lower values collect more often and cost more CPU.
 *
 * V8 reads the flag at every full collection, so setting it at start-up takes effect for the whole process. Applied
 * by `main.ts` for every role, and by the ingest benchmark, which hosts the app in its own process.
 */
export function applyHeapPolicy(growingPercent: number): void {
  if (!Number.isInteger(growingPercent) || growingPercent < 0) {
    throw new RangeError(`heap growing percent must be a non-negative integer, got ${growingPercent}`);
  }
  if (growingPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${growingPercent}`);
}
