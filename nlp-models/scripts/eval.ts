/**
 * npm run eval -- [--model DIR] [--data real.csv ...] [--labels mapping.json] [--own own.csv ...]
 *                 [--out nlp-models/EVAL.md] [--seed 42] [--skip-natural-lr]
 *
 * Writes the evaluation report (default nlp-models/EVAL.md):
 *  1. the training pipeline on each --data set (default ../shared/data/real-dev-*.csv when that folder
 *     exists): trained on a stratified half, scored on the other half, against natural's
 *     BayesClassifier and a log-space multinomial naive Bayes on the same split;
 *  2. the model (default nlp-models/default) on each --data set: out-of-domain figures;
 *  3. the model on its held-out examples of --own (default nlp-models/data/*.csv): category,
 *     calibration, confirmation threshold, severity with and without the rules, safety;
 *  4. throughput, load time and size.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { type Category, CATEGORIES, SEVERITIES } from '../../src/domain/taxonomy';
import { expectedCalibrationError, reliabilityTable } from '../../src/nlp/calibration';
import { DatasetError, type Example, type LabelMapping, loadExamples, loadLabelMapping } from '../../src/nlp/dataset';
import { buildFeatureSpace } from '../../src/nlp/features';
import { type EvaluationReport, evaluate } from '../../src/nlp/metrics';
import { ModelFileError } from '../../src/nlp/model-file';
import { trainNaturalBayes, trainNaturalLogisticRegression } from '../../src/nlp/models/natural-baselines';
import { naiveBayesScores, trainNaiveBayes } from '../../src/nlp/models/naive-bayes';
import { argmax } from '../../src/nlp/models/softmax';
import { analyzeText } from '../../src/nlp/pipeline';
import { stratifiedSplit } from '../../src/nlp/random';
import { baselineTokens, createLexicon } from '../../src/nlp/tokenizer';
import { CONFIRMATION_THRESHOLD, loadModel, type ModelPrediction, TrainedClassifier } from '../../src/nlp/trained-classifier';
import { applyRules } from '../../src/nlp/rules';
import { prepareCorpus, splitHoldout, trainModel } from '../../src/nlp/training';
import { lastValue, numberValue, parseArgs, UsageError } from './cli-args';
import { DEFAULT_MODEL_DIR, displayPath, EVAL_REPORT, projectDataFiles, realDataFiles } from './paths';
import { measureLoad, measureRounds, measureThroughput, median } from './perf';

/**
 * `major` before the context rules, for the comparison in section 3: measured on 2026-11-23 with the
 * previous rules and signals, on the same data files (3,676 examples) and the same held-out split
 * (771 examples, 101 of them major), the model trained by the same `npm run train`.
 */
const SEVERITY_BEFORE = {
  date: '2026-11-23',
  rulesAlone: { precision: 0.816, recall: 0.703 },
  model: { precision: 0.39, recall: 0.98 },
  withRules: { precision: 0.384, recall: 0.98 },
  note: [
    '"Before" is the previous rules on the same data and held-out split (cross-validated detector threshold 0.068 at precision 0.393; safety',
    'precision 0.858, recall 0.990). Since then: harm words after a negation or in a hypothesis are near misses (没有人受伤, 差一点就起火,',
    '不然就烧起来了, could have been seriously hurt, afraid of an electrical fire); medical care (住院, 急诊, hospital, ambulance) is harm',
    'only when the text also reports harm or a hazard or gives a cause (吃了…住院, after eating…hospital), never in bills or insurance',
    '(理赔住院, the ambulance bill), and otherwise only a `!medical` signal; harmless senses are excluded (打不着火, 手机中毒, 漆起泡,',
    'fire exit, the rice burns, my eyes hurt); queues and audiences are not many people affected (前面还有五十多人, 整个公司都知道了, 200',
    'people were in the line); more injuries are recognised (broken collarbone, whiplash, 磕破, 缝咗); and the model gets signals for',
    'vulnerable people, vehicle faults while driving and serious legal consequences (`!vulnerable`, `!vehicle`, `!legal`). On the',
    'training part the rules alone went from precision 0.763 / recall 0.734 to 0.863 / 0.786 (harm words: 0.74 → 0.88 of their hits',
    'labelled major; many people: 0.78 → 0.90), and the detector threshold needed for 95 % recall stayed about the same (0.070, cv',
    'precision 0.427): most false `major` now come from that recall-first threshold, on complaints the writers labelled `important`',
    'although they read like the `major` ones (near misses with brakes, collectors threatening the family).',
  ].join('\n'),
};

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

