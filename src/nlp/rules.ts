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
  /** Chinese terms (Simplified; regular-expression source, matched anywhere). */
  zh: readonly string[];
  /** English patterns (regular-expression source, matched on word boundaries, lower case). */
  en: readonly string[];
}

/** Injury, fire, explosion, poisoning, death: severity major. */
export const HARM: Lexicon = {
  zh: [
    '受伤', '受了伤', '炸伤', '烫伤', '烧伤', '割伤', '划伤', '砸伤', '摔伤', '咬伤', '撞伤', '扭伤', '伤口', '划破', '骨折', '摔断', '流血', '出血', '缝了', '缝针',
    '住院(?!费|押金|理赔|保险|津贴|报销|证明)', '送医', '送到医院', '进了医院', '进医院', '急诊', '抢救', 'icu', '重症', '叫了?救护车', '叫了120', '打了120', '打120',
    '死亡', '身亡', '去世', '丧命', '致死', '猝死', '遇难', '出人命', '人命',
    '起火', '着火', '失火', '火灾', '走火', '烧起来', '烧毁', '烧光', '烧到', '烫到', '自燃', '爆炸', '炸开', '爆胎', '电亲', '口子', '流鼻血', '跌倒', '断药', '救命',
    '中毒', '一氧化碳', '触电', '被电了', '电到', '电击', '窒息', '噎到', '昏迷', '晕倒', '休克', '呼吸困难', '上吐下泻', '溃烂', '水泡', '红肿', '淤青', '瘀青', '擦伤', '脑震荡', '溺水', '打到脸', '打到头', '崩了一角',
  ],
  en: [
    'injur(?:y|ies|ed|ing)', 'hurt', 'wounded', 'burn(?:s|ed|t)?', 'got (?:a |an )?(?:electric )?shock', 'needed stitches', 'scald(?:s|ed)?', 'bleed(?:s|ing)?', 'blood', 'stitches', 'fractur\\w*', 'broken (?:arm|leg|bone|wrist|ankle|rib|nose|hand|finger|toe)s?',
    '(?:to|in|at) (?:the )?hospital', 'hospitali[sz]ed', 'emergency room', 'called (?:an |911|for an )ambulance', 'ambulance (?:came|took)', 'icu',
    '(?:he|she|they|who|patient|passenger|child|baby|kid|man|woman|person|people|dog|cat|father|mother|dad|mom|son|daughter|husband|wife) (?:\\w+ )?died', 'died (?:from|of|after|because)', 'killed', 'fatal(?:ity|ities|ly)?', 'lost (?:his|her|their) li(?:fe|ves)',
    'fire', 'caught fire', 'on fire', 'flames?', 'explod\\w*', 'explosion', 'blew up', 'burst',
    'poison\\w*', 'carbon monoxide', 'electrocut\\w*', 'electric(?:al)? shock', 'chok(?:ed|ing)', 'suffocat\\w*', 'unconscious', 'passed out', 'fainted', 'allergic reaction', 'anaphyla\\w*', 'epipen', "(?:couldn'?t|can'?t|cannot|unable to) (?:call|reach|text) 911", '911 (?:text |call )?service', 'medical alert', 'life support', 'oxygen (?:machine|concentrator)',
    'bruis\\w*', 'concussion', 'sprain\\w*', 'a (?:deep )?cut (?:on|to|in)', 'drown\\w*', 'shatter(?:ed|s|ing)',
  ],
};

