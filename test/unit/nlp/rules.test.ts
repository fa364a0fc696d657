import { SEVERITY_RANK, type Severity } from '../../../src/domain/taxonomy';
import { amountInternals, findAmounts } from '../../../src/nlp/rules/amounts';
import { applyRules, type RuleInput } from '../../../src/nlp/rules/apply';
import { detect, signalTokens } from '../../../src/nlp/rules/detect';
import { LEXICONS } from '../../../src/nlp/rules/lexicons';
import { MANY_PEOPLE_MIN, parseChineseNumber } from '../../../src/nlp/rules/people';
import { matchesNearDigits } from '../../../src/nlp/text/near-digits';
import { normalizeText, prepareText } from '../../../src/nlp/text/normalize';


function run(text: string, over: Partial<RuleInput> = {}) {
  const p = prepareText(text);
  return applyRules({ text: p.normalized, traditional: p.traditional, category: 'product_quality', severity: 'general', safetyProbability: 0, ...over });
}
const rules = (r: ReturnType<typeof run>) => r.reasons.map((x) => x.rule);

describe('severity rules', () => {
  it.each([
    ['zh', '充电宝爆炸了，把我的手炸伤了'],
    ['zh-TW', '熱水器漏電，我女兒被電到，送急診'],
    ['en', 'The heater caught fire and my son was taken to the hospital'],
  ])('when a %s text reports injury or fire, then severity is major with the words as evidence', (_lang, text) => {
    const r = run(text);
    expect(r.severity).toBe('major');
    const harm = r.reasons.find((x) => x.rule === 'severity.harm');
    expect(harm?.effect).toBe('severity general→major');
    expect(harm?.evidence.length).toBeGreaterThan(0);
    for (const e of harm?.evidence ?? []) expect(normalizeText(text)).toContain(e);
  });

  it.each([
    ['zh', '我们整栋楼二十多户都停水三天了'],
    ['en', 'The outage hit hundreds of customers in the whole building'],
  ])('when a %s text says many people are affected, then severity is major', (_lang, text) => {
    const r = run(text, { category: 'service_quality' });
    expect(r.severity).toBe('major');
    expect(rules(r)).toContain('severity.many_affected');
  });

  it.each([
    ['zh', '再不处理我就去12315投诉，还要找媒体曝光'],
    ['zh-TW', '我已經跟消基會申訴了，也找了律師'],
    ['en', 'If this is not fixed I will contact my lawyer and the attorney general'],
  ])('when a %s text threatens media, regulator or court, then severity is at least important', (_lang, text) => {
    const r = run(text, { category: 'billing' });
    expect(r.severity).toBe('important');
    expect(rules(r)).toContain('severity.threat');
  });

  it.each([
    ['转账五十多万到现在没到账', 'major'],
    ['多扣了我一万二', 'important'],
    ['帳單多收了NT$45,000', 'important'],
    ['I was charged $15,000 for nothing', 'major'],
    ['they kept $1,200 of my deposit', 'important'],
    ['退了15块钱', 'general'],
  ])('when a text mentions %s, then the amount rule gives %s', (text, expected) => {
    expect(run(text, { category: 'billing' }).severity).toBe(expected);
  });

  it('when the same customer repeats the same issue, then severity goes one level up', () => {
    expect(run('退款还没到', { isRepeat: true }).severity).toBe('important');
    expect(run('退款还没到', { isRepeat: true, severity: 'important' }).severity).toBe('major');
    expect(rules(run('退款还没到', { isRepeat: true }))).toContain('severity.repeat');
  });

  it('when the category is safety, then severity is at least important', () => {
    const r = run('插座有点松', { category: 'safety' });
    expect(r.severity).toBe('important');
    expect(rules(r)).toContain('severity.safety_floor');
  });

  it.each<Severity>(['general', 'important', 'major'])('when the model says %s, then no rule lowers it', (severity) => {
    for (const text of ['谢谢', '要找媒体曝光', '多扣了一万二', 'the kettle caught fire', '很多人都这样']) {
      expect(SEVERITY_RANK[run(text, { severity }).severity]).toBeGreaterThanOrEqual(SEVERITY_RANK[severity]);
    }
  });

  it('when harm is denied or only nearly happened, then it is not harm but a hazard', () => {
    const p = prepareText('电暖器差点着火，幸好没人受伤');
    const f = detect(p.normalized, p.traditional);
    expect(f.harm).toEqual([]);
    expect(f.nearHarm).toEqual(expect.arrayContaining(['着火', '受伤']));
    expect(run('the iron nearly caught fire, nobody was hurt').severity).toBe('general');
  });

  it('when a text has hazard words and the model gives safety some probability, then the ticket is routed to safety', () => {
    const routed = run('插座冒烟了，有焦味', { safetyProbability: 0.3 });
    expect(routed.category).toBe('safety');
    expect(rules(routed)).toContain('category.safety_hazard');
    expect(run('插座冒烟了，有焦味', { safetyProbability: 0.01 }).category).toBe('product_quality');
  });

  it('when a self-harm phrase appears, then severity is major and highRisk is set', () => {
    const r = run('被催收逼得真的不想活了', { category: 'service_attitude' });
    expect(r.highRisk).toBe(true);
    expect(r.severity).toBe('major');
    expect(rules(r)).toEqual(expect.arrayContaining(['risk.self_harm', 'severity.self_harm']));
  });
});

