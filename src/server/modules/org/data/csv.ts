/**
 * Loader for the county's replaceable organisation data: regions, sectors and departments, kept as CSV files
 * next to this module so a county can swap them without touching code. Every row is validated; a bad row
 * throws an Error naming the file, the line number and the column.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const REGION_KINDS = ['county', 'town', 'township', 'dev_zone', 'village', 'community'] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

/** Kinds directly under the county (乡镇级). */
export const TOWNSHIP_KINDS: readonly RegionKind[] = ['town', 'township', 'dev_zone'];
/** Kinds under a township (村级). */
export const VILLAGE_KINDS: readonly RegionKind[] = ['village', 'community'];

/** Coordinates must fall inside mainland China's extent; this also catches swapped lng/lat columns. */
export const CHINA_BOUNDS = { minLng: 73, maxLng: 136, minLat: 3, maxLat: 54 } as const;

export interface RegionRow {
  code: string;
  parentCode: string | null;
  name: string;
  kind: RegionKind;
  lng: number | null;
  lat: number | null;
}

export interface SectorRow {
  code: string;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  sort: number;
}

export interface DepartmentRow {
  code: string;
  nameZh: string;
  nameEn: string;
  sectors: string[];
}

export interface OrgData {
  regions: RegionRow[];
  sectors: SectorRow[];
  departments: DepartmentRow[];
}

// ---------------------------------------------------------------------------------------------------------
// CSV (RFC 4180): comma separated, fields optionally quoted with "", a doubled "" inside quotes is one quote,
// quoted fields may hold commas and line breaks. CRLF or LF line ends; a leading BOM is ignored.

export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly column: string | null,
    detail: string,
  ) {
    super(`${source} line ${line}${column === null ? '' : `, column "${column}"`}: ${detail}`);
    this.name = 'CsvError';
  }
}

/** Splits CSV text into records. Blank lines are skipped. */
export function parseCsv(text: string, source = 'csv'): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1; // current physical line
  let recordLine = 1; // line on which the current record started
  let inQuotes = false;
  let quoted = false; // the current field opened with a quote
  let recordHasQuote = false; // a record of one empty quoted field ("") is not a blank line

  const endField = (): void => {
    fields.push(field);
    field = '';
    quoted = false;
  };
  const endRecord = (): void => {
    endField();
    const blank = fields.length === 1 && fields[0] === '' && !recordHasQuote;
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
    recordHasQuote = false;
  };

  for (let i = 0; i < src.length; i++) {
    const ch = src.charAt(i);
    if (inQuotes) {
      if (ch === '"') {
        if (src.charAt(i + 1) === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === ',') {
      endField();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src.charAt(i + 1) === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (quoted) {
      throw new CsvError(source, line, null, `unexpected ${JSON.stringify(ch)} after a closing quote`);
    } else if (ch === '"') {
      if (field !== '') throw new CsvError(source, line, null, 'a quote may only open a field');
      inQuotes = true;
      quoted = true;
      recordHasQuote = true;
    } else {
      field += ch;
    }
  }
  if (inQuotes) throw new CsvError(source, recordLine, null, 'unterminated quoted field');
  if (field !== '' || fields.length > 0 || quoted) endRecord();
  return records;
}

// ---------------------------------------------------------------------------------------------------------
// Typed tables

function parseTable<S extends z.ZodType>(
  text: string,
  source: string,
  header: readonly string[],
  schema: S,
): { line: number; row: z.output<S> }[] {
  const records = parseCsv(text, source);
  const first = records[0];
  if (first === undefined) throw new CsvError(source, 1, null, `empty file; expected header ${header.join(',')}`);
  const got = first.fields.map((f) => f.trim());
  if (got.length !== header.length || got.some((h, i) => h !== header[i])) {
    throw new CsvError(source, first.line, null, `expected header "${header.join(',')}", got "${got.join(',')}"`);
  }
  const out: { line: number; row: z.output<S> }[] = [];
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== header.length) {
      throw new CsvError(source, rec.line, null, `expected ${header.length} columns, got ${rec.fields.length}`);
    }
    const raw: Record<string, string> = {};
    header.forEach((h, i) => {
      raw[h] = rec.fields[i] ?? '';
    });
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const col = typeof issue?.path[0] === 'string' ? issue.path[0] : null;
      const value = col === null ? '' : ` (got ${JSON.stringify(raw[col] ?? '')})`;
      throw new CsvError(source, rec.line, col, `${issue?.message ?? 'invalid row'}${value}`);
    }
    out.push({ line: rec.line, row: parsed.data });
  }
  return out;
}

