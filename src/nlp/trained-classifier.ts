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
import { shippedAsset } from '../support/paths';
import { FeatureSpace, type SparseVector, Vectorizer } from './features';
import { type LinearHead, decodeFloat32, dequantizeWeights, type ModelFile, type ModelHead, readModelFile } from './model-file';
import type { Priority } from './decision';
import { argmax, softmaxInPlace } from './models/softmax';
import { analyzeToVector } from './pipeline';
import { applyRules } from './rules/apply';
import type { Findings } from './rules/detect';
import { Tokenizer } from './text/tokenizer';

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
  return shippedAsset(path.join('nlp-models', 'default'));
}

interface RuntimeLinear {
  labels: string[];
  temperature: number;
  /** Where this head's logits start in the fused logits (see FusedHeads). */
  offset: number;
}

interface RuntimeHead extends RuntimeLinear {
  priority: (Priority & { detector: RuntimeLinear | null }) | null;
}

/**
 * Every linear head (category, severity, their recall-first detectors) in one feature-major matrix,
 * so a text's features are read once and each feature's weights for all heads share a cache line.
 * Each logit is accumulated in the same order as softmaxLogits would, so the results are identical.
 */
class FusedHeads {
  readonly width: number;
  private readonly weights: Float32Array;
  private readonly bias: Float64Array;
  private readonly logits: Float64Array;

  constructor(heads: readonly LinearHead[], dim: number) {
    this.width = heads.reduce((n, h) => n + h.labels.length, 0);
    const W = this.width;
    this.weights = new Float32Array(dim * W);
    this.bias = new Float64Array(W);
    let offset = 0;
    for (const head of heads) {
      const K = head.labels.length;
      const w = dequantizeWeights(head, dim);
      for (let j = 0; j < dim; j++) for (let k = 0; k < K; k++) this.weights[j * W + offset + k] = w[j * K + k] as number;
      for (let k = 0; k < K; k++) this.bias[offset + k] = head.bias[k] as number;
      offset += K;
    }
    this.logits = new Float64Array(W);
  }

  /** All heads' logits for a vector (a buffer reused by the next call). */
  compute(x: SparseVector): Float64Array {
    const W = this.width;
    const out = this.logits;
    const weights = this.weights;
    out.set(this.bias);
    const { indices, values } = x;
    for (let n = 0; n < indices.length; n++) {
      const base = (indices[n] as number) * W;
      const v = values[n] as number;
      for (let k = 0; k < W; k++) out[k] = (out[k] as number) + v * (weights[base + k] as number);
    }
    return out;
  }
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
  /** The score the `major` decision compares with its threshold (the detector's probability), null without one. */
  majorScore: number | null;
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
  private readonly tokenizer: Tokenizer;
  private readonly vectorizer: Vectorizer;
  private readonly signalFeature: Uint8Array;
  private readonly category: RuntimeHead;
  private readonly severity: RuntimeHead | null;
  private readonly prior: LabelProbability<Category>[];
  private readonly fused: FusedHeads;

  constructor(file: ModelFile) {
    const dim = file.vocabulary.length;
    for (const l of file.category.labels) if (!isCategory(l)) throw new Error(`model ${file.version}: unknown category "${l}"`);
    for (const l of file.severity?.labels ?? []) if (!isSeverity(l)) throw new Error(`model ${file.version}: unknown severity "${l}"`);
    this.signalFeature = Uint8Array.from(file.vocabulary, (t) => (t.startsWith('!') ? 1 : 0));
    this.tokenizer = new Tokenizer(file.tokenizer, file.lexicon);
    this.vectorizer = new Vectorizer(new FeatureSpace(file.vocabulary, decodeFloat32(file.idf, dim)), this.tokenizer);
    const linear: LinearHead[] = [];
    const place = (head: LinearHead): RuntimeLinear => {
      const offset = linear.reduce((n, h) => n + h.labels.length, 0);
      linear.push(head);
      return { labels: head.labels, temperature: head.temperature, offset };
    };
    const runtimeHead = (head: ModelHead): RuntimeHead => {
      const p = head.priority;
      return { ...place(head), priority: p ? { label: p.label, threshold: p.threshold, detector: p.detector ? place(p.detector) : null } : null };
    };
    this.category = runtimeHead(file.category);
    this.severity = file.severity ? runtimeHead(file.severity) : null;
    this.fused = new FusedHeads(linear, dim);
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

  /** A head's calibrated probabilities from the fused logits. */
  private scores(head: RuntimeLinear, z: Float64Array): Float64Array {
    return softmaxInPlace(z.slice(head.offset, head.offset + head.labels.length), head.temperature);
  }

  /** The probability the head's recall-first decision reads: its detector's, else the head's own (null without a priority label). */
  private priorityScore(head: RuntimeHead, p: Float64Array, z: Float64Array): number | null {
    const pr = head.priority;
    if (!pr || !head.labels.includes(pr.label)) return null;
    if (!pr.detector) return p[head.labels.indexOf(pr.label)] as number;
    const d = pr.detector.labels.indexOf(pr.label);
    return d >= 0 ? (this.scores(pr.detector, z)[d] as number) : null;
  }

  /** The head's label: its recall-first label when its score reaches the threshold, else the most likely. */
  private decideHead(head: RuntimeHead, p: Float64Array, score: number | null): string {
    const pr = head.priority;
    if (pr && score !== null && score >= pr.threshold) return pr.label;
    return head.labels[argmax(p)] as string;
  }

  /** The model's calibrated probabilities and decisions, without the rules. */
  predict(raw: string): ModelPrediction {
    const a = analyzeToVector(raw, this.tokenizer, this.vectorizer);
    const x = a.vector;
    // Signal tokens alone (no word of the text is known) are not enough to decide a category.
    let known = false;
    for (let n = 0; n < x.indices.length && !known; n++) known = !this.signalFeature[x.indices[n] as number];
    // (object literals with every field, not spreads: they keep one fast object shape)
    if (!known) {
      return { text: a.prepared.normalized, traditional: a.prepared.traditional, features: 0, categories: [], category: null, severities: [], severity: null, majorScore: null, findings: a.findings };
    }
    const z = this.fused.compute(x);
    const pc = this.scores(this.category, z);
    const ps = this.severity ? this.scores(this.severity, z) : null;
    const majorScore = ps && this.severity ? this.priorityScore(this.severity, ps, z) : null;
    return {
      text: a.prepared.normalized,
      traditional: a.prepared.traditional,
      features: x.indices.length,
      categories: this.rank(this.category.labels as Category[], pc),
      category: this.decideHead(this.category, pc, this.priorityScore(this.category, pc, z)) as Category,
      severities: ps && this.severity ? this.rank(this.severity.labels as Severity[], ps) : [],
      severity: ps && this.severity ? (this.decideHead(this.severity, ps, majorScore) as Severity) : null,
      majorScore,
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

