/**
 * What the Slack app remembers, each found by `_id` (the one lookup FerretDB pushes down) and
 * each contended write a unique insert:
 *
 * - `slack_threads/<ticket number>`: the channel and `ts` of the ticket's root message. Inserted
 *   as a reservation *before* posting, so two instances (or a retry racing a slow first attempt)
 *   never post two roots; the reserver then writes the `ts` it got.
 * - `slack_thread_index/<channel>:<ts>`: root message → ticket number (thread replies find their ticket).
 * - `slack_relays/<message id>` and `slack_relays/at:<channel>:<ts>`: which Slack message carried an
 *   agent's message to the customer, both ways (to mark it sent/failed, to answer edits and deletions).
 * - `slack_seen/<key>`: Slack event ids and request signatures already handled (duplicates, replays).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { insertQueue, updateQueue } from '../../src/store/mongo-batch';
import { isDuplicateKey, translateStoreError } from '../../src/store/mongo-errors';

type AnyModel = Model<Record<string, unknown>>;

function model(conn: Connection, name: string, collection: string): AnyModel {
  const existing = conn.models[name] as AnyModel | undefined;
  if (existing) return existing;
  const schema = new Schema({ _id: { type: String, required: true } }, { collection, versionKey: false, strict: false, minimize: false });
  return conn.model(name, schema) as unknown as AnyModel;
}

export interface ThreadDoc {
  number: string;
  channel: string;
  /** Null while the root is being posted. */
  ts: string | null;
  /** Who reserved it (a delivery attempt) and when. */
  holder: string;
  at: Date;
  /** The ticket version the root message shows. */
  cardVersion: number;
}

export interface RelayDoc {
  messageId: string;
  number: string;
  channel: string;
  ts: string;
  /** `thread`: the agent's own reply; `copy`: the bot's post of a message written elsewhere (a modal). */
  origin: 'thread' | 'copy';
  user: string | null;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    return translateStoreError(err);
  }
}

export class SlackStore {
  private readonly threads: AnyModel;
  private readonly index: AnyModel;
  private readonly relays: AnyModel;
  private readonly seen: AnyModel;
  /** Writes of the outbox's concurrent deliveries go together (see src/store/mongo-batch.ts). */
  private readonly threadInserts;
  private readonly threadUpdates;
  private readonly indexInserts;

  constructor(conn: Connection) {
    this.threads = model(conn, 'SlackThread', 'slack_threads');
    this.index = model(conn, 'SlackThreadIndex', 'slack_thread_index');
    this.relays = model(conn, 'SlackRelay', 'slack_relays');
    this.seen = model(conn, 'SlackSeen', 'slack_seen');
    this.threadInserts = insertQueue(this.threads);
    this.threadUpdates = updateQueue(this.threads);
    this.indexInserts = insertQueue(this.index);
  }

  // ---- ticket threads -------------------------------------------------------------------------

  async thread(number: string): Promise<ThreadDoc | null> {
    const doc = await guarded(() => this.threads.findOne({ _id: number }).lean<Record<string, unknown>>());
    if (!doc) return null;
    return { number, channel: String(doc.channel), ts: (doc.ts as string | null) ?? null, holder: String(doc.holder ?? ''), at: new Date(doc.at as Date), cardVersion: Number(doc.cardVersion ?? 0) };
  }

  /** Reserve the right to post the ticket's root message (false: someone holds it already). */
  async reserveThread(number: string, channel: string, holder: string, now: Date): Promise<boolean> {
    return this.threadInserts.push({ _id: number, channel, ts: null, holder, at: now, cardVersion: 0 });
  }

  /** The reserver posted the root: record where (only the reserver writes this). */
  async threadPosted(number: string, channel: string, ts: string, cardVersion: number): Promise<void> {
    await Promise.all([this.threadUpdates.push({ _id: number, set: { channel, ts, cardVersion } }), this.indexInserts.push({ _id: `${channel}:${ts}`, number })]);
  }

  /** Give a reservation up after a failed post (Slack said no: nothing was posted). */
  async dropReservation(number: string, holder: string): Promise<void> {
    // Read, then delete by `_id` alone (any other filter scans the collection on FerretDB).
    const current = await this.thread(number);
    if (current && current.holder === holder && current.ts === null) await guarded(() => this.threads.deleteOne({ _id: number }));
  }

  /** Take over a stale reservation (its holder died): true if this caller now holds it. */
  async takeOverReservation(number: string, stale: ThreadDoc, holder: string, now: Date): Promise<boolean> {
    // Only the stale one we saw (read again, delete by `_id`); then a fresh insert decides between racers.
    const current = await this.thread(number);
    if (current && (current.holder !== stale.holder || current.ts !== null)) return false;
    if (current) await guarded(() => this.threads.deleteOne({ _id: number }));
    return this.reserveThread(number, stale.channel, holder, now);
  }

  async setCardVersion(number: string, version: number): Promise<void> {
    await this.threadUpdates.push({ _id: number, set: { cardVersion: version } });
  }

  /** The ticket whose root message is `channel`/`ts`. */
  async ticketAt(channel: string, ts: string): Promise<string | null> {
    const doc = await guarded(() => this.index.findOne({ _id: `${channel}:${ts}` }).lean<{ number: string }>());
    return doc?.number ?? null;
  }

  // ---- relayed messages -----------------------------------------------------------------------

  async rememberRelay(r: RelayDoc): Promise<void> {
    await guarded(async () => {
      for (const doc of [{ _id: r.messageId, ...r }, { _id: `at:${r.channel}:${r.ts}`, ...r }]) {
        try {
          await this.relays.create(doc);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
    });
  }

  /** Forget a relay whose message did not go out after all (the core refused it). */
  async forgetRelay(r: Pick<RelayDoc, 'messageId' | 'channel' | 'ts'>): Promise<void> {
    await guarded(async () => {
      await this.relays.deleteOne({ _id: r.messageId });
      await this.relays.deleteOne({ _id: `at:${r.channel}:${r.ts}` });
    });
  }

  async relayOf(messageId: string): Promise<RelayDoc | null> {
    return this.relayDoc(messageId);
  }

  async relayAt(channel: string, ts: string): Promise<RelayDoc | null> {
    return this.relayDoc(`at:${channel}:${ts}`);
  }

  private async relayDoc(id: string): Promise<RelayDoc | null> {
    const doc = await guarded(() => this.relays.findOne({ _id: id }).lean<RelayDoc & { _id: string }>());
    if (!doc) return null;
    const { _id: _ignored, ...rest } = doc;
    return rest;
  }

  // ---- duplicates and replays -----------------------------------------------------------------

  /** True the first time `key` is seen (a unique insert), false for a repeat. */
  async firstSighting(key: string, now: Date): Promise<boolean> {
    try {
      await this.seen.create({ _id: key, at: now });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      return translateStoreError(err);
    }
  }

  /** Forget a sighting (its handling failed: let Slack's retry handle it again). */
  async forgetSighting(key: string): Promise<void> {
    await guarded(() => this.seen.deleteOne({ _id: key }));
  }

  /** Retention of sightings (a date filter: scans a collection this job keeps small). */
  async trimSightings(before: Date): Promise<number> {
    return guarded(async () => (await this.seen.deleteMany({ at: { $lt: before } })).deletedCount);
  }
}
