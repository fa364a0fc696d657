/** The complaint ticket as the core sees it (a plain object; the store maps it). */
import type { ClassificationReason, CategoryCandidate } from './classification';
import type { Contact } from './mask';
import type { TicketStatus, TransitionAction } from './state-machine';
import type { Category, ChannelName, Language, Remedy, Severity } from './taxonomy';
import type { TicketFigures } from './ticket-figures';
import type { NoticeRef } from './notices';
import type { ReturnVisitState, SurveyState } from './follow-up';

export type DeadlineKind = 'firstContact' | 'factCheck' | 'resolution';
export const DEADLINE_KINDS: readonly DeadlineKind[] = ['firstContact', 'factCheck', 'resolution'];

export interface Budget {
  unit: 'hours' | 'workingDays' | 'workingHours';
  amount: number;
}

export interface TicketDeadline {
  kind: DeadlineKind;
  budget: Budget;
  /** null while the clock is paused (waiting_customer). */
  dueAt: Date | null;
  /** The first warning point. */
  warnAt: Date | null;
  /** Every warning point (red flag) known so far, ascending; absent on tickets filed before #10. */
  warnings?: Date[];
  /** How many of `warnings` have been given (each exactly once). */
  warningsGiven?: number;
  /** When the obligation was met (first contact made, facts checked, resolved). */
  metAt: Date | null;
  /** When the latest warning was given. */
  warnedAt: Date | null;
  /** When the deadline passed unmet (set once, by the SLA scanner). */
  overdueAt: Date | null;
}

export interface SlaPause {
  from: Date;
  to: Date | null;
}

/**
 * One stretch of time a tier held the ticket (0 owner, 1 team lead, 2 complaint centre), with the
 * deadlines missed while it held it, so on-time rates blame the right team.
 */
export interface TierSpan {
  tier: number;
  from: Date;
  /** null while the tier holds the ticket. */
  to: Date | null;
  /** Deadlines that passed unmet while this tier held the ticket. */
  missed: DeadlineKind[];
}

export interface TicketSla {
  preset: string;
  startedAt: Date;
  pauses: SlaPause[];
  deadlines: TicketDeadline[];
  /** 0 owner, 1 team lead, 2 complaint centre. */
  escalationTier: number;
  /** Each tier's time with the ticket, oldest first (absent on tickets filed before #10). */
  tiers?: TierSpan[];
}

export type Decider = 'classifier' | 'customer' | 'agent' | 'api';

export interface TicketClassification {
  category: Category;
  severity: Severity;
  confidence: number;
  candidates: CategoryCandidate[];
  reasons: ClassificationReason[];
  modelVersion: string;
  /** Who set the category: the classifier, the customer picking from candidates, an agent, an API client. */
  categoryDecidedBy: Decider;
  severityDecidedBy: Decider;
}

export interface Evidence {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  url?: string;
}

export interface Actor {
  kind: 'customer' | 'agent' | 'system' | 'api';
  id: string;
  name?: string;
}

export interface StatusChange {
  version: number;
  from: TicketStatus | null;
  to: TicketStatus;
  action: TransitionAction | 'file';
  at: Date;
  actor: Actor;
  reason?: string;
}

/** A message on a ticket: what the customer added, what an agent sent them. Text is personal data. */
export interface MessageRef {
  id: string;
  at: Date;
  direction: 'from_customer' | 'to_customer';
  by: { kind: Actor['kind']; id: string };
  /** Evidence attached with the message (hashes only; names are in the message). */
  evidence: number;
}

export interface Ticket {
  number: string;
  year: number;
  seq: number;
  version: number;
  status: TicketStatus;
  channel: ChannelName;
  /** Who filed it through which integration, e.g. the API key's name (`hotline`); null for chat channels. */
  source: string | null;
  conversationRef: string | null;
  language: Language;
  customer: {
    name: string | null;
    contact: Contact;
    /** Keyed hash of the normalised contact: links a customer's tickets without storing contact twice. */
    key: string | null;
  };
  description: string;
  occurredAt: Date | null;
  occurredText: string | null;
  location: string | null;
  orderId: string | null;
  product: string | null;
  merchant: string | null;
  amount: { value: number; currency: string } | null;
  desiredRemedy: Remedy | null;
  evidence: Evidence[];
  category: Category;
  severity: Severity;
  classification: TicketClassification;
  flags: {
    highRisk: boolean;
    recurrenceOf: string | null;
    /**
     * The customer (contact) is flagged as malicious: set by a supervisor on this ticket (`by`, `at`),
     * or inherited at filing from the contact's flag set on ticket `since`. Such tickets go to review.
     */
    suspectedMalicious: { reason: string; by?: string; at?: Date; since?: string } | null;
    /** At filing the contact had this many rejected complaints (at least the configured threshold): a supervisor may flag it. */
    maliciousSuggested?: { rejected: number } | null;
    /** The malicious flag was removed on this ticket: by whom, when, why (absent: never). */
    maliciousCleared?: { reason: string; by: string; at: Date } | null;
    /** When the customer asked to talk to a person (absent: never). */
    personRequestedAt?: Date | null;
  };
  owner: { id: string; name: string | null } | null;
  sla: TicketSla;
  history: StatusChange[];
  resolution: { remedy: Remedy | null; amount: number | null; note: string; at: Date; by: Actor } | null;
  rejection: { reason: string; at: Date; by: Actor } | null;
  /** Messages exchanged after filing (metadata; the texts are kept apart, erasable). */
  messages: MessageRef[];
  /**
   * The customer's satisfaction rating (1–5), recorded by the survey after resolution (the
   * follow-up issue); the comment, being free text, is kept with the messages, not here. Reports count it as CSAT.
   */
  satisfaction?: { rating: number; at: Date } | null;
  /** Derived figures (handling and first-response minutes, on-time flags), brought up to date by every change (ticket-figures.ts). */
  figures?: TicketFigures;
  /** Notices to the customer (result, survey): how each went out and whether it arrived (absent before #10). */
  notices?: NoticeRef[];
  /** The latest satisfaction survey (round 1, 2 … after each resolve that asked): absent before the first. */
  survey?: SurveyState | null;
  /** The return visit of the latest closing, when one was due (selected at random or major). */
  returnVisit?: ReturnVisitState | null;
  /** True once the customer's personal values were erased on request. */
  erased: boolean;
  /** SHA-256 of the lookup code handed to the customer at filing (the code itself is never stored). */
  lookupCodeHash: string;
  idempotencyKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Ticket number `2026000123`: year and a 6-digit yearly sequence. */
export function formatTicketNumber(year: number, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1 || seq > 999_999) throw new RangeError(`ticket sequence out of range: ${seq}`);
  return `${year}${String(seq).padStart(6, '0')}`;
}

