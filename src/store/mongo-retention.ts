/**
 * Retention of the support collections, run by a periodic job (FerretDB has no TTL indexes):
 * - change-feed documents older than `feedDays` that every consumer has passed, with the version
 *   locks that point at them (what the journal no longer needs: tickets keep their state);
 * - Idempotency-Keys older than `idempotencyDays`;
 * - failed lookups older than `lookupFailureDays` (they only count within 15 minutes / a day).
 *
 * The feed is walked from its floor by `_id`. The two small collections are cleaned with a date
 * filter: a scan on FerretDB, once per run, over collections whose size this very job bounds.
 */
import type { Connection, Model } from 'mongoose';
import { supportModels, type SupportModels } from './models/support-models';
import { FeedLog, lockId, type FeedDoc } from './mongo-change-feed';
import type { SequencedDoc } from './sequence-log';
import { translateStoreError } from './mongo-errors';

export interface RetentionSettings {
  feedDays: number;
  idempotencyDays: number;
  lookupFailureDays: number;
}

export interface RetentionResult {
  feedDocs: number;
  locks: number;
  idempotencyKeys: number;
  lookupFailures: number;
}

const DAY = 86_400_000;

export class MongoRetention {
  private readonly models: SupportModels;
  private readonly feed: FeedLog;

  constructor(conn: Connection) {
    this.models = supportModels(conn);
    this.feed = new FeedLog(this.models.ChangeFeed);
  }

  async run(now: Date, s: RetentionSettings): Promise<RetentionResult> {
    try {
      const { feedDocs, locks } = await this.trimFeed(new Date(now.getTime() - s.feedDays * DAY));
      const idempotencyKeys = (await this.models.Idempotency.deleteMany({ createdAt: { $lt: new Date(now.getTime() - s.idempotencyDays * DAY) } })).deletedCount;
      const lookupFailures = (await this.models.LookupFailure.deleteMany({ at: { $lt: new Date(now.getTime() - s.lookupFailureDays * DAY) } })).deletedCount;
      return { feedDocs, locks, idempotencyKeys, lookupFailures };
    } catch (err) {
      return translateStoreError(err);
    }
  }

  /** The lowest position any consumer of the feed still needs (its cursor). */
  private async slowestCursor(): Promise<number> {
    const docs = await this.models.FeedCursor.find({}).lean<Array<{ _id: string; value?: number }>>();
    const cursors = docs.filter((d) => !d._id.startsWith('lease:') && typeof d.value === 'number').map((d) => d.value!);
    return cursors.length ? Math.min(...cursors) : 0;
  }

  private async trimFeed(cutoff: Date): Promise<{ feedDocs: number; locks: number }> {
    const limit = await this.slowestCursor();
    const floor = Math.max(await this.feed.floor(), 1);
    let below = floor;
    let locks = 0;
    const model: Model<Record<string, unknown>> = this.models.TicketEvent;
    for (let seq = floor; seq <= limit; seq++) {
      const doc = await this.feed.get(seq);
      if (!doc) break;
      if (!isOlder(doc, cutoff)) break;
      for (const e of doc.entries) {
        // Only locks that point here: a lost race's entry does not own the lock of its version.
        // (Locks never change once inserted, so reading then deleting by `_id` is safe.)
        const id = lockId(e.number, e.version);
        const lock = await model.findOne({ _id: id }, { seq: 1 }).lean<{ seq: number }>();
        if (lock?.seq === seq) locks += (await model.deleteOne({ _id: id })).deletedCount;
      }
      below = seq + 1;
    }
    const feedDocs = await this.feed.deleteBelow(below);
    return { feedDocs, locks };
  }
}

function isOlder(doc: FeedDoc & SequencedDoc, cutoff: Date): boolean {
  const newest = Math.max(...doc.entries.map((e) => new Date(e.at).getTime()));
  return newest < cutoff.getTime();
}
