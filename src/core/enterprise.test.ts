import { describe, expect, it } from 'vitest';
import { completeCreditCode } from './credit-code.js';
import { endOfLocalDay, localDate } from './dates.js';
import { enterpriseCreateSchema, enterpriseUpdateSchema, expiryState } from './enterprise.js';

const valid = {
  creditCode: completeCreditCode('91140522MA0K00001').toLowerCase(),
  name: '阳城县测试煤业有限公司',
  regionCode: '140522100201',
  primarySector: 'coal_mine',
  scale: 'above',
};

describe('enterprise schema', () => {
  it('accepts a minimal enterprise and normalises the credit code to upper case', () => {
    const r = enterpriseCreateSchema.parse(valid);
    expect(r.creditCode).toBe(valid.creditCode.toUpperCase());
    expect(r.status).toBe('operating');
    expect(r.departmentIds).toBeNull();
  });
  it('names the credit-code problem as a stable key on the field', () => {
    const r = enterpriseCreateSchema.safeParse({ ...valid, creditCode: '91140522MA0K000010' });
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find((i) => i.path[0] === 'creditCode');
    expect(issue?.message).toMatch(/^credit_code\.(check|charset)$/);
  });
  it('catches swapped coordinates', () => {
    const r = enterpriseCreateSchema.safeParse({ ...valid, lng: 35.48, lat: 112.41 });
    expect(r.success).toBe(false);
  });
  it('requires an expiry when a standardization grade is set', () => {
    const r = enterpriseCreateSchema.safeParse({ ...valid, standardizationGrade: 2 });
    expect(r.error?.issues[0]?.path).toEqual(['standardizationExpiry']);
  });
  it('update requires a version and accepts partial fields', () => {
    expect(enterpriseUpdateSchema.safeParse({ name: 'x公司' }).success).toBe(false);
    expect(enterpriseUpdateSchema.parse({ version: 3, employees: 12 })).toEqual({ version: 3, employees: 12 });
  });
});

describe('expiry', () => {
  const at = new Date('2026-11-29T20:00:00+08:00');
  it('is due 30 days ahead inclusive, expired the day after the expiry date', () => {
    expect(expiryState('2026-12-29', at)).toEqual({ state: 'due_soon', daysLeft: 30 });
    expect(expiryState('2026-12-30', at)).toEqual({ state: 'ok', daysLeft: 31 });
    expect(expiryState('2026-11-29', at)).toEqual({ state: 'due_soon', daysLeft: 0 });
    expect(expiryState('2026-11-28', at)).toEqual({ state: 'expired', daysLeft: -1 });
  });
  it('uses the Asia/Shanghai calendar day', () => {
    // 17:00 UTC on the 28th is already the 29th in Shanghai.
    expect(localDate(new Date('2026-11-28T17:00:00Z'))).toBe('2026-11-29');
    expect(endOfLocalDay('2026-11-29').toISOString()).toBe('2026-11-29T15:59:59.999Z');
  });
});
