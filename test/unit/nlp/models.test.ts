import { BayesClassifier } from 'natural/lib/natural/classifiers';
import { buildFeatureSpace } from '../../../src/nlp/features';
import { linearScores, trainComplementNB, trainMultinomialNB } from '../../../src/nlp/models/naive-bayes';
import { nbsvmLogits, trainNbsvm } from '../../../src/nlp/models/nbsvm';
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
    const nb = trainMultinomialNB(docs.map((d) => space.countVector(d)), y, 2, space.size);
    expect(argmax(linearScores(nb, space.countVector(['parcel', 'refund'])))).toBe(0);
    expect(argmax(linearScores(nb, space.countVector(['staff', 'rude'])))).toBe(1);
  });

  it('when a text has thousands of tokens, then scores stay finite and the answer is still right (no underflow)', () => {
    const space = buildFeatureSpace(docs, { minDf: 1 });
    const nb = trainMultinomialNB(docs.map((d) => space.countVector(d)), y, 2, space.size);
    const long = Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? 'rude' : 'staff'));
    const scores = linearScores(nb, space.countVector(long));
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

describe('textbook multinomial naive Bayes', () => {
  it('when α is given, then P(feature | class) is (count + α) / (class total + α × vocabulary), and the prior is the class share', () => {
    const space = buildFeatureSpace([['a', 'a', 'b'], ['c']], { minDf: 1 });
    const nb = trainMultinomialNB([space.countVector(['a', 'a', 'b']), space.countVector(['c'])], [0, 1], 2, space.size, { alpha: 0.5 });
    const a = space.indexOf('a') as number;
    expect(Math.exp(nb.weights[a * 2] as number)).toBeCloseTo((2 + 0.5) / (3 + 0.5 * 3), 12);
    expect(Math.exp(nb.weights[a * 2 + 1] as number)).toBeCloseTo(0.5 / (1 + 0.5 * 3), 12);
    expect(Math.exp(nb.bias[0] as number)).toBeCloseTo(0.5, 12);
  });
});

describe('Complement naive Bayes', () => {
  const skewed = [...Array.from({ length: 20 }, (_, i) => (i % 2 ? ['engine', 'noise', 'rattle'] : ['engine', 'noise', 'gearbox'])), ['dealer', 'rude', 'noise'], ['dealer', 'rude']];
  const ys = [...Array(20).fill(0), 1, 1];

  it('when a class is rare, then a text with its words still goes to it', () => {
    const space = buildFeatureSpace(skewed, { minDf: 1 });
    const cnb = trainComplementNB(skewed.map((d) => space.countVector(d)), ys, 2, space.size);
    expect(argmax(linearScores(cnb, space.countVector(['dealer', 'rude', 'noise'])))).toBe(1);
    expect(argmax(linearScores(cnb, space.countVector(['engine', 'gearbox'])))).toBe(0);
  });

  it("when weights are built, then each class's weights are normalised to a total magnitude of 1", () => {
    const space = buildFeatureSpace(skewed, { minDf: 1 });
    const cnb = trainComplementNB(skewed.map((d) => space.countVector(d)), ys, 2, space.size);
    for (let k = 0; k < 2; k++) {
      let sum = 0;
      for (let j = 0; j < space.size; j++) sum += Math.abs(cnb.weights[j * 2 + k] as number);
      expect(sum).toBeCloseTo(1, 10);
    }
  });
});

describe('NBSVM', () => {
  it('when trained one-vs-rest, then each class scores highest on texts with its words', () => {
    const three = [...docs, ['invoice', 'double', 'charge'], ['charge', 'fee', 'invoice']];
    const y3 = [...y, 2, 2];
    const space = buildFeatureSpace(three, { minDf: 1 });
    const m = trainNbsvm(three.map((d) => space.vectorize(d)), y3, 3, space.size, { l2: 1e-3 });
    expect(argmax(nbsvmLogits(m, space.vectorize(['parcel', 'lost'])))).toBe(0);
    expect(argmax(nbsvmLogits(m, space.vectorize(['rude', 'agent'])))).toBe(1);
    expect(argmax(nbsvmLogits(m, space.vectorize(['double', 'fee'])))).toBe(2);
  });

  it('when a feature occurs only in one class, then its log-count ratio for that class is positive and for the others negative', () => {
    const space = buildFeatureSpace(docs, { minDf: 1 });
    const m = trainNbsvm(docs.map((d) => space.vectorize(d)), y, 2, space.size);
    const rude = space.indexOf('rude') as number;
    expect(m.ratios[rude * 2 + 1]).toBeGreaterThan(0);
    expect(m.ratios[rude * 2]).toBeLessThan(0);
  });

  it("when a class's positives are weighted up, then its score on an ambiguous text rises", () => {
    const space = buildFeatureSpace(docs, { minDf: 1 });
    const X = docs.map((d) => space.vectorize(d));
    const ambiguous = space.vectorize(['refund', 'rude']);
    const plain = nbsvmLogits(trainNbsvm(X, y, 2, space.size, { l2: 1e-2 }), ambiguous);
    const up = nbsvmLogits(trainNbsvm(X, y, 2, space.size, { l2: 1e-2, positiveWeights: [1, 5] }), ambiguous);
    expect(up[1]).toBeGreaterThan(plain[1] as number);
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
