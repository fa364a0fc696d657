import fs from 'node:fs';
import path from 'node:path';
import { FeatureSpace } from '../../../src/nlp/features';
import { Featurizer } from '../../../src/nlp/featurizer';
import { decodeFloat32, dequantizeWeights } from '../../../src/nlp/model-file';
import { softmaxInPlace, softmaxLogits } from '../../../src/nlp/models/softmax';
import { analyzeText, tokenizerOptionsOf } from '../../../src/nlp/pipeline';
import { detect, signalTokens } from '../../../src/nlp/rules';
import {
  createLexicon,
  prepareText,
  prepareTextReference,
  replacePlaceholders,
  replacePlaceholdersReference,
  type TokenizerOptions,
  type TokenizerSettings,
  tokenizePrepared,
} from '../../../src/nlp/tokenizer';
import { TrainedClassifier } from '../../../src/nlp/trained-classifier';
import { trainModel } from '../../../src/nlp/training';
import { tinyExamples } from './fixtures';

interface FixtureExample {
  text: string;
  normalized: string;
  withPlaceholders: string;
  traditional: boolean;
  tokens: string[];
}
const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, 'tokenizer-fixture.json'), 'utf8')) as { lexicon: string[]; examples: FixtureExample[] };

/** A deterministic generator of awkward strings (full-width, Traditional, emoji, combining marks, HTML…). */
function fuzzStrings(count: number, seed: number): string[] {
  const pools = [
    ' \t\n\u3000\u00a0',
    "abcXYZ'é",
    '0123456789',
    '，。！？：；（）ＡＢＣ１２３',
    '網路帳單體驗說話行動電話記憶體',
    '的了我你退款质量',
    '<>&;#',
    '\u0301\u3099ｶﾞ',
    '😡👍\ud83d',
    'ΣσİĲ½²ℌ',
    'Ⅻ⑴ﬁ',
    '\ufeff\u200d\ufe0f',
  ];
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let t = '';
    const len = 1 + Math.floor(rnd() * 30);
    for (let i = 0; i < len; i++) {
      const p = pools[Math.floor(rnd() * pools.length)] as string;
      t += p[Math.floor(rnd() * p.length)];
    }
    out.push(t);
  }
  return out;
}

/** Counts of the tokens a vector stands for: index → value (for comparing vectors built two ways). */
function asMap(v: { indices: ArrayLike<number>; values: ArrayLike<number> }): Map<number, number> {
  return new Map(Array.from(v.indices, (i, k) => [i, v.values[k] as number]));
}

describe('optimised text preparation', () => {
  it('when the fixture texts are prepared, then the one-pass normalisation gives what the reference path gave', () => {
    for (const e of FIXTURE.examples) {
      expect(prepareText(e.text)).toEqual({ normalized: e.normalized, withPlaceholders: e.withPlaceholders, traditional: e.traditional });
      expect(prepareTextReference(e.text)).toEqual(prepareText(e.text));
    }
  });

  it('when awkward strings are prepared, then the one-pass normalisation equals the reference path', () => {
    for (const t of fuzzStrings(5000, 1)) expect(prepareText(t)).toEqual(prepareTextReference(t));
    for (let c = 0; c < 0x10000; c += 7) {
      const t = `a${String.fromCharCode(c)}b ${String.fromCharCode(c)}\u3099`;
      expect(prepareText(t)).toEqual(prepareTextReference(t));
    }
  });

  it('when numbers, dates, amounts and ids are replaced, then the resumed scan finds what one global replace finds', () => {
    const pool = ['0', '1', '8', '12', '138', '+', '-', '/', '.', ',', ' ', '(', ')', '{', '$', '¥', 'nt$', 'rmb', 'usd', 'xx', '/', '年', '月', '日', '万', '元', 'dollars', 'jan', 'december', 'may ', 'a', 'abc', '@', 'http://a.b'];
    let s = 5;
    const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let k = 0; k < 20_000; k++) {
      let t = '';
      const len = 1 + Math.floor(rnd() * 14);
      for (let i = 0; i < len; i++) t += pool[Math.floor(rnd() * pool.length)];
      expect(replacePlaceholders(t)).toBe(replacePlaceholdersReference(t));
    }
  });
});

