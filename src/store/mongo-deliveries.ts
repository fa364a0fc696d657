/**
 * Durable state of the delivery worker (src/jobs/delivery-worker.ts), collection `deliveries`:
 *
 * - `<consumer>:<delivery id>#<n>`: attempt n, claimed by inserting it (one winner), with the
 *   holder and until when the claim is good; the holder alone later writes `retryAt` (and the
 *   error) when it gives the attempt up. Attempt n+1 is only ever inserted after n exists, so the
 *   latest attempt is found by galloping over `_id` lookups.
 * - `<consumer>:<delivery id>#done`: how the delivery ended, inserted once (the first stands).
 *
 * Every read is by `_id`; the only scan is `trim` (retention), run rarely. Claims and records of
 * one moment are written together (one unordered insertMany: a duplicate fails only its own
 * document), so a busy worker pays a share of a round trip per delivery, not two.
 */
import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { AttemptRecord, DeliveryStore, SettledDelivery } from '../jobs/delivery-worker';
import type { GroupCommitQueue } from '../support/group-commit';
import { insertQueue } from './mongo-batch';
import { translateStoreError } from './mongo-errors';
import { gallopLast } from './sequence-log';

const deliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    holder: String,
    until: Date,
    retryAt: Date,
    error: String,
    status: String,
    attempts: Number,
    result: Schema.Types.Mixed,
  },
  { collection: 'deliveries', versionKey: false, minimize: false },
);

export function deliveryModel(conn: Connection): Model<Record<string, unknown>> {
  return ((conn.models.Delivery as Model<Record<string, unknown>> | undefined) ?? conn.model('Delivery', deliverySchema)) as unknown as Model<Record<string, unknown>>;
}

const attemptId = (consumer: string, id: string, n: number) => `${consumer}:${id}#${n}`;
const doneId = (consumer: string, id: string) => `${consumer}:${id}#done`;

export class MongoDeliveryStore implements DeliveryStore {
  private readonly model: Model<Record<string, unknown>>;
  private readonly inserts: GroupCommitQueue<Record<string, unknown>, boolean>;

  constructor(conn: Connection) {
    this.model = deliveryModel(conn);
    this.inserts = insertQueue(this.model);
  }

  async claim(consumer: string, id: string, n: number, holder: string, until: Date): Promise<boolean> {
    return this.inserts.push({ _id: attemptId(consumer, id, n), at: new Date(), holder, until });
  }

  async lastAttempt(consumer: string, id: string): Promise<AttemptRecord | null> {
    try {
      const n = await gallopLast(async (k) => (await this.model.findOne({ _id: attemptId(consumer, id, k) }, { _id: 1 }).lean()) !== null, 0);
      if (n === 0) return null;
      const doc = await this.model.findOne({ _id: attemptId(consumer, id, n) }).lean<{ holder: string; until: Date; retryAt?: Date | null; error?: string | null }>();
      if (!doc) return null;
      return { n, holder: doc.holder, until: new Date(doc.until), retryAt: doc.retryAt ? new Date(doc.retryAt) : null, error: doc.error ?? null };
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async release(consumer: string, id: string, n: number, retryAt: Date, error: string | null): Promise<void> {
    try {
      await this.model.updateOne({ _id: attemptId(consumer, id, n) }, { $set: { retryAt, error } });
    } catch (err) {
      translateStoreError(err);
    }
  }

  async settle(consumer: string, id: string, outcome: SettledDelivery): Promise<void> {
    // A duplicate means the end was recorded already: the first record stands.
    await this.inserts.push({ _id: doneId(consumer, id), ...outcome });
  }

  async outcome(consumer: string, id: string): Promise<SettledDelivery | null> {
    try {
      const doc = await this.model.findOne({ _id: doneId(consumer, id) }).lean<SettledDelivery & { _id: string }>();
      if (!doc) return null;
      const { _id: _ignored, ...rest } = doc;
      return { ...rest, at: new Date(rest.at) };
    } catch (err) {
      return translateStoreError(err);
    }
  }

  /** Retention: forget deliveries recorded before `before` (a date filter: scans the collection). */
  async trim(before: Date): Promise<number> {
    try {
      return (await this.model.deleteMany({ at: { $lt: before } })).deletedCount;
    } catch (err) {
      return translateStoreError(err);
    }
  }
}
