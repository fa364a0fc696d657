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

/**
 * Injury, fire, explosion, poisoning, death: severity major, unless negated or hypothetical (see
 * HARM_CANCEL). Words that also have a harmless sense carry look-arounds (`打不着火`, `fire exit`,
 * `the rice burns`).
 */
export const HARM: Lexicon = {
  zh: [
    '受伤', '受了伤', '炸伤', '烫伤', '烧伤', '割伤', '划伤', '砸伤', '摔伤', '咬伤', '撞伤', '扭伤', '打伤', '伤口', '划破', '磕破', '骨折', '摔断', '流血', '出血', '流咗血', '流咗好多血', '缝了', '缝咗', '缝针', '化脓',
    '死亡', '身亡', '去世', '丧命', '致死', '猝死', '遇难', '(?<!要|会|会不会)出人命', '人命关天',
    '起火', '(?<!打不|点不|打唔|点唔)着火', '失火', '火灾', '走火', '烧起来', '烧毁', '烧光', '(?<!发)烧到(?![0-9]|三十|四十)', '烫到(?!不|没法|无法|受不了|手都不敢)', '自燃', '爆炸', '炸开', '电亲', '口子', '流鼻血', '跌倒', '断药', '救命',
    '食物中毒', '(?<!(?:手机|电脑|系统|app|软件)(?:就|又|也|都)?)中毒', '一氧化碳中毒', '触电', '被电了', '(?<![家充来停供用断])电到', '电击', '窒息', '噎到', '昏迷', '晕倒', '休克', '呼吸困难', '喘不过气', '上吐下泻', '溃烂', '水泡', '(?<=(?:皮肤|手|脚|脸|嘴|腿|身上|发红|红了|烫得?|烫到)[^，。！？,.!?]{0,4})起泡', '红肿', '淤青', '瘀青', '擦伤', '脑震荡', '溺水', '打到脸', '打到头', '崩了一角', '推倒在地',
  ],
  en: [
    'injur(?:y|ies|ed|ing)', "(?<!(?:eyes|ears|head|back|feelings) )hurt(?! my (?:feelings|eyes|ears))", 'wounded', "burn(?:s|ed|t)? (?:on )?(?:my|his|her|their|our|your|the baby's|the child's|a child's) (?:\\w+ )?(?:hand|arm|leg|face|skin|foot|feet|finger|fingers|mouth|tongue|lap|chest|back|neck|body)s?", '(?:got|have|has|had|suffered|with|severe|serious|bad) (?:a )?(?:(?:first|second|third)[- ]degree )?burns?', 'burns? on (?:my|his|her|their|our)', 'burned (?:my|him|her|them|himself|herself|myself)',
    'got (?:a |an )?(?:electric )?shock', 'needed stitches', 'scald(?:s|ed)? (?:my|his|her|their|him|her|them)', 'bleed(?:s|ing)?', 'blood', 'stitches', 'fractur\\w*', 'whiplash',
    'broken (?:arm|leg|bone|wrist|ankle|rib|nose|hand|finger|toe|collarbone|jaw|hip|tooth|teeth|foot|feet|neck|back|skull|pelvis|elbow|shoulder|knee)s?', 'broke (?:my|his|her|their) (?:\\w+ )?(?:arm|leg|bone|wrist|ankle|rib|nose|hand|finger|toe|collarbone|jaw|hip|tooth|teeth|foot|neck|back|elbow|shoulder|knee)s?', '(?:arm|leg|wrist|ankle|nose|hand|foot|finger|toe|collarbone|jaw|hip) (?:is|was) broken',
    '(?:he|she|they|who|patient|passenger|child|baby|kid|man|woman|person|people|dog|cat|father|mother|dad|mom|son|daughter|husband|wife) (?:\\w+ )?died', 'died (?:from|of|after|because)', 'killed', 'fatal(?:ity|ities|ly)?', 'lost (?:his|her|their) li(?:fe|ves)',
    'fire(?! (?:exit|alarm|door|extinguisher|escape|hazard|risk|code|drill|department|safety|station|truck|inspector|marshal|sprinkler|rating)s?)', 'caught fire', 'on fire', 'flames?', 'explod\\w*', 'explosion', 'blew up',
    'food poisoning', 'poison\\w*', 'carbon monoxide poisoning', 'electrocut\\w*', 'electric(?:al)? shock', 'chok(?:ed|ing)(?! hazard)', 'suffocat\\w*', "(?:struggling|couldn'?t|could not|unable) to breathe", 'stopped breathing', 'unconscious', 'passed out', 'fainted', 'allergic reaction', 'anaphyla\\w*', 'epipen', 'panic attack',
    "(?:couldn'?t|can'?t|cannot|unable to) (?:call|reach|text) 911", '911 (?:text |call )?service', 'life support', 'oxygen (?:machine|concentrator)',
    "(?:he|she|they|i|we)(?:'s|'re|'m| is| are| am) (?:now |still )?in (?:the )?(?:hospital|icu)",
    'bruis\\w*', 'concussion', 'sprain\\w*', 'a (?:deep )?cut (?:on|to|in)', 'drown\\w*', 'assaulted', 'fell (?:about |almost )?(?:\\d+|two|three|four|five|six|ten) (?:feet|foot|ft|meters|metres|stories|floors)',
  ],
};

/**
 * Medical care (hospital, emergency, ambulance, surgery): harm only when the text also reports harm
 * or a hazard, or a cause comes just before the word (吃了…住院, after eating…hospital), and not when
 * the words are about bills or insurance (住院费, hospital bill). Otherwise it is only a signal for
 * the model (`!medical`): patients complain about waiting rooms too.
 */
