/**
 * npm run eval -- [--model DIR] [--data real.csv ...] [--labels mapping.json] [--own own.csv ...]
 *                 [--out nlp-models/EVAL.md] [--folds 5] [--repeats 3] [--seed 1]
 *
 * Writes the evaluation report (default nlp-models/EVAL.md). Every figure in it is measured by this
 * run; nothing is carried over from earlier runs.
 *  1. the training pipeline on each --data set (your own labelled complaints; by default
 *     ../shared/data/real-dev-*.csv when that folder exists, else skipped): repeated stratified k-fold
 *     over the whole set, against a textbook multinomial naive Bayes, Complement NB and NBSVM trained
 *     and scored on the same folds (mean ± standard deviation, and the paired difference per fold);
 *  2. the model (default nlp-models/default) on each --data set: out-of-domain figures;
 *  3. the model on its held-out examples of --own (default nlp-models/data/*.csv): category,
 *     calibration, confirmation threshold, severity with and without the rules, `major`'s
 *     precision–recall curve, safety;
 *  4. behaviour checks of the model (nlp-models/checks.json);
 *  5. throughput, load time and size.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Category, CATEGORIES, type Severity, SEVERITIES } from '../../src/domain/taxonomy';
import { expectedCalibrationError, reliabilityTable } from '../../src/nlp/calibration';
import { DatasetError, type Example, type LabelMapping, loadExamples, loadLabelMapping } from '../../src/nlp/dataset';
import { buildFeatureSpace } from '../../src/nlp/features';
import { type EvaluationReport, evaluate } from '../../src/nlp/metrics';
import { ModelFileError } from '../../src/nlp/model-file';
import { linearScores, trainComplementNB, trainMultinomialNB } from '../../src/nlp/models/naive-bayes';
import { nbsvmLogits, trainNbsvm } from '../../src/nlp/models/nbsvm';
import { argmax } from '../../src/nlp/models/softmax';
import { analyzeText } from '../../src/nlp/pipeline';
import { stratifiedFolds } from '../../src/nlp/random';
import { applyRules } from '../../src/nlp/rules/apply';
import { baselineTokens } from '../../src/nlp/text/tokenizer';
import { CONFIRMATION_THRESHOLD, loadModel, type ModelPrediction, TrainedClassifier } from '../../src/nlp/trained-classifier';
import { prepareCorpus, splitHoldout, trainModel } from '../../src/nlp/training';
import { numberOption, parseOptions, UsageError } from './cli-args';
import { DEFAULT_MODEL_DIR, displayPath, EVAL_REPORT, projectDataFiles, realDataFiles, ROOT } from './paths';
import { measureLoad, measureRounds, measureThroughput, median } from './perf';

const USAGE = 'usage: npm run eval -- [--model DIR] [--data real.csv ...] [--labels mapping.json] [--own own.csv ...] [--out FILE] [--folds 5] [--repeats 3] [--seed 1]';

/** Behaviour checks of the shipped model: texts with what a ticket must get. */
export const CHECKS_FILE = path.join(ROOT, 'nlp-models', 'checks.json');

/** Targets of the default model on the real sets that the project measures itself against (by file name). */
const OUT_OF_DOMAIN_TARGETS: Readonly<Record<string, { accuracy: number; macroF1: number }>> = {
  'real-dev-car12365_zh': { accuracy: 0.8, macroF1: 0.45 },
  'real-dev-cfpb_en': { accuracy: 0.55, macroF1: 0.45 },
};
const MAJOR_PRECISION_TARGET = 0.6;
/** Messages up to this length are chat-length (the throughput target); longer ones are letters and narratives. */
const CHAT_LENGTH = 500;
const RECALL_TARGET = 0.95;

/** Cold start in fresh processes (load-time.ts): milliseconds to import the classifier and to load the model. */
function coldLoad(modelDir: string, runs: number): { importMs: number; loadMs: number }[] {
  const script = path.join(__dirname, 'load-time.ts');
  const out: { importMs: number; loadMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [...process.execArgv, script, modelDir], { encoding: 'utf8', env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) return [];
    out.push(JSON.parse(line) as { importMs: number; loadMs: number });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Markdown helpers

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
/** Four decimals where a figure is compared with a target at the third. */
const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '–');
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

function table(headers: string[], rows: (string | number)[][]): string {
  const a = headers.map((_, i) => (i === 0 ? '---' : '---:'));
  return [`| ${headers.join(' | ')} |`, `| ${a.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function perClassTable(reports: { name: string; report: EvaluationReport }[], order: readonly string[]): string {
  const labels = order.filter((l) => reports.some((r) => r.report.labels.includes(l)));
  const headers = ['class', 'support', ...reports.flatMap((r) => [`${r.name} P`, `${r.name} R`, `${r.name} F1`])];
  const rows = labels.map((l) => {
    const support = reports[0]?.report.perClass.find((c) => c.label === l)?.support ?? 0;
    return [
      `\`${l}\``,
      support,
      ...reports.flatMap((r) => {
        const c = r.report.perClass.find((x) => x.label === l);
        return c ? [f3(c.precision), f3(c.recall), f3(c.f1)] : ['–', '–', '–'];
      }),
    ];
  });
  return table(headers, rows);
}