/** Hazards without (yet) harm: route to safety; the safety floor then makes them important. */
export const HAZARD: Lexicon = {
  zh: [
    '安全隐患', '隐患', '危险', '冒烟', '烟雾', '焦味', '烧焦', '漏电', '漏气', '燃气泄漏', '煤气', '漏水到电', '短路', '过热', '发烫', '烫手',
    '刹车失灵', '刹不住', '刹车', '制动', '溜车', '失灵', '失控', '方向盘锁死', '锁死', '熄火', '自己加速', '暴冲', '气囊', '安全带', '鼓包', '发热',
    '断裂', '快断', '松动', '脱落', '坍塌', '倒塌', '塌了', '裂缝', '裂纹', '掉下来', '砸到', '砸中', '砸坏', '跌落', '摔下', '电线', '裸露', '麻手', '消防', '喷淋', '灭火器', '逃生', '安全出口', '召回',
    '锋利', '尖锐', '割手', '误食', '吞下', '儿童锁', '燃气', '异味', '刺鼻', '针头', '缝衣针',
    '变质', '发霉', '过期', '异物', '虫子', '玻璃碴', '玻璃渣', '碎玻璃', '钢丝', '铁丝', '钉子', '刀片', '有毒', '超标', '甲醛', '致癌', '违禁', '过敏', '发烧', '头晕', '恶心想吐', '往下掉', '掉落', '坠落', '高空坠物', '飞出来', '急停', '火花', '爆裂', '呕吐', '腹泻', '拉肚子', '吐了', '想吐', '发软变形', '膨胀', '霉',
    '困在电梯', '电梯困人', '困人', '被困', '困住', '困咗', '卡住了', '夹到', '夹伤', '摔倒', '滑倒', '绊倒', '差点撞', '差点被砸', '差点摔', '差点出事', '差点酿成', '差点翻',
  ],
  en: [
    'hazard\\w*', 'danger\\w*', 'unsafe', 'safety (?:issue|problem|hazard|risk|concern)s?', 'smok(?:e|ed|ing)', 'sparks?', 'burning smell', 'overheat\\w*', 'melt(?:ed|ing)', 'short circuit', 'gas leak', 'leaking gas',
    'brakes?', 'steering', 'lost (?:steering|power)', 'stall(?:ed|s|ing)', 'airbags?', 'seat ?belts?', 'tread separat\\w*', 'blow ?out', 'tip[- ]over', 'recalled', 'recall (?:notice|list|campaign)', '(?:safety|airbag|vehicle|product|manufacturer) recall',
    '(?:got|get|getting) (?:a )?shock', 'shocked me', 'exposed wir\\w*', 'live wires?', 'wiring', 'hot to the touch', 'scalding', 'fumes', 'smell(?:s|ed)? (?:of |like )?gas', 'jagged', 'sharp (?:edges?|metal)', 'needles?', 'nails? sticking',
    'snapped', 'crash(?:ed|es)?', 'fell (?:down|over|off|from|on)', '(?:already |has |have |had )fell', 'flew (?:off|open|up)', 'stuck (?:in|between)', 'gas (?:tank|valve|line|pipe|pump|sprayed)', 'hissing', '(?:on|onto|hit) my (?:foot|head|hand|leg|arm|face)', 'cut out', 'choking hazard', 'child[- ]?(?:proof|safe)', 'sprinklers?', 'fire (?:exit|alarm|extinguisher|door)s?', 'smoke (?:alarm|detector)s?', 'swallow\\w*', 'broken glass', 'wires?','collaps\\w*', 'fell (?:off|on)', 'mold', 'mould', 'expired', 'spoiled', 'rotten', 'contaminat\\w*', 'foreign object', 'glass in', 'toxic',
    'food poisoning', 'vomit\\w*', 'diarrh\\w*', 'threw up', '(?:got|get|getting|fell|became) (?:very )?(?:sick|ill)', 'made (?:me|us|him|her|them|my \\w+) (?:very )?sick', 'rash', 'trapped', 'sucked (?:in|into|against)', 'headaches?', 'swell\\w*', 'stuck in the elevator', 'tripped', 'slipped', 'almost (?:hit|crashed|fell)', 'nearly (?:hit|crashed|fell)',
  ],
};

