/**
 * Direct Line conversations and their activities in the database, so a conversation works on
 * whichever instance a request lands on. Each conversation's activities form a gap-free
 * sequence, `_id` = `<conversationId>:<n>`; appending inserts the next n, and a duplicate key
 * means another instance took that position, so the writer moves on to the next. "What is new
 * since watermark w" is `_id` lookups of w+1, w+2, … until one is missing: no query ever scans
 * the collection (FerretDB 1.x answers only exact `_id` filters without a scan).
 */
import type { Connection } from 'mongoose';
import type { Activity } from 'botbuilder';
import { deleteByIds } from '../../src/store/mongo-batch';

interface ConversationDoc {
  _id: string;
  channel: 'webchat' | 'directline';
  userId: string;
  createdAt: Date;
  /** Hint of the last position, updated every few appends; readers probe forward from it. */
  last: number;
}

interface ActivityDoc {
  _id: string;
  conv: string;
  n: number;
  at: Date;
  /** The activity as JSON text: activities carry keys MongoDB refuses (`$…`, dotted). */
  json: string;
}

const HINT_EVERY = 16;
const MAX_PAGE = 100;
const RECENT_KEPT = 64;
const RECENT_CONVERSATIONS = 20_000;

function isDuplicate(err: unknown): boolean {
  const e = err as { code?: unknown; writeErrors?: Array<{ code?: unknown }> };
  return e.code === 11000 || !!e.writeErrors?.some((w) => w.code === 11000);
}

function firstWriteErrorIndex(err: unknown): number {
  const list = (err as { writeErrors?: Array<{ index: number }> }).writeErrors;
  if (Array.isArray(list) && list.length) return Math.min(...list.map((w) => w.index));
  return (err as { code?: unknown }).code === 11000 ? 0 : -1;
}

export function activityId(conversationId: string, n: number): string {
  return `${conversationId}|${String(n).padStart(7, '0')}`;
}

export class DirectLineStore {
  private readonly lastKnown = new Map<string, number>();
  private readonly recent = new Map<string, Map<number, Partial<Activity>>>();

  constructor(private readonly conn: Connection) {}

  private get conversations() {
    return this.conn.collection<ConversationDoc>('directline_conversations');
  }

  private get activities() {
    return this.conn.collection<ActivityDoc>('directline_activities');
  }

