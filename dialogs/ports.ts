/**
 * What the dialogs need from the rest of the service, declared here beside them (ports live
 * beside their consumer). The composition root implements them over the core's ComplaintService
 * and the evidence store; dialog unit tests use in-memory fakes (test/fakes/).
 */
import type { Category, ChannelName, Remedy } from '../src/domain/taxonomy';
import type { TicketStatus } from '../src/domain/state-machine';
import type { BotLanguage } from './messages';
import type { ComplaintDraft } from './complaint-draft';

export interface EvidenceRef {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  url?: string;
}

export interface TicketDeadlines {
  firstContact: Date | null;
  resolution: Date | null;
}

export interface FiledTicket {
  number: string;
  category: Category;
  /** The classifier was unsure: ask the customer to pick among `candidates`. */
  needsConfirmation: boolean;
  candidates: Category[];
  deadlines: TicketDeadlines;
  /** Shown once; null when an earlier attempt with the same key had already filed the ticket. */
  lookupCode: string | null;
}

export interface TicketView {
  number: string;
  status: TicketStatus;
  category: Category;
  /** A person owns the ticket (claimed). */
  hasOwner: boolean;
  deadlines: TicketDeadlines;
  /** The result was sent and the survey waits for the customer's rating. */
  awaitingRating?: boolean;
  /** The customer may still appeal the result (resolved, or closed within the appeal window). */
  canAppeal?: boolean;
}

/** Who is acting, as the core's audit log records it: the customer of one conversation. */
export interface CustomerActor {
  channel: ChannelName;
  conversationId: string;
}

export interface FilingContext {
  actor: CustomerActor;
  /** JSON the channel needs to reach the customer again (no secrets), ≤ 2000 characters. */
  conversationRef: string;
  language: BotLanguage;
  /** Same key → same ticket: a retried or redelivered submit never files twice. */
  idempotencyKey: string;
  /** The customer asked for a person, or the bot gave up after failed answers. */
  personRequested?: boolean;
}

export type DeskErrorCode = 'unavailable' | 'verification_failed' | 'locked' | 'not_found' | 'invalid' | 'unsupported';

/** The one error type the port throws; dialogs answer each code with a message in the customer's language. */
export class DeskError extends Error {
  override name = 'DeskError';
  constructor(
    readonly code: DeskErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface ComplaintDesk {
  file(draft: ComplaintDraft, ctx: FilingContext): Promise<FiledTicket>;
  /** A customer's lookup with verification (last 4 digits of the phone, or the lookup code). */
  lookup(number: string, verification: { code?: string; last4?: string }, client?: CustomerActor): Promise<TicketView>;
  /** The customer picked the category (feeds retraining). */
  reclassify(number: string, category: Category, actor: CustomerActor): Promise<TicketView>;
  /**
   * Text and/or evidence the customer adds to a ticket; reaches the audit log and the agent side.
   * `messageId` makes a repeated delivery (or a re-run turn) a no-op.
   */
  addInformation(number: string, addition: { text?: string; evidence?: EvidenceRef[]; messageId?: string }, actor: CustomerActor): Promise<void>;
  /** The ticket's status, for handoff (no verification: only for tickets of this conversation). */
  ticketStatus(number: string): Promise<TicketView | null>;
  /** Ask for a person on a ticket this conversation filed. */
  requestPerson(number: string, actor: CustomerActor): Promise<void>;
  /** The survey's answer (1–5): 3+ closes the ticket; 1–2 leave it open to an appeal (`offerAppeal`). */
  rate(number: string, rating: number, actor: CustomerActor): Promise<{ closed: boolean; offerAppeal: boolean }>;
  /** The customer appeals the result: the ticket is reopened with its number and a new deadline. */
  appeal(number: string, reason: string, actor: CustomerActor): Promise<void>;
}

/** An attachment as a channel hands it over: a name, a type and where its bytes are. */
export interface IncomingAttachment {
  name?: string;
  contentType: string;
  contentUrl?: string;
}

export type EvidenceOutcome = { ok: true; evidence: EvidenceRef } | { ok: false; name: string; reason: 'too_large' | 'type' | 'unreachable' };

/** Stores the customer's files (GridFS, a folder) and answers with their content hash. */
export interface EvidenceIntake {
  accept(attachments: IncomingAttachment[], from: { serviceUrl?: string }): Promise<EvidenceOutcome[]>;
}

export interface DialogSettings {
  /** Time zone for "yesterday" and for the times promised to the customer. */
  timeZone: string;
  /** Currency of a bare number given as the amount. */
  defaultCurrency: string;
  /** Longest message the bot reads. */
  maxMessageChars: number;
  maxEvidenceMb: number;
  /** Label of a category in the customer's language (from the configured taxonomy). */
  categoryLabel(category: Category, lang: BotLanguage): string;
  now(): Date;
}

export interface DialogDeps {
  desk: ComplaintDesk;
  evidence: EvidenceIntake;
  settings: DialogSettings;
}

export type { Remedy };
