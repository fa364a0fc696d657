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
import { type LinearHead, decodeFloat32, dequantizeWeights, type ModelFile, type ModelHead, readModelFile } from './model-file';
import { decide, type Priority } from './decision';
import { softmaxInPlace, softmaxLogits, type SoftmaxWeights } from './models/softmax';
import { Featurizer } from './featurizer';
import { analyzeFast, tokenizerOptionsOf } from './pipeline';
import { applyRules, type Findings } from './rules';
import { createLexicon, type TokenizerOptions } from './tokenizer';

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

interface RuntimeLinear {
  labels: string[];
  temperature: number;
  weights: SoftmaxWeights;
}

interface RuntimeHead extends RuntimeLinear {
  priority: (Priority & { detector: RuntimeLinear | null }) | null;
}

function runtimeLinear(head: LinearHead, dim: number): RuntimeLinear {
  return {
    labels: head.labels,
    temperature: head.temperature,
    weights: { classes: head.labels.length, dim, weights: dequantizeWeights(head, dim), bias: Float64Array.from(head.bias) },
  };
}

function runtimeHead(head: ModelHead, dim: number): RuntimeHead {
  const p = head.priority;
  return {
    ...runtimeLinear(head, dim),
    priority: p ? { label: p.label, threshold: p.threshold, detector: p.detector ? runtimeLinear(p.detector, dim) : null } : null,
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
  /** The model's category decision (the most likely, or safety above its recall-first threshold). */
  category: Category | null;
  /** Calibrated severity probabilities, best first (empty when the model has no severity head). */
  severities: LabelProbability<Severity>[];
  /** The model's severity decision (major above its recall-first threshold), before the rules. */
  severity: Severity | null;
  /** What the rule detectors found (used by classify). */
  findings: Findings;
}

/** What a head was trained with, for reports (no weights). */
export interface HeadSummary {
  labels: string[];
  temperature: number;
  hyper: ModelHead['hyper'];
  cv: ModelHead['cv'];
  priority: (Omit<NonNullable<ModelHead['priority']>, 'detector'> & { detector: boolean }) | null;
}

function summarize(head: ModelHead): HeadSummary {
  const { labels, temperature, hyper, cv, priority } = head;
  return { labels, temperature, hyper, cv, priority: priority ? { ...priority, detector: priority.detector !== null } : null };
}

export class TrainedClassifier implements Classifier {
  readonly version: string;
  readonly model: Readonly<Omit<ModelFile, 'vocabulary' | 'idf' | 'lexicon' | 'category' | 'severity'>>;
  readonly heads: { category: HeadSummary; severity: HeadSummary | null };
  private readonly features: FeatureSpace;
  private readonly featurizer: Featurizer;
  private readonly signalFeature: Uint8Array;
  private readonly options: TokenizerOptions & { signals: boolean };
  private readonly category: RuntimeHead;
  private readonly severity: RuntimeHead | null;
  private readonly prior: LabelProbability<Category>[];

  constructor(file: ModelFile) {
    const dim = file.vocabulary.length;
    for (const l of file.category.labels) if (!isCategory(l)) throw new Error(`model ${file.version}: unknown category "${l}"`);
    for (const l of file.severity?.labels ?? []) if (!isSeverity(l)) throw new Error(`model ${file.version}: unknown severity "${l}"`);
    this.features = new FeatureSpace(file.vocabulary, decodeFloat32(file.idf, dim));
    this.signalFeature = Uint8Array.from(file.vocabulary, (t) => (t.startsWith('!') ? 1 : 0));
    this.options = { ...tokenizerOptionsOf(file.tokenizer, createLexicon(file.lexicon)), signals: file.tokenizer.signals };
    this.featurizer = new Featurizer(this.features, this.options);
    this.category = runtimeHead(file.category, dim);
    this.severity = file.severity ? runtimeHead(file.severity, dim) : null;
    this.version = file.version;
    const { vocabulary: _v, idf: _i, lexicon: _l, category: _c, severity: _s, ...meta } = file;
    this.model = meta;
    this.heads = { category: summarize(file.category), severity: file.severity ? summarize(file.severity) : null };
    const prior = softmaxInPlace(Float64Array.from(file.category.bias), file.category.temperature);
    this.prior = this.rank(this.category.labels as Category[], prior);
  }

  /** Load `<dir>/model.json`. */
  static fromDirectory(dir: string): TrainedClassifier {
    return new TrainedClassifier(readModelFile(dir));
  }

  /** Labels with their probabilities, best first (insertion sort: a handful of labels, no closures). */
  private rank<L extends string>(labels: readonly L[], p: Float64Array): LabelProbability<L>[] {
    const out: LabelProbability<L>[] = [];
    for (let k = 0; k < labels.length; k++) {
      const item = { label: labels[k] as L, probability: p[k] as number };
      let j = out.length;
      out.push(item);
      while (j > 0 && (out[j - 1] as LabelProbability<L>).probability < item.probability) {
        out[j] = out[j - 1] as LabelProbability<L>;
        j--;
      }
      out[j] = item;
    }
    return out;
  }

  private scores(head: RuntimeLinear, x: SparseVector): Float64Array {
    return softmaxInPlace(softmaxLogits(head.weights, x), head.temperature);
  }

  /** The head's label index: its recall-first label when that reaches its threshold, else the most likely. */
  private decideHead(head: RuntimeHead, p: Float64Array, x: SparseVector): number {
    const pr = head.priority;
    if (pr?.detector) {
      const k = head.labels.indexOf(pr.label);
      const d = pr.detector.labels.indexOf(pr.label);
      if (k >= 0 && d >= 0 && (this.scores(pr.detector, x)[d] as number) >= pr.threshold) return k;
      return decide(head.labels, p, null);
    }
    return decide(head.labels, p, pr);
  }

  /** The model's calibrated probabilities and decisions, without the rules. */
  predict(raw: string): ModelPrediction {
    const a = analyzeFast(raw, this.options.signals, this.featurizer);
    const x = a.vector;
    // Signal tokens alone (no word of the text is known) are not enough to decide a category.
    let known = false;
    for (let n = 0; n < x.indices.length && !known; n++) known = !this.signalFeature[x.indices[n] as number];
    // (object literals with every field, not spreads: they keep one fast object shape)
    if (!known) {
      return { text: a.prepared.normalized, traditional: a.prepared.traditional, features: 0, categories: [], category: null, severities: [], severity: null, findings: a.findings };
    }
    const pc = this.scores(this.category, x);
    const ps = this.severity ? this.scores(this.severity, x) : null;
    return {
      text: a.prepared.normalized,
      traditional: a.prepared.traditional,
      features: x.indices.length,
      categories: this.rank(this.category.labels as Category[], pc),
      category: this.category.labels[this.decideHead(this.category, pc, x)] as Category,
      severities: ps && this.severity ? this.rank(this.severity.labels as Severity[], ps) : [],
      severity: ps && this.severity ? (this.severity.labels[this.decideHead(this.severity, ps, x)] as Severity) : null,
      findings: a.findings,
    };
  }

  classify(raw: string, context: ClassificationContext = {}): Classification {
    const p = this.predict(typeof raw === 'string' ? raw : '');
    const best = p.categories[0];
    let category: Category = p.category ?? 'other';

    const outcome = applyRules({
      text: p.text,
      traditional: p.traditional,
      category,
      severity: p.severity ?? 'general',
      safetyProbability: probabilityIn(p.categories, 'safety'),
      isRepeat: context.isRepeat === true,
      findings: p.findings,
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
      confidence = probabilityIn(p.categories, category);
      candidates = [];
      let included = false;
      for (let k = 0; k < 3 && k < p.categories.length; k++) {
        const c = p.categories[k] as LabelProbability<Category>;
        candidates.push({ category: c.label, probability: c.probability });
        if (c.label === category) included = true;
      }
      // a category set by a rule (safety) comes first when the model did not rank it in its top 3
      if (!included) candidates = [{ category, probability: confidence }, ...candidates.slice(0, 2)];
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

function probabilityIn(list: readonly LabelProbability<Category>[], c: Category): number {
  for (const x of list) if (x.label === c) return x.probability;
  return 0;
}

/** Load a model directory (default: the shipped nlp-models/default). Throws ModelFileError when unreadable. */
export function loadModel(dir: string = defaultModelDir()): TrainedClassifier {
  return TrainedClassifier.fromDirectory(dir);
}

