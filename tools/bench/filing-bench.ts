/**
 * Filing throughput through the service's own code (validation, the trained classifier, repeat
 * check, SLA, numbering, the change feed, and the effects that follow it — audit chain,
 * projection — which must have caught up before the clock stops) against raw mongoose insertOne
 * of a ticket-sized document into the same server, in the same run, at the same concurrency.
 */
import mongoose from 'mongoose';
import { loadModel } from '../../src/nlp/trained-classifier';
import { createIndexes } from '../../src/store/database';
import { benchCore } from './bench-core';
import type { Classifier } from '../../src/domain/classification';
import { median } from '../../nlp-models/scripts/perf';

export interface FilingBenchResult {
  concurrency: number;
  count: number;
  rounds: number;
  /** Medians over the rounds. */
  rawPerSec: number;
  servicePerSec: number;
  /** Median of the per-round ratios (each round measures raw then service back to back). */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
}

const TEXTS = [
  '我在你们网店买的电饭煲用了三天就坏了，订单号 2026112012345678，要求退货退款',
  'My broadband has been down for three days and nobody answers the support line.',
  '客服态度太差了，打了五次电话都被挂断，我要投诉到12315',
  'I was charged twice for order #A-20261120-7781, $49.99 each time. Please refund one.',
];

async function timeIt(count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await op(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

export async function benchFiling(
  uri: string,
  opts: { count: number; concurrency: number[]; rounds?: number; classifier?: Classifier },
): Promise<FilingBenchResult[]> {
  const rounds = opts.rounds ?? 3;
  const results: FilingBenchResult[] = [];
  for (const concurrency of opts.concurrency) {
    const dbName = `bench_${concurrency}_${Date.now()}`;
    const conn = await mongoose.createConnection(uri, { dbName, bufferCommands: false, autoIndex: false, maxPoolSize: 20 }).asPromise();
    try {
      await createIndexes(conn);
      const core = benchCore(conn, opts.classifier ?? loadModel());
      core.worker.start();
      const service = core.complaints;
      // A round ends when its filings are filed AND audited AND counted: the effects are part of the cost.
      const fileAll = async (base: number) => {
        const perSec = await timeIt(opts.count, concurrency, (i) => service.file(body(base + i), { actor: { kind: 'api', id: 'bench' } }));
        const started = process.hrtime.bigint();
        await service.settled();
        await core.worker.drain();
        await core.reports.worker.drain();
        const drainSeconds = Number(process.hrtime.bigint() - started) / 1e9;
        return opts.count / (opts.count / perSec + drainSeconds);
      };
      const body = (i: number) => ({
        description: `${TEXTS[i % TEXTS.length]} (${i})`,
        customer: { name: 'Bench', phone: `138${String(i).padStart(8, '0')}` },
        orderId: `B-${i}`,
        desiredRemedy: 'refund',
      });

      // Baseline: what one ticket-sized document costs to insert with mongoose, nothing else.
      const Raw = conn.model('RawBench', new mongoose.Schema({ _id: String }, { strict: false, collection: 'raw_bench', versionKey: false }));
      const sample = (await service.file(body(-1), { actor: { kind: 'api', id: 'bench' } })).ticket;
      const rawDoc = (i: number) => ({ ...sample, number: undefined, _id: `raw-${concurrency}-${i}`, description: body(i).description });

      // Warm up both paths, then measure.
      await timeIt(50, concurrency, (i) => Raw.insertOne(rawDoc(100000 + i)));
      await timeIt(50, concurrency, (i) => service.file(body(100000 + i), { actor: { kind: 'api', id: 'bench' } }));
      await service.settled();
      await core.worker.drain();
      await core.reports.worker.drain();
      // Interleaved rounds: this machine is shared, so each ratio compares two runs made back to back.
      const raw: number[] = [];
      const svc: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const base = (r + 1) * 1_000_000;
        raw.push(await timeIt(opts.count, concurrency, (i) => Raw.insertOne(rawDoc(base + i))));
        svc.push(await fileAll(base));
      }
      const ratios = raw.map((x, i) => svc[i]! / x);
      results.push({
        concurrency,
        count: opts.count,
        rounds,
        rawPerSec: median(raw),
        servicePerSec: median(svc),
        ratio: median(ratios),
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
      });
      await core.worker.stop();
    } finally {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    }
  }
  return results;
}
