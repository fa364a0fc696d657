/**
 * The complaint desk's use cases. Reads as the story: validate, classify, decide, save, tell.
 *
 * Every change has one commit point — the numbered insert of a new ticket, or the journal
 * insert of a changed one — and then effects that are safe to repeat: the journal entry of
 * the filing, the audit entry, the outbox events. Effects are retried here and swept again
 * after a crash (`settlePending`), so a ticket is never left without its audit or events.
 */
import crypto from 'node:crypto';
import { parseComplaintInput, type ComplaintInput } from './complaint-input';
import type { Classification } from './classification';
import {
  AlreadyClaimedError,
  ConcurrentChangeError,
  DomainError,
  LookupLockedError,
  NotOwnerError,
  TicketNotFoundError,
  ValidationError,
  VerificationFailedError,
} from './errors';
import { EVENTS, eventId, type DomainEvent, type EventType } from './events';
import { lastFourDigits, type Contact } from './mask';
import type {
  AuditLog,
  Classifier,
  Clock,
  CoreLogger,
  IdempotencyStore,
  JournalEntry,
  LookupGuard,
  Outbox,
  SlaPlanner,
  TicketJournal,
  TicketRepository,
} from './ports';
import { nextStatus, type TicketStatus, type TransitionAction } from './state-machine';
import {
  maxSeverity,
  SEVERITY_RANK,
  isSeverity,
  type Category,
  type Language,
  type Remedy,
  type Severity,
} from './taxonomy';
import { DEADLINE_KINDS, type Actor, type DeadlineKind, type SlaPause, type Ticket, type TicketDeadline } from './ticket';

export interface ComplaintServiceDeps {
  tickets: TicketRepository;
  journal: TicketJournal;
  audit: AuditLog;
  outbox: Outbox;
  idempotency: IdempotencyStore;
  lookupGuard: LookupGuard;
  classifier: Classifier;
  sla: SlaPlanner;
  clock: Clock;
  logger: CoreLogger;
}

export interface ComplaintServiceOptions {
  /** Time zone that decides the year of a ticket number. */
  timeZone: string;
  confidenceThreshold: number;
  recurrenceWindowDays: number;
  /** Secret for the keyed hash of customer contacts. */
  contactHashSecret: string;
}

export interface FileResult {
  ticket: Ticket;
  /** Shown to the customer once; only its hash is stored. Null when replaying an idempotent request. */
  lookupCode: string | null;
  /** True when an earlier request with the same Idempotency-Key already filed this ticket. */
  replayed: boolean;
  /** Confidence was below the threshold: someone (customer or agent) should confirm the category. */
  needsCategoryConfirmation: boolean;
}

export interface Verification {
  code?: string;
  last4?: string;
}

export interface TransitionInput {
  actor: Actor;
  reason?: string;
  resolution?: { remedy?: Remedy | null; amount?: number | null; note: string };
}

const EFFECT_RETRIES = [100, 400, 1600];
const LOOKUP_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const ACTION_EVENTS: Partial<Record<TransitionAction, EventType>> = {
  claim: EVENTS.TICKET_CLAIMED,
  release: EVENTS.TICKET_RELEASED,
  resolve: EVENTS.TICKET_RESOLVED,
  reject: EVENTS.TICKET_REJECTED,
  reopen: EVENTS.TICKET_REOPENED,
  close: EVENTS.TICKET_CLOSED,
};

export class ComplaintService {
  constructor(
    private readonly deps: ComplaintServiceDeps,
    private readonly options: ComplaintServiceOptions,
  ) {}

  // ---- filing ---------------------------------------------------------------------------------

  async file(raw: unknown, ctx: { actor: Actor; idempotencyKey?: string }): Promise<FileResult> {
    const input = parseComplaintInput(raw);
    const key = ctx.idempotencyKey;
    if (key !== undefined) {
      const replay = await this.claimIdempotencyKey(key);
      if (replay) return replay;
    }
    try {
      const result = await this.fileNew(input, ctx.actor, key ?? null);
      if (key !== undefined) await this.deps.idempotency.complete(key, result.ticket.number);
      return result;
    } catch (err) {
      if (key !== undefined) await this.deps.idempotency.release(key);
      throw err;
    }
  }

  private async claimIdempotencyKey(key: string): Promise<FileResult | null> {
    if (!/^[\w.:-]{8,128}$/.test(key)) {
      throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be 8–128 letters, digits, _ . : or -' }]);
    }
    const claim = await this.deps.idempotency.claim(key, this.deps.clock.now());
    if (claim.state === 'claimed') return null;
    if (claim.state === 'in_progress') {
      throw new DomainError('ticket.concurrent_change', 'A filing with this Idempotency-Key is in progress; retry in a moment.', { key });
    }
    const ticket = await this.deps.tickets.get(claim.number);
    if (!ticket) throw new TicketNotFoundError(claim.number);
    // A replay also repairs effects an interrupted first attempt may have missed.
    await this.settleFiling(ticket);
    return {
      ticket,
      lookupCode: null,
      replayed: true,
      needsCategoryConfirmation: this.needsConfirmation(ticket.classification.confidence, ticket.classification.categoryDecidedBy),
    };
  }

