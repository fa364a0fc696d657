/**
 * Gap-free sequences on a store whose only atomic operation is a unique insert.
 *
 * A sequence is a collection whose `_id`s are consecutive numbers (formatted by `idOf`). To
 * append, a writer inserts at the numbers after the last one it knows, in one ordered
 * insertMany. A duplicate key means another writer took that number: the prefix before it
 * stands, the writer learns the new end and appends the rest after it. An ordered insert stops
 * at its first failure, so a number exists only if every smaller one exists: the sequence has
 * no gaps, and "what came after n" is found by `_id` lookups of n+1, n+2, … — the one query
 * FerretDB answers without scanning the collection.
 *
 * Used by the change feed (this file's `SequenceLog`), and the same search (`gallopLast`) finds
 * the end of the audit chain and of each year's ticket numbers.
 */
import crypto from 'node:crypto';
import type { Model } from 'mongoose';
import { flushFlattened, GroupCommitQueue, type Outcome } from '../support/group-commit';
import { asStoreError, firstWriteErrorIndex, isDuplicateKey } from './mongo-errors';

/**
 * The last n ≥ `from` for which `exists(n)` holds, given that `exists(from)` holds (or
 * `from` is the floor, 0) and that the numbers that exist are contiguous. Galloping then
 * bisecting: O(log distance) lookups.
 */
