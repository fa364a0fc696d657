/**
 * One pass over a text shared by training and classification: normalise, run the rule detectors,
 * tokenise, and append the detectors' signal tokens when the model uses them.
 */
import type { FeatureSpace, SparseVector } from './features';
import type { Featurizer } from './featurizer';
import { detect, type Findings, signalTokens } from './rules';
import { type Lexicon, type PreparedText, prepareText, type TokenizerOptions, type TokenizerSettings, tokenizeInto, tokenizePrepared } from './tokenizer';

export interface TextAnalysis {
  prepared: PreparedText;
  findings: Findings;
  tokens: string[];
}

function optionsOf(settings: TokenizerSettings, lexicon?: Lexicon): TokenizerOptions {
  return { ...settings, lexicon: settings.words ? lexicon : undefined };
}

/** Tokens as strings (training, evaluation). */
export function analyzeText(raw: unknown, settings: TokenizerSettings, lexicon?: Lexicon): TextAnalysis {
  const prepared = prepareText(raw);
  const findings = detect(prepared.normalized, prepared.traditional);
  const tokens = tokenizePrepared(prepared.withPlaceholders, optionsOf(settings, lexicon));
  if (settings.signals) tokens.push(...signalTokens(findings));
  return { prepared, findings, tokens };
}

export interface VectorAnalysis {
  prepared: PreparedText;
  findings: Findings;
  vector: SparseVector;
}

/**
 * The same analysis straight into a feature vector, without building token strings for the commonest
 * tokens (the classifier's hot path; equal to `features.vectorize(analyzeText(...).tokens)`).
 */
export function analyzeToVector(raw: unknown, options: TokenizerOptions & { signals: boolean }, features: FeatureSpace): VectorAnalysis {
  const prepared = prepareText(raw);
  const findings = detect(prepared.normalized, prepared.traditional);
  features.startVector();
  const sink = features.sink;
  tokenizeInto(prepared.withPlaceholders, options, sink);
  if (options.signals) for (const t of signalTokens(findings)) sink.add(t);
  return { prepared, findings, vector: sink.finish() };
}

/**
 * analyzeToVector through a model's compiled Featurizer (the same vector; the classifier's hot path).
 * The vector views the featurizer's buffers: it is valid until the featurizer's next call.
 */
export function analyzeFast(raw: unknown, signals: boolean, featurizer: Featurizer): VectorAnalysis {
  const prepared = prepareText(raw);
  const findings = detect(prepared.normalized, prepared.traditional);
  return { prepared, findings, vector: featurizer.vectorize(prepared.withPlaceholders, signals ? signalTokens(findings) : NO_TOKENS) };
}

const NO_TOKENS: readonly string[] = [];

export { optionsOf as tokenizerOptionsOf };
