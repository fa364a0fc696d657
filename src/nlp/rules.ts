/**
 * The rule layer of DESIGN §2: severity rules that can only raise the model's severity, risk lexicons
 * that set highRisk, and one routing rule that sends hazards to `safety`. Every firing is recorded as a
 * ClassificationReason (`rule`, `effect`, `evidence`: the matched words, never the whole text) so
 * agents see why a ticket is urgent.
 *
 * Rules read normalised text (see normalizeText: lower case, Simplified characters), so the Chinese
 * lexicons are written once, in Simplified; Traditional input is matched after conversion. Lexicons
 * and thresholds are data (exported constants) so a deployment can review them.
 */
import type { ClassificationReason } from '../domain/classification';
import { type Category, maxSeverity, raiseSeverity, type Severity, SEVERITY_RANK } from '../domain/taxonomy';

// ---------------------------------------------------------------------------------------------
// Lexicons

export interface Lexicon {
  /** Chinese terms (Simplified, matched as substrings). */
  zh: readonly string[];
  /** English patterns (regular-expression source, matched on word boundaries, lower case). */
  en: readonly string[];
}

/** Injury, fire, explosion, poisoning, death: severity major. */
export const HARM: Lexicon = {
  zh: [
    '受伤', '受了伤', '炸伤', '烫伤', '烧伤', '割伤', '划伤', '砸伤', '摔伤', '咬伤', '撞伤', '扭伤', '伤口', '划破', '骨折', '摔断', '流血', '出血', '缝了', '缝针',
    '住院', '送医', '送到医院', '进了医院', '进医院', '急诊', '抢救', 'icu', '重症', '救护车', '叫了120', '打了120', '打120',
    '死亡', '身亡', '去世', '丧命', '致死', '猝死', '遇难', '出人命', '人命',
    '起火', '着火', '失火', '火灾', '烧起来', '烧毁', '自燃', '火花', '爆炸', '炸开', '爆裂', '爆胎',
    '中毒', '一氧化碳', '触电', '被电了', '电到', '电击', '窒息', '噎到', '昏迷', '晕倒', '休克', '呼吸困难', '上吐下泻', '溃烂', '水泡',
  ],
  en: [
    'injur(?:y|ies|ed|ing)', 'hurt', 'wounded', 'burn(?:s|ed|t)', 'scald(?:s|ed)?', 'bleed(?:s|ing)?', 'blood', 'stitches', 'fractur\\w*', 'broken (?:arm|leg|bone|wrist|ankle|rib|nose|hand|finger|toe)s?',
    '(?:to|in|at) (?:the )?hospital', 'hospitali[sz]ed', 'emergency room', 'ambulance', 'icu',
    'died', 'death', 'dead', 'killed', 'fatal\\w*',
    'fire', 'caught fire', 'on fire', 'flames?', 'explod\\w*', 'explosion', 'blew up', 'burst',
    'poison\\w*', 'carbon monoxide', 'electrocut\\w*', 'electric(?:al)? shock', 'chok(?:ed|ing)', 'suffocat\\w*', 'unconscious', 'passed out', 'fainted', 'allergic reaction', 'anaphyla\\w*',
  ],
};

/** Hazards without (yet) harm: route to safety; the safety floor then makes them important. */
export const HAZARD: Lexicon = {
  zh: [
    '安全隐患', '隐患', '危险', '冒烟', '烟雾', '焦味', '烧焦', '漏电', '漏气', '燃气泄漏', '煤气', '漏水到电', '短路', '过热', '发烫', '烫手',
    '刹车失灵', '刹不住', '失灵', '方向盘锁死', '锁死', '熄火', '自己加速', '暴冲', '断裂', '脱落', '坍塌', '倒塌', '裂缝', '掉下来', '砸到', '砸坏',
    '变质', '发霉', '过期', '异物', '虫子', '玻璃碴', '钢丝', '有毒', '超标', '甲醛', '致癌', '违禁', '过敏', '呕吐', '腹泻', '拉肚子', '发烧', '头晕', '恶心想吐',
    '困在电梯', '电梯困人', '困人', '被困', '卡住了', '夹到', '夹伤', '摔倒', '滑倒', '绊倒', '差点撞', '差点被砸', '差点摔', '差点出事', '差点酿成', '差点翻',
  ],
  en: [
    'hazard\\w*', 'danger\\w*', 'unsafe', 'safety (?:issue|problem|hazard|risk|concern)s?', 'smok(?:e|ed|ing)', 'sparks?', 'burning smell', 'overheat\\w*', 'melt(?:ed|ing)', 'short circuit', 'gas leak', 'leaking gas',
    'brakes? (?:failed|failure|fail)', 'lost (?:steering|brakes)', 'safety recall', 'collaps\\w*', 'fell (?:off|on)', 'mold', 'mould', 'expired', 'spoiled', 'rotten', 'contaminat\\w*', 'foreign object', 'glass in', 'toxic',
    'vomit\\w*', 'diarrh\\w*', 'food poisoning', 'rash', 'trapped', 'stuck in the elevator', 'tripped', 'slipped', 'almost (?:hit|crashed|fell)', 'nearly (?:hit|crashed|fell)',
  ],
};