export async function gallopLast(exists: (n: number) => Promise<boolean>, from: number, max = Number.MAX_SAFE_INTEGER): Promise<number> {
  let lo = from;
  let step = 1;
  let hi = Math.min(lo + step, max + 1);
  while (hi <= max && (await exists(hi))) {
    lo = hi;
    step *= 2;
    hi = Math.min(lo + step, max + 1);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await exists(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

export function sequenceId(seq: number): string {
  return String(seq).padStart(12, '0');
}

/** `_id` of the document that records the lowest sequence still kept (retention deletes below it). */
export const FLOOR_ID = 'floor';

export interface SequencedDoc {
  _id: string;
  seq: number;
  /** Random per append attempt: after a write whose outcome is unknown, says whether it landed. */
  w: string;
}

/**
 * An append-only log with gap-free sequence numbers. Appends are group-committed (one ordered
 * insertMany for everything queued) and safe with any number of writers in any number of
 * processes. Reads are `_id` lookups.
 */
export class SequenceLog<D extends object> {
  private head: number | null = null;
  private readonly queue: GroupCommitQueue<D[], Outcome<number>[]>;

  constructor(
    private readonly model: Model<Record<string, unknown>>,
    options: { maxPending?: number; overloaded?: () => Error } = {},
  ) {
    this.queue = new GroupCommitQueue(flushFlattened((flat: D[]) => this.flush(flat)), options);
  }

  /** Append documents in order; resolves with their sequence numbers. */
  async append(docs: D[]): Promise<number[]> {
    if (docs.length === 0) return [];
    const outcomes = await this.queue.push(docs);
    return outcomes.map((o) => {
      if (!o.ok) throw o.error;
      return o.value;
    });
  }

  /**
   * Up to `limit` documents after `after`, in order; stops at the end of the log. Probes one
   * position first and doubles the width while every probe hits, so reading at the end of the
   * log (the usual case for a consumer that keeps up) costs one lookup, not a wasted batch.
   */
  async readAfter(after: number, limit: number): Promise<Array<D & SequencedDoc>> {
    const out: Array<D & SequencedDoc> = [];
    let next = after + 1;
    const take = async (ids: string[]): Promise<boolean> => {
      const docs = await Promise.all(ids.map((id) => this.model.findOne({ _id: id }).lean<D & SequencedDoc>()));
      for (const d of docs) {
        if (!d) return false;
        out.push(d);
        next++;
      }
      return true;
    };
    const span = (n: number) => Array.from({ length: Math.min(n, limit - out.length) }, (_, i) => sequenceId(next + i));
    // What this process appended itself is known to exist: read it all at once.
    if (this.head !== null && this.head >= next && !(await take(span(this.head - next + 1)))) return out;
    if (out.length === 0 && !(await take([sequenceId(next)]))) {
      // Nothing there: the end of the log — or, for a reader far behind, retention removed it.
      const floor = await this.floor();
      if (floor <= next) return out;
      next = floor;
      if (!(await take([sequenceId(next)]))) return out;
    }
    // Beyond what this process knows: one probe, then wider while every probe hits.
    for (let width = 1; out.length < limit; width = Math.min(width * 2, 32)) {
      if (!(await take(span(width)))) return out;
    }
    return out;
  }

  async get(seq: number): Promise<(D & SequencedDoc) | null> {
    return this.model.findOne({ _id: sequenceId(seq) }).lean<D & SequencedDoc>();
  }

  /** Set fields of one entry (only for flags its writer adds after the fact; never the content). */
  async mark(seq: number, fields: Record<string, unknown>): Promise<void> {
    await this.model.updateOne({ _id: sequenceId(seq) }, { $set: fields });
  }

  /** The last sequence number in the log (0 if empty). */
  async last(): Promise<number> {
    const floor = await this.floor();
    // Below the floor everything may be gone: search from just under it, as from an empty log.
    return gallopLast((n) => this.exists(n), floor > 0 ? floor - 1 : 0);
  }

  /** Lowest sequence still kept (0 when nothing was ever deleted). */
  async floor(): Promise<number> {
    const doc = await this.model.findOne({ _id: FLOOR_ID }).lean<{ seq: number }>();
    return doc?.seq ?? 0;
  }

  /**
   * Retention: delete entries below `below` (exclusive). The floor is raised first, so a writer
   * that searches for the end starts above the hole.
   */
  async deleteBelow(below: number, chunk = 50): Promise<number> {
    const floor = await this.floor();
    if (below <= Math.max(floor, 1)) return 0;
    await this.model.replaceOne({ _id: FLOOR_ID }, { _id: FLOOR_ID, seq: below }, { upsert: true });
    let deleted = 0;
    for (let s = Math.max(floor, 1); s < below; s += chunk) {
      const ids = Array.from({ length: Math.min(chunk, below - s) }, (_, i) => sequenceId(s + i));
      const r = await this.model.bulkWrite(
        ids.map((id) => ({ deleteOne: { filter: { _id: id } } })),
        { ordered: false },
      );
      deleted += r.deletedCount;
    }
    return deleted;
  }

  private async exists(n: number): Promise<boolean> {
    return (await this.model.findOne({ _id: sequenceId(n) }, { _id: 1 }).lean()) !== null;
  }

  private async flush(items: D[]): Promise<Outcome<number>[]> {
    const outcomes: Outcome<number>[] = new Array(items.length);
    let remaining = items.map((item, k) => ({ item, k }));
    for (let attempt = 0; remaining.length > 0; attempt++) {
      let start: number;
      try {
        start = (this.head ??= await this.last()) + 1;
      } catch (err) {
        const error = asStoreError(err);
        remaining.forEach(({ k }) => (outcomes[k] = { ok: false, error }));
        return outcomes;
      }
      const w = crypto.randomBytes(8).toString('hex');
      const docs = remaining.map(({ item }, i) => ({ ...item, _id: sequenceId(start + i), seq: start + i, w }));
      try {
        await this.model.insertMany(docs, { ordered: true, lean: true });
        remaining.forEach(({ k }, i) => (outcomes[k] = { ok: true, value: start + i }));
        this.head = start + docs.length - 1;
        return outcomes;
      } catch (err) {
        let landed = firstWriteErrorIndex(err);
        if (landed < 0) {
          // No per-document errors (a timeout, a lost connection): read back what landed.
          try {
            landed = await this.countLanded(docs, w);
          } catch {
            this.head = null;
            const error = asStoreError(err);
            remaining.forEach(({ k }) => (outcomes[k] = { ok: false, error }));
            return outcomes;
          }
          if (landed === docs.length) {
            remaining.forEach(({ k }, i) => (outcomes[k] = { ok: true, value: start + i }));
            this.head = start + docs.length - 1;
            return outcomes;
          }
        }
        remaining.slice(0, landed).forEach(({ k }, i) => (outcomes[k] = { ok: true, value: start + i }));
        remaining = remaining.slice(landed);
        this.head = null;
        const clashed = isDuplicateKey(err) || (await this.exists(start + landed).catch(() => false));
        if (!clashed || attempt >= 50) {
          const error = asStoreError(err);
          remaining.forEach(({ k }) => (outcomes[k] = { ok: false, error }));
          return outcomes;
        }
        // Another writer took start+landed: search the end onwards from there.
        this.head = await gallopLast((n) => this.exists(n), start + landed).catch(() => null);
      }
    }
    return outcomes;
  }

  /** How many of `docs` (a prefix, as the insert was ordered) are stored with this attempt's mark. */
  private async countLanded(docs: Array<{ _id: string; w: string }>, w: string): Promise<number> {
    let n = 0;
    for (const d of docs) {
      const found = await this.model.findOne({ _id: d._id }, { w: 1 }).lean<{ w?: string }>();
      if (!found || found.w !== w) return n;
      n++;
    }
    return n;
  }
}
