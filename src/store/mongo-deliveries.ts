/**
 * Durable state of the delivery worker (src/jobs/delivery-worker.ts), collection `deliveries`:
 *
 * - `<consumer>:<delivery id>#<n>`: attempt n, claimed by inserting it (one winner), with the
 *   holder and until when the claim is good; the holder alone later writes `retryAt` (and the
 *   error) when it gives the attempt up. Attempt n+1 is only ever inserted after n exists, so the
 *   latest attempt is found by galloping over `_id` lookups.
 * - `<consumer>:<delivery id>#done`: how the delivery ended, inserted once (the first stands).
 *
 * Every read is by `_id`; the only scan is `trim` (retention), run rarely.
 */
import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { AttemptRecord, DeliveryStore, SettledDelivery } from '../jobs/delivery-worker';
import { isDuplicateKey, translateStoreError } from './mongo-errors';
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

  constructor(conn: Connection) {
    this.model = deliveryModel(conn);
  }

  async claim(consumer: string, id: string, n: number, holder: string, until: Date): Promise<boolean> {
    try {
      await this.model.create({ _id: attemptId(consumer, id, n), at: new Date(), holder, until });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      return translateStoreError(err);
    }
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
    try {
      await this.model.create({ _id: doneId(consumer, id), ...outcome });
    } catch (err) {
      if (!isDuplicateKey(err)) translateStoreError(err);
    }
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
