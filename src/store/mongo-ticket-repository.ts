/**
 * Tickets in MongoDB/FerretDB through mongoose.
 *
 * Numbering: a ticket's `_id` is its number. New tickets queue in a group commit; each batch
 * takes the next numbers after the last known one and is inserted with an ordered insertMany.
 * A duplicate key means another instance took that number: the inserted prefix is kept, the
 * rest are renumbered after the new end. An ordered insert stops at its first failure, so a
 * number exists only if every smaller number of that year exists: gap-free and unique without
 * transactions or atomic counters (FerretDB 1.x has neither).
 *
 * Changes: the writer of version v+1 must first insert `ticket_events/<number>:<v+1>`; only one
 * insert can win, so each ticket has one writer per version. The event holds the whole ticket
 * after the change, so a writer that died before updating the ticket is rolled forward.
 */
import type { Connection } from 'mongoose';
import type { JournalEntry, TicketChange, TicketJournal, TicketRepository } from '../domain/ports';
import type { EventType } from '../domain/events';
import { formatTicketNumber, type Ticket } from '../domain/ticket';
import type { Category } from '../domain/taxonomy';
import { GroupCommitQueue, type Outcome } from './group-commit';
import { firstWriteErrorIndex, isDuplicateKey, translateStoreError } from './mongo-errors';
import { ticketModel, type TicketModel } from './models/ticket-model';
import { supportModels, type SupportModels } from './models/support-models';

interface NumberRequest {
  year: number;
  build: (number: string, seq: number) => Ticket;
}

const MAX_SEQ = 999_999;
/** A journal entry whose ticket has not caught up after this long is rolled forward. */
const ROLL_FORWARD_AFTER_MS = 5_000;

export function ticketToDoc(t: Ticket): Record<string, unknown> {
  const { number, ...rest } = t;
  return { _id: number, ...rest };
}

export function docToTicket(doc: Record<string, unknown>): Ticket {
  const { _id, ...rest } = doc;
  return { number: String(_id), ...(rest as Omit<Ticket, 'number'>) };
}

export class MongoTicketRepository implements TicketRepository, TicketJournal {
  private readonly tickets: TicketModel;
  private readonly models: SupportModels;
  private readonly lastSeq = new Map<number, number>();
  private readonly queue = new GroupCommitQueue<NumberRequest, Ticket>((batch) => this.insertBatch(batch));

  constructor(conn: Connection) {
    this.tickets = ticketModel(conn);
    this.models = supportModels(conn);
  }

  insertNumbered(year: number, build: (number: string, seq: number) => Ticket): Promise<Ticket> {
    return this.queue.push({ year, build });
  }