const USAGE = 'usage: npm run eval -- [--model DIR] [--data real.csv ...] [--labels mapping.json] [--own own.csv ...] [--out FILE] [--seed 42] [--skip-natural-lr]';

// ---------------------------------------------------------------------------------------------
// Markdown helpers

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '–');
const int = (x: number) => Math.round(x).toLocaleString('en-US');

function table(headers: string[], rows: (string | number)[][], align: ('l' | 'r')[] = []): string {
  const a = headers.map((_, i) => (align[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? '---' : '---:');
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

// ---------------------------------------------------------------------------------------------
// 1. The pipeline on a real set: train on half, score the other half

interface PipelineRow {
  name: string;
  accuracy: number;
  macroF1: number;
  trainMs: number;
  report: EvaluationReport;
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

function evaluatePipeline(examples: Example[], seed: number): { rows: PipelineRow[]; trainSize: number; testSize: number } {
  const { train: iTrain, test: iTest } = stratifiedSplit(
    examples.map((e) => e.label),
    0.5,
    seed,
  );
  const train = iTrain.map((i) => examples[i] as Example);
  const test = iTest.map((i) => examples[i] as Example);
  const truth = test.map((e) => e.label);
  const rows: PipelineRow[] = [];
  const add = (name: string, trainMs: number, predicted: string[]) => {
    const report = evaluate(truth, predicted, CATEGORIES);
    rows.push({ name, accuracy: report.accuracy, macroF1: report.macroF1, trainMs, report });
  };

  const nat = timed(() =>
    trainNaturalBayes(
      train.map((e) => e.text),
      train.map((e) => e.label),
    ),
  );
  add(
    'natural BayesClassifier, its default pipeline',
    nat.ms,
    test.map((e) => nat.value.classify(e.text)),
  );

  const corpus = timed(() => prepareCorpus(train.map((e) => e.text)));
  const lexicon = createLexicon(corpus.value.lexicon);
  const ourTokens = (text: string) => analyzeText(text, corpus.value.settings, lexicon).tokens;
  const natOurs = timed(() =>
    trainNaturalBayes(
      corpus.value.analyses.map((a) => a.tokens),
      train.map((e) => e.label),
    ),
  );
  add(
    'natural BayesClassifier, our tokens',
    corpus.ms + natOurs.ms,
    test.map((e) => natOurs.value.classify(ourTokens(e.text))),
  );

  const labels = CATEGORIES.filter((c) => train.some((e) => e.label === c));
  const y = train.map((e) => labels.indexOf(e.label));
  const mnb = (tokensOf: (t: string) => string[], minDf: number) =>
    timed(() => {
      const docs = train.map((e) => tokensOf(e.text));
      const space = buildFeatureSpace(docs, { minDf, maxFeatures: Number.MAX_SAFE_INTEGER });
      const model = trainNaiveBayes(
        docs.map((d) => space.countVector(d)),
        y,
        labels.length,
        space.size,
      );
      return (text: string) => labels[argmax(naiveBayesScores(model, space.countVector(tokensOf(text))))] as string;
    });
  const base = mnb(baselineTokens, 1);
  add(
    'log-space multinomial NB (stems + CJK char uni/bigrams) — the baseline',
    base.ms,
    test.map((e) => base.value(e.text)),
  );
  const mnbOurs = mnb(ourTokens, 2);
  add(
    'log-space multinomial NB, our tokens',
    mnbOurs.ms,
    test.map((e) => mnbOurs.value(e.text)),
  );

  const ours = timed(() => trainModel(train, { seed }));
  const classifier = new TrainedClassifier(ours.value.model);
  add(
    'TF-IDF softmax (chosen; hyper-parameters by 5-fold CV on the training half)',
    ours.ms,
    test.map((e) => classifier.predict(e.text).category ?? 'other'),
  );
  return { rows, trainSize: train.length, testSize: test.length };
}

// ---------------------------------------------------------------------------------------------
// main

interface RealSet {
  file: string;
  name: string;
  examples: Example[];
}

function avgChars(examples: readonly Example[]): number {
  return examples.reduce((a, e) => a + e.text.length, 0) / Math.max(1, examples.length);
}

function loadSets(files: readonly string[], mapping?: LabelMapping): RealSet[] {
  return files.map((file) => ({ file, name: path.basename(file, '.csv'), examples: loadExamples(file, mapping).examples }));
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['model', 'data', 'labels', 'own', 'out', 'seed'], flags: ['skip-natural-lr', 'help'] });
  if (args.flags.has('help')) {
    console.log(USAGE);
    return;
  }
  const seed = numberValue(args, 'seed', 42);
  const modelDir = path.resolve(lastValue(args, 'model') ?? DEFAULT_MODEL_DIR);
  const out = path.resolve(lastValue(args, 'out') ?? EVAL_REPORT);
  const labelsFile = lastValue(args, 'labels');
  const mapping = labelsFile ? loadLabelMapping(labelsFile) : undefined;
  const realFiles = args.values.get('data') ?? realDataFiles();
  const ownFiles = args.values.get('own') ?? projectDataFiles();
  const log = (m: string) => console.error(m);

  const classifier = loadModel(modelDir);
  const meta = classifier.model;
  const started = new Date();
  const md: string[] = [];
  const targets: (string | number)[][] = [];

  // 1 + 2: real sets
  const real = loadSets(realFiles, mapping);
  const own = ownFiles.flatMap((file) => loadExamples(file).examples.map((e) => ({ ...e, file: path.basename(file, '.csv') })));

  // 4: performance, measured first: a process that has trained and run other models (sections 1–2) runs
  // this classifier ≈ 15 % slower (its code paths have seen other shapes), which a server does not
  log('throughput…');
  const ownTexts = own.map((e) => e.text);
  const perf: (string | number)[][] = [];
  const lang = (file: string) => (file.startsWith('zh-CN') ? 'zh-CN' : file.startsWith('zh-TW') ? 'zh-TW' : file.startsWith('en') ? 'en' : file);
  // all languages: the median of interleaved rounds (a shared machine's load varies); the rest: one round each
  const rounds = ownTexts.length ? measureRounds({ ours: (x: string) => classifier.classify(x) }, ownTexts, { rounds: 7, minMs: 1000 }).ours : null;
  if (rounds) {
    const r = rounds.median;
    perf.push([`project's examples, all languages (median of ${rounds.rounds.length} rounds)`, ownTexts.length, int(r.averageChars), int(r.perSecond), int(r.perCpuSecond)]);
  }
  const tp = (name: string, texts: string[]) => {
    if (!texts.length) return;
    const t = measureThroughput((x) => classifier.classify(x), texts, 1000);
    perf.push([name, texts.length, int(t.averageChars), int(t.perSecond), int(t.perCpuSecond)]);
  };
  for (const l of ['en', 'zh-CN', 'zh-TW']) tp(`  ${l}`, own.filter((e) => lang(e.file) === l).map((e) => e.text));
  for (const set of real) tp(`real: ${set.name}`, set.examples.map((e) => e.text));
  const load = measureLoad(modelDir);
  const cold = coldLoad(modelDir, 3);
  const coldMs = cold.length ? median(cold.map((c) => c.importMs + c.loadMs)) : NaN;
  if (rounds) {
    const r = rounds.median;
    targets.push([
      '≥ 20,000 texts/s on one core (project examples)',
      `${int(r.perSecond)} /s wall, ${int(r.perCpuSecond)} /s per CPU-second (median of ${rounds.rounds.length} rounds: ${rounds.rounds.map((x) => int(x.perSecond)).join(', ')})`,
      r.perSecond >= 20_000 ? 'met' : '**not met**',
    ]);
  }
  targets.push([
    'model load < 1 s',
    `cold start ${Number.isFinite(coldMs) ? `${coldMs.toFixed(0)} ms` : 'not measured'} (fresh process: import and load); in this process ${load.medianMs.toFixed(0)} ms`,
    (Number.isFinite(coldMs) ? coldMs : load.firstMs) < 1000 ? 'met' : '**not met**',
  ]);

  const pipelineSections: string[] = [];
  const oodSections: string[] = [];
  for (const set of real) {
    log(`pipeline on ${set.name} (${set.examples.length} examples)…`);
    const { rows, trainSize, testSize } = evaluatePipeline(set.examples, seed);
    const baseline = rows.find((r) => r.name.includes('the baseline')) as PipelineRow;
    const chosen = rows[rows.length - 1] as PipelineRow;
    const delta = chosen.macroF1 - baseline.macroF1;
    const met = delta >= 0.05 && chosen.accuracy >= baseline.accuracy;
    targets.push([
      `pipeline on ${set.name}: macro-F1 ≥ baseline + 0.05, accuracy ≥ baseline`,
      `macro-F1 ${f3(chosen.macroF1)} vs ${f3(baseline.macroF1)} (Δ ${delta >= 0 ? '+' : ''}${f3(delta)}); accuracy ${f3(chosen.accuracy)} vs ${f3(baseline.accuracy)}`,
      met ? 'met' : '**not met**',
    ]);
    pipelineSections.push(
      [
        `### ${set.name} (${displayPath(set.file)}): ${trainSize} training, ${testSize} test examples`,
        '',
        table(
          ['model', 'accuracy', 'macro-F1', 'training time'],
          rows.map((r) => [r.name, f3(r.accuracy), f3(r.macroF1), `${(r.trainMs / 1000).toFixed(2)} s`]),
        ),
        '',
        'Per class, the baseline against the chosen model (same test half):',
        '',
        perClassTable(
          [
            { name: 'MNB', report: baseline.report },
            { name: 'softmax', report: chosen.report },
          ],
          CATEGORIES,
        ),
        '',
        'Confusion of the chosen model:',
        '',
        confusionTable(chosen.report),
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

  let naturalLr = '';
  const longest = [...real].sort((a, b) => avgChars(b.examples) - avgChars(a.examples))[0];
  if (!args.flags.has('skip-natural-lr') && longest) {
    log('natural LogisticRegressionClassifier training time…');
    const rowsLr: (string | number)[][] = [];
    let last = 0;
    for (const n of [50, 100, 200]) {
      const part = longest.examples.slice(0, n);
      const t = timed(() =>
        trainNaturalLogisticRegression(
          part.map((e) => e.text),
          part.map((e) => e.label),
        ),
      );
      rowsLr.push([n, `${(t.ms / 1000).toFixed(2)} s`, last ? `${(t.ms / last).toFixed(1)}×` : '']);
      last = t.ms;
    }
    naturalLr = [
      `natural's LogisticRegressionClassifier (its default pipeline) was timed on the first examples of ${longest.name} instead of being`,
      'evaluated on the full halves: it builds dense features over the whole vocabulary and its training time grows much faster than',
      'the number of examples (last column: factor per doubling), so the full halves and the project data were out of reach:',
      '',
      table(['training examples', 'training time', 'vs half as many'], rowsLr),
      '',
    ].join('\n');
  }

  // 3: own held-out
  log('held-out examples…');
  const ownSections: string[] = [];
  if (!meta.holdout) {
    ownSections.push('The model was trained on all its examples (`--holdout 0`): there are no held-out figures.');
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

    // calibration of the model's top category
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

    // severity
    const sev = holdout.map((e, i) => ({ e, i })).filter(({ e }) => e.severity !== undefined);
    const sevTruth = sev.map(({ e }) => e.severity as string);
    const sevArgmax = evaluate(
      sevTruth,
      sev.map(({ i }) => (predictions[i] as { severities: { label: string }[] }).severities[0]?.label ?? 'general'),
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
    const majorOf = (r: EvaluationReport) => r.perClass.find((c) => c.label === 'major');
    const safetyOf = (r: EvaluationReport) => r.perClass.find((c) => c.label === 'safety');
    const majorRules = majorOf(sevRules);
    const safetyRules = safetyOf(catRules);
    // the rules alone: severity `general` raised by the rules only (category as the ticket gets it)
    const sevRulesAlone = evaluate(
      sevTruth,
      sev.map(({ i }) => {
        const p = predictions[i] as ModelPrediction;
        return applyRules({ text: p.text, traditional: p.traditional, category: (decisions[i] as { category: Category }).category, severity: 'general', safetyProbability: 0, findings: p.findings }).severity;
      }),
      SEVERITIES,
    );
    const majorAlone = majorOf(sevRulesAlone);
    const majorModel = majorOf(sevModel);
    targets.push(['recall of `safety` with the rules ≥ 0.95', `${f3(safetyRules?.recall ?? NaN)} (precision ${f3(safetyRules?.precision ?? NaN)}, ${safetyRules?.support ?? 0} examples)`, (safetyRules?.recall ?? 0) >= 0.95 ? 'met' : '**not met**']);
    targets.push(['recall of `major` with the rules ≥ 0.95', `${f3(majorRules?.recall ?? NaN)} (precision ${f3(majorRules?.precision ?? NaN)}, ${majorRules?.support ?? 0} examples)`, (majorRules?.recall ?? 0) >= 0.95 ? 'met' : '**not met**']);

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
        '`major` by who decides it, now and before the context rules (see the note below the table):',
        '',
        table(
          ['`major` decided by', 'precision', 'recall', `before (${SEVERITY_BEFORE.date}): precision`, 'before: recall'],
          [
            ['the rules alone (severity `general` raised by the rules)', f3(majorAlone?.precision ?? NaN), f3(majorAlone?.recall ?? NaN), f3(SEVERITY_BEFORE.rulesAlone.precision), f3(SEVERITY_BEFORE.rulesAlone.recall)],
            ['the model alone (detector or argmax)', f3(majorModel?.precision ?? NaN), f3(majorModel?.recall ?? NaN), f3(SEVERITY_BEFORE.model.precision), f3(SEVERITY_BEFORE.model.recall)],
            ['model + rules (what a ticket gets)', f3(majorRules?.precision ?? NaN), f3(majorRules?.recall ?? NaN), f3(SEVERITY_BEFORE.withRules.precision), f3(SEVERITY_BEFORE.withRules.recall)],
          ],
        ),
        '',
        SEVERITY_BEFORE.note,
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

  const cpus = os.cpus();
  md.push(
    '# Classifier evaluation',
    '',
    `Generated by \`npm run eval\` (nlp-models/scripts/eval.ts) on ${started.toISOString()}.`,
    '',
    `- Model: \`${meta.version}\` in \`${displayPath(modelDir)}\`, trained ${meta.trainedAt} on ${meta.data.examples} examples (${meta.data.sources.join(', ') || 'unnamed sources'}; ${meta.data.feedbackExamples} from agent feedback), data hash \`${meta.dataHash.slice(0, 16)}…\``,
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.type()} ${os.release()}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (a shared machine: timings are noisy)`,
    `- Split seed ${seed}. Reproduce: \`npm run train\` then \`npm run eval\`${realFiles.length ? ` (real sets: ${realFiles.map(displayPath).join(', ')})` : ''}.`,
    '',
    '## Targets',
    '',
    table(['target', 'measured', ''], targets),
    '',
  );
  if (real.length) {
    md.push(
      '## 1. The training pipeline on real complaints',
      '',
      'Each real set is split 50/50, stratified by label (seed above); every model is trained on the same half and scored on the',
      'other. Macro-F1 averages the classes present in the truth or the predictions, so rare classes weigh as much as common ones;',
      'the real sets are very unbalanced (see their README), so read per-class figures too.',
      '',
      ...pipelineSections,
      naturalLr,
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
  md.push(
    "## 3. The default model on the project's held-out examples",
    '',
    ...ownSections,
    '## 4. Speed and size',
    '',
    'One thread, `classify()` with the rules, after a warm-up; texts are repeated round-robin for at least 1 s per round. The first row',
    'is the median of several rounds (the machine is shared: single rounds vary by ± 25 %); `npm run bench` compares the same figure',
    "with natural's BayesClassifier and with the tokenizer alone, measured in the same rounds.",
    '',
    table(['texts', 'distinct', 'average chars', 'texts/s (wall)', 'texts/s per CPU-second'], perf),
    '',
    `Model file: ${int(load.bytes / 1024)} KB (\`model.json\`); load (read, validate, build indices): in a fresh process ${
      cold.length ? `${median(cold.map((c) => c.loadMs)).toFixed(0)} ms after ${median(cold.map((c) => c.importMs)).toFixed(0)} ms of importing the classifier's modules` : 'not measured'
    }; in this process median ${load.medianMs.toFixed(0)} ms.`,
    '',
    '## Notes',
    '',
    "- natural's BayesClassifier fails in three ways visible above: its default tokenizer drops CJK characters, so every Chinese text",
    '  gets the class prior (the majority class); it returns exp() of the summed log-probabilities, which underflows to 0 for every',
    '  class on long narratives; and its smoothing divides `count || 1` by the number of documents of the class, so a class with one',
    '  or two examples scores as if every unseen feature were certain and wins on texts with many features (given our richer tokens',
    '  it predicts the rarest class). The log-space multinomial naive Bayes fixes the first two and is the baseline to beat.',
    '- `major` and `safety` are decided recall-first (a missed major or safety complaint costs more than an extra escalation): the',
    '  price is the precision shown above. A deployment that prefers fewer escalations can retrain with a lower recall target',
    '  (`npm run train -- --target-recall 0.9`).',
    "- Out of domain, most errors on the car-complaint titles are defects that the real set files under product quality (its",
    '  source groups brakes, steering and engine problems there) while this taxonomy routes hazards (brake failure, fire,',
    '  stalling on the road) to `safety`; on the consumer-finance narratives the mapped labels (for example credit-report errors',
    '  as service quality) differ from what a complaint desk would call them. Retraining on a deployment\'s own labels (section 1)',
    '  is the remedy.',
    '- Held-out figures come from a few hundred examples (± 2–3 points); the cross-validated figures on the training part use',
    '  four times as many. Timings depend on the machine and its load; `npm run bench` states them against baselines measured in',
    '  the same run.',
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
