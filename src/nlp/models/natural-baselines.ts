/**
 * natural's own classifiers, for the comparisons in `npm run eval` only (never used to classify
 * tickets): BayesClassifier returns exp() of summed log-probabilities, which underflows to 0 for
 * every class on texts longer than a few dozen tokens, and both build dense vectors over the whole
 * vocabulary for every text.
 */
import { BayesClassifier, LogisticRegressionClassifier } from 'natural/lib/natural/classifiers';

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

/** natural's LogisticRegressionClassifier (slow to train: measured on a few documents only). */
export function trainNaturalLogisticRegression(docs: readonly (string | string[])[], labels: readonly string[]): NaturalModel {
  const c = new LogisticRegressionClassifier();
  docs.forEach((d, i) => c.addDocument(d, labels[i] as string));
  c.train();
  return { classify: (input) => c.classify(input) };
}