describe('risk lexicons', () => {
  it.each([
    ['zh anger', '你们这些骗子，气死我了', 'risk.anger'],
    ['zh-TW anger', '你們這些黑心商家，我真的受夠了', 'risk.anger'],
    ['en anger', 'I am furious, this is a scam', 'risk.anger'],
    ['zh abuse', '你们客服都是傻逼吗', 'risk.abuse'],
    ['en abuse', 'you stupid idiots', 'risk.abuse'],
    ['zh self-harm', '我活不下去了', 'risk.self_harm'],
    ['en self-harm', 'I want to kill myself', 'risk.self_harm'],
  ])('when a text shows %s, then highRisk is set by %s', (_name, text, rule) => {
    const r = run(text);
    expect(r.highRisk).toBe(true);
    expect(r.reasons.find((x) => x.rule === rule)?.effect).toBe('highRisk');
  });

  it('when a text is a calm complaint, then highRisk is not set and no rule fires', () => {
    const r = run('the blender stopped working after a week, please replace it');
    expect(r.highRisk).toBe(false);
    expect(r.reasons).toEqual([]);
  });
});

describe('amounts and numbers', () => {
  it('when Chinese numerals are parsed, then 几 counts as the least it can mean', () => {
    expect(parseChineseNumber('三十')).toBe(30);
    expect(parseChineseNumber('两百')).toBe(200);
    expect(parseChineseNumber('十几')).toBe(11);
    expect(parseChineseNumber('几')).toBe(2);
  });

  it('when amounts are written in many ways, then each is read with its currency', () => {
    const f = (t: string) => {
      const p = prepareText(t);
      return findAmounts(p.normalized, p.traditional).map((a) => [a.currency, a.value]);
    };
    expect(f('押金3万8没退')).toEqual([['CNY', 38_000]]);
    expect(f('被骗了十几万')).toEqual([['CNY', 110_000]]);
    expect(f('維修費要NT$120,000')).toEqual([['TWD', 120_000]]);
    expect(f('匯了五萬塊')).toEqual([['TWD', 50_000]]);
    expect(f('charged {$350000.00} twice')).toEqual([['USD', 350_000]]);
    expect(f('HK$1,280')).toEqual([['HKD', 1_280]]);
    expect(f('车才开了2万公里')).toEqual([]);
    expect(f('paid $12 monthly')).toEqual([['USD', 12]]);
  });

  it(`when at least ${MANY_PEOPLE_MIN} people are counted, then it is "many people"`, () => {
    expect(detect(normalizeText('我们五个人被困在电梯里')).many.length).toBeGreaterThan(0);
    expect(detect(normalizeText('我们一家三口')).many).toEqual([]);
    expect(detect(normalizeText('more than 40 families lost water')).many.length).toBeGreaterThan(0);
  });
});

const findings = (text: string) => {
  const p = prepareText(text);
  return detect(p.normalized, p.traditional);
};

