/**
 * tsx nlp-models/scripts/load-time.ts [DIR]
 *
 * Cold start of the classifier in a fresh process: milliseconds to import its modules and to load
 * the model (read, validate, build the indices), printed as one JSON line. `npm run bench` and
 * `npm run eval` run it in a child process, so the figures are not helped by an earlier load.
 */
import { DEFAULT_MODEL_DIR } from './paths';

async function main(): Promise<void> {
  const dir = process.argv[2] ?? DEFAULT_MODEL_DIR;
  const t0 = performance.now();
  const { loadModel } = await import('../../src/nlp/trained-classifier');
  const t1 = performance.now();
  const classifier = loadModel(dir);
  const t2 = performance.now();
  classifier.classify('warm');
  const t3 = performance.now();
  console.log(JSON.stringify({ importMs: t1 - t0, loadMs: t2 - t1, firstClassifyMs: t3 - t2 }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
