import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zhCN } from './zh-CN';

/**
 * The server and the shared schemas answer field problems as stable keys (`{path, message: 'plan.date_not_workday'}`)
 * that the web app words through `fieldErrors.<key>`. This finds every key written literally in the server and core
 * sources and checks both languages have text for it, so a new key cannot reach a user as a raw identifier.
 */
const ROOTS = ['src/server', 'src/core'];
const PATTERNS = [
  /message: '([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)'/g,
  /\.(?:min|max|regex|length|refine)\([^)]*?'([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)'\)/g,
  // supervision-plans/joint.ts: fail(sentence, key)
  /fail\([^;]*?, '([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)'\)/g,
  // enterprises.service.ts: fieldError(path, key, sentence)
  /fieldError\('[A-Za-z.]+', '([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)'/g,
];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

function lookup(messages: object, key: string): unknown {
  let cur: unknown = (messages as { fieldErrors?: unknown }).fieldErrors;
  for (const part of key.split('.')) {
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  }
  return cur;
}

describe('field message keys', () => {
  const keys = new Set<string>();
  for (const file of ROOTS.flatMap(sources)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const re of PATTERNS) for (const m of text.matchAll(re)) if (m[1]) keys.add(m[1]);
  }
  it('finds the keys it checks', () => {
    expect(keys).toContain('lng.range');
    expect(keys).toContain('region.unknown');
    expect(keys).toContain('plan.date_not_workday');
  });
  it.each([...keys].sort())('%s has zh-CN and English text', (key) => {
    expect(typeof lookup(zhCN, key), `zh-CN fieldErrors.${key}`).toBe('string');
    expect(typeof lookup(en, key), `en fieldErrors.${key}`).toBe('string');
  });
});
