/**
 * Filing a complaint: validate, classify, number, save, announce. Reads as the story.
 *
 * Filings queue in a group commit: each flush numbers the whole batch with one ordered insert
 * (the commit point) and answers; putting the new tickets into the change feed and remembering
 * them as their customers' latest follow while the next batch is numbered (a few batches at most
 * are in flight), so throughput grows with load instead of paying every round trip per complaint.
 * The audit entry and the events follow from the feed (effects.ts); a filing whose process died
 * before it reached the feed is announced by the filing repair.
 *
 * An Idempotency-Key gives at most one ticket, ever: the database refuses a second ticket with
 * the same key (unique index), and a repeat finds the first one by number.
 */
import crypto from 'node:crypto';
import { parseComplaintInput, type ComplaintInput } from './complaint-input';
import type { Classification } from './classification';
import { DomainError, DuplicateIdempotencyKeyError, StoreOverloadedError, TicketNotFoundError, ValidationError } from './errors';
import type { Classifier, Clock, CoreLogger, ChangeFeed, CustomerIndex, CustomerWatch, IdempotencyStore, Outcome, SlaPlanner, TicketRepository } from './ports';
import { planDeadlines } from './plan-deadlines';
import { withFigures } from './ticket-figures';
import { maxSeverity, SEVERITY_RANK, type Category, type Language, type Severity } from './taxonomy';
import type { Actor, Ticket } from './ticket';
import { firstSpan } from './tiers';
import type { Contact } from './mask';
import { GroupCommitQueue } from '../support/group-commit';
import { canonicalJson } from '../support/canonical-json';

export interface FilingDeps {
  tickets: TicketRepository;
  feed: ChangeFeed;
  idempotency: IdempotencyStore;
  classifier: Classifier;
  sla: SlaPlanner;
  clock: Clock;
  logger: CoreLogger;
  /** What the desk knows of a returning customer (malicious flag, rejected complaints); optional. */
  customers?: CustomerIndex | undefined;
  /** Called as soon as a batch is committed (metrics). Must not throw. */
  onFiled?: (tickets: Ticket[]) => void;
  /** Called once a batch is in the change feed (wakes the effects that follow it). */
  onCommitted?: (tickets: Ticket[]) => void;
}

export interface FilingOptions {
  /** Time zone that decides the year of a ticket number. */
  timeZone: string;
  confidenceThreshold: number;
  recurrenceWindowDays: number;
  /** Secret for the keyed hash of customer contacts. */
  contactHashSecret: string;
  /** Filings allowed to wait for the database; more are refused with 503 (default 2,000). */
  maxPending?: number;
  /** Suggest flagging a contact as malicious once this many of their complaints were rejected (0: never). */
  maliciousSuggestAfter?: number;
}

export interface FileContext {
  actor: Actor;
  idempotencyKey?: string;
  /** The integration that filed it (an API key's name), kept on the ticket and in its audit entry. */
  source?: string;
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
  ctx: FileContext;
  now: Date;
  text: string;
  classification: Classification;
  category: Category;
  customerKey: string | null;
  /** The customer's latest ticket in this category when the filing was prepared. */
  last: { number: string; at: Date } | null;
  /** The customer's malicious flag and rejected complaints when the filing was prepared. */
  watch: CustomerWatch | null;
  lookupCodeHash: string;
}

const LOOKUP_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const IDEMPOTENCY_KEY = /^[\w.:-]{8,128}$/;
const EFFECT_RETRIES = [100, 400, 1600];
/** Batches whose announcement may still be under way while the next ones are numbered. */
const ANNOUNCING_MAX = 4;

export class FileComplaint {
  private readonly queue: GroupCommitQueue<PreparedFiling, Ticket>;
  private readonly announcing = new Set<Promise<void>>();
  /** Numbers whose announcement is under way in this process. */
  private readonly announcingNumbers = new Map<string, Promise<void>>();
  /** Latest tickets per customer and category that are being remembered right now (read before the store). */
  private readonly remembering = new Map<string, { number: string; at: Date }>();

  constructor(
    private readonly deps: FilingDeps,
    private readonly options: FilingOptions,
  ) {
    this.queue = new GroupCommitQueue((batch) => this.flush(batch), {
      maxPending: options.maxPending ?? 2000,
      overloaded: () => new StoreOverloadedError(),
    });
  }

