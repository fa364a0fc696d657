import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Classifier } from '../../../src/domain/classification';
import { CATEGORIES, isCategory, isSeverity } from '../../../src/domain/taxonomy';
import { datasetHash } from '../../../src/nlp/dataset';
import { ModelFileError, writeModelFile } from '../../../src/nlp/model-file';
import { CONFIRMATION_THRESHOLD, loadModel, needsConfirmation, TrainedClassifier } from '../../../src/nlp/trained-classifier';
import { trainModel, type TrainingResult } from '../../../src/nlp/training';
import { FeatureSpace } from '../../../src/nlp/features';
import { decodeFloat32, dequantizeWeights } from '../../../src/nlp/model-file';
import { softmaxInPlace, softmaxLogits } from '../../../src/nlp/models/softmax';
import { analyzeText } from '../../../src/nlp/pipeline';
import { detect, signalTokens } from '../../../src/nlp/rules/detect';
import { prepareText } from '../../../src/nlp/text/normalize';
import { Tokenizer } from '../../../src/nlp/text/tokenizer';
import { tinyExamples } from './fixtures';

describe('TrainedClassifier', () => {
  let trained: TrainingResult;
  let classifier: TrainedClassifier;
  const now = new Date('2026-11-23T10:00:00Z');

  beforeAll(() => {
    trained = trainModel(tinyExamples(), { now, sources: ['tiny.csv'] });
    classifier = new TrainedClassifier(trained.model);
  });

  it('when trained on a tiny set, then it classifies similar texts in both languages', () => {
    expect(classifier.classify('the toaster stopped working, poor quality').category).toBe('product_quality');
    expect(classifier.classify('我被重复扣费了，账单不对').category).toBe('billing');
    expect(classifier.classify('客服態度很差，還掛我電話').category).toBe('service_attitude');
  });

  it('when it answers, then the answer fits the Classification port', () => {
    const port: Classifier = classifier;
    const c = port.classify('退款一直没到账');
    expect(isCategory(c.category)).toBe(true);
    expect(isSeverity(c.severity)).toBe(true);
    expect(c.confidence).toBeGreaterThan(0);
    expect(c.confidence).toBeLessThanOrEqual(1);
    expect(c.candidates.length).toBeGreaterThanOrEqual(1);
    expect(c.candidates.length).toBeLessThanOrEqual(3);
    const probs = c.candidates.map((x) => x.probability);
    expect([...probs].sort((a, b) => b - a)).toEqual(probs);
    expect(c.modelVersion).toBe(port.version);
    expect(c.modelVersion).toMatch(/^tfidf-softmax@2026-11-23\.[0-9a-f]{8}$/);
  });

  it('when the model is built, then it records its version, training date, data hash and counts', () => {
    const m = trained.model;
    expect(m.trainedAt).toBe(now.toISOString());
    expect(m.dataHash).toBe(datasetHash(tinyExamples()));
    expect(m.version.endsWith(m.dataHash.slice(0, 8))).toBe(true);
    expect(m.data.examples).toBe(tinyExamples().length);
    expect(Object.keys(m.data.categories).sort()).toEqual([...CATEGORIES].sort());
    expect(m.severity?.labels).toEqual(['general', 'important', 'major']);
  });

  it.each([
    ['empty', ''],
    ['only emoji', '😡😡😡🙏'],
    ['only punctuation', '？？？!!!...'],
    ['only HTML markup', '<div><br/><script>alert(1)</script></div>'],
    ['not a string', 42 as unknown as string],
  ])('when the text is %s, then the answer is valid, `other`, with low confidence', (_name, text) => {
    const c = classifier.classify(text);
    expect(c.category).toBe('other');
    expect(c.confidence).toBeLessThan(CONFIRMATION_THRESHOLD);
    expect(needsConfirmation(c)).toBe(true);
    expect(isSeverity(c.severity)).toBe(true);
    expect(c.candidates[0]?.category).toBe('other');
  });

  it('when the text is 100 KB of mixed scripts with HTML, then the answer is valid', () => {
    const huge = `<p>${'我的refund还没到 please help 退款 '.repeat(4000)}</p>`;
    expect(huge.length).toBeGreaterThan(100_000);
    const c = classifier.classify(huge);
    expect(isCategory(c.category)).toBe(true);
    expect(c.category).toBe('after_sales');
  });

  it('when the same customer repeats the issue, then severity is one level higher', () => {
    const once = classifier.classify('退款一直没到账');
    const again = classifier.classify('退款一直没到账', { isRepeat: true });
    expect(once.severity).toBe('general');
    expect(again.severity).toBe('important');
    expect(again.reasons.map((r) => r.rule)).toContain('severity.repeat');
  });

  it('when the model is saved and loaded, then it answers exactly the same', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlp-model-'));
    writeModelFile(dir, trained.model);
    const loaded = loadModel(dir);
    for (const t of ['退款一直没到账', 'the heater caught fire', '']) expect(loaded.classify(t)).toEqual(classifier.classify(t));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the model file is not a model, then loading fails with a ModelFileError naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlp-model-'));
    fs.writeFileSync(path.join(dir, 'model.json'), '{"format": "something else"}');
    expect(() => loadModel(dir)).toThrow(ModelFileError);
    expect(() => loadModel(dir)).toThrow(/model\.json is not a complaint-desk\/nlp-model@1 model/);
    expect(() => loadModel(path.join(dir, 'nope'))).toThrow(/cannot read model/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when training gets only one category, then it refuses', () => {
    expect(() => trainModel([{ text: 'a', label: 'billing' }])).toThrow(/at least two categories/);
  });
});

