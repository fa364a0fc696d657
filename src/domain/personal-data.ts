/**
 * One customer's personal data, on request and over time:
 *
 * - **export**: everything the desk holds about one customer (found by the keyed hash of their
 *   contact through the per-customer index: no scan), as one JSON document — each ticket's personal
 *   values, the messages both ways, ratings, what was decided. The request is audited (who, when,
 *   which tickets; an entry of the customer by their hash); the document itself is never logged;
 * - **retention**: a closed (or rejected) ticket is anonymised `closedDays` after it closed. Each
 *   closing puts the ticket in the durable scheduler's due index at the start of the day it is due
 *   (one bucket a day holds all of that day's), so finding candidates is `_id` lookups; the check
 *   re-reads the ticket (reopened since: nothing; closed later again: due later) and records the
 *   anonymisation as an audited change before removing the values, exactly like an erasure.
 *
 * The chains never held personal values (only their keyed digest), so every chain still verifies.
 */
import crypto from 'node:crypto';
import { EVENTS } from './events';
import type { ChangeTicket } from './change-ticket';
import type { FeedHandler } from './effects';
import { ValidationError } from './errors';
import { customerKeyOf } from './file-complaint';
import type { AuditLog, Clock, CoreLogger, CustomerIndex, DueSchedule, MessageStore, TicketMessage, TicketRepository } from './ports';
import { CATEGORIES } from './taxonomy';
import { evidenceSummary, outcomeView, type Actor, type Ticket } from './ticket';

export const RETENTION_DUE_KIND = 'anonymise';
export const RETENTION_ACTOR: Actor = { kind: 'system', id: 'retention', name: 'Retention' };
const DAY = 86_400_000;

export interface CustomerExport {
  format: 'complaint-desk.customer-export/1';
  exportedAt: Date;
  /** The keyed hash the desk knows the customer by (not the contact). */
  customerKey: string;
  /** The contact is flagged as malicious by a supervisor (the reason is theirs). */
  flag: { reason: string; at: Date } | null;
  tickets: ExportedTicket[];
}

export interface ExportedTicket {
  number: string;
  status: string;
  channel: string;
  language: string;
  category: string;
  severity: string;
  createdAt: Date;
  updatedAt: Date;
  /** True when their personal values were erased (on request or by retention): none are left to export. */
  erased: boolean;
  customer: { name: string | null; phone: string | null; email: string | null };
  description: string | null;
  occurredAt: Date | null;
  occurredText: string | null;
  location: string | null;
  orderId: string | null;
  product: string | null;
  merchant: string | null;
  amount: { value: number; currency: string } | null;
  desiredRemedy: string | null;
  evidence: Array<{ name: string; contentType: string; size: number; sha256: string }>;
  history: Array<{ status: string; action: string; at: Date; by: string }>;
  resolution: { remedy: string | null; amount: number | null; note: string; at: Date } | null;
  rejection: { reason: string; at: Date } | null;
  satisfaction: { rating: number; at: Date } | null;
  flags: { repeatOf: string | null; flaggedMalicious: { reason: string } | null };
  messages: Array<{ at: Date; direction: TicketMessage['direction']; text: string | null; evidence: Array<{ name: string; contentType: string; size: number; sha256: string }> }>;
}

export interface PersonalDataDeps {
  tickets: TicketRepository;
  messages: MessageStore;
  customers?: CustomerIndex | undefined;
  changes: ChangeTicket;
  audit?: AuditLog | undefined;
  clock: Clock;
  logger: CoreLogger;
}

class NotDue extends Error {}

export class PersonalData {
  constructor(
    private readonly deps: PersonalDataDeps,
    private readonly options: { contactHashSecret: string; closedDays: number },
  ) {}

  keyOf(contact: { phone?: string; email?: string }): string {
    const key = customerKeyOf(contact, this.options.contactHashSecret);
    if (!key) throw new ValidationError([{ field: 'contact', message: 'give the phone or the e-mail address the customer complained with' }]);
    return key;
  }

  /**
   * The customer's ticket numbers: their index document, and their latest ticket per category
   * (recorded at filing, so a ticket the index handler has not reached yet is found too).
   */
  async ticketsOf(key: string): Promise<string[]> {
    const numbers = new Set(this.deps.customers ? await this.deps.customers.ticketsOf(key) : []);
    const latest = await Promise.all(CATEGORIES.map((c) => this.deps.tickets.lastTicketOf(key, c)));
    for (const l of latest) if (l) numbers.add(l.number);
    return [...numbers].sort();
  }

  /** Everything held about one customer, as one document. Audited; never logged. */
  async export(contact: { phone?: string; email?: string }, actor: Actor): Promise<CustomerExport> {
    const key = this.keyOf(contact);
    const now = this.deps.clock.now();
    const tickets: ExportedTicket[] = [];
    for (const number of await this.ticketsOf(key)) {
      const t = await this.deps.tickets.get(number);
      // An erased or anonymised ticket no longer carries the key: nothing of theirs is left on it.
      if (!t || t.customer.key !== key) continue;
      tickets.push(await this.exportTicket(t));
    }
    const watch = this.deps.customers ? await this.deps.customers.watchOf(key) : null;
    await this.record(actor, 'customer.data_exported', key, now, { tickets: tickets.map((t) => t.number) });
    return { format: 'complaint-desk.customer-export/1', exportedAt: now, customerKey: key, flag: watch?.flag ? { reason: watch.flag.reason, at: watch.flag.at } : null, tickets };
  }

