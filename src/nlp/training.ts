/**
 * Training: analyse texts (normalise, rule detectors, tokens) → learn a Chinese lexicon → TF-IDF
 * vocabulary → for each head (category, severity) choose the L2 penalty and the class-weight power by
 * stratified k-fold cross-validation, fit the softmax temperature on the out-of-fold logits, choose
 * the recall-first thresholds (safety, major) on the out-of-fold probabilities with the rules applied,
 * and train the final weights on all examples. Deterministic for a given seed.
 */
import { CATEGORIES, type Category, SEVERITIES, type Severity } from '../domain/taxonomy';
import { fitTemperature } from './calibration';
import { datasetHash, type Example, textBucket } from './dataset';
import { choosePriorityThreshold, decide } from './decision';
import { buildFeatureSpace, type FeatureSpace, type SparseVector } from './features';
import { evaluate } from './metrics';
import { encodeFloat32, MODEL_FORMAT, type ModelFile, type ModelHead, quantizeWeights } from './model-file';
import { argmax, softmaxInPlace, softmaxLogits, trainSoftmax } from './models/softmax';
import { analyzeText, type TextAnalysis } from './pipeline';
import { stratifiedFolds } from './random';
import { applyRules } from './rules/apply';
import { prepareText } from './text/normalize';
import { learnLexicon, Tokenizer, type TokenizerSettings } from './text/tokenizer';

export interface TrainingOptions {
  /** Seed of the cross-validation folds. Default 42. */
  seed?: number;
  /** Cross-validation folds for hyper-parameters and calibration. Default 5. */
  folds?: number;
  /** Candidate L2 penalties. Default [3e-4] (chosen by repeated cross-validation on real complaint sets, see EVAL.md). */
  l2Grid?: readonly number[];
  /** Candidate class-weight powers (weight = (n / (K · n_class))^power; 0 = unweighted, 1 = balanced). Default [1]. */
  classWeightPowers?: readonly number[];
  tokenizer?: Partial<TokenizerSettings>;
  /** Minimum document frequency of a feature. Default 2. */
  minDf?: number;
  /** Vocabulary size at most. Default 40,000. */
  maxFeatures?: number;
  /** A Chinese word joins the lexicon when Intl.Segmenter finds it in this many texts. Default 2. */
  lexiconMinCount?: number;
  /** Cross-validated recall (rules included) the `safety` and `major` decision thresholds aim for. Default 0.95. */
  targetRecall?: number;
  /** Metadata recorded in the model. */
  sources?: readonly string[];
  feedbackExamples?: number;
  holdout?: ModelFile['holdout'];
  now?: Date;
  onProgress?: (message: string) => void;
}

export const DEFAULT_TOKENIZER_SETTINGS: TokenizerSettings = { charUnigrams: true, charBigrams: true, englishCharGrams: true, words: true, signals: true };

/** How much better (cross-validated macro-F1) a richer tokenizer variant must be to be kept. */
export const VARIANT_MARGIN = 0.005;

/** The label of each head that gets a recall-first threshold. */
export const PRIORITY_LABELS = { category: 'safety' as Category, severity: 'major' as Severity };

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
  priority: ModelHead['priority'];
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
  /** Calibrated out-of-fold probabilities of the chosen hyper-parameters (null without CV). */
  oof: Float64Array[] | null;
}

/** Scores a grid point from its (uncalibrated) out-of-fold logits: higher is better. */
type GridScore = (oofLogits: readonly Float64Array[], labels: readonly string[]) => { score: number; accuracy: number; macroF1: number };

const macroF1Score =
  (truth: readonly string[]): GridScore =>
  (oof, labels) => {
    const r = evaluate(
      truth,
      oof.map((z) => labels[argmax(z)] as string),
    );
    // macro-F1 first, accuracy breaks ties
    return { score: r.macroF1 + r.accuracy * 1e-6, accuracy: r.accuracy, macroF1: r.macroF1 };
  };

