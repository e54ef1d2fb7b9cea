import { describe, expect, it } from 'vitest';
import { isUuid } from './ids.js';

describe('isUuid', () => {
  it('accepts canonical UUIDs in either case and nothing else', () => {
    expect(isUuid('0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(true);
    expect(isUuid('0B7E6F3C-1C2D-4E5F-8A9B-0C1D2E3F4A5B')).toBe(true);
    expect(isUuid('0b7e6f3c1c2d4e5f8a9b0c1d2e3f4a5b')).toBe(false);
    expect(isUuid('------------------------------------')).toBe(false);
    expect(isUuid('0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5bx')).toBe(false);
    expect(isUuid("0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5'")).toBe(false);
  });
});