describe('TrainedClassifier against the reference computation', () => {
  const model = trainModel(tinyExamples(), { folds: 3 }).model;
  const classifier = new TrainedClassifier(model);
  const dim = model.vocabulary.length;
  const space = new FeatureSpace(model.vocabulary, decodeFloat32(model.idf, dim));
  const tokenizer = new Tokenizer(model.tokenizer, model.lexicon);
  const head = (h: { labels: string[]; bias: number[]; scales: number[]; weights: string; temperature: number }) => ({
    classes: h.labels.length,
    dim,
    weights: dequantizeWeights(h as Parameters<typeof dequantizeWeights>[0], dim),
    bias: Float64Array.from(h.bias),
  });

  it('when texts are classified, then the probabilities are exactly those of string tokens, FeatureSpace and softmaxLogits per head', () => {
    const texts = [...tinyExamples().map((e) => e.text), 'The heater caught fire near my toddler', '網路斷線三天 refund ¥3,500', '退款退款 slow slow'];
    for (const t of texts) {
      const p = classifier.predict(t);
      const x = space.vectorize(analyzeText(t, tokenizer).tokens);
      expect(p.categories.length).toBeGreaterThan(0);
      const pc = softmaxInPlace(softmaxLogits(head(model.category), x), model.category.temperature);
      for (const c of p.categories) expect(c.probability).toBe(pc[model.category.labels.indexOf(c.label)]);
      if (model.severity) {
        const ps = softmaxInPlace(softmaxLogits(head(model.severity), x), model.severity.temperature);
        for (const s of p.severities) expect(s.probability).toBe(ps[model.severity.labels.indexOf(s.label)]);
      }
    }
  });

  it('when the model uses signals, then the analysis appends the signal tokens of the findings', () => {
    const text = 'The heater caught fire near my toddler while driving on the highway, the brakes failed';
    const p = prepareText(text);
    const tokens = analyzeText(text, new Tokenizer({ ...model.tokenizer, signals: true }, model.lexicon)).tokens;
    for (const s of signalTokens(detect(p.normalized, p.traditional))) expect(tokens).toContain(s);
  });
});
