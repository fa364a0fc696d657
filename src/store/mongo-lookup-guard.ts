/**
 * Locks lookups of a ticket after too many wrong verifications in a 15-minute bucket. The n-th
 * failure is the insert of `<number>:<bucket>:<n>`, so counting needs no atomic update.
 */
import type { Connection, Model } from 'mongoose';
import type { LookupGuard } from '../domain/ports';
import { isDuplicateKey, translateStoreError } from './mongo-errors';
import { supportModels } from './models/support-models';

const BUCKET_MS = 15 * 60_000;

export class MongoLookupGuard implements LookupGuard {
  private readonly model: Model<Record<string, unknown>>;

  constructor(
    conn: Connection,
    private readonly maxFailures: number,
  ) {
    this.model = supportModels(conn).LookupFailure;
  }

  async isLocked(number: string, now: Date): Promise<{ locked: boolean; retryAfterSeconds: number }> {
    const bucket = Math.floor(now.getTime() / BUCKET_MS);
    try {
      const hit = await this.model.findOne({ _id: `${number}:${bucket}:${this.maxFailures}` }, { _id: 1 }).lean();
      const retryAfterSeconds = Math.ceil(((bucket + 1) * BUCKET_MS - now.getTime()) / 1000);
      return { locked: hit !== null, retryAfterSeconds };
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async recordFailure(number: string, now: Date): Promise<void> {
    const bucket = Math.floor(now.getTime() / BUCKET_MS);
    for (let n = 1; n <= this.maxFailures; n++) {
      try {
        await this.model.create({ _id: `${number}:${bucket}:${n}`, at: now });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) translateStoreError(err);
      }
    }
  }
}
