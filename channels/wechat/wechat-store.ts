/**
 * What the WeChat channel keeps in the database. Every contended write is a unique insert and
 * every read an exact `_id` lookup (FerretDB 1.x performs nothing else atomically, and answers
 * nothing else without a scan):
 *
 * - `wechat_inbound/<appId>:<key>`: a message (MsgId) or event (FromUserName + CreateTime) being
 *   processed. Inserting it is the right to process it: WeChat's retries, on any instance, find
 *   it and are answered without running the dialog again. No "done" mark is written: whether the
 *   bot has answered a message is in its conversation state (the ids of the messages it
 *   processed, saved before any answer goes out), so a message taken over from a holder that went
 *   quiet is answered at most once, and a message costs one write here, not two.
 * - `wechat_users/<appId>:<openId>`: when the customer last wrote (the 48-hour window of
 *   customer-service messages), their language, the numbered options last shown to them, how far
 *   their waiting messages were handed over and how far they were queued (so a message looks at
 *   the waiting queue only when something is in it). Written by whoever handles the customer's
 *   message (last writer wins: these are facts of the latest message), and by a queued message
 *   (`queued` only moves forward).
 * - `wechat_pending/<appId>:<openId>:<n>`: messages that wait for the customer's next message,
 *   a gap-free sequence per customer (appending inserts the next n; a duplicate means another
 *   instance took it). Handing one over is claimed by inserting `…:<n>#claim`; the claim is
 *   marked `done` once the message went out, or deleted if it could not go, so it waits on.
 *   `key:<appId>:<id>` records which deliveries were queued already (a retried delivery queues once).
 */
import type { Connection } from 'mongoose';
import { isDuplicateKey } from '../../src/store/mongo-errors';
import { deleteByIds } from '../../src/store/mongo-batch';
import type { BotLanguage } from '../../dialogs/messages';

export interface InboundDoc {
  _id: string;
  at: Date;
  holder: string;
}

export interface UserDoc {
  _id: string;
  /** Last message from the customer (text, image, voice, location…): opens the 48-hour window. */
  lastMessageAt?: Date;
  lang?: BotLanguage;
  /** The options of the last question, in order (answering "2" means the second). */
  choices?: string[] | null;
  /** Waiting messages up to this position have been handed over (a hint: claims decide). */
  handedOver?: number;
  /**
   * The last position queued for this customer (only moves forward; written after the message is
   * in the queue). Past `handedOver`: something may wait. Missing: nothing was ever queued.
   */
  queued?: number;
  unsubscribedAt?: Date | null;
  updatedAt: Date;
}

export type PendingKind = 'reply' | 'agent_message' | 'result' | 'survey' | 'notice';

export interface PendingItem {
  n: number;
  text: string;
  kind: PendingKind;
  at: Date;
}

interface PendingDoc extends Omit<PendingItem, 'n'> {
  _id: string;
  n?: number;
  until?: Date;
  holder?: string;
  done?: boolean;
}

/** How many waiting messages one customer message hands over at most (the rest at the next). */
const MAX_HANDOVER = 10;
const CLAIM_MS = 60_000;

export class WeChatStore {
  constructor(
    private readonly conn: Connection,
    private readonly appId: string,
  ) {}

  private get inbound() {
    return this.conn.collection<InboundDoc>('wechat_inbound');
  }

  private get users() {
    return this.conn.collection<UserDoc>('wechat_users');
  }

  private get pending() {
    return this.conn.collection<PendingDoc>('wechat_pending');
  }

  // ---- inbound messages: process each once -----------------------------------------------------

