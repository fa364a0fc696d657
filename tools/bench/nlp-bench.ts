/**
 * Classifier benchmark for `npm run bench`: texts/s of `classify()` on one thread and model load
 * time, each against a baseline measured in the same run:
 *  - throughput against natural's BayesClassifier (its default pipeline, trained on the same
 *    examples) classifying the same texts, and against our tokenizer alone (the floor);
 *  - load time against a bare JSON.parse of the same model file.
 * Texts are the project's own examples (nlp-models/data/*.csv), repeated round-robin.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

import fs from 'node:fs';
import { loadExamples } from '../../src/nlp/dataset';
import { modelFilePath } from '../../src/nlp/model-file';
import { trainNaturalBayes } from '../../src/nlp/models/natural-baselines';
import { tokenize } from '../../src/nlp/tokenizer';
import { loadModel } from '../../src/nlp/trained-classifier';
import { DEFAULT_MODEL_DIR, projectDataFiles } from '../../nlp-models/scripts/paths';
import { measureLoad, measureThroughput } from '../../nlp-models/scripts/perf';

export interface NlpBenchResult {
  name: string;
  unit: string;
  value: number;
  baseline: { name: string; value: number };
  /** value / baseline (for times, baseline / value: higher is better either way). */
  ratio: number;
  target: string;
  detail: string;
}

export async function benchNlp(options: { modelDir?: string; minMs?: number } = {}): Promise<NlpBenchResult[]> {
  const modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
  const minMs = options.minMs ?? 1500;
  const examples = projectDataFiles().flatMap((f) => loadExamples(f).examples);
  if (examples.length === 0) throw new Error('no project examples in nlp-models/data');
  const texts = examples.map((e) => e.text);
  const classifier = loadModel(modelDir);
  const ours = measureThroughput((t) => classifier.classify(t), texts, minMs);
  const tokenizerOnly = measureThroughput((t) => tokenize(t), texts, minMs);
  const natural = trainNaturalBayes(
    texts,
    examples.map((e) => e.label),
  );
  const nat = measureThroughput((t) => natural.classify(t), texts, minMs);
  const load = measureLoad(modelDir);
  const parseTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    JSON.parse(fs.readFileSync(modelFilePath(modelDir), 'utf8'));
    parseTimes.push(performance.now() - t0);
  }
  const parseMs = parseTimes.sort((a, b) => a - b)[2] as number;
  const detail = `${texts.length} texts, ${ours.averageChars.toFixed(0)} characters on average; ${classifier.version}`;
  return [
    {
      name: 'classify() texts/s, one thread',
      unit: 'texts/s',
      value: ours.perSecond,
      baseline: { name: "natural BayesClassifier (default pipeline, same examples) classify()", value: nat.perSecond },
      ratio: ours.perSecond / nat.perSecond,
      target: '≥ 20,000 texts/s',
      detail: `${detail}; per CPU-second ${ours.perCpuSecond.toFixed(0)}; tokenizer alone ${tokenizerOnly.perSecond.toFixed(0)} texts/s (${(ours.perSecond / tokenizerOnly.perSecond).toFixed(2)}× of it)`,
    },
    {
      name: 'model load',
      unit: 'ms',
      value: load.medianMs,
      baseline: { name: 'JSON.parse of the same model.json', value: parseMs },
      ratio: parseMs / load.medianMs,
      target: '< 1,000 ms',
      detail: `first (cold) load ${load.firstMs.toFixed(0)} ms; model file ${(load.bytes / 1024).toFixed(0)} KB`,
    },
  ];
}

export async function benchNlpMarkdown(): Promise<string> {
  if (!fs.existsSync(modelFilePath(DEFAULT_MODEL_DIR))) return 'No default model (nlp-models/default/model.json): run `npm run train` first.';
  const results = await benchNlp();
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  return [
    "The trained classifier (`TrainedClassifier.classify`: normalisation, rules, tokenisation, three linear heads) on the project's own",
    "examples, one thread, against natural's BayesClassifier classifying the same texts and against a bare `JSON.parse` of the model file.",
    '',
    '| measure | ours | baseline | ratio | target |',
    '|---|---:|---:|---:|---|',
    ...results.map((r) => `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${fmt(r.baseline.value)} ${r.unit} (${r.baseline.name}) | **${r.ratio.toFixed(2)}×** | ${r.target} |`),
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
