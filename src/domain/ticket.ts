/** The complaint ticket as the core sees it (a plain object; the store maps it). */
import type { ClassificationReason, CategoryCandidate } from './classification';
import type { Contact } from './mask';
import type { TicketStatus, TransitionAction } from './state-machine';
import type { Category, ChannelName, Language, Remedy, Severity } from './taxonomy';

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
  warnAt: Date | null;
  /** When the obligation was met (first contact made, facts checked, resolved). */
  metAt: Date | null;
  warnedAt: Date | null;
  overdueAt: Date | null;
}

export interface SlaPause {
  from: Date;
  to: Date | null;
}

export interface TicketSla {
  preset: string;
  startedAt: Date;
  pauses: SlaPause[];
  deadlines: TicketDeadline[];
  /** 0 owner, 1 team lead, 2 complaint centre. */
  escalationTier: number;
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

export interface Ticket {
  number: string;
  year: number;
  seq: number;
  version: number;
  status: TicketStatus;
  channel: ChannelName;
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
    suspectedMalicious: { reason: string } | null;
  };
  owner: { id: string; name: string | null } | null;
  sla: TicketSla;
  history: StatusChange[];
  resolution: { remedy: Remedy | null; amount: number | null; note: string; at: Date; by: Actor } | null;
  rejection: { reason: string; at: Date; by: Actor } | null;
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

export function parseTicketNumber(number: string): { year: number; seq: number } | null {
  const m = TICKET_NUMBER_PATTERN.exec(number);
  if (!m) return null;
  const seq = Number(m[2]);
  if (seq < 1) return null;
  return { year: Number(m[1]), seq };
}