export const TICKET_NUMBER_PATTERN = /^(\d{4})(\d{6})$/;

/** Looks like a ticket number (10 digits); whether it exists is another matter. */
export function isTicketNumberShape(v: string): boolean {
  return TICKET_NUMBER_PATTERN.test(v);
}

export function parseTicketNumber(number: string): { year: number; seq: number } | null {
  const m = TICKET_NUMBER_PATTERN.exec(number);
  if (!m) return null;
  const seq = Number(m[2]);
  if (seq < 1) return null;
  return { year: Number(m[1]), seq };
}

/**
 * The personal values of a ticket. They live in exactly one place (the ticket document) so they
 * can be erased; the journal, the change feed and the audit chain hold a keyed digest instead.
 */
export interface PersonalValues {
  name: string | null;
  contact: Contact;
  description: string;
  occurredText: string | null;
  location: string | null;
  orderId: string | null;
  /** How to reach the customer on their channel again (ids of the conversation and user). */
  conversationRef: string | null;
  /** Names and links of the evidence filed with the ticket, by position. */
  evidence: Array<{ name: string; url?: string }>;
}

/** A ticket without its personal values: what the journal, the change feed and the audit keep. */
export type TicketRecord = Omit<Ticket, 'customer' | 'description' | 'occurredText' | 'location' | 'orderId' | 'conversationRef' | 'evidence'> & {
  customer: { key: string | null };
  evidence: Array<Omit<Evidence, 'name' | 'url'>>;
  /** Keyed digest of the personal values, so the chain still proves what they were. */
  personalDigest: string;
};

export const ERASED_TEXT = '[erased]';

export function personalValuesOf(t: Ticket): PersonalValues {
  return {
    name: t.customer.name,
    contact: { ...t.customer.contact },
    description: t.description,
    occurredText: t.occurredText,
    location: t.location,
    orderId: t.orderId,
    conversationRef: t.conversationRef,
    evidence: t.evidence.map((e) => (e.url ? { name: e.name, url: e.url } : { name: e.name })),
  };
}

export function ticketRecord(t: Ticket, personalDigest: string): TicketRecord {
  const { customer, description: _d, occurredText: _o, location: _l, orderId: _i, conversationRef: _c, evidence, ...rest } = t;
  return {
    ...rest,
    customer: { key: customer.key },
    evidence: evidence.map(({ name: _n, url: _u, ...e }) => e),
    personalDigest,
  };
}

/** The ticket from its record and personal values (null values when erased). */
export function joinPersonal(r: TicketRecord, p: PersonalValues | null): Ticket {
  const { personalDigest: _digest, customer, evidence, ...rest } = r;
  return {
    ...rest,
    customer: { name: p?.name ?? null, contact: p?.contact ?? {}, key: customer.key },
    description: p?.description ?? ERASED_TEXT,
    occurredText: p?.occurredText ?? null,
    location: p?.location ?? null,
    orderId: p?.orderId ?? null,
    conversationRef: p?.conversationRef ?? null,
    evidence: evidence.map((e, i) => ({ ...e, name: p?.evidence[i]?.name ?? `evidence-${i + 1}`, ...(p?.evidence[i]?.url ? { url: p.evidence[i]!.url } : {}) })),
  };
}

/** What a view of a ticket shows of one piece of evidence: what it is, never where it is stored. */
export function evidenceSummary(e: Pick<Evidence, 'name' | 'contentType' | 'size' | 'sha256'>) {
  return { name: e.name, contentType: e.contentType, size: e.size, sha256: e.sha256 };
}

/** What a view of a ticket shows of how it ended (the API's full view, the customer's export). */
export function outcomeView(t: Pick<Ticket, 'resolution' | 'rejection'>) {
  return {
    resolution: t.resolution ? { remedy: t.resolution.remedy, amount: t.resolution.amount, note: t.resolution.note, at: t.resolution.at } : null,
    rejection: t.rejection ? { reason: t.rejection.reason, at: t.rejection.at } : null,
  };
}