/** Many people affected: severity major. Numbers of people are checked separately (MANY_PEOPLE_MIN). */
export const MANY_AFFECTED: Lexicon = {
  zh: [
    '多人', '很多人', '好多人', '许多人', '好几个人', '大批', '大量用户', '上百', '几百', '数百', '上千', '几千', '数千', '成千上万', '几十个', '几十户', '几十家', '几十名',
    '整栋楼', '整栋', '整个小区', '全小区', '小区业主', '全体业主', '业主们', '整个村', '全村', '整个村子', '全县', '全市', '整个园区', '全公司', '整个公司', '所有用户', '所有业主', '所有人',
    '集体', '联名', '大面积', '团购', '车主群', '好几家', '好几户',
  ],
  en: [
    'many (?:people|customers|residents|families|users|neighbou?rs|tenants|consumers|victims)', '(?:several|multiple|lots of|a lot of|so many) (?:people|customers|residents|families|users|tenants)',
    'dozens of', 'hundreds of', 'thousands of', 'millions of', '(?:entire|whole) (?:building|neighbou?rhood|street|town|block|community|office|company|village|city|apartment complex)',
    'everyone in (?:the|our|my)', 'all (?:the )?(?:residents|tenants|customers|neighbou?rs|users|employees)', 'class action', 'other (?:customers|victims|consumers) (?:too|as well|have)',
  ],
};

/** Threats to go to the media, a regulator, 12315 or court: severity at least important. */
export const THREAT: Lexicon = {
  zh: [
    '媒体', '曝光', '记者', '电视台', '报社', '上新闻', '新闻', '发到网上', '发网上', '微博', '抖音', '小红书', '网上公开',
    '12315', '12345', '12365', '12321', '消协', '消费者协会', '消保官', '消保处', '消基会', '消委会', '工商局', '市场监管', '监管部门', '监管局', '银保监', '金管会', '证监会', '通管局', '通信管理局', '工信部', '主管机关', '教育局', '卫生局', '卫健委', '环保局', '住建局', '民航局', '交通局',
    '起诉', '告你们', '告到', '上诉', '法院', '打官司', '律师', '律师函', '仲裁', '报警', '报案', '警察', '公安', '派出所', '维权', '投诉到', '举报',
  ],
  en: [
    'media', 'press', 'news(?:paper)?', 'reporters?', 'journalists?', 'tv station', 'social media', 'twitter', 'facebook', 'tiktok', 'go public', 'post (?:it|this|about it) online',
    'regulators?', 'regulatory', 'ftc', 'fcc', 'cfpb', 'consumer financial protection bureau', 'bbb', 'better business bureau', 'attorney general', 'ombudsman', 'state (?:agency|board|regulator)', 'department of (?:consumer|insurance|financial)',
    'lawyers?', 'attorneys?', 'sue', 'suing', 'lawsuit', 'legal action', 'court', 'small claims', 'arbitration', 'police', 'report(?:ed)? (?:it|this|you) to',
  ],
};

/** Anger: highRisk. */
export const ANGER: Lexicon = {
  zh: ['气死', '气炸', '受够了', '忍无可忍', '太过分', '欺人太甚', '愤怒', '火大', '恶心', '垃圾', '骗子', '无良', '黑心', '奸商', '骗钱', '坑人', '什么玩意', '岂有此理', '崩溃', '抓狂', '无耻', '不要脸', '吃相难看'],
  en: ['furious', 'outraged', 'livid', 'enraged', 'fed up', 'sick and tired', 'disgust\\w*', 'pathetic', 'scam(?:s|mers?)?', 'crooks?', 'thie(?:f|ves)', 'fraudsters?', 'shameful', 'shameless', 'unbelievable', 'absolutely ridiculous', 'worst (?:company|service|bank|experience)'],
};

