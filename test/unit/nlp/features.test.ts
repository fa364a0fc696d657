import { TfIdf } from 'natural/lib/natural/tfidf';
import { buildFeatureSpace, naturalIdf } from '../../../src/nlp/features';

describe('features', () => {
  const docs = [
    ['refund', 'late', 'refund'],
    ['refund', 'rude'],
    ['rude', 'staff'],
    ['late', 'parcel'],
  ];

  it("when idf is computed, then it equals natural's TfIdf.idf", () => {
    const tfidf = new TfIdf();
    for (const d of docs) tfidf.addDocument(d);
    const space = buildFeatureSpace(docs, { minDf: 1 });
    for (const term of ['refund', 'late', 'rude', 'staff']) {
      const i = space.indexOf(term) as number;
      expect(space.idf[i]).toBeCloseTo(tfidf.idf(term), 5);
    }
    expect(naturalIdf(0, 4)).toBeCloseTo(1 + Math.log(4), 10);
  });

  it('when terms are rarer than minDf, then they are pruned from the vocabulary', () => {
    const space = buildFeatureSpace(docs, { minDf: 2 });
    expect([...space.terms].sort()).toEqual(['late', 'refund', 'rude']);
  });

  it('when a document is vectorized, then the vector has unit length, sublinear tf, and ignores unknown tokens', () => {
    const space = buildFeatureSpace(docs, { minDf: 1 });
    const v = space.vectorize(['refund', 'refund', 'unknown', 'rude']);
    expect(v.indices.length).toBe(2);
    const norm = Math.sqrt([...v.values].reduce((a, x) => a + x * x, 0));
    expect(norm).toBeCloseTo(1, 5);
    const at = (t: string) => v.values[[...v.indices].indexOf(space.indexOf(t) as number)] as number;
    const idf = (t: string) => space.idf[space.indexOf(t) as number] as number;
    expect(at('refund') / at('rude')).toBeCloseTo(((1 + Math.log(2)) * idf('refund')) / idf('rude'), 4);
  });

  it('when nothing is known, then the vector is empty', () => {
    expect(buildFeatureSpace(docs).vectorize(['nothing']).indices.length).toBe(0);
  });

  it('when maxFeatures is set, then the most frequent terms are kept', () => {
    expect(buildFeatureSpace(docs, { minDf: 1, maxFeatures: 2 }).terms).toEqual(['late', 'refund']);
  });
});
