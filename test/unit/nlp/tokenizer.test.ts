import {
  baselineTokens,
  createLexicon,
  decodeTokenKey,
  encodeTokenKey,
  MAX_TEXT_CHARS,
  normalizeText,
  prepareText,
  stem,
  toSimplified,
  tokenize,
  tokenizePrepared,
} from '../../../src/nlp/tokenizer';
import { FeatureSpace } from '../../../src/nlp/features';
import { analyzeText, analyzeToVector, tokenizerOptionsOf } from '../../../src/nlp/pipeline';
import type { TokenizerSettings } from '../../../src/nlp/tokenizer';

describe('tokenizer', () => {
  it('when Chinese text is tokenized, then it yields character unigrams, bigrams and lexicon words, without stop characters', () => {
    const tokens = tokenize('洗衣机的质量', { lexicon: createLexicon(['洗衣机', '质量']) });
    expect(tokens).toEqual(expect.arrayContaining(['洗', '衣', '机', '洗衣', '衣机', '洗衣机', '质量', '质', '量']));
    expect(tokens).not.toContain('的');
  });

  it('when the same complaint is written in Traditional and in Simplified characters, then the tokens are the same', () => {
    const lexicon = createLexicon(['网络', '客服']);
    const traditional = tokenize('網路斷線三天，客服態度很差，帳單還照扣', { lexicon });
    const simplified = tokenize('网络断线三天，客服态度很差，账单还照扣', { lexicon });
    expect(traditional).toEqual(simplified);
    expect(prepareText('網路斷線三天，客服態度很差').traditional).toBe(true);
    expect(prepareText('网络断线三天，客服态度很差').traditional).toBe(false);
  });

  it('when Taiwan words differ from mainland words, then they are mapped (網路→网络, 軟體→软件)', () => {
    expect(toSimplified('網路和軟體')).toBe('网络和软件');
  });

  it('when a text holds amounts, phones, order ids, dates, URLs and e-mails, then they become placeholders', () => {
    const text = prepareText(
      '订单号JD2023112233，2024年5月1日买的，花了¥3,500.00，电话13812345678，call (555) 123-4567, see https://x.example/a or mail a.b@c.com, paid {$350000.00} on XX/XX/2019, 3 times',
    ).withPlaceholders;
    for (const p of ['<order>', '<date>', '<amount>', '<phone>', '<url>', '<email>', '<num>']) expect(text).toContain(p);
    expect(text).not.toMatch(/13812345678|3,500|350000|2023112233/);
  });

  it('when English is tokenized, then words are stemmed with natural and stop words dropped', () => {
    const tokens = tokenize('The agents were refusing my refunds');
    expect(tokens).toEqual(['agent', 'refus', 'refund']);
    expect(stem('charges')).toBe('charg');
  });

  it('when English character grams are on, then words also give boundary-marked 4-grams', () => {
    expect(tokenize('refund', { englishCharGrams: true })).toEqual(['# ref', '#refu', '#efun', '#fund', '#und ', 'refund']);
  });

  it('when the text is HTML, then scripts and tags are removed and entities decoded', () => {
    expect(normalizeText('<p>Refund&nbsp;<b>please</b> &amp; thanks</p><script>alert("x")</script>')).toBe('refund please & thanks');
  });

  it('when the text is only emoji or punctuation, then there are no tokens', () => {
    expect(tokenize('😡😡😡！！！???')).toEqual([]);
    expect(tokenize('')).toEqual([]);
  });

  it('when the text is 100 KB, then only a bounded prefix is read', () => {
    const huge = '退款'.repeat(50_000);
    expect(prepareText(huge).normalized.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
  });

  it('when full-width characters are used, then they read as ASCII', () => {
    expect(normalizeText('ＲＥＦＵＮＤ　１２３')).toBe('refund 123');
  });

  it('when a token has a compact key, then decoding the key gives the token back', () => {
    for (const t of ['好', '好用', '# ref', '#fund']) expect(decodeTokenKey(encodeTokenKey(t) as number)).toBe(t);
    expect(encodeTokenKey('refund')).toBeUndefined();
    expect(encodeTokenKey('#café')).toBeUndefined();
  });

  it('when tokens are streamed into a feature space, then the vector equals the one built from token strings', () => {
    const settings: TokenizerSettings = { charUnigrams: true, charBigrams: true, englishBigrams: false, englishCharGrams: true, words: true, signals: true };
    const texts = ['網路斷線，客服態度很差 refund café naïve 𠀀𠀁 ｆｕｌｌ', 'The heater caught fire!!', '同一笔账单扣了两次费 ¥3,500'];
    const lexicon = createLexicon(['网络', '客服', '账单']);
    const docs = texts.map((t) => analyzeText(t, settings, lexicon).tokens);
    const space = new FeatureSpace([...new Set(docs.flat())], Float32Array.from(new Set(docs.flat()), () => 1.5));
    for (const t of texts) {
      const a = space.vectorize(analyzeText(t, settings, lexicon).tokens);
      const b = analyzeToVector(t, { ...tokenizerOptionsOf(settings, lexicon), signals: true }, space).vector;
      const asMap = (v: typeof a) => new Map([...v.indices].map((i, k) => [i, v.values[k]]));
      expect(asMap(b)).toEqual(asMap(a));
    }
  });

  it('when the baseline tokenizer reads mixed text, then it keeps stems and CJK unigrams and bigrams only', () => {
    expect(baselineTokens('Refunds 退款慢')).toEqual(['refund', '退', '退款', '款', '款慢', '慢']);
  });

  it('when tokenizePrepared gets placeholders, then they stay whole tokens', () => {
    expect(tokenizePrepared('paid <amount> on <date>')).toEqual(['paid', '<amount>', '<date>']);
  });
});
