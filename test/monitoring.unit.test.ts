import { describe, expect, it } from 'vitest';
import { parseReadingsMessage, parseTimestamp } from '../src/server/modules/monitoring/ingest/payload.js';
import { singleFlight } from '../src/server/modules/monitoring/ingest/pipeline.js';
import {
  parsePartitionName,
  partitionEnd,
  partitionName,
  partitionStart,
} from '../src/server/modules/monitoring/partitions.js';
import { pickStep } from '../src/server/modules/monitoring/readings.js';

const NOW = Date.parse('2026-06-15T02:00:00Z');
const limits = { now: NOW, minTs: NOW - 400 * 86_400_000 };

describe('ingest payload', () => {
  it('reads epoch ms and ISO 8601 with a zone, and refuses a time without one', () => {
    expect(parseTimestamp(NOW)).toBe(NOW);
    expect(parseTimestamp(String(NOW))).toBe(NOW);
    expect(parseTimestamp('2026-06-15T10:00:00+08:00')).toBe(NOW);
    expect(parseTimestamp('2026-06-15T02:00:00.000Z')).toBe(NOW);
    expect(parseTimestamp('2026-06-15 10:00:00+0800')).toBe(NOW);
    expect(parseTimestamp('2026-06-15T10:00:00')).toBeNaN();
    expect(parseTimestamp('yesterday')).toBeNaN();
    expect(parseTimestamp(null)).toBeNaN();
  });

  it('fails whole messages that are not JSON, not {readings: []}, or too long', () => {
    expect(parseReadingsMessage('{', limits)).toMatchObject({ ok: false, reason: 'malformed_json' });
    expect(parseReadingsMessage('[]', limits)).toMatchObject({ ok: false, reason: 'invalid_payload' });
    expect(parseReadingsMessage('{"readings": {}}', limits)).toMatchObject({ ok: false, reason: 'invalid_payload' });
    const many = JSON.stringify({ readings: Array.from({ length: 1001 }, () => ({})) });
    expect(parseReadingsMessage(many, limits)).toMatchObject({ ok: false, reason: 'too_many_readings' });
    expect(parseReadingsMessage(Buffer.from('{"readings": []}'), limits)).toEqual({
      ok: true,
      readings: [],
      rejects: [],
    });
  });

  it('rejects items one by one at the 5-minute future and retention boundaries', () => {
    const r = parseReadingsMessage(
      JSON.stringify({
        readings: [
          { point: 'A', ts: NOW + 5 * 60_000, value: 1 },
          { point: 'A', ts: NOW + 5 * 60_000 + 1, value: 1 },
          { point: 'A', ts: limits.minTs, value: 1 },
          { point: 'A', ts: limits.minTs - 1, value: 1 },
          { point: 'A', ts: NOW, value: '1' },
          { point: '', ts: NOW, value: 1 },
          { point: 'x'.repeat(65), ts: NOW, value: 1 },
          { point: 'B', ts: NOW, value: -0.5 },
        ],
      }),
      limits,
    );
    if (!r.ok) throw new Error('not ok');
    expect(r.readings.map((x) => x.index)).toEqual([0, 2, 7]);
    expect(r.rejects.map((x) => [x.index, x.reason])).toEqual([
      [1, 'future_ts'],
      [3, 'too_old'],
      [4, 'non_numeric'],
      [5, 'invalid_reading'],
      [6, 'invalid_reading'],
    ]);
    // Each rejected item keeps its text as received, for its dead letter.
    expect(r.rejects.find((x) => x.index === 4)?.raw).toBe(JSON.stringify({ point: 'A', ts: NOW, value: '1' }));
    expect(r.rejects.every((x) => x.raw.startsWith('{"point":'))).toBe(true);
  });

  it('reads a payload given as a view into a larger buffer (as a broker hands it over)', () => {
    const text = '{"readings":[{"point":"A","ts":1,"value":2}]}';
    const big = Buffer.from(`xxxx${text}yyyy`);
    const view = big.subarray(4, 4 + Buffer.byteLength(text));
    const r = parseReadingsMessage(view, { now: NOW, minTs: 0 });
    expect(r).toEqual({ ok: true, readings: [{ index: 0, ref: 'A', ts: 1, value: 2 }], rejects: [] });
    expect(parseReadingsMessage(new Uint8Array(Buffer.from(text)), { now: NOW, minTs: 0 })).toEqual(r);
  });
});

describe('partitions and series steps', () => {
  it('names daily and monthly partitions by their UTC start and parses them back', () => {
    const ts = Date.parse('2026-06-15T23:59:59.999Z');
    const day = partitionStart('day', ts);
    expect(partitionName('readings', 'day', day)).toBe('readings_p20260615');
    expect(partitionEnd('day', day)).toBe(Date.parse('2026-06-16T00:00:00Z'));
    const month = partitionStart('month', Date.parse('2026-12-31T12:00:00Z'));
    expect(partitionName('readings_1m', 'month', month)).toBe('readings_1m_p202612');
    expect(partitionEnd('month', month)).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(parsePartitionName('readings', 'readings_p20260615')).toBe(day);
    expect(parsePartitionName('readings', 'readings_1m_p202606')).toBeNull();
    expect(parsePartitionName('readings_1m', 'readings_1m_p202612')).toBe(month);
  });

  it('uses raw readings up to 6 h, 1-minute rollups up to 7 days, then 1-hour', () => {
    const h = 3_600_000;
    expect(pickStep(0, 6 * h)).toBe('raw');
    expect(pickStep(0, 6 * h + 1)).toBe('1m');
    expect(pickStep(0, 168 * h)).toBe('1m');
    expect(pickStep(0, 168 * h + 1)).toBe('1h');
  });
});

describe('singleFlight (the ingest caches refresh once, however many messages ask)', () => {
  it('shares one running lookup per key, starts a new one after it settles, and passes failures on', async () => {
    const calls: string[] = [];
    let release: (() => void) | null = null;
    const load = singleFlight(async (key: string) => {
      calls.push(key);
      if (key === 'bad') throw new Error('database unavailable');
      await new Promise<void>((r) => {
        release = r;
      });
      return `${key}!`;
    });
    const many = Array.from({ length: 1000 }, () => load('gw-1'));
    expect(calls).toEqual(['gw-1']);
    (release as (() => void) | null)?.();
    expect(new Set(await Promise.all(many))).toEqual(new Set(['gw-1!']));
    const again = load('gw-1');
    expect(calls).toEqual(['gw-1', 'gw-1']);
    (release as (() => void) | null)?.();
    await expect(again).resolves.toBe('gw-1!');
    await expect(Promise.all([load('bad'), load('bad')])).rejects.toThrow('database unavailable');
    expect(calls.filter((c) => c === 'bad')).toHaveLength(1);
    await expect(load('bad')).rejects.toThrow('database unavailable');
    expect(calls.filter((c) => c === 'bad')).toHaveLength(2);
  });
});
