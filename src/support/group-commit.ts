/**
 * Group commit: callers push one item each; whenever no flush is running, everything queued
 * so far is handed to `flush` as one batch (one insertMany instead of many insertOne).
 * Items are flushed in arrival order and batches never overlap, so a flush can assume it is
 * the only writer of its kind in this process.
 *
 * The queue is bounded: when `maxPending` items already wait (a slow database), `push` refuses
 * at once with the error `overloaded()` makes, so callers answer "busy, retry" instead of
 * piling up open requests without limit.
 */

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Largest batch handed to one flush. */
  maxBatch?: number;
  /** Items allowed to wait (not counting the batch being flushed); more are refused. */
  maxPending?: number;
  /** The error a refused push rejects with. */
  overloaded?: () => Error;
}

export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor() {
    super('too many writes are waiting; retry shortly');
  }
}

export class GroupCommitQueue<T, R> {
  private pending: Pending<T, R>[] = [];
  private running = false;
  private readonly maxBatch: number;
  private readonly maxPending: number;
  private readonly overloaded: () => Error;

  constructor(
    private readonly flush: (items: T[]) => Promise<Outcome<R>[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200;
    this.maxPending = options.maxPending ?? Number.POSITIVE_INFINITY;
    this.overloaded = options.overloaded ?? (() => new QueueFullError());
  }

  push(item: T): Promise<R> {
    if (this.pending.length >= this.maxPending) return Promise.reject(this.overloaded());
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
