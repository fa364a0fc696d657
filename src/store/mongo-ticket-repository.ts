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
import type { CustomerTicketNote, JournalEntry, NumberedInsert, TicketChange, TicketJournal, TicketRepository } from '../domain/ports';
import type { EventType } from '../domain/events';
import { formatTicketNumber, type Ticket } from '../domain/ticket';
import type { Category } from '../domain/taxonomy';
import { flushFlattened, GroupCommitQueue, type Outcome } from '../domain/group-commit';
import { asStoreError, firstWriteErrorIndex, isDuplicateKey, translateStoreError } from './mongo-errors';
import { ticketModel, type TicketModel } from './models/ticket-model';
import { supportModels, type SupportModels } from './models/support-models';

type NumberRequest = NumberedInsert;

const MAX_SEQ = 999_999;
const BULK_CHUNK = 50;
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
  /** Numbering is serialised per process (one ordered batch at a time); instances race safely via the unique `_id`. */
  private readonly queue = new GroupCommitQueue<NumberRequest[], Outcome<Ticket>[]>(flushFlattened((flat) => this.insertBatch(flat)));

  constructor(conn: Connection) {
    this.tickets = ticketModel(conn);
    this.models = supportModels(conn);
  }

  insertNumbered(requests: NumberedInsert[]): Promise<Outcome<Ticket>[]> {
    return requests.length ? this.queue.push(requests) : Promise.resolve([]);
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

  async lastTicketOf(customerKey: string, category: Category): Promise<{ number: string; at: Date } | null> {
    try {
      const doc = await this.models.CustomerRecent.findOne({ _id: `${customerKey}:${category}` }).lean<{ number: string; at: Date }>();
      return doc ? { number: doc.number, at: doc.at } : null;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  /**
   * Last writer wins, which is the right answer for "most recent". New customers are inserted
   * (cheap, batched); known ones replaced. Upserts are the dearest write on FerretDB, and one
   * bulk update touching the same `_id` 100 times never returns there (measured), so entries
   * are reduced to one per key and written in chunks of 50.
   */
  async rememberCustomerTickets(entries: CustomerTicketNote[]): Promise<void> {
    const latest = new Map<string, CustomerTicketNote & { _id: string }>();
    for (const e of entries) {
      const _id = `${e.customerKey}:${e.category}`;
      const prev = latest.get(_id);
      if (!prev || prev.at <= e.at) latest.set(_id, { ...e, known: e.known || !!prev, _id });
    }
    const all = [...latest.values()];
    const doc = (e: { _id: string; number: string; at: Date }) => ({ _id: e._id, number: e.number, at: e.at });
    try {
      const fresh = all.filter((e) => !e.known);
      const replace = all.filter((e) => e.known);
      if (fresh.length) {
        try {
          await this.models.CustomerRecent.insertMany(fresh.map(doc), { ordered: false, lean: true });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Another instance recorded one of these customers first: replace those instead.
          const failed = new Set(((err as { writeErrors?: Array<{ index: number }> }).writeErrors ?? []).map((w) => w.index));
          replace.push(...fresh.filter((_, i) => failed.has(i) || failed.size === 0));
        }
      }
      for (let i = 0; i < replace.length; i += BULK_CHUNK) {
        await this.models.CustomerRecent.bulkWrite(
          replace.slice(i, i + BULK_CHUNK).map((e) => ({ replaceOne: { filter: { _id: e._id }, replacement: doc(e), upsert: true } })),
          { ordered: true },
        );
      }
    } catch (err) {
      translateStoreError(err);
    }
  }

  // ---- journal -----------------------------------------------------------------------------

  async entry(number: string, version: number): Promise<JournalEntry | null> {
    try {
      if (version >= 2) {
        const doc = await this.models.TicketEvent.findOne({ _id: `${number}:${version}` }).lean<Record<string, unknown>>();
        return doc ? docToJournal(doc) : null;
      }
      if (version !== 1) return null;
      // The filing is not journalled (the ticket insert is its commit); its audit entry holds the state.
      const audit = await this.models.Audit.findOne({ key: `${number}:1` }).lean<{ at: Date; after: string; actor: { kind: string; id: string } }>();
      if (!audit) return null;
      return { number, version: 1, at: audit.at, after: JSON.parse(audit.after) as Ticket, events: [], actor: audit.actor, action: 'file' };
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async unsettledFilings(since: Date, limit: number): Promise<Ticket[]> {
    try {
      const docs = await this.tickets.find({ createdAt: { $gte: since } }).sort({ createdAt: 1 }).limit(limit).lean<Record<string, unknown>[]>();
      const out: Ticket[] = [];
      for (const doc of docs) {
        if (!(await this.inOutbox(`${String(doc._id)}:1:ticket.filed`))) out.push(docToTicket(doc));
      }
      return out;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async unsettledChanges(since: Date, limit: number): Promise<JournalEntry[]> {
    try {
      const docs = await this.models.TicketEvent.find({ at: { $gte: since } }).sort({ at: 1 }).limit(limit).lean<Record<string, unknown>[]>();
      const out: JournalEntry[] = [];
      for (const doc of docs) {
        const e = docToJournal(doc);
        const last = e.events[e.events.length - 1];
        if (!last || !(await this.inOutbox(`${e.number}:${e.version}:${last}`))) out.push(e);
      }
      return out;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  private async inOutbox(id: string): Promise<boolean> {
    return (await this.models.Outbox.findOne({ _id: id }, { _id: 1 }).lean()) !== null;
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
        // lean: the tickets are built by the core from validated input; mongoose's hydration would cost more than the write (measured 87 vs 23 ms per 30).
        await this.tickets.insertMany(tickets.map(ticketToDoc), { ordered: true, lean: true });
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

