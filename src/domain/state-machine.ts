/**
 * Ticket states and every allowed transition (DESIGN §2 "States").
 *
 *   new → claimed → investigating → resolved → closed
 *   claimed/investigating ⇄ waiting_customer (SLA clock paused)
 *   resolved/closed → reopened (customer unhappy, appeal) → claimed
 *   any open state → rejected (reason required)
 */
import { InvalidTransitionError, ReasonRequiredError } from './errors';

export const TICKET_STATUSES = [
  'new',
  'claimed',
  'investigating',
  'waiting_customer',
  'resolved',
  'reopened',
  'closed',
  'rejected',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'claimed', 'investigating', 'waiting_customer', 'reopened'];

export const TRANSITION_ACTIONS = [
  'claim',
  'release',
  'investigate',
  'request_info',
  'customer_reply',
  'resolve',
  'close',
  'reopen',
  'reject',
] as const;
export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

interface TransitionRule {
  from: readonly TicketStatus[];
  to: TicketStatus;
  reasonRequired?: boolean;
}

export const TRANSITIONS: Record<TransitionAction, TransitionRule> = {
  claim: { from: ['new', 'reopened'], to: 'claimed' },
  release: { from: ['claimed'], to: 'new' },
  investigate: { from: ['claimed'], to: 'investigating' },
  request_info: { from: ['claimed', 'investigating'], to: 'waiting_customer' },
  customer_reply: { from: ['waiting_customer'], to: 'investigating' },
  resolve: { from: ['claimed', 'investigating', 'waiting_customer'], to: 'resolved' },
  close: { from: ['resolved'], to: 'closed' },
  reopen: { from: ['resolved', 'closed'], to: 'reopened', reasonRequired: true },
  reject: { from: OPEN_STATUSES, to: 'rejected', reasonRequired: true },
};

export function isOpen(status: TicketStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function canTransition(from: TicketStatus, action: TransitionAction): boolean {
  return TRANSITIONS[action].from.includes(from);
}

/** The status after `action`, or a typed error saying why the action is refused. */
export function nextStatus(from: TicketStatus, action: TransitionAction, reason?: string): TicketStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(from)) throw new InvalidTransitionError(from, action);
  if (rule.reasonRequired && !reason?.trim()) throw new ReasonRequiredError(action);
  return rule.to;
}

/** Actions possible from a status (for UIs: which buttons to show). */
export function availableActions(from: TicketStatus): TransitionAction[] {
  return TRANSITION_ACTIONS.filter((a) => canTransition(from, a));
}
