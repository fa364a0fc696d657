/** Throughput and load-time measurements shared by `npm run eval` and `npm run bench`. */
import fs from 'node:fs';
import { modelFilePath } from '../../src/nlp/model-file';
import { TrainedClassifier } from '../../src/nlp/trained-classifier';

export interface Throughput {
  /** Texts classified per wall-clock second (one thread). */
  perSecond: number;
  /** Texts classified per second of this process's CPU time (robust to other load on the machine). */
  perCpuSecond: number;
  texts: number;
  averageChars: number;
}

/** Classify the texts round-robin on this thread for at least `minMs` after a warm-up. */
export function measureThroughput(classify: (text: string) => unknown, texts: readonly string[], minMs = 1500): Throughput {
  if (texts.length === 0) throw new Error('measureThroughput: no texts');
  // warm-up: at least 5,000 texts and 500 ms, so the measurement sees optimised code
  const w0 = performance.now();
  for (let i = 0; i < 5000 || performance.now() - w0 < 500; i++) classify(texts[i % texts.length] as string);
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || n < texts.length) {
    for (let k = 0; k < 500; k++) classify(texts[n++ % texts.length] as string);
    elapsed = performance.now() - t0;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    perSecond: (n / elapsed) * 1000,
    perCpuSecond: (n / cpuMs) * 1000,
    texts: n,
    averageChars: texts.reduce((a, t) => a + t.length, 0) / texts.length,
  };
}

export interface LoadTime {
  /** Median milliseconds to read, validate and prepare the model (after the first, cold, load). */
  medianMs: number;
  firstMs: number;
  bytes: number;
}

export function measureLoad(dir: string, runs = 5): LoadTime {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    TrainedClassifier.fromDirectory(dir);
    times.push(performance.now() - t0);
  }
  const sorted = times.slice(1).sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)] ?? (times[0] as number), firstMs: times[0] as number, bytes: fs.statSync(modelFilePath(dir)).size };
}
