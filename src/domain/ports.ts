/**
 * Ports the core needs; the store and sla packages implement them, the server composes them.
 * Repositories return plain objects, never ORM documents.
 */
import type { Classifier } from './classification';
import type { EventType } from './events';
import type { Actor, Budget, DeadlineKind, SlaPause, Ticket, TicketRecord } from './ticket';
import type { Category, Severity } from './taxonomy';
import type { Outcome } from '../support/group-commit';

export type { Classifier, Outcome };

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A change to one ticket, committed only if the ticket is still at `expectedVersion`. */
export interface TicketChange {
  number: string;
  expectedVersion: number;
  /** The whole ticket after the change (version = expectedVersion + 1). */
  after: Ticket;
  events: EventType[];
  actor: Actor;
  action: string;
  /**
   * What makes a retry recognisable: the same request (actor, action and its parameters) on the
   * same expected version. A retry of a change that committed answers as that change's success.
   */
  requestKey: string;
}

/**
 * One committed change (or filing) as the change feed holds it: the ticket after it without
 * personal values, and the events it emits. `seq` orders all changes of all tickets.
 */
export interface FeedEntry {
  seq: number;
  kind: 'filing' | 'change';
  number: string;
  version: number;
  at: Date;
  after: TicketRecord;
  events: EventType[];
  actor: Actor;
  action: string;
  requestKey: string | null;
}

export type CommitResult = { committed: true; entry: FeedEntry } | { committed: false; winner: FeedEntry | null };

/** Build this attempt's tickets for the numbers offered (called again, with new numbers, after a clash). */
export interface NumberingBatch {
  year: number;
  count: number;
  build(slots: Array<{ index: number; number: string; seq: number }>): Outcome<Ticket>[];
}

export interface CustomerTicketNote {
  customerKey: string;
  category: Category;
  number: string;
  at: Date;
  known: boolean;
}

export interface TicketRepository {
  /**
   * Store new tickets under the next free numbers of their year (gap-free, unique across
   * instances), in order. One outcome per ticket: a failed one consumed no number. A ticket
   * whose idempotency key another ticket already holds fails with DuplicateIdempotencyKeyError.
   */
  insertNumbered(batch: NumberingBatch): Promise<Outcome<Ticket>[]>;
  /** The ticket as of its latest committed change (a lagging stored copy is repaired on read). */
  get(number: string): Promise<Ticket | null>;
  /** Commit a change if nobody changed the ticket first. */
  commitChange(change: TicketChange): Promise<CommitResult>;
  /** Last number issued in `year` (0 when none). */
  lastSeq(year: number): Promise<number>;
  /**
   * A number of `year` known to be issued (0 when none): at most the last one, from what this
   * process has seen (read only when it has seen none) — a bound to search after, not the end.
   */
  seqLowerBound(year: number): Promise<number>;
  /** The ticket holding `key`, searched among numbers of `year` after `afterSeq`. */
  findByIdempotencyKey(key: string, year: number, afterSeq: number): Promise<Ticket | null>;
  /** The customer's latest ticket in `category` (any age), for repeat detection. */
  lastTicketOf(customerKey: string, category: Category): Promise<{ number: string; at: Date } | null>;
  /**
   * Record tickets as their customers' latest per category. `known` says whether
   * `lastTicketOf` found a record (then it is replaced; else inserted, which is cheaper).
   * With `onlyIfNewer`, an existing record of a later ticket is kept (late repairs).
   */
  rememberCustomerTickets(entries: CustomerTicketNote[], options?: { onlyIfNewer?: boolean }): Promise<void>;
  /** Numbers of every ticket of one customer (an operator's request: may scan on FerretDB). */
  numbersOfCustomer(customerKey: string): Promise<string[]>;
  /** Remove the personal values of a ticket (its record, the feed and the audit keep only their digest). */
  erasePersonal(number: string): Promise<void>;
  /** Forget the customer's latest-ticket records (repeat detection). */
  forgetCustomer(customerKey: string): Promise<void>;
}

