import fs from 'node:fs';
import path from 'node:path';
import { FeatureSpace, Vectorizer } from '../../../src/nlp/features';
import { MAX_TEXT_CHARS, normalizeText, prepareText, toSimplified } from '../../../src/nlp/text/normalize';
import { replacePlaceholders } from '../../../src/nlp/text/placeholders';
import { baselineTokens, decodeTokenKey, encodeTokenKey, stem, Tokenizer, type TokenizerSettings, tokenize, tokensOf } from '../../../src/nlp/text/tokenizer';
import { referencePlaceholders, referenceTokens } from './reference-tokenizer';

interface FixtureExample {
  text: string;
  normalized: string;
  withPlaceholders: string;
  traditional: boolean;
  tokens: string[];
}
const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, 'tokenizer-fixture.json'), 'utf8')) as { lexicon: string[]; examples: FixtureExample[] };

const settings = (over: Partial<TokenizerSettings> = {}): TokenizerSettings => ({ charUnigrams: true, charBigrams: true, englishCharGrams: false, words: true, signals: false, ...over });

/** A deterministic generator of awkward strings (full-width, Traditional, emoji, combining marks, HTML, other scripts…). */
function fuzzStrings(count: number, seed: number): string[] {
  const pools = [' \t\n\u3000\u00a0', "abcXYZ'é", '0123456789', '，。！？：；（）ＡＢＣ１２３', '網路帳單體驗說話行動電話記憶體', '的了我你退款质量洗衣机', '<>&;#', '\u0301\u3099ｶﾞ', '😡👍\ud83d', 'ΣσİĲ½²ℌ', 'Ⅻ⑴ﬁ', '\ufeff\u200d\ufe0f', '𠀀𠀁', 'приветカナ'];
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  return Array.from({ length: count }, () => {
    let t = '';
    const len = 1 + Math.floor(rnd() * 30);
    for (let i = 0; i < len; i++) {
      const p = Array.from(pools[Math.floor(rnd() * pools.length)] as string);
      t += p[Math.floor(rnd() * p.length)];
    }
    return t;
  });
}

describe('normalisation', () => {
  it('when the fixture texts are prepared, then the normalised text, placeholders and script are as recorded', () => {
    for (const e of FIXTURE.examples) expect(prepareText(e.text)).toEqual({ normalized: e.normalized, withPlaceholders: e.withPlaceholders, traditional: e.traditional });
  });

  it('when the same complaint is written in Traditional and in Simplified characters, then the tokens are the same', () => {
    const tokenizer = new Tokenizer(settings(), ['网络', '客服']);
    expect(tokenize('網路斷線三天，客服態度很差，帳單還照扣', tokenizer)).toEqual(tokenize('网络断线三天，客服态度很差，账单还照扣', tokenizer));
    expect(prepareText('網路斷線三天，客服態度很差').traditional).toBe(true);
    expect(prepareText('网络断线三天，客服态度很差').traditional).toBe(false);
  });

  it('when Taiwan words differ from mainland words, then they are mapped (網路→网络, 軟體→软件)', () => {
    expect(toSimplified('網路和軟體')).toBe('网络和软件');
  });

  it('when the text is HTML, then scripts and tags are removed and entities decoded', () => {
    expect(normalizeText('<p>Refund&nbsp;<b>please</b> &amp; thanks</p><script>alert("x")</script>')).toBe('refund please & thanks');
  });

  it('when full-width characters are used, then they read as ASCII', () => {
    expect(normalizeText('ＲＥＦＵＮＤ　１２３')).toBe('refund 123');
  });

  it('when the text is 100 KB, then only a bounded prefix is read', () => {
    expect(prepareText('退款'.repeat(50_000)).normalized.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
  });
});

describe('placeholders', () => {
  it('when a text holds amounts, phones, order ids, dates, URLs and e-mails, then they become placeholders', () => {
    const text = prepareText(
      '订单号JD2023112233，2024年5月1日买的，花了¥3,500.00，电话13812345678，call (555) 123-4567, see https://x.example/a or mail a.b@c.com, paid {$350000.00} on XX/XX/2019, 3 times',
    ).withPlaceholders;
    for (const p of ['<order>', '<date>', '<amount>', '<phone>', '<url>', '<email>', '<num>']) expect(text).toContain(p);
    expect(text).not.toMatch(/13812345678|3,500|350000|2023112233/);
  });

  it('when numbers, dates, amounts and ids are replaced near digits only, then the result is that of one global replace', () => {
    const pool = ['0', '1', '8', '12', '138', '+', '-', '/', '.', ',', ' ', '(', ')', '{', '$', '¥', 'nt$', 'rmb', 'usd', 'xx', '/', '年', '月', '日', '万', '元', 'dollars', 'jan', 'december', 'may ', 'a', 'abc', '@', 'http://a.b'];
    let s = 5;
    const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let k = 0; k < 20_000; k++) {
      let t = '';
      const len = 1 + Math.floor(rnd() * 14);
      for (let i = 0; i < len; i++) t += pool[Math.floor(rnd() * pool.length)];
      expect(replacePlaceholders(t)).toBe(referencePlaceholders(t));
    }
  });
});

