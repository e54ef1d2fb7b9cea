/**
 * Major-hazard criteria catalogs (重大事故隐患判定标准) as data. Choosing an item marks the hazard major.
 *
 * - Coal mines: 《煤矿重大事故隐患判定标准》(应急管理部令第4号, in force 2021-01-01). §3 lists the 15 categories;
 *   §4–§18 define each one.
 * - Chemicals: 《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》(安监总管三〔2017〕121号),
 *   items (一)–(十四). Items 15–20 were not verified for this release (RULES.md §4): append them here as data.
 * - Industry and trade: 《工贸企业重大事故隐患判定标准》(应急管理部令第10号, in force 2023-05-15): §3 general
 *   (management) items; §11 the dust-explosion items. The sector items (§4–§10: metallurgy, non-ferrous,
 *   building materials, machinery, light industry, textiles, tobacco) and §12–§13 (liquid ammonia, confined
 *   spaces) are not in this release: append them as data.
 */
import { z } from 'zod';
import type { HazardLevel } from './workflow.js';

export const MAJOR_HAZARD_CATALOGS = ['coal_mine', 'hazardous_chemicals', 'industry_trade'] as const;
export type MajorHazardCatalog = (typeof MAJOR_HAZARD_CATALOGS)[number];

/** The sector codes of the platform that these catalogs serve. */
export const CATALOG_SECTOR_CODES = [
  'coal_mine',
  'hazardous_chemicals',
  'filling_station',
  'metallurgy_industry_trade',
  'dust_explosion',
  'metal_smelting',
] as const;
export type CatalogSectorCode = (typeof CATALOG_SECTOR_CODES)[number];

export interface MajorHazardCatalogInfo {
  readonly catalog: MajorHazardCatalog;
  readonly titleZh: string;
  readonly titleEn: string;
  readonly document: string;
  readonly inForceFrom: string;
}

export const MAJOR_HAZARD_CATALOG_INFO: { readonly [C in MajorHazardCatalog]: MajorHazardCatalogInfo } = {
  coal_mine: {
    catalog: 'coal_mine',
    titleZh: '煤矿重大事故隐患判定标准',
    titleEn: 'Criteria for major accident hazards in coal mines',
    document: '应急管理部令第4号',
    inForceFrom: '2021-01-01',
  },
  hazardous_chemicals: {
    catalog: 'hazardous_chemicals',
    titleZh: '化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）',
    titleEn: 'Criteria for major accident hazards in chemical and hazardous-chemical businesses (trial)',
    document: '安监总管三〔2017〕121号',
    inForceFrom: '2017-11-13',
  },
  industry_trade: {
    catalog: 'industry_trade',
    titleZh: '工贸企业重大事故隐患判定标准',
    titleEn: 'Criteria for major accident hazards in industry and trade enterprises',
    document: '应急管理部令第10号',
    inForceFrom: '2023-05-15',
  },
};

export interface MajorHazardCatalogItem {
  /** Stable code: `coal-01`, `chem-01`, `it-gen-01`, `it-dust-01`. */
  readonly code: string;
  readonly catalog: MajorHazardCatalog;
  /** Sectors whose enterprises are offered this item. */
  readonly sectorCodes: readonly CatalogSectorCode[];
  readonly textZh: string;
  readonly textEn: string;
  /** Regulation and article. */
  readonly basis: string;
  /** What the item includes, where RULES.md spells it out (shown as a hint). */
  readonly hintZh?: string;
  readonly hintEn?: string;
}

const COAL: readonly CatalogSectorCode[] = ['coal_mine'];
const CHEM: readonly CatalogSectorCode[] = ['hazardous_chemicals'];
/** Chemical items that also bind a filling station (a hazardous-chemicals business under 经营许可). */
const CHEM_AND_STATION: readonly CatalogSectorCode[] = ['hazardous_chemicals', 'filling_station'];
/** §3 of 令第10号 binds every industry-and-trade enterprise. */
const IT_ALL: readonly CatalogSectorCode[] = ['metallurgy_industry_trade', 'dust_explosion', 'metal_smelting'];
/** §3(三) concerns metal-smelting enterprises (冶金 includes smelting). */
const IT_SMELTING: readonly CatalogSectorCode[] = ['metal_smelting', 'metallurgy_industry_trade'];
const DUST: readonly CatalogSectorCode[] = ['dust_explosion'];

const COAL_BASIS = '应急管理部令第4号《煤矿重大事故隐患判定标准》';
const CHEM_BASIS = '安监总管三〔2017〕121号《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》';
const IT_BASIS = '应急管理部令第10号《工贸企业重大事故隐患判定标准》';

