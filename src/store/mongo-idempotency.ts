/** Idempotency keys, claimed by inserting the key as `_id` (atomic on MongoDB and FerretDB). */
import type { Connection, Model } from 'mongoose';
import type { IdempotencyClaim, IdempotencyStore } from '../domain/ports';
import { isDuplicateKey, translateStoreError } from './mongo-errors';
import { supportModels } from './models/support-models';

/** A claim that never completed (its filer died) can be taken over after this long. */
const STALE_AFTER_MS = 2 * 60_000;

export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly model: Model<Record<string, unknown>>;

  constructor(conn: Connection) {
    this.model = supportModels(conn).Idempotency;
  }

  async claim(key: string, now: Date, fingerprint: string): Promise<IdempotencyClaim> {
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await this.model.create({ _id: key, number: null, fingerprint, createdAt: now });
          return { state: 'claimed' };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
        const doc = await this.model.findOne({ _id: key }).lean<{ number: string | null; fingerprint?: string; createdAt: Date }>();
        if (doc?.number) return { state: 'done', number: doc.number, fingerprint: doc.fingerprint ?? null };
        if (doc && now.getTime() - new Date(doc.createdAt).getTime() < STALE_AFTER_MS) return { state: 'in_progress' };
        // Stale or just released: delete (atomic by _id) and try to claim once more.
        await this.model.deleteOne({ _id: key });
      }
      return { state: 'in_progress' };
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async complete(key: string, number: string): Promise<void> {
    try {
      await this.model.updateOne({ _id: key }, { $set: { number } });
    } catch (err) {
      translateStoreError(err);
    }
  }

  async release(key: string): Promise<void> {
    try {
      await this.model.deleteOne({ _id: key, number: null });
    } catch {
      // Best effort: a stale claim expires by itself.
    }
  }
}
