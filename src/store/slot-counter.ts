/**
 * Counters on a store without atomic increments: the n-th event of a counter in a time window
 * is the insert of `<counter>:<window>:<n>`. Inserting the next n is atomic (a duplicate means
 * someone else counted that one: take the next), and the count is found by galloping over
 * `_id` lookups — no query scans the collection, and no update races.
 */
import type { Model } from 'mongoose';
import { isDuplicateKey } from './mongo-errors';
import { gallopLast } from './sequence-log';

export class SlotCounter {
  constructor(private readonly model: Model<Record<string, unknown>>) {}

  private id(counter: string, window: number, n: number): string {
    return `${counter}:${window}:${n}`;
  }

  /** Events counted so far in the window, and when the last one happened. */
  async count(counter: string, window: number): Promise<{ n: number; lastAt: Date | null }> {
    const n = await gallopLast((k) => this.exists(counter, window, k), 0);
    if (n === 0) return { n, lastAt: null };
    const doc = await this.model.findOne({ _id: this.id(counter, window, n) }, { at: 1 }).lean<{ at: Date }>();
    return { n, lastAt: doc ? new Date(doc.at) : null };
  }

  /** Count one more event; returns its number in the window. `cap` stops counting (the caller only needs to know "at least cap"). */
  async increment(counter: string, window: number, at: Date, cap = 1000): Promise<number> {
    let n = (await this.count(counter, window)).n + 1;
    for (; n <= cap; n++) {
      try {
        await this.model.create({ _id: this.id(counter, window, n), at });
        return n;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    return cap;
  }

  private async exists(counter: string, window: number, n: number): Promise<boolean> {
    return (await this.model.findOne({ _id: this.id(counter, window, n) }, { _id: 1 }).lean()) !== null;
  }
}