function confusionTable(report: EvaluationReport): string {
  const short = (l: string) => l.replace('service_', 'svc_').replace('product_', 'prod_');
  return table(
    ['truth ↓ / predicted →', ...report.labels.map(short)],
    report.matrix.map((row, i) => [`\`${report.labels[i]}\``, ...row]),
  );
}

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}
const pm = (values: readonly number[]) => {
  const { mean, sd } = meanSd(values);
  return `${f3(mean)} ± ${f3(sd)}`;
};

// ---------------------------------------------------------------------------------------------
// 1. The pipeline and the reference models under repeated stratified k-fold

/** A way to learn a classifier from examples; returns the category of a text. */
interface Contender {
  name: string;
  fit(train: readonly Example[], seed: number): (text: string) => string;
}

function labelsOf(train: readonly Example[]): Category[] {
  return CATEGORIES.filter((c) => train.some((e) => e.label === c));
}

/** A scorer over count vectors of the baseline tokens (textbook MNB, Complement NB). */
function countModel(train: readonly Example[], fit: typeof trainMultinomialNB) {
  const labels = labelsOf(train);
  const docs = train.map((e) => baselineTokens(e.text));
  const space = buildFeatureSpace(docs, { minDf: 1, maxFeatures: Number.MAX_SAFE_INTEGER });
  const model = fit(
    docs.map((d) => space.countVector(d)),
    train.map((e) => labels.indexOf(e.label)),
    labels.length,
    space.size,
  );
  return (text: string) => labels[argmax(linearScores(model, space.countVector(baselineTokens(text))))] as string;
}

/** NBSVM on the pipeline's own tokens (without English character grams); `balanced` weights each class's positives up to the rest. */
function nbsvmModel(train: readonly Example[], balanced: boolean) {
  const labels = labelsOf(train);
  const corpus = prepareCorpus(
    train.map((e) => e.text),
    { tokenizer: { englishCharGrams: false } },
  );
  const y = train.map((e) => labels.indexOf(e.label));
  const n = labels.map((_, k) => y.filter((v) => v === k).length);
  const model = trainNbsvm(corpus.vectors, y, labels.length, corpus.features.size, {
    positiveWeights: balanced ? n.map((nk) => Math.sqrt((y.length - nk) / nk)) : undefined,
  });
  return (text: string) => labels[argmax(nbsvmLogits(model, corpus.features.vectorize(analyzeText(text, corpus.tokenizer).tokens)))] as string;
}

const BASELINE = 'textbook multinomial NB — the baseline';
const PIPELINE = 'TF-IDF softmax — the pipeline (`npm run train`)';

const CONTENDERS: readonly Contender[] = [
  { name: BASELINE, fit: (train) => countModel(train, trainMultinomialNB) },
  { name: 'Complement NB (Rennie et al. 2003)', fit: (train) => countModel(train, trainComplementNB) },
  { name: 'NBSVM (Wang & Manning 2012), one-vs-rest', fit: (train) => nbsvmModel(train, false) },
  { name: 'NBSVM, rare classes weighted up', fit: (train) => nbsvmModel(train, true) },
  {
    name: PIPELINE,
    fit: (train, seed) => {
      const classifier = new TrainedClassifier(trainModel(train, { seed }).model);
      return (text) => classifier.predict(text).category ?? 'other';
    },
  },
];

interface CvResult {
  name: string;
  /** One entry per fold (repeats × folds), in the same order for every contender. */
  foldAccuracy: number[];
  foldMacroF1: number[];
  /** One entry per repeat: the out-of-fold predictions of the whole set scored at once. */
  pooledAccuracy: number[];
  pooledMacroF1: number[];
  /** Out-of-fold predictions of the first repeat (for per-class figures). */
  firstRepeat: EvaluationReport | null;
  trainMs: number[];
}

function crossValidate(examples: readonly Example[], folds: number, repeats: number, seed: number, log: (m: string) => void): CvResult[] {
  const results: CvResult[] = CONTENDERS.map((c) => ({ name: c.name, foldAccuracy: [], foldMacroF1: [], pooledAccuracy: [], pooledMacroF1: [], firstRepeat: null, trainMs: [] }));
  const truthAll = examples.map((e) => e.label);
  for (let r = 0; r < repeats; r++) {
    const fold = stratifiedFolds(truthAll, folds, seed + r);
    const pooled = CONTENDERS.map(() => new Array<string>(examples.length));
    for (let f = 0; f < folds; f++) {
      const train = examples.filter((_, i) => fold[i] !== f);
      const test = examples.map((_, i) => i).filter((i) => fold[i] === f);
      const truth = test.map((i) => truthAll[i] as string);
      CONTENDERS.forEach((c, k) => {
        const t0 = performance.now();
        const classify = c.fit(train, seed + r);
        const res = results[k] as CvResult;
        res.trainMs.push(performance.now() - t0);
        const predicted = test.map((i) => classify((examples[i] as Example).text));
        test.forEach((i, j) => ((pooled[k] as string[])[i] = predicted[j] as string));
        const report = evaluate(truth, predicted, CATEGORIES);
        res.foldAccuracy.push(report.accuracy);
        res.foldMacroF1.push(report.macroF1);
      });
      log(`  repeat ${r + 1}/${repeats}, fold ${f + 1}/${folds}`);
    }
    CONTENDERS.forEach((_, k) => {
      const report = evaluate(truthAll, pooled[k] as string[], CATEGORIES);
      const res = results[k] as CvResult;
      res.pooledAccuracy.push(report.accuracy);
      res.pooledMacroF1.push(report.macroF1);
      if (r === 0) res.firstRepeat = report;
    });
  }
  return results;
}