export const MEDICAL: Lexicon = {
  zh: [
    '住院(?!费|押金|理赔|保险|津贴|报销|证明|部|处)', '送医', '送到医院', '送去医院', '送咗去医院', '进了医院', '进医院', '入院', '在医院', '去医院', '急诊', '急症室', '急症', '抢救', 'icu', '重症', '叫了?救护车', '救护车', '叫了120', '打了120', '打120', '手术', '洗胃', '打点滴', '挂急诊',
  ],
  en: [
    '(?:to|in|at|into) (?:the )?(?:hospital|er\\b|emergency room|urgent care)', 'hospitali[sz]ed', 'emergency room', 'urgent care', 'called (?:an |911|for an )ambulance', 'ambulance', 'icu', 'admitted (?:to|into) (?:the )?(?:hospital|icu|er)', '(?:was|were|been|got) admitted(?= (?:overnight|for|with|and)|[.,;])', '(?:emergency )?surgery', 'paramedics?', 'saw the (?:gp|doctor)', 'called 911', 'medical alert',
  ],
};

/** Hazards without (yet) harm: route to safety; the safety floor then makes them important. */
export const HAZARD: Lexicon = {
  zh: [
    '安全隐患', '隐患', '危险', '一氧化碳', '爆胎', '冒烟', '烟雾', '焦味', '烧焦', '漏电', '漏气', '燃气泄漏', '煤气', '漏水到电', '短路', '过热', '发烫', '烫手',
    '刹车失灵', '刹不住', '刹车', '制动', '溜车', '失灵', '失控', '方向盘锁死', '锁死', '熄火', '自己加速', '暴冲', '气囊', '安全带', '鼓包', '发热',
    '断裂', '快断', '松动', '脱落', '坍塌', '倒塌', '塌了', '裂缝', '裂纹', '掉下来', '砸到', '砸中', '砸坏', '跌落', '摔下', '电线', '裸露', '麻手', '消防', '喷淋', '灭火器', '逃生', '安全出口', '召回',
    '锋利', '尖锐', '割手', '误食', '吞下', '儿童锁', '燃气', '异味', '刺鼻', '针头', '缝衣针',
    '变质', '发霉', '过期', '异物', '虫子', '玻璃碴', '玻璃渣', '碎玻璃', '钢丝', '铁丝', '钉子', '刀片', '有毒', '超标', '甲醛', '致癌', '违禁', '过敏', '发烧', '头晕', '恶心想吐', '往下掉', '掉落', '坠落', '高空坠物', '飞出来', '急停', '火花', '爆裂', '呕吐', '腹泻', '拉肚子', '吐了', '想吐', '发软变形', '膨胀', '霉',
    '困在电梯', '电梯困人', '困人', '被困', '困住', '困咗', '卡住了', '夹到', '夹伤', '摔倒', '滑倒', '绊倒', '差点撞', '差点被砸', '差点摔', '差点出事', '差点酿成', '差点翻',
  ],
  en: [
    'hazard\\w*', 'danger\\w*', 'unsafe', 'carbon monoxide', 'burst', 'shatter(?:ed|s|ing)', 'safety (?:issue|problem|hazard|risk|concern)s?', 'smok(?:e|ed|ing)', 'sparks?', 'burning smell', 'overheat\\w*', 'melt(?:ed|ing)', 'short circuit', 'gas leak', 'leaking gas',
    'brakes?', 'steering', 'lost (?:steering|power)', 'stall(?:ed|s|ing)', 'airbags?', 'seat ?belts?', 'tread separat\\w*', 'blow ?out', 'tip[- ]over', 'recalled', 'recall (?:notice|list|campaign)', '(?:safety|airbag|vehicle|product|manufacturer) recall',
    '(?:got|get|getting) (?:a )?shock', 'shocked me', 'exposed wir\\w*', 'live wires?', 'wiring', 'hot to the touch', 'scalding', 'fumes', 'smell(?:s|ed)? (?:of |like )?gas', 'jagged', 'sharp (?:edges?|metal)', 'needles?', 'nails? sticking',
    'snapped', 'crash(?:ed|es)?', 'fell (?:down|over|off|from|on)', '(?:already |has |have |had )fell', 'flew (?:off|open|up)', 'stuck (?:in|between)', 'gas (?:tank|valve|line|pipe|pump|sprayed)', 'hissing', '(?:on|onto|hit) my (?:foot|head|hand|leg|arm|face)', 'cut out', 'choking hazard', 'child[- ]?(?:proof|safe)', 'sprinklers?', 'fire (?:exit|alarm|extinguisher|door)s?', 'smoke (?:alarm|detector)s?', 'swallow\\w*', 'broken glass', 'wires?','collaps\\w*', 'fell (?:off|on)', 'mold', 'mould', 'expired', 'spoiled', 'rotten', 'contaminat\\w*', 'foreign object', 'glass in', 'toxic',
    'food poisoning', 'vomit\\w*', 'diarrh\\w*', 'threw up', '(?:got|get|getting|fell|became) (?:very )?(?:sick|ill)', 'made (?:me|us|him|her|them|my \\w+) (?:very )?sick', 'rash', 'trapped', 'sucked (?:in|into|against)', 'headaches?', 'swell\\w*', 'stuck in the elevator', 'tripped', 'slipped', 'almost (?:hit|crashed|fell)', 'nearly (?:hit|crashed|fell)',
  ],
};

