/**
 * Built-in checklist templates and quiz questions, seeded by migration 0004 (the county edits and extends them
 * through the API; built-in rows are never deleted, a new version supersedes them).
 *
 * Templates: the common management items every enterprise answers (安全生产法 2021 §4, §21, §25, §27–§28, §41,
 * §44–§45, §81) plus the sector's own items; coal mines, chemicals and combustible dust carry the major-hazard
 * criteria of their catalogs (应急管理部令第4号; 安监总管三〔2017〕121号; 应急管理部令第10号 §11) taken from
 * `core/hazards/catalogs.ts`, so a "not compliant" answer makes a major hazard with that basis.
 */
import { MAJOR_HAZARD_CATALOG_ITEMS } from '../../../core/hazards/catalogs.js';
import type { ChecklistItemRow } from '../../platform/db/schema.js';

const LAW = '《中华人民共和国安全生产法》(2021)';

function item(key: string, text: string, basis: string, category = 'management'): ChecklistItemRow {
  return { key, text, basis, level: 'general', catalogItemCode: null, category };
}

/** The management items every template starts with. */
const COMMON: ChecklistItemRow[] = [
  item('mgmt-01', '建立健全并落实全员安全生产责任制，主要负责人履行法定职责', `${LAW} 第四条、第二十一条`),
  item('mgmt-02', '按规定设置安全生产管理机构或配备专职安全生产管理人员', `${LAW} 第二十四条`),
  item('mgmt-03', '主要负责人和安全生产管理人员具备相应安全知识和管理能力（按规定考核合格）', `${LAW} 第二十七条`),
  item('mgmt-04', '从业人员经安全生产教育和培训合格后上岗，培训档案完整', `${LAW} 第二十八条`),
  item('mgmt-05', '特种作业人员持证上岗', `${LAW} 第三十条`),
  item(
    'mgmt-06',
    '建立安全风险分级管控和隐患排查治理双重预防机制，隐患排查治理情况如实记录并通报',
    `${LAW} 第四十一条`,
  ),
  item('mgmt-07', '为从业人员提供符合标准的劳动防护用品并监督正确佩戴使用', `${LAW} 第四十五条`, 'occupational_health'),
  item('mgmt-08', '制定生产安全事故应急救援预案并定期组织演练', `${LAW} 第八十一条`, 'emergency'),
  item('mgmt-09', '安全设备经常性维护、保养和定期检测，记录完整', `${LAW} 第三十六条`, 'equipment'),
];

function catalogItems(prefix: string): ChecklistItemRow[] {
  return MAJOR_HAZARD_CATALOG_ITEMS.filter((i) => i.code.startsWith(prefix)).map((i) => ({
    key: i.code,
    text: i.textZh,
    basis: i.basis,
    level: 'major' as const,
    catalogItemCode: i.code,
    category: 'management',
  }));
}

export interface BuiltinTemplate {
  code: string;
  sector: string;
  title: string;
  basis: string;
  items: ChecklistItemRow[];
}