describe('tokenizer', () => {
  it('when Chinese text is tokenized, then it yields character unigrams, bigrams and lexicon words, without stop characters', () => {
    const tokens = tokenize('洗衣机的质量', new Tokenizer(settings(), ['洗衣机', '质量']));
    expect(tokens).toEqual(expect.arrayContaining(['洗', '衣', '机', '洗衣', '衣机', '洗衣机', '质量', '质', '量']));
    expect(tokens).not.toContain('的');
  });

  it('when English is tokenized, then words are stemmed with natural and stop words dropped', () => {
    expect(tokenize('The agents were refusing my refunds')).toEqual(['agent', 'refus', 'refund']);
    expect(stem('charges')).toBe('charg');
  });

  it('when English character grams are on, then words also give boundary-marked 4-grams', () => {
    expect(tokenize('refund', new Tokenizer(settings({ englishCharGrams: true })))).toEqual(['# ref', '#refu', '#efun', '#fund', '#und ', 'refund']);
  });

  it('when the text is only emoji or punctuation, then there are no tokens', () => {
    expect(tokenize('😡😡😡！！！???')).toEqual([]);
    expect(tokenize('')).toEqual([]);
  });

  it('when a text has placeholders, masked data and another script, then placeholders and the run are whole tokens and xxxx is dropped', () => {
    expect(tokensOf('paid <amount> on <date> to xxxx привет', new Tokenizer(settings()))).toEqual(['paid', '<amount>', '<date>', 'привет']);
  });

  it('when a Han token has a compact key, then decoding the key gives the token back', () => {
    for (const t of ['好', '好用', '㐀', '鿿']) expect(decodeTokenKey(encodeTokenKey(t) as number)).toBe(t);
    expect(encodeTokenKey('refund')).toBeUndefined();
    expect(encodeTokenKey('𠀀')).toBeUndefined();
  });

  it('when the fixture texts are tokenized, then the tokens are the recorded ones', () => {
    const tokenizer = new Tokenizer(settings({ englishCharGrams: true }), FIXTURE.lexicon);
    for (const e of FIXTURE.examples) expect(tokensOf(e.withPlaceholders, tokenizer)).toEqual(e.tokens);
  });

  it.each<[string, Partial<TokenizerSettings>]>([
    ['defaults', {}],
    ['character 4-grams', { englishCharGrams: true }],
    ['unigrams only', { charBigrams: false }],
    ['no lexicon words', { words: false }],
  ])('when awkward strings are tokenized with %s, then the scan gives the tokens of the reference tokenizer', (_name, over) => {
    const s = settings(over);
    const tokenizer = new Tokenizer(s, FIXTURE.lexicon);
    for (const t of [...FIXTURE.examples.map((e) => e.text), ...fuzzStrings(3000, 9)]) {
      const prepared = prepareText(t).withPlaceholders;
      expect(tokensOf(prepared, tokenizer)).toEqual(referenceTokens(prepared, s, FIXTURE.lexicon));
    }
  });

  it('when the baseline tokenizer reads mixed text, then it keeps stems and CJK unigrams and bigrams only', () => {
    expect(baselineTokens('Refunds 退款慢')).toEqual(['refund', '退', '退款', '款', '款慢', '慢']);
  });
});

describe('Vectorizer', () => {
  it.each<[string, Partial<TokenizerSettings>]>([
    ['defaults', {}],
    ['character 4-grams', { englishCharGrams: true }],
  ])('when texts are vectorized with %s, then the vector equals FeatureSpace.vectorize of the token strings, signals included', (_name, over) => {
    const tokenizer = new Tokenizer(settings(over), FIXTURE.lexicon);
    const texts = [...FIXTURE.examples.map((e) => e.text), ...fuzzStrings(500, 3)].map((t) => prepareText(t).withPlaceholders);
    const docs = texts.map((t) => tokensOf(t, tokenizer));
    // a vocabulary of most of the tokens seen (some left out, so unknown tokens occur), with varied idf
    const vocabulary = [...new Set(docs.flat())].filter((_t, i) => i % 7 !== 3).concat('!harm');
    const space = new FeatureSpace(
      vocabulary,
      Float32Array.from(vocabulary, (_t, i) => 0.5 + (i % 5) / 3),
    );
    const vectorizer = new Vectorizer(space, tokenizer);
    texts.forEach((t, k) => {
      const got = vectorizer.vectorize(t, ['!harm']);
      const expected = space.vectorize([...(docs[k] as string[]), '!harm']);
      expect(Array.from(got.indices)).toEqual(Array.from(expected.indices));
      expect(Array.from(got.values)).toEqual(Array.from(expected.values));
    });
  });
});