  private async fileNew(input: ComplaintInput, actor: Actor, idempotencyKey: string | null): Promise<FileResult> {
    const now = this.deps.clock.now();
    const customerKey = this.customerKey(input.customer);
    const text = [input.description, input.product, input.merchant].filter(Boolean).join('\n');

    let classification = this.deps.classifier.classify(text);
    const category: Category = input.category ?? classification.category;
    const recent = customerKey
      ? await this.deps.tickets.findRecentByCustomer(customerKey, category, daysBefore(now, this.options.recurrenceWindowDays))
      : null;
    if (recent) classification = this.deps.classifier.classify(text, { isRepeat: true });

    const proposed: Severity = input.severity ?? classification.severity;
    const severity = maxSeverity(proposed, ruleFloor(classification));
    const lookupCode = newLookupCode();
    const language: Language = input.language ?? detectLanguage(input.description);

    const ticket = await this.deps.tickets.insertNumbered(localYear(now, this.options.timeZone), (number, seq) => ({
      number,
      year: Number(number.slice(0, 4)),
      seq,
      version: 1,
      status: 'new',
      channel: input.channel,
      conversationRef: input.conversationRef ?? null,
      language,
      customer: {
        name: input.customer.name ?? null,
        contact: pickContact(input.customer),
        key: customerKey,
      },
      description: input.description,
      occurredAt: input.occurredAt ?? null,
      occurredText: input.occurredText ?? null,
      location: input.location ?? null,
      orderId: input.orderId ?? null,
      product: input.product ?? null,
      merchant: input.merchant ?? null,
      amount: input.amount ?? null,
      desiredRemedy: input.desiredRemedy ?? null,
      evidence: input.evidence,
      category,
      severity,
      classification: {
        category: classification.category,
        severity: classification.severity,
        confidence: classification.confidence,
        candidates: classification.candidates,
        reasons: classification.reasons,
        modelVersion: classification.modelVersion,
        categoryDecidedBy: input.category ? 'api' : 'classifier',
        severityDecidedBy: input.severity && SEVERITY_RANK[input.severity] >= SEVERITY_RANK[severity] ? 'api' : 'classifier',
      },
      flags: { highRisk: classification.highRisk, recurrenceOf: recent?.number ?? null, suspectedMalicious: null },
      owner: null,
      sla: {
        preset: this.deps.sla.preset,
        startedAt: now,
        pauses: [],
        deadlines: this.planDeadlines({ category, severity, startAt: now, pauses: [] }, now, []),
        escalationTier: 0,
      },
      history: [{ version: 1, from: null, to: 'new', action: 'file', at: now, actor }],
      resolution: null,
      rejection: null,
      lookupCodeHash: hashLookupCode(lookupCode),
      idempotencyKey,
      createdAt: now,
      updatedAt: now,
    }));

    await this.settleFiling(ticket);
    return {
      ticket,
      lookupCode,
      replayed: false,
      needsCategoryConfirmation: this.needsConfirmation(classification.confidence, ticket.classification.categoryDecidedBy),
    };
  }

  private needsConfirmation(confidence: number, decidedBy: string): boolean {
    return decidedBy === 'classifier' && confidence < this.options.confidenceThreshold;
  }

  // ---- lookup ---------------------------------------------------------------------------------

  /** A customer's (or hotline's) lookup: needs the lookup code or the phone's last four digits. */
  async lookup(number: string, verification: Verification): Promise<Ticket> {
    const now = this.deps.clock.now();
    const lock = await this.deps.lookupGuard.isLocked(number, now);
    if (lock.locked) throw new LookupLockedError(number, lock.retryAfterSeconds);
    const ticket = await this.deps.tickets.get(number);
    const ok = ticket !== null && verifies(ticket, verification);
    if (!ok) {
      await this.deps.lookupGuard.recordFailure(number, now);
      // Same answer whether the ticket exists or not, so numbers cannot be probed.
      throw new VerificationFailedError(number);
    }
    return ticket;
  }

  async get(number: string): Promise<Ticket> {
    const t = await this.deps.tickets.get(number);
    if (!t) throw new TicketNotFoundError(number);
    return t;
  }

  // ---- changes --------------------------------------------------------------------------------

  claim(number: string, actor: Actor): Promise<Ticket> {
    return this.transition(number, 'claim', { actor });
  }

