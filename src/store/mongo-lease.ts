/**
 * A lease: which instance runs a background job right now (the feed handlers, later the Slack
 * sender), so two instances do not do the same work twice. Taking a free or expired lease is an
 * insert of its `_id` (one winner); an expired one is first deleted by `_id`. Expiry compares
 * this process's clock with the `until` another process wrote, so with clocks far apart two
 * instances may both run for a while — which costs duplicate work, never correctness: every job
 * that uses a lease is idempotent on its own.
 */
import crypto from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import { isDuplicateKey } from './mongo-errors';
import { supportModels } from './models/support-models';

export class MongoLease {
  private readonly model: Model<Record<string, unknown>>;
  readonly holder = crypto.randomBytes(8).toString('hex');
  /** Until when this instance knows it holds the lease (renewed when half of it is left). */
  private heldUntil = 0;

  constructor(
    conn: Connection,
    private readonly name: string,
    private readonly ttlMs = 30_000,
  ) {
    this.model = supportModels(conn).FeedCursor;
  }

  private get id(): string {
    return `lease:${this.name}`;
  }

  /** True if this instance holds the lease now (taking or renewing it). */
  async tryAcquire(now = new Date()): Promise<boolean> {
    if (this.heldUntil - now.getTime() > this.ttlMs / 2) return true;
    const doc = await this.model.findOne({ _id: this.id }).lean<{ holder: string; until: Date }>();
    const until = new Date(now.getTime() + this.ttlMs);
    if (doc?.holder === this.holder) {
      await this.model.updateOne({ _id: this.id }, { $set: { until } });
      this.heldUntil = until.getTime();
      return true;
    }
    this.heldUntil = 0;
    if (doc && new Date(doc.until) > now) return false;
    // Only the expired lease we saw (not one another instance took a moment ago).
    if (doc) await this.model.deleteOne({ _id: this.id, holder: doc.holder, until: doc.until });
    try {
      await this.model.create({ _id: this.id, holder: this.holder, until, value: 0 });
      this.heldUntil = until.getTime();
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async release(): Promise<void> {
    this.heldUntil = 0;
    const doc = await this.model.findOne({ _id: this.id }).lean<{ holder: string }>();
    if (doc?.holder === this.holder) await this.model.deleteOne({ _id: this.id });
  }
}
