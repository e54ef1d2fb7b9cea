import { z } from 'zod';
import {
  HAZARD_ACTIONS,
  HAZARD_LEVELS,
  HAZARD_SOURCES,
  HAZARD_STATUSES,
  isoDateSchema,
  TEXT_MAX,
} from '../../../core/hazards/index.js';
import { boolParam, listParam, pageQuery } from '../../platform/http/pagination.js';
import { HAZARD_CATEGORIES } from './hazards.labels.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const optText = (max: number) => z.string().trim().max(max);
const fileIds = z.array(z.uuid()).max(20);

export const rectificationSchema = z.object({
  measures: optText(TEXT_MAX).default(''),
  responsiblePerson: optText(50).default(''),
  funds: optText(100).default(''),
  /** Required for a general hazard (责令限期整改 / the enterprise's own deadline); set by the plan for a major one. */
  deadline: isoDateSchema.optional(),
});

export const hazardCreateSchema = z.object({
  /** Enterprise users may omit it: their own enterprise. */
  enterpriseId: z.uuid().optional(),
  place: text(200),
  /** Defaults to the enterprise's primary sector. */
  sector: z.string().max(50).optional(),
  category: z.enum(HAZARD_CATEGORIES),
  level: z.enum(HAZARD_LEVELS).default('general'),
  /** A major-hazard criteria item: makes the hazard major and records the basis. */
  catalogItemCode: z.string().trim().min(1).max(50).optional(),
  /** For a major hazard without a catalog item: why it is major. */
  majorBasis: optText(TEXT_MAX).optional(),
  description: text(TEXT_MAX),
  source: z.enum(HAZARD_SOURCES),
  finderName: optText(50).optional(),
  foundAt: z.iso.datetime({ offset: true }).optional(),
  photoFileIds: fileIds.default([]),
  documentFileIds: fileIds.default([]),
  rectification: rectificationSchema.optional(),
  /** With source `campaign`: the 举一反三 task this finding answers. */
  campaignTaskId: z.uuid().optional(),
});
export type HazardCreateInput = z.infer<typeof hazardCreateSchema>;

export const hazardUpdateSchema = z.object({
  version: z.number().int(),
  place: text(200).optional(),
  description: text(TEXT_MAX).optional(),
  category: z.enum(HAZARD_CATEGORIES).optional(),
  rectification: z
    .object({
      measures: optText(TEXT_MAX).optional(),
      responsiblePerson: optText(50).optional(),
      funds: optText(100).optional(),
    })
    .optional(),
  addPhotoFileIds: fileIds.default([]),
  addDocumentFileIds: fileIds.default([]),
});
export type HazardUpdateInput = z.infer<typeof hazardUpdateSchema>;

/** `{action, version, …payload}`; the payload is checked by the core table (MISSING_FIELD / INVALID_FIELD). */
export const hazardActionSchema = z.looseObject({
  action: z.enum(HAZARD_ACTIONS),
  version: z.number().int(),
});

export const hazardFilterQuery = {
  status: listParam(z.enum(HAZARD_STATUSES)),
  level: z.enum(HAZARD_LEVELS).optional(),
  sector: z.string().max(50).optional(),
  regionCode: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  departmentId: z.uuid().optional(),
  source: listParam(z.enum(HAZARD_SOURCES)),
  enterpriseId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
  overdue: boolParam,
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  q: z.string().trim().max(100).optional(),
};

export const hazardListQuery = z.object({
  ...pageQuery,
  ...hazardFilterQuery,
  sort: z.enum(['created', 'deadline', 'found']).default('created'),
  /** Keyset cursor from the previous page's `nextCursor` (sort=created only); then `page` is ignored. */
  cursor: z.string().max(200).optional(),
  /** `false` skips the total count (faster on very large tables). */
  withTotal: boolParam,
});