/** Abuse and threats of violence against staff: highRisk. */
export const ABUSE: Lexicon = {
  zh: ['傻逼', '傻b', '煞笔', '操你', '草你', '他妈的', '妈的', '你妈', '狗东西', '王八蛋', '混蛋', '畜生', '去死', '滚蛋', '废物', '智障', '脑残', '白痴', '贱人', '弄死你', '砍死', '打死你', '杀了你', '炸了你们', '报复你们', '走着瞧'],
  en: ['idiots?', 'stupid', 'morons?', 'f+u+c+k\\w*', 'fk', 'wtf', 'shit\\w*', 'bitch\\w*', 'bastards?', 'assholes?', 'damn you', 'go to hell', 'screw you', 'kill you', 'hurt you', 'burn (?:it|your \\w+|the \\w+) down', "you(?:'| wi)ll regret"],
};

/** Self-harm and despair: highRisk (and the agent should follow the self-harm procedure). */
export const SELF_HARM: Lexicon = {
  zh: ['不想活', '活不下去', '活着没意思', '想死', '去死算了', '自杀', '轻生', '跳楼', '跳河', '割腕', '寻死', '结束生命', '一死了之', '死给你们看', '同归于尽', '撑不下去', '没法活'],
  en: ['kill(?:ing)? myself', 'suicid\\w*', 'end (?:my|it) (?:life|all)', "(?:don'?t|do not) want to (?:live|be alive)", 'want to die', 'take my (?:own )?life', 'hurt(?:ing)? myself', 'self[- ]harm', 'no reason to live', 'better off dead'],
};

