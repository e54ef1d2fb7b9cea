import ExcelJS from 'exceljs';
import { type EnterpriseCreate, enterpriseCreateSchema } from '../../../core/enterprise.js';
import { issueKey } from '../../../core/errors.js';

/** The import/export layout (列), in the order of the template. Chinese headers are what counties use. */
export const COLUMNS = [
  { key: 'creditCode', header: '统一社会信用代码', width: 22, example: '91140522MA0K00001X' },
  { key: 'name', header: '企业名称', width: 30, example: '阳城县示例煤业有限公司' },
  { key: 'formerNames', header: '曾用名(多个用；分隔)', width: 20, example: '' },
  { key: 'address', header: '地址', width: 30, example: '阳城县凤城镇' },
  { key: 'region', header: '所属村(社区)(代码或名称)', width: 22, example: '140522100200' },
  { key: 'lng', header: '经度', width: 11, example: 112.41 },
  { key: 'lat', header: '纬度', width: 11, example: 35.48 },
  { key: 'primarySector', header: '主行业(代码或名称)', width: 18, example: '煤矿' },
  { key: 'otherSectors', header: '其他行业(；分隔)', width: 18, example: '' },
  { key: 'scale', header: '规模(规上/规下)', width: 12, example: '规上' },
  { key: 'employees', header: '从业人数', width: 10, example: 300 },
  { key: 'principalName', header: '主要负责人', width: 12, example: '张三' },
  { key: 'principalPhone', header: '主要负责人电话', width: 15, example: '13800000000' },
  { key: 'safetyManagerName', header: '安全管理人员', width: 12, example: '李四' },
  { key: 'safetyManagerPhone', header: '安全管理人员电话', width: 15, example: '13900000000' },
  { key: 'isKey', header: '重点企业(是/否)', width: 10, example: '是' },
  { key: 'hasMajorHazard', header: '重大危险源(是/否)', width: 10, example: '否' },
  { key: 'standardizationGrade', header: '标准化等级(一级/二级/三级)', width: 14, example: '二级' },
  { key: 'standardizationExpiry', header: '标准化有效期至', width: 14, example: '2027-06-30' },
  {
    key: 'licences',
    header: '许可证(类型|编号|有效期；…)',
    width: 40,
    example: '安全生产许可证|（晋）MK安许证字〔2024〕001|2027-03-31',
  },
  { key: 'status', header: '状态(在营/停产/关闭)', width: 12, example: '在营' },
] as const;
type ColumnKey = (typeof COLUMNS)[number]['key'];

/** The template column of a field path of the create schema ('regionCode' → 所属村(社区)…), for error reports. */
export function columnHeader(fieldPath: string): string {
  const head = fieldPath.split('.')[0] ?? fieldPath;
  const key = head === 'regionCode' ? 'region' : head;
  return COLUMNS.find((c) => c.key === key)?.header ?? fieldPath;
}

const YES = new Set(['是', 'y', 'yes', 'true', '1']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '']);
const SCALE: Record<string, 'above' | 'below'> = {
  规上: 'above',
  规模以上: 'above',
  above: 'above',
  规下: 'below',
  规模以下: 'below',
  below: 'below',
};
const STATUS: Record<string, 'operating' | 'suspended' | 'closed'> = {
  在营: 'operating',
  正常: 'operating',
  operating: 'operating',
  停产: 'suspended',
  停业: 'suspended',
  suspended: 'suspended',
  关闭: 'closed',
  closed: 'closed',
};
const GRADE: Record<string, 1 | 2 | 3> = { 一级: 1, 二级: 2, 三级: 3, '1': 1, '2': 2, '3': 3 };

/**
 * One problem of an import: the sheet row, the template column's header, and a stable key (`import.unknown_region`,
 * `credit_code.check`, …) with its parameters, which the web app words in the reader's language.
 */
export interface ImportError {
  row: number;
  column: string;
  message: string;
  params?: Record<string, string | number>;
}

export interface Lookups {
  /** code or exact name → region code (names that are not unique are absent). */
  region(v: string): string | undefined;
  sector(v: string): string | undefined;
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v)
      return v.richText
        .map((t) => t.text)
        .join('')
        .trim();
    if ('text' in v) return String(v.text).trim();
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    return '';
  }
  return String(v).trim();
}