/**
 * The change feed: every committed filing and change in one gap-free sequence, read by `_id`
 * lookups. Consumers (audit, Slack, customer delivery, retraining feedback) follow it with a
 * cursor, so nothing committed is ever missed, however late.
 */
export interface ChangeFeed {
  /**
   * Committed entries after `after`, from at most `limit` feed documents (entries of lost races
   * skipped); `cursor` is where to go on, `docs` how many documents were read (fewer than `limit`: the end).
   */
  read(after: number, limit: number): Promise<{ entries: FeedEntry[]; cursor: number; docs: number }>;
  /** The committed entry of one version of a ticket (version 1 is the filing). */
  entryOf(number: string, version: number): Promise<FeedEntry | null>;
  /** Which feed document holds the committed version (null: not committed, or the filing not announced yet). */
  lockHolder(number: string, version: number): Promise<number | null>;
  /** Put just-committed filings into the feed (after the numbered insert). */
  announceFilings(tickets: Ticket[]): Promise<void>;
  /** Filings of `year` after `afterSeq` that are not in the feed yet, oldest first (crash repair). */
  unannouncedFilings(year: number, afterSeq: number, limit: number, olderThan: Date): Promise<{ tickets: Ticket[]; checkedTo: number }>;
  /** Last sequence number of the feed. */
  last(): Promise<number>;
}

/** Where each feed consumer has got to. Updates need not be atomic: consumers are idempotent. */
export interface CursorStore {
  get(name: string): Promise<number>;
  set(name: string, value: number): Promise<void>;
}

export type IdempotencyClaim =
  | { state: 'new' }
  | { state: 'seen'; number: string | null; fingerprint: string; year: number; afterSeq: number };

/** Idempotency-Key records: the fingerprint of the first request and, once known, its ticket. */
export interface IdempotencyStore {
  /** Record the key (first use) or return what is known of it. `afterSeq`: last ticket number of `year` at first use. */
  claim(key: string, now: Date, fingerprint: string, year: number, afterSeq: number): Promise<IdempotencyClaim>;
  complete(key: string, number: string): Promise<void>;
}

export interface AuditEntryInput {
  /** Idempotency key: appending the same key twice stores it once. */
  key: string;
  at: Date;
  actor: { kind: string; id: string };
  action: string;
  /** A ticket (by number), or a customer (by the keyed hash of their contact, never the contact). */
  entity: { type: 'ticket' | 'customer'; id: string };
  before: unknown;
  after: unknown;
}

/** A labelled example from a person who corrected (or confirmed) the classifier. */
export interface FeedbackExample {
  /** `<number>:<version>` of the change that recorded it. */
  id: string;
  ticketNumber: string;
  category: Category;
  severity: Severity;
  /** What the classifier had said, and which model said it. */
  predicted: { category: Category; severity: Severity; modelVersion: string };
  decidedBy: 'agent' | 'customer';
  at: Date;
}

/**
 * Where reclassifications become training data (`npm run train -- --with-feedback`). The text is
 * not copied: it is read from the ticket, so erasing a customer's data erases their examples.
 */
export interface FeedbackStore {
  record(examples: FeedbackExample[]): Promise<void>;
  all(): AsyncIterable<FeedbackExample>;
}

/** Told about every committed change, e.g. to count it in metrics. Must not throw. */
export interface ChangeObserver {
  committed(entry: { number: string; version: number; action: string; after: { channel: string; category: string; severity: string } }): void;
}

/** Small logging port, so the core does not depend on a logging library. */
export interface CoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface AuditLog {
  /** Append entries in order (one batch keeps them contiguous in the chain); idempotent by key. */
  append(entries: AuditEntryInput[]): Promise<void>;
}

/** The text of messages on tickets (personal data, kept apart from the ticket's record). */
export interface TicketMessage {
  id: string;
  number: string;
  at: Date;
  direction: 'from_customer' | 'to_customer';
  by: Actor;
  text: string;
  evidence: Array<{ name: string; contentType: string; size: number; sha256: string; url?: string }>;
}

