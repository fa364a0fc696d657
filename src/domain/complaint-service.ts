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
import { GroupCommitQueue } from './group-commit';
import type {
  AuditEntryInput,
  AuditLog,
  ChangeObserver,
  Classifier,
  Clock,
  CoreLogger,
  FeedbackStore,
  IdempotencyStore,
  JournalEntry,
  LookupGuard,
  NumberedInsert,
  Outbox,
  Outcome,
  SlaPlanner,
  TicketJournal,
  TicketRepository,
} from './ports';
import { nextStatus, type TicketStatus, type TransitionAction } from './state-machine';
import {
  maxSeverity,
  SEVERITY_RANK,
  type Category,
  type Language,
  type Remedy,
  type Severity,
} from './taxonomy';
import { DEADLINE_KINDS, type Actor, type DeadlineKind, type Decider, type SlaPause, type Ticket, type TicketDeadline } from './ticket';

export interface ComplaintServiceDeps {
  tickets: TicketRepository;
  journal: TicketJournal;
  audit: AuditLog;
  outbox: Outbox;
  idempotency: IdempotencyStore;
  lookupGuard: LookupGuard;
  feedback: FeedbackStore;
  classifier: Classifier;
  sla: SlaPlanner;
  clock: Clock;
  logger: CoreLogger;
  observer?: ChangeObserver;
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

/** A validated, classified filing waiting for its number. */
interface PreparedFiling {
  input: ComplaintInput;
  actor: Actor;
  idempotencyKey: string | null;
  now: Date;
  text: string;
  classification: Classification;
  category: Category;
  customerKey: string | null;
  /** The customer's latest ticket in this category when the filing was prepared. */
  last: { number: string; at: Date } | null;
  lookupCodeHash: string;
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
  private readonly filings = new GroupCommitQueue<PreparedFiling, Ticket>((batch) => this.flushFilings(batch));

  constructor(
    private readonly deps: ComplaintServiceDeps,
    private readonly options: ComplaintServiceOptions,
  ) {}

  // ---- filing ---------------------------------------------------------------------------------

