import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.DEMO).toBe(true);
    expect(c.ROLES).toEqual(['api', 'worker', 'scheduler', 'ingest']);
    expect(c.SESSION_IDLE_MINUTES).toBe(30);
    expect(c.SESSION_ABSOLUTE_HOURS).toBe(12);
    expect(c.HEAP_GROWING_PERCENT).toBe(100);
  });
  it('names the variable and the problem in one line', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^Invalid PORT="eighty": /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL.*postgres/);
    expect(() => loadConfig({ ROLES: 'api,cook' })).toThrow(/ROLES/);
    expect(() => loadConfig({ TILE_URL: 'https://t/{a}' })).toThrow(/TILE_URL/);
    expect(() => loadConfig({ DEMO: 'maybe' })).toThrow(/DEMO/);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '-5' })).toThrow(/^Invalid HEAP_GROWING_PERCENT="-5": /);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '401' })).toThrow(/HEAP_GROWING_PERCENT/);
  });
  it('parses booleans and lists', () => {
    const c = loadConfig({ DEMO: '0', ROLES: 'api, worker' });
    expect(c.DEMO).toBe(false);
    expect(c.ROLES).toEqual(['api', 'worker']);
  });
});
