/**
 * The model file (`<dir>/model.json`): one JSON document with the tokenizer settings, the learnt
 * Chinese lexicon, the vocabulary and idf, and two linear heads (category, severity) whose weights are
 * quantised to 16-bit integers (per-class scale) and base64-encoded, which keeps the default model to
 * about a megabyte and loading it to tens of milliseconds. Validated with zod when read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const MODEL_FORMAT = 'complaint-desk/nlp-model@1';
export const MODEL_FILE_NAME = 'model.json';

const LinearHeadSchema = z.object({
  /** Labels in weight-column order (categories or severities). */
  labels: z.array(z.string()).min(1),
  /** Softmax temperature fitted on out-of-fold logits. */
  temperature: z.number().positive(),
  bias: z.array(z.number()),
  /** Per-label dequantisation scale: weight = int16 × scale. */
  scales: z.array(z.number()),
  /** base64 of little-endian int16, feature-major (dim × labels). */
  weights: z.string(),
  hyper: z.object({ l2: z.number(), classWeightPower: z.number() }),
  /** Cross-validated figures of the chosen hyper-parameters on the training data (null: too few examples). */
  cv: z.object({ folds: z.number(), accuracy: z.number(), macroF1: z.number() }).nullable(),
});
export type LinearHead = z.infer<typeof LinearHeadSchema>;

const HeadSchema = LinearHeadSchema.extend({
  /**
   * Recall-first decision for one label (safety, major): chosen whenever its probability reaches
   * `threshold`, even if another label is more likely. The probability is the head's own, or that of
   * a binary `detector` (label vs the rest) when one was trained. The threshold is the highest whose
   * cross-validated recall, rules included, reaches `targetRecall`.
   */
  priority: z
    .object({
      label: z.string(),
      threshold: z.number(),
      targetRecall: z.number(),
      cvRecall: z.number(),
      cvPrecision: z.number(),
      detector: LinearHeadSchema.nullable(),
    })
    .nullable(),
});
export type ModelHead = z.infer<typeof HeadSchema>;

export const ModelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  /** e.g. `tfidf-softmax@2026-11-23.ab12cd34` (training date and the first 8 hex of the data hash). */
  version: z.string(),
  kind: z.literal('tfidf-softmax'),
  trainedAt: z.string(),
  /** SHA-256 of the training examples (text, label, severity), see datasetHash. */
  dataHash: z.string(),
  data: z.object({
    sources: z.array(z.string()),
    examples: z.number(),
    feedbackExamples: z.number(),
    categories: z.record(z.string(), z.number()),
    severities: z.record(z.string(), z.number()),
  }),
  /** Examples kept out of training (chosen by a salted hash of their text), for `npm run eval`. */
  holdout: z.object({ salt: z.string(), fraction: z.number(), examples: z.number() }).nullable(),
  tokenizer: z.object({ charUnigrams: z.boolean(), charBigrams: z.boolean(), englishCharGrams: z.boolean(), words: z.boolean(), signals: z.boolean() }),
  lexicon: z.array(z.string()),
  vocabulary: z.array(z.string()),
  /** base64 of little-endian float32, one per vocabulary term. */
  idf: z.string(),
  category: HeadSchema,
  severity: HeadSchema.nullable(),
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

export function encodeFloat32(values: ArrayLike<number>): string {
  const buf = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i] as number, i * 4);
  return buf.toString('base64');
}

export function decodeFloat32(b64: string, expected: number): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  if (buf.length !== expected * 4) throw new ModelFileError(`expected ${expected} float32 values, found ${buf.length / 4}`);
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

/** Quantise a feature-major weight matrix (dim × K) to int16 with one scale per column. */
export function quantizeWeights(weights: ArrayLike<number>, classes: number): { weights: string; scales: number[] } {
  const scales = new Array<number>(classes).fill(0);
  for (let i = 0; i < weights.length; i++) {
    const k = i % classes;
    scales[k] = Math.max(scales[k] as number, Math.abs(weights[i] as number));
  }
  for (let k = 0; k < classes; k++) scales[k] = (scales[k] as number) > 0 ? (scales[k] as number) / 32767 : 1;
  const buf = Buffer.alloc(weights.length * 2);
  for (let i = 0; i < weights.length; i++) buf.writeInt16LE(Math.round((weights[i] as number) / (scales[i % classes] as number)), i * 2);
  return { weights: buf.toString('base64'), scales };
}

export function dequantizeWeights(head: LinearHead, dim: number): Float32Array {
  const K = head.labels.length;
  const buf = Buffer.from(head.weights, 'base64');
  if (buf.length !== dim * K * 2) throw new ModelFileError(`head ${head.labels.join('/')}: expected ${dim * K} weights, found ${buf.length / 2}`);
  if (head.scales.length !== K || head.bias.length !== K) throw new ModelFileError(`head ${head.labels.join('/')}: scales or bias do not match ${K} labels`);
  const out = new Float32Array(dim * K);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2) * (head.scales[i % K] as number);
  return out;
}

export function modelFilePath(dir: string): string {
  return path.join(dir, MODEL_FILE_NAME);
}

export function readModelFile(dir: string): ModelFile {
  const file = modelFilePath(dir);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ModelFileError(`cannot read model ${file}: ${(e as Error).message}`);
  }
  const parsed = ModelFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFileError(`${file} is not a ${MODEL_FORMAT} model: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}

export function writeModelFile(dir: string, model: ModelFile): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = modelFilePath(dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(model) + '\n');
  fs.renameSync(tmp, file);
  return file;
}
