/**
 * Idempotency-Key records, created by inserting the key as `_id` (atomic on MongoDB and FerretDB).
 * The record keeps the fingerprint of the first request, the year and last ticket number at that
 * moment and, once known, the ticket's number. It is never released or taken over: the tickets'
 * unique index on the key is what guarantees one ticket per key, and a repeat whose record has
 * no number yet finds the ticket by searching the numbers issued after it.
 */
import type { Connection, Model } from 'mongoose';
import type { IdempotencyClaim, IdempotencyStore } from '../domain/ports';
import { isDuplicateKey, translateStoreError } from './mongo-errors';
import { supportModels } from './models/support-models';

interface KeyDoc {
  number: string | null;
  fingerprint: string;
  year: number;
  afterSeq: number;
}

export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly model: Model<Record<string, unknown>>;

  constructor(conn: Connection) {
    this.model = supportModels(conn).Idempotency;
  }

  async claim(key: string, now: Date, fingerprint: string, year: number, afterSeq: number): Promise<IdempotencyClaim> {
    try {
      await this.model.create({ _id: key, number: null, fingerprint, year, afterSeq, createdAt: now });
      return { state: 'new' };
    } catch (err) {
      if (!isDuplicateKey(err)) return translateStoreError(err);
    }
    try {
      const doc = await this.model.findOne({ _id: key }).lean<KeyDoc>();
      if (!doc) return { state: 'new' }; // removed by retention between the two calls: a new use
      return { state: 'seen', number: doc.number, fingerprint: doc.fingerprint, year: doc.year, afterSeq: doc.afterSeq };
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async complete(key: string, number: string): Promise<void> {
    try {
      // Every writer writes the same number (one ticket per key), so a non-atomic update is safe.
      await this.model.updateOne({ _id: key }, { $set: { number } });
    } catch (err) {
      translateStoreError(err);
    }
  }
}
