/**
 * npm run train -- [--data FILE.csv ...] [--labels mapping.json] [--out DIR] [--with-feedback]
 *                  [--holdout 0.2] [--seed 42] [--target-recall 0.95]
 *
 * Trains a category + severity model from CSV files (`text,label[,severity]`) and writes DIR/model.json.
 * Defaults: --data nlp-models/data/*.csv, --out nlp-models/default. A fraction of the examples (default 0.2
 * for the project data, 0 with --data)
 * (--holdout, chosen by a salted hash of the text, so stable when rows are added) is kept out of
 * training; `npm run eval` scores the model on it. --with-feedback adds agent reclassifications.
 */
import path from 'node:path';
import { type Example, DatasetError, loadExamples, loadLabelMapping } from '../../src/nlp/dataset';
import { modelFilePath, writeModelFile } from '../../src/nlp/model-file';
import { splitHoldout, trainModel } from '../../src/nlp/training';
import { numberOption, parseOptions, UsageError } from './cli-args';
import { FeedbackUnavailableError, loadFeedbackExamples } from './feedback';
import { DEFAULT_MODEL_DIR, displayPath, projectDataFiles } from './paths';
import fs from 'node:fs';

export const HOLDOUT_SALT = 'complaint-desk-holdout-v1';

const USAGE = 'usage: npm run train -- [--data FILE.csv ...] [--labels mapping.json] [--out DIR] [--with-feedback] [--holdout 0.2] [--seed 42] [--target-recall 0.95]';

async function main(argv: string[]): Promise<void> {
  const args = parseOptions(argv, {
    data: { type: 'string', multiple: true },
    labels: { type: 'string' },
    out: { type: 'string' },
    holdout: { type: 'string' },
    seed: { type: 'string' },
    'target-recall': { type: 'string' },
    'with-feedback': { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const files = args.data ?? projectDataFiles();
  if (files.length === 0) throw new UsageError('no training data: pass --data FILE.csv');
  const mapping = args.labels ? loadLabelMapping(args.labels) : undefined;
  const out = path.resolve(args.out ?? DEFAULT_MODEL_DIR);
  // the project's own examples keep a fifth aside for `npm run eval`; a deployment's own data (--data) trains on all of it (cross-validate it with `npm run eval -- --data`)
  const fraction = numberOption(args.holdout, 'holdout', args.data ? 0 : 0.2);
  if (fraction < 0 || fraction >= 1) throw new UsageError('--holdout must be in [0, 1)');
  const seed = numberOption(args.seed, 'seed', 42);
  const targetRecall = numberOption(args['target-recall'], 'target-recall', 0.95);
  if (targetRecall <= 0 || targetRecall > 1) throw new UsageError('--target-recall must be in (0, 1]');

  const examples: Example[] = [];
  for (const file of files) {
    const loaded = loadExamples(file, mapping);
    const extra = [loaded.emptyRows ? `${loaded.emptyRows} empty skipped` : '', loaded.droppedRows ? `${loaded.droppedRows} dropped by mapping` : ''].filter(Boolean).join(', ');
    console.error(`${displayPath(file)}: ${loaded.examples.length} examples${extra ? ` (${extra})` : ''}`);
    examples.push(...loaded.examples);
  }
  const { train, holdout } = splitHoldout(examples, HOLDOUT_SALT, fraction);
  let feedback: Example[] = [];
  if (args['with-feedback']) {
    feedback = await loadFeedbackExamples();
    console.error(`feedback: ${feedback.length} agent reclassifications`);
  }
  console.error(`training on ${train.length + feedback.length} examples, ${holdout.length} held out`);
  const started = Date.now();
  const result = trainModel([...train, ...feedback], {
    seed,
    targetRecall,
    sources: files.map(displayPath),
    feedbackExamples: feedback.length,
    holdout: fraction > 0 ? { salt: HOLDOUT_SALT, fraction, examples: holdout.length } : null,
    onProgress: (m) => console.error(`  ${m}`),
  });
  const file = writeModelFile(out, result.model);
  const cv = result.model.category.cv;
  console.error(
    `wrote ${displayPath(file)} (${(fs.statSync(modelFilePath(out)).size / 1024).toFixed(0)} KB) in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `${result.model.version}, ${result.vocabularySize} features, category cv macro-F1 ${cv ? cv.macroF1.toFixed(3) : 'n/a'}`,
  );
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError) console.error(`${e.message}\n${USAGE}`);
  else if (e instanceof DatasetError || e instanceof FeedbackUnavailableError) console.error(e.message);
  else console.error(e);
  process.exitCode = 1;
});