describe('context of harm words', () => {
  it.each([
    ['zh', '家里的热水器漏电，幸好没有人受伤', '受伤'],
    ['zh', '电暖器差一点就起火了，吓死我了', '起火'],
    ['zh', '热水壶底座烧熔了，还好我在家，不然就烧起来了', '烧起来'],
    ['zh', '师傅说晚发现一会就可能爆炸', '爆炸'],
    ['zh-TW', '電暖器差一點就起火，幸好沒人受傷', '起火'],
    ['en', 'The kettle sparked and smoked but no one was hurt', 'hurt'],
    ['en', "He's okay, but he could have been seriously hurt", 'hurt'],
    ['en', 'Lights flickering in the hallway. Afraid of an electrical fire.', 'fire'],
    ['en', 'Please fix the railing before someone gets injured', 'injured'],
  ])('when a %s text negates harm or only imagines it, then it is a near miss, not harm (%s)', (_lang, text, word) => {
    const f = findings(text);
    expect(f.harm).not.toContain(word);
    expect(f.nearHarm).toContain(word);
    expect(run(text).severity).not.toBe('major');
  });

  it.each([
    ['zh', '燃气灶左边那个灶眼打不着火'],
    ['zh', '手机就中毒了，联络人都收到奇怪短信'],
    ['zh', '插头都烫到不能摸'],
    ['zh', '车门的漆起泡了，一片一片的'],
    ['en', 'Our fire exit is blocked by boxes and locked'],
    ['en', 'The rice always burns on the bottom now'],
    ['en', 'My eyes hurt at night, please add a dark mode'],
  ])('when a %s harm word is used in a harmless sense, then it is not harm: %s', (_lang, text) => {
    expect(findings(text).harm).toEqual([]);
  });

  it.each([
    ['zh', '孩子的手被烫伤了，起了好几个水泡'],
    ['zh-TW', '葉片飛出來，打到我女兒的臉，流血了'],
    ['en', 'The straightener sparked and burnt my hand'],
    ['en', 'She fell and now has a broken collarbone'],
  ])('when a %s text reports an injury, then it is harm and severity is major', (_lang, text) => {
    expect(findings(text).harm.length).toBeGreaterThan(0);
    expect(run(text).severity).toBe('major');
  });
});

describe('medical care needs a cause', () => {
  it.each([
    ['zh', '我老公住院了，打电话改地址客服还一直挂我电话'],
    ['zh', '带我女儿来你们医院急诊，挂号的人态度很差'],
    ['zh-TW', '買保險時業務說這張一定可以理賠住院，現在說不在保障範圍'],
    ['en', 'The woman on the phone was so cold when I explained my husband had just been hospitalised'],
    ['en', 'The bill from your ambulance service is far too high'],
  ])('when a %s text mentions medical care without a cause, or a bill, then it is only a signal: %s', (_lang, text) => {
    const f = findings(text);
    expect(f.harm).toEqual([]);
    expect(f.medical.length).toBeGreaterThan(0);
    expect(signalTokens(f)).toContain('!medical');
    expect(run(text, { category: 'service_attitude' }).severity).toBe('general');
  });

  it('when 住院 is part of a fee, then it is no medical word at all', () => {
    expect(findings('住院费的发票开错了')).toMatchObject({ harm: [], medical: [] });
  });

  it.each([
    ['zh', '吃了你们的保健品之后我爸肝功能异常住院了'],
    ['zh', '催收人员在楼下大喊，我妈吓到血压飙高送急诊'],
    ['zh', '外卖吃出玻璃碴，孩子送医了'],
    ['en', 'After eating your chicken salad two of us ended up in the hospital'],
    ['en', 'Your pharmacy gave my son the wrong medication. He is in the hospital.'],
  ])('when a %s text gives a cause for the medical care, then it is harm: %s', (_lang, text) => {
    expect(findings(text).harm.length).toBeGreaterThan(0);
    expect(run(text).severity).toBe('major');
  });
});

