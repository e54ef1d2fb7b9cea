import { describe, expect, it } from 'vitest';
import {
  CATALOG_SECTOR_CODES,
  catalogItemCodeSchema,
  catalogItemsForSector,
  findCatalogItem,
  levelForCatalogItem,
  MAJOR_HAZARD_CATALOG_ITEMS,
} from './catalogs.js';

const codes = (prefix: string) =>
  MAJOR_HAZARD_CATALOG_ITEMS.filter((i) => i.code.startsWith(prefix)).map((i) => i.code);

describe('major-hazard catalogs', () => {
  it('has 15 coal categories, 14 chemical items, 3 general and 10 dust industry-and-trade items', () => {
    expect(codes('coal-')).toHaveLength(15);
    expect(codes('chem-')).toHaveLength(14);
    expect(codes('it-gen-')).toHaveLength(3);
    expect(codes('it-dust-')).toHaveLength(10);
    expect(MAJOR_HAZARD_CATALOG_ITEMS).toHaveLength(42);
    expect(codes('coal-')[0]).toBe('coal-01');
    expect(codes('coal-')[14]).toBe('coal-15');
    expect(codes('it-dust-')[9]).toBe('it-dust-10');
  });

  it('codes are unique and well-formed; catalogs match prefixes', () => {
    const all = MAJOR_HAZARD_CATALOG_ITEMS.map((i) => i.code);
    expect(new Set(all).size).toBe(all.length);
    for (const item of MAJOR_HAZARD_CATALOG_ITEMS) {
      expect(item.code).toMatch(/^(coal|chem|it-gen|it-dust)-\d{2}$/);
      const want = item.code.startsWith('coal-')
        ? 'coal_mine'
        : item.code.startsWith('chem-')
          ? 'hazardous_chemicals'
          : 'industry_trade';
      expect(item.catalog).toBe(want);
    }
  });

  it('every item has both texts, a basis citing regulation and article, and known sectors', () => {
    for (const item of MAJOR_HAZARD_CATALOG_ITEMS) {
      expect(item.textZh.length, item.code).toBeGreaterThan(3);
      expect(item.textEn.length, item.code).toBeGreaterThan(10);
      expect(item.basis).toMatch(/(令第\d+号|〔2017〕121号)/);
      expect(item.basis).toMatch(/第.+(条|项)/);
      expect(item.basis).not.toContain('undefined');
      expect(item.sectorCodes.length).toBeGreaterThan(0);
      for (const s of item.sectorCodes) expect(CATALOG_SECTOR_CODES).toContain(s);
    }
    expect(findCatalogItem('coal-02')?.basis).toContain('第三条第（二）项、第五条');
    expect(findCatalogItem('coal-15')?.basis).toContain('第十八条');
    expect(findCatalogItem('it-dust-10')?.basis).toContain('第十一条第（十）项');
    expect(findCatalogItem('chem-14')?.basis).toContain('第（十四）项');
  });

  it('items per sector', () => {
    expect(catalogItemsForSector('coal_mine')).toHaveLength(15);
    expect(catalogItemsForSector('hazardous_chemicals')).toHaveLength(14);
    expect(catalogItemsForSector('filling_station').map((i) => i.code)).toEqual([
      'chem-01',
      'chem-02',
      'chem-11',
      'chem-12',
    ]);
    expect(catalogItemsForSector('dust_explosion').map((i) => i.code)).toEqual([
      'it-gen-01',
      'it-gen-02',
      ...codes('it-dust-'),
    ]);
    expect(catalogItemsForSector('metal_smelting').map((i) => i.code)).toEqual(['it-gen-01', 'it-gen-02', 'it-gen-03']);
    expect(catalogItemsForSector('metallurgy_industry_trade')).toHaveLength(3);
    expect(catalogItemsForSector('road_transport')).toEqual([]);
  });

  it('a catalog item always makes the hazard major; codes validate', () => {
    for (const item of MAJOR_HAZARD_CATALOG_ITEMS) expect(levelForCatalogItem(item)).toBe('major');
    expect(levelForCatalogItem('coal-01')).toBe('major');
    expect(catalogItemCodeSchema.safeParse('chem-07').success).toBe(true);
    expect(catalogItemCodeSchema.safeParse('chem-15').success).toBe(false);
    expect(findCatalogItem('nope')).toBeUndefined();
  });
});