  async file(raw: unknown, ctx: FileContext): Promise<FileResult> {
    const input = parseComplaintInput(raw);
    const key = ctx.idempotencyKey;
    if (key === undefined) return this.fileNew(input, ctx);

    if (!IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be 8–128 letters, digits, _ . : or -' }]);
    }
    const print = fingerprint(raw);
    const now = this.deps.clock.now();
    const year = localYear(now, this.options.timeZone);
    // The key's ticket will have a number after any already issued: a bound this process knows will do
    // (finding the very last number under a burst of filings costs a round trip per probe).
    const claim = await this.deps.idempotency.claim(key, now, print, year, await this.deps.tickets.seqLowerBound(year));
    if (claim.state === 'seen') {
      if (claim.fingerprint !== print) {
        throw new DomainError('idempotency.key_reused', 'This Idempotency-Key was already used for a different complaint; use a new key.', {});
      }
      const earlier = await this.findKeyed(key, claim);
      if (earlier) return this.replay(key, earlier, claim.number === null);
      // The first request with this key never got its ticket stored: file it now (the
      // database still refuses a second ticket with this key, should the first one land late).
    }
    try {
      const result = await this.fileNew(input, ctx);
      await this.completeKey(key, result.ticket.number);
      return result;
    } catch (err) {
      if (!(err instanceof DuplicateIdempotencyKeyError)) throw err;
      const earlier = await this.deps.tickets.findByIdempotencyKey(key, year, 0);
      if (!earlier) throw err;
      return this.replay(key, earlier, true);
    }
  }

  private async findKeyed(key: string, claim: { number: string | null; year: number; afterSeq: number }): Promise<Ticket | null> {
    if (claim.number) {
      const t = await this.deps.tickets.get(claim.number);
      if (!t) throw new TicketNotFoundError(claim.number);
      return t;
    }
    return this.deps.tickets.findByIdempotencyKey(key, claim.year, claim.afterSeq);
  }

  private async replay(key: string, ticket: Ticket, complete: boolean): Promise<FileResult> {
    if (complete) await this.completeKey(key, ticket.number);
    return { ticket, lookupCode: null, replayed: true, needsCategoryConfirmation: this.needsConfirmation(ticket) };
  }

  /** Best effort: a key without its number is found again by searching the numbers after it. */
  private async completeKey(key: string, number: string): Promise<void> {
    try {
      await this.deps.idempotency.complete(key, number);
    } catch (err) {
      this.deps.logger.warn({ err, ticket: number }, 'could not record the ticket of an Idempotency-Key; a repeat will search for it');
    }
  }

  private async fileNew(input: ComplaintInput, ctx: FileContext): Promise<FileResult> {
    const now = this.deps.clock.now();
    const text = [input.description, input.product, input.merchant].filter(Boolean).join('\n');
    const classification = this.deps.classifier.classify(text);
    const lookupCode = newLookupCode();
    const category = input.category ?? classification.category;
    const customerKey = customerKeyOf(input.customer, this.options.contactHashSecret);
    // The repeat lookup happens before the filing joins the group commit, so it overlaps with
    // the writes of the batch in flight instead of adding a read phase to every flush.
    const [last, watch] = customerKey
      ? await Promise.all([
          this.remembering.get(`${customerKey}:${category}`) ?? this.deps.tickets.lastTicketOf(customerKey, category),
          this.deps.customers ? this.deps.customers.watchOf(customerKey) : null,
        ])
      : [null, null];
    const ticket = await this.queue.push({ input, ctx, now, text, classification, category, customerKey, last, watch, lookupCodeHash: hashLookupCode(lookupCode) });
    return { ticket, lookupCode, replayed: false, needsCategoryConfirmation: this.needsConfirmation(ticket) };
  }

  needsConfirmation(t: Ticket): boolean {
    return t.classification.categoryDecidedBy === 'classifier' && t.classification.confidence < this.options.confidenceThreshold;
  }

  /**
   * One group commit: number and insert the batch (the commit point), then announce it in the
   * change feed and remember each ticket as its customer's latest in its category.
   */
  private async flush(batch: PreparedFiling[]): Promise<Outcome<Ticket>[]> {
    const outcomes: Outcome<Ticket>[] = new Array(batch.length);
    const byYear = new Map<number, number[]>();
    batch.forEach((f, i) => {
      const y = localYear(f.now, this.options.timeZone);
      byYear.set(y, [...(byYear.get(y) ?? []), i]);
    });
    const filed: Ticket[] = [];
    const known = new Map<string, boolean>();
    for (const [year, members] of byYear) {
      const inserted = await this.deps.tickets.insertNumbered({
        year,
        count: members.length,
        // Called again with new numbers when another instance took some: repeats are decided
        // afresh for each attempt, so a ticket never points at a number it does not end up with.
        build: (slots) => {
          const batchLatest = new Map<string, string>();
          return slots.map(({ index, number, seq }) => {
            const f = batch[members[index]!]!;
            try {
              const sameKey = f.customerKey ? `${f.customerKey}:${f.category}` : null;
              const withinWindow = f.last && f.last.at >= daysBefore(f.now, this.options.recurrenceWindowDays) ? f.last.number : null;
              const recurrenceOf = (sameKey && batchLatest.get(sameKey)) ?? withinWindow;
              if (sameKey) batchLatest.set(sameKey, number);
              known.set(number, f.last !== null);
              return { ok: true, value: this.buildTicket(f, number, seq, recurrenceOf) };
            } catch (error) {
              return { ok: false, error };
            }
          });
        },
      });
      inserted.forEach((o, k) => {
        outcomes[members[k]!] = o;
        if (o.ok) filed.push(o.value);
      });
    }
    if (filed.length) {
      const recent = filed.flatMap((t) =>
        t.customer.key ? [{ customerKey: t.customer.key, category: t.category, number: t.number, at: t.createdAt, known: known.get(t.number) ?? true }] : [],
      );
      // Committed already: these are effects. If they still fail, the filing repair finishes them.
      // Until the latest-ticket records are stored, this process answers repeat checks from memory.
      for (const r of recent) this.remembering.set(`${r.customerKey}:${r.category}`, { number: r.number, at: r.at });
      const effects = Promise.all([
        this.withRetry('announce filings', () => this.deps.feed.announceFilings(filed)),
        this.withRetry('remember customers', () => this.deps.tickets.rememberCustomerTickets(recent)),
      ]).then(() => this.deps.onCommitted?.(filed));
      this.deps.onFiled?.(filed);
      this.announcing.add(effects);
      for (const t of filed) this.announcingNumbers.set(t.number, effects);
      void effects.finally(() => {
        this.announcing.delete(effects);
        for (const r of recent) if (this.remembering.get(`${r.customerKey}:${r.category}`)?.number === r.number) this.remembering.delete(`${r.customerKey}:${r.category}`);
        for (const t of filed) if (this.announcingNumbers.get(t.number) === effects) this.announcingNumbers.delete(t.number);
      });
      while (this.announcing.size >= ANNOUNCING_MAX) await Promise.race(this.announcing);
    }
    return outcomes;
  }