  async file(raw: unknown, ctx: { actor: Actor; idempotencyKey?: string }): Promise<FileResult> {
    const input = parseComplaintInput(raw);
    const key = ctx.idempotencyKey;
    if (key !== undefined) {
      const replay = await this.claimIdempotencyKey(key, fingerprint(raw));
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

  private async claimIdempotencyKey(key: string, print: string): Promise<FileResult | null> {
    if (!/^[\w.:-]{8,128}$/.test(key)) {
      throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be 8–128 letters, digits, _ . : or -' }]);
    }
    const claim = await this.deps.idempotency.claim(key, this.deps.clock.now(), print);
    if (claim.state === 'claimed') return null;
    if (claim.state === 'in_progress') {
      throw new DomainError('idempotency.in_progress', 'A filing with this Idempotency-Key is in progress; retry in a moment.', {});
    }
    if (claim.fingerprint && claim.fingerprint !== print) {
      throw new DomainError('idempotency.key_reused', 'This Idempotency-Key was already used for a different complaint; use a new key.', {});
    }
    const ticket = await this.deps.tickets.get(claim.number);
    if (!ticket) throw new TicketNotFoundError(claim.number);
    // A replay also repairs effects an interrupted first attempt may have missed.
    await this.settleFilings([ticket]);
    return {
      ticket,
      lookupCode: null,
      replayed: true,
      needsCategoryConfirmation: this.needsConfirmation(ticket.classification.confidence, ticket.classification.categoryDecidedBy),
    };
  }

  private async fileNew(input: ComplaintInput, actor: Actor, idempotencyKey: string | null): Promise<FileResult> {
    const now = this.deps.clock.now();
    const text = [input.description, input.product, input.merchant].filter(Boolean).join('\n');
    const classification = this.deps.classifier.classify(text);
    const lookupCode = newLookupCode();
    const category = input.category ?? classification.category;
    const customerKey = this.customerKey(input.customer);
    // The repeat lookup happens before the filing joins the group commit, so it overlaps with
    // the writes of the batch in flight instead of adding a read phase to every flush.
    const last = customerKey ? await this.deps.tickets.lastTicketOf(customerKey, category) : null;
    const ticket = await this.filings.push({
      input,
      actor,
      idempotencyKey,
      now,
      text,
      classification,
      category,
      customerKey,
      last,
      lookupCodeHash: hashLookupCode(lookupCode),
    });
    return {
      ticket,
      lookupCode,
      replayed: false,
      needsCategoryConfirmation: this.needsConfirmation(ticket.classification.confidence, ticket.classification.categoryDecidedBy),
    };
  }

  /**
   * One group commit for all filings waiting at this moment: their repeat lookups in parallel,
   * one ordered numbered insert (the commit point), then the repeat index and the audit chain
   * in parallel, then the outbox. Per filing that is one read and a share of four writes, so
   * throughput grows with load instead of paying every round trip per complaint.
   */
  private async flushFilings(batch: PreparedFiling[]): Promise<Outcome<Ticket>[]> {
    const outcomes: Outcome<Ticket>[] = new Array(batch.length);
    // Filings of one customer in one category within this batch repeat the earlier one.
    const batchLatest = new Map<string, string>();
    const known = new Map<string, boolean>();
    const requests: NumberedInsert[] = [];
    const positions: number[] = [];
    batch.forEach((f, i) => {
      positions.push(i);
      requests.push({
        year: localYear(f.now, this.options.timeZone),
        build: (number, seq) => {
          const sameKey = f.customerKey ? `${f.customerKey}:${f.category}` : null;
          const last = f.last;
          const withinWindow = last && last.at >= daysBefore(f.now, this.options.recurrenceWindowDays) ? last.number : null;
          const recurrenceOf = (sameKey && batchLatest.get(sameKey)) ?? withinWindow;
          if (sameKey) batchLatest.set(sameKey, number);
          known.set(number, last !== null);
          return this.buildTicket(f, number, seq, recurrenceOf);
        },
      });
    });

    const inserted = await this.deps.tickets.insertNumbered(requests);
    const filed: Ticket[] = [];
    inserted.forEach((o, k) => {
      outcomes[positions[k]!] = o;
      if (o.ok) filed.push(o.value);
    });
    if (filed.length) {
      await this.settleFilings(filed, (t) => known.get(t.number) ?? true);
      this.notify(filed.map(filingEntry));
    }
    return outcomes;
  }

  private buildTicket(f: PreparedFiling, number: string, seq: number, recurrenceOf: string | null): Ticket {
    const { input, now } = f;
    const classification = recurrenceOf ? this.deps.classifier.classify(f.text, { isRepeat: true }) : f.classification;
    const severity = maxSeverity(maxSeverity(input.severity ?? classification.severity, ruleFloor(classification)), categoryFloor(f.category));
    return {
      number,
      year: Number(number.slice(0, 4)),
      seq,
      version: 1,
      status: 'new',
      channel: input.channel,
      conversationRef: input.conversationRef ?? null,
      language: input.language ?? detectLanguage(input.description),
      customer: { name: input.customer.name ?? null, contact: pickContact(input.customer), key: f.customerKey },
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
      category: f.category,
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
      flags: { highRisk: classification.highRisk, recurrenceOf, suspectedMalicious: null },
      owner: null,
      sla: {
        preset: this.deps.sla.preset,
        startedAt: now,
        pauses: [],
        deadlines: this.planDeadlines({ category: f.category, severity, startAt: now, pauses: [] }, now, []),
        escalationTier: 0,
      },
      history: [{ version: 1, from: null, to: 'new', action: 'file', at: now, actor: f.actor }],
      resolution: null,
      rejection: null,
      lookupCodeHash: f.lookupCodeHash,
      idempotencyKey: f.idempotencyKey,
      createdAt: now,
      updatedAt: now,
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
        const entry: JournalEntry = { number, version: after.version, at: after.updatedAt, after, events, actor: input.actor, action };
        await this.settle(before, entry);
        this.notify([entry]);
        return after;
      }
    }
    throw new ConcurrentChangeError(number);
  }

  /**
   * Change the category and/or severity. Agents may set both (a person may also lower what the
   * rules raised); customers only pick the category, e.g. from the candidates offered when the
   * classifier was unsure. The ticket records who decided, the SLA is re-planned from the same
   * start, and the decision is kept as a labelled example for retraining.
   */
  async reclassify(number: string, change: { category?: Category; severity?: Severity }, actor: Actor): Promise<Ticket> {
    if (!change.category && !change.severity) throw new ValidationError([{ field: 'category', message: 'give a category or a severity' }]);
    if (actor.kind === 'customer' && change.severity) {
      throw new ValidationError([{ field: 'severity', message: 'customers choose the category only; severity is set by the rules and agents' }]);
    }
    const decider: Decider = actor.kind === 'customer' ? 'customer' : actor.kind === 'agent' ? 'agent' : 'api';
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await this.get(number);
      const now = this.deps.clock.now();
      const category = change.category ?? before.category;
      const severity = change.severity ?? before.severity;
      const after: Ticket = {
        ...before,
        version: before.version + 1,
        category,
        severity,
        updatedAt: now,
        classification: {
          ...before.classification,
          categoryDecidedBy: change.category ? decider : before.classification.categoryDecidedBy,
          severityDecidedBy: change.severity ? decider : before.classification.severityDecidedBy,
        },
      };
      after.sla = {
        ...before.sla,
        deadlines: this.planDeadlines({ category, severity, startAt: before.sla.startedAt, pauses: before.sla.pauses }, now, before.sla.deadlines),
      };
      const entry: JournalEntry = { number, version: after.version, at: now, after, events: [EVENTS.TICKET_RECLASSIFIED], actor, action: 'reclassify' };
      const committed = await this.deps.tickets.applyChange({ number, expectedVersion: before.version, after, events: entry.events, actor, action: 'reclassify' });
      if (!committed) continue;
      await this.settle(before, entry);
      this.notify([entry]);
      if (decider !== 'api') {
        await this.withRetry(number, () =>
          this.deps.feedback.record({
            id: `${number}:${after.version}`,
            ticketNumber: number,
            text: [before.description, before.product, before.merchant].filter(Boolean).join('\n'),
            category,
            severity,
            predicted: { category: before.classification.category, severity: before.classification.severity, modelVersion: before.classification.modelVersion },
            decidedBy: decider,
            at: now,
          }),
        );
      }
      return after;
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

  /** Effects of new tickets: repeat index and audit chain, then (only if audited) the outbox. */
  private async settleFilings(tickets: Ticket[], known: (t: Ticket) => boolean = () => true): Promise<void> {
    const entries = tickets.map(filingEntry);
    const recent = tickets.flatMap((t) =>
      t.customer.key ? [{ customerKey: t.customer.key, category: t.category, number: t.number, at: t.createdAt, known: known(t) }] : [],
    );
    const label = tickets.map((t) => t.number).join(',');
    const [, audited] = await Promise.all([
      this.withRetry(label, () => this.deps.tickets.rememberCustomerTickets(recent)),
      this.withRetry(label, () => this.deps.audit.append(entries.map((e) => auditEntry(null, e)))),
    ]);
    if (audited) await this.withRetry(label, () => this.deps.outbox.add(entries.flatMap(eventsOf)));
  }

  /**
   * Audit entry, then outbox events, of one change; safe to repeat. The outbox comes last and
   * only after the audit entry is written, so "its events are in the outbox" means "settled".
   */
  private async settle(before: Ticket | null, entry: JournalEntry): Promise<boolean> {
    const audited = await this.withRetry(entry.number, () => this.deps.audit.append([auditEntry(before, entry)]));
    if (!audited) return false;
    return this.withRetry(entry.number, () => this.deps.outbox.add(eventsOf(entry)));
  }

  private notify(entries: JournalEntry[]): void {
    for (const e of entries) {
      try {
        this.deps.observer?.committed(e);
      } catch (err) {
        this.deps.logger.warn({ err, ticket: e.number }, 'change observer failed');
      }
    }
  }

  /**
   * Re-run the effects of recent changes that a crash (or an outage longer than the retries)
   * interrupted. Idempotent; safe on several instances at once.
   */
  async settlePending(since: Date, limit = 5000): Promise<{ filings: number; changes: number }> {
    const filings = await this.deps.journal.unsettledFilings(since, limit);
    if (filings.length) await this.settleFilings(filings);
    const changes = await this.deps.journal.unsettledChanges(since, limit);
    for (const e of changes) {
      const before = (await this.deps.journal.entry(e.number, e.version - 1))?.after ?? null;
      await this.settle(before, e);
    }
    return { filings: filings.length, changes: changes.length };
  }

  /** Run an effect with a few retries; false if it still failed (the sweep finishes it later). */
  private async withRetry(number: string, effect: () => Promise<void>): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await effect();
        return true;
      } catch (err) {
        const delay = EFFECT_RETRIES[attempt];
        if (delay === undefined) {
          this.deps.logger.error({ err, ticket: number }, 'effect of a committed change failed; the sweep will finish it');
          return false;
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

/** The severity the rules demand (rules only raise), from the reasons the classifier gave. */
export function ruleFloor(c: Classification): Severity {
  let floor: Severity = 'general';
  for (const r of c.reasons) {
    if (r.rule.startsWith('severity') && r.floor) floor = maxSeverity(floor, r.floor);
  }
  return floor;
}

/** DESIGN §2: a safety complaint is at least important, whoever chose the category. */
export function categoryFloor(category: Category): Severity {
  return category === 'safety' ? 'important' : 'general';
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

/** Identity of a request body, for Idempotency-Key reuse checks (key order does not matter). */
function fingerprint(raw: unknown): string {
  return crypto.createHash('sha256').update(stableJson(raw)).digest('hex');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
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

function filingEntry(ticket: Ticket): JournalEntry {
  const events: EventType[] = [EVENTS.TICKET_FILED];
  if (ticket.flags.highRisk) events.push(EVENTS.TICKET_HIGH_RISK);
  return {
    number: ticket.number,
    version: 1,
    at: ticket.createdAt,
    after: ticket,
    events,
    actor: ticket.history[0]?.actor ?? { kind: 'system', id: 'unknown' },
    action: 'file',
  };
}

function auditEntry(before: Ticket | null, entry: JournalEntry): AuditEntryInput {
  return {
    key: `${entry.number}:${entry.version}`,
    at: entry.at,
    actor: { kind: entry.actor.kind, id: entry.actor.id },
    action: entry.action === 'file' ? 'ticket.filed' : `ticket.${entry.action}`,
    entity: { type: 'ticket', id: entry.number },
    before: before ? auditSnapshot(before) : null,
    after: auditSnapshot(entry.after),
  };
}

function eventsOf(entry: JournalEntry): DomainEvent[] {
  return entry.events.map((type) => toEvent(entry, type));
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