const requiredText = z.string().trim().min(1, 'must not be empty');
const regionCode = z
  .string()
  .trim()
  .regex(/^\d{12}$/, 'must be 12 digits');
const optionalRegionCode = z
  .string()
  .trim()
  .regex(/^(\d{12})?$/, 'must be 12 digits or empty')
  .transform((s) => (s === '' ? null : s));
const snakeCode = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be a snake_case code');

function optionalCoordinate(min: number, max: number, what: string) {
  return z
    .string()
    .trim()
    .transform((s, ctx) => {
      if (s === '') return null;
      const n = Number(s);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `${what} must be a number` });
        return z.NEVER;
      }
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${what} must be within ${min}..${max}` });
        return z.NEVER;
      }
      return n;
    });
}

const regionSchema = z.object({
  code: regionCode,
  parent_code: optionalRegionCode,
  name: requiredText,
  kind: z.enum(REGION_KINDS, { message: `must be one of ${REGION_KINDS.join(', ')}` }),
  lng: optionalCoordinate(CHINA_BOUNDS.minLng, CHINA_BOUNDS.maxLng, 'longitude'),
  lat: optionalCoordinate(CHINA_BOUNDS.minLat, CHINA_BOUNDS.maxLat, 'latitude'),
});

const sectorSchema = z.object({
  code: snakeCode,
  parent_code: z.union([z.literal(''), snakeCode]).transform((s) => (s === '' ? null : s)),
  name_zh: requiredText,
  name_en: requiredText,
  sort: z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform((s) => Number(s)),
});

const departmentSchema = z.object({
  code: snakeCode,
  name_zh: requiredText,
  name_en: requiredText,
  sectors: z
    .string()
    .trim()
    .transform((s) => (s === '' ? [] : s.split('|').map((p) => p.trim())))
    .pipe(z.array(snakeCode)),
});

function checkUnique(source: string, rows: { line: number; code: string }[]): void {
  const seen = new Map<string, number>();
  for (const { line, code } of rows) {
    const prev = seen.get(code);
    if (prev !== undefined) throw new CsvError(source, line, 'code', `duplicate code ${code} (first on line ${prev})`);
    seen.set(code, line);
  }
}

const EXPECTED_PARENT_KINDS: Record<RegionKind, readonly RegionKind[]> = {
  county: [],
  town: ['county'],
  township: ['county'],
  dev_zone: ['county'],
  village: TOWNSHIP_KINDS,
  community: TOWNSHIP_KINDS,
};

/** Parses regions.csv (header `code,parent_code,name,kind,lng,lat`). */
export function parseRegionsCsv(text: string, source = 'regions.csv'): RegionRow[] {
  const parsed = parseTable(text, source, ['code', 'parent_code', 'name', 'kind', 'lng', 'lat'], regionSchema);
  checkUnique(
    source,
    parsed.map(({ line, row }) => ({ line, code: row.code })),
  );
  const byCode = new Map(parsed.map(({ row }) => [row.code, row]));
  for (const { line, row } of parsed) {
    if ((row.lng === null) !== (row.lat === null)) {
      throw new CsvError(source, line, row.lng === null ? 'lng' : 'lat', 'give both lng and lat, or neither');
    }
    if (row.kind === 'county') {
      if (row.parent_code !== null) {
        throw new CsvError(source, line, 'parent_code', 'a county row has no parent');
      }
      continue;
    }
    if (row.parent_code === null) throw new CsvError(source, line, 'parent_code', `a ${row.kind} needs a parent`);
    const parent = byCode.get(row.parent_code);
    if (parent === undefined) {
      throw new CsvError(source, line, 'parent_code', `parent ${row.parent_code} does not exist`);
    }
    const allowed = EXPECTED_PARENT_KINDS[row.kind];
    if (!allowed.includes(parent.kind)) {
      throw new CsvError(
        source,
        line,
        'parent_code',
        `a ${row.kind} must sit under ${allowed.join('/')}, not under ${parent.kind} ${parent.code}`,
      );
    }
    // Statistical codes nest: a township shares the county's first 6 digits, a village its township's first 9.
    const prefix = VILLAGE_KINDS.includes(row.kind) ? 9 : 6;
    if (row.code.slice(0, prefix) !== parent.code.slice(0, prefix)) {
      throw new CsvError(source, line, 'code', `must start with the parent's ${prefix}-digit prefix`);
    }
  }
  return parsed.map(({ row }) => ({
    code: row.code,
    parentCode: row.parent_code,
    name: row.name,
    kind: row.kind,
    lng: row.lng,
    lat: row.lat,
  }));
}