export interface MessageStore {
  /** Store a message before the change that refers to it commits (idempotent by id). */
  put(message: TicketMessage): Promise<void>;
  get(id: string): Promise<TicketMessage | null>;
  delete(ids: string[]): Promise<void>;
}

/**
 * What the customer channels keep of a conversation besides the ticket: the chat transcript, the
 * dialog's state, a messaging app's record of the customer and the messages waiting for them.
 * Erasing a customer erases these for every conversation their tickets came from.
 */
export interface ConversationRecords {
  /** Delete everything kept of the conversation a ticket's `conversationRef` names (idempotent). */
  erase(conversationRef: string): Promise<void>;
}

/**
 * Verification guard for lookups. Failures count per client (any ticket) and per ticket for the
 * weak secret (the phone's last four digits); the lookup code is never refused because of other
 * people's wrong guesses.
 */
export interface LookupGuard {
  /** Seconds this client must wait before trying again (0: may try now). */
  clientWait(client: string, now: Date): Promise<number>;
  /** Seconds anyone must wait before the last four digits are checked for this ticket (0: now). */
  last4Wait(number: string, now: Date): Promise<number>;
  recordFailure(input: { client: string; number: string; last4: boolean }, now: Date): Promise<void>;
}

export interface PlannedDeadline {
  kind: DeadlineKind;
  budget: Budget;
  dueAt: Date | null;
  /** The first warning (red flag). */
  warnAt: Date | null;
  /** Every warning point known so far, ascending (a paused deadline: those before the pause). */
  warnings: Date[];
}

/** The durable scheduler's index of due work (src/store/mongo-due-index.ts). */
export interface DueSchedule {
  /** Items to hand over once due (at least once; handlers re-check). */
  add(items: Array<{ kind: string; ref: string; at: Date; data?: Record<string, unknown> }>): Promise<void>;
}

/** Tickets the SLA scanner marked overdue, reachable by `_id` (src/store/mongo-overdue-list.ts). */
export interface OverdueList {
  /** Note tickets that went overdue (repeats are harmless). */
  add(numbers: string[]): Promise<void>;
}

/** Port to the SLA engine. */
export interface SlaPlanner {
  readonly preset: string;
  plan(input: { category: Category; severity: Severity; startAt: Date; pauses: SlaPause[]; now: Date }): PlannedDeadline[];
}

/** What the desk knows of one customer (keyed hash of the contact) when they file again. */
export interface CustomerWatch {
  /** The contact is flagged as malicious (on ticket `ticket`); null: not flagged. */
  flag: { reason: string; by: string; at: Date; ticket: string } | null;
  /** How many of their complaints were rejected. */
  rejected: number;
}

/**
 * One document per customer (`_id` = the keyed hash of their contact): their ticket numbers, the
 * rejected ones and the malicious flag. A customer's tickets are found by one `_id` lookup, never
 * by a scan. Written by a feed handler (src/domain/customer-index.ts), so nothing committed is missed.
 */
export interface CustomerIndex {
  watchOf(customerKey: string): Promise<CustomerWatch>;
  ticketsOf(customerKey: string): Promise<string[]>;
  addTickets(customerKey: string, numbers: string[]): Promise<void>;
  /** The filings of one feed batch, all customers at once (new customers in one insert). */
  addFilings(entries: Array<{ customerKey: string; numbers: string[] }>): Promise<void>;
  addRejected(customerKey: string, numbers: string[]): Promise<void>;
  removeTicket(customerKey: string, number: string): Promise<void>;
  /** Set (or clear) the flag unless a later decision (by `at`) is recorded. */
  setFlag(customerKey: string, flag: CustomerWatch['flag'], at: Date): Promise<void>;
  /** Forget the customer (erasure). */
  forget(customerKey: string): Promise<void>;
}
