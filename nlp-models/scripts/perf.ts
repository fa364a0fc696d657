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

function warmUp(classify: (text: string) => unknown, texts: readonly string[]): void {
  // at least 5,000 texts and 500 ms, so the measurement sees optimised code
  const w0 = performance.now();
  for (let i = 0; i < 5000 || performance.now() - w0 < 500; i++) classify(texts[i % texts.length] as string);
}

function timeOnce(classify: (text: string) => unknown, texts: readonly string[], minMs: number): Throughput {
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || n < texts.length) {
    for (let k = 0; k < 100; k++) classify(texts[n++ % texts.length] as string);
    elapsed = performance.now() - t0;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    perSecond: (n / elapsed) * 1000,
    perCpuSecond: (n / Math.max(cpuMs, 1e-3)) * 1000,
    texts: n,
    averageChars: texts.reduce((a, t) => a + t.length, 0) / texts.length,
  };
}

/** Classify the texts round-robin on this thread for at least `minMs` after a warm-up. */
export function measureThroughput(classify: (text: string) => unknown, texts: readonly string[], minMs = 1500): Throughput {
  if (texts.length === 0) throw new Error('measureThroughput: no texts');
  warmUp(classify, texts);
  return timeOnce(classify, texts, minMs);
}

export interface RoundsResult {
  /** Median over the rounds (wall clock and CPU time separately). */
  median: Throughput;
  /** Every round, in order. */
  rounds: Throughput[];
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Several contenders measured in interleaved rounds (each round times every contender once, after a
 * warm-up of each), so that load from other processes on a shared machine falls on all of them alike;
 * each contender's median round is reported, and ratios should be taken per round.
 */
export function measureRounds<K extends string>(
  contenders: Readonly<Record<K, (text: string) => unknown>>,
  texts: readonly string[],
  options: { rounds?: number; minMs?: number } = {},
): Record<K, RoundsResult> {
  if (texts.length === 0) throw new Error('measureRounds: no texts');
  const rounds = options.rounds ?? 5;
  const minMs = options.minMs ?? 1000;
  const names = Object.keys(contenders) as K[];
  for (const name of names) warmUp(contenders[name], texts);
  const all = Object.fromEntries(names.map((n) => [n, [] as Throughput[]])) as Record<K, Throughput[]>;
  for (let r = 0; r < rounds; r++) for (const name of names) all[name].push(timeOnce(contenders[name], texts, minMs));
  return Object.fromEntries(
    names.map((n) => {
      const list = all[n];
      const first = list[0] as Throughput;
      return [n, { rounds: list, median: { ...first, perSecond: median(list.map((t) => t.perSecond)), perCpuSecond: median(list.map((t) => t.perCpuSecond)), texts: list.reduce((a, t) => a + t.texts, 0) } }];
    }),
  ) as Record<K, RoundsResult>;
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
  return { medianMs: times.length > 1 ? median(times.slice(1)) : (times[0] as number), firstMs: times[0] as number, bytes: fs.statSync(modelFilePath(dir)).size };
}
