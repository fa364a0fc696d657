/**
 * Classifier benchmark for `npm run bench`: texts/s of `classify()` on one thread and model load
 * time, each against a baseline measured in the same run:
 *  - throughput against natural's BayesClassifier (its default pipeline, trained on the same
 *    examples) classifying the same texts, and against our tokenizer alone (the floor). The three
 *    are timed in interleaved rounds (a shared machine's load falls on all of them alike) and each
 *    figure is the median round; the ratio is the median of the per-round ratios;
 *  - load time against a bare JSON.parse of the same model file, in this process and cold (a fresh
 *    process importing the classifier and loading the model).
 * Texts are the project's own chat-length examples (nlp-models/data/*.csv, at most 500 characters: what
 * the chatbot classifies; the long narratives are timed by `npm run eval`), repeated round-robin.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadExamples } from '../../src/nlp/dataset';
import { modelFilePath } from '../../src/nlp/model-file';
import { trainNaturalBayes } from '../../src/nlp/models/natural-baselines';
import { tokenize } from '../../src/nlp/text/tokenizer';
import { loadModel } from '../../src/nlp/trained-classifier';
import { DEFAULT_MODEL_DIR, projectDataFiles, ROOT } from '../../nlp-models/scripts/paths';
import { measureLoad, measureRounds, median } from '../../nlp-models/scripts/perf';

export interface NlpBenchResult {
  name: string;
  unit: string;
  value: number;
  baseline: { name: string; value: number };
  /** value / baseline (for times, baseline / value: higher is better either way). */
  ratio: number;
  target: string;
  met: boolean;
  detail: string;
}

export interface NlpBenchOptions {
  modelDir?: string;
  /** Interleaved measurement rounds (default 5). */
  rounds?: number;
  /** Milliseconds per contender per round (default 1000). */
  minMs?: number;
}

/** Cold start in a fresh process (nlp-models/scripts/load-time.ts), `runs` times. */
function coldLoad(modelDir: string, runs: number): { importMs: number; loadMs: number }[] {
  const script = path.join(ROOT, 'nlp-models', 'scripts', 'load-time.ts');
  const out: { importMs: number; loadMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [...process.execArgv, script, modelDir], { encoding: 'utf8', env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) throw new Error(`load-time.ts failed: ${r.stderr || r.stdout}`);
    out.push(JSON.parse(line) as { importMs: number; loadMs: number });
  }
  return out;
}

export async function benchNlp(options: NlpBenchOptions = {}): Promise<NlpBenchResult[]> {
  const modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
  const examples = projectDataFiles().flatMap((f) => loadExamples(f).examples.filter((e) => e.text.length <= 500));
  if (examples.length === 0) throw new Error('no project examples in nlp-models/data');
  const texts = examples.map((e) => e.text);
  const classifier = loadModel(modelDir);
  const natural = trainNaturalBayes(
    texts,
    examples.map((e) => e.label),
  );
  const m = measureRounds(
    {
      ours: (t) => classifier.classify(t),
      natural: (t) => natural.classify(t),
      tokenizer: (t) => tokenize(t),
    },
    texts,
    { rounds: options.rounds ?? 5, minMs: options.minMs ?? 1000 },
  );
  const ratio = median(m.ours.rounds.map((r, i) => r.perSecond / (m.natural.rounds[i] as { perSecond: number }).perSecond));
  const ours = m.ours.median;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

  const load = measureLoad(modelDir);
  const parseTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    JSON.parse(fs.readFileSync(modelFilePath(modelDir), 'utf8'));
    parseTimes.push(performance.now() - t0);
  }
  const parseMs = median(parseTimes);
  const cold = coldLoad(modelDir, 3);
  const coldLoadMs = median(cold.map((c) => c.loadMs));
  const coldImportMs = median(cold.map((c) => c.importMs));

  const detail = `${texts.length} texts, ${ours.averageChars.toFixed(0)} characters on average; ${classifier.version}`;
  return [
    {
      name: 'classify() texts/s, one thread',
      unit: 'texts/s',
      value: ours.perSecond,
      baseline: { name: "natural BayesClassifier (default pipeline, same examples) classify()", value: m.natural.median.perSecond },
      ratio,
      target: '≥ 20,000 texts/s per CPU-second',
      met: ours.perCpuSecond >= 20_000,
      detail:
        `${detail}; median of ${m.ours.rounds.length} interleaved rounds (wall clock: ${m.ours.rounds.map((r) => fmt(r.perSecond)).join(', ')}); ` +
        `per CPU-second ${fmt(ours.perCpuSecond)}; our tokenizer alone (tokenize(): normalisation and string tokens, no rules, no model) ${fmt(m.tokenizer.median.perSecond)} texts/s`,
    },
    {
      name: 'model load',
      unit: 'ms',
      value: coldLoadMs,
      baseline: { name: 'JSON.parse of the same model.json', value: parseMs },
      ratio: parseMs / coldLoadMs,
      target: '< 1,000 ms',
      met: coldLoadMs + coldImportMs < 1000,
      detail:
        `load (read, validate with zod, build the indices) in a fresh process, median of ${cold.length}; importing the classifier's modules before it took ${coldImportMs.toFixed(0)} ms more (cold start ${(coldLoadMs + coldImportMs).toFixed(0)} ms); ` +
        `in a warm process ${load.medianMs.toFixed(0)} ms; model file ${(load.bytes / 1024).toFixed(0)} KB`,
    },
  ];
}

export async function benchNlpMarkdown(): Promise<string> {
  if (!fs.existsSync(modelFilePath(DEFAULT_MODEL_DIR))) return 'No default model (nlp-models/default/model.json): run `npm run train` first.';
  const results = await benchNlp();
  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
  return [
    "The trained classifier (`TrainedClassifier.classify`: normalisation, rules, tokenisation, three linear heads) on the project's own",
    "examples, one thread, against natural's BayesClassifier classifying the same texts (interleaved rounds, medians) and against a",
    'bare `JSON.parse` of the model file.',
    '',
    '| measure | ours | baseline | ratio | target |',
    '|---|---:|---:|---:|---|',
    ...results.map((r) => `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${fmt(r.baseline.value)} ${r.unit} (${r.baseline.name}) | **${r.ratio.toFixed(2)}×** | ${r.target}: ${r.met ? 'met' : '**not met**'} |`),
    '',
    ...results.map((r) => `- ${r.name}: ${r.detail}`),
  ].join('\n');
}

if (require.main === module) {
  benchNlpMarkdown()
    .then((md) => console.log(md))
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
