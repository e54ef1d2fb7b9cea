/**
 * Demo enterprises for 阳城县: about 120 supervised businesses reflecting the county's profile (anthracite coal
 * mines, the 台头 chemical park, six filling stations, construction, transport, industry & trade, crowded places,
 * heritage tourism). Names are invented but plausible; any likeness to a real registrant is accidental.
 *
 * Pure and deterministic: the same regions and `now` give the same list (seeded PRNG, no Math.random).
 * Dates are relative to `now`, so a demo always has licences expiring soon and a couple already expired.
 */
import { CREDIT_CODE_CHARSET, completeCreditCode } from '../../../../core/credit-code.js';
import type { RegionRow } from './csv.js';

export interface DemoLicence {
  type: string;
  number: string;
  /** 'YYYY-MM-DD' */
  expiry: string;
}

export interface DemoEnterprise {
  /** Valid GB 32100-2015 unified social credit code. */
  creditCode: string;
  name: string;
  formerNames: string[];
  address: string;
  /** A village or community code from the regions. */
  regionCode: string;
  lng: number;
  lat: number;
  primarySector: string;
  otherSectors: string[];
  scale: 'above' | 'below';
  employees: number;
  principalName: string;
  principalPhone: string;
  safetyManagerName: string;
  safetyManagerPhone: string;
  isKey: boolean;
  hasMajorHazard: boolean;
  standardizationGrade: 1 | 2 | 3 | null;
  /** 'YYYY-MM-DD', null when there is no grade. */
  standardizationExpiry: string | null;
  licences: DemoLicence[];
  status: 'operating' | 'suspended' | 'closed';
}

/** 阳城县's extent (WGS84); every demo coordinate lies inside. */
export const DEMO_BOUNDS = { minLng: 112.0, maxLng: 112.62, minLat: 35.2, maxLat: 35.67 } as const;

/** Name of the first demo enterprise, the coal mine the demo enterprise users belong to. */
export const DEMO_HOME_ENTERPRISE_NAME = '阳城县凤鸣煤业有限公司';

/** Centre of the 台头 chemical park (蟒河镇台头村, about 12 km south of the county seat). */
export const TAITOU_CHEMICAL_PARK = { lng: 112.408, lat: 35.383 } as const;

// ---------------------------------------------------------------------------------------------------------
// Deterministic randomness

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}

// ---------------------------------------------------------------------------------------------------------
// People, phones, dates

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '郭',
  '原',
  '卫',
  '常',
  '栗',
  '茹',
  '延',
  '牛',
  '吉',
  '田',
  '成',
  '许',
  '冯',
  '崔',
  '韩',
  '曹',
  '马',
  '白',
  '范',
  '宋',
  '孙',
  '秦',
  '靳',
] as const;
const GIVEN = [
  '建国',
  '志强',
  '晓东',
  '海军',
  '永胜',
  '国平',
  '红梅',
  '丽萍',
  '卫东',
  '俊杰',
  '鹏飞',
  '文斌',
  '晋生',
  '保林',
  '小军',
  '雪峰',
  '宏伟',
  '春燕',
  '向阳',
  '振华',
  '继龙',
  '云峰',
  '立新',
  '爱军',
  '玉兰',
  '志刚',
  '明亮',
  '少华',
  '泽民',
  '静',
  '磊',
  '斌',
  '伟',
  '勇',
  '军',
  '敏',
  '浩',
  '涛',
  '鑫',
  '凯',
] as const;
const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '156',
  '157',
  '158',
  '159',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
] as const;
const TOWN_STREETS = [
  '凤凰东街',
  '凤凰西街',
  '新阳东街',
  '新阳西街',
  '阳高泉路',
  '东环路',
  '西环路',
  '滨河路',
] as const;