  async get(number: string): Promise<Ticket | null> {
    try {
      const doc = await this.tickets.findOne({ _id: number }).lean<Record<string, unknown>>();
      return doc ? docToTicket(doc) : null;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async applyChange(change: TicketChange): Promise<boolean> {
    const version = change.expectedVersion + 1;
    if (change.after.version !== version) throw new Error(`applyChange: after.version must be ${version}`);
    const doc = ticketToDoc(change.after);
    try {
      await this.models.TicketEvent.create({
        _id: `${change.number}:${version}`,
        number: change.number,
        version,
        at: change.after.updatedAt,
        after: doc,
        events: change.events,
        actor: change.actor,
        action: change.action,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) return translateStoreError(err);
      await this.rollForward(change.number, version);
      return false;
    }
    try {
      await this.tickets.replaceOne({ _id: change.number }, doc);
    } catch (err) {
      // The journal entry is the commit point: the change is decided; a later reader rolls it forward.
      return translateStoreError(err);
    }
    return true;
  }

  /** If version `version` is journalled but the ticket still shows an older one, apply it. */
  private async rollForward(number: string, version: number): Promise<void> {
    const [event, ticket] = await Promise.all([
      this.models.TicketEvent.findOne({ _id: `${number}:${version}` }).lean<{ at: Date; after: Record<string, unknown> }>(),
      this.tickets.findOne({ _id: number }, { version: 1 }).lean<{ version: number }>(),
    ]);
    if (!event || !ticket || ticket.version >= version) return;
    if (Date.now() - new Date(event.at).getTime() < ROLL_FORWARD_AFTER_MS) return;
    await this.tickets.replaceOne({ _id: number }, event.after);
  }

  async findRecentByCustomer(customerKey: string, category: Category, since: Date): Promise<{ number: string; at: Date } | null> {
    try {
      const doc = await this.models.CustomerRecent.findOne({ _id: `${customerKey}:${category}` }).lean<{ number: string; at: Date }>();
      return doc && doc.at >= since ? { number: doc.number, at: doc.at } : null;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async rememberCustomerTicket(customerKey: string, category: Category, number: string, at: Date): Promise<void> {
    try {
      // Last writer wins, which is the right answer for "most recent".
      await this.models.CustomerRecent.replaceOne({ _id: `${customerKey}:${category}` }, { number, at }, { upsert: true });
    } catch (err) {
      translateStoreError(err);
    }
  }

  // ---- journal -----------------------------------------------------------------------------

  async recordFiling(entry: JournalEntry): Promise<void> {
    try {
      await this.models.TicketEvent.create(journalToDoc(entry));
    } catch (err) {
      if (!isDuplicateKey(err)) translateStoreError(err);
    }
  }

  async entry(number: string, version: number): Promise<JournalEntry | null> {
    try {
      const doc = await this.models.TicketEvent.findOne({ _id: `${number}:${version}` }).lean<Record<string, unknown>>();
      return doc ? docToJournal(doc) : null;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async since(since: Date, limit: number): Promise<JournalEntry[]> {
    try {
      const docs = await this.models.TicketEvent.find({ at: { $gte: since } })
        .sort({ at: 1 })
        .limit(limit)
        .lean<Record<string, unknown>[]>();
      return docs.map(docToJournal);
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async filingsWithoutEntry(since: Date, limit: number): Promise<Ticket[]> {
    try {
      const docs = await this.tickets.find({ createdAt: { $gte: since } }).sort({ createdAt: 1 }).limit(limit).lean<Record<string, unknown>[]>();
      const missing: Ticket[] = [];
      for (const doc of docs) {
        const has = await this.models.TicketEvent.findOne({ _id: `${String(doc._id)}:1` }, { _id: 1 }).lean();
        if (!has) missing.push(docToTicket(doc));
      }
      return missing;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  // ---- numbering ---------------------------------------------------------------------------

  private async insertBatch(batch: NumberRequest[]): Promise<Outcome<Ticket>[]> {
    const outcomes: Outcome<Ticket>[] = new Array(batch.length);
    const byYear = new Map<number, number[]>();
    batch.forEach((r, i) => byYear.set(r.year, [...(byYear.get(r.year) ?? []), i]));
    for (const [year, indexes] of byYear) {
      await this.insertYear(
        year,
        indexes.map((i) => batch[i]!),
        (k, o) => (outcomes[indexes[k]!] = o),
      );
    }
    return outcomes;
  }

  private async insertYear(year: number, requests: NumberRequest[], settle: (k: number, o: Outcome<Ticket>) => void): Promise<void> {
    let remaining = requests.map((r, k) => ({ r, k }));
    let conflicts = 0;
    while (remaining.length > 0) {
      let start: number;
      try {
        start = (await this.knownLastSeq(year)) + 1;
      } catch (err) {
        remaining.forEach(({ k }) => settle(k, { ok: false, error: asStoreError(err) }));
        return;
      }
      if (start + remaining.length - 1 > MAX_SEQ) {
        remaining.forEach(({ k }) => settle(k, { ok: false, error: new Error(`ticket numbers of ${year} are exhausted`) }));
        return;
      }
      const tickets: Ticket[] = [];
      const built: typeof remaining = [];
      for (const entry of remaining) {
        const seq = start + tickets.length;
        try {
          tickets.push(entry.r.build(formatTicketNumber(year, seq), seq));
          built.push(entry);
        } catch (error) {
          settle(entry.k, { ok: false, error });
        }
      }
      if (tickets.length === 0) return;
      try {
        await this.tickets.insertMany(tickets.map(ticketToDoc), { ordered: true });
        tickets.forEach((t, i) => settle(built[i]!.k, { ok: true, value: t }));
        this.lastSeq.set(year, start + tickets.length - 1);
        return;
      } catch (err) {
        const failedAt = firstWriteErrorIndex(err);
        const inserted = failedAt >= 0 ? failedAt : 0;
        tickets.slice(0, inserted).forEach((t, i) => settle(built[i]!.k, { ok: true, value: t }));
        if (inserted > 0) this.lastSeq.set(year, start + inserted - 1);
        if (isDuplicateKey(err) && failedAt >= 0 && ++conflicts < 50) {
          // Another instance took number start+inserted: learn the new end and renumber the rest.
          this.lastSeq.delete(year);
          remaining = built.slice(inserted);
          continue;
        }
        built.slice(inserted).forEach(({ k }) => settle(k, { ok: false, error: asStoreError(err) }));
        return;
      }
    }
  }

  /** Last issued sequence of `year`: cached, else found by galloping over `_id` lookups (numbers are gap-free). */
  private async knownLastSeq(year: number): Promise<number> {
    const cached = this.lastSeq.get(year);
    if (cached !== undefined) return cached;
    const exists = async (seq: number) =>
      (await this.tickets.findOne({ _id: formatTicketNumber(year, seq) }, { _id: 1 }).lean()) !== null;
    let lo = 0; // known to exist (0 = nothing)
    let hi = 1;
    while (hi <= MAX_SEQ && (await exists(hi))) {
      lo = hi;
      hi = Math.min(hi * 2, MAX_SEQ + 1);
    }
    // lo exists (or 0), hi does not (or is past the end)
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await exists(mid)) lo = mid;
      else hi = mid;
    }
    this.lastSeq.set(year, lo);
    return lo;
  }
}

function journalToDoc(e: JournalEntry): Record<string, unknown> {
  return {
    _id: `${e.number}:${e.version}`,
    number: e.number,
    version: e.version,
    at: e.at,
    after: ticketToDoc(e.after),
    events: e.events,
    actor: e.actor,
    action: e.action,
  };
}

function docToJournal(doc: Record<string, unknown>): JournalEntry {
  return {
    number: String(doc.number),
    version: Number(doc.version),
    at: doc.at as Date,
    after: docToTicket(doc.after as Record<string, unknown>),
    events: (doc.events as EventType[] | undefined) ?? [],
    actor: doc.actor as { kind: string; id: string },
    action: String(doc.action),
  };
}

function asStoreError(err: unknown): unknown {
  try {
    translateStoreError(err);
  } catch (e) {
    return e;
  }
  return err;
}
