/** Picks the classifier named by config. */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import type { Classifier } from '../domain/classification';
import { KeywordBaselineClassifier } from '../nlp/keyword-baseline-classifier';
import { projectRoot } from '../support/paths';

export function loadClassifier(config: Config, logger: Logger): Classifier {
  if (config.CLASSIFIER === 'keyword') return new KeywordBaselineClassifier();
  const dir = path.resolve(projectRoot(), config.CLASSIFIER_MODEL_DIR);
  logger.warn({ dir }, 'trained classifier not wired yet: using the keyword baseline');
  return new KeywordBaselineClassifier();
}