export const BUILTIN_TEMPLATES: readonly BuiltinTemplate[] = [
  {
    code: 'coal-mine',
    sector: 'coal_mine',
    title: '煤矿安全监督检查表',
    basis: '《煤矿安全规程》；应急管理部令第4号《煤矿重大事故隐患判定标准》',
    items: [
      ...COMMON,
      item(
        'coal-gas-01',
        '瓦斯检查员按规定巡回检查，瓦斯检查记录、手册、牌板三对口',
        '《煤矿安全规程》第一百八十条',
        'operation',
      ),
      item(
        'coal-mon-01',
        '安全监控系统传感器安设位置、报警断电值符合规定，定期调校',
        '《煤矿安全规程》第四百九十二条、第四百九十八条',
        'equipment',
      ),
      item(
        'coal-ppl-01',
        '入井人员随身携带自救器、标识卡和矿灯，人员位置监测系统正常运行',
        '《煤矿安全规程》第九条',
        'operation',
      ),
      item(
        'coal-wat-01',
        '探放水"预测预报、有疑必探、先探后掘、先治后采"落实到位',
        '《煤矿防治水细则》第三条',
        'environment',
      ),
      ...catalogItems('coal-'),
    ],
  },
  {
    code: 'hazardous-chemicals',
    sector: 'hazardous_chemicals',
    title: '危险化学品企业安全监督检查表',
    basis: '《危险化学品安全管理条例》；安监总管三〔2017〕121号',
    items: [
      ...COMMON,
      item(
        'chem-op-01',
        '特殊作业（动火、受限空间等）按规定审批，作业票证齐全',
        'GB 30871-2022《危险化学品企业特殊作业安全规范》',
        'operation',
      ),
      item(
        'chem-st-01',
        '危险化学品储存场所、储存方式和储存数量符合国家标准',
        '《危险化学品安全管理条例》第二十四条',
        'environment',
      ),
      ...catalogItems('chem-'),
    ],
  },
  {
    code: 'filling-station',
    sector: 'filling_station',
    title: '加油站安全监督检查表',
    basis: 'GB 50156《汽车加油加气加氢站技术标准》',
    items: [
      ...COMMON,
      item('fs-01', '卸油作业有专人监护，静电接地装置完好', 'GB 50156 相关条款', 'operation'),
      item('fs-02', '加油区严禁烟火标志齐全，灭火器材配置合格', '《中华人民共和国消防法》第十六条', 'fire'),
    ],
  },
  {
    code: 'dust-explosion',
    sector: 'dust_explosion',
    title: '粉尘涉爆企业安全监督检查表',
    basis: '《工贸企业粉尘防爆安全规定》(应急管理部令第6号)；应急管理部令第10号',
    items: [
      ...COMMON,
      item('dust-01', '按规定及时规范清理作业场所积尘，清扫记录完整', '应急管理部令第6号 第十六条', 'environment'),
      ...catalogItems('it-dust-'),
    ],
  },
  {
    code: 'non-coal-mine',
    sector: 'non_coal_mine',
    title: '非煤矿山安全监督检查表',
    basis: '《金属非金属矿山安全规程》GB 16423',
    items: [
      ...COMMON,
      item('ncm-01', '边坡、排土场、尾矿库按规定监测，监测数据真实有效', 'GB 16423 相关条款', 'environment'),
      item('ncm-02', '爆破作业由持证人员按爆破设计实施', '《民用爆炸物品安全管理条例》第三十五条', 'operation'),
    ],
  },
  {
    code: 'construction',
    sector: 'construction',
    title: '建筑施工安全监督检查表',
    basis: '《建设工程安全生产管理条例》',
    items: [
      ...COMMON,
      item(
        'con-01',
        '危险性较大的分部分项工程编制专项施工方案并按规定论证',
        '《建设工程安全生产管理条例》第二十六条',
        'management',
      ),
      item(
        'con-02',
        '临边、洞口防护到位，高处作业人员正确使用安全带',
        'JGJ 80《建筑施工高处作业安全技术规范》',
        'operation',
      ),
    ],
  },
];

export interface BuiltinQuestion {
  sector: string;
  type: 'single' | 'multiple' | 'true_false';
  stem: string;
  options?: { key: string; text: string }[];
  answer: string | string[] | boolean;
  basis: string;
}

const abcd = (a: string, b: string, c: string, d: string) => [
  { key: 'A', text: a },
  { key: 'B', text: b },
  { key: 'C', text: c },
  { key: 'D', text: d },
];