const CN_NUM = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'];
const CN_ARTICLE = [
  '四',
  '五',
  '六',
  '七',
  '八',
  '九',
  '十',
  '十一',
  '十二',
  '十三',
  '十四',
  '十五',
  '十六',
  '十七',
  '十八',
];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

type ItemText = readonly [zh: string, en: string, hint?: readonly [zh: string, en: string]];

function withHint(item: MajorHazardCatalogItem, hint: ItemText[2]): MajorHazardCatalogItem {
  return hint ? { ...item, hintZh: hint[0], hintEn: hint[1] } : item;
}

/** 令第4号 §3 items (一)–(十五); item n is defined in article n+3 (§4–§18). */
const COAL_TEXTS: readonly ItemText[] = [
  ['超能力、超强度或者超定员组织生产', 'Production beyond approved capacity, intensity or staffing'],
  [
    '瓦斯超限作业',
    'Working with methane above the limit',
    ['含瓦斯检查漏检、假检', 'Includes methane checks skipped or falsified'],
  ],
  [
    '煤与瓦斯突出矿井，未依照规定实施防突出措施',
    'Outburst-prone mine without the required outburst prevention measures',
  ],
  [
    '高瓦斯矿井未建立瓦斯抽采系统和监控系统，或者系统不能正常运行',
    'High-gas mine without a gas drainage system and a monitoring system, or a system not working properly',
    [
      '含传感器未安设、被破坏或不能正常运行，超限时不能报警、断电',
      'Includes sensors missing, disabled or not working, no alarm or power cut on exceedance',
    ],
  ],
  ['通风系统不完善、不可靠', 'Ventilation system incomplete or unreliable'],
  ['有严重水患，未采取有效措施', 'Serious water hazard without effective measures'],
  ['超层越界开采', 'Mining beyond the licensed seams or boundaries'],
  ['有冲击地压危险，未采取有效措施', 'Rock-burst risk without effective measures'],
  ['自然发火严重，未采取有效措施', 'Serious spontaneous combustion without effective measures'],
  ['使用明令禁止使用或者淘汰的设备、工艺', 'Use of expressly prohibited or phased-out equipment or processes'],
  ['煤矿没有双回路供电系统', 'No dual-circuit power supply'],
  [
    '新建煤矿边建设边生产，煤矿改扩建期间，在改扩建的区域生产，或者在其他区域的生产超出安全设施设计规定的范围和规模',
    'Producing while a new mine is being built; producing in an area under reconstruction or expansion, or elsewhere beyond the scope and scale of the safety-facility design',
  ],
  [
    '煤矿实行整体承包生产经营后，未重新取得或者及时变更安全生产许可证而从事生产，或者承包方再次转包，以及将井下采掘工作面和井巷维修作业进行劳务承包',
    'After contracting out the whole mine: producing without a renewed or amended safety production licence, the contractor subcontracting again, or labour-only contracting of underground mining faces or roadway maintenance',
  ],
  [
    '煤矿改制期间，未明确安全生产责任人和安全管理机构，或者在完成改制后，未重新取得或者变更采矿许可证、安全生产许可证和营业执照',
    'During restructuring, no designated safety principal and safety management body; after restructuring, mining licence, safety production licence or business licence not renewed or amended',
  ],
  ['其他重大事故隐患', 'Other major accident hazards'],
];

