/**
 * Tickets in MongoDB/FerretDB through mongoose.
 *
 * Numbering: a ticket's `_id` is its number. A batch of new tickets takes the next numbers
 * after the last known one and is inserted with an ordered insertMany. A duplicate key means
 * another instance took that number (or, if the number is still free, that the ticket's
 * Idempotency-Key is already used): the inserted prefix is kept and the rest are built again
 * for new numbers. An ordered insert stops at its first failure, so a number exists only if
 * every smaller number of that year exists: gap-free and unique without transactions or atomic
 * counters (FerretDB 1.x has neither).
 *
 * Changes: the change feed and its version locks are the truth (mongo-change-feed.ts); the
 * `tickets` document is a projection of them that every read repairs: a reader that finds the
 * lock of the next version rolls the document forward before answering, so a ticket as read is
 * never older than its latest committed change, whatever the timing of the writers.
 */
import type { Connection } from 'mongoose';
import type { CommitResult, CustomerTicketNote, FeedEntry, NumberingBatch, TicketChange, TicketRepository } from '../domain/ports';
import { DuplicateIdempotencyKeyError, NumbersExhaustedError } from '../domain/errors';
import { formatTicketNumber, type Ticket, type TicketRecord } from '../domain/ticket';
import { CATEGORIES, type Category } from '../domain/taxonomy';
import type { Outcome } from '../support/group-commit';
import { asStoreError, firstWriteErrorIndex, isDuplicateKey, translateStoreError } from './mongo-errors';
import { ticketModel, type TicketModel } from './models/ticket-model';
import { supportModels, type SupportModels } from './models/support-models';
import { MongoChangeFeed } from './mongo-change-feed';
import { gallopLast } from './sequence-log';
import { docToTicket, recordFields, TicketSealer } from './ticket-documents';

export const MAX_SEQ = 999_999;
const BULK_CHUNK = 50;
const MAX_CLASHES = 50;

export interface TicketRepositoryOptions {
  /** Key of the digest that stands in for personal values in journal, feed and audit. */
  personalKey: string;
  /** Last sequence number of a year (tests lower it to reach the cap). */
  maxSeq?: number;
  /** Bound of the change feed's write queue. */
  maxPending?: number;
  overloaded?: () => Error;
  /** Told when a year's numbers run out (an alert: filing has stopped). */
  onNumbersExhausted?: (year: number) => void;
}

export class MongoTicketRepository implements TicketRepository {
  readonly feed: MongoChangeFeed;
  readonly sealer: TicketSealer;
  private readonly tickets: TicketModel;
  private readonly models: SupportModels;
  private readonly lastSeqCache = new Map<number, number>();
  private readonly maxSeq: number;
  /** Numbering runs one batch at a time per process (instances race safely through the unique `_id`). */
  private numbering: Promise<unknown> = Promise.resolve();

  constructor(
    conn: Connection,
    private readonly options: TicketRepositoryOptions,
  ) {
    this.tickets = ticketModel(conn);
    this.models = supportModels(conn);
    this.sealer = new TicketSealer(options.personalKey);
    this.maxSeq = options.maxSeq ?? MAX_SEQ;
    this.feed = new MongoChangeFeed(conn, this.sealer, this.tickets, { maxPending: options.maxPending, overloaded: options.overloaded });
  }

  insertNumbered(batch: NumberingBatch): Promise<Outcome<Ticket>[]> {
    const run = this.numbering.then(() => this.insertYear(batch));
    this.numbering = run.catch(() => undefined);
    return run;
  }

  async get(number: string): Promise<Ticket | null> {
    try {
      const doc = await this.tickets.findOne({ _id: number }).lean<Record<string, unknown>>();
      if (!doc) return null;
      const latest = await this.latestRecord(number, Number(doc.version));
      if (!latest) return docToTicket(doc);
      // The stored copy lags behind a committed change (its writer stalled or died): roll it forward.
      const fields = recordFields(latest);
      await this.tickets.updateOne({ _id: number }, { $set: fields }).catch(() => undefined);
      return docToTicket({ ...doc, ...fields });
    } catch (err) {
      return translateStoreError(err);
    }
  }

  /** The record of the newest committed version after `version`, or null if `version` is the newest. */
  private async latestRecord(number: string, version: number): Promise<TicketRecord | null> {
    let latest: TicketRecord | null = null;
    for (let v = version + 1; ; v++) {
      const entry = await this.feed.entryOf(number, v);
      if (!entry) return latest; // no newer version (or retention removed it: nothing newer can be read)
      latest = entry.after;
    }
  }