const personName = (r: Rng): string => r.pick(SURNAMES) + r.pick(GIVEN);
const mobile = (r: Rng): string => r.pick(MOBILE_PREFIXES) + r.digits(8);
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const DAY_MS = 86_400_000;
function isoDate(now: Date, offsetDays: number): string {
  return new Date(now.getTime() + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------
// Licences

type LicenceKind =
  | 'mining'
  | 'coalSafety'
  | 'nonCoalSafety'
  | 'chemSafety'
  | 'chemRegistration'
  | 'chemTrade'
  | 'fireworksTrade'
  | 'oilRetail'
  | 'gas'
  | 'roadTransport'
  | 'constructionSafety'
  | 'constructionPermit'
  | 'fireCheck'
  | 'medical'
  | 'schooling'
  | 'specialEquipment';

interface LicenceDef {
  type: string;
  /** Validity in years, used to derive the issue year shown in the number. */
  years: number;
  number: (r: Rng, issuedYear: number) => string;
}

const LICENCES: Record<LicenceKind, LicenceDef> = {
  mining: {
    type: '采矿许可证',
    years: 10,
    number: (r, y) => `C140000${y}${pad(r.int(1, 12), 2)}11${r.digits(8)}`,
  },
  coalSafety: {
    type: '安全生产许可证',
    years: 3,
    number: (r, y) => `(晋)MK安许证字〔${y}〕E${pad(r.int(1, 999), 3)}`,
  },
  nonCoalSafety: {
    type: '安全生产许可证',
    years: 3,
    number: (r, y) => `(晋)FM安许证字〔${y}〕E${pad(r.int(1, 999), 3)}`,
  },
  chemSafety: {
    type: '安全生产许可证',
    years: 3,
    number: (r, y) => `(晋)WH安许证字〔${y}〕E${pad(r.int(1, 999), 3)}`,
  },
  chemRegistration: {
    type: '危险化学品登记证',
    years: 3,
    number: (r) => `140522${r.digits(5)}`,
  },
  chemTrade: {
    type: '危险化学品经营许可证',
    years: 3,
    number: (r, y) => `晋城阳危化经字〔${y}〕${pad(r.int(1, 9999), 4)}`,
  },
  fireworksTrade: {
    type: '烟花爆竹经营(批发)许可证',
    years: 3,
    number: (r, y) => `(晋)YH经许证字〔${y}〕${pad(r.int(1, 999), 3)}`,
  },
  oilRetail: {
    type: '成品油零售经营批准证书',
    years: 5,
    number: (r) => `油零售证书第1405${r.digits(5)}号`,
  },
  gas: {
    type: '燃气经营许可证',
    years: 3,
    number: (r, y) => `晋${y}140522${pad(r.int(1, 9999), 4)}G`,
  },
  roadTransport: {
    type: '道路运输经营许可证',
    years: 4,
    number: (r) => `晋交运管许可晋城字140522${r.digits(6)}号`,
  },
  constructionSafety: {
    type: '建筑施工企业安全生产许可证',
    years: 3,
    number: (r, y) => `(晋)JZ安许证字〔${y}〕${r.digits(6)}`,
  },
  constructionPermit: {
    type: '建筑工程施工许可证',
    years: 2,
    number: (r, y) => `140522${y}${pad(r.int(1, 12), 2)}${pad(r.int(1, 28), 2)}0101`,
  },
  fireCheck: {
    type: '公众聚集场所投入使用、营业前消防安全检查合格证',
    years: 3,
    number: (r, y) => `阳消安检字〔${y}〕第${pad(r.int(1, 9999), 4)}号`,
  },
  medical: {
    type: '医疗机构执业许可证',
    years: 5,
    number: (r) => `PDY${r.digits(8)}140522${r.digits(4)}`,
  },
  schooling: {
    type: '办学许可证',
    years: 5,
    number: (r) => `教民140522${r.digits(9)}号`,
  },
  specialEquipment: {
    type: '特种设备生产许可证',
    years: 4,
    number: (r, y) => `TS33140${r.digits(3)}-${y + 4}`,
  },
};

/**
 * Days until a licence expires, by its position k in the whole demo. k % 9 === 1 expires within 30 days
 * (so k = 1, the home mine's safety licence, is among them); k = 12 and 47 have already expired.
 */
function licenceOffsetDays(k: number, r: Rng): number {
  if (k === 12 || k === 47) return -r.int(10, 75);
  if (k % 9 === 1) return r.int(3, 28);
  return r.int(45, 1400);
}

// ---------------------------------------------------------------------------------------------------------
// Templates

interface Template {
  name: string;
  /** Preferred village/community code; replaced by one of the same township (or any) if absent. */
  village: string;
  sector: string;
  other?: string[];
  scale: 'above' | 'below';
  employees: readonly [number, number];
  isKey?: boolean;
  hasMajorHazard?: boolean;
  grade?: 1 | 2 | 3 | null;
  licences?: LicenceKind[];
  status?: 'operating' | 'suspended' | 'closed';
  formerNames?: string[];
  /** Public institutions (事业单位) have credit codes starting 12; businesses 91. */
  institution?: boolean;
  /** Explicit centre (the chemical park), instead of the village's. */
  at?: { lng: number; lat: number };
}

const COAL: LicenceKind[] = ['mining', 'coalSafety'];
const NON_COAL: LicenceKind[] = ['mining', 'nonCoalSafety'];
const CHEM_MAKER: LicenceKind[] = ['chemSafety', 'chemRegistration'];
const FILLING: LicenceKind[] = ['chemTrade', 'oilRetail'];
const BUILDER: LicenceKind[] = ['constructionSafety', 'constructionPermit'];
const PARK = TAITOU_CHEMICAL_PARK;

function coal(name: string, village: string, extra: Partial<Template> = {}): Template {
  return {
    name,
    village,
    sector: 'coal_mine',
    scale: 'above',
    employees: [380, 1600],
    isKey: true,
    grade: 2,
    licences: COAL,
    ...extra,
  };
}

const TEMPLATES: readonly Template[] = [
  // Coal mines (24). The first is the demo users' own enterprise and must stay first.
  coal(DEMO_HOME_ENTERPRISE_NAME, '140522100205', { formerNames: ['阳城县凤鸣煤矿'], employees: [620, 680] }),
  coal('山西阳城阳泰集团皇岭煤业有限公司', '140522101213', { grade: 1, employees: [1200, 1600] }),
  coal('山西阳城阳泰集团郭峪沟煤业有限公司', '140522101214'),
  coal('晋煤集团阳城留北煤业有限公司', '140522101200', { grade: 1, formerNames: ['阳城县留北煤矿'] }),
  coal('晋煤集团阳城沁润煤业有限公司', '140522102200'),
  coal('阳城县上庄坡煤业有限公司', '140522102214'),
  coal('阳城县屯泉煤业有限公司', '140522102228', { formerNames: ['阳城县屯城煤矿'] }),
  coal('山西阳城町宁煤业有限公司', '140522103210', { grade: 1, employees: [1300, 1700] }),
  coal('阳城县上孔煤业有限公司', '140522103203', { status: 'suspended' }),
  coal('阳城县崦峰煤业有限公司', '140522103215'),
  coal('山西阳城阳泰集团芹源煤业有限公司', '140522104204'),
  coal('阳城县阳陵煤业有限公司', '140522104211'),
  coal('晋煤集团阳城刘东煤业有限公司', '140522104200', { formerNames: ['阳城县刘东煤矿'] }),
  coal('阳城县宜兴煤业有限公司', '140522104212'),
  coal('阳城县东冶鑫源煤业有限公司', '140522109200'),
  coal('阳城县月泉煤业有限公司', '140522109205', { grade: 3 }),
  coal('晋煤集团阳城晋圪坨煤业有限公司', '140522109210'),
  coal('阳城县寺头安泰煤业有限公司', '140522201200'),
  coal('阳城县白桑通达煤业有限公司', '140522111200'),
  coal('阳城县演礼东兴煤业有限公司', '140522110218'),
  coal('山西阳城阳泰集团府底煤业有限公司', '140522105229'),
  coal('阳城县河北孤峰煤业有限公司', '140522107208', { grade: 3 }),
  coal('阳城县西河兴旺煤业有限公司', '140522202210', { status: 'closed', grade: null, employees: [0, 0] }),
  coal('晋煤集团阳城南关煤业有限公司', '140522100220'),

  // Non-coal mines (4)
  {
    name: '阳城县恒基建筑石料有限公司',
    village: '140522107216',
    sector: 'non_coal_mine',
    scale: 'below',
    employees: [30, 60],
    grade: 3,
    licences: NON_COAL,
  },
  {
    name: '阳城县横河硫铁矿有限公司',
    village: '140522106205',
    sector: 'non_coal_mine',
    scale: 'above',
    employees: [90, 160],
    isKey: true,
    grade: 3,
    licences: NON_COAL,
  },
  {
    name: '阳城县董封铝土矿业有限公司',
    village: '140522205205',
    sector: 'non_coal_mine',
    scale: 'below',
    employees: [40, 80],
    grade: 3,
    licences: NON_COAL,
  },
  {
    name: '阳城县通义石料厂',
    village: '140522111205',
    sector: 'non_coal_mine',
    scale: 'below',
    employees: [12, 25],
    licences: NON_COAL,
    status: 'suspended',
  },

  // Hazardous chemicals: the 台头 chemical park (10) and a reagent shop in town.
  {
    name: '阳城县晋台化工有限公司',
    village: '140522108200',
    at: PARK,
    sector: 'hazardous_chemicals',
    scale: 'above',
    employees: [260, 420],
    hasMajorHazard: true,
    grade: 2,
    licences: CHEM_MAKER,
    formerNames: ['阳城县台头化肥厂'],
  },
  {
    name: '山西阳城恒达精细化工有限公司',
    village: '140522108200',
    at: PARK,
    sector: 'hazardous_chemicals',
    scale: 'above',
    employees: [120, 200],
    hasMajorHazard: true,
    grade: 3,
    licences: CHEM_MAKER,
  },
  {
    name: '阳城县泰和煤化工有限公司',
    village: '140522108201',
    at: PARK,
    sector: 'hazardous_chemicals',
    scale: 'above',
    employees: [300, 480],
    hasMajorHazard: true,
    grade: 2,
    licences: CHEM_MAKER,
  },
  {
    name: '山西台头新材料科技有限公司',
    village: '140522108201',
    at: PARK,
    sector: 'hazardous_chemicals',
    scale: 'above',
    employees: [80, 140],
    grade: 3,
    licences: CHEM_MAKER,
  },
  {
    name: '阳城县瑞丰化学有限公司',
    village: '140522108200',
    at: PARK,
    sector: 'hazardous_chemicals',
    scale: 'below',
    employees: [30, 60],
    grade: 3,
    licences: CHEM_MAKER,
    status: 'suspended',
  },
  {
    name: '阳城县鑫昌化工有限公司',
    village: '140522108205',
    at: PARK,
    sector: 'hazardous_chemicals',
    scale: 'above',
    employees: [150, 260],
    hasMajorHazard: true,
    grade: 2,
    licences: CHEM_MAKER,
  },
  {
    name: '山西阳城华晟工业气体有限公司',
    village: '140522108205',
    at: PARK,
    sector: 'hazardous_chemicals',
    other: ['special_equipment'],
    scale: 'below',
    employees: [25, 45],
    grade: 3,
    licences: CHEM_MAKER,
  },
  {
    name: '阳城县东峪炭素化工有限公司',
    village: '140522108201',
    at: PARK,
    sector: 'hazardous_chemicals',
    scale: 'below',
    employees: [40, 70],
    licences: CHEM_MAKER,
  },
  {
    name: '阳城县盘龙精细化学品有限公司',
    village: '140522108205',
    at: PARK,
    sector: 'hazardous_chemicals',
    scale: 'above',
    employees: [90, 150],
    hasMajorHazard: true,
    grade: 3,
    licences: CHEM_MAKER,
  },
  {
    name: '阳城县台头危险化学品仓储有限公司',
    village: '140522108200',
    at: PARK,
    sector: 'hazardous_chemicals',
    other: ['warehousing_logistics'],
    scale: 'below',
    employees: [20, 35],
    hasMajorHazard: true,
    grade: 3,
    licences: ['chemTrade'],
  },
  {
    name: '阳城县凤城化学试剂经营部',
    village: '140522100002',
    sector: 'hazardous_chemicals',
    scale: 'below',
    employees: [3, 6],
    licences: ['chemTrade'],
  },
  {
    name: '阳城县安乐烟花爆竹批发有限公司',
    village: '140522202210',
    sector: 'hazardous_chemicals',
    other: ['warehousing_logistics'],
    scale: 'below',
    employees: [8, 15],
    isKey: true,
    licences: ['fireworksTrade'],
  },

  // Filling stations: exactly six (the notice's "6 家二级加油站").
  {
    name: '中国石化销售股份有限公司山西晋城阳城凤城加油站',
    village: '140522100200',
    sector: 'filling_station',
    scale: 'below',
    employees: [12, 20],
    grade: 2,
    licences: FILLING,
  },
  {
    name: '中国石化销售股份有限公司山西晋城阳城北留加油站',
    village: '140522101200',
    sector: 'filling_station',
    scale: 'below',
    employees: [10, 16],
    grade: 2,
    licences: FILLING,
  },
  {
    name: '中国石油天然气股份有限公司山西晋城阳城润城加油站',
    village: '140522102200',
    sector: 'filling_station',
    scale: 'below',
    employees: [10, 16],
    grade: 2,
    licences: FILLING,
  },
  {
    name: '中国石油天然气股份有限公司山西晋城阳城芹池加油站',
    village: '140522104204',
    sector: 'filling_station',
    scale: 'below',
    employees: [8, 14],
    grade: null,
    licences: FILLING,
  },
  {
    name: '阳城县通达加油站有限公司',
    village: '140522105200',
    sector: 'filling_station',
    scale: 'below',
    employees: [6, 12],
    grade: 2,
    licences: FILLING,
  },
  {
    name: '阳城县蟒河路加油站',
    village: '140522108200',
    sector: 'filling_station',
    scale: 'below',
    employees: [6, 10],
    grade: null,
    licences: FILLING,
  },

  // Construction (12)
  ...(
    [
      ['阳城县宏图建筑工程有限公司', '140522100265'],
      ['山西濩泽建设集团有限公司', '140522100001'],
      ['阳城县华安建筑安装有限公司', '140522400001'],
      ['阳城县恒泰市政工程有限公司', '140522400002'],
      ['阳城县凤翔路桥工程有限公司', '140522100220'],
      ['阳城县鼎盛建筑劳务有限公司', '140522102001'],
      ['阳城县北留建筑工程有限公司', '140522101220'],
      ['山西阳城城投建设工程有限公司', '140522100002'],
      ['阳城县演礼建筑工程有限公司', '140522110200'],
      ['阳城县润达钢结构工程有限公司', '140522400003'],
      ['阳城县通衢公路工程有限公司', '140522201210'],
      ['阳城县安居房地产开发有限公司', '140522100200'],
    ] as const
  ).map(
    ([name, village], i): Template => ({
      name,
      village,
      sector: 'construction',
      other: i === 1 || i === 7 ? ['high_rise'] : [],
      scale: i % 3 === 2 ? 'below' : 'above',
      employees: i % 3 === 2 ? [20, 60] : [80, 260],
      isKey: i === 1 || i === 7,
      grade: i % 4 === 3 ? null : 3,
      licences: BUILDER,
    }),
  ),

  // Town gas (1)
  {
    name: '阳城县凤城燃气有限公司',
    village: '140522400001',
    sector: 'town_gas',
    other: ['special_equipment'],
    scale: 'above',
    employees: [120, 180],
    isKey: true,
    hasMajorHazard: true,
    grade: 3,
    licences: ['gas'],
  },

  // Road transport (9)
  {
    name: '阳城县汽车运输有限公司',
    village: '140522100002',
    sector: 'coach',
    scale: 'above',
    employees: [180, 260],
    isKey: true,
    grade: 2,
    licences: ['roadTransport'],
    formerNames: ['阳城县汽车运输公司'],
  },
  {
    name: '阳城县濩泽客运有限公司',
    village: '140522100200',
    sector: 'coach',
    other: ['minibus'],
    scale: 'below',
    employees: [40, 80],
    grade: 3,
    licences: ['roadTransport'],
  },
  {
    name: '阳城县城乡公共交通有限公司',
    village: '140522100001',
    sector: 'coach',
    scale: 'above',
    employees: [120, 200],
    grade: 3,
    licences: ['roadTransport'],
  },
  {
    name: '阳城县皇城旅游客运有限公司',
    village: '140522101213',
    sector: 'tourist_bus',
    scale: 'below',
    employees: [30, 60],
    isKey: true,
    grade: 3,
    licences: ['roadTransport'],
  },
  {
    name: '阳城县晋阳危险货物运输有限公司',
    village: '140522108201',
    sector: 'dangerous_goods_transport',
    scale: 'above',
    employees: [90, 150],
    isKey: true,
    grade: 2,
    licences: ['roadTransport'],
  },
  {
    name: '阳城县安顺危货运输有限公司',
    village: '140522400002',
    sector: 'dangerous_goods_transport',
    scale: 'below',
    employees: [40, 70],
    isKey: true,
    grade: 3,
    licences: ['roadTransport'],
  },
  {
    name: '阳城县煤炭运销物流有限公司',
    village: '140522102228',
    sector: 'freight',
    other: ['warehousing_logistics'],
    scale: 'above',
    employees: [100, 180],
    grade: 3,
    licences: ['roadTransport'],
  },
  {
    name: '阳城县顺达汽车租赁有限公司',
    village: '140522111200',
    sector: 'minibus',
    scale: 'below',
    employees: [4, 10],
    licences: ['roadTransport'],
  },
  {
    name: '阳城县鑫达货运有限公司',
    village: '140522103200',
    sector: 'freight',
    scale: 'below',
    employees: [20, 45],
    licences: ['roadTransport'],
  },

  // Metallurgy and industry & trade (16)
  {
    name: '阳城县晋阳冶炼铸造有限公司',
    village: '140522102200',
    sector: 'metal_smelting',
    scale: 'above',
    employees: [200, 320],
    isKey: true,
    grade: 3,
  },
  {
    name: '阳城县华鑫硅铁有限公司',
    village: '140522109200',
    sector: 'metal_smelting',
    scale: 'above',
    employees: [150, 240],
    isKey: true,
    grade: 3,
  },
  {
    name: '阳城县恒通铸业有限公司',
    village: '140522109201',
    sector: 'metal_smelting',
    scale: 'below',
    employees: [40, 80],
  },
  {
    name: '阳城县犁镜铸造有限公司',
    village: '140522105210',
    sector: 'metal_smelting',
    scale: 'below',
    employees: [15, 30],
  },
  {
    name: '阳城县晋鑫镁粉有限公司',
    village: '140522400003',
    sector: 'dust_explosion',
    other: ['metal_smelting'],
    scale: 'above',
    employees: [60, 110],
    isKey: true,
    grade: 3,
  },
  {
    name: '阳城县金穗面粉有限公司',
    village: '140522100220',
    sector: 'dust_explosion',
    scale: 'below',
    employees: [25, 45],
    grade: 3,
  },
  {
    name: '阳城县鑫磊木业有限公司',
    village: '140522111210',
    sector: 'dust_explosion',
    scale: 'below',
    employees: [15, 35],
  },
  {
    name: '阳城县润泽饲料有限公司',
    village: '140522202200',
    sector: 'dust_explosion',
    scale: 'below',
    employees: [20, 40],
  },
  {
    name: '阳城县康乐冷链食品有限公司',
    village: '140522400002',
    sector: 'ammonia_refrigeration',
    scale: 'above',
    employees: [80, 140],
    isKey: true,
    grade: 3,
  },
  {
    name: '阳城县晋工煤机制造有限公司',
    village: '140522400001',
    sector: 'machinery',
    scale: 'above',
    employees: [150, 260],
    grade: 3,
  },
  {
    name: '阳城县凤南机械制造有限公司',
    village: '140522100200',
    sector: 'machinery',
    scale: 'below',
    employees: [30, 60],
  },
  {
    name: '阳城县凤凰水泥有限公司',
    village: '140522103215',
    sector: 'building_materials',
    scale: 'above',
    employees: [180, 280],
    grade: 3,
  },
  {
    name: '阳城县瑞阳陶瓷有限公司',
    village: '140522101220',
    sector: 'building_materials',
    scale: 'below',
    employees: [40, 90],
  },
  {
    name: '阳城县晋蚕丝绸有限公司',
    village: '140522107212',
    sector: 'metallurgy_industry_trade',
    scale: 'below',
    employees: [40, 90],
  },
  {
    name: '阳城县琉璃法花工艺品有限公司',
    village: '140522111205',
    sector: 'metallurgy_industry_trade',
    scale: 'below',
    employees: [8, 20],
  },
  {
    name: '阳城县北留洗煤有限公司',
    village: '140522101220',
    sector: 'metallurgy_industry_trade',
    other: ['dust_explosion'],
    scale: 'above',
    employees: [60, 120],
    grade: 3,
  },

  // Crowded places, hospitals, schools, heritage and tourism (24)
  {
    name: '阳城县仁和医院有限公司',
    village: '140522100001',
    sector: 'hospital',
    other: ['high_rise'],
    scale: 'above',
    employees: [200, 320],
    isKey: true,
    licences: ['medical'],
  },
  {
    name: '阳城县妇幼保健院',
    village: '140522100002',
    sector: 'hospital',
    scale: 'above',
    employees: [150, 240],
    isKey: true,
    institution: true,
    licences: ['medical'],
  },
  {
    name: '阳城县润城镇卫生院',
    village: '140522102200',
    sector: 'hospital',
    scale: 'below',
    employees: [30, 50],
    institution: true,
    licences: ['medical'],
  },
  {
    name: '阳城县东冶镇卫生院',
    village: '140522109200',
    sector: 'hospital',
    scale: 'below',
    employees: [20, 40],
    institution: true,
    licences: ['medical'],
  },
  {
    name: '阳城县凤栖大酒店有限公司',
    village: '140522100001',
    sector: 'crowded_places',
    other: ['high_rise'],
    scale: 'above',
    employees: [80, 140],
    isKey: true,
    licences: ['fireCheck'],
  },
  {
    name: '阳城县濩泽宾馆有限公司',
    village: '140522100200',
    sector: 'crowded_places',
    scale: 'below',
    employees: [30, 60],
    licences: ['fireCheck'],
  },
  {
    name: '阳城县凤城商贸城有限公司',
    village: '140522100002',
    sector: 'crowded_places',
    scale: 'above',
    employees: [60, 120],
    isKey: true,
    licences: ['fireCheck'],
  },
  {
    name: '阳城县新天地购物广场有限公司',
    village: '140522400001',
    sector: 'crowded_places',
    other: ['high_rise'],
    scale: 'above',
    employees: [90, 160],
    isKey: true,
    licences: ['fireCheck'],
  },
  {
    name: '阳城县星光KTV娱乐有限公司',
    village: '140522100001',
    sector: 'crowded_places',
    scale: 'below',
    employees: [15, 30],
    licences: ['fireCheck'],
  },
  {
    name: '阳城县凤城影城有限公司',
    village: '140522100265',
    sector: 'crowded_places',
    scale: 'below',
    employees: [12, 25],
    licences: ['fireCheck'],
  },
  {
    name: '阳城县社会福利院',
    village: '140522100265',
    sector: 'crowded_places',
    scale: 'below',
    employees: [20, 40],
    isKey: true,
    institution: true,
  },
  {
    name: '阳城县濩泽国际商务大厦物业管理有限公司',
    village: '140522100002',
    sector: 'high_rise',
    scale: 'below',
    employees: [20, 40],
    isKey: true,
  },
  {
    name: '阳城县南关小吃城',
    village: '140522100200',
    sector: 'nine_small_places',
    scale: 'below',
    employees: [5, 15],
  },
  {
    name: '阳城县惠民便利超市',
    village: '140522102001',
    sector: 'nine_small_places',
    scale: 'below',
    employees: [3, 8],
  },
  {
    name: '阳城县北留镇悦来客栈',
    village: '140522101214',
    sector: 'nine_small_places',
    scale: 'below',
    employees: [3, 8],
  },
  {
    name: '阳城县润城镇老街饭店',
    village: '140522102200',
    sector: 'nine_small_places',
    scale: 'below',
    employees: [4, 10],
  },
  {
    name: '阳城县町店镇便民网吧',
    village: '140522103200',
    sector: 'nine_small_places',
    scale: 'below',
    employees: [2, 5],
  },
  {
    name: '阳城县皇城相府景区管理有限公司',
    village: '140522101213',
    sector: 'tourism',
    other: ['heritage_building', 'crowded_places'],
    scale: 'above',
    employees: [260, 400],
    isKey: true,
    grade: 3,
    licences: ['fireCheck'],
  },
  {
    name: '阳城县郭峪古城旅游开发有限公司',
    village: '140522101214',
    sector: 'tourism',
    other: ['heritage_building'],
    scale: 'below',
    employees: [40, 80],
    isKey: true,
  },
  {
    name: '阳城县天官王府旅游有限公司',
    village: '140522102214',
    sector: 'tourism',
    other: ['heritage_building'],
    scale: 'below',
    employees: [60, 110],
    isKey: true,
  },
  {
    name: '阳城县蟒河生态旅游有限公司',
    village: '140522108215',
    sector: 'tourism',
    other: ['forest_fire'],
    scale: 'below',
    employees: [50, 90],
    isKey: true,
  },
  {
    name: '阳城县海会寺文物保管所',
    village: '140522101200',
    sector: 'heritage_building',
    scale: 'below',
    employees: [5, 12],
    institution: true,
  },
  {
    name: '阳城县育才实验学校',
    village: '140522100265',
    sector: 'school',
    other: ['crowded_places'],
    scale: 'above',
    employees: [120, 200],
    isKey: true,
    licences: ['schooling'],
  },
  {
    name: '阳城县启明校外培训学校有限公司',
    village: '140522100002',
    sector: 'school',
    scale: 'below',
    employees: [8, 20],
    licences: ['schooling'],
  },
  {
    name: '阳城县凤城职业技术学校',
    village: '140522400001',
    sector: 'school',
    scale: 'above',
    employees: [90, 150],
    institution: true,
  },
  {
    name: '阳城县寺头乡中心学校',
    village: '140522201200',
    sector: 'school',
    scale: 'below',
    employees: [30, 50],
    institution: true,
  },

  // Other sectors
  {
    name: '阳城县董封水库管理所',
    village: '140522205200',
    sector: 'reservoir',
    scale: 'below',
    employees: [10, 20],
    isKey: true,
    institution: true,
  },
  {
    name: '阳城县安达电梯工程有限公司',
    village: '140522100002',
    sector: 'special_equipment',
    scale: 'below',
    employees: [15, 30],
    licences: ['specialEquipment'],
  },
  {
    name: '阳城县凤城集中供热有限公司',
    village: '140522400003',
    sector: 'special_equipment',
    scale: 'above',
    employees: [90, 150],
    isKey: true,
    grade: 3,
  },
  {
    name: '阳城县濩泽物流园有限公司',
    village: '140522400002',
    sector: 'warehousing_logistics',
    scale: 'above',
    employees: [80, 150],
  },
  {
    name: '阳城县顺通快递分拨中心有限公司',
    village: '140522400003',
    sector: 'warehousing_logistics',
    scale: 'below',
    employees: [30, 60],
  },
  {
    name: '阳城县粮食储备库',
    village: '140522103200',
    sector: 'warehousing_logistics',
    other: ['dust_explosion'],
    scale: 'below',
    employees: [15, 30],
    institution: true,
  },
  {
    name: '山西晋阳煤层气输气有限公司阳城分输站',
    village: '140522201205',
    sector: 'oil_gas_pipeline',
    scale: 'below',
    employees: [10, 20],
    isKey: true,
  },
  {
    name: '阳城县丰收农机专业合作社',
    village: '140522105226',
    sector: 'farm_machinery',
    scale: 'below',
    employees: [6, 15],
  },
  {
    name: '阳城县惠农农机服务专业合作社',
    village: '140522106200',
    sector: 'farm_machinery',
    scale: 'below',
    employees: [5, 12],
  },
  {
    name: '阳城县析城山国有林场',
    village: '140522106205',
    sector: 'forest_fire',
    scale: 'below',
    employees: [20, 40],
    isKey: true,
    institution: true,
  },
];

// ---------------------------------------------------------------------------------------------------------
// Placement

const VILLAGE_KIND_SET = new Set(['village', 'community']);

class Places {
  private readonly byCode: Map<string, RegionRow>;
  private readonly villages: RegionRow[];

  constructor(regions: readonly RegionRow[]) {
    this.byCode = new Map(regions.map((r) => [r.code, r]));
    this.villages = regions.filter((r) => VILLAGE_KIND_SET.has(r.kind));
    if (this.villages.length === 0) throw new Error('demoEnterprises: the regions have no village or community');
  }

  /** The village with this code; else one of the same township; else a fixed pick among all villages. */
  village(code: string): RegionRow {
    const exact = this.byCode.get(code);
    if (exact !== undefined && VILLAGE_KIND_SET.has(exact.kind)) return exact;
    const sameTownship = this.villages.find((v) => v.code.slice(0, 9) === code.slice(0, 9));
    if (sameTownship !== undefined) return sameTownship;
    let h = 0;
    for (const ch of code) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    const any = this.villages[h % this.villages.length];
    if (any === undefined) throw new Error('unreachable');
    return any;
  }

  /** The nearest coordinates up the tree (village, township, county). */
  centre(region: RegionRow): { lng: number; lat: number } {
    let r: RegionRow | undefined = region;
    for (let depth = 0; r !== undefined && depth < 5; depth++) {
      if (r.lng !== null && r.lat !== null) return { lng: r.lng, lat: r.lat };
      r = r.parentCode === null ? undefined : this.byCode.get(r.parentCode);
    }
    throw new Error(`demoEnterprises: no coordinates for region ${region.code} or its parents`);
  }

  township(region: RegionRow): RegionRow | undefined {
    return region.parentCode === null ? undefined : this.byCode.get(region.parentCode);
  }
}

function address(r: Rng, places: Places, village: RegionRow): string {
  const township = places.township(village);
  const prefix = `山西省晋城市阳城县${township?.name ?? ''}${village.name}`;
  if (village.kind === 'community') return `${prefix}${r.pick(TOWN_STREETS)}${r.int(1, 360)}号`;
  return `${prefix}${r.int(1, 120)}号`;
}

const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

// ---------------------------------------------------------------------------------------------------------

/**
 * The demo enterprises, placed in the given regions. The first is `阳城县凤鸣煤业有限公司`, a coal mine in a
 * village of 凤城镇 (with the default regions). Licence and standardization expiry dates are relative to `now`.
 */
export function demoEnterprises(regions: readonly RegionRow[], now: Date): DemoEnterprise[] {
  const places = new Places(regions);
  const usedCodes = new Set<string>();
  let licenceSeq = 0;

  return TEMPLATES.map((t, index) => {
    const r = new Rng(0x140522 + index * 7919);

    let creditCode = '';
    do {
      let org = 'MA';
      for (let i = 0; i < 7; i++) org += r.pick([...CREDIT_CODE_CHARSET]);
      creditCode = completeCreditCode(`${t.institution === true ? '12' : '91'}140522${org}`);
    } while (usedCodes.has(creditCode));
    usedCodes.add(creditCode);

    const village = places.village(t.village);
    const centre = t.at ?? places.centre(village);
    const spread = t.at === undefined ? 0.006 : 0.004;
    const lng = round6(centre.lng + (r.next() * 2 - 1) * spread);
    const lat = round6(centre.lat + (r.next() * 2 - 1) * spread);

    const licences = (t.licences ?? []).map((kind): DemoLicence => {
      const def = LICENCES[kind];
      const offset = licenceOffsetDays(licenceSeq++, r);
      const expiry = isoDate(now, offset);
      const issuedYear = Number(expiry.slice(0, 4)) - def.years;
      return { type: def.type, number: def.number(r, issuedYear), expiry };
    });

    const grade = t.grade ?? null;
    const standardizationExpiry =
      grade === null ? null : isoDate(now, index % 17 === 5 ? r.int(5, 28) : r.int(60, 1000));

    const hasMajorHazard = t.hasMajorHazard ?? false;
    const [minEmployees, maxEmployees] = t.employees;
    return {
      creditCode,
      name: t.name,
      formerNames: t.formerNames ?? [],
      address: address(r, places, village),
      regionCode: village.code,
      lng,
      lat,
      primarySector: t.sector,
      otherSectors: t.other ?? [],
      scale: t.scale,
      employees: r.int(minEmployees, maxEmployees),
      principalName: personName(r),
      principalPhone: mobile(r),
      safetyManagerName: personName(r),
      safetyManagerPhone: mobile(r),
      isKey: (t.isKey ?? false) || hasMajorHazard,
      hasMajorHazard,
      standardizationGrade: grade,
      standardizationExpiry,
      licences,
      status: t.status ?? 'operating',
    };
  });
}