/** 121号 items (一)–(十四). */
const CHEM_TEXTS: readonly (readonly [zh: string, en: string, sectors: readonly CatalogSectorCode[]])[] = [
  [
    '危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格',
    'Principal and safety managers of a hazardous-chemicals producer or dealer not assessed and qualified as required by law',
    CHEM_AND_STATION,
  ],
  ['特种作业人员未持证上岗', 'Special operators working without a certificate', CHEM_AND_STATION],
  [
    '涉及“两重点一重大”的生产装置、储存设施外部安全防护距离不符合国家标准要求',
    'External safety distance of production units or storage facilities involving key hazardous processes, key supervised chemicals or major hazard installations below the national standard',
    CHEM,
  ],
  [
    '涉及重点监管危险化工工艺的装置未实现自动化控制，系统未实现紧急停车功能，装备的自动化控制系统、紧急停车系统未投入使用',
    'Units with key supervised hazardous processes without automatic control or emergency shutdown, or with those systems installed but not in use',
    CHEM,
  ],
  [
    '构成一级、二级重大危险源的危险化学品罐区未实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的一级、二级重大危险源的危险化学品罐区未配备独立的安全仪表系统',
    'Tank farms that are grade 1 or 2 major hazard installations without emergency shut-off; those holding toxic gases, liquefied gases or highly toxic liquids without an independent safety instrumented system',
    CHEM,
  ],
  [
    '全压力式液化烃储罐未按国家标准设置注水措施',
    'Fully pressurised liquefied hydrocarbon tanks without water-injection facilities per the national standard',
    CHEM,
  ],
  [
    '液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装未使用万向管道充装系统',
    'Loading of liquefied hydrocarbons, liquid ammonia, liquid chlorine or other flammable or toxic liquefied gases without a swivel-arm loading system',
    CHEM,
  ],
  [
    '光气、氯气等剧毒气体及硫化氢气体管道穿越除厂区（包括化工园区、工业园区）外的公共区域',
    'Pipelines of phosgene, chlorine or other highly toxic gases, or hydrogen sulphide, crossing public areas outside the plant (or chemical / industrial park)',
    CHEM,
  ],
  [
    '地区架空电力线路穿越生产区且不符合国家标准要求',
    'Overhead public power lines crossing the production area, not compliant with the national standard',
    CHEM,
  ],
  [
    '在役化工装置未经正规设计且未进行安全设计诊断',
    'Operating chemical units without a proper design and without a safety design review',
    CHEM,
  ],
  [
    '使用淘汰落后安全技术工艺、设备目录列出的工艺、设备',
    'Use of processes or equipment listed in the catalogue of phased-out safety technologies',
    CHEM_AND_STATION,
  ],
  [
    '涉及可燃和有毒有害气体泄漏的场所未按国家标准设置检测报警装置，爆炸危险场所未按国家标准安装使用防爆电气设备',
    'No gas detection and alarm where combustible or toxic gases may leak, or no explosion-proof electrical equipment in explosive atmospheres, per the national standard',
    CHEM_AND_STATION,
  ],
  [
    '控制室或机柜间面向具有火灾、爆炸危险性装置一侧不满足国家标准关于防火防爆的要求',
    'Control room or rack room side facing fire- or explosion-hazard units not meeting the national fire and blast protection requirements',
    CHEM,
  ],
  [
    '化工生产装置未按国家标准要求设置双重电源供电，自动化控制系统未设置不间断电源',
    'Chemical production units without dual power sources, or automatic control systems without an uninterruptible power supply, per the national standard',
    CHEM,
  ],
];

/** 令第10号 §3 (一)–(三). */
const IT_GENERAL_TEXTS: readonly (readonly [zh: string, en: string, sectors: readonly CatalogSectorCode[]])[] = [
  [
    '未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的',
    'Safety work of contractors and tenants not coordinated and managed, or not inspected regularly',
    IT_ALL,
  ],
  [
    '特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的',
    'Special operators working without the required safety training and qualification',
    IT_ALL,
  ],
  [
    '金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格的',
    'Principal or safety managers of a metal-smelting enterprise not assessed and qualified as required',
    IT_SMELTING,
  ],
];

/** 令第10号 §11 (一)–(十): enterprises with dust-explosion hazards. */
const IT_DUST_TEXTS: readonly ItemText[] = [
  [
    '粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内，或者粉尘爆炸危险场所内设有员工宿舍、会议室、办公室、休息室等人员聚集场所的',
    'Dust-explosion hazardous area in a non-frame multi-storey building, or with dormitories, meeting rooms, offices, rest rooms or other gathering places inside it',
  ],
  [
    '不同类别的可燃性粉尘、可燃性粉尘与可燃气体等易加剧爆炸危险的介质共用一套除尘系统，或者不同建（构）筑物、不同防火分区共用一套除尘系统、除尘系统互联互通的',
    'One dust-removal system shared by different kinds of combustible dust or by dust and flammable gas, or shared or interconnected across buildings or fire zones',
  ],
  [
    '干式除尘系统未采取泄爆、惰化、抑爆等任一种爆炸防控措施的',
    'Dry dust collector without any explosion control measure (venting, inerting or suppression)',
  ],
  [
    '铝镁等金属粉尘除尘系统采用正压除尘方式，或者其他可燃性粉尘除尘系统采用正压吹送粉尘时，未采取火花探测消除等防范点燃源措施的',
    'Positive-pressure collection of aluminium, magnesium or other metal dust; or positive-pressure conveying of other combustible dust without ignition-source control such as spark detection and extinguishing',
  ],
  [
    '除尘系统采用重力沉降室除尘，或者采用干式巷道式构筑物作为除尘风道的',
    'Gravity settling chamber used for dust removal, or a dry tunnel-type structure used as the dust duct',
  ],
  [
    '铝镁等金属粉尘、木质粉尘的干式除尘系统未设置锁气卸灰装置的',
    'Dry collector for aluminium, magnesium or other metal dust or for wood dust without an airlock discharge device',
  ],
  [
    '除尘器、收尘仓等划分为20区的粉尘爆炸危险场所电气设备不符合防爆要求的',
    'Electrical equipment in zone 20 dust-explosion areas (collectors, dust bins) not explosion-proof',
  ],
  [
    '粉碎、研磨、造粒等易产生机械点燃源的工艺设备前，未设置铁、石等杂物去除装置，或者木制品加工企业与砂光机连接的风管未设置火花探测消除装置的',
    'No iron and stone removal before crushing, grinding, granulating or other equipment prone to mechanical ignition; or, in wood processing, no spark detection and extinguishing on ducts from sanders',
  ],
  [
    '遇湿自燃金属粉尘收集、堆放、储存场所未采取通风等防止氢气积聚措施，或者干式收集、堆放、储存场所未采取防水、防潮措施的',
    'Places collecting or storing water-reactive metal dust without ventilation or other measures against hydrogen accumulation, or dry collection and storage places without protection against water and damp',
  ],
  [
    '未落实粉尘清理制度，造成作业现场积尘严重的',
    'Dust-cleaning rules not carried out, leaving serious dust accumulation on site',
  ],
];