  /** Create a conversation; false if it already existed. */
  async create(id: string, channel: ConversationDoc['channel'], userId: string): Promise<boolean> {
    try {
      await this.conversations.insertOne({ _id: id, channel, userId, createdAt: new Date(), last: 0 });
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === 11000) return false;
      throw err;
    }
  }

  async get(id: string): Promise<{ id: string; channel: ConversationDoc['channel']; userId: string } | null> {
    const doc = await this.conversations.findOne({ _id: id });
    return doc ? { id: doc._id, channel: doc.channel, userId: doc.userId } : null;
  }

  /** Append an activity at the next position; returns the activity as stored (with id) and its position. */
  async append(conversationId: string, activity: Partial<Activity>): Promise<{ n: number; activity: Partial<Activity> }> {
    return (await this.appendMany(conversationId, [activity]))[0]!;
  }

  /**
   * Append activities in order at the next positions, in one ordered insert. A duplicate key at
   * position i means another instance took it: the inserted prefix stands and the rest is tried
   * again after the newest position.
   */
  async appendMany(conversationId: string, activities: Array<Partial<Activity>>): Promise<Array<{ n: number; activity: Partial<Activity> }>> {
    const out: Array<{ n: number; activity: Partial<Activity> }> = [];
    let rest = activities;
    // Known position: try the next one and let a duplicate key say someone else was first.
    const known = this.lastKnown.get(conversationId);
    let next = (known ?? (await this.latest(conversationId))) + 1;
    for (let attempt = 0; rest.length && attempt < 1000; attempt++) {
      const at = new Date();
      const batch = rest.map((a, i) => {
        const n = next + i;
        const stored = { ...a, id: activityId(conversationId, n), timestamp: a.timestamp ?? at };
        return { doc: { _id: `${conversationId}:${n}`, conv: conversationId, n, at, json: JSON.stringify(stored) }, n, stored };
      });
      let inserted = batch.length;
      try {
        await this.activities.insertMany(batch.map((b) => b.doc), { ordered: true });
      } catch (err) {
        const index = firstWriteErrorIndex(err);
        if (index < 0 || !isDuplicate(err)) throw err;
        inserted = index;
      }
      for (const b of batch.slice(0, inserted)) {
        out.push({ n: b.n, activity: b.stored });
        this.keep(conversationId, b.n, b.stored);
      }
      rest = rest.slice(inserted);
      if (rest.length) next = (await this.latest(conversationId)) + 1;
    }
    if (rest.length) throw new Error('could not find a free activity position');
    const last = out[out.length - 1]!.n;
    if (Math.floor(last / HINT_EVERY) > Math.floor((last - out.length) / HINT_EVERY)) {
      await this.conversations.updateOne({ _id: conversationId, last: { $lt: last } }, { $set: { last } }).catch(() => undefined);
    }
    return out;
  }

  /**
   * Erase a conversation's transcript (a customer's erasure): every activity deleted by `_id`. The
   * conversation itself stays (its positions are never reused, so a client's watermark stays
   * valid); what it says next starts a new transcript. Answers how many activities were deleted.
   */
  async erase(conversationId: string): Promise<number> {
    this.lastKnown.delete(conversationId);
    const last = await this.latest(conversationId);
    const deleted = await deleteByIds(this.activities, Array.from({ length: last }, (_, i) => `${conversationId}:${i + 1}`));
    this.recent.delete(conversationId);
    return deleted;
  }

  /** Activities after `watermark` (at most MAX_PAGE), and the new watermark. */
  async since(conversationId: string, watermark: number): Promise<{ activities: Array<Partial<Activity>>; watermark: number }> {
    const out: Array<Partial<Activity>> = [];
    let w = watermark;
    for (let i = 0; i < MAX_PAGE; i++) {
      // Positions never change once written: what this instance wrote or read is served from memory,
      // and only the position after the newest known one is asked of the database.
      const cached = this.recent.get(conversationId)?.get(w + 1);
      if (cached) {
        out.push(cached);
        w++;
        continue;
      }
      const doc = await this.activities.findOne({ _id: `${conversationId}:${w + 1}` });
      if (!doc) break;
      const activity = JSON.parse(doc.json) as Partial<Activity>;
      this.keep(conversationId, doc.n, activity);
      out.push(activity);
      w = doc.n;
    }
    if (w > watermark) this.remember(conversationId, w);
    return { activities: out, watermark: w };
  }

  /**
   * When the customer last wrote in the conversation (null: not among the newest `look` activities).
   * Walks back from the newest position by `_id`.
   */
  async lastFromUserAt(conversationId: string, look = 20): Promise<Date | null> {
    const last = await this.latest(conversationId);
    for (let n = last; n > 0 && n > last - look; n--) {
      const doc = await this.activities.findOne({ _id: `${conversationId}:${n}` });
      if (!doc) continue;
      const a = JSON.parse(doc.json) as Partial<Activity>;
      if (a.from?.role !== 'bot' && a.type === 'message') return new Date(doc.at);
    }
    return null;
  }

  /** Position of the newest activity (0 if none): the hint or this instance's memory, then probes. */
  async latest(conversationId: string): Promise<number> {
    let n = this.lastKnown.get(conversationId);
    if (n === undefined) n = (await this.conversations.findOne({ _id: conversationId }))?.last ?? 0;
    for (;;) {
      const next = await this.activities.findOne({ _id: `${conversationId}:${n + 1}` }, { projection: { _id: 1 } });
      if (!next) break;
      n++;
    }
    this.remember(conversationId, n);
    return n;
  }

  /** Keep an activity in the instance's cache of recent positions (the last RECENT_KEPT per conversation). */
  private keep(conversationId: string, n: number, activity: Partial<Activity>): void {
    let m = this.recent.get(conversationId);
    if (!m) {
      if (this.recent.size >= RECENT_CONVERSATIONS) this.recent.delete(this.recent.keys().next().value!);
      m = new Map();
      this.recent.set(conversationId, m);
    }
    m.set(n, activity);
    if (m.size > RECENT_KEPT) m.delete(m.keys().next().value!);
    this.remember(conversationId, n);
  }

  private remember(conversationId: string, n: number): void {
    if ((this.lastKnown.get(conversationId) ?? 0) < n) this.lastKnown.set(conversationId, n);
    if (this.lastKnown.size > 100_000) this.lastKnown.clear();
  }
}
