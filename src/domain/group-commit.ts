/**
 * Group commit: callers push one item each; whenever no flush is running, everything queued
 * so far is handed to `flush` as one batch (one insertMany instead of many insertOne).
 * Items are flushed in arrival order and batches never overlap, so a flush can assume it is
 * the only writer of its kind in this process.
 */
import type { Outcome } from './ports';

export type { Outcome };

interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitQueue<T, R> {
  private pending: Pending<T, R>[] = [];
  private running = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<Outcome<R>[]>,
    private readonly maxBatch = 200,
  ) {}

  push(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  get size(): number {
    return this.pending.length;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        let outcomes: Outcome<R>[];
        try {
          outcomes = await this.flush(batch.map((p) => p.item));
        } catch (error) {
          outcomes = batch.map(() => ({ ok: false, error }));
        }
        batch.forEach((p, i) => {
          const o = outcomes[i] ?? { ok: false, error: new Error('group commit: no outcome for item') };
          if (o.ok) p.resolve(o.value);
          else p.reject(o.error);
        });
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * For queues whose callers each push a list: flush all lists as one flat batch, then hand each
 * caller the outcomes of its own items, in order.
 */
export function flushFlattened<T, R>(flushFlat: (items: T[]) => Promise<Outcome<R>[]>): (batches: T[][]) => Promise<Outcome<Outcome<R>[]>[]> {
  return async (batches) => {
    const outcomes = await flushFlat(batches.flat());
    let at = 0;
    return batches.map((b) => {
      const mine = outcomes.slice(at, at + b.length);
      at += b.length;
      return { ok: true, value: mine };
    });
  };
}