function fitHead(
  X: readonly SparseVector[],
  labelsOfExamples: readonly string[],
  labelOrder: readonly string[],
  dim: number,
  options: TrainingOptions,
  name: string,
  grid: { l2: readonly number[]; powers: readonly number[] } = { l2: options.l2Grid ?? [3e-4], powers: options.classWeightPowers ?? [1] },
  gridScore: GridScore = macroF1Score(labelsOfExamples),
): HeadFit {
  const labels = labelOrder.filter((l) => labelsOfExamples.includes(l));
  const y = labelsOfExamples.map((l) => labels.indexOf(l));
  const K = labels.length;
  const folds = options.folds ?? 5;
  const seed = options.seed ?? 42;
  const progress = options.onProgress ?? (() => undefined);
  const results: GridResult[] = [];
  let chosen: (GridResult & { score: number }) | null = null;
  let oofLogits: Float64Array[] | null = null;
  // Too few examples for cross-validation: use the first grid point and no calibration.
  if (K >= 2 && X.length >= folds * 4) {
    const fold = stratifiedFolds(labelsOfExamples, folds, seed);
    for (const l2 of grid.l2) {
      for (const power of grid.powers) {
        const oof: Float64Array[] = new Array<Float64Array>(X.length);
        for (let f = 0; f < folds; f++) {
          const tr = [...X.keys()].filter((i) => fold[i] !== f);
          const yTr = tr.map((i) => y[i] as number);
          const m = trainSoftmax(
            tr.map((i) => X[i] as SparseVector),
            yTr,
            K,
            dim,
            { l2, classWeights: classWeights(yTr, K, power) },
          );
          X.forEach((x, i) => {
            if (fold[i] === f) oof[i] = softmaxLogits(m, x);
          });
        }
        const s = gridScore(oof, labels);
        const result = { l2, classWeightPower: power, accuracy: s.accuracy, macroF1: s.macroF1 };
        results.push(result);
        progress(`${name}: l2=${l2} power=${power} cv accuracy ${s.accuracy.toFixed(3)} macro-F1 ${s.macroF1.toFixed(3)} score ${s.score.toFixed(3)}`);
        if (!chosen || s.score > chosen.score) {
          chosen = { ...result, score: s.score };
          oofLogits = oof;
        }
      }
    }
  }
  const l2 = chosen?.l2 ?? (grid.l2[0] as number);
  const power = chosen?.classWeightPower ?? (grid.powers[0] as number);
  const temperature = oofLogits ? fitTemperature(oofLogits, y) : 1;
  const final = trainSoftmax(X, y, K, dim, { l2, classWeights: classWeights(y, K, power) });
  const q = quantizeWeights(final.weights, K);
  const best = chosen ? { l2: chosen.l2, classWeightPower: chosen.classWeightPower, accuracy: chosen.accuracy, macroF1: chosen.macroF1 } : null;
  return {
    head: {
      labels,
      temperature,
      bias: [...final.bias],
      scales: q.scales,
      weights: q.weights,
      hyper: { l2, classWeightPower: power },
      priority: null,
      cv: best ? { folds, accuracy: best.accuracy, macroF1: best.macroF1 } : null,
    },
    report: { labels, examples: X.length, grid: results, chosen: best, temperature, priority: null },
    oof: oofLogits ? oofLogits.map((z) => softmaxInPlace(Float64Array.from(z), temperature)) : null,
  };
}

/**
 * The lowest score threshold at which `label` reaches the target recall, given the examples already
 * decided positive by other means (rules, the head's own argmax): scores are taken best first.
 */