  /**
   * Apply a state-machine action. Optimistic: read, decide, commit at version+1; if another
   * writer won that version, read again and decide again (a second claim then fails with
   * AlreadyClaimedError instead of overwriting the first).
   */
  async transition(number: string, action: TransitionAction, input: TransitionInput): Promise<Ticket> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await this.get(number);
      if (action === 'claim' && before.status === 'claimed' && before.owner) {
        throw new AlreadyClaimedError(number, before.owner.id);
      }
      if (['release', 'investigate', 'request_info', 'resolve'].includes(action) && before.owner && input.actor.kind === 'agent' && before.owner.id !== input.actor.id) {
        throw new NotOwnerError(number, input.actor.id);
      }
      const to = nextStatus(before.status, action, input.reason);
      const after = this.applyTransition(before, action, to, input);
      const events: EventType[] = [ACTION_EVENTS[action] ?? EVENTS.TICKET_STATE_CHANGED];
      const committed = await this.deps.tickets.applyChange({
        number,
        expectedVersion: before.version,
        after,
        events,
        actor: { kind: input.actor.kind, id: input.actor.id },
        action,
      });
      if (committed) {
        await this.settle(before, { number, version: after.version, at: after.updatedAt, after, events, actor: input.actor, action });
        return after;
      }
    }
    throw new ConcurrentChangeError(number);
  }

  private applyTransition(before: Ticket, action: TransitionAction, to: TicketStatus, input: TransitionInput): Ticket {
    const now = this.deps.clock.now();
    const version = before.version + 1;
    const reason = input.reason?.trim() || undefined;
    let pauses: SlaPause[] = before.sla.pauses.map((p) => ({ ...p }));
    const met = new Set<DeadlineKind>();

    switch (action) {
      case 'request_info':
        pauses = [...pauses, { from: now, to: null }];
        met.add('firstContact');
        break;
      case 'customer_reply':
        pauses = pauses.map((p) => (p.to === null ? { ...p, to: now } : p));
        break;
      case 'resolve':
      case 'reject':
        pauses = pauses.map((p) => (p.to === null ? { ...p, to: now } : p));
        DEADLINE_KINDS.forEach((k) => met.add(k));
        break;
      default:
        break;
    }

    const after: Ticket = {
      ...before,
      version,
      status: to,
      updatedAt: now,
      history: [...before.history, { version, from: before.status, to, action, at: now, actor: input.actor, ...(reason ? { reason } : {}) }],
      sla: { ...before.sla, pauses },
    };
    if (action === 'claim') after.owner = { id: input.actor.id, name: input.actor.name ?? null };
    if (action === 'release') after.owner = null;
    if (action === 'resolve') {
      after.resolution = {
        remedy: input.resolution?.remedy ?? null,
        amount: input.resolution?.amount ?? null,
        note: input.resolution?.note ?? reason ?? '',
        at: now,
        by: input.actor,
      };
    }
    if (action === 'reject') after.rejection = { reason: reason!, at: now, by: input.actor };
    if (action === 'reopen') after.resolution = null;

    after.sla.deadlines = this.planDeadlines(
      { category: after.category, severity: after.severity, startAt: after.sla.startedAt, pauses },
      now,
      before.sla.deadlines,
      met,
    );
    return after;
  }

  private planDeadlines(
    input: { category: Category; severity: Severity; startAt: Date; pauses: SlaPause[] },
    now: Date,
    previous: TicketDeadline[],
    met: Set<DeadlineKind> = new Set(),
  ): TicketDeadline[] {
    const planned = this.deps.sla.plan({ ...input, now });
    return planned.map((p) => {
      const prev = previous.find((d) => d.kind === p.kind);
      return {
        kind: p.kind,
        budget: p.budget,
        dueAt: p.dueAt,
        warnAt: p.warnAt,
        metAt: prev?.metAt ?? (met.has(p.kind) ? now : null),
        warnedAt: prev?.warnedAt ?? null,
        overdueAt: prev?.overdueAt ?? null,
      };
    });
  }

  // ---- effects --------------------------------------------------------------------------------

  private async settleFiling(ticket: Ticket): Promise<void> {
    const events: EventType[] = [EVENTS.TICKET_FILED];
    if (ticket.flags.highRisk) events.push(EVENTS.TICKET_HIGH_RISK);
    const entry: JournalEntry = {
      number: ticket.number,
      version: 1,
      at: ticket.createdAt,
      after: ticket,
      events,
      actor: ticket.history[0]?.actor ?? { kind: 'system', id: 'unknown' },
      action: 'file',
    };
    await this.withRetry(ticket.number, () => this.deps.journal.recordFiling(entry));
    await this.settle(null, entry);
    if (ticket.customer.key) {
      const key = ticket.customer.key;
      await this.withRetry(ticket.number, () => this.deps.tickets.rememberCustomerTicket(key, ticket.category, ticket.number, ticket.createdAt));
    }
  }

  /** Audit entry and outbox events of one journal entry; safe to repeat. */
  private async settle(before: Ticket | null, entry: JournalEntry): Promise<void> {
    await this.withRetry(entry.number, () =>
      this.deps.audit.append({
        key: `${entry.number}:${entry.version}`,
        at: entry.at,
        actor: entry.actor,
        action: entry.action === 'file' ? 'ticket.filed' : `ticket.${entry.action}`,
        entity: { type: 'ticket', id: entry.number },
        before: before ? auditSnapshot(before) : null,
        after: auditSnapshot(entry.after),
      }),
    );
    await this.withRetry(entry.number, () => this.deps.outbox.add(entry.events.map((type) => toEvent(entry, type))));
  }

  /**
   * Re-run the effects of recent changes (after a crash between a commit and its effects).
   * Idempotent; safe on several instances at once.
   */
  async settlePending(since: Date, limit = 5000): Promise<{ filings: number; entries: number }> {
    const orphans = await this.deps.journal.filingsWithoutEntry(since, limit);
    for (const t of orphans) await this.settleFiling(t);
    const entries = await this.deps.journal.since(since, limit);
    for (const e of entries) {
      const before = e.version > 1 ? ((await this.deps.journal.entry(e.number, e.version - 1))?.after ?? null) : null;
      await this.settle(before, e);
    }
    return { filings: orphans.length, entries: entries.length };
  }

  private async withRetry(number: string, effect: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await effect();
        return;
      } catch (err) {
        const delay = EFFECT_RETRIES[attempt];
        if (delay === undefined) {
          // The change is committed; the sweep (settlePending) finishes this effect later.
          this.deps.logger.error({ err, ticket: number }, 'effect of a committed change failed; it will be retried by the sweep');
          return;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private customerKey(c: { phone?: string; email?: string }): string | null {
    const normalised = c.phone ? `p:${c.phone.replace(/\D/g, '').slice(-11)}` : c.email ? `e:${c.email.trim().toLowerCase()}` : null;
    if (!normalised) return null;
    return crypto.createHmac('sha256', this.options.contactHashSecret).update(normalised).digest('hex').slice(0, 32);
  }
}

// ---- helpers ------------------------------------------------------------------------------------

function pickContact(c: { phone?: string; email?: string }): Contact {
  const out: Contact = {};
  if (c.phone) out.phone = c.phone;
  if (c.email) out.email = c.email;
  return out;
}

/** The severity the rules demand (rules only raise), read from the reasons the classifier gave. */
export function ruleFloor(c: Classification): Severity {
  let floor: Severity = 'general';
  for (const r of c.reasons) {
    const m = /^severity\s+\w+\s*→\s*(\w+)/.exec(r.effect);
    if (r.rule.startsWith('severity') && m && isSeverity(m[1])) floor = maxSeverity(floor, m[1]);
  }
  return floor;
}

export function detectLanguage(text: string): Language {
  const cjk = (text.match(/[\u3400-\u9fff]/g) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  return cjk > 0 && cjk * 3 >= latin ? 'zh' : 'en';
}

export function localYear(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(at));
}

function daysBefore(d: Date, days: number): Date {
  return new Date(d.getTime() - days * 86_400_000);
}

export function newLookupCode(): string {
  const bytes = crypto.randomBytes(10);
  return Array.from(bytes, (b) => LOOKUP_CODE_ALPHABET[b % LOOKUP_CODE_ALPHABET.length]).join('');
}

export function hashLookupCode(code: string): string {
  return crypto.createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
}

function verifies(ticket: Ticket, v: Verification): boolean {
  if (v.code && safeEqual(hashLookupCode(v.code), ticket.lookupCodeHash)) return true;
  const last4 = lastFourDigits(ticket.customer.contact.phone);
  return !!(v.last4 && last4 && /^\d{4}$/.test(v.last4) && safeEqual(v.last4, last4));
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}

/** What the audit keeps of a ticket: everything but the contact in clear (kept as its keyed hash). */
export function auditSnapshot(t: Ticket): Record<string, unknown> {
  const { customer, lookupCodeHash: _code, ...rest } = t;
  return { ...rest, customer: { name: customer.name ? '[set]' : null, key: customer.key } };
}

function toEvent(entry: JournalEntry, type: EventType): DomainEvent {
  const t = entry.after;
  return {
    id: eventId(entry.number, entry.version, type),
    type,
    ticketNumber: entry.number,
    ticketVersion: entry.version,
    at: entry.at,
    data: {
      status: t.status,
      category: t.category,
      severity: t.severity,
      highRisk: t.flags.highRisk,
      ownerId: t.owner?.id ?? null,
      channel: t.channel,
      actor: entry.actor,
    },
  };
}