function paired(a: readonly number[], b: readonly number[]): { deltas: number[]; wins: number; losses: number } {
  const deltas = a.map((x, i) => x - (b[i] as number));
  return { deltas, wins: deltas.filter((d) => d > 1e-12).length, losses: deltas.filter((d) => d < -1e-12).length };
}

// ---------------------------------------------------------------------------------------------
// 3. Severity: `major`'s precision–recall curve

interface MajorPoint {
  threshold: number;
  precision: number;
  recall: number;
  flagged: number;
}

/** `major` as a ticket gets it (model decision at `threshold`, then the rules) for every held-out example. */
function majorAt(threshold: number, predictions: readonly ModelPrediction[], categories: readonly Category[], truth: readonly (Severity | undefined)[]): MajorPoint {
  let tp = 0;
  let flagged = 0;
  let support = 0;
  predictions.forEach((p, i) => {
    if (truth[i] === undefined) return;
    const argmaxSeverity = (p.severities[0]?.label ?? 'general') as Severity;
    const model: Severity = p.majorScore !== null && p.majorScore >= threshold ? 'major' : argmaxSeverity;
    const severity = applyRules({ text: p.text, traditional: p.traditional, category: categories[i] as Category, severity: model, safetyProbability: 0, findings: p.findings }).severity;
    const yes = severity === 'major';
    const actual = truth[i] === 'major';
    if (yes) flagged++;
    if (actual) support++;
    if (yes && actual) tp++;
  });
  return { threshold, precision: flagged ? tp / flagged : 0, recall: support ? tp / support : 0, flagged };
}

// ---------------------------------------------------------------------------------------------
// 4. Behaviour checks

interface Check {
  text: string;
  expect: { category?: Category; severity?: Severity; highRisk?: boolean };
  why: string;
}

function loadChecks(): Check[] {
  if (!fs.existsSync(CHECKS_FILE)) return [];
  return JSON.parse(fs.readFileSync(CHECKS_FILE, 'utf8')) as Check[];
}

// ---------------------------------------------------------------------------------------------
// main

interface RealSet {
  file: string;
  name: string;
  examples: Example[];
}

function loadSets(files: readonly string[], mapping?: LabelMapping): RealSet[] {
  return files.map((file) => ({ file, name: path.basename(file, '.csv'), examples: loadExamples(file, mapping).examples }));
}

