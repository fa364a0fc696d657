import type { Category, Severity } from './taxonomy';

/** Why severity or risk was set: one entry per rule that fired, shown to agents. */
export interface ClassificationReason {
  /** Stable rule id, e.g. `severity.injury`, `risk.self_harm`, `severity.safety_floor`. */
  rule: string;
  /** What the rule did, e.g. `severity general→major` or `highRisk`. */
  effect: string;
  /** The matched words (never the whole text). */
  evidence: string[];
  /** For severity rules: the least severity this rule demands (rules only raise). */
  floor?: Severity;
}

export interface CategoryCandidate {
  category: Category;
  probability: number;
}

export interface Classification {
  category: Category;
  severity: Severity;
  /** Calibrated probability of `category`, 0..1. */
  confidence: number;
  highRisk: boolean;
  reasons: ClassificationReason[];
  /** The most likely categories, best first (at most 3), for "which of these?" prompts. */
  candidates: CategoryCandidate[];
  /** Which model produced this, e.g. `keyword-baseline@1` or `tfidf-logreg@2026-11-23.ab12cd`. */
  modelVersion: string;
}

/** Facts the classifier cannot see in the text but the rules need. */
export interface ClassificationContext {
  /** The same customer filed the same category within the recurrence window. */
  isRepeat?: boolean;
}

/** Port: anything that turns complaint text into a triage decision. */
export interface Classifier {
  readonly version: string;
  classify(text: string, context?: ClassificationContext): Classification;
}
