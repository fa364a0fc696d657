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

export interface TicketRepository {
  /**
   * Store a new ticket under the next free number of `year` (gap-free, unique across
   * instances); `build` receives the number and returns the ticket to insert.
   */
  insertNumbered(year: number, build: (number: string, seq: number) => Ticket): Promise<Ticket>;
  get(number: string): Promise<Ticket | null>;
  /** Apply a change if nobody else changed the ticket first; false if someone did. */
  applyChange(change: TicketChange): Promise<boolean>;
  /** The customer's most recent ticket in `category` since `since`, for repeat detection. */
  findRecentByCustomer(customerKey: string, category: Category, since: Date): Promise<{ number: string; at: Date } | null>;
  rememberCustomerTicket(customerKey: string, category: Category, number: string, at: Date): Promise<void>;
}

export type IdempotencyClaim = { state: 'claimed' } | { state: 'done'; number: string } | { state: 'in_progress' };

/** Idempotency-Key handling: the first request with a key files, repeats get the same ticket. */
export interface IdempotencyStore {
  claim(key: string, now: Date): Promise<IdempotencyClaim>;
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

/** Per-ticket journal of changes (what the repository's `ticket_events` hold). */
export interface TicketJournal {
  /** Idempotent record of version 1 (the filing), written after the ticket insert. */
  recordFiling(entry: JournalEntry): Promise<void>;
  entry(number: string, version: number): Promise<JournalEntry | null>;
  /** Entries written since `since`, oldest first (for the effects sweep). */
  since(since: Date, limit: number): Promise<JournalEntry[]>;
  /** Tickets created since `since` without a version-1 entry. */
  filingsWithoutEntry(since: Date, limit: number): Promise<Ticket[]>;
}

/** Small logging port, so the core does not depend on a logging library. */
export interface CoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AuditLog {
  append(entry: AuditEntryInput): Promise<void>;
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
