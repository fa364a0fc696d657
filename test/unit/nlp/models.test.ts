import { BayesClassifier } from 'natural/lib/natural/classifiers';
import { buildFeatureSpace } from '../../../src/nlp/features';
import { naiveBayesScores, trainNaiveBayes } from '../../../src/nlp/models/naive-bayes';
import { argmax, minimizeLbfgs, softmaxInPlace, softmaxLogits, trainSoftmax } from '../../../src/nlp/models/softmax';
import { decide } from '../../../src/nlp/decision';

const docs = [
  ['refund', 'late', 'parcel'],
  ['refund', 'parcel', 'lost'],
  ['rude', 'staff', 'yell'],
  ['rude', 'agent', 'hung'],
];
const y = [0, 0, 1, 1];

describe('log-space multinomial naive Bayes', () => {
  it('when trained on a tiny set, then it predicts the class of a similar text', () => {
    const space = buildFeatureSpace(docs, { minDf: 1 });
    const nb = trainNaiveBayes(docs.map((d) => space.countVector(d)), y, 2, space.size);
    expect(argmax(naiveBayesScores(nb, space.countVector(['parcel', 'refund'])))).toBe(0);
    expect(argmax(naiveBayesScores(nb, space.countVector(['staff', 'rude'])))).toBe(1);
  });

  it('when a text has thousands of tokens, then scores stay finite and the answer is still right (no underflow)', () => {
    const space = buildFeatureSpace(docs, { minDf: 1 });
    const nb = trainNaiveBayes(docs.map((d) => space.countVector(d)), y, 2, space.size);
    const long = Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? 'rude' : 'staff'));
    const scores = naiveBayesScores(nb, space.countVector(long));
    expect(scores.every((s) => Number.isFinite(s))).toBe(true);
    expect(argmax(scores)).toBe(1);
  });

  it("when natural's BayesClassifier sees a long text, then every class scores 0 (why it is only a baseline)", () => {
    const words = Array.from({ length: 600 }, (_, i) => `w${i}`);
    const c = new BayesClassifier();
    for (let d = 0; d < 200; d++) {
      c.addDocument([words[(d * 3) % 600], words[(d * 3 + 1) % 600], words[(d * 3 + 2) % 600]] as string[], d % 2 ? 'a' : 'b');
    }
    c.train();
    // a text with 300 distinct known words: exp(Σ log p) is below the smallest double for both classes
    expect(c.getClassifications(words.slice(0, 300)).every((x) => x.value === 0)).toBe(true);
  });
});

describe('softmax regression', () => {
  const space = buildFeatureSpace(docs, { minDf: 1 });
  const X = docs.map((d) => space.vectorize(d));

  it('when trained on separable data, then it classifies the training texts and similar ones', () => {
    const m = trainSoftmax(X, y, 2, space.size, { l2: 1e-4 });
    X.forEach((x, i) => expect(argmax(softmaxLogits(m, x))).toBe(y[i]));
    expect(argmax(softmaxLogits(m, space.vectorize(['lost', 'parcel'])))).toBe(0);
  });

  it('when trained twice on the same data, then the weights are identical (deterministic)', () => {
    const a = trainSoftmax(X, y, 2, space.size, { l2: 1e-3 });
    const b = trainSoftmax(X, y, 2, space.size, { l2: 1e-3 });
    expect([...a.weights]).toEqual([...b.weights]);
  });

  it('when a class is weighted up, then its probability on an ambiguous text rises', () => {
    const ambiguous = space.vectorize(['refund', 'rude']);
    const p = (w: number[]) => softmaxInPlace(softmaxLogits(trainSoftmax(X, y, 2, space.size, { l2: 1e-2, classWeights: w }), ambiguous))[1] as number;
    expect(p([1, 5])).toBeGreaterThan(p([1, 1]));
  });

  it('when L-BFGS minimises a quadratic, then it finds the minimum', () => {
    const x = minimizeLbfgs(
      (v, g) => {
        g[0] = 2 * ((v[0] as number) - 3);
        g[1] = 20 * ((v[1] as number) + 1);
        return ((v[0] as number) - 3) ** 2 + 10 * ((v[1] as number) + 1) ** 2;
      },
      new Float64Array(2),
      { maxIterations: 100, tolerance: 1e-12 },
    );
    expect(x[0]).toBeCloseTo(3, 4);
    expect(x[1]).toBeCloseTo(-1, 4);
  });

  it('when softmax uses a temperature above 1, then the distribution is flatter', () => {
    const sharp = softmaxInPlace(Float64Array.from([2, 0]), 1);
    const flat = softmaxInPlace(Float64Array.from([2, 0]), 4);
    expect(flat[0]).toBeLessThan(sharp[0] as number);
    expect((flat[0] as number) + (flat[1] as number)).toBeCloseTo(1, 10);
  });

  it('when a priority label reaches its threshold, then it is chosen over the most likely label', () => {
    const labels = ['general', 'important', 'major'];
    expect(decide(labels, [0.6, 0.3, 0.1], { label: 'major', threshold: 0.08 })).toBe(2);
    expect(decide(labels, [0.6, 0.35, 0.05], { label: 'major', threshold: 0.08 })).toBe(0);
    expect(decide(labels, [0.6, 0.35, 0.05], null)).toBe(0);
  });
});
