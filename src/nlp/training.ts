/**
 * Training: tokenise → learn a Chinese lexicon → TF-IDF vocabulary → for each head (category,
 * severity) choose the L2 penalty and the class-weight power by stratified k-fold cross-validation,
 * fit the softmax temperature on the out-of-fold logits, and train the final weights on all examples.
 * Deterministic for a given seed.
 */
import { CATEGORIES, SEVERITIES } from '../domain/taxonomy';
import { datasetHash, type Example, textBucket } from './dataset';
import { buildFeatureSpace, type FeatureSpace, type SparseVector } from './features';
import { fitTemperature } from './calibration';
import { evaluate } from './metrics';
import { encodeFloat32, MODEL_FORMAT, type ModelFile, type ModelHead, quantizeWeights } from './model-file';
import { argmax, softmaxLogits, trainSoftmax } from './models/softmax';
import { stratifiedFolds } from './random';
import { buildLexicon, createLexicon, prepareText, type TokenizerSettings, tokenizePrepared } from './tokenizer';

export interface TrainingOptions {
  /** Seed of the cross-validation folds. Default 42. */
  seed?: number;
  /** Cross-validation folds for hyper-parameters and calibration. Default 5. */
  folds?: number;
  /** Candidate L2 penalties. Default [1e-4, 1e-3]. */
  l2Grid?: readonly number[];
  /** Candidate class-weight powers (weight = (n / (K · n_class))^power; 0 = unweighted). Default [0.5, 1]. */
  classWeightPowers?: readonly number[];
  tokenizer?: Partial<TokenizerSettings>;
  /** Minimum document frequency of a feature. Default 2. */
  minDf?: number;
  /** Vocabulary size at most. Default 40,000. */
  maxFeatures?: number;
  /** A Chinese word joins the lexicon when Intl.Segmenter finds it in this many texts. Default 2. */
  lexiconMinCount?: number;
  /** Metadata recorded in the model. */
  sources?: readonly string[];
  feedbackExamples?: number;
  holdout?: ModelFile['holdout'];
  now?: Date;
  onProgress?: (message: string) => void;
}

export const DEFAULT_TOKENIZER_SETTINGS: TokenizerSettings = { charUnigrams: true, charBigrams: true, englishBigrams: false, words: true };

export interface GridResult {
  l2: number;
  classWeightPower: number;
  accuracy: number;
  macroF1: number;
}

export interface HeadTrainingReport {
  labels: string[];
  examples: number;
  grid: GridResult[];
  chosen: GridResult | null;
  temperature: number;
}

export interface TrainingResult {
  model: ModelFile;
  category: HeadTrainingReport;
  severity: HeadTrainingReport | null;
  vocabularySize: number;
  lexiconSize: number;
}

function classWeights(y: readonly number[], K: number, power: number): number[] {
  const counts = new Array<number>(K).fill(0);
  for (const label of y) counts[label] = (counts[label] as number) + 1;
  return counts.map((c) => (c > 0 && power > 0 ? Math.pow(y.length / (K * c), power) : 1));
}

interface HeadFit {
  head: ModelHead;
  report: HeadTrainingReport;
}

