/**
 * Synthetic enterprises for the list/search benchmark: deterministic (seeded), spread over the county's villages
 * and communities and over its sectors, with valid unique credit codes and the same pinyin initials the service
 * stores. Inserted in multi-row batches straight through Kysely (not through the API) for speed.
 */

import type { Insertable } from 'kysely';
import { CREDIT_CODE_CHARSET, completeCreditCode } from '../../src/core/credit-code.js';
import { nameInitials } from '../../src/server/modules/enterprises/enterprises.service.js';
import { departmentDeriver } from '../../src/server/modules/org/index.js';
import type { Db } from '../../src/server/platform/db/client.js';
import type { EnterprisesTable } from '../../src/server/platform/db/schema.js';
import { formatCode } from '../../src/server/platform/db/sequences.js';

/** mulberry32: uniform in [0, 1), the same sequence for the same seed. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Trade names; the benchmark's name search looks for one of them (BRAND_TERM). */
export const BRANDS = [
  '鑫源', '宏达', '华润', '晋阳', '金鼎', '恒通', '兴旺', '瑞丰', '盛世', '永安',
  '天和', '富民', '鸿运', '东方', '汇丰', '龙腾', '福泰', '祥和', '利民', '安泰',
  '宏图', '嘉禾', '昌盛', '凯达', '华阳', '太行', '析城', '王屋', '沁河', '润泽',
  '广源', '鼎盛', '中和', '泰丰', '顺达', '万通', '长城', '新世纪', '金海', '三晋',
] as const; // biome-ignore format: a table

/** What an enterprise of a sector calls itself (falls back to its parent sector's words). */
const TRADE: Record<string, readonly string[]> = {
  coal_mine: ['煤业', '煤矿', '煤炭'],
  non_coal_mine: ['矿业', '石料厂'],
  hazardous_chemicals: ['化工', '化学'],
  filling_station: ['加油站', '石油销售'],
  metallurgy_industry_trade: ['工贸', '实业'],
  metal_smelting: ['冶炼', '铸造'],
  dust_explosion: ['面粉', '木业'],
  ammonia_refrigeration: ['冷库', '食品'],
  machinery: ['机械', '机电'],
  building_materials: ['建材', '水泥'],
  oil_gas_pipeline: ['管道'],
  fire_safety: ['物业'],
  crowded_places: ['商场', '超市', '影城'],
  high_rise: ['大厦', '置业'],
  hospital: ['医院', '诊所'],
  nine_small_places: ['饭店', '宾馆', '商店', '网吧'],
  heritage_building: ['古建'],
  construction: ['建筑工程', '建设'],
  town_gas: ['燃气'],
  road_transport: ['运输'],
  coach: ['客运'],
  tourist_bus: ['旅游客运'],
  dangerous_goods_transport: ['危货运输'],
  freight: ['货运', '物流'],
  minibus: ['汽车服务'],
  special_equipment: ['锅炉', '电梯'],
  reservoir: ['水库管理'],
  railway_crossing: ['铁路'],
  school: ['学校', '培训学校'],
  warehousing_logistics: ['仓储', '物流'],
  tourism: ['旅游开发', '景区'],
  farm_machinery: ['农机'],
  forest_fire: ['林场'],
  geological_hazard: ['地质勘查'],
};

/** Relative frequency of a primary sector (the county has far more small premises than reservoirs). */
const SECTOR_WEIGHT: Record<string, number> = {
  nine_small_places: 12,
  crowded_places: 5,
  freight: 5,
  construction: 5,
  coal_mine: 3,
  machinery: 3,
  building_materials: 3,
  special_equipment: 3,
  filling_station: 2,
  hazardous_chemicals: 2,
  warehousing_logistics: 2,
  school: 2,
};

const SUFFIXES = ['有限公司', '有限公司', '有限责任公司', '股份有限公司', '有限公司分公司'] as const;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '郭', '原', '卫', '田', '茹'] as const;
const GIVEN = ['建国', '志强', '海燕', '晓明', '丽华', '国庆', '红梅', '永刚', '秀英', '文斌', '春生', '晋峰'] as const;

export interface Leaf {
  code: string;
  path: string;
  name: string;
  lng: number | null;
  lat: number | null;
}

export interface SeedSummary {
  enterprises: number;
  seconds: number;
  /** Enterprises per township/village code, for choosing filters. */
  perRegion: Map<string, number>;
}

/**
 * Inserts `count` enterprises in batches of `batch` rows, each batch one multi-row INSERT. `now` is the clock the
 * server will run at: updated_at is spread over the two years before it.
 */