  private async exportTicket(t: Ticket): Promise<ExportedTicket> {
    const messages = [];
    for (const ref of t.messages) {
      const m = await this.deps.messages.get(ref.id);
      messages.push({ at: ref.at, direction: ref.direction, text: m?.text ?? null, evidence: (m?.evidence ?? []).map(evidenceSummary) });
    }
    return {
      number: t.number,
      status: t.status,
      channel: t.channel,
      language: t.language,
      category: t.category,
      severity: t.severity,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      erased: t.erased,
      customer: { name: t.customer.name, phone: t.customer.contact.phone ?? null, email: t.customer.contact.email ?? null },
      description: t.erased ? null : t.description,
      occurredAt: t.occurredAt,
      occurredText: t.occurredText,
      location: t.location,
      orderId: t.orderId,
      product: t.product,
      merchant: t.merchant,
      amount: t.amount,
      desiredRemedy: t.desiredRemedy,
      evidence: t.evidence.map(evidenceSummary),
      history: t.history.map((h) => ({ status: h.to, action: h.action, at: h.at, by: h.actor.kind })),
      ...outcomeView(t),
      satisfaction: t.satisfaction ? { rating: t.satisfaction.rating, at: t.satisfaction.at } : null,
      flags: { repeatOf: t.flags.recurrenceOf, flaggedMalicious: t.flags.suspectedMalicious ? { reason: t.flags.suspectedMalicious.reason } : null },
      messages,
    };
  }

  /** A request about a customer as a whole, in the audit chain (by their keyed hash, never the contact). */
  async record(actor: Actor, action: string, key: string, at: Date, after: Record<string, unknown>): Promise<void> {
    if (!this.deps.audit) return;
    await this.deps.audit.append([
      { key: `customer:${key}:${action}:${at.getTime()}:${crypto.randomBytes(6).toString('hex')}`, at, actor: { kind: actor.kind, id: actor.id }, action, entity: { type: 'customer', id: key }, before: null, after },
    ]);
  }

  // ---- retention ---------------------------------------------------------------------------------

  /** When a ticket closed at `closedAt` is anonymised: the start (UTC) of the day after the retention period ends. */
  static dueAt(closedAt: Date, closedDays: number): Date {
    return new Date(Math.ceil((closedAt.getTime() + closedDays * DAY) / DAY) * DAY);
  }

  /**
   * The scheduler's check of one ticket: anonymised when it has been closed (or rejected) for the
   * retention period. Returns when to look again (the period changed, it closed again later), or null.
   */
  async anonymiseIfDue(number: string, now: Date): Promise<{ anonymised: boolean; retryAt: Date | null }> {
    const t = await this.deps.tickets.get(number);
    if (!t) return { anonymised: false, retryAt: null };
    if (t.erased) {
      // Recorded already (perhaps by a run that died before removing the values): finish it.
      await this.removeValues(t, null);
      return { anonymised: false, retryAt: null };
    }
    const closedAt = closedAtOf(t);
    if (!closedAt || this.options.closedDays <= 0) return { anonymised: false, retryAt: null };
    const due = PersonalData.dueAt(closedAt, this.options.closedDays);
    if (due.getTime() > now.getTime()) return { anonymised: false, retryAt: due };
    const key = t.customer.key;
    let after: Ticket;
    try {
      after = await this.deps.changes.apply(number, { actor: RETENTION_ACTOR, action: 'anonymise', params: { closedAt: closedAt.toISOString() } }, (before, at) => {
        const closed = closedAtOf(before);
        if (before.erased || !closed || PersonalData.dueAt(closed, this.options.closedDays).getTime() > at.getTime()) throw new NotDue();
        return { after: { ...before, version: before.version + 1, erased: true, updatedAt: at, customer: { ...before.customer, key: null } }, events: [EVENTS.TICKET_PERSONAL_ERASED] };
      });
    } catch (err) {
      if (err instanceof NotDue) return { anonymised: false, retryAt: null };
      throw err;
    }
    await this.removeValues(after, key);
    return { anonymised: true, retryAt: null };
  }

  private async removeValues(t: Ticket, key: string | null): Promise<void> {
    await this.deps.tickets.erasePersonal(t.number);
    await this.deps.messages.delete(t.messages.map((m) => m.id));
    if (key) await this.deps.customers?.removeTicket(key, t.number);
  }
}

/** When the ticket reached its current closed (or rejected) state; null while it is not closed. */
export function closedAtOf(t: Pick<Ticket, 'status' | 'history'>): Date | null {
  if (t.status !== 'closed' && t.status !== 'rejected') return null;
  for (let i = t.history.length - 1; i >= 0; i--) if (t.history[i]!.to === t.status) return new Date(t.history[i]!.at);
  return null;
}

/** Feed handler: each closing (or rejection) puts the ticket in the due index for its anonymisation day. */
export function retentionScheduleHandler(due: DueSchedule, closedDays: number): FeedHandler {
  return {
    name: 'retention-schedule',
    async handle(entries) {
      const items = entries
        .filter((e) => e.events.includes(EVENTS.TICKET_CLOSED) || e.events.includes(EVENTS.TICKET_REJECTED))
        .map((e) => ({ kind: RETENTION_DUE_KIND, ref: e.number, at: PersonalData.dueAt(new Date(e.at), closedDays) }));
      await due.add(items);
    },
  };
}
