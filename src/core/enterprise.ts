import { z } from 'zod';
import { creditCodeProblem } from './credit-code.js';
import { daysBetween, localDate } from './dates.js';

export const ENTERPRISE_SCALES = ['above', 'below'] as const;
export const ENTERPRISE_STATUSES = ['operating', 'suspended', 'closed'] as const;
export type EnterpriseScale = (typeof ENTERPRISE_SCALES)[number];
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];

/** Field-error messages are stable keys; the web app shows them in zh-CN or en. */
export const creditCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((v, ctx) => {
    const problem = creditCodeProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `credit_code.${problem}` });
  });

export const isoDate = z.iso.date('date.format');
const phone = z
  .string()
  .trim()
  .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/, 'phone.format')
  .or(z.literal(''));
const sectorCode = z.string().regex(/^[a-z][a-z0-9_]*$/, 'sector.format');

export const licenceSchema = z.object({
  type: z.string().trim().min(1).max(50),
  number: z.string().trim().min(1).max(64),
  expiry: isoDate,
});
export type LicenceInput = z.infer<typeof licenceSchema>;

const fields = {
  creditCode: creditCodeSchema,
  name: z.string().trim().min(2, 'name.short').max(200),
  formerNames: z.array(z.string().trim().min(1).max(200)).max(20),
  address: z.string().trim().max(300),
  regionCode: z.string().regex(/^\d{12}$/, 'region.format'),
  // WGS 84; within China's extent so a swapped pair (lat, lng) is caught.
  lng: z.number().min(73, 'lng.range').max(136, 'lng.range').nullable(),
  lat: z.number().min(3, 'lat.range').max(54, 'lat.range').nullable(),
  primarySector: sectorCode,
  otherSectors: z.array(sectorCode).max(20),
  scale: z.enum(ENTERPRISE_SCALES),
  employees: z.number().int().min(0).max(1_000_000),
  principalName: z.string().trim().max(50),
  principalPhone: phone,
  safetyManagerName: z.string().trim().max(50),
  safetyManagerPhone: phone,
  /** Overrides the departments derived from sectors; null returns to the derived set. */
  departmentIds: z.array(z.uuid()).max(20).nullable(),
  isKey: z.boolean(),
  hasMajorHazard: z.boolean(),
  standardizationGrade: z.union([z.literal(1), z.literal(2), z.literal(3)]).nullable(),
  standardizationExpiry: isoDate.nullable(),
  licences: z.array(licenceSchema).max(20),
  status: z.enum(ENTERPRISE_STATUSES),
};

function gradeNeedsExpiry(
  v: { standardizationGrade?: number | null; standardizationExpiry?: string | null },
  ctx: z.RefinementCtx,
) {
  if (v.standardizationGrade && !v.standardizationExpiry) {
    ctx.addIssue({ code: 'custom', path: ['standardizationExpiry'], message: 'standardization.expiry_required' });
  }
}

export const enterpriseCreateSchema = z
  .object({
    ...fields,
    formerNames: fields.formerNames.default([]),
    address: fields.address.default(''),
    lng: fields.lng.default(null),
    lat: fields.lat.default(null),
    otherSectors: fields.otherSectors.default([]),
    employees: fields.employees.default(0),
    principalName: fields.principalName.default(''),
    principalPhone: phone.default(''),
    safetyManagerName: fields.safetyManagerName.default(''),
    safetyManagerPhone: phone.default(''),
    departmentIds: fields.departmentIds.default(null),
    isKey: fields.isKey.default(false),
    hasMajorHazard: fields.hasMajorHazard.default(false),
    standardizationGrade: fields.standardizationGrade.default(null),
    standardizationExpiry: fields.standardizationExpiry.default(null),
    licences: fields.licences.default([]),
    status: fields.status.default('operating'),
  })
  .superRefine(gradeNeedsExpiry);
export type EnterpriseCreate = z.infer<typeof enterpriseCreateSchema>;

export const enterpriseUpdateSchema = z
  .object({ version: z.number().int().min(1) })
  .extend(z.object(fields).partial().shape)
  // A patch may set the grade alone when the record already has an expiry: the server checks the merged
  // record. Here only a patch that sets a grade and clears the expiry in the same breath is refused.
  .superRefine((v, ctx) => {
    if ('standardizationExpiry' in v) gradeNeedsExpiry(v, ctx);
  });
export type EnterpriseUpdate = z.infer<typeof enterpriseUpdateSchema>;

/** Fields an enterprise's own admin may change; the rest belong to the supervising side. */
export const ENTERPRISE_SELF_EDITABLE = [
  'address',
  'lng',
  'lat',
  'employees',
  'principalName',
  'principalPhone',
  'safetyManagerName',
  'safetyManagerPhone',
  'formerNames',
  'licences',
  'standardizationGrade',
  'standardizationExpiry',
] as const satisfies readonly (keyof typeof fields)[];

export const EXPIRY_WARNING_DAYS = 30;
export type ExpiryState = 'ok' | 'due_soon' | 'expired';

/**
 * A licence or standardization certificate is due for renewal from 30 days before its expiry date and
 * expired after that date (the expiry date itself is still valid).
 */
export function expiryState(
  expiry: string,
  asOf: Date,
  warnDays = EXPIRY_WARNING_DAYS,
): { state: ExpiryState; daysLeft: number } {
  const daysLeft = daysBetween(localDate(asOf), expiry);
  if (daysLeft < 0) return { state: 'expired', daysLeft };
  if (daysLeft <= warnDays) return { state: 'due_soon', daysLeft };
  return { state: 'ok', daysLeft };
}