/** Many people affected: severity major. Numbers of people are checked separately (MANY_PEOPLE_MIN). */
export const MANY_AFFECTED: Lexicon = {
  zh: [
    '(?<!这么|那么|咁|好)多人(?!面前|面)', '好多人', '许多人', '好几个人', '大批', '大量用户', '成千上万', '几十个', '几十户', '几十家', '几十名',
    '整栋楼', '整栋', '整个小区', '全小区', '小区业主', '全体业主', '业主们', '整个村', '全村', '整个村子', '全县', '全市', '整个园区', '全公司', '整个公司', '所有用户', '所有业主', '所有人',
    '集体', '联名', '大面积', '团购', '车主群', '好几家', '好几户', '好多居民', '一堆人', '全县', '全区', '整个县', '整个区',
  ],
  en: [
    'many (?:people|customers|residents|families|users|neighbou?rs|tenants|consumers|victims)', '(?:several|multiple|lots of|a lot of|so many) (?:people|customers|residents|families|users|tenants)',
    'dozens of', 'hundreds of', 'thousands of', 'millions of', '(?:whole|entire) (?:county|district|region|state|area|country)', 'across the (?:whole |entire )?(?:city|county|region|area|state|country)', 'school district', 'businesses (?:couldn|can)', '(?:entire|whole) (?:building|neighbou?rhood|street|town|block|community|office|company|village|city|apartment complex)',
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
  en: ['idiots?', 'stupid', 'morons?', 'fu+ck\\w*', 'fk', 'wtf', 'shit\\w*', 'bitch\\w*', 'bastards?', 'assholes?', 'damn you', 'go to hell', 'screw you', 'kill you', 'hurt you', 'burn (?:it|your \\w+|the \\w+) down', "you(?:'| wi)ll regret"],
};

/** Self-harm and despair: highRisk (and the agent should follow the self-harm procedure). */
export const SELF_HARM: Lexicon = {
  zh: ['不想活', '不要活', '不活了', '活不下去', '活着没意思', '想死', '去死算了', '自杀', '轻生', '跳楼', '跳河', '割腕', '寻死', '结束生命', '一死了之', '死给你们看', '同归于尽', '撑不下去', '没法活'],
  en: ['kill(?:ing)? myself', 'suicid\\w*', 'end (?:my|it) (?:life|all)', "(?:don'?t|do not) want to (?:live|be alive)", 'want to die', 'take my (?:own )?life', 'hurt(?:ing)? myself', 'self[- ]harm', 'no reason to live', 'better off dead'],
};

/** Words that cancel a harm match when they come just before it (没受伤, no one was hurt). */
const ZH_NEGATION = /(?:没人|没有人|无人|没|没有|未|无|不会|不曾|别|差点|差一点|险些|几乎|万一|如果|要是|会不会|以免|防止|真)$/;
const EN_NEGATION = /(?:\bno\b|\bnot\b|n't|\bnobody\b|\bno one\b|\bnever\b|\bwithout\b|\balmost\b|\bnearly\b|\bcould have\b|\bcould\b|\bmight\b|\bif\b|\brisk of\b)(?:\s+\w+){0,2}\s*$/;

/** The lexicons scanned together, in priority order (a span matched by two lexicons counts for the first). */
const LEXICONS = { harm: HARM, selfHarm: SELF_HARM, abuse: ABUSE, hazard: HAZARD, many: MANY_AFFECTED, threat: THREAT, anger: ANGER } as const;
type LexiconName = keyof typeof LEXICONS;
const LEXICON_NAMES = Object.keys(LEXICONS) as LexiconName[];

/**
 * English: all lexicons as one regular expression, one capture group per lexicon, so a text is
 * scanned once; the terms share one word-boundary check and one first-character check, so most
 * positions fail at once. (Trying per-word candidate lists instead measured no faster.)
 */
function combinedEnglish(): RegExp {
  const groups = LEXICON_NAMES.map((n) => `(${LEXICONS[n].en.join('|') || '(?!)'})`).join('|');
  const re = new RegExp(`(?<![a-z])(?=[a-z0-9])(?:${groups})(?![a-z])`, 'g');
  const captures = (new RegExp(`${re.source}|`).exec('') as RegExpExecArray).length - 1;
  if (captures !== LEXICON_NAMES.length) throw new Error('rules: an English lexicon term has a capturing group; use (?:…)');
  return re;
}

const EN_LEXICONS = combinedEnglish();

/**
 * Chinese: most terms are plain strings, found through an index by first character (a regular
 * expression with hundreds of alternatives tries each one at every position); the few terms with
 * regular-expression syntax (look-arounds, optional characters) go through one small expression.
 */
const ZH_LITERAL = /^[^\\()[\]{}?*+.|^$]+$/;
const ZH_INDEX = (() => {
  const index = new Map<number, { term: string; name: LexiconName }[]>();
  for (const name of LEXICON_NAMES) {
    for (const term of LEXICONS[name].zh) {
      if (!ZH_LITERAL.test(term)) continue;
      const list = index.get(term.charCodeAt(0)) ?? [];
      list.push({ term, name });
      index.set(term.charCodeAt(0), list);
    }
  }
  // longest first, so 食物中毒 wins over 中毒 at the same position
  for (const list of index.values()) list.sort((a, b) => b.term.length - a.term.length);
  return index;
})();
const ZH_PATTERN_TERMS = LEXICON_NAMES.map((n) => LEXICONS[n].zh.filter((t) => !ZH_LITERAL.test(t)));
const ZH_PATTERNS = new RegExp(ZH_PATTERN_TERMS.map((terms) => `(${terms.join('|') || '(?!)'})`).join('|'), 'g');
/** A literal piece every pattern term needs (the characters before its first operator): the patterns run only when one is present. */
const ZH_PATTERN_ANCHORS = ZH_PATTERN_TERMS.flat().map((term) => {
  const t = term.replace(/^\(\?<[!=][^)]*\)/, '');
  const prefix = (/^[^\\()[\]{}?*+.|^$]*/.exec(t) as RegExpExecArray)[0];
  // a quantifier after the prefix makes its last character optional
  return '?*{'.includes(t[prefix.length] ?? '') ? prefix.slice(0, -1) : prefix;
});

const MAX_EVIDENCE = 5;
const HAS_LATIN_RE = /[a-z]/;
const HAS_HAN_RE = /\p{Script=Han}/u;

type LexiconHits = Record<LexiconName, string[]> & { nearHarm: string[] };

function addHit(out: LexiconHits, text: string, name: LexiconName, word: string, index: number): void {
  let list = out[name];
  if (name === 'harm') {
    const before = text.slice(Math.max(0, index - 24), index);
    if (ZH_NEGATION.test(before) || EN_NEGATION.test(before)) list = out.nearHarm;
  }
  if (list.length < MAX_EVIDENCE && !list.includes(word)) list.push(word);
}

function scanRegex(out: LexiconHits, text: string, re: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let g = 1;
    while (g < m.length && m[g] === undefined) g++;
    addHit(out, text, LEXICON_NAMES[g - 1] as LexiconName, m[0], m.index);
  }
}