const split = (s: string) =>
  s
    .split(/[；;]/)
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Reads an import workbook. Every row is checked; the result lists every error by row and column.
 * The caller imports nothing unless `errors` is empty.
 */
export async function readImport(
  buffer: Buffer,
  lookups: Lookups,
): Promise<{ rows: EnterpriseCreate[]; rowNumbers: number[]; errors: ImportError[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    return {
      rows: [],
      rowNumbers: [],
      errors: [{ row: 0, column: '', message: 'import.not_xlsx' }],
    };
  }
  const ws = wb.worksheets[0];
  if (!ws) return { rows: [], rowNumbers: [], errors: [{ row: 0, column: '', message: 'import.no_worksheet' }] };
  const headerRow = ws.getRow(1);
  const colIndex = new Map<ColumnKey, number>();
  headerRow.eachCell((cell, col) => {
    const text = cellText(cell.value);
    const def = COLUMNS.find((c) => c.header === text || c.key === text);
    if (def) colIndex.set(def.key, col);
  });
  const missing = COLUMNS.filter(
    (c) => ['creditCode', 'name', 'region', 'primarySector', 'scale'].includes(c.key) && !colIndex.has(c.key),
  );
  if (missing.length) {
    return {
      rows: [],
      rowNumbers: [],
      errors: missing.map((c) => ({ row: 1, column: c.header, message: 'import.column_missing' })),
    };
  }
  const rows: EnterpriseCreate[] = [];
  /** The sheet row of each entry of `rows` (blank rows are skipped, so the index alone does not tell). */
  const rowNumbers: number[] = [];
  const errors: ImportError[] = [];
  const seen = new Map<string, number>();
  const header = (k: ColumnKey) => COLUMNS.find((c) => c.key === k)?.header ?? k;

  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const get = (k: ColumnKey) => {
      const c = colIndex.get(k);
      return c ? cellText(row.getCell(c).value) : '';
    };
    if (COLUMNS.every((c) => get(c.key) === '')) continue;
    const rowErrors: ImportError[] = [];
    const err = (k: ColumnKey, message: string, params?: ImportError['params']) =>
      rowErrors.push({ row: r, column: header(k), message, ...(params ? { params } : {}) });

    const regionText = get('region');
    const region = lookups.region(regionText);
    if (!region) err('region', regionText ? 'import.unknown_region' : 'required', { value: regionText });
    const primaryText = get('primarySector');
    const primary = lookups.sector(primaryText);
    if (!primary) err('primarySector', primaryText ? 'import.unknown_sector' : 'required', { value: primaryText });
    const others: string[] = [];
    for (const s of split(get('otherSectors'))) {
      const code = lookups.sector(s);
      if (code) others.push(code);
      else err('otherSectors', 'import.unknown_sector', { value: s });
    }
    const bool = (k: ColumnKey) => {
      const v = get(k).toLowerCase();
      if (YES.has(v)) return true;
      if (NO.has(v)) return false;
      err(k, 'import.yes_no');
      return false;
    };
    const num = (k: ColumnKey) => {
      const v = get(k);
      if (v === '') return null;
      const n = Number(v);
      if (!Number.isFinite(n)) {
        err(k, 'import.not_number', { value: v });
        return null;
      }
      return n;
    };
    const scaleText = get('scale');
    const scale = SCALE[scaleText];
    if (!scale) err('scale', 'import.scale');
    const statusText = get('status');
    const status = statusText ? STATUS[statusText] : 'operating';
    if (!status) err('status', 'import.status');
    const gradeText = get('standardizationGrade');
    const grade = gradeText ? GRADE[gradeText] : null;
    if (grade === undefined) err('standardizationGrade', 'import.grade');
    const licences = split(get('licences')).map((l) => {
      const [type = '', number = '', expiry = ''] = l.split('|').map((x) => x.trim());
      return { type, number, expiry };
    });

    const candidate = {
      creditCode: get('creditCode'),
      name: get('name'),
      formerNames: split(get('formerNames')),
      address: get('address'),
      regionCode: region ?? '000000000000',
      lng: num('lng'),
      lat: num('lat'),
      primarySector: primary ?? 'unknown',
      otherSectors: others,
      scale: scale ?? 'below',
      employees: num('employees') ?? 0,
      principalName: get('principalName'),
      principalPhone: get('principalPhone'),
      safetyManagerName: get('safetyManagerName'),
      safetyManagerPhone: get('safetyManagerPhone'),
      isKey: bool('isKey'),
      hasMajorHazard: bool('hasMajorHazard'),
      standardizationGrade: grade ?? null,
      standardizationExpiry: get('standardizationExpiry') || null,
      licences,
      status: status ?? 'operating',
    };
    const parsed = enterpriseCreateSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? '');
        const col: ColumnKey =
          key === 'regionCode' ? 'region' : ((COLUMNS.find((c) => c.key === key)?.key ?? 'name') as ColumnKey);
        if (rowErrors.some((e) => e.column === header(col))) continue;
        const { message, params } = issueKey(issue);
        err(col, message, params);
      }
    }
    const code = candidate.creditCode.toUpperCase();
    const dup = seen.get(code);
    if (code && dup) err('creditCode', 'import.duplicate_row', { row: dup });
    seen.set(code, r);
    if (rowErrors.length === 0 && parsed.success) {
      rows.push(parsed.data);
      rowNumbers.push(r);
    }
    errors.push(...rowErrors);
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ row: 2, column: '', message: 'import.no_rows' });
  return { rows, rowNumbers, errors };
}

