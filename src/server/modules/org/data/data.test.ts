import { describe, expect, it } from 'vitest';
import { isValidCreditCode } from '../../../../core/credit-code.js';
import {
  CsvError,
  loadDefaultOrgData,
  parseCsv,
  parseDepartmentsCsv,
  parseRegionsCsv,
  parseSectorsCsv,
  TOWNSHIP_KINDS,
  VILLAGE_KINDS,
} from './csv.js';
import { DEMO_BOUNDS, DEMO_HOME_ENTERPRISE_NAME, demoEnterprises, TAITOU_CHEMICAL_PARK } from './demo-enterprises.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const org = loadDefaultOrgData();
const demo = demoEnterprises(org.regions, NOW);

function dayDiff(iso: string, from: Date): number {
  return Math.round((Date.parse(`${iso}T00:00:00Z`) - from.getTime()) / 86_400_000);
}

describe('CSV parser', () => {
  it('handles quoted fields with commas, doubled quotes and line breaks', () => {
    const recs = parseCsv('a,b,c\r\n1,"x, y","say ""hi"""\n2,"multi\nline",\n\n3,,""\n');
    expect(recs).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'multi\nline', ''] },
      { line: 6, fields: ['3', '', ''] },
    ]);
  });
  it('ignores a BOM and handles a last line without newline', () => {
    expect(parseCsv('\uFEFFa,b\n1,2')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });
  it('rejects an unterminated quote and stray quotes, naming the line', () => {
    expect(() => parseCsv('a\n"open\n', 'x.csv')).toThrow(/x\.csv line 2/);
    expect(() => parseCsv('a\nb"c\n', 'x.csv')).toThrow(/x\.csv line 2/);
    expect(() => parseCsv('a\n"b"c\n', 'x.csv')).toThrow(/x\.csv line 2/);
  });
  it('reads a quoted name with a comma in a sector row', () => {
    const s = parseSectorsCsv('code,parent_code,name_zh,name_en,sort\nfoo,,甲,"Foo, bar",1\n');
    expect(s).toEqual([{ code: 'foo', parentCode: null, nameZh: '甲', nameEn: 'Foo, bar', sort: 1 }]);
  });
});

