/** Picks the classifier named by config; a missing or broken model stops the start with one clear line. */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import type { Classifier } from '../domain/classification';
import { KeywordBaselineClassifier } from '../nlp/keyword-baseline-classifier';
import { loadModel } from '../nlp/trained-classifier';
import { shippedAsset } from '../support/paths';

export class ClassifierUnavailableError extends Error {
  override readonly name = 'ClassifierUnavailableError';
}

export function loadClassifier(config: Config, logger: Logger): Classifier {
  if (config.CLASSIFIER === 'keyword') {
    logger.info('CLASSIFIER=keyword: using the simple keyword baseline, not the trained model');
    return new KeywordBaselineClassifier();
  }
  // Relative paths are the project's (or, for the shipped default, the deployed code's).
  const dir = path.isAbsolute(config.CLASSIFIER_MODEL_DIR) ? config.CLASSIFIER_MODEL_DIR : shippedAsset(config.CLASSIFIER_MODEL_DIR);
  const started = Date.now();
  try {
    const classifier = loadModel(dir);
    logger.info({ model: classifier.version, loadMs: Date.now() - started }, 'classifier model loaded');
    return classifier;
  } catch (err) {
    throw new ClassifierUnavailableError(
      `CLASSIFIER_MODEL_DIR: cannot load a model from ${dir} (${(err as Error).message}); ` +
        'train one with `npm run train -- --out DIR`, or set CLASSIFIER=keyword.',
    );
  }
}