/** Matches of every lexicon; harm right after a negation or "nearly" goes to `nearHarm`. */
function scanLexicons(text: string): LexiconHits {
  const out: LexiconHits = { harm: [], selfHarm: [], abuse: [], hazard: [], many: [], threat: [], anger: [], nearHarm: [] };
  if (HAS_LATIN_RE.test(text)) scanRegex(out, text, EN_LEXICONS);
  if (HAS_HAN_RE.test(text)) {
    for (let i = 0; i < text.length; ) {
      const candidates = ZH_INDEX.get(text.charCodeAt(i));
      let advance = 1;
      if (candidates) {
        for (const c of candidates) {
          if (text.startsWith(c.term, i)) {
            addHit(out, text, c.name, c.term, i);
            advance = c.term.length;
            break;
          }
        }
      }
      i += advance;
    }
    if (ZH_PATTERN_ANCHORS.some((a) => a === '' || text.includes(a))) scanRegex(out, text, ZH_PATTERNS);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Numbers of people

/** A stated number of people at least this large counts as "many people affected". */
export const MANY_PEOPLE_MIN = 5;

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
  PEOPLE_RE.lastIndex = 0;
  for (let m = PEOPLE_RE.exec(text); m !== null; m = PEOPLE_RE.exec(text)) {
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

/**
 * Amounts (in each currency) from which a complaint is at least important / major. Set from the
 * severities of the project's own examples per amount band (see nlp-models/DATA_CARD.md); an amount is
 * the largest one mentioned, which may be a price rather than the sum in dispute.
 */
export const AMOUNT_THRESHOLDS: Readonly<Record<Currency, { important: number; major: number }>> = {
  CNY: { important: 5_000, major: 50_000 },
  HKD: { important: 5_000, major: 50_000 },
  TWD: { important: 10_000, major: 200_000 },
  USD: { important: 1_000, major: 10_000 },
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
    `(nt\\$|us\\$|hk\\$|rmb|cny|usd|twd|hkd|[¥$€£])\\s?\\{?\\s?(\\d+(?:,\\d{3})*(?:\\.\\d+)?)(?:\\s?(万|k|m|million|thousand)(?![a-z]))?`,
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
// Detection (once per text) and application

/** What the lexicons and parsers found in a text. */
export interface Findings {
  harm: string[];
  /** Harm words after a negation or "nearly" (没受伤, 差点着火): a hazard, not harm. */
  nearHarm: string[];
  hazard: string[];
  many: string[];
  threat: string[];
  /** The highest severity implied by an amount (general when none is large). */
  amountLevel: Severity;
  amountEvidence: string[];
  selfHarm: string[];
  abuse: string[];
  anger: string[];
}

export const NO_FINDINGS: Readonly<Findings> = Object.freeze({
  harm: [],
  nearHarm: [],
  hazard: [],
  many: [],
  threat: [],
  amountLevel: 'general',
  amountEvidence: [],
  selfHarm: [],
  abuse: [],
  anger: [],
});

/** Run every lexicon and the amount parser over normalised text. */
export function detect(text: string, traditional = false): Findings {
  if (!text) return { ...NO_FINDINGS };
  const hits = scanLexicons(text);
  let amountLevel: Severity = 'general';
  const amountEvidence: string[] = [];
  for (const a of findAmounts(text, traditional)) {
    const t = AMOUNT_THRESHOLDS[a.currency];
    const level: Severity = a.value >= t.major ? 'major' : a.value >= t.important ? 'important' : 'general';
    if (level === 'general') continue;
    amountLevel = maxSeverity(amountLevel, level);
    if (amountEvidence.length < MAX_EVIDENCE) amountEvidence.push(`${a.text} (${a.currency} ${a.value})`);
  }
  return {
    harm: hits.harm,
    nearHarm: hits.nearHarm,
    hazard: hits.hazard,
    many: [...hits.many, ...manyPeople(text)].slice(0, MAX_EVIDENCE),
    threat: hits.threat,
    amountLevel,
    amountEvidence,
    selfHarm: hits.selfHarm,
    abuse: hits.abuse,
    anger: hits.anger,
  };
}

/**
 * The findings as extra tokens for the models (`!harm`, `!amount_major`…), so the severity model can
 * weigh them against the rest of the text; the rules still apply afterwards.
 */
export function signalTokens(f: Findings): string[] {
  const out: string[] = [];
  if (f.harm.length) out.push('!harm');
  if (f.nearHarm.length || f.hazard.length) out.push('!hazard');
  if (f.many.length) out.push('!many');
  if (f.threat.length) out.push('!threat');
  if (f.amountLevel !== 'general') out.push(`!amount_${f.amountLevel}`);
  if (f.selfHarm.length || f.abuse.length || f.anger.length) out.push('!risk');
  return out;
}

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
  /** detect(text, traditional), when already computed. */
  findings?: Findings;
}

export interface RuleOutcome {
  category: Category;
  severity: Severity;
  highRisk: boolean;
  reasons: ClassificationReason[];
}

/**
 * Raise severity to at least `to`, recording the rule. A rule that fires records itself even when
 * severity is already as high (agents see the evidence); a rule without evidence (safety floor,
 * repeat) records itself only when it raises.
 */
function raise(state: { severity: Severity; reasons: ClassificationReason[] }, rule: string, to: Severity, evidence: string[]): void {
  const next = maxSeverity(state.severity, to);
  if (SEVERITY_RANK[next] > SEVERITY_RANK[state.severity]) {
    state.reasons.push({ rule, effect: `severity ${state.severity}→${next}`, evidence });
    state.severity = next;
  } else if (evidence.length) {
    state.reasons.push({ rule, effect: `severity ${state.severity} (already ≥ ${to})`, evidence });
  }
}

/**
 * Apply the rules in a fixed order. Severity only goes up (each raise records `severity a→b`);
 * highRisk is set by any risk lexicon; the category changes only to route harm or hazards to safety.
 */
export function applyRules(input: RuleInput): RuleOutcome {
  const f = input.findings ?? detect(input.text, input.traditional);
  const reasons: ClassificationReason[] = [];
  let category = input.category;
  const state = { severity: input.severity, reasons };

  if (category !== 'safety') {
    const p = input.safetyProbability;
    const hazard = [...f.nearHarm, ...f.hazard].slice(0, MAX_EVIDENCE);
    const byHarm = f.harm.length > 0 && p >= SAFETY_ROUTING_MIN_PROBABILITY.harm;
    if (byHarm || (hazard.length > 0 && p >= SAFETY_ROUTING_MIN_PROBABILITY.hazard)) {
      reasons.push({ rule: 'category.safety_hazard', effect: `category ${category}→safety`, evidence: byHarm ? f.harm : hazard });
      category = 'safety';
    }
  }
  if (category === 'safety') raise(state, 'severity.safety_floor', 'important', []);
  if (f.harm.length) raise(state, 'severity.harm', 'major', f.harm);
  if (f.many.length) raise(state, 'severity.many_affected', 'major', f.many);
  if (f.threat.length) raise(state, 'severity.threat', 'important', f.threat);
  if (f.amountLevel !== 'general') raise(state, 'severity.large_amount', f.amountLevel, f.amountEvidence);
  if (f.selfHarm.length) raise(state, 'severity.self_harm', 'major', f.selfHarm);
  if (input.isRepeat) raise(state, 'severity.repeat', raiseSeverity(state.severity), []);
  const severity = state.severity;

  let highRisk = false;
  for (const [rule, evidence] of [
    ['risk.self_harm', f.selfHarm],
    ['risk.abuse', f.abuse],
    ['risk.anger', f.anger],
  ] as const) {
    if (evidence.length) {
      reasons.push({ rule, effect: 'highRisk', evidence: [...evidence] });
      highRisk = true;
    }
  }
  return { category, severity, highRisk, reasons };
}