describe('Featurizer', () => {
  const lexicon = createLexicon(FIXTURE.lexicon);

  it('when the fixture texts are featurized, then the vector counts exactly the fixture tokens', () => {
    const vocabulary = [...new Set(FIXTURE.examples.flatMap((e) => e.tokens))].sort();
    const space = new FeatureSpace(
      vocabulary,
      Float32Array.from(vocabulary, (_t, i) => 1 + (i % 7) / 10),
    );
    const featurizer = new Featurizer(space, { lexicon, englishCharGrams: true });
    for (const e of FIXTURE.examples) {
      expect(tokenizePrepared(e.withPlaceholders, { lexicon, englishCharGrams: true })).toEqual(e.tokens);
      const expected = space.vectorize(e.tokens);
      const got = featurizer.vectorize(prepareText(e.text).withPlaceholders);
      expect(Array.from(got.indices)).toEqual(Array.from(expected.indices));
      expect(Array.from(got.values)).toEqual(Array.from(expected.values));
    }
  });

  it.each<[string, TokenizerOptions]>([
    ['defaults', {}],
    ['character 4-grams', { englishCharGrams: true }],
    ['no stop-word removal', { stopWords: false, englishCharGrams: true }],
    ['unigrams only', { charBigrams: false }],
    ['English word pairs (through tokenizeInto)', { englishBigrams: true }],
  ])('when the options are %s, then the vector equals FeatureSpace.vectorize of the token strings', (_name, options) => {
    const texts = [...FIXTURE.examples.map((e) => e.text), ...fuzzStrings(300, 9)];
    const opts = { ...options, lexicon };
    const docs = texts.map((t) => tokenizePrepared(prepareText(t).withPlaceholders, opts));
    const vocabulary = [...new Set(docs.flat())];
    const space = new FeatureSpace(
      vocabulary,
      Float32Array.from(vocabulary, (_t, i) => 0.5 + (i % 5) / 3),
    );
    const featurizer = new Featurizer(space, opts);
    texts.forEach((t, k) => {
      const got = featurizer.vectorize(prepareText(t).withPlaceholders, ['!harm']);
      expect(asMap(got)).toEqual(asMap(space.vectorize([...(docs[k] as string[]), '!harm'])));
    });
  });
});

describe('TrainedClassifier against the reference computation', () => {
  const model = trainModel(tinyExamples(), { folds: 3 }).model;
  const classifier = new TrainedClassifier(model);
  const dim = model.vocabulary.length;
  const space = new FeatureSpace(model.vocabulary, decodeFloat32(model.idf, dim));
  const settings: TokenizerSettings = model.tokenizer;
  const lexicon = createLexicon(model.lexicon);
  const head = (h: { labels: string[]; bias: number[]; scales: number[]; weights: string; temperature: number }) => ({
    classes: h.labels.length,
    dim,
    weights: dequantizeWeights(h as Parameters<typeof dequantizeWeights>[0], dim),
    bias: Float64Array.from(h.bias),
  });

  it('when texts are classified, then the probabilities are exactly those of string tokens, FeatureSpace and softmaxLogits per head', () => {
    const texts = [...FIXTURE.examples.map((e) => e.text), ...tinyExamples().map((e) => e.text), ...fuzzStrings(200, 3)];
    for (const t of texts) {
      const p = classifier.predict(t);
      const tokens = analyzeText(t, settings, lexicon).tokens;
      const x = space.vectorize(tokens);
      if (p.categories.length === 0) continue;
      const pc = softmaxInPlace(softmaxLogits(head(model.category), x), model.category.temperature);
      for (const c of p.categories) expect(c.probability).toBe(pc[model.category.labels.indexOf(c.label)]);
      if (model.severity) {
        const ps = softmaxInPlace(softmaxLogits(head(model.severity), x), model.severity.temperature);
        for (const s of p.severities) expect(s.probability).toBe(ps[model.severity.labels.indexOf(s.label)]);
      }
    }
  });

  it('when the signal tokens are read from the findings, then the pipeline appends the same ones', () => {
    const text = 'The heater caught fire near my toddler while driving on the highway, the brakes failed';
    const p = prepareText(text);
    const tokens = analyzeText(text, { ...settings, signals: true }, lexicon).tokens;
    for (const s of signalTokens(detect(p.normalized, p.traditional))) expect(tokens).toContain(s);
    expect(tokenizerOptionsOf(settings, lexicon).lexicon).toBe(settings.words ? lexicon : undefined);
  });
});