  /**
   * True if this caller may process the message; otherwise the record of whoever has it, or
   * 'gone' when it went between the two calls (retention: the message is that old, so it was handled).
   */
  async claimInbound(key: string, holder: string): Promise<true | InboundDoc | 'gone'> {
    const _id = `${this.appId}:${key}`;
    try {
      await this.inbound.insertOne({ _id, at: new Date(), holder });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    return (await this.inbound.findOne({ _id })) ?? 'gone';
  }

  /** Take over a message whose holder went quiet (died or hung): delete exactly that claim, insert ours. */
  async takeOverInbound(doc: InboundDoc, holder: string): Promise<boolean> {
    await this.inbound.deleteOne({ _id: doc._id, holder: doc.holder });
    try {
      await this.inbound.insertOne({ _id: doc._id, at: new Date(), holder });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  // ---- customers ---------------------------------------------------------------------------------

  async user(openId: string): Promise<UserDoc | null> {
    return this.users.findOne({ _id: `${this.appId}:${openId}` });
  }

  async saveUser(openId: string, patch: Partial<Omit<UserDoc, '_id' | 'queued'>>): Promise<void> {
    await this.upsertUser(openId, { $set: { ...patch, updatedAt: new Date() } });
  }

  /** Something may wait for this customer: nothing else should look at their queue. */
  mayWait(user: UserDoc | null): boolean {
    return (user?.queued ?? 0) > (user?.handedOver ?? 0);
  }

  private async upsertUser(openId: string, update: { $set: Partial<UserDoc> } | { $max: { queued: number } }): Promise<void> {
    const _id = `${this.appId}:${openId}`;
    try {
      await this.users.updateOne({ _id }, update, { upsert: true });
    } catch (err) {
      // Two first writes for a new customer at once: the other upsert inserted it.
      if (!isDuplicateKey(err)) throw err;
      await this.users.updateOne({ _id }, update);
    }
  }

  // ---- messages waiting for the customer's next message ----------------------------------------

  private itemId(openId: string, n: number): string {
    return `${this.appId}:${openId}:${n}`;
  }

  /**
   * Append a message to the customer's waiting queue. With `key` (e.g. the delivery's id) a
   * repeated call queues nothing more and answers the position queued before.
   */
  async enqueue(openId: string, item: { text: string; kind: PendingKind; key?: string }): Promise<{ n: number; already: boolean }> {
    const keyId = item.key ? `key:${this.appId}:${item.key}` : null;
    if (keyId) {
      const seen = await this.pending.findOne({ _id: keyId });
      if (seen) {
        // Queued before (its mark may not have been written if that call stopped half-way).
        if (seen.n) await this.upsertUser(openId, { $max: { queued: seen.n } });
        return { n: seen.n ?? 0, already: true };
      }
    }
    const user = await this.user(openId);
    let n = (user?.handedOver ?? 0) + 1;
    for (let probes = 0; probes < 10_000; probes++) {
      if (await this.pending.findOne({ _id: this.itemId(openId, n) }, { projection: { _id: 1 } })) {
        n++;
        continue;
      }
      try {
        await this.pending.insertOne({ _id: this.itemId(openId, n), n, text: item.text, kind: item.kind, at: new Date() });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        n++;
        continue;
      }
      if (keyId) await this.pending.insertOne({ _id: keyId, n, text: '', kind: item.kind, at: new Date() }).catch((err: unknown) => (isDuplicateKey(err) ? undefined : Promise.reject(err)));
      // After the message is in the queue: a customer message that reads this looks at the queue.
      await this.upsertUser(openId, { $max: { queued: n } });
      return { n, already: false };
    }
    throw new Error('could not find a free position in the waiting queue');
  }

  /**
   * Claim the customer's waiting messages (oldest first, at most MAX_HANDOVER) for handing over
   * now. Each claimed one must be settled: `handedOver` (done) or `release`d (it waits on).
   */
  async claimWaiting(openId: string, holder: string, from?: number): Promise<PendingItem[]> {
    let n = from ?? ((await this.user(openId))?.handedOver ?? 0) + 1;
    const out: PendingItem[] = [];
    for (let probes = 0; probes < 1000 && out.length < MAX_HANDOVER; probes++, n++) {
      const doc = await this.pending.findOne({ _id: this.itemId(openId, n) });
      if (!doc) break;
      const claimId = `${this.itemId(openId, n)}#claim`;
      const now = Date.now();
      try {
        await this.pending.insertOne({ _id: claimId, text: '', kind: doc.kind, at: new Date(now), holder, until: new Date(now + CLAIM_MS) });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const claim = await this.pending.findOne({ _id: claimId });
        // Handed over already, or being handed over by a live holder: not ours.
        if (!claim || claim.done || (claim.until && claim.until.getTime() > now)) continue;
        // Its holder died: take it over (delete exactly that claim, then insert ours).
        await this.pending.deleteOne({ _id: claimId, holder: claim.holder });
        try {
          await this.pending.insertOne({ _id: claimId, text: '', kind: doc.kind, at: new Date(now), holder, until: new Date(now + CLAIM_MS) });
        } catch (again) {
          if (isDuplicateKey(again)) continue;
          throw again;
        }
      }
      out.push({ n, text: doc.text, kind: doc.kind, at: doc.at });
    }
    return out;
  }

  /**
   * The claimed messages went out: mark them, and move the customer's hint past them. Answers the
   * hint as written (undefined: unchanged, or no messages).
   */
  async handedOver(openId: string, items: PendingItem[]): Promise<number | undefined> {
    if (!items.length) return undefined;
    await Promise.all(items.map((i) => this.pending.updateOne({ _id: `${this.itemId(openId, i.n)}#claim` }, { $set: { done: true } })));
    const user = await this.user(openId);
    const last = Math.max(...items.map((i) => i.n));
    // Only forward, and only over a run of handed-over positions (an older one may still wait).
    let upTo = user?.handedOver ?? 0;
    const done = new Set(items.map((i) => i.n));
    while (done.has(upTo + 1) || (upTo + 1 <= last && (await this.pending.findOne({ _id: `${this.itemId(openId, upTo + 1)}#claim` }))?.done)) upTo++;
    if (upTo <= (user?.handedOver ?? 0)) return undefined;
    await this.saveUser(openId, { handedOver: upTo });
    return upTo;
  }

  /** The claimed messages could not go out: they wait for the next chance. */
  async release(openId: string, items: PendingItem[], holder: string): Promise<void> {
    await Promise.all(items.map((i) => this.pending.deleteOne({ _id: `${this.itemId(openId, i.n)}#claim`, holder })));
  }

  /** Messages waiting for one customer (tests, operators): positions after the hint that are not handed over. */
  async waiting(openId: string): Promise<PendingItem[]> {
    const out: PendingItem[] = [];
    let n = ((await this.user(openId))?.handedOver ?? 0) + 1;
    for (;; n++) {
      const doc = await this.pending.findOne({ _id: this.itemId(openId, n) });
      if (!doc) break;
      const claim = await this.pending.findOne({ _id: `${this.itemId(openId, n)}#claim` });
      if (!claim?.done) out.push({ n, text: doc.text, kind: doc.kind, at: doc.at });
    }
    return out;
  }

  /**
   * Erase what is kept of a customer (a customer's erasure): their record and every message that
   * waited for them (handed over or not), by `_id`. Answers how many documents were deleted.
   */
  async eraseCustomer(openId: string): Promise<number> {
    const user = await this.user(openId);
    let deleted = 0;
    for (let n = 1; n <= 100_000; n++) {
      const here = await deleteByIds(this.pending, [this.itemId(openId, n), `${this.itemId(openId, n)}#claim`]);
      deleted += here;
      // Positions are gap-free: past the last one queued, the first empty position ends the queue.
      if (here === 0 && n > (user?.queued ?? 0)) break;
    }
    deleted += (await this.users.deleteOne({ _id: `${this.appId}:${openId}` })).deletedCount;
    return deleted;
  }

  /** Retention: inbound records older than `before` (a date filter: scans that small collection). */
  async trim(before: Date): Promise<number> {
    return (await this.inbound.deleteMany({ at: { $lt: before } })).deletedCount;
  }
}
