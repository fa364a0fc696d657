/**
 * What is due when, reachable by `_id` (FerretDB uses no secondary index for queries).
 *
 * Time is cut into buckets (one minute by default); an item due at t is the n-th document of its
 * bucket, `_id` = `<bucket>:<n>`. Adding takes the next free n with a unique insert (a duplicate
 * means someone else took it: take the next), so a bucket's slots are numbered without gaps, and
 * reading a bucket is `_id` lookups of 1, 2, … until the first miss. A scan therefore costs what is
 * due (and one lookup per empty minute), never what is not.
 *
 * Items are never left behind the scanner: an item due in a minute the scanner has already passed
 * goes into the first minute it has not (the adder reads the scanner's cursor), and an adder that
 * finds the cursor moved past its bucket while it was inserting adds the item again further on; the
 * scanner, for its part, counts a bucket once more after marking it done. Whatever the
 * interleaving, every item is seen, and no clock has to agree with another. Items are delivered at
 * least once: what they trigger must be idempotent (the SLA and follow-up jobs re-check the ticket
 * before changing it).
 */
import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import { isDuplicateKey, translateStoreError } from './mongo-errors';
import { gallopLast } from './sequence-log';
import { supportModels } from './models/support-models';

export interface DueItem {
  /** What to do: the scanner hands the item to the handler of this kind. */
  kind: string;
  /** What it is about, e.g. a ticket number. */
  ref: string;
  /** When it is due. */
  at: Date;
  /** Small, non-personal facts the handler needs. */
  data?: Record<string, unknown>;
}

export interface DueSlot extends DueItem {
  id: string;
  bucket: number;
}

const dueSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    ref: { type: String, required: true },
    at: { type: Date, required: true },
    data: { type: Schema.Types.Mixed, default: undefined },
  },
  { collection: 'due_slots', versionKey: false, minimize: false },
);

export function dueModels(conn: Connection): { slots: Model<Record<string, unknown>>; cursors: Model<Record<string, unknown>> } {
  const slots = (conn.models.DueSlot ?? conn.model('DueSlot', dueSchema)) as unknown as Model<Record<string, unknown>>;
  return { slots, cursors: supportModels(conn).FeedCursor };
}

export class MongoDueIndex {
  private readonly slots: Model<Record<string, unknown>>;
  private readonly cursors: Model<Record<string, unknown>>;
  /** Next free slot per bucket, as far as this process knows. */
  private readonly hints = new Map<number, number>();
  private scannedCache: { value: number; until: number } | null = null;

  constructor(
    conn: Connection,
    /** Name of the scanner whose cursor items must stay ahead of. */
    private readonly scanner = 'due',
    readonly bucketMs = 60_000,
  ) {
    ({ slots: this.slots, cursors: this.cursors } = dueModels(conn));
  }

  bucketOf(at: Date): number {
    return Math.floor(at.getTime() / this.bucketMs);
  }

  private slotId(bucket: number, n: number): string {
    return `${String(bucket).padStart(10, '0')}:${n}`;
  }

  /** The last bucket the scanner has finished (items go after it). */
  async scannedUpTo(fresh = false): Promise<number> {
    const now = Date.now();
    if (!fresh && this.scannedCache && this.scannedCache.until > now) return this.scannedCache.value;
    const doc = await this.cursors.findOne({ _id: `due:${this.scanner}` }).lean<{ value: number }>();
    const value = doc?.value ?? 0;
    this.scannedCache = { value, until: now + 1000 };
    return value;
  }