/**
 * Many people affected: severity major. Numbers of people are checked separately (MANY_PEOPLE_MIN).
 * An audience (`全公司都知道`, `所有人都看着`) or a queue (`前面还有五十多人`, `排一堆人`) is not many
 * people affected.
 */
export const MANY_AFFECTED: Lexicon = {
  zh: [
    '(?<![这那咁好一排0-9零〇一二两三四五六七八九十百千几])多人(?!面前|面|在排|排队|在等)', '许多人', '好几个人', '大批', '大量用户', '成千上万', '上千人', '上百人', '上万人', '几万人', '几千人', '几百人', '几十户', '几十家', '几十名',
    '整栋楼', '整栋', '整个单元', '整排(?:房子|住户|楼|店|商铺|邻居|居民)', '整条街', '整个社区', '全社区(?!都知道|都看)', '整个小区(?!都知道|都看|人都知道)', '全小区', '小区业主(?!群)', '全体业主', '业主们', '整个村(?!都知道|人都知道)', '全村(?!人都知道|都知道)', '整个村子', '全县', '全市', '整个园区',
    '全公司(?!都知道|人都知道|都在传)', '整个公司(?!都知道|人都知道|都在传)', '整个部门', '所有用户', '所有业主', '所有人(?!都看|都在看|都知道|都盯)',
    '集体', '联名', '大面积', '团购', '车主群', '好几家', '好几户', '好多居民', '(?<!排|后面|前面)一堆人(?!在排|排队)', '全区', '整个县', '整个区',
  ],
  en: [
    'many (?:people|customers|residents|families|users|neighbou?rs|tenants|consumers|victims|patients|homes|households)', '(?:several|multiple|lots of|a lot of|so many) (?:people|customers|residents|families|users|tenants|patients|homes|households)',
    'dozens of', 'hundreds of', 'thousands of', 'millions of', '(?:whole|entire) (?:county|district|region|state|area|country)', 'across the (?:whole |entire )?(?:city|county|region|area|state|country)', 'school district', 'businesses (?:couldn|can)', '(?:entire|whole) (?:building|neighbou?rhood|street|town|block|community|office|company|village|city|apartment complex|department|floor)',
    'everyone in (?:the|our|my)', 'all (?:the )?(?:residents|tenants|customers|neighbou?rs|users|employees|patients)', 'class action', 'other (?:customers|victims|consumers) (?:too|as well|have)', '(?:\\d+|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|dozens) of us',
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

/**
 * Signals for the model only (no rule acts on them): people who are more at risk (children, the
 * elderly), driving (with a vehicle fault it gives `!vehicle`), and serious legal or financial
 * consequences (foreclosure, credit record, frozen accounts). They help the severity model rank
 * `major` complaints that no rule catches.
 */
export const VULNERABLE: Lexicon = {
  zh: ['老人', '小孩', '孩子', '宝宝', '婴儿', '幼儿', '孕妇', '老妈', '我妈', '我爸', '老爸', '阿公', '阿嬷', '阿婆', '婆婆', '爷爷', '奶奶', '外婆', '外公', '残疾', '行动不便', '女儿', '儿子', '小朋友'],
  en: ['toddlers?', 'bab(?:y|ies)', 'infants?', 'child(?:ren)?', 'kids?', 'sons?', 'daughters?', 'elderly', 'pregnant', 'grand(?:ma|pa|mother|father|parents?)', '\\d+[- ]years?[- ]old', 'disab\\w*', 'wheelchair', 'mom', 'mother', 'dad', 'father'],
};
export const DRIVING: Lexicon = {
  zh: ['高速', '行驶', '开着', '开车', '高架', '骑车', '骑着', '过弯', '下坡'],
  en: ['highway', 'interstate', 'freeway', 'motorway', 'while (?:i was |we were |he was |she was |they were )?driving', 'on the road', '\\d+ ?mph'],
};
/** With DRIVING: a fault of the vehicle itself (`!vehicle`). */
const VEHICLE_FAULT_RE = /刹车|煞车|方向盘|失控|暴冲|自己加速|动力|熄火|爆胎|打滑|锁死|\bbrakes?\b|\bpedal\b|steering|accelerat|lost power|\btread\b|wheel came off|stall|spun out|hood flew/;
export const LEGAL_LOSS: Lexicon = {
  zh: ['征信', '逾期记录', '冻结', '通缉', '房贷被拒', '拒贷', '抓人', '起诉我', '拍卖', '断供', '失业', '丢了工作', '黑名单'],
  en: ['foreclos\\w*', 'evict\\w*', 'repossess\\w*', 'liens?', 'arrest\\w*', 'criminal record', 'lost (?:a |my |the |his |her |their )?job', 'job offer', 'bankrupt\\w*', 'frozen', 'garnish\\w*'],
};

/** Self-harm and despair: highRisk (and the agent should follow the self-harm procedure). */
export const SELF_HARM: Lexicon = {
  zh: ['不想活', '不要活', '不活了', '活不下去', '活着没意思', '想死', '去死算了', '自杀', '轻生', '跳楼', '跳河', '割腕', '寻死', '结束生命', '一死了之', '死给你们看', '同归于尽', '撑不下去', '没法活'],
  en: ['kill(?:ing)? myself', 'suicid\\w*', 'end (?:my|it) (?:life|all)', "(?:don'?t|do not) want to (?:live|be alive)", 'want to die', 'take my (?:own )?life', 'hurt(?:ing)? myself', 'self[- ]harm', 'no reason to live', 'better off dead'],
};

// ---------------------------------------------------------------------------------------------
// Context of harm words

/**
 * Negation and hypothesis before a harm or medical word make it a near miss (`nearHarm`: a hazard,
 * not harm): 没(有)受伤, 没人受伤, 差一点就起火, 不然就烧起来了, 可能会爆炸, no one was hurt, could have
 * been seriously hurt, afraid of an electrical fire, before someone gets hurt. Chinese cues may be
 * followed by up to three function characters (就, 会, 要, 被…); English cues by up to two words (four
 * after fear and risk: afraid of an electrical fire). Only the clause before the word is read (up to
 * the last punctuation).
 */
export const HARM_CANCEL = {
  zh: /(?:没有人|没人|无人|没有|没|未|无|不会|不曾|别|差点|差一点|险些|几乎|万一|如果|要是|假如|会不会|以免|防止|避免|怕|担心|可能|容易|随时|迟早|早晚|不然|否则|要不是|真)[就会要被都也给把到了点得又还再能]{0,3}$/,
  en: /(?:\bno\b|\bnot\b|n't|\bnobody\b|\bno one\b|\bnever\b|\bwithout\b|\balmost\b|\bnearly\b|\bnarrowly\b|\bcould(?: have|'ve)?\b|\bwould(?: have|'ve)\b|\bmight(?: have)?\b|\bmay\b|\bif\b|\bbefore\b|\buntil\b|\bwaiting for\b)(?:\s+[\w']+){0,2}\s*$|(?:\brisks?\b|\brisk of\b|\bafraid\b|\bworried\b|\bscared\b|\bfears?\b|\bin case\b|\bprevent\b|\bavoid\b|\bpotential(?:ly)?\b|\bpossibl[ey]\b)(?:\s+[\w']+){0,4}\s*$/,
};
/** Characters of the clause before a word that HARM_CANCEL reads. */
const CANCEL_WINDOW = { zh: 12, en: 48 };
const CLAUSE_END_RE = /[,.!?;:，。！？；：、]/;

/** A cause just before a medical word: 吃了…住院, 被撞…送医, after eating…hospital. */
export const MEDICAL_CAUSE = {
  zh: /(?:吃了|喝了|用了|吃完|喝完|用完|服用|导致|害得|害我|造成|引起|结果|吓到|吓得|气到|气得|之后|以后)[^。！？；.!?;]{0,24}$|被[^，。！？；,.!?;]{0,10}$/,
  en: /\b(?:after|from|because of|due to|caused|causing|made|sent|rushed|taken|took|ate|eaten|eating|drank|drinking|swallowed|used|using|exposed|exposure)\b[^]{0,150}$/,
};
/** Characters before a medical word where MEDICAL_CAUSE looks for a cause. */
const CAUSE_WINDOW = { zh: 30, en: 160 };
/** Bills and insurance around a medical word: not harm (住院费, 理赔住院, the ambulance bill, hospital charges). */
export const MEDICAL_BILLING = {
  zh: /费|理赔|报销|保险|保单|账单|发票|收费|claim/,
  en: /\b(?:bills?|billing|billed|invoices?|insurance|insurer|claims?|coverage|covered|charges?|charged|copay|deductible|fees?|paid|pay|payment|cost)\b/,
};
const BILLING_WINDOW = { zh: 6, en: 30 };

/** Clause before `index`, at most `window` characters. */
function clauseBefore(text: string, index: number, window: number): string {
  const from = Math.max(0, index - window);
  for (let i = index - 1; i >= from; i--) if (CLAUSE_END_RE.test(text[i] as string)) return text.slice(i + 1, index);
  return text.slice(from, index);
}

function isHan(c: number): boolean {
  return c >= 0x3400 && c <= 0x9fff;
}

function cancelled(text: string, index: number): boolean {
  return isHan(text.charCodeAt(index))
    ? HARM_CANCEL.zh.test(clauseBefore(text, index, CANCEL_WINDOW.zh))
    : HARM_CANCEL.en.test(clauseBefore(text, index, CANCEL_WINDOW.en));
}

/** The lexicons scanned together, in priority order (a span matched by two lexicons counts for the first). */
const LEXICONS = {
  harm: HARM,
  medical: MEDICAL,
  selfHarm: SELF_HARM,
  abuse: ABUSE,
  hazard: HAZARD,
  many: MANY_AFFECTED,
  threat: THREAT,
  anger: ANGER,
  vulnerable: VULNERABLE,
  driving: DRIVING,
  legal: LEGAL_LOSS,
} as const;
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
const EN_STICKY = new RegExp(EN_LEXICONS.source, 'y');

/** Index of the parenthesis closing the group that opens at `open`. */
function closingParen(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (ch === '[') {
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  throw new Error(`rules: unbalanced parentheses in ${source}`);
}

/** Top-level alternatives of a pattern. */
function alternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (ch === '[') {
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/** In a literal prefix: one or more digits. */
const DIGIT_RUN = '\u0000';

/**
 * Literal beginnings that every match of an English term has (`(?:he|she) died` → he, she;
 * `explod\w*` → explod; `\d+ of us` → '' (anything)). Conservative: a construct it does not read
 * ends the literal there.
 */
function literalPrefixes(source: string): string[] {
  const out = new Set<string>();
  const walk = (rest: string, prefix: string): void => {
    let i = 0;
    let p = prefix;
    while (i < rest.length) {
      const ch = rest[i] as string;
      if (rest.startsWith('(?<!', i) || rest.startsWith('(?<=', i) || rest.startsWith('(?=', i) || rest.startsWith('(?!', i)) {
        i = closingParen(rest, i) + 1; // zero-width: no characters
        continue;
      }
      if (rest.startsWith('(?:', i)) {
        const close = closingParen(rest, i);
        const quantifier = rest[close + 1] ?? '';
        const optional = quantifier === '?' || quantifier === '*' || rest.startsWith('{0', close + 1);
        const repeated = quantifier === '+' || quantifier === '*' || quantifier === '{';
        let end = close + 1;
        if (quantifier === '{') end = rest.indexOf('}', close) + 1;
        else if ('?*+'.includes(quantifier) && quantifier !== '') end = close + 2;
        if (rest[end] === '?') end++; // lazy
        const after = rest.slice(end);
        for (const alt of alternatives(rest.slice(i + 3, close))) {
          // a repeated group is read once and the literal ends after it
          if (repeated) walk(alt, p);
          else walk(alt + after, p);
        }
        if (optional) walk(after, p);
        return;
      }
      if (rest.startsWith('\\d+', i)) {
        // a run of digits: DIGIT_RUN stands for it
        p += DIGIT_RUN;
        i += 3;
        continue;
      }
      if ('\\[().|^$'.includes(ch) || (ch === '{' && /^\{\d/.test(rest.slice(i)))) {
        // escapes (\w, \b…), classes, groups, anchors: the literal ends here
        out.add(p);
        return;
      }
      const next = rest[i + 1] ?? '';
      if (next === '?' || next === '*' || (next === '{' && rest.startsWith('{0', i + 1))) {
        out.add(p);
        return;
      }
      p += ch;
      if (next === '+' || next === '{') {
        out.add(p);
        return;
      }
      i++;
    }
    out.add(p);
  };
  for (const alt of alternatives(source)) walk(alt, '');
  return [...out];
}

/** A trie of the English terms' literal beginnings. */
interface PrefixNode {
  children: Map<number, PrefixNode>;
  /** After a run of digits (DIGIT_RUN). */
  digits: PrefixNode | null;
  /** A whole prefix ends here: a match may start where the walk began. */
  end: boolean;
}

function prefixNode(): PrefixNode {
  return { children: new Map(), digits: null, end: false };
}

/**
 * Where an English match can start: EN_LEXICONS tries hundreds of alternatives at every word start
 * (≈ 100 ns a word); here a word start is first walked down a trie of the terms' literal beginnings
 * (flattened into typed arrays), and the expression runs (sticky) only where one of them is found.
 * `any`: some term has no literal beginning, so every word start is tried.
 */
const EN_STARTS = (() => {
  const root = prefixNode();
  let any = false;
  for (const name of LEXICON_NAMES) {
    for (const term of LEXICONS[name].en) {
      for (const prefix of literalPrefixes(term)) {
        if (prefix.length === 0) any = true;
        let node = root;
        for (let i = 0; i < prefix.length; i++) {
          const c = prefix.charCodeAt(i);
          if (prefix[i] === DIGIT_RUN) node = node.digits ??= prefixNode();
          else {
            let next = node.children.get(c);
            if (!next) node.children.set(c, (next = prefixNode()));
            node = next;
          }
        }
        node.end = true;
      }
    }
  }
  // flatten: node k's edges are edgeChar/edgeNode[first[k], first[k + 1])
  const nodes: PrefixNode[] = [];
  const ids = new Map<PrefixNode, number>();
  const visit = (node: PrefixNode): void => {
    ids.set(node, nodes.length);
    nodes.push(node);
    for (const child of node.children.values()) visit(child);
    if (node.digits) visit(node.digits);
  };
  visit(root);
  const first = new Int32Array(nodes.length + 1);
  const edgeChar: number[] = [];
  const edgeNode: number[] = [];
  nodes.forEach((node, k) => {
    first[k] = edgeChar.length;
    for (const [c, child] of node.children) {
      edgeChar.push(c);
      edgeNode.push(ids.get(child) as number);
    }
  });
  first[nodes.length] = edgeChar.length;
  const rootNext = new Int32Array(128).fill(-1);
  for (const [c, child] of root.children) if (c < 128) rootNext[c] = ids.get(child) as number;
  if ([...root.children.keys()].some((c) => c >= 128)) throw new Error('rules: an English term starts with a non-ASCII character');
  return {
    rootNext,
    any,
    first,
    edgeChar: Uint16Array.from(edgeChar),
    edgeNode: Int32Array.from(edgeNode),
    end: Uint8Array.from(nodes, (n) => (n.end ? 1 : 0)),
    digits: Int32Array.from(nodes, (n) => (n.digits ? (ids.get(n.digits) as number) : -1)),
  };
})();

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Some literal beginning of a term starts at `i` (walking from trie node `k`; the root's children by table). */
function prefixAt(text: string, i: number, k = 0): boolean {
  const { first, edgeChar, edgeNode, end, digits, rootNext } = EN_STARTS;
  let node = k;
  let j = i;
  if (node === 0) {
    if (end[0] === 1) return true;
    const c = text.charCodeAt(i);
    if (digits[0] !== -1 && isDigit(c)) {
      let d = i + 1;
      while (isDigit(text.charCodeAt(d))) d++;
      if (prefixAt(text, d, digits[0])) return true;
    }
    node = c < 128 ? (rootNext[c] as number) : -1;
    if (node < 0) return false;
    j = i + 1;
  }
  for (; ; j++) {
    if (end[node] === 1) return true;
    const c = text.charCodeAt(j);
    if (digits[node] !== -1 && isDigit(c)) {
      let d = j + 1;
      while (isDigit(text.charCodeAt(d))) d++;
      if (prefixAt(text, d, digits[node])) return true;
    }
    let next = -1;
    for (let e = first[node] as number, last = first[node + 1] as number; e < last; e++) {
      if (edgeChar[e] === c) {
        next = edgeNode[e] as number;
        break;
      }
    }
    if (next < 0) return false;
    node = next;
  }
}

function isLowerLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** The English lexicons on `text`: the matches of a global scan with EN_LEXICONS, found faster. */
function scanEnglish(out: LexiconHits, text: string): void {
  const n = text.length;
  const any = EN_STARTS.any;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const start = !isLowerLetter(prev) && (isLowerLetter(c) || isDigit(c));
    prev = c;
    if (!start || !(any || prefixAt(text, i))) continue;
    EN_STICKY.lastIndex = i;
    const m = EN_STICKY.exec(text);
    if (m === null) continue;
    let g = 1;
    while (g < m.length && m[g] === undefined) g++;
    addHit(out, text, LEXICON_NAMES[g - 1] as LexiconName, m[0], i);
    // continue after the match, as a global scan does
    i += m[0].length - 1;
    prev = text.charCodeAt(i);
  }
}

/**
 * Chinese: one pass over the characters with an index of the terms by their first character (a
 * regular expression with hundreds of alternatives tries each one at every position). A plain term
 * is compared with startsWith; a term with regular-expression syntax (look-arounds, optional
 * characters) has a literal anchor (the characters its match starts with) and is run as a sticky
 * expression where the anchor occurs. At a position the longest anchor wins, and a match is not
 * scanned again (食物中毒 is one hit, not also 中毒).
 */
const ZH_LITERAL = /^[^\\()[\]{}?*+.|^$]+$/;

/** A term without its leading look-behinds (balanced parentheses). */
function withoutLookbehinds(term: string): string {
  let t = term;
  while (t.startsWith('(?<!') || t.startsWith('(?<=')) {
    let depth = 0;
    let end = -1;
    for (let i = 0; i < t.length && end < 0; i++) {
      if (t[i] === '\\') i++;
      else if (t[i] === '(') depth++;
      else if (t[i] === ')' && --depth === 0) end = i;
    }
    if (end < 0) break;
    t = t.slice(end + 1);
  }
  return t;
}

/** The literal characters every match of a term starts with (after its look-behinds). */
function anchorOf(term: string): string {
  const t = withoutLookbehinds(term);
  const prefix = (/^[^\\()[\]{}?*+.|^$]*/.exec(t) as RegExpExecArray)[0];
  // a quantifier after the prefix makes its last character optional
  return '?*{'.includes(t[prefix.length] ?? '') ? prefix.slice(0, -1) : prefix;
}

interface ZhTerm {
  /** The term (plain) or its anchor (pattern). */
  anchor: string;
  /** Sticky expression of a pattern term; null for a plain term. */
  re: RegExp | null;
  name: LexiconName;
}

const ZH_INDEX = (() => {
  const index = new Map<number, ZhTerm[]>();
  for (const name of LEXICON_NAMES) {
    for (const term of LEXICONS[name].zh) {
      const plain = ZH_LITERAL.test(term);
      const anchor = plain ? term : anchorOf(term);
      if (!anchor) throw new Error(`rules: the Chinese term ${term} does not start with a literal character`);
      const list = index.get(anchor.charCodeAt(0)) ?? [];
      list.push({ anchor, re: plain ? null : new RegExp(term, 'y'), name });
      index.set(anchor.charCodeAt(0), list);
    }
  }
  // longest first, so 食物中毒 wins over 中毒 at the same position (stable: lexicon order otherwise)
  for (const list of index.values()) list.sort((a, b) => b.anchor.length - a.anchor.length);
  return index;
})();
/** First characters of the terms (a position whose character starts none is skipped at once). */
const ZH_FIRST = (() => {
  const table = new Uint8Array(0x10000);
  for (const c of ZH_INDEX.keys()) table[c] = 1;
  return table;
})();
/**
 * The same terms by their first two characters (most positions whose first character starts a term
 * are rejected by the second), each list followed by the one-character terms of its first character.
 */
const ZH_INDEX2 = (() => {
  const index = new Map<number, ZhTerm[]>();
  for (const [c, list] of ZH_INDEX) {
    const short = list.filter((t) => t.anchor.length === 1);
    for (const t of list) {
      if (t.anchor.length < 2) continue;
      const key = c * 0x10000 + t.anchor.charCodeAt(1);
      if (!index.has(key)) index.set(key, list.filter((u) => u.anchor.length >= 2 && u.anchor.charCodeAt(1) === t.anchor.charCodeAt(1)).concat(short));
    }
  }
  return index;
})();
/** One-character terms by their character (tried when no two-character key matches). */
const ZH_SHORT = new Map([...ZH_INDEX].map(([c, list]) => [c, list.filter((t) => t.anchor.length === 1)] as const).filter(([, l]) => l.length > 0));

const MAX_EVIDENCE = 5;
const HAS_LATIN_RE = /[a-z]/;

interface LexiconHits extends Record<LexiconName, string[]> {
  nearHarm: string[];
  /** Medical words (with their positions) still to be judged once the whole text is read. */
  medicalAt: number[];
  medicalWords: string[];
}

function push(list: string[], word: string): void {
  if (list.length < MAX_EVIDENCE && !list.includes(word)) list.push(word);
}

function addHit(out: LexiconHits, text: string, name: LexiconName, word: string, index: number): void {
  if (name === 'harm' || name === 'medical') {
    if (cancelled(text, index)) return push(name === 'harm' ? out.nearHarm : out.medical, word);
    if (name === 'medical') {
      out.medicalAt.push(index);
      out.medicalWords.push(word);
      return;
    }
  }
  push(out[name], word);
}

function scanRegex(out: LexiconHits, text: string, re: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let g = 1;
    while (g < m.length && m[g] === undefined) g++;
    addHit(out, text, LEXICON_NAMES[g - 1] as LexiconName, m[0], m.index);
  }
}

/** A medical word is harm when the text reports harm or a hazard, or a cause precedes it, and it is not about a bill. */
function judgeMedical(out: LexiconHits, text: string): void {
  const context = out.harm.length > 0 || out.hazard.length > 0 || out.nearHarm.length > 0;
  out.medicalAt.forEach((index, k) => {
    const word = out.medicalWords[k] as string;
    const zh = isHan(text.charCodeAt(index));
    const w = zh ? BILLING_WINDOW.zh : BILLING_WINDOW.en;
    const around = text.slice(Math.max(0, index - w), index + word.length + w);
    if ((zh ? MEDICAL_BILLING.zh : MEDICAL_BILLING.en).test(around)) return push(out.medical, word);
    const before = text.slice(Math.max(0, index - (zh ? CAUSE_WINDOW.zh : CAUSE_WINDOW.en)), index);
    const caused = context || (zh ? MEDICAL_CAUSE.zh : MEDICAL_CAUSE.en).test(before);
    push(caused ? out.harm : out.medical, word);
  });
}

/** The Chinese terms on `text`; `byPair`: look terms up by their first two characters (else by the first, the definition). */
function scanChinese(out: LexiconHits, text: string, byPair: boolean): void {
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    let advance = 1;
    const candidates = ZH_FIRST[c] !== 1 ? undefined : byPair ? (ZH_INDEX2.get(c * 0x10000 + text.charCodeAt(i + 1)) ?? ZH_SHORT.get(c)) : ZH_INDEX.get(c);
    if (candidates !== undefined) {
      for (let k = 0; k < candidates.length; k++) {
        const t = candidates[k] as ZhTerm;
        if (!text.startsWith(t.anchor, i)) continue;
        let word = t.anchor;
        if (t.re) {
          t.re.lastIndex = i;
          const m = t.re.exec(text);
          if (m === null) continue;
          word = m[0];
        }
        addHit(out, text, t.name, word, i);
        advance = word.length;
        break;
      }
    }
    i += advance;
  }
}

function emptyHits(): LexiconHits {
  return { harm: [], medical: [], selfHarm: [], abuse: [], hazard: [], many: [], threat: [], anger: [], vulnerable: [], driving: [], legal: [], nearHarm: [], medicalAt: [], medicalWords: [] };
}

/** Matches of every lexicon; harm after a negation or in a hypothesis goes to `nearHarm`, medical care without a cause to `medical`. */
function scanLexicons(text: string): LexiconHits {
  const out = emptyHits();
  if (HAS_LATIN_RE.test(text)) scanEnglish(out, text);
  scanChinese(out, text, true);
  if (out.medicalAt.length) judgeMedical(out, text);
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

const PEOPLE_RE = /(\d+|[零〇一二两三四五六七八九十百千几]+)\s?(?:多|几|余)?\s?(?:个|位|户|家|名|口)?\s?(人|户|家|业主|居民|用户|车主|孩子|小孩|学生|工人|员工|投资人|村民|家长|企业|住户|老人|乘客|顾客|客户|病人|患者)(?!民币)|\b(\d{1,3}(?:,\d{3})+|\d{2,}|dozens|hundreds|thousands) (?:of )?(?:other )?(people|customers|residents|families|households|users|employees|tenants|consumers|victims|units|homes|patients|passengers|students|children|kids|members|subscribers|accounts)\b/g;
/** A queue or an audience is not many people affected: 前面还有五十多人, 当着几十个家长, 200 people were in the line. */
const QUEUE_BEFORE_RE = /(?:前面|后面|排了?|排队|等了?|当着)(?:还有|有)?$/;
const QUEUE_AFTER_RE = /^(?:\s?(?:were|are|was|in|waiting)){0,2}\s?(?:in (?:the |a )?)?(?:line|queue)|^\s?(?:在?排队|在等)/;

/** PEOPLE_RE needs a number: a digit, a Chinese numeral, dozens, hundreds or thousands. */
const PEOPLE_HINT_RE = /[\d零〇一二两三四五六七八九十百千几]|dozens|hundreds|thousands/;

function manyPeople(text: string): string[] {
  const out: string[] = [];
  if (!PEOPLE_HINT_RE.test(text)) return out;
  PEOPLE_RE.lastIndex = 0;
  for (let m = PEOPLE_RE.exec(text); m !== null; m = PEOPLE_RE.exec(text)) {
    const raw = (m[1] ?? m[3] ?? '').replace(/,/g, '');
    const n = /^\d+$/.test(raw) ? Number(raw) : /^[a-z]+$/.test(raw) ? 100 : parseChineseNumber(raw);
    // 家 after a number is a family/company count; 一家四口 is one family
    if (n === undefined || n < MANY_PEOPLE_MIN) continue;
    const end = m.index + m[0].length;
    if (QUEUE_BEFORE_RE.test(text.slice(Math.max(0, m.index - 5), m.index)) || QUEUE_AFTER_RE.test(text.slice(end, end + 24))) continue;
    out.push(m[0]);
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
/** A match of AMOUNT_RE starts at most this many characters before a digit, or at a Chinese numeral. */
const AMOUNT_DIGIT_REACH = 8;
const DIGIT_G = /\d/g;
const CN_NUMERAL_G = /[零〇一二两三四五六七八九十百千几]/g;

function nextMatchIndex(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  const m = re.exec(text);
  return m === null ? text.length : m.index;
}

/**
 * The matches of `text.matchAll(AMOUNT_RE)`, with the expression resumed only where a match can start
 * (AMOUNT_DIGIT_REACH): it tries four alternatives at every position, starting with letters (`usd`,
 * `rmb`), which costs English text more than the rest of the rules together.
 */
function amountMatches(text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const n = text.length;
  let digit = -1;
  let numeral = -1;
  for (let p = 0; p < n; ) {
    if (digit < p) digit = nextMatchIndex(DIGIT_G, text, p);
    if (numeral < p) numeral = nextMatchIndex(CN_NUMERAL_G, text, p);
    const start = Math.min(Math.max(p, digit - AMOUNT_DIGIT_REACH), numeral);
    if (start >= n) break;
    AMOUNT_RE.lastIndex = start;
    const m = AMOUNT_RE.exec(text);
    if (m === null) break;
    out.push(m);
    p = m.index + m[0].length;
  }
  return out;
}

export function findAmounts(text: string, traditional = false): Amount[] {
  if (!/[\d万千]/.test(text)) return [];
  const hasHan = /\p{Script=Han}/u.test(text);
  const out: Amount[] = [];
  for (const m of amountMatches(text)) {
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
  /** Medical care without a cause in the text, negated, or about a bill (住院费, my husband was hospitalised): a signal only. */
  medical: string[];
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
  /** Signals for the model only (see VULNERABLE, DRIVING, LEGAL_LOSS). */
  vulnerable: string[];
  /** Driving when the vehicle failed (DRIVING and VEHICLE_FAULT_RE). */
  vehicle: string[];
  legal: string[];
}

export const NO_FINDINGS: Readonly<Findings> = Object.freeze({
  harm: [],
  medical: [],
  nearHarm: [],
  hazard: [],
  many: [],
  threat: [],
  amountLevel: 'general',
  amountEvidence: [],
  selfHarm: [],
  abuse: [],
  anger: [],
  vulnerable: [],
  vehicle: [],
  legal: [],
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
    medical: hits.medical,
    nearHarm: hits.nearHarm,
    hazard: hits.hazard,
    many: [...hits.many, ...manyPeople(text)].slice(0, MAX_EVIDENCE),
    threat: hits.threat,
    amountLevel,
    amountEvidence,
    selfHarm: hits.selfHarm,
    abuse: hits.abuse,
    anger: hits.anger,
    vulnerable: hits.vulnerable,
    vehicle: hits.driving.length > 0 && VEHICLE_FAULT_RE.test(text) ? hits.driving : [],
    legal: hits.legal,
  };
}

/**
 * The findings as extra tokens for the models (`!harm`, `!amount_major`…), so the severity model can
 * weigh them against the rest of the text; the rules still apply afterwards.
 */
export function signalTokens(f: Findings): string[] {
  const out: string[] = [];
  if (f.harm.length) out.push('!harm');
  if (f.medical.length) out.push('!medical');
  if (f.nearHarm.length || f.hazard.length) out.push('!hazard');
  if (f.many.length) out.push('!many');
  if (f.threat.length) out.push('!threat');
  if (f.amountLevel !== 'general') out.push(`!amount_${f.amountLevel}`);
  if (f.selfHarm.length || f.abuse.length || f.anger.length) out.push('!risk');
  if (f.vulnerable.length) out.push('!vulnerable');
  if (f.vehicle.length) out.push('!vehicle');
  if (f.legal.length) out.push('!legal');
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
    state.reasons.push({ rule, effect: `severity ${state.severity}→${next}`, evidence, floor: to });
    state.severity = next;
  } else if (evidence.length) {
    state.reasons.push({ rule, effect: `severity ${state.severity} (already ≥ ${to})`, evidence, floor: to });
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

function hitList(out: LexiconHits): string[] {
  return LEXICON_NAMES.flatMap((n) => out[n].map((w) => `${n}:${w}`)).concat(
    out.nearHarm.map((w) => `near:${w}`),
    out.medicalWords.map((w, k) => `medical@${out.medicalAt[k]}:${w}`),
  );
}

/** For tests: the English matches (lexicon, word) of the fast scan and of a plain global scan. */
export const rulesInternals = {
  englishMatches(text: string, fast: boolean): string[] {
    const out = emptyHits();
    if (fast) scanEnglish(out, text);
    else scanRegex(out, text, EN_LEXICONS);
    return hitList(out);
  },
  /** The Chinese matches (lexicon, word) of the two-character index and of the one-character index. */
  chineseMatches(text: string, fast: boolean): string[] {
    const out = emptyHits();
    scanChinese(out, text, fast);
    return hitList(out);
  },
  /** The AMOUNT_RE matches (as text@index) of the resumed scan and of matchAll. */
  amountMatches(text: string, fast: boolean): string[] {
    AMOUNT_RE.lastIndex = 0;
    return (fast ? amountMatches(text) : [...text.matchAll(AMOUNT_RE)]).map((m) => `${m[0]}@${m.index}`);
  },
  literalPrefixes,
  EN_STARTS,
};
