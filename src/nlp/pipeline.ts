/**
 * One pass over a text shared by training and classification: normalise, run the rule detectors,
 * tokenise, and append the detectors' signal tokens when the model uses them.
 */
import type { SparseVector, Vectorizer } from './features';
import { detect, type Findings, signalTokens } from './rules/detect';
import { type PreparedText, prepareText } from './text/normalize';
import { type Tokenizer, tokensOf } from './text/tokenizer';

export interface TextAnalysis {
  prepared: PreparedText;
  findings: Findings;
  tokens: string[];
}

/** Tokens as strings (training, evaluation). */
export function analyzeText(raw: unknown, tokenizer: Tokenizer): TextAnalysis {
  const prepared = prepareText(raw);
  const findings = detect(prepared.normalized, prepared.traditional);
  const tokens = tokensOf(prepared.withPlaceholders, tokenizer);
  if (tokenizer.settings.signals) tokens.push(...signalTokens(findings));
  return { prepared, findings, tokens };
}

export interface VectorAnalysis {
  prepared: PreparedText;
  findings: Findings;
  /** Views the vectorizer's buffers: valid until its next call. */
  vector: SparseVector;
}

/** The same analysis straight into a model's feature vector (the classifier's path; equal to vectorizing analyzeText's tokens). */
export function analyzeToVector(raw: unknown, tokenizer: Tokenizer, vectorizer: Vectorizer): VectorAnalysis {
  const prepared = prepareText(raw);
  const findings = detect(prepared.normalized, prepared.traditional);
  return { prepared, findings, vector: vectorizer.vectorize(prepared.withPlaceholders, tokenizer.settings.signals ? signalTokens(findings) : NO_TOKENS) };
}

const NO_TOKENS: readonly string[] = [];