  /** Resolves once this ticket's filing is in the change feed, if this process is announcing it. */
  async announced(number: string): Promise<void> {
    await this.announcingNumbers.get(number);
  }

  /** Resolves once every filing answered so far is in the change feed (or its effects gave up). */
  async settled(): Promise<void> {
    while (this.announcing.size) await Promise.all([...this.announcing]);
  }

  private buildTicket(f: PreparedFiling, number: string, seq: number, recurrenceOf: string | null): Ticket {
    const { input, now } = f;
    const classification = recurrenceOf ? this.deps.classifier.classify(f.text, { isRepeat: true }) : f.classification;
    const severity = maxSeverity(maxSeverity(input.severity ?? classification.severity, ruleFloor(classification)), categoryFloor(f.category));
    return withFigures({
      number,
      year: Number(number.slice(0, 4)),
      seq,
      version: 1,
      status: 'new',
      channel: input.channel,
      source: f.ctx.source ?? null,
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
      flags: { highRisk: classification.highRisk, recurrenceOf, ...this.watchFlags(f.watch) },
      owner: null,
      sla: {
        preset: this.deps.sla.preset,
        startedAt: now,
        pauses: [],
        deadlines: planDeadlines(this.deps.sla, { category: f.category, severity, startAt: now, pauses: [] }, now, []),
        // A high-risk complaint (threats, abuse, self-harm words) goes to the team lead at once [003].
        escalationTier: classification.highRisk ? 1 : 0,
        tiers: firstSpan(classification.highRisk ? 1 : 0, now),
      },
      history: [{ version: 1, from: null, to: 'new', action: 'file', at: now, actor: f.ctx.actor }],
      resolution: null,
      rejection: null,
      messages: [],
      erased: false,
      lookupCodeHash: f.lookupCodeHash,
      idempotencyKey: f.ctx.idempotencyKey ?? null,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** A flagged contact's new ticket carries the flag (it goes to review); many rejections suggest flagging. */
  private watchFlags(watch: CustomerWatch | null): Pick<Ticket['flags'], 'suspectedMalicious' | 'maliciousSuggested'> {
    if (watch?.flag) return { suspectedMalicious: { reason: watch.flag.reason, since: watch.flag.ticket } };
    const after = this.options.maliciousSuggestAfter ?? 0;
    if (watch && after > 0 && watch.rejected >= after) return { suspectedMalicious: null, maliciousSuggested: { rejected: watch.rejected } };
    return { suspectedMalicious: null };
  }

  /** Run an effect with a few retries; false if it still failed (the repair job finishes it later). */
  private async withRetry(what: string, effect: () => Promise<void>): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await effect();
        return true;
      } catch (err) {
        const delay = EFFECT_RETRIES[attempt];
        if (delay === undefined) {
          this.deps.logger.error({ err, effect: what }, 'effect of committed filings failed; the filing repair will finish it');
          return false;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}

// ---- helpers ------------------------------------------------------------------------------------

function pickContact(c: { phone?: string; email?: string }): Contact {
  const out: Contact = {};
  if (c.phone) out.phone = c.phone;
  if (c.email) out.email = c.email;
  return out;
}

/** Keyed hash of the normalised contact: links a customer's tickets without storing the contact twice. */
export function customerKeyOf(c: { phone?: string; email?: string }, secret: string): string | null {
  const normalised = c.phone ? `p:${c.phone.replace(/\D/g, '').slice(-11)}` : c.email ? `e:${c.email.trim().toLowerCase()}` : null;
  if (!normalised) return null;
  return crypto.createHmac('sha256', secret).update(normalised).digest('hex').slice(0, 32);
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
  return crypto.createHash('sha256').update(canonicalJson(raw)).digest('hex');
}

export function hashLookupCode(code: string): string {
  return crypto.createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
}
