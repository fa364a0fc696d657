/**
 * TrainedClassifier: the Classifier port backed by a trained model directory (model.json).
 *
 *   const classifier = loadModel();                  // nlp-models/default
 *   const c = classifier.classify(text, { isRepeat });
 *   if (needsConfirmation(c)) askCustomerToPick(c.candidates);
 *
 * classify() never throws on bad input (empty, emoji only, HTML, 100 KB): text is truncated to a
 * bounded length, and text without known features gets `other` with low confidence.
 */
import path from 'node:path';
import type { CategoryCandidate, Classification, ClassificationContext, Classifier } from '../domain/classification';
import { type Category, isCategory, isSeverity, type Severity } from '../domain/taxonomy';
import { projectRoot } from '../support/paths';
import { FeatureSpace, type SparseVector } from './features';
import { decodeFloat32, dequantizeWeights, type ModelFile, type ModelHead, readModelFile } from './model-file';
import { softmaxInPlace, softmaxLogits, type SoftmaxWeights } from './models/softmax';
import { applyRules } from './rules';
import { createLexicon, type Lexicon, prepareText, tokenizePrepared, type TokenizerOptions } from './tokenizer';

/**
 * Below this calibrated confidence the dialog asks the customer to pick the category among
 * `candidates` (and the ticket records that the customer decided). See nlp-models/EVAL.md for the
 * share of tickets this asks about and the accuracy above it.
 */
export const CONFIRMATION_THRESHOLD = 0.6;

/** Confidence given to a text with no usable features (empty, emoji, unknown script). */
export const NO_EVIDENCE_CONFIDENCE = 0.05;

/** True when the classifier is not sure enough of the category to file without asking. */
export function needsConfirmation(c: Pick<Classification, 'confidence'>, threshold = CONFIRMATION_THRESHOLD): boolean {
  return c.confidence < threshold;
}

/** The shipped default model directory (`nlp-models/default`). */
export function defaultModelDir(): string {
  return path.join(projectRoot(), 'nlp-models', 'default');
}

interface RuntimeHead {
  labels: string[];
  temperature: number;
  weights: SoftmaxWeights;
}

function runtimeHead(head: ModelHead, dim: number): RuntimeHead {
  return {
    labels: head.labels,
    temperature: head.temperature,
    weights: { classes: head.labels.length, dim, weights: dequantizeWeights(head, dim), bias: Float64Array.from(head.bias) },
  };
}

export interface LabelProbability<L extends string> {
  label: L;
  probability: number;
}

/** What the model alone says (before the rules). */
export interface ModelPrediction {
  /** normalizeText of the input (what the rules read). */
  text: string;
  traditional: boolean;
  /** Number of distinct known features in the text (0: the model has nothing to go on). */
  features: number;
  /** Calibrated category probabilities, best first. */
  categories: LabelProbability<Category>[];
  /** Calibrated severity probabilities, best first (empty when the model has no severity head). */
  severities: LabelProbability<Severity>[];
}

export class TrainedClassifier implements Classifier {
  readonly version: string;
  readonly model: Readonly<Omit<ModelFile, 'vocabulary' | 'idf' | 'lexicon' | 'category' | 'severity'>>;
  private readonly features: FeatureSpace;
  private readonly tokenizerOptions: TokenizerOptions;
  private readonly category: RuntimeHead;
  private readonly severity: RuntimeHead | null;
  private readonly prior: LabelProbability<Category>[];

  constructor(file: ModelFile) {
    const dim = file.vocabulary.length;
    for (const l of file.category.labels) if (!isCategory(l)) throw new Error(`model ${file.version}: unknown category "${l}"`);
    for (const l of file.severity?.labels ?? []) if (!isSeverity(l)) throw new Error(`model ${file.version}: unknown severity "${l}"`);
    this.features = new FeatureSpace(file.vocabulary, decodeFloat32(file.idf, dim));
    const lexicon: Lexicon | undefined = file.tokenizer.words ? createLexicon(file.lexicon) : undefined;
    this.tokenizerOptions = { ...file.tokenizer, lexicon };
    this.category = runtimeHead(file.category, dim);
    this.severity = file.severity ? runtimeHead(file.severity, dim) : null;
    this.version = file.version;
    const { vocabulary: _v, idf: _i, lexicon: _l, category: _c, severity: _s, ...meta } = file;
    this.model = meta;
    const prior = softmaxInPlace(Float64Array.from(file.category.bias), file.category.temperature);
    this.prior = this.rank(this.category.labels as Category[], prior);
  }

  /** Load `<dir>/model.json`. */
  static fromDirectory(dir: string): TrainedClassifier {
    return new TrainedClassifier(readModelFile(dir));
  }

  private rank<L extends string>(labels: readonly L[], p: Float64Array): LabelProbability<L>[] {
    return labels.map((label, k) => ({ label, probability: p[k] as number })).sort((a, b) => b.probability - a.probability);
  }

  private scores(head: RuntimeHead, x: SparseVector): Float64Array {
    return softmaxInPlace(softmaxLogits(head.weights, x), head.temperature);
  }

  /** The model's calibrated probabilities, without the rules. */
  predict(raw: string): ModelPrediction {
    const prepared = prepareText(raw);
    const x = this.features.vectorize(tokenizePrepared(prepared.withPlaceholders, this.tokenizerOptions));
    if (x.indices.length === 0) {
      return { text: prepared.normalized, traditional: prepared.traditional, features: 0, categories: [], severities: [] };
    }
    return {
      text: prepared.normalized,
      traditional: prepared.traditional,
      features: x.indices.length,
      categories: this.rank(this.category.labels as Category[], this.scores(this.category, x)),
      severities: this.severity ? this.rank(this.severity.labels as Severity[], this.scores(this.severity, x)) : [],
    };
  }

  classify(raw: string, context: ClassificationContext = {}): Classification {
    const p = this.predict(typeof raw === 'string' ? raw : '');
    const best = p.categories[0];
    let category: Category = best ? best.label : 'other';
    const modelSeverity: Severity = p.severities[0]?.label ?? 'general';
    const probabilityOf = (c: Category) => p.categories.find((x) => x.label === c)?.probability ?? 0;
    const outcome = applyRules({
      text: p.text,
      traditional: p.traditional,
      category,
      severity: modelSeverity,
      safetyProbability: probabilityOf('safety'),
      isRepeat: context.isRepeat === true,
    });
    category = outcome.category;
    let candidates: CategoryCandidate[];
    let confidence: number;
    if (!best) {
      confidence = NO_EVIDENCE_CONFIDENCE;
      candidates = [
        { category, probability: confidence },
        ...this.prior.filter((c) => c.label !== category).slice(0, 2).map((c) => ({ category: c.label, probability: c.probability })),
      ];
    } else {
      confidence = probabilityOf(category);
      const top = p.categories.slice(0, 3).map((c) => ({ category: c.label, probability: c.probability }));
      candidates = top.some((c) => c.category === category) ? top : [{ category, probability: confidence }, ...top.slice(0, 2)];
    }
    return {
      category,
      severity: outcome.severity,
      confidence,
      highRisk: outcome.highRisk,
      reasons: outcome.reasons,
      candidates,
      modelVersion: this.version,
    };
  }
}

/** Load a model directory (default: the shipped nlp-models/default). Throws ModelFileError when unreadable. */
export function loadModel(dir: string = defaultModelDir()): TrainedClassifier {
  return TrainedClassifier.fromDirectory(dir);
}

