/**
 * Ports the core needs; the store and sla packages implement them, the server composes them.
 * Repositories return plain objects, never ORM documents.
 */
import type { Classifier } from './classification';
import type { DomainEvent, EventType } from './events';
import type { Budget, DeadlineKind, SlaPause, Ticket } from './ticket';
import type { Category, Severity } from './taxonomy';

export type { Classifier };

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A change to one ticket, applied only if the ticket is still at `expectedVersion`. */
export interface TicketChange {
  number: string;
  expectedVersion: number;
  /** The whole ticket after the change (version = expectedVersion + 1). */
  after: Ticket;
  events: EventType[];
  actor: { kind: string; id: string };
  action: string;
}

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface NumberedInsert {
  year: number;
  build: (number: string, seq: number) => Ticket;
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
   * instances), in the given order; `build` receives the number and returns the ticket to
   * insert. One outcome per request: a failed one consumed no number.
   */
  insertNumbered(requests: NumberedInsert[]): Promise<Outcome<Ticket>[]>;
  get(number: string): Promise<Ticket | null>;
  /** Apply a change if nobody else changed the ticket first; false if someone did. */
  applyChange(change: TicketChange): Promise<boolean>;
  /** The customer's latest ticket in `category` (any age), for repeat detection. */
  lastTicketOf(customerKey: string, category: Category): Promise<{ number: string; at: Date } | null>;
  /**
   * Record tickets as their customers' latest per category. `known` says whether
   * `lastTicketOf` found a record (then it is replaced; else inserted, which is cheaper).
   */
  rememberCustomerTickets(entries: CustomerTicketNote[]): Promise<void>;
}

export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'done'; number: string; fingerprint: string | null }
  | { state: 'in_progress' };

/** Idempotency-Key handling: the first request with a key files, repeats get the same ticket. */
export interface IdempotencyStore {
  /** `fingerprint` identifies the request body, so a key reused for another body can be refused. */
  claim(key: string, now: Date, fingerprint: string): Promise<IdempotencyClaim>;
  complete(key: string, number: string): Promise<void>;
  /** Give the key up after a filing failed before anything was written. */
  release(key: string): Promise<void>;
}

export interface AuditEntryInput {
  /** Idempotency key: appending the same key twice stores it once. */
  key: string;
  at: Date;
  actor: { kind: string; id: string };
  action: string;
  entity: { type: 'ticket'; id: string };
  before: unknown;
  after: unknown;
}

export interface JournalEntry {
  number: string;
  version: number;
  at: Date;
  after: Ticket;
  /** Events this change emits (the outbox is rebuilt from the journal after a crash). */
  events: EventType[];
  actor: { kind: string; id: string };
  action: string;
}

/** Per-ticket journal of changes (what the repository's `ticket_events` hold, versions ≥ 2). */
export interface TicketJournal {
  /** The entry of one version (version 1 is rebuilt from the audit log's filing entry). */
  entry(number: string, version: number): Promise<JournalEntry | null>;
  /** Tickets filed since `since` whose filing events are not in the outbox (interrupted filings). */
  unsettledFilings(since: Date, limit: number): Promise<Ticket[]>;
  /** Changes since `since` whose events are not in the outbox, oldest first. */
  unsettledChanges(since: Date, limit: number): Promise<JournalEntry[]>;
}

/** A labelled example from a person who corrected (or confirmed) the classifier. */
export interface FeedbackExample {
  /** `<number>:<version>` of the change that recorded it. */
  id: string;
  ticketNumber: string;
  text: string;
  category: Category;
  severity: Severity;
  /** What the classifier had said, and which model said it. */
  predicted: { category: Category; severity: Severity; modelVersion: string };
  decidedBy: 'agent' | 'customer';
  at: Date;
}

/** Where reclassifications become training data (`npm run train -- --with-feedback`). */
export interface FeedbackStore {
  record(example: FeedbackExample): Promise<void>;
  all(): AsyncIterable<FeedbackExample>;
}

/** Told about every committed change (after its effects), e.g. to count it in metrics. Must not throw. */
export interface ChangeObserver {
  committed(entry: JournalEntry): void;
}

/** Small logging port, so the core does not depend on a logging library. */
export interface CoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AuditLog {
  /** Append entries in order (one batch keeps them contiguous in the chain). */
  append(entries: AuditEntryInput[]): Promise<void>;
}

export interface Outbox {
  /** Durable, idempotent by event id. */
  add(events: DomainEvent[]): Promise<void>;
}

/** Failed verification attempts per ticket, to lock brute-force lookups. */
export interface LookupGuard {
  isLocked(number: string, now: Date): Promise<{ locked: boolean; retryAfterSeconds: number }>;
  recordFailure(number: string, now: Date): Promise<void>;
}

export interface PlannedDeadline {
  kind: DeadlineKind;
  budget: Budget;
  dueAt: Date | null;
  warnAt: Date | null;
}

/** Port to the SLA engine. */
export interface SlaPlanner {
  readonly preset: string;
  plan(input: { category: Category; severity: Severity; startAt: Date; pauses: SlaPause[]; now: Date }): PlannedDeadline[];
}
