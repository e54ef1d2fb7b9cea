import type { HazardAction, HazardLevel, HazardSource, HazardStatus } from '../../../core/hazards/index.js';
import { HAZARD_CATEGORIES, type HazardCategory } from '../../../core/hazards/index.js';

export { HAZARD_CATEGORIES, type HazardCategory };

export const CATEGORY_ZH: Record<HazardCategory, string> = {
  equipment: '设备设施',
  operation: '作业行为',
  environment: '作业环境',
  management: '安全管理',
  fire: '消防安全',
  electrical: '用电安全',
  occupational_health: '职业卫生',
  emergency: '应急管理',
  other: '其他',
};

export const STATUS_ZH: Record<HazardStatus, string> = {
  reported: '待确认',
  rejected: '不予认定',
  rectifying: '整改中',
  submitted: '待验收',
  verified: '已验收',
  closed: '已销号',
};

export const LEVEL_ZH: Record<HazardLevel, string> = { general: '一般隐患', major: '重大事故隐患' };

export const SOURCE_ZH: Record<HazardSource, string> = {
  self_check: '企业自查',
  inspection: '执法检查',
  patrol: '日常巡查',
  employee_report: '职工报告',
  public_report: '群众举报',
  alarm: '监测报警',
  campaign: '举一反三自查',
};

export const ACTION_TEXT: Record<HazardAction, { zh: string; en: string }> = {
  confirm: { zh: '已确认并下达治理方案', en: 'confirmed with a rectification plan' },
  reject: { zh: '不予认定', en: 'rejected' },
  submit: { zh: '已提交整改', en: 'submitted as rectified' },
  return: { zh: '被退回重新整改', en: 'returned for further rectification' },
  verify: { zh: '已验收', en: 'verified' },
  close: { zh: '已销号', en: 'closed' },
  request_extension: { zh: '申请延期整改', en: 'extension requested' },
  decide_extension: { zh: '延期申请已处理', en: 'extension request decided' },
};