export function thresholdForRecall(
  scores: readonly number[],
  positive: readonly boolean[],
  alreadyPositive: readonly boolean[],
  targetRecall: number,
): { threshold: number; recall: number; precision: number } {
  const support = positive.filter(Boolean).length;
  let tp = 0;
  positive.forEach((p, i) => {
    if (p && alreadyPositive[i]) tp++;
  });
  const order = [...scores.keys()].filter((i) => !alreadyPositive[i]).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let threshold = 1;
  for (const i of order) {
    if (support === 0 || tp / support >= targetRecall) break;
    threshold = scores[i] as number;
    if (positive[i]) tp++;
  }
  let predicted = 0;
  tp = 0;
  positive.forEach((p, i) => {
    const yes = alreadyPositive[i] === true || (scores[i] as number) >= threshold;
    if (yes) predicted++;
    if (yes && p) tp++;
  });
  return { threshold, recall: support ? tp / support : 1, precision: predicted ? tp / predicted : 0 };
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function recallPrecision(truth: readonly string[], predicted: readonly string[], label: string): { recall: number; precision: number } {
  let tp = 0;
  let support = 0;
  let predictedN = 0;
  truth.forEach((t, i) => {
    if (t === label) support++;
    if (predicted[i] === label) predictedN++;
    if (t === label && predicted[i] === label) tp++;
  });
  return { recall: support ? tp / support : 1, precision: predictedN ? tp / predictedN : 0 };
}

/** `tfidf-softmax@YYYY-MM-DD.<first 8 hex of the data hash>` */
export function modelVersion(trainedAt: Date, dataHash: string): string {
  return `tfidf-softmax@${trainedAt.toISOString().slice(0, 10)}.${dataHash.slice(0, 8)}`;
}

/** Analysed texts, vocabulary and vectors of a training set. */
export interface PreparedCorpus {
  analyses: TextAnalysis[];
  features: FeatureSpace;
  vectors: SparseVector[];
  lexicon: string[];
  tokenizer: Tokenizer;
}

export function prepareCorpus(texts: readonly string[], options: TrainingOptions = {}): PreparedCorpus {
  const settings: TokenizerSettings = { ...DEFAULT_TOKENIZER_SETTINGS, ...options.tokenizer };
  const lexicon = settings.words ? learnLexicon(texts.map((t) => prepareText(t).normalized), options.lexiconMinCount ?? 2) : [];
  const tokenizer = new Tokenizer(settings, lexicon);
  const analyses = texts.map((t) => analyzeText(t, tokenizer));
  const features = buildFeatureSpace(
    analyses.map((a) => a.tokens),
    { minDf: options.minDf ?? 2, maxFeatures: options.maxFeatures ?? 40_000 },
  );
  return { analyses, features, vectors: analyses.map((a) => features.vectorize(a.tokens)), lexicon: [...tokenizer.lexicon], tokenizer };
}

/** Train a complete model (category head, and a severity head when severities are labelled). */
export function trainModel(examples: readonly Example[], options: TrainingOptions = {}): TrainingResult {
  if (examples.length === 0) throw new Error('no training examples');
  const categories = new Set(examples.map((e) => e.label));
  if (categories.size < 2) throw new Error(`training needs at least two categories; found only ${[...categories].join(', ')}`);
  const progress = options.onProgress ?? (() => undefined);
  const targetRecall = options.targetRecall ?? 0.95;
  const truthCategories = examples.map((e) => e.label);
  // Tokenizer variants compared by the category head's cross-validated macro-F1 (English character
  // 4-grams can help short messages and hurt long narratives), simplest first: a richer variant
  // (bigger, slower model) is kept only when it wins by more than VARIANT_MARGIN.
  const latinShare = examples.filter((e) => /[a-z]{3}/i.test(e.text)).length / examples.length;
  const variants = options.tokenizer ? [options.tokenizer] : latinShare >= 0.1 ? [{ englishCharGrams: false }, { englishCharGrams: true }] : [{}];
  let corpus: PreparedCorpus | null = null;
  let category: HeadFit | null = null;
  let bestScore = -Infinity;
  for (const variant of variants) {
    const c = prepareCorpus(
      examples.map((e) => e.text),
      { ...options, tokenizer: variant },
    );
    progress(`${examples.length} examples, ${c.lexicon.length} lexicon words, ${c.features.size} features, tokenizer ${JSON.stringify(variant)}`);
    const fit = fitHead(c.vectors, truthCategories, CATEGORIES, c.features.size, options, 'category');
    const score = fit.report.chosen ? fit.report.chosen.macroF1 + fit.report.chosen.accuracy * 1e-6 : 0;
    if (!category || score > bestScore + VARIANT_MARGIN) {
      corpus = c;
      category = fit;
      bestScore = score;
    }
  }
  if (!corpus || !category) throw new Error('no tokenizer variant');
  const dim = corpus.features.size;

  // Category as the rules would leave it, for a safety threshold t (out-of-fold probabilities).
  const categoryAt = (t: number | null): Category[] =>
    (category.oof ?? []).map((p, i) => {
      const labels = category.head.labels;
      const k = decide(labels, p, t === null ? null : { label: PRIORITY_LABELS.category, threshold: t });
      const a = corpus.analyses[i] as TextAnalysis;
      const s = labels.indexOf('safety');
      return applyRules({
        text: a.prepared.normalized,
        traditional: a.prepared.traditional,
        category: labels[k] as Category,
        severity: 'general',
        safetyProbability: s >= 0 ? (p[s] as number) : 0,
        findings: a.findings,
      }).category;
    });
  let oofCategories: Category[] | null = null;
  if (category.oof && category.head.labels.includes(PRIORITY_LABELS.category)) {
    const c = choosePriorityThreshold((t) => recallPrecision(truthCategories, categoryAt(t), PRIORITY_LABELS.category), targetRecall);
    category.head.priority = { label: PRIORITY_LABELS.category, threshold: c.threshold, targetRecall, cvRecall: c.recall, cvPrecision: c.precision, detector: null };
    category.report.priority = category.head.priority;
    oofCategories = categoryAt(c.threshold);
    progress(`category: ${PRIORITY_LABELS.category} threshold ${c.threshold} (cv recall ${c.recall.toFixed(3)}, precision ${c.precision.toFixed(3)}, rules on)`);
  } else if (category.oof) {
    oofCategories = categoryAt(null);
  }

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
  if (severity?.oof && oofCategories && severity.head.labels.includes(PRIORITY_LABELS.severity)) {
    // A binary "major vs the rest" detector ranks major complaints better than the three-way head;
    // its threshold is the highest that brings recall (rules and the three-way head included) to the target.
    const major = PRIORITY_LABELS.severity;
    const sevLabels = severity.head.labels;
    const truth = withSeverity.map(({ e }) => e.severity === major);
    const already = withSeverity.map(({ i }, j) => {
      const a = corpus.analyses[i] as TextAnalysis;
      const own = sevLabels[argmax(severity.oof?.[j] as Float64Array)] as Severity;
      const ruled = applyRules({
        text: a.prepared.normalized,
        traditional: a.prepared.traditional,
        category: oofCategories[i] as Category,
        severity: 'general',
        safetyProbability: 0,
        findings: a.findings,
      }).severity;
      return own === major || ruled === major;
    });
    const binary = truth.map((t) => (t ? major : 'rest'));
    const detector = fitHead(
      withSeverity.map(({ i }) => corpus.vectors[i] as SparseVector),
      binary,
      ['rest', major],
      dim,
      options,
      `${major} detector`,
      { l2: [3e-4, 1e-3, 3e-3], powers: [0.5] },
      (oof) => {
        const scores = oof.map((z) => (softmaxInPlace(Float64Array.from(z)) as Float64Array)[1] as number);
        const r = thresholdForRecall(scores, truth, already, targetRecall);
        return { score: r.precision, accuracy: r.recall, macroF1: r.precision };
      },
    );
    if (detector.oof) {
      const scores = detector.oof.map((p) => p[1] as number);
      const c = thresholdForRecall(scores, truth, already, targetRecall);
      const { priority: _p, ...detectorHead } = detector.head;
      severity.head.priority = { label: major, threshold: c.threshold, targetRecall, cvRecall: c.recall, cvPrecision: c.precision, detector: detectorHead };
      severity.report.priority = severity.head.priority;
      progress(`severity: ${major} detector threshold ${c.threshold.toFixed(3)} (cv recall ${c.recall.toFixed(3)}, precision ${c.precision.toFixed(3)}, rules on)`);
    }
  }

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
      categories: countBy(truthCategories),
      severities: countBy(withSeverity.map(({ e }) => e.severity as string)),
    },
    holdout: options.holdout ?? null,
    tokenizer: corpus.tokenizer.settings,
    lexicon: corpus.lexicon,
    vocabulary: [...corpus.features.terms],
    idf: encodeFloat32(corpus.features.idf),
    category: category.head,
    severity: severity?.head ?? null,
  };
  return { model, category: category.report, severity: severity?.report ?? null, vocabularySize: dim, lexiconSize: corpus.lexicon.length };
}

/**
 * Split examples into training and held-out sets by a salted hash of their normalised text: an example
 * stays on the same side when rows are added or removed, and duplicates never straddle the split.
 */
export function splitHoldout<T extends { text: string }>(examples: readonly T[], salt: string, fraction: number): { train: T[]; holdout: T[] } {
  const train: T[] = [];
  const holdout: T[] = [];
  for (const e of examples) (fraction > 0 && textBucket(prepareText(e.text).normalized, salt) < fraction ? holdout : train).push(e);
  return { train, holdout };
}