/** The bank: `general` (every enterprise) and sector questions. */
export const BUILTIN_QUESTIONS: readonly BuiltinQuestion[] = [
  {
    sector: 'general',
    type: 'single',
    stem: '生产经营单位的（ ）是本单位安全生产第一责任人，对本单位的安全生产工作全面负责。',
    options: abcd('主要负责人', '安全生产管理人员', '分管安全的负责人', '班组长'),
    answer: 'A',
    basis: `${LAW} 第五条`,
  },
  {
    sector: 'general',
    type: 'multiple',
    stem: '生产经营单位的主要负责人对本单位安全生产工作负有的职责包括（ ）。',
    options: abcd(
      '建立健全并落实本单位全员安全生产责任制',
      '组织制定并实施本单位安全生产教育和培训计划',
      '组织制定并实施本单位的生产安全事故应急救援预案',
      '决定本单位职工的工资标准',
    ),
    answer: ['A', 'B', 'C'],
    basis: `${LAW} 第二十一条`,
  },
  {
    sector: 'general',
    type: 'true_false',
    stem: '从业人员发现直接危及人身安全的紧急情况时，有权停止作业或者在采取可能的应急措施后撤离作业场所。',
    answer: true,
    basis: `${LAW} 第五十五条`,
  },
  {
    sector: 'general',
    type: 'single',
    stem: '特种作业人员必须按照国家有关规定经专门的安全作业培训，取得（ ），方可上岗作业。',
    options: abcd('相应资格', '学历证书', '健康证明', '单位推荐信'),
    answer: 'A',
    basis: `${LAW} 第三十条`,
  },
  {
    sector: 'general',
    type: 'true_false',
    stem: '生产经营单位应当建立安全风险分级管控制度，按照安全风险分级采取相应的管控措施。',
    answer: true,
    basis: `${LAW} 第四十一条`,
  },
  {
    sector: 'general',
    type: 'single',
    stem: '事故隐患排查治理情况应当如实记录，并通过职工大会或者职工代表大会、信息公示栏等方式向（ ）通报。',
    options: abcd('从业人员', '社会公众', '上级公司', '新闻媒体'),
    answer: 'A',
    basis: `${LAW} 第四十一条`,
  },
  {
    sector: 'general',
    type: 'single',
    stem: '生产经营单位发生生产安全事故后，事故现场有关人员应当立即报告（ ）。',
    options: abcd('本单位负责人', '当地派出所', '新闻媒体', '保险公司'),
    answer: 'A',
    basis: `${LAW} 第八十三条`,
  },
  {
    sector: 'general',
    type: 'single',
    stem: '事故发生后，单位负责人接到报告后，应当于（ ）内向事故发生地县级以上人民政府应急管理部门和负有安全生产监督管理职责的有关部门报告。',
    options: abcd('1小时', '2小时', '12小时', '24小时'),
    answer: 'A',
    basis: '《生产安全事故报告和调查处理条例》(国务院令第493号) 第九条',
  },
  {
    sector: 'general',
    type: 'true_false',
    stem: '生产经营单位可以继续使用国家明令淘汰、禁止使用的危及生产安全的工艺、设备，只要加强管理即可。',
    answer: false,
    basis: `${LAW} 第三十八条`,
  },
  {
    sector: 'general',
    type: 'multiple',
    stem: '下列属于"三违"行为的是（ ）。',
    options: abcd('违章指挥', '违章作业', '违反劳动纪律', '违反财务报销制度'),
    answer: ['A', 'B', 'C'],
    basis: `${LAW} 第五十七条（从业人员应当遵守本单位的安全生产规章制度和操作规程）`,
  },
  {
    sector: 'general',
    type: 'true_false',
    stem: '生产经营单位应当制定本单位生产安全事故应急救援预案，并定期组织演练。',
    answer: true,
    basis: `${LAW} 第八十一条`,
  },
  {
    sector: 'general',
    type: 'true_false',
    stem: '生产经营单位必须为从业人员提供符合国家标准或者行业标准的劳动防护用品，并监督、教育从业人员按照使用规则佩戴、使用。',
    answer: true,
    basis: `${LAW} 第四十五条`,
  },
  {
    sector: 'coal_mine',
    type: 'single',
    stem: '采掘工作面及其他作业地点风流中甲烷浓度达到（ ）时，必须停止用电钻打眼。',
    options: abcd('1.0%', '0.5%', '1.5%', '2.0%'),
    answer: 'A',
    basis: '《煤矿安全规程》第一百七十二条',
  },
  {
    sector: 'coal_mine',
    type: 'true_false',
    stem: '煤矿超能力、超强度或者超定员组织生产，属于煤矿重大事故隐患。',
    answer: true,
    basis: '应急管理部令第4号《煤矿重大事故隐患判定标准》第三条、第四条',
  },
  {
    sector: 'coal_mine',
    type: 'true_false',
    stem: '瓦斯检查存在漏检、假检情况的，应当判定为"瓦斯超限作业"重大事故隐患。',
    answer: true,
    basis: '应急管理部令第4号《煤矿重大事故隐患判定标准》第五条',
  },
  {
    sector: 'coal_mine',
    type: 'single',
    stem: '入井人员必须随身携带（ ）。',
    options: abcd('自救器、标识卡和矿灯', '手机和充电宝', '打火机', '化纤外套'),
    answer: 'A',
    basis: '《煤矿安全规程》第九条',
  },
  {
    sector: 'coal_mine',
    type: 'multiple',
    stem: '下列情形属于煤矿重大事故隐患的是（ ）。',
    options: abcd('瓦斯超限作业', '通风系统不完善、不可靠', '超层越界开采', '职工食堂未取得卫生许可'),
    answer: ['A', 'B', 'C'],
    basis: '应急管理部令第4号《煤矿重大事故隐患判定标准》第三条',
  },
  {
    sector: 'coal_mine',
    type: 'true_false',
    stem: '安全监控系统传感器被破坏或者不能正常运行、超限时不能报警断电的，属于重大事故隐患。',
    answer: true,
    basis: '应急管理部令第4号《煤矿重大事故隐患判定标准》第七条',
  },
  {
    sector: 'hazardous_chemicals',
    type: 'true_false',
    stem: '危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格，属于重大生产安全事故隐患。',
    answer: true,
    basis: '安监总管三〔2017〕121号 第一项',
  },
  {
    sector: 'hazardous_chemicals',
    type: 'single',
    stem: '涉及重点监管危险化工工艺的装置未实现自动化控制、系统未实现紧急停车功能的，应当判定为（ ）。',
    options: abcd('重大生产安全事故隐患', '一般事故隐患', '不构成隐患', '环境保护问题'),
    answer: 'A',
    basis: '安监总管三〔2017〕121号 第四项',
  },
  {
    sector: 'hazardous_chemicals',
    type: 'true_false',
    stem: '特种作业人员未持证上岗，属于化工和危险化学品生产经营单位重大生产安全事故隐患。',
    answer: true,
    basis: '安监总管三〔2017〕121号 第二项',
  },
];