export const MAJOR_HAZARD_CATALOG_ITEMS: readonly MajorHazardCatalogItem[] = [
  ...COAL_TEXTS.map(([zh, en, hint], i) =>
    withHint(
      {
        code: `coal-${pad2(i + 1)}`,
        catalog: 'coal_mine',
        sectorCodes: COAL,
        textZh: zh,
        textEn: en,
        basis: `${COAL_BASIS} 第三条第（${CN_NUM[i]}）项、第${CN_ARTICLE[i]}条`,
      },
      hint,
    ),
  ),
  ...CHEM_TEXTS.map(
    ([zh, en, sectors], i): MajorHazardCatalogItem => ({
      code: `chem-${pad2(i + 1)}`,
      catalog: 'hazardous_chemicals',
      sectorCodes: sectors,
      textZh: zh,
      textEn: en,
      basis: `${CHEM_BASIS} 第（${CN_NUM[i]}）项`,
    }),
  ),
  ...IT_GENERAL_TEXTS.map(
    ([zh, en, sectors], i): MajorHazardCatalogItem => ({
      code: `it-gen-${pad2(i + 1)}`,
      catalog: 'industry_trade',
      sectorCodes: sectors,
      textZh: zh,
      textEn: en,
      basis: `${IT_BASIS} 第三条第（${CN_NUM[i]}）项`,
    }),
  ),
  ...IT_DUST_TEXTS.map(
    ([zh, en], i): MajorHazardCatalogItem => ({
      code: `it-dust-${pad2(i + 1)}`,
      catalog: 'industry_trade',
      sectorCodes: DUST,
      textZh: zh,
      textEn: en,
      basis: `${IT_BASIS} 第十一条第（${CN_NUM[i]}）项`,
    }),
  ),
];

const BY_CODE: ReadonlyMap<string, MajorHazardCatalogItem> = new Map(
  MAJOR_HAZARD_CATALOG_ITEMS.map((item) => [item.code, item]),
);

export const MAJOR_HAZARD_CATALOG_CODES: readonly string[] = MAJOR_HAZARD_CATALOG_ITEMS.map((i) => i.code);

/** Validates a catalog item code in a request body. */
export const catalogItemCodeSchema = z
  .string()
  .refine((code) => BY_CODE.has(code), { message: 'Unknown major-hazard catalog item' });

export function findCatalogItem(code: string): MajorHazardCatalogItem | undefined {
  return BY_CODE.get(code);
}

/**
 * The level a hazard gets when a catalog item is chosen: always major — each catalog lists situations that
 * "应当判定为重大事故隐患" (令第4号 §3, 121号 preamble, 令第10号 §3 and §11).
 */
export function levelForCatalogItem(_item: MajorHazardCatalogItem | string): Extract<HazardLevel, 'major'> {
  return 'major';
}

/** The items offered to an enterprise of this sector, in catalog order; an unknown sector gets none. */
export function catalogItemsForSector(sector: string): MajorHazardCatalogItem[] {
  return MAJOR_HAZARD_CATALOG_ITEMS.filter((item) => (item.sectorCodes as readonly string[]).includes(sector));
}