  async commitChange(change: TicketChange): Promise<CommitResult> {
    const version = change.expectedVersion + 1;
    if (change.after.version !== version) throw new Error(`commitChange: after.version must be ${version}`);
    const record = this.sealer.record(change.after);
    const entry = {
      kind: 'change' as const,
      number: change.number,
      version,
      at: change.after.updatedAt,
      after: record,
      events: change.events,
      actor: change.actor,
      action: change.action,
      requestKey: change.requestKey,
    };
    const [seq] = await this.feed.append([{ kind: 'change', entries: [entry] }]);
    const holder = await this.feed.lock(change.number, version, seq!);
    await this.feed.markWon(seq!, holder === seq);
    if (holder !== seq) return { committed: false, winner: await this.feed.entryOf(change.number, version) };
    try {
      await this.tickets.updateOne({ _id: change.number }, { $set: recordFields(record) });
    } catch {
      // Committed all the same: the lock is the commit point, and the next read rolls the copy forward.
    }
    return { committed: true, entry: { seq: seq!, ...entry } as FeedEntry };
  }

  async lastSeq(year: number): Promise<number> {
    try {
      const from = this.lastSeqCache.get(year) ?? 0;
      const last = await gallopLast((seq) => this.numberExists(year, seq), from, this.maxSeq);
      this.lastSeqCache.set(year, last);
      return last;
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async seqLowerBound(year: number): Promise<number> {
    return this.lastSeqCache.get(year) ?? this.lastSeq(year);
  }

  async findByIdempotencyKey(key: string, year: number, afterSeq: number): Promise<Ticket | null> {
    const last = await this.lastSeq(year);
    try {
      for (let seq = afterSeq + 1; seq <= last; seq++) {
        const number = formatTicketNumber(year, seq);
        const doc = await this.tickets.findOne({ _id: number }, { idempotencyKey: 1 }).lean<{ idempotencyKey?: string }>();
        if (doc?.idempotencyKey === key) return this.get(number);
      }
      return null;
    } catch (err) {
      return translateStoreError(err);
    }
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
   * (cheap, batched); known ones replaced. One bulk update touching the same `_id` 100 times
   * never returns on FerretDB (measured), so entries are reduced to one per key and written in
   * chunks of 50. A late repair (`onlyIfNewer`) reads first and keeps a later ticket's record.
   */
  async rememberCustomerTickets(entries: CustomerTicketNote[], options: { onlyIfNewer?: boolean } = {}): Promise<void> {
    const latest = new Map<string, CustomerTicketNote & { _id: string }>();
    for (const e of entries) {
      const _id = `${e.customerKey}:${e.category}`;
      const prev = latest.get(_id);
      if (!prev || prev.at <= e.at) latest.set(_id, { ...e, known: e.known || !!prev, _id });
    }
    let all = [...latest.values()];
    const doc = (e: { _id: string; number: string; at: Date }) => ({ _id: e._id, number: e.number, at: e.at });
    try {
      if (options.onlyIfNewer) {
        const current = await Promise.all(all.map((e) => this.models.CustomerRecent.findOne({ _id: e._id }).lean<{ at: Date }>()));
        all = all.filter((_, i) => !current[i] || new Date(current[i]!.at) < all[i]!.at).map((e, i) => ({ ...e, known: e.known || !!current[i] }));
      }
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

  async numbersOfCustomer(customerKey: string): Promise<string[]> {
    try {
      const docs = await this.tickets.find({ 'customer.key': customerKey }, { _id: 1 }).lean<Array<{ _id: string }>>();
      return docs.map((d) => String(d._id)).sort();
    } catch (err) {
      return translateStoreError(err);
    }
  }

  /**
   * Unset the personal values and check that they stay unset: on FerretDB an update is not atomic,
   * so a projection write racing this one could put them back; it is repeated until they are gone.
   */
  async erasePersonal(number: string): Promise<void> {
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        await this.tickets.updateOne({ _id: number }, { $set: { personal: null } });
        const doc = await this.tickets.findOne({ _id: number }, { personal: 1 }).lean<{ personal: unknown }>();
        if (!doc || doc.personal === null) return;
      }
      throw new Error(`the personal values of ticket ${number} keep coming back; erase again`);
    } catch (err) {
      translateStoreError(err);
    }
  }

  async forgetCustomer(customerKey: string): Promise<void> {
    try {
      for (const category of CATEGORIES) await this.models.CustomerRecent.deleteOne({ _id: `${customerKey}:${category}` });
    } catch (err) {
      translateStoreError(err);
    }
  }

  // ---- numbering ---------------------------------------------------------------------------

  private async insertYear(batch: NumberingBatch): Promise<Outcome<Ticket>[]> {
    const { year } = batch;
    const outcomes: Outcome<Ticket>[] = new Array(batch.count);
    const fail = (indexes: number[], error: unknown) => indexes.forEach((i) => (outcomes[i] = { ok: false, error }));
    let remaining = Array.from({ length: batch.count }, (_, i) => i);
    for (let clashes = 0; remaining.length > 0; ) {
      let start: number;
      try {
        start = (this.lastSeqCache.get(year) ?? (await this.lastSeq(year))) + 1;
      } catch (err) {
        fail(remaining, asStoreError(err));
        break;
      }
      const room = Math.max(0, this.maxSeq - start + 1);
      if (room < remaining.length) {
        fail(remaining.slice(room), new NumbersExhaustedError(year));
        this.options.onNumbersExhausted?.(year);
        remaining = remaining.slice(0, room);
        if (!remaining.length) break;
      }
      const slots = remaining.map((index, i) => ({ index, number: formatTicketNumber(year, start + i), seq: start + i }));
      const built = batch.build(slots);
      const unbuilt = built.flatMap((o, i) => (o.ok ? [] : [i]));
      if (unbuilt.length) {
        // A ticket that cannot be built fails alone; the others are built again for contiguous numbers.
        unbuilt.forEach((i) => (outcomes[slots[i]!.index] = built[i]!));
        remaining = remaining.filter((_, i) => built[i]!.ok);
        continue;
      }
      const tickets = built.map((o) => (o as { ok: true; value: Ticket }).value);
      const settle = (n: number) => tickets.slice(0, n).forEach((t, i) => (outcomes[slots[i]!.index] = { ok: true, value: t }));
      try {
        // lean: the tickets are built by the core from validated input; mongoose's hydration would cost more than the write.
        await this.tickets.insertMany(tickets.map((t) => this.sealer.toDoc(t)), { ordered: true, lean: true });
        settle(tickets.length);
        this.lastSeqCache.set(year, start + tickets.length - 1);
        break;
      } catch (err) {
        let landed = firstWriteErrorIndex(err);
        if (landed < 0) {
          // No per-document errors (a timeout, a lost connection): read back what landed, by number.
          landed = await this.countLanded(tickets).catch(() => -1);
          if (landed < 0) {
            this.lastSeqCache.delete(year);
            fail(remaining, asStoreError(err));
            break;
          }
          if (landed === tickets.length) {
            settle(landed);
            this.lastSeqCache.set(year, start + landed - 1);
            break;
          }
        }
        settle(landed);
        if (landed > 0) this.lastSeqCache.set(year, start + landed - 1);
        const clashAt = tickets[landed]!;
        const taken = isDuplicateKey(err) ? await this.numberExists(year, start + landed).catch(() => null) : null;
        if (taken === false && clashAt.idempotencyKey) {
          // The number is free, so the Idempotency-Key was the duplicate: that filing is answered by the existing ticket.
          outcomes[slots[landed]!.index] = { ok: false, error: new DuplicateIdempotencyKeyError(clashAt.idempotencyKey) };
          remaining = remaining.slice(landed + 1);
          continue;
        }
        if (taken === true && ++clashes < MAX_CLASHES) {
          // Another instance took that number: learn the new end and build the rest again.
          this.lastSeqCache.delete(year);
          remaining = remaining.slice(landed);
          continue;
        }
        fail(remaining.slice(landed), asStoreError(err));
        break;
      }
    }
    return outcomes;
  }

  /** How many of `tickets` (a prefix: the insert was ordered) are stored as these very tickets. */
  private async countLanded(tickets: Ticket[]): Promise<number> {
    let n = 0;
    for (const t of tickets) {
      const doc = await this.tickets.findOne({ _id: t.number }, { lookupCodeHash: 1 }).lean<{ lookupCodeHash: string }>();
      if (!doc || doc.lookupCodeHash !== t.lookupCodeHash) return n;
      n++;
    }
    return n;
  }

  private async numberExists(year: number, seq: number): Promise<boolean> {
    return (await this.tickets.findOne({ _id: formatTicketNumber(year, seq) }, { _id: 1 }).lean()) !== null;
  }
}
