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

export function activityId(conversationId: string, n: number): string {
  return `${conversationId}|${String(n).padStart(7, '0')}`;
}

export class DirectLineStore {
  private readonly lastKnown = new Map<string, number>();

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
    // Known position: try the next one and let a duplicate key say someone else was first.
    const known = this.lastKnown.get(conversationId);
    let n = (known ?? (await this.latest(conversationId))) + 1;
    for (let attempt = 0; attempt < 1000; attempt++, n++) {
      const stored = { ...activity, id: activityId(conversationId, n), timestamp: activity.timestamp ?? new Date() };
      try {
        await this.activities.insertOne({ _id: `${conversationId}:${n}`, conv: conversationId, n, at: new Date(), json: JSON.stringify(stored) });
      } catch (err) {
        if ((err as { code?: unknown }).code === 11000) continue;
        throw err;
      }
      this.remember(conversationId, n);
      if (n % HINT_EVERY === 0) {
        await this.conversations.updateOne({ _id: conversationId, last: { $lt: n } }, { $set: { last: n } }).catch(() => undefined);
      }
      return { n, activity: stored };
    }
    throw new Error('could not find a free activity position');
  }

  /** Activities after `watermark` (at most MAX_PAGE), and the new watermark. */
  async since(conversationId: string, watermark: number): Promise<{ activities: Array<Partial<Activity>>; watermark: number }> {
    const out: Array<Partial<Activity>> = [];
    let w = watermark;
    for (let i = 0; i < MAX_PAGE; i++) {
      const doc = await this.activities.findOne({ _id: `${conversationId}:${w + 1}` });
      if (!doc) break;
      out.push(JSON.parse(doc.json) as Partial<Activity>);
      w = doc.n;
    }
    if (w > watermark) this.remember(conversationId, w);
    return { activities: out, watermark: w };
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

  private remember(conversationId: string, n: number): void {
    if ((this.lastKnown.get(conversationId) ?? 0) < n) this.lastKnown.set(conversationId, n);
    if (this.lastKnown.size > 100_000) this.lastKnown.clear();
  }
}
