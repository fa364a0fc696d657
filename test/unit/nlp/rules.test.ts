import { SEVERITY_RANK, type Severity } from '../../../src/domain/taxonomy';
import { applyRules, detect, findAmounts, MANY_PEOPLE_MIN, parseChineseNumber, type RuleInput } from '../../../src/nlp/rules';
import { normalizeText, prepareText } from '../../../src/nlp/tokenizer';

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