export async function templateWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('企业导入');
  ws.columns = COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  ws.addRow(Object.fromEntries(COLUMNS.map((c) => [c.key, c.example])));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const notes = wb.addWorksheet('填写说明');
  notes.addRows([
    ['统一社会信用代码按 GB 32100-2015 校验校验位。'],
    ['所属村(社区)、行业可填代码或系统中的名称。'],
    ['任一行有错误时不导入任何数据，系统按行列出全部错误。'],
    ['示例行(第2行)导入前请删除或替换。'],
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface ExportRow {
  code: string;
  credit_code: string;
  name: string;
  address: string;
  region_name: string;
  sector_name: string;
  scale: string;
  employees: number;
  principal_name: string;
  principal_phone: string;
  safety_manager_name: string;
  safety_manager_phone: string;
  is_key: boolean;
  has_major_hazard: boolean;
  standardization_grade: number | null;
  standardization_expiry: string | null;
  status: string;
  departments: string;
}

export async function exportWorkbook(rows: ExportRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('企业台账');
  const statusZh: Record<string, string> = { operating: '在营', suspended: '停产', closed: '关闭' };
  ws.columns = [
    { header: '编号', key: 'code', width: 12 },
    { header: '统一社会信用代码', key: 'credit_code', width: 22 },
    { header: '企业名称', key: 'name', width: 32 },
    { header: '所属区域', key: 'region_name', width: 16 },
    { header: '地址', key: 'address', width: 30 },
    { header: '主行业', key: 'sector_name', width: 16 },
    { header: '规模', key: 'scale', width: 8 },
    { header: '从业人数', key: 'employees', width: 10 },
    { header: '主要负责人', key: 'principal_name', width: 12 },
    { header: '电话', key: 'principal_phone', width: 14 },
    { header: '安全管理人员', key: 'safety_manager_name', width: 12 },
    { header: '电话', key: 'safety_manager_phone', width: 14 },
    { header: '重点企业', key: 'is_key', width: 9 },
    { header: '重大危险源', key: 'has_major_hazard', width: 10 },
    { header: '标准化等级', key: 'standardization_grade', width: 10 },
    { header: '标准化有效期', key: 'standardization_expiry', width: 13 },
    { header: '监管部门', key: 'departments', width: 30 },
    { header: '状态', key: 'status', width: 8 },
  ];
  for (const r of rows) {
    ws.addRow({
      ...r,
      scale: r.scale === 'above' ? '规上' : '规下',
      is_key: r.is_key ? '是' : '否',
      has_major_hazard: r.has_major_hazard ? '是' : '否',
      standardization_grade: r.standardization_grade ? ['', '一级', '二级', '三级'][r.standardization_grade] : '',
      status: statusZh[r.status] ?? r.status,
    });
  }
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: ws.columns.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