describe('bad rows name their line and column', () => {
  const head = 'code,parent_code,name,kind,lng,lat\n140522000000,,阳城县,county,112.41,35.48\n';
  const cases: [string, RegExp][] = [
    ['14052210000,140522000000,凤城镇,town,112.4,35.4\n', /line 3, column "code": must be 12 digits/],
    ['140522100000,140522000000,凤城镇,city,112.4,35.4\n', /line 3, column "kind"/],
    ['140522100000,140522000000,凤城镇,town,35.4,112.4\n', /line 3, column "lng"/],
    ['140522100000,140522000000,凤城镇,town,112.4,95\n', /line 3, column "lat"/],
    ['140522100000,140522000000,凤城镇,town,abc,35.4\n', /line 3, column "lng": longitude must be a number/],
    ['140522100000,140522999000,凤城镇,town,112.4,35.4\n', /line 3, column "parent_code": parent 140522999000/],
    ['140522100000,,凤城镇,town,112.4,35.4\n', /line 3, column "parent_code": a town needs a parent/],
    ['140522000000,,阳城县,county,112.4,35.4\n', /line 3, column "code": duplicate code/],
    ['140522100000,140522000000,凤城镇,town,112.4\n', /line 3: expected 6 columns, got 5/],
    ['140522100200,140522000000,南关村,village,112.4,35.4\n', /line 3, column "parent_code": a village must sit under/],
  ];
  for (const [row, msg] of cases) {
    it(`rejects ${row.trim()}`, () => {
      expect(() => parseRegionsCsv(head + row)).toThrow(msg);
      expect(() => parseRegionsCsv(head + row)).toThrow(CsvError);
    });
  }
  it('rejects a wrong header', () => {
    expect(() => parseRegionsCsv('code,name\n')).toThrow(/regions\.csv line 1: expected header/);
  });
  it('rejects a village whose code does not extend its township code', () => {
    const text = `${head}140522100000,140522000000,凤城镇,town,112.4,35.4\n140522101200,140522100000,北留村,village,112.5,35.5\n`;
    expect(() => parseRegionsCsv(text)).toThrow(/line 4, column "code": must start with the parent's 9-digit prefix/);
  });
  it('rejects a department naming an unknown sector, with its line', () => {
    const text = 'code,name_zh,name_en,sectors\nfire,县消防救援大队,Fire,crowded_places\nx,某局,X,nope\n';
    expect(() => parseDepartmentsCsv(text, ['crowded_places'])).toThrow(/departments\.csv line 3, column "sectors"/);
  });
  it('rejects a sector with a missing parent or a non-integer sort', () => {
    const h = 'code,parent_code,name_zh,name_en,sort\n';
    expect(() => parseSectorsCsv(`${h}a,b,甲,A,1\n`)).toThrow(/line 2, column "parent_code"/);
    expect(() => parseSectorsCsv(`${h}a,,甲,A,1.5\n`)).toThrow(/line 2, column "sort"/);
    expect(() => parseSectorsCsv(`${h}Bad-Code,,甲,A,1\n`)).toThrow(/line 2, column "code"/);
  });
});

describe('default organisation data', () => {
  const { regions, sectors, departments } = org;

  it('has the county first and unique 12-digit codes whose parents exist', () => {
    expect(regions[0]).toMatchObject({ code: '140522000000', kind: 'county', parentCode: null, name: '阳城县' });
    const codes = new Set(regions.map((r) => r.code));
    expect(codes.size).toBe(regions.length);
    for (const r of regions) {
      expect(r.code).toMatch(/^\d{12}$/);
      if (r.parentCode !== null) expect(codes.has(r.parentCode)).toBe(true);
    }
  });

  it("lists the county's 15 townships and the development zone, each with villages", () => {
    const townships = regions.filter((r) => TOWNSHIP_KINDS.includes(r.kind));
    expect(townships.filter((t) => t.kind === 'town')).toHaveLength(12);
    expect(townships.filter((t) => t.kind === 'township')).toHaveLength(3);
    expect(townships.filter((t) => t.kind === 'dev_zone')).toHaveLength(1);
    expect(townships.map((t) => t.name)).toEqual(expect.arrayContaining(['凤城镇', '北留镇', '润城镇', '町店镇']));
    for (const t of townships) {
      const villages = regions.filter((r) => r.parentCode === t.code && VILLAGE_KINDS.includes(r.kind));
      expect(villages.length, t.name).toBeGreaterThanOrEqual(3);
    }
  });

  it('places every region inside the county', () => {
    for (const r of regions) {
      expect(r.lng, r.name).not.toBeNull();
      expect(r.lng ?? 0).toBeGreaterThanOrEqual(DEMO_BOUNDS.minLng);
      expect(r.lng ?? 0).toBeLessThanOrEqual(DEMO_BOUNDS.maxLng);
      expect(r.lat ?? 0).toBeGreaterThanOrEqual(DEMO_BOUNDS.minLat);
      expect(r.lat ?? 0).toBeLessThanOrEqual(DEMO_BOUNDS.maxLat);
    }
  });

  it('has unique sector codes with existing parents, including the named children', () => {
    const codes = new Set(sectors.map((s) => s.code));
    expect(codes.size).toBe(sectors.length);
    for (const s of sectors) if (s.parentCode !== null) expect(codes.has(s.parentCode)).toBe(true);
    const parentOf = new Map(sectors.map((s) => [s.code, s.parentCode]));
    expect(parentOf.get('filling_station')).toBe('hazardous_chemicals');
    expect(parentOf.get('dust_explosion')).toBe('metallurgy_industry_trade');
    expect(parentOf.get('nine_small_places')).toBe('fire_safety');
    expect(parentOf.get('dangerous_goods_transport')).toBe('road_transport');
  });

  it('gives every sector at least one supervising department', () => {
    const covered = new Set(departments.flatMap((d) => d.sectors));
    const uncovered = sectors.filter((s) => !covered.has(s.code)).map((s) => s.code);
    expect(uncovered).toEqual([]);
    expect(new Set(departments.map((d) => d.code)).size).toBe(departments.length);
    expect(departments.find((d) => d.code === 'energy')?.sectors).toEqual(['coal_mine']);
    expect(departments.find((d) => d.code === 'finance')?.sectors).toEqual([]);
  });
});

describe('demo enterprises', () => {
  const byCode = new Map(org.regions.map((r) => [r.code, r]));

  it('has about 120 enterprises', () => {
    expect(demo.length).toBeGreaterThanOrEqual(110);
    expect(demo.length).toBeLessThanOrEqual(130);
  });

  it('starts with the 凤城镇 coal mine the demo users belong to', () => {
    const first = demo[0];
    expect(first?.name).toBe(DEMO_HOME_ENTERPRISE_NAME);
    expect(first?.name).toBe('阳城县凤鸣煤业有限公司');
    expect(first?.primarySector).toBe('coal_mine');
    const village = byCode.get(first?.regionCode ?? '');
    expect(village?.kind).toBe('village');
    expect(byCode.get(village?.parentCode ?? '')?.name).toBe('凤城镇');
  });

  it('has valid, unique credit codes', () => {
    for (const e of demo) expect(isValidCreditCode(e.creditCode), e.name).toBe(true);
    expect(new Set(demo.map((e) => e.creditCode)).size).toBe(demo.length);
    expect(new Set(demo.map((e) => e.name)).size).toBe(demo.length);
  });

  it('has the county profile: ≥20 coal mines, exactly 6 filling stations, a chemical park', () => {
    expect(demo.filter((e) => e.primarySector === 'coal_mine').length).toBeGreaterThanOrEqual(20);
    expect(demo.filter((e) => e.primarySector === 'filling_station')).toHaveLength(6);
    const park = demo.filter(
      (e) =>
        e.primarySector === 'hazardous_chemicals' &&
        Math.abs(e.lng - TAITOU_CHEMICAL_PARK.lng) < 0.01 &&
        Math.abs(e.lat - TAITOU_CHEMICAL_PARK.lat) < 0.01,
    );
    expect(park.length).toBeGreaterThanOrEqual(8);
    expect(demo.filter((e) => e.primarySector === 'construction').length).toBeGreaterThanOrEqual(8);
    expect(demo.filter((e) => e.primarySector === 'town_gas')).toHaveLength(1);
  });

  it('uses known sectors and places every enterprise in a village inside the county', () => {
    const sectorCodes = new Set(org.sectors.map((s) => s.code));
    for (const e of demo) {
      expect(sectorCodes.has(e.primarySector), e.name).toBe(true);
      for (const s of e.otherSectors) expect(sectorCodes.has(s), `${e.name} ${s}`).toBe(true);
      expect(VILLAGE_KINDS).toContain(byCode.get(e.regionCode)?.kind);
      expect(e.lng).toBeGreaterThanOrEqual(DEMO_BOUNDS.minLng);
      expect(e.lng).toBeLessThanOrEqual(DEMO_BOUNDS.maxLng);
      expect(e.lat).toBeGreaterThanOrEqual(DEMO_BOUNDS.minLat);
      expect(e.lat).toBeLessThanOrEqual(DEMO_BOUNDS.maxLat);
      expect(e.address.startsWith('山西省晋城市阳城县')).toBe(true);
    }
  });

  it('has 11-digit mobile numbers and well-formed dates', () => {
    for (const e of demo) {
      expect(e.principalPhone).toMatch(/^1(3\d|5\d|8\d)\d{8}$/);
      expect(e.safetyManagerPhone).toMatch(/^1(3\d|5\d|8\d)\d{8}$/);
      for (const l of e.licences) expect(l.expiry).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect((e.standardizationGrade === null) === (e.standardizationExpiry === null)).toBe(true);
    }
  });

  it('has some licences expiring within 30 days of now, a couple expired, most later', () => {
    const diffs = demo.flatMap((e) => e.licences.map((l) => dayDiff(l.expiry, NOW)));
    const expired = diffs.filter((d) => d < 0).length;
    const soon = diffs.filter((d) => d >= 0 && d <= 30).length;
    const later = diffs.filter((d) => d > 30).length;
    expect(expired).toBeGreaterThanOrEqual(2);
    expect(expired).toBeLessThanOrEqual(4);
    expect(soon).toBeGreaterThanOrEqual(5);
    expect(later).toBeGreaterThan(diffs.length / 2);
  });

  it('is deterministic and follows `now`', () => {
    expect(demoEnterprises(org.regions, NOW)).toEqual(demo);
    const later = demoEnterprises(org.regions, new Date('2027-06-01T00:00:00Z'));
    expect(later.map((e) => e.creditCode)).toEqual(demo.map((e) => e.creditCode));
    const first = later[0]?.licences[1];
    expect(first === undefined ? Number.NaN : dayDiff(first.expiry, new Date('2027-06-01T00:00:00Z'))).toBe(
      dayDiff(demo[0]?.licences[1]?.expiry ?? '', NOW),
    );
  });

  it('still places every enterprise when given other regions', () => {
    const other = parseRegionsCsv(
      'code,parent_code,name,kind,lng,lat\n' +
        '110101000000,,某区,county,116.4,39.9\n' +
        '110101001000,110101000000,某街道,town,116.41,39.91\n' +
        '110101001001,110101001000,某社区,community,116.42,39.92\n',
    );
    const list = demoEnterprises(other, NOW);
    expect(list).toHaveLength(demo.length);
    for (const e of list) expect(e.regionCode).toBe('110101001001');
  });
});