function fitHead(
  X: readonly SparseVector[],
  labelsOfExamples: readonly string[],
  labelOrder: readonly string[],
  dim: number,
  options: TrainingOptions,
  name: string,
): HeadFit {
  const labels = labelOrder.filter((l) => labelsOfExamples.includes(l));
  const y = labelsOfExamples.map((l) => labels.indexOf(l));
  const K = labels.length;
  const folds = options.folds ?? 5;
  const seed = options.seed ?? 42;
  const l2Grid = options.l2Grid ?? [1e-4, 1e-3];
  const powers = options.classWeightPowers ?? [0.5, 1];
  const progress = options.onProgress ?? (() => undefined);
  const grid: GridResult[] = [];
  let chosen: GridResult | null = null;
  let oofForChosen: Float64Array[] | null = null;
  // Too few examples for cross-validation: use the first grid point and no calibration.
  const canCv = K >= 2 && X.length >= folds * 4;
  if (canCv) {
    const fold = stratifiedFolds(labelsOfExamples, folds, seed);
    for (const l2 of l2Grid) {
      for (const power of powers) {
        const oof: Float64Array[] = new Array<Float64Array>(X.length);
        for (let f = 0; f < folds; f++) {
          const tr = [...X.keys()].filter((i) => fold[i] !== f);
          const te = [...X.keys()].filter((i) => fold[i] === f);
          const yTr = tr.map((i) => y[i] as number);
          const m = trainSoftmax(
            tr.map((i) => X[i] as SparseVector),
            yTr,
            K,
            dim,
            { l2, classWeights: classWeights(yTr, K, power) },
          );
          for (const i of te) oof[i] = softmaxLogits(m, X[i] as SparseVector);
        }
        const predicted = oof.map((z) => labels[argmax(z)] as string);
        const r = evaluate(labelsOfExamples, predicted);
        const result = { l2, classWeightPower: power, accuracy: r.accuracy, macroF1: r.macroF1 };
        grid.push(result);
        progress(`${name}: l2=${l2} power=${power} cv accuracy ${r.accuracy.toFixed(3)} macro-F1 ${r.macroF1.toFixed(3)}`);
        if (!chosen || result.macroF1 > chosen.macroF1 + 1e-9 || (Math.abs(result.macroF1 - chosen.macroF1) <= 1e-9 && result.accuracy > chosen.accuracy)) {
          chosen = result;
          oofForChosen = oof;
        }
      }
    }
  }
  const l2 = chosen?.l2 ?? (l2Grid[0] as number);
  const power = chosen?.classWeightPower ?? (powers[0] as number);
  const temperature = oofForChosen ? fitTemperature(oofForChosen, y) : 1;
  const final = trainSoftmax(X, y, K, dim, { l2, classWeights: classWeights(y, K, power) });
  const q = quantizeWeights(final.weights, K);
  return {
    head: {
      labels,
      temperature,
      bias: [...final.bias],
      scales: q.scales,
      weights: q.weights,
      hyper: { l2, classWeightPower: power },
      cv: chosen ? { folds, accuracy: chosen.accuracy, macroF1: chosen.macroF1 } : null,
    },
    report: { labels, examples: X.length, grid, chosen, temperature },
  };
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** `tfidf-softmax@YYYY-MM-DD.<first 8 hex of the data hash>` */
export function modelVersion(trainedAt: Date, dataHash: string): string {
  return `tfidf-softmax@${trainedAt.toISOString().slice(0, 10)}.${dataHash.slice(0, 8)}`;
}

/** Features of a set of texts, shared by training and by evaluations that reuse a vocabulary. */
export interface PreparedCorpus {
  tokens: string[][];
  features: FeatureSpace;
  vectors: SparseVector[];
  lexicon: string[];
}

export function prepareCorpus(texts: readonly string[], options: TrainingOptions = {}): PreparedCorpus {
  const settings: TokenizerSettings = { ...DEFAULT_TOKENIZER_SETTINGS, ...options.tokenizer };
  const prepared = texts.map((t) => prepareText(t));
  const lexiconWords = settings.words ? [...buildLexicon(prepared.map((p) => p.normalized), options.lexiconMinCount ?? 2).words] : [];
  const lexicon = createLexicon(lexiconWords);
  const tokens = prepared.map((p) => tokenizePrepared(p.withPlaceholders, { ...settings, lexicon: settings.words ? lexicon : undefined }));
  const features = buildFeatureSpace(tokens, { minDf: options.minDf ?? 2, maxFeatures: options.maxFeatures ?? 40_000 });
  return { tokens, features, vectors: tokens.map((t) => features.vectorize(t)), lexicon: lexiconWords };
}

/** Train a complete model (category head, and a severity head when severities are labelled). */
export function trainModel(examples: readonly Example[], options: TrainingOptions = {}): TrainingResult {
  if (examples.length === 0) throw new Error('no training examples');
  const categories = new Set(examples.map((e) => e.label));
  if (categories.size < 2) throw new Error(`training needs at least two categories; found only ${[...categories].join(', ')}`);
  const settings: TokenizerSettings = { ...DEFAULT_TOKENIZER_SETTINGS, ...options.tokenizer };
  const progress = options.onProgress ?? (() => undefined);
  const corpus = prepareCorpus(
    examples.map((e) => e.text),
    options,
  );
  progress(`${examples.length} examples, ${corpus.lexicon.length} lexicon words, ${corpus.features.size} features`);
  const dim = corpus.features.size;
  const category = fitHead(
    corpus.vectors,
    examples.map((e) => e.label),
    CATEGORIES,
    dim,
    options,
    'category',
  );
  const withSeverity = examples.map((e, i) => ({ e, i })).filter(({ e }) => e.severity !== undefined);
  const severityLabels = new Set(withSeverity.map(({ e }) => e.severity));
  const severity =
    withSeverity.length >= 10 && severityLabels.size >= 2
      ? fitHead(
          withSeverity.map(({ i }) => corpus.vectors[i] as SparseVector),
          withSeverity.map(({ e }) => e.severity as string),
          SEVERITIES,
          dim,
          options,
          'severity',
        )
      : null;
  const trainedAt = options.now ?? new Date();
  const dataHash = datasetHash(examples);
  const model: ModelFile = {
    format: MODEL_FORMAT,
    version: modelVersion(trainedAt, dataHash),
    kind: 'tfidf-softmax',
    trainedAt: trainedAt.toISOString(),
    dataHash,
    data: {
      sources: [...(options.sources ?? [])],
      examples: examples.length,
      feedbackExamples: options.feedbackExamples ?? 0,
      categories: countBy(examples.map((e) => e.label)),
      severities: countBy(withSeverity.map(({ e }) => e.severity as string)),
    },
    holdout: options.holdout ?? null,
    tokenizer: settings,
    lexicon: corpus.lexicon,
    vocabulary: [...corpus.features.terms],
    idf: encodeFloat32(corpus.features.idf),
    category: category.head,
    severity: severity?.head ?? null,
  };
  return { model, category: category.report, severity: severity?.report ?? null, vocabularySize: dim, lexiconSize: corpus.lexicon.length };
}

/**
 * Split examples into training and held-out sets by a salted hash of their text: an example stays on
 * the same side when rows are added or removed, and duplicates of a text never straddle the split.
 */
export function splitHoldout<T extends { text: string }>(examples: readonly T[], salt: string, fraction: number): { train: T[]; holdout: T[] } {
  const train: T[] = [];
  const holdout: T[] = [];
  for (const e of examples) (fraction > 0 && textBucket(prepareText(e.text).normalized, salt) < fraction ? holdout : train).push(e);
  return { train, holdout };
}