/** Parses sectors.csv (header `code,parent_code,name_zh,name_en,sort`). */
export function parseSectorsCsv(text: string, source = 'sectors.csv'): SectorRow[] {
  const parsed = parseTable(text, source, ['code', 'parent_code', 'name_zh', 'name_en', 'sort'], sectorSchema);
  checkUnique(
    source,
    parsed.map(({ line, row }) => ({ line, code: row.code })),
  );
  const codes = new Set(parsed.map(({ row }) => row.code));
  for (const { line, row } of parsed) {
    if (row.parent_code === null) continue;
    if (row.parent_code === row.code)
      throw new CsvError(source, line, 'parent_code', 'a sector cannot be its own parent');
    if (!codes.has(row.parent_code)) {
      throw new CsvError(source, line, 'parent_code', `parent ${row.parent_code} does not exist`);
    }
  }
  return parsed.map(({ row }) => ({
    code: row.code,
    parentCode: row.parent_code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    sort: row.sort,
  }));
}

/**
 * Parses departments.csv (header `code,name_zh,name_en,sectors`, sectors `|`-separated).
 * With `knownSectors` (sector codes), every listed sector must be one of them.
 */
export function parseDepartmentsCsv(
  text: string,
  knownSectors?: Iterable<string>,
  source = 'departments.csv',
): DepartmentRow[] {
  const parsed = parseTable(text, source, ['code', 'name_zh', 'name_en', 'sectors'], departmentSchema);
  checkUnique(
    source,
    parsed.map(({ line, row }) => ({ line, code: row.code })),
  );
  const known = knownSectors === undefined ? null : new Set(knownSectors);
  for (const { line, row } of parsed) {
    const seen = new Set<string>();
    for (const s of row.sectors) {
      if (seen.has(s)) throw new CsvError(source, line, 'sectors', `sector ${s} listed twice`);
      seen.add(s);
      if (known !== null && !known.has(s)) throw new CsvError(source, line, 'sectors', `unknown sector ${s}`);
    }
  }
  return parsed.map(({ row }) => ({
    code: row.code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    sectors: row.sectors,
  }));
}

/** Reads and validates the three CSV files shipped next to this module. */
export function loadDefaultOrgData(): OrgData {
  const regions = parseRegionsCsv(readFileSync(new URL('./regions.csv', import.meta.url), 'utf8'));
  const sectors = parseSectorsCsv(readFileSync(new URL('./sectors.csv', import.meta.url), 'utf8'));
  const departments = parseDepartmentsCsv(
    readFileSync(new URL('./departments.csv', import.meta.url), 'utf8'),
    sectors.map((s) => s.code),
  );
  return { regions, sectors, departments };
}