/** Words that cancel a harm match when they come just before it (没受伤, no one was hurt). */
const ZH_NEGATION = /(?:没|没有|未|无|不会|不曾|别)$/;
const EN_NEGATION = /(?:\bno\b|\bnot\b|n't|\bnobody\b|\bno one\b|\bnever\b|\bwithout\b)(?:\s+\w+){0,2}\s*$/;

interface CompiledLexicon {
  re: RegExp;
}

function compile(lexicon: Lexicon): CompiledLexicon {
  const zh = lexicon.zh.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const en = lexicon.en.map((p) => `(?<![a-z])(?:${p})(?![a-z])`);
  return { re: new RegExp([...en, ...zh].join('|'), 'g') };
}

const C_HARM = compile(HARM);
const C_HAZARD = compile(HAZARD);
const C_MANY = compile(MANY_AFFECTED);
const C_THREAT = compile(THREAT);
const C_ANGER = compile(ANGER);
const C_ABUSE = compile(ABUSE);
const C_SELF_HARM = compile(SELF_HARM);

const MAX_EVIDENCE = 5;

function find(text: string, lexicon: CompiledLexicon, negatable = false): string[] {
  lexicon.re.lastIndex = 0;
  if (!lexicon.re.test(text)) return [];
  const out = new Set<string>();
  for (const m of text.matchAll(lexicon.re)) {
    if (negatable) {
      const before = text.slice(Math.max(0, m.index - 24), m.index);
      if (ZH_NEGATION.test(before) || EN_NEGATION.test(before)) continue;
    }
    out.add(m[0]);
    if (out.size >= MAX_EVIDENCE) break;
  }
  return [...out];
}

// ---------------------------------------------------------------------------------------------
// Numbers of people

/** A stated number of people at least this large counts as "many people affected". */
export const MANY_PEOPLE_MIN = 10;

const CN_DIGIT: Readonly<Record<string, number>> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNIT: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

/** 三十 → 30, 二十几 → 21, 两百 → 200, 十 → 10, 几 → 2 (the least that "several" means). */
export function parseChineseNumber(s: string): number | undefined {
  if (!s) return undefined;
  let total = 0;
  let digit = -1;
  for (const c of s) {
    if (c === '几') {
      digit = digit < 0 ? (total > 0 ? 1 : 2) : digit;
      continue;
    }
    const d = CN_DIGIT[c];
    if (d !== undefined) {
      digit = d;
      continue;
    }
    const u = CN_UNIT[c];
    if (u === undefined) return undefined;
    total += (digit < 0 ? 1 : digit) * u;
    digit = -1;
  }
  if (digit >= 0) total += digit;
  return total;
}

const PEOPLE_RE = /(\d+|[零〇一二两三四五六七八九十百千几]+)\s?(?:多|几|余)?\s?(?:个|位|户|家|名|口)?\s?(人|户|家|业主|居民|用户|车主|孩子|小孩|学生|工人|员工|投资人|村民|家长|企业|住户|老人|乘客|顾客|客户)(?!民币)|\b(\d{2,}|dozens|hundreds|thousands) (?:of )?(?:other )?(people|customers|residents|families|households|users|employees|tenants|consumers|victims|units|homes)\b/g;

function manyPeople(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PEOPLE_RE)) {
    const raw = m[1] ?? m[3] ?? '';
    const n = /^\d+$/.test(raw) ? Number(raw) : /^[a-z]+$/.test(raw) ? 100 : parseChineseNumber(raw);
    // 家 after a number is a family/company count; 一家四口 is one family
    if (n !== undefined && n >= MANY_PEOPLE_MIN) out.push(m[0]);
    if (out.length >= MAX_EVIDENCE) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Amounts

export type Currency = 'CNY' | 'HKD' | 'TWD' | 'USD';

/** Amounts (in each currency) from which a complaint is at least important / major. */
export const AMOUNT_THRESHOLDS: Readonly<Record<Currency, { important: number; major: number }>> = {
  CNY: { important: 10_000, major: 50_000 },
  HKD: { important: 10_000, major: 50_000 },
  TWD: { important: 40_000, major: 200_000 },
  USD: { important: 1_500, major: 7_500 },
};

export interface Amount {
  value: number;
  currency: Currency;
  text: string;
}

const NOT_MONEY_AFTER = '(?!\\s?(?:公里|千米|km|里|步|次|人|户|个|张|条|件|名|字|粉|册|台|辆|元素))';
const AMOUNT_RE = new RegExp(
  [
    // 1: prefix currency, 2: number, 3: multiplier
    `(nt\\$|us\\$|hk\\$|rmb|cny|usd|twd|hkd|[¥$€£])\\s?\\{?\\s?(\\d[\\d,]*(?:\\.\\d+)?)\\s?(万|k|m|million|thousand)?`,
    // 4: number, 5: 万 + optional thousands digit (3万8), 6: suffix currency
    `(\\d+(?:\\.\\d+)?)\\s?(?:(万)(\\d(?!\\d))?|千)?\\s?(元|块|人民币|美元|美金|新台币|台币|港币|港元|dollars?|bucks)`,
    `(\\d+(?:\\.\\d+)?)\\s?万(\\d(?!\\d))?${NOT_MONEY_AFTER}`,
    // Chinese numerals before 万 or 千元: 十几万, 六十多万, 两千块
    `([零〇一二两三四五六七八九十百千几]+)(?:多|几|余)?(万|千)(?:多|几|余)?${NOT_MONEY_AFTER}`,
  ].join('|'),
  'g',
);

function currencyOf(marker: string | undefined, traditional: boolean, hasHan: boolean): Currency {
  switch (marker) {
    case 'nt$':
    case 'twd':
    case '新台币':
    case '台币':
      return 'TWD';
    case 'hk$':
    case 'hkd':
    case '港币':
    case '港元':
      return 'HKD';
    case 'us$':
    case 'usd':
    case '美元':
    case '美金':
    case 'dollars':
    case 'dollar':
    case 'bucks':
    case '€':
    case '£':
      return 'USD';
    case '$':
      return hasHan ? (traditional ? 'HKD' : 'CNY') : 'USD';
    default:
      return traditional ? 'TWD' : 'CNY';
  }
}

/** Money amounts in normalised text; unmarked 元/万 are TWD in Traditional text, CNY otherwise. */
export function findAmounts(text: string, traditional = false): Amount[] {
  if (!/[\d万千]/.test(text)) return [];
  const hasHan = /\p{Script=Han}/u.test(text);
  const out: Amount[] = [];
  for (const m of text.matchAll(AMOUNT_RE)) {
    let value: number | undefined;
    let marker: string | undefined;
    if (m[2] !== undefined) {
      marker = m[1];
      value = Number(m[2].replace(/,/g, ''));
      const mult = m[3];
      if (mult === '万') value *= 10_000;
      else if (mult === 'k' || mult === 'thousand') value *= 1_000;
      else if (mult === 'm' || mult === 'million') value *= 1_000_000;
    } else if (m[4] !== undefined) {
      marker = m[7];
      value = Number(m[4]);
      if (m[5] === '万') value = value * 10_000 + Number(m[6] ?? 0) * 1_000;
      else if (m[0].includes('千')) value *= 1_000;
    } else if (m[8] !== undefined) {
      value = Number(m[8]) * 10_000 + Number(m[9] ?? 0) * 1_000;
    } else if (m[10] !== undefined) {
      const n = parseChineseNumber(m[10]);
      if (n !== undefined) value = n * (m[11] === '万' ? 10_000 : 1_000);
    }
    if (value === undefined || !Number.isFinite(value) || value <= 0) continue;
    out.push({ value, currency: currencyOf(marker, traditional, hasHan), text: m[0].trim() });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Applying the rules

/**
 * Minimum model probability of `safety` for harm words (injury, fire…) or hazard words (smoke,
 * brake failure…) to route a ticket to safety: harm also appears in other complaints (a debt
 * collector's call that put a parent in hospital), so the model must at least consider safety.
 */
export const SAFETY_ROUTING_MIN_PROBABILITY: Readonly<{ harm: number; hazard: number }> = { harm: 0.05, hazard: 0.15 };

export interface RuleInput {
  /** normalizeText output. */
  text: string;
  /** The input was written in Traditional characters (decides the currency of unmarked amounts). */
  traditional: boolean;
  category: Category;
  severity: Severity;
  /** The model's probability of `safety` (for routing hazards). */
  safetyProbability: number;
  isRepeat?: boolean;
}

export interface RuleOutcome {
  category: Category;
  severity: Severity;
  highRisk: boolean;
  reasons: ClassificationReason[];
}

/**
 * Apply the rules in a fixed order. Severity only goes up (each raise records `severity a→b`);
 * highRisk is set by any risk lexicon; the category changes only to route harm or hazards to safety.
 */
export function applyRules(input: RuleInput): RuleOutcome {
  const { text } = input;
  const reasons: ClassificationReason[] = [];
  let category = input.category;
  let severity = input.severity;
  const raise = (rule: string, to: Severity, evidence: string[]) => {
    const next = maxSeverity(severity, to);
    if (SEVERITY_RANK[next] > SEVERITY_RANK[severity]) {
      reasons.push({ rule, effect: `severity ${severity}→${next}`, evidence });
      severity = next;
    }
  };

  const harm = text ? find(text, C_HARM, true) : [];
  if (category !== 'safety') {
    const p = input.safetyProbability;
    const hazard = harm.length === 0 && p >= SAFETY_ROUTING_MIN_PROBABILITY.hazard && text ? find(text, C_HAZARD) : [];
    if ((harm.length > 0 && p >= SAFETY_ROUTING_MIN_PROBABILITY.harm) || hazard.length > 0) {
      reasons.push({ rule: 'category.safety_hazard', effect: `category ${category}→safety`, evidence: harm.length ? harm : hazard });
      category = 'safety';
    }
  }
  if (category === 'safety') raise('severity.safety_floor', 'important', []);
  if (harm.length) raise('severity.harm', 'major', harm);
  if (text) {
    const many = [...find(text, C_MANY), ...manyPeople(text)].slice(0, MAX_EVIDENCE);
    if (many.length) raise('severity.many_affected', 'major', many);
    const threat = find(text, C_THREAT);
    if (threat.length) raise('severity.threat', 'important', threat);
    let amountLevel: Severity = 'general';
    const amountEvidence: string[] = [];
    for (const a of findAmounts(text, input.traditional)) {
      const t = AMOUNT_THRESHOLDS[a.currency];
      const level: Severity = a.value >= t.major ? 'major' : a.value >= t.important ? 'important' : 'general';
      if (level !== 'general') {
        amountLevel = maxSeverity(amountLevel, level);
        if (amountEvidence.length < MAX_EVIDENCE) amountEvidence.push(`${a.text} (${a.currency} ${a.value})`);
      }
    }
    if (amountLevel !== 'general') raise('severity.large_amount', amountLevel, amountEvidence);
  }
  if (input.isRepeat) raise('severity.repeat', raiseSeverity(severity), []);

  let highRisk = false;
  if (text) {
    for (const [rule, lexicon] of [
      ['risk.self_harm', C_SELF_HARM],
      ['risk.abuse', C_ABUSE],
      ['risk.anger', C_ANGER],
    ] as const) {
      const evidence = find(text, lexicon);
      if (evidence.length) {
        reasons.push({ rule, effect: 'highRisk', evidence });
        highRisk = true;
      }
    }
  }
  return { category, severity, highRisk, reasons };
}
