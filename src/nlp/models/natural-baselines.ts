/**
 * natural's BayesClassifier, the speed baseline of `npm run bench` (never used to classify tickets):
 * it returns exp() of summed log-probabilities, which underflows to 0 for every class on texts longer
 * than a few dozen tokens, and builds a dense vector over the whole vocabulary for every text.
 */
import { BayesClassifier } from 'natural/lib/natural/classifiers';

export interface NaturalModel {
  classify(input: string | string[]): string;
}

/** natural's BayesClassifier, trained on raw texts (its default tokenizer and stemmer) or on our tokens. */
export function trainNaturalBayes(docs: readonly (string | string[])[], labels: readonly string[]): NaturalModel {
  const c = new BayesClassifier();
  docs.forEach((d, i) => c.addDocument(d, labels[i] as string));
  c.train();
  return { classify: (input) => c.classify(input) };
}