export async function seedEnterprises(db: Db, count: number, now: Date, batch = 1000): Promise<SeedSummary> {
  const t0 = performance.now();
  const rng = new Rng(20_000);
  const leaves: Leaf[] = await db
    .selectFrom('regions')
    .select(['code', 'path', 'name', 'lng', 'lat'])
    .where('kind', 'in', ['village', 'community'])
    .orderBy('code')
    .execute();
  const sectors = await db.selectFrom('sectors').select(['code', 'parent_code']).orderBy('sort').execute();
  const parent = new Map(sectors.map((s) => [s.code, s.parent_code]));
  const weighted = sectors.flatMap((s) => Array<string>(SECTOR_WEIGHT[s.code] ?? 1).fill(s.code));
  const derive = await departmentDeriver(db);
  const trade = (sector: string): readonly string[] => {
    let c: string | null | undefined = sector;
    while (c) {
      const words = TRADE[c];
      if (words) return words;
      c = parent.get(c);
    }
    return ['实业'];
  };
  const credit = new Set<string>();
  const perRegion = new Map<string, number>();
  const span = 2 * 365 * 86_400_000;
  let rows: Insertable<EnterprisesTable>[] = [];
  for (let i = 0; i < count; i++) {
    const leaf = rng.pick(leaves);
    const primary = rng.pick(weighted);
    const others = rng.chance(0.2) ? [rng.pick(weighted)].filter((s) => s !== primary) : [];
    const all = [primary, ...others];
    const prefix = rng.chance(0.6) ? '阳城县' : rng.chance(0.6) ? leaf.name.replace(/(村|社区)$/, '') : '';
    const name = `${prefix}${rng.pick(BRANDS)}${rng.pick(trade(primary))}${rng.pick(SUFFIXES)}`;
    let code: string;
    do {
      let body = '91140522';
      for (let k = 0; k < 9; k++) body += rng.pick([...CREDIT_CODE_CHARSET]);
      code = completeCreditCode(body);
    } while (credit.has(code));
    credit.add(code);
    const updated = new Date(now.getTime() - Math.floor(rng.next() * span));
    const created = new Date(updated.getTime() - Math.floor(rng.next() * span));
    const graded = rng.chance(0.2);
    for (const p of leaf.path.split('/').filter(Boolean)) perRegion.set(p, (perRegion.get(p) ?? 0) + 1);
    rows.push({
      code: formatCode('QY', i + 1),
      credit_code: code,
      name,
      name_initials: nameInitials(name),
      address: `${leaf.name}${rng.int(1, 300)}号`,
      region_code: leaf.code,
      region_path: leaf.path,
      lng: leaf.lng === null ? null : leaf.lng + (rng.next() - 0.5) * 0.02,
      lat: leaf.lat === null ? null : leaf.lat + (rng.next() - 0.5) * 0.02,
      primary_sector: primary,
      sectors: all,
      scale: rng.chance(0.3) ? 'above' : 'below',
      employees: rng.int(3, 800),
      principal_name: rng.pick(SURNAMES) + rng.pick(GIVEN),
      principal_phone: `13${rng.int(100000000, 999999999)}`,
      safety_manager_name: rng.pick(SURNAMES) + rng.pick(GIVEN),
      safety_manager_phone: `15${rng.int(100000000, 999999999)}`,
      department_ids: derive(all),
      is_key: rng.chance(0.1),
      has_major_hazard: rng.chance(0.05),
      standardization_grade: graded ? rng.int(1, 3) : null,
      standardization_expiry: graded
        ? new Date(now.getTime() + rng.int(-60, 1000) * 86_400_000).toISOString().slice(0, 10)
        : null,
      licences: JSON.stringify(
        rng.chance(0.3)
          ? [
              {
                type: '安全生产许可证',
                number: `(晋)MK安许证字[${rng.int(2020, 2026)}]${rng.int(100, 999)}`,
                expiry: new Date(now.getTime() + rng.int(-30, 1000) * 86_400_000).toISOString().slice(0, 10),
              },
            ]
          : [],
      ),
      status: rng.chance(0.9) ? 'operating' : rng.chance(0.7) ? 'suspended' : 'closed',
      created_at: created,
      updated_at: updated,
    });
    if (rows.length === batch || i === count - 1) {
      const chunk = rows;
      rows = [];
      await db.insertInto('enterprises').values(chunk).execute();
    }
  }
  await db
    .insertInto('sequences')
    .values({ name: 'QY', value: count })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: count }))
    .execute();
  return { enterprises: count, seconds: (performance.now() - t0) / 1000, perRegion };
}