  async add(items: DueItem[], fresh = false): Promise<void> {
    if (!items.length) return;
    try {
      const floor = (await this.scannedUpTo(fresh)) + 1;
      const byBucket = new Map<number, DueItem[]>();
      for (const item of items) {
        const bucket = Math.max(this.bucketOf(item.at), floor);
        byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), item]);
      }
      await Promise.all([...byBucket].map(([bucket, list]) => this.addToBucket(bucket, list)));
      // The scanner may have finished one of these buckets while we inserted: add those items again.
      const scanned = await this.scannedUpTo(true);
      const late = [...byBucket].filter(([bucket]) => bucket <= scanned).flatMap(([, list]) => list);
      if (late.length) await this.add(late, true);
    } catch (err) {
      translateStoreError(err);
    }
  }

  private async addToBucket(bucket: number, items: DueItem[]): Promise<void> {
    let remaining = items;
    for (let attempt = 0; remaining.length; attempt++) {
      const start = this.hints.get(bucket) ?? (await this.count(bucket)) + 1;
      const docs = remaining.map((it, i) => ({ _id: this.slotId(bucket, start + i), kind: it.kind, ref: it.ref, at: it.at, ...(it.data ? { data: it.data } : {}) }));
      try {
        await this.slots.insertMany(docs, { ordered: true, lean: true });
        this.hints.set(bucket, start + docs.length);
        return;
      } catch (err) {
        const landed = ((err as { writeErrors?: Array<{ index: number }> }).writeErrors ?? [])[0]?.index ?? -1;
        if (!isDuplicateKey(err) || landed < 0 || attempt > 50) throw err;
        // Someone else took slot start+landed: the prefix stands, the rest go after the bucket's end.
        remaining = remaining.slice(landed);
        this.hints.delete(bucket);
      }
    }
  }

  /** How many items a bucket holds. */
  async count(bucket: number): Promise<number> {
    return gallopLast(async (n) => (await this.slots.findOne({ _id: this.slotId(bucket, n) }, { _id: 1 }).lean()) !== null, 0);
  }

  /** Every item of a bucket, in slot order. */
  async read(bucket: number): Promise<DueSlot[]> {
    const out: DueSlot[] = [];
    try {
      for (let n = 1, width = 1; ; width = Math.min(width * 2, 32)) {
        const ids = Array.from({ length: width }, (_, i) => this.slotId(bucket, n + i));
        const docs = await Promise.all(ids.map((id) => this.slots.findOne({ _id: id }).lean<DueItem & { _id: string }>()));
        for (const d of docs) {
          if (!d) return out;
          out.push({ id: d._id, bucket, kind: d.kind, ref: d.ref, at: new Date(d.at), ...(d.data ? { data: d.data } : {}) });
          n++;
        }
      }
    } catch (err) {
      return translateStoreError(err);
    }
  }

  /** Remember that every bucket up to `bucket` is handled (never moves back). */
  async markScanned(bucket: number, again = false): Promise<void> {
    try {
      const current = await this.cursors.findOne({ _id: `due:${this.scanner}` }).lean<{ value: number }>();
      if ((current?.value ?? 0) >= bucket) return;
      const doc = { _id: `due:${this.scanner}`, value: bucket, at: new Date() };
      try {
        await this.cursors.replaceOne({ _id: doc._id }, doc, { upsert: true });
      } catch (err) {
        // Two scanners' first marks raced (an upsert is not atomic on FerretDB): the document exists now.
        if (!isDuplicateKey(err)) throw err;
        await this.cursors.replaceOne({ _id: doc._id, value: { $lt: bucket } }, doc);
      }
      this.scannedCache = { value: bucket, until: Date.now() + 1000 };
    } catch (err) {
      // Two scanners creating the cursor at once (an upsert is not atomic on FerretDB): it exists now, so mark again.
      if (isDuplicateKey(err) && !again) return this.markScanned(bucket, true);
      translateStoreError(err);
    }
  }

  /** Retention: delete the slots of handled buckets older than `before` (walking them by `_id`). */
  async deleteBuckets(from: number, before: number): Promise<number> {
    let deleted = 0;
    try {
      for (let b = from; b < before; b++) {
        const n = await this.count(b);
        for (let i = 1; i <= n; i++) deleted += (await this.slots.deleteOne({ _id: this.slotId(b, i) })).deletedCount;
      }
      return deleted;
    } catch (err) {
      return translateStoreError(err);
    }
  }
}
