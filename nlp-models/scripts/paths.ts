/** Default locations used by the nlp-models scripts (all relative to the project root). */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/support/paths';

export const ROOT = projectRoot();
export const DATA_DIR = path.join(ROOT, 'nlp-models', 'data');
export const DEFAULT_MODEL_DIR = path.join(ROOT, 'nlp-models', 'default');
export const EVAL_REPORT = path.join(ROOT, 'nlp-models', 'EVAL.md');
/** Real complaints for evaluation, outside the project (absent in a user's clone). */
export const REAL_DATA_DIR = path.join(ROOT, '..', 'shared', 'data');

/** The project's own training data: nlp-models/data/*.csv, sorted. */
export function projectDataFiles(): string[] {
  if (!fs.existsSync(DATA_DIR)) return [];
  return fs
    .readdirSync(DATA_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => path.join(DATA_DIR, f));
}

/** ../shared/data/real-dev-*.csv when that folder exists, else []. */
export function realDataFiles(): string[] {
  if (!fs.existsSync(REAL_DATA_DIR)) return [];
  return fs
    .readdirSync(REAL_DATA_DIR)
    .filter((f) => /^real-dev-.*\.csv$/.test(f))
    .sort()
    .map((f) => path.join(REAL_DATA_DIR, f));
}

/** A path as shown in reports and model metadata: relative to the project root when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(ROOT, path.resolve(file));
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(file) : rel;
}
