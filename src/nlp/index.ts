/**
 * The classifier's public API (what the filing use case, the dialog and the scripts use).
 *
 *   import { loadModel, needsConfirmation } from '../nlp';
 *   const classifier = loadModel();            // nlp-models/default, or loadModel(dir)
 *   const c = classifier.classify(text, { isRepeat });
 *   // c.category, c.severity, c.confidence, c.highRisk, c.reasons, c.candidates, c.modelVersion
 *   if (needsConfirmation(c)) askTheCustomerToPick(c.candidates);   // and record who decided
 */
export {
  CONFIRMATION_THRESHOLD,
  defaultModelDir,
  loadModel,
  needsConfirmation,
  NO_EVIDENCE_CONFIDENCE,
  TrainedClassifier,
  type HeadSummary,
  type LabelProbability,
  type ModelPrediction,
} from './trained-classifier';
export { KeywordBaselineClassifier } from './keyword-baseline-classifier';
export { ModelFileError, readModelFile, writeModelFile, type ModelFile } from './model-file';
export { trainModel, splitHoldout, type TrainingOptions, type TrainingResult } from './training';
export { DatasetError, loadExamples, loadLabelMapping, parseExamplesCsv, datasetHash, type Example, type LabelMapping } from './dataset';
export { AMOUNT_THRESHOLDS } from './rules/amounts';
export { applyRules } from './rules/apply';
export { detect, type Findings } from './rules/detect';
export { normalizeText } from './text/normalize';
export { tokenize } from './text/tokenizer';