async function main(argv: string[]): Promise<void> {
  const args = parseOptions(argv, {
    model: { type: 'string' },
    data: { type: 'string', multiple: true },
    labels: { type: 'string' },
    own: { type: 'string', multiple: true },
    out: { type: 'string' },
    folds: { type: 'string' },
    repeats: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const seed = numberOption(args.seed, 'seed', 1);
  const folds = numberOption(args.folds, 'folds', 5);
  const repeats = numberOption(args.repeats, 'repeats', 3);
  if (folds < 2 || repeats < 1) throw new UsageError('--folds must be at least 2 and --repeats at least 1');
  const modelDir = path.resolve(args.model ?? DEFAULT_MODEL_DIR);
  const out = path.resolve(args.out ?? EVAL_REPORT);
  const mapping = args.labels ? loadLabelMapping(args.labels) : undefined;
  const realFiles = args.data ?? realDataFiles();
  const ownFiles = args.own ?? projectDataFiles();
  const log = (m: string) => console.error(m);

  const classifier = loadModel(modelDir);
  const meta = classifier.model;
  const started = new Date();
  const md: string[] = [];
  const targets: (string | number)[][] = [];
  const real = loadSets(realFiles, mapping);
  const own = ownFiles.flatMap((file) => loadExamples(file).examples.map((e) => ({ ...e, file: path.basename(file, '.csv') })));

  // 5: performance, measured first: a process that has trained and run other models runs this
  // classifier slower (its code paths have seen other shapes), which a server does not
  log('throughput…');
  // the chatbot classifies chat-length messages; letters and narratives (> CHAT_LENGTH characters) are measured apart
  const chatTexts = own.filter((e) => e.text.length <= CHAT_LENGTH).map((e) => e.text);
  const longTexts = own.filter((e) => e.text.length > CHAT_LENGTH).map((e) => e.text);
  const perf: (string | number)[][] = [];
  const rounds = chatTexts.length ? measureRounds({ ours: (x: string) => classifier.classify(x) }, chatTexts, { rounds: 7, minMs: 1000 }).ours : null;
  if (rounds) {
    const r = rounds.median;
    perf.push([`project's chat-length examples, ≤ ${CHAT_LENGTH} characters (median of ${rounds.rounds.length} rounds)`, chatTexts.length, int(r.averageChars), int(r.perSecond), int(r.perCpuSecond)]);
  }
  const tp = (name: string, texts: string[]) => {
    if (!texts.length) return;
    const t = measureThroughput((x) => classifier.classify(x), texts, 1000);
    perf.push([name, texts.length, int(t.averageChars), int(t.perSecond), int(t.perCpuSecond)]);
  };
  tp(`project's long examples, > ${CHAT_LENGTH} characters`, longTexts);
  tp("project's examples, all", own.map((e) => e.text));
  for (const set of real) tp(`real: ${set.name}`, set.examples.map((e) => e.text));
  const load = measureLoad(modelDir);
  const cold = coldLoad(modelDir, 3);
  const coldMs = cold.length ? median(cold.map((c) => c.importMs + c.loadMs)) : NaN;
  if (rounds) {
    const r = rounds.median;
    targets.push([
      `≥ 20,000 texts/s on one core (chat-length project examples, ≤ ${CHAT_LENGTH} characters; per CPU-second of this thread, as the machine is shared)`,
      `${int(r.perCpuSecond)} /s per CPU-second, ${int(r.perSecond)} /s wall (median of ${rounds.rounds.length} rounds: ${rounds.rounds.map((x) => int(x.perSecond)).join(', ')}; load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores)`,
      r.perCpuSecond >= 20_000 ? 'met' : '**not met**',
    ]);
  }
  targets.push([
    'model load < 1 s',
    `cold start ${Number.isFinite(coldMs) ? `${coldMs.toFixed(0)} ms` : 'not measured'} (fresh process: import and load); in this process ${load.medianMs.toFixed(0)} ms`,
    (Number.isFinite(coldMs) ? coldMs : load.firstMs) < 1000 ? 'met' : '**not met**',
  ]);

  // 1 + 2: real sets
  const cvSections: string[] = [];
  const oodSections: string[] = [];
  for (const set of real) {
    log(`cross-validation on ${set.name} (${set.examples.length} examples, ${repeats} × ${folds} folds)…`);
    const results = crossValidate(set.examples, folds, repeats, seed, log);
    const base = results.find((r) => r.name === BASELINE) as CvResult;
    const ours = results.find((r) => r.name === PIPELINE) as CvResult;
    const dF = paired(ours.foldMacroF1, base.foldMacroF1);
    const dA = paired(ours.foldAccuracy, base.foldAccuracy);
    const met = meanSd(dF.deltas).mean >= 0.05 && meanSd(dA.deltas).mean >= 0;
    targets.push([
      `pipeline on ${set.name}: macro-F1 ≥ textbook MNB + 0.05, accuracy not below (${repeats} × ${folds}-fold, paired per fold)`,
      `macro-F1 Δ ${signed(meanSd(dF.deltas).mean)} ± ${f3(meanSd(dF.deltas).sd)} (${pm(ours.foldMacroF1)} vs ${pm(base.foldMacroF1)}, better in ${dF.wins} of ${dF.deltas.length} folds); accuracy Δ ${signed(meanSd(dA.deltas).mean)} ± ${f3(meanSd(dA.deltas).sd)}`,
      met ? 'met' : '**not met**',
    ]);
    const counts = CATEGORIES.map((c) => [c, set.examples.filter((e) => e.label === c).length] as const).filter(([, n]) => n > 0);
    cvSections.push(
      [
        `### ${set.name} (${displayPath(set.file)}): ${set.examples.length} examples (${counts.map(([c, n]) => `${c} ${n}`).join(', ')})`,
        '',
        `Mean ± standard deviation over the ${results[0]?.foldMacroF1.length ?? 0} folds; "pooled" scores the out-of-fold predictions of the whole set once per repeat (mean ± sd over the ${repeats} repeats).`,
        '',
        table(
          ['model', 'fold macro-F1', 'fold accuracy', 'pooled macro-F1', 'pooled accuracy', 'Δ macro-F1 vs MNB, per fold', 'folds better / worse', 'Δ accuracy vs MNB', 'training per fold'],
          results.map((r) => {
            const f = paired(r.foldMacroF1, base.foldMacroF1);
            const a = paired(r.foldAccuracy, base.foldAccuracy);
            const isBase = r === base;
            return [
              r.name,
              pm(r.foldMacroF1),
              pm(r.foldAccuracy),
              pm(r.pooledMacroF1),
              pm(r.pooledAccuracy),
              isBase ? '' : `${signed(meanSd(f.deltas).mean)} ± ${f3(meanSd(f.deltas).sd)}`,
              isBase ? '' : `${f.wins} / ${f.losses}`,
              isBase ? '' : `${signed(meanSd(a.deltas).mean)} ± ${f3(meanSd(a.deltas).sd)}`,
              `${(median(r.trainMs) / 1000).toFixed(2)} s`,
            ];
          }),
        ),
        '',
        'Per class, out-of-fold predictions of the first repeat, the baseline against the pipeline:',
        '',
        perClassTable(
          [
            { name: 'MNB', report: base.firstRepeat as EvaluationReport },
            { name: 'pipeline', report: ours.firstRepeat as EvaluationReport },
          ],
          CATEGORIES,
        ),
        '',
        'Confusion of the pipeline (first repeat, out of fold):',
        '',
        confusionTable(ours.firstRepeat as EvaluationReport),
        '',
      ].join('\n'),
    );

    log(`default model on ${set.name}…`);
    const truth = set.examples.map((e) => e.label);
    const withRules = evaluate(
      truth,
      set.examples.map((e) => classifier.classify(e.text).category),
      CATEGORIES,
    );
    const modelOnly = evaluate(
      truth,
      set.examples.map((e) => classifier.predict(e.text).category ?? 'other'),
      CATEGORIES,
    );
    const goal = OUT_OF_DOMAIN_TARGETS[set.name];
    if (goal) {
      targets.push([
        `default model on ${set.name} (never trained on it): accuracy ≥ ${goal.accuracy.toFixed(2)}, macro-F1 ≥ ${goal.macroF1.toFixed(2)}`,
        `accuracy ${f4(withRules.accuracy)}, macro-F1 ${f4(withRules.macroF1)} (model + rules)`,
        withRules.accuracy >= goal.accuracy && withRules.macroF1 >= goal.macroF1 ? 'met' : '**not met**',
      ]);
    }
    oodSections.push(
      [
        `### ${set.name}: ${set.examples.length} examples, never seen in training`,
        '',
        table(
          ['', 'accuracy', 'macro-F1'],
          [
            ['model + rules (what a ticket gets)', f3(withRules.accuracy), f3(withRules.macroF1)],
            ['model alone', f3(modelOnly.accuracy), f3(modelOnly.macroF1)],
          ],
        ),
        '',
        perClassTable([{ name: 'model + rules', report: withRules }], CATEGORIES),
        '',
        confusionTable(withRules),
        '',
      ].join('\n'),
    );
  }

  // 3: own held-out
  log('held-out examples…');
  const ownSections: string[] = [];
  if (!meta.holdout) {
    ownSections.push('The model was trained on all its examples (`--holdout 0`): there are no held-out figures.', '');
  } else {
    const { holdout } = splitHoldout(own, meta.holdout.salt, meta.holdout.fraction);
    const predictions = holdout.map((e) => classifier.predict(e.text));
    const decisions = holdout.map((e) => classifier.classify(e.text));
    const truth = holdout.map((e) => e.label);
    const catRules = evaluate(
      truth,
      decisions.map((d) => d.category),
      CATEGORIES,
    );
    const catModel = evaluate(
      truth,
      predictions.map((p) => p.category ?? 'other'),
      CATEGORIES,
    );
    targets.push(['category macro-F1 on the held-out examples ≥ 0.85', `${f3(catRules.macroF1)} (accuracy ${f3(catRules.accuracy)})`, catRules.macroF1 >= 0.85 ? 'met' : '**not met**']);
    const byFile = [...new Set(holdout.map((e) => e.file))].map((file) => {
      const idx = holdout.map((e, i) => (e.file === file ? i : -1)).filter((i) => i >= 0);
      const r = evaluate(
        idx.map((i) => truth[i] as string),
        idx.map((i) => (decisions[i] as { category: string }).category),
      );
      return [file, idx.length, f3(r.accuracy), f3(r.macroF1)];
    });

    const conf = predictions.map((p) => p.categories[0]?.probability ?? 0);
    const correct = predictions.map((p, i) => (p.categories[0]?.label ?? 'other') === truth[i]);
    const bins = reliabilityTable(conf, correct, 10);
    const confirm = [0.4, 0.5, CONFIRMATION_THRESHOLD, 0.7, 0.8]
      .filter((t, i, a) => a.indexOf(t) === i)
      .sort((a, b) => a - b)
      .map((t) => {
        const asked = decisions.map((d) => d.confidence < t);
        const nAsked = asked.filter(Boolean).length;
        const notAskedCorrect = decisions.filter((d, i) => !asked[i] && d.category === truth[i]).length;
        const inCandidates = decisions.filter((d, i) => asked[i] && d.candidates.some((c) => c.category === truth[i])).length;
        return [
          t === CONFIRMATION_THRESHOLD ? `**${t}** (CONFIRMATION_THRESHOLD)` : String(t),
          pct(nAsked / holdout.length),
          pct(notAskedCorrect / Math.max(1, holdout.length - nAsked)),
          pct(nAsked ? inCandidates / nAsked : NaN),
        ];
      });

    const sev = holdout.map((e, i) => ({ e, i })).filter(({ e }) => e.severity !== undefined);
    const sevTruth = sev.map(({ e }) => e.severity as string);
    const sevArgmax = evaluate(
      sevTruth,
      sev.map(({ i }) => (predictions[i] as ModelPrediction).severities[0]?.label ?? 'general'),
      SEVERITIES,
    );
    const sevModel = evaluate(
      sevTruth,
      sev.map(({ i }) => predictions[i]?.severity ?? 'general'),
      SEVERITIES,
    );
    const sevRules = evaluate(
      sevTruth,
      sev.map(({ i }) => (decisions[i] as { severity: string }).severity),
      SEVERITIES,
    );
    const sevRulesAlone = evaluate(
      sevTruth,
      sev.map(({ i }) => {
        const p = predictions[i] as ModelPrediction;
        return applyRules({ text: p.text, traditional: p.traditional, category: (decisions[i] as { category: Category }).category, severity: 'general', safetyProbability: 0, findings: p.findings }).severity;
      }),
      SEVERITIES,
    );
    const majorOf = (r: EvaluationReport) => r.perClass.find((c) => c.label === 'major');
    const safetyOf = (r: EvaluationReport) => r.perClass.find((c) => c.label === 'safety');
    const majorRules = majorOf(sevRules);
    const safetyRules = safetyOf(catRules);
    const majorShare = sev.length ? sev.filter(({ e }) => e.severity === 'major').length / sev.length : NaN;
    targets.push(['recall of `safety` with the rules ≥ 0.95', `${f3(safetyRules?.recall ?? NaN)} (precision ${f3(safetyRules?.precision ?? NaN)}, ${safetyRules?.support ?? 0} examples)`, (safetyRules?.recall ?? 0) >= RECALL_TARGET ? 'met' : '**not met**']);
    targets.push(['recall of `major` with the rules ≥ 0.95', `${f3(majorRules?.recall ?? NaN)} (${majorRules?.support ?? 0} examples)`, (majorRules?.recall ?? 0) >= RECALL_TARGET ? 'met' : '**not met**']);

    // precision–recall of `major` as a ticket gets it, over the detector's threshold
    const sevTruthAll = holdout.map((e) => e.severity);
    const catsAll = decisions.map((d) => d.category);
    const thresholds = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02, 0.01];
    const shipped = classifier.heads.severity?.priority?.threshold;
    if (shipped !== undefined && !thresholds.includes(shipped)) thresholds.push(shipped);
    thresholds.sort((a, b) => b - a);
    const curve = thresholds.map((t) => majorAt(t, predictions, catsAll, sevTruthAll));
    const atTarget = curve.filter((c) => c.recall >= RECALL_TARGET);
    const best = atTarget.length ? atTarget.reduce((a, b) => (b.precision > a.precision ? b : a)) : null;
    const shippedPoint = curve.find((c) => c.threshold === shipped);
    targets.push([
      `\`major\` precision ≥ ${MAJOR_PRECISION_TARGET.toFixed(2)} at recall ≥ 0.95 (held-out, model + rules)`,
      `shipped threshold: precision ${f3(shippedPoint?.precision ?? NaN)} at recall ${f3(shippedPoint?.recall ?? NaN)}; best point with recall ≥ 0.95 on the held-out examples: ${best ? `precision ${f3(best.precision)} (threshold ${best.threshold})` : 'none'}; ${pct(majorShare)} of the held-out examples are major`,
      (shippedPoint?.precision ?? 0) >= MAJOR_PRECISION_TARGET && (shippedPoint?.recall ?? 0) >= RECALL_TARGET ? 'met' : '**not met**',
    ]);

    const fired = new Map<string, number>();
    for (const d of decisions) for (const r of new Set(d.reasons.map((x) => x.rule))) fired.set(r, (fired.get(r) ?? 0) + 1);
    const highRisk = decisions.filter((d) => d.highRisk).length;
    const sevHead = classifier.heads.severity?.priority;
    ownSections.push(
      [
        `${holdout.length} held-out examples of ${own.length} (${pct(meta.holdout.fraction)} chosen by a salted hash of the normalised text, so an example stays on its side when rows are added; the model never saw them).`,
        '',
        '### Category',
        '',
        table(
          ['', 'accuracy', 'macro-F1'],
          [
            ['model + rules (what a ticket gets)', f3(catRules.accuracy), f3(catRules.macroF1)],
            ['model alone', f3(catModel.accuracy), f3(catModel.macroF1)],
            [`cross-validation on the training examples (${classifier.heads.category.cv ? `${classifier.heads.category.cv.folds} folds` : 'n/a'})`, f3(classifier.heads.category.cv?.accuracy ?? NaN), f3(classifier.heads.category.cv?.macroF1 ?? NaN)],
          ],
        ),
        '',
        table(['data file', 'held-out', 'accuracy', 'macro-F1'], byFile),
        '',
        perClassTable(
          [
            { name: 'model', report: catModel },
            { name: '+ rules', report: catRules },
          ],
          CATEGORIES,
        ),
        '',
        confusionTable(catRules),
        '',
        '### Calibration',
        '',
        `Temperature scaling fitted on out-of-fold logits (T = ${f3(classifier.heads.category.temperature)}). Reliability of the top category on the held-out examples;`,
        `expected calibration error ${f3(expectedCalibrationError(bins))}:`,
        '',
        table(
          ['confidence', 'examples', 'mean confidence', 'accuracy'],
          bins.map((b) => [`${b.lower.toFixed(1)}–${b.upper.toFixed(1)}`, b.count, f3(b.meanConfidence), f3(b.accuracy)]),
        ),
        '',
        'Below the confirmation threshold the dialog asks the customer to pick among the candidates (at most 3):',
        '',
        table(['threshold', 'asked', 'accuracy when not asked', 'truth among candidates when asked'], confirm),
        '',
        '### Severity',
        '',
        `${sev.length} held-out examples with a severity label.` +
          (sevHead
            ? ` \`major\` is decided recall-first: a binary major-vs-rest detector whose threshold (${f3(sevHead.threshold)}) is the highest that reached recall ${sevHead.targetRecall} in cross-validation with the rules on (cv recall ${f3(sevHead.cvRecall)}, precision ${f3(sevHead.cvPrecision)}).`
            : ''),
        '',
        perClassTable(
          [
            { name: 'argmax', report: sevArgmax },
            { name: 'model', report: sevModel },
            { name: '+ rules', report: sevRules },
          ],
          SEVERITIES,
        ),
        '',
        `Accuracy: argmax ${f3(sevArgmax.accuracy)}, model ${f3(sevModel.accuracy)}, model + rules ${f3(sevRules.accuracy)}.`,
        '',
        table(
          ['`major` decided by', 'precision', 'recall'],
          [
            ['the rules alone (severity `general` raised by the rules)', f3(majorOf(sevRulesAlone)?.precision ?? NaN), f3(majorOf(sevRulesAlone)?.recall ?? NaN)],
            ['the model alone (detector or argmax)', f3(majorOf(sevModel)?.precision ?? NaN), f3(majorOf(sevModel)?.recall ?? NaN)],
            ['model + rules (what a ticket gets)', f3(majorRules?.precision ?? NaN), f3(majorRules?.recall ?? NaN)],
          ],
        ),
        '',
        `Precision–recall of \`major\` as a ticket gets it (model + rules) when the detector's threshold moves; the shipped threshold (${f3(shipped ?? NaN)}) was chosen by cross-validation on the training part, not on these examples. "Flagged" is the share of all held-out complaints that would be escalated as major.`,
        '',
        table(
          ['detector threshold', 'precision', 'recall', 'flagged major'],
          curve.map((c) => [c.threshold === shipped ? `**${f3(c.threshold)}** (shipped)` : f3(c.threshold), f3(c.precision), f3(c.recall), pct(c.flagged / Math.max(1, sev.length))]),
        ),
        '',
        '### Safety and rules',
        '',
        table(
          ['', 'safety recall', 'safety precision'],
          [
            ['model alone', f3(safetyOf(catModel)?.recall ?? NaN), f3(safetyOf(catModel)?.precision ?? NaN)],
            ['model + rules', f3(safetyRules?.recall ?? NaN), f3(safetyRules?.precision ?? NaN)],
          ],
        ),
        '',
        'Rules that fired on the held-out examples (a rule is counted once per example):',
        '',
        table(
          ['rule', 'examples'],
          [...fired].sort((a, b) => b[1] - a[1]).map(([r, n]) => [`\`${r}\``, n]),
        ),
        '',
        `highRisk was set on ${highRisk} of ${holdout.length} (${pct(highRisk / holdout.length)}); the data has no risk labels, so this is a rate, not an accuracy.`,
        '',
      ].join('\n'),
    );
  }

  // 4: behaviour checks
  const checks = loadChecks();
  const checkRows = checks.map((c) => {
    const got = classifier.classify(c.text);
    const failed = (Object.keys(c.expect) as (keyof Check['expect'])[]).filter((k) => got[k] !== c.expect[k]);
    return { c, got, failed };
  });
  if (checks.length) {
    const passed = checkRows.filter((r) => r.failed.length === 0).length;
    targets.push(['behaviour checks (nlp-models/checks.json)', `${passed} of ${checks.length} pass`, passed === checks.length ? 'met' : '**not met**']);
  }

  const cpus = os.cpus();
  md.push(
    '# Classifier evaluation',
    '',
    `Generated by \`npm run eval\` (nlp-models/scripts/eval.ts) on ${started.toISOString()}; every figure below was measured by that run.`,
    '',
    `- Model: \`${meta.version}\` in \`${displayPath(modelDir)}\`, trained ${meta.trainedAt} on ${meta.data.examples} examples (${meta.data.sources.join(', ') || 'unnamed sources'}; ${meta.data.feedbackExamples} from agent feedback), data hash \`${meta.dataHash.slice(0, 16)}…\``,
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.type()} ${os.release()}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (a shared machine: timings are noisy)`,
    `- Cross-validation: ${repeats} × stratified ${folds}-fold, seeds ${seed}–${seed + repeats - 1}. Reproduce: \`npm run train\` then \`npm run eval\`${realFiles.length ? ` (real sets: ${realFiles.map(displayPath).join(', ')})` : ''}.`,
    '- Macro-F1 averages the F1 of the classes present in the truth (a class only predicted lowers the precision of the others, it is not averaged in).',
    '',
    '## Targets',
    '',
    table(['target', 'measured', ''], targets),
    '',
  );
  if (real.length) {
    md.push(
      '## 1. Bring your own data: the training pipeline on real complaints',
      '',
      'Every model is trained and scored on the same folds of the whole set. The baseline is a textbook multinomial naive Bayes',
      "(log space, Lidstone α = 0.5, class prior from frequencies) on Porter stems minus natural's stop words plus CJK character",
      'unigrams and bigrams; Complement NB uses the same counts (α = 1, normalised weights); NBSVM uses the pipeline\'s tokens',
      '(presence, scaled by the naive Bayes log-count ratio, one L2-regularised logistic regression per class; "weighted up" gives',
      "each class's positives the weight √(rest / class)); the pipeline is `trainModel` as `npm run train` runs it (TF-IDF, class",
      'weights balanced, temperature and thresholds by its own inner cross-validation on the training folds only). Folds share',
      'examples across repeats, so the spread understates the uncertainty a little; the paired columns compare the same fold.',
      '',
      ...cvSections,
      '## 2. The default model on real complaints (out of domain)',
      '',
      "The default model was trained only on the project's own examples; these figures are the honest out-of-domain estimate.",
      'The real labels come from a mapping of other taxonomies (see the data README), and the car set is complaint titles, not chat.',
      '',
      ...oodSections,
    );
  } else {
    md.push('## 1–2. Real complaints', '', 'No real evaluation sets were given (`--data`), and ../shared/data does not exist here: skipped.', '');
  }
  md.push("## 3. The default model on the project's held-out examples", '', ...ownSections);
  if (checks.length) {
    md.push(
      '## 4. Behaviour checks',
      '',
      `What the shipped model must do on ${checks.length} hand-picked complaints (\`nlp-models/checks.json\`); they live here, with the model's evaluation, so that retraining cannot break a unit test.`,
      '',
      table(
        ['text', 'expected', 'got', ''],
        checkRows.map(({ c, got, failed }) => [
          c.text.length > 60 ? `${c.text.slice(0, 60)}…` : c.text,
          Object.entries(c.expect)
            .map(([k, v]) => `${k} ${String(v)}`)
            .join(', '),
          `${got.category}, ${got.severity}${got.highRisk ? ', highRisk' : ''}`,
          failed.length ? `**failed** (${failed.join(', ')})` : 'pass',
        ]),
      ),
      '',
    );
  }
  md.push(
    '## 5. Speed and size',
    '',
    'One thread, `classify()` with the rules, after a warm-up; texts are repeated round-robin for at least 1 s per round. The first row',
    'is the median of several rounds. The machine is shared with other work: wall-clock figures fall when it is busy, so the target',
    "is read per CPU-second of the classifying thread; `npm run bench` compares the same figure with natural's BayesClassifier measured",
    'in the same rounds. Long texts cost in proportion to their length (rules, placeholders and tokens are all linear scans).',
    '',
    table(['texts', 'distinct', 'average chars', 'texts/s (wall)', 'texts/s per CPU-second'], perf),
    '',
    `Model file: ${int(load.bytes / 1024)} KB (\`model.json\`); load (read, validate, build indices): in a fresh process ${
      cold.length ? `${median(cold.map((c) => c.loadMs)).toFixed(0)} ms after ${median(cold.map((c) => c.importMs)).toFixed(0)} ms of importing the classifier's modules` : 'not measured'
    }; in this process median ${load.medianMs.toFixed(0)} ms.`,
    '',
  );
  md.push(
    '## Notes',
    '',
    '- Out of domain, most remaining errors on the car-complaint titles are defects that the real set files under product quality',
    '  (its source groups brakes, steering and engine problems there) while this taxonomy routes hazards (brakes failing, stalling',
    '  on the motorway, fire) to `safety`; on the consumer-finance narratives the mapped labels differ from this guideline in places',
    '  (identity theft and data breaches filed under credit reporting count as service quality there and as `other` here, account',
    '  fraud as contract), and `after_sales` has only a handful of examples. Retraining on a deployment\'s own labels (section 1) is',
    '  the remedy; section 1 shows what the pipeline reaches when it learns the deployment\'s labels.',
    '- `major` and `safety` are decided recall-first (a missed major or safety complaint costs more than an extra escalation); the',
    '  price is the precision in section 3, and the precision–recall table shows what a lower recall target would buy',
    '  (`npm run train -- --target-recall 0.9`).',
    "- Cross-validated and held-out figures on the project's own examples are optimistic for the round-3 titles and narratives,",
    '  which were composed from hand-written phrase lists (see DATA_CARD.md); the real sets are the honest check.',
    '- Timings depend on the machine and its load; `npm run bench` states them against baselines measured in the same run.',
    '',
  );
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, md.join('\n'));
  log(`wrote ${displayPath(out)}`);
  for (const t of targets) log(`  ${t[2]}: ${t[0]}: ${t[1]}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    if (e instanceof UsageError) console.error(`${e.message}\n${USAGE}`);
    else if (e instanceof DatasetError || e instanceof ModelFileError) console.error(e.message);
    else console.error(e);
    process.exitCode = 1;
  });
}