describe('many people, signals', () => {
  it.each([
    ['zh', '银行柜台只开一个窗口，取个号前面还有五十多人'],
    ['zh', '催收打电话到我单位，现在整个公司都知道了'],
    ['zh', '她很大声地说我拿别人的证件，周围所有人都看着我'],
    ['en', 'Our flight was cancelled and about 200 people were in the line'],
  ])('when a %s text counts a queue or an audience, then it is not many people affected: %s', (_lang, text) => {
    expect(findings(text).many).toEqual([]);
  });

  it.each([
    ['zh', '我们整栋楼停水三天了'],
    ['en', 'A fibre cut has left about 2,000 homes offline'],
    ['en', 'Six of us were vomiting within hours'],
  ])('when a %s text says many are affected, then it is many people: %s', (_lang, text) => {
    expect(findings(text).many.length).toBeGreaterThan(0);
  });

  it('when a text involves a child, driving with a failing vehicle or a foreclosure, then the model gets the signals', () => {
    expect(signalTokens(findings('高速上开着车刹车突然失灵，孩子坐在后排'))).toEqual(expect.arrayContaining(['!vulnerable', '!vehicle', '!hazard']));
    expect(signalTokens(findings('The brakes failed on the highway'))).toContain('!vehicle');
    expect(signalTokens(findings('The brakes squeak in the garage'))).not.toContain('!vehicle');
    expect(signalTokens(findings('a foreclosure sale on my home is scheduled'))).toContain('!legal');
  });
});

describe('amounts in dispute and people counted', () => {
  const level = (text: string) => {
    const p = prepareText(text);
    return detect(p.normalized, p.traditional).amountLevel;
  };

  it.each([
    ['全款38万买的车，发动机烧机油，修了四次'],
    ['The purchase price was $45,000 and the radio stopped working'],
    ['把我的信用卡额度从5万降到了5千'],
    ['The principal balance is about $218,770 and they lost my paperwork again'],
  ])('when an amount is a price, a balance or a limit, then it implies no severity: %s', (text) => {
    expect(level(text)).toBe('general');
  });

  it.each([
    ['they are holding my remaining balance of $10,190', 'major'],
    ['银行理财到期了，本金十二万没回到账户', 'major'],
    ['they kept $1,200 of my deposit', 'important'],
  ])('when the amount is the sum in dispute, then it still counts: %s', (text, expected) => {
    expect(level(text)).toBe(expected);
  });

  it('when "dozens" or "hundreds" count calls or dollars, then it is not many people; when they count people, it is', () => {
    expect(findings('They have called me dozens of times and charged hundreds of dollars in fees').many).toEqual([]);
    expect(findings('The outage left hundreds of customers without service').many.length).toBeGreaterThan(0);
  });
});

describe('lexicon data', () => {
  it('when the lexicons are read, then every term is a valid expression without capturing groups, and plain Chinese terms are found by the scan', () => {
    for (const [name, lexicon] of Object.entries(LEXICONS)) {
      for (const term of [...lexicon.zh, ...lexicon.en]) {
        expect(() => new RegExp(term)).not.toThrow();
        expect({ name, term, groups: (new RegExp(`${term}|`).exec('') as RegExpExecArray).length - 1 }).toEqual({ name, term, groups: 0 });
      }
    }
    const plain = LEXICONS.threat.zh.filter((t) => /^[\u4e00-\u9fff]+$/.test(t));
    expect(plain.length).toBeGreaterThan(20);
    for (const t of plain) expect(detect(`我要${t}`).threat.length + detect(`我要${t}`).many.length + detect(`我要${t}`).anger.length).toBeGreaterThan(0);
  });
});

describe('amounts near digits', () => {
  it('when amounts are read only from the positions where they can start, then the matches are those of matchAll', () => {
    const pool = ['0', '1', '5', '12', '3.5', ',000', ' ', '{', '$', '¥', '€', 'nt$', 'us$', 'rmb', 'usd', 'hkd', '万', '千', '元', '块', '多', '几', '三', '十', '两', '人民币', 'dollars', 'k', 'million', '公里', 'abc'];
    let s = 3;
    const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const { AMOUNT_RE, AMOUNT_DIGIT_REACH, CN_NUMERAL_G } = amountInternals;
    for (let k = 0; k < 20_000; k++) {
      let t = '';
      const len = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < len; i++) t += pool[Math.floor(rnd() * pool.length)];
      const near = matchesNearDigits(AMOUNT_RE, t, AMOUNT_DIGIT_REACH, CN_NUMERAL_G).map((m) => `${m[0]}@${m.index}`);
      expect(near).toEqual([...t.matchAll(new RegExp(AMOUNT_RE.source, 'g'))].map((m) => `${m[0]}@${m.index}`));
    }
  });
});
