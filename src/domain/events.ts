/**
 * Names of domain events. Every committed change carries the events it emits in its change-feed
 * entry; consumers (Slack, customer channels, the SLA scanner) follow the feed and react.
 */
import type { FeedEntry } from './ports';

export const EVENTS = {
  TICKET_FILED: 'ticket.filed',
  TICKET_CLAIMED: 'ticket.claimed',
  TICKET_RELEASED: 'ticket.released',
  TICKET_STATE_CHANGED: 'ticket.state_changed',
  TICKET_RECLASSIFIED: 'ticket.reclassified',
  TICKET_WARNED: 'ticket.sla_warning',
  TICKET_OVERDUE: 'ticket.sla_overdue',
  TICKET_RESOLVED: 'ticket.resolved',
  TICKET_REJECTED: 'ticket.rejected',
  TICKET_REOPENED: 'ticket.reopened',
  TICKET_CLOSED: 'ticket.closed',
  TICKET_HIGH_RISK: 'ticket.high_risk',
  /** The customer added text or evidence to their ticket (the message id is in `data`). */
  TICKET_CUSTOMER_MESSAGE: 'ticket.customer_message',
  /** An agent wrote to the customer (to be delivered on the customer's channel). */
  TICKET_AGENT_MESSAGE: 'ticket.agent_message',
  /** Raised one escalation tier by a person (owner → team lead → complaint centre). */
  TICKET_ESCALATED: 'ticket.escalated',
  /** The owner (or a supervisor) handed the ticket to another agent. */
  TICKET_REASSIGNED: 'ticket.reassigned',
  /** The owner reached the customer outside the desk (e.g. by phone): first contact is met. */
  TICKET_CONTACT_RECORDED: 'ticket.contact_recorded',
  /** A notice to the customer (result, survey request) is to be delivered (its id is in `data`). */
  TICKET_NOTICE: 'ticket.notice',
  /** A notice to the customer went out (or could not): how, and whether it arrived. */
  TICKET_NOTICE_SETTLED: 'ticket.notice_settled',
  /** The customer asked to talk to a person (the bot hands over). */
  TICKET_PERSON_REQUESTED: 'ticket.person_requested',
  /** A supervisor flagged the customer (contact) as malicious, with a reason: their new tickets go to review. */
  TICKET_FLAGGED: 'ticket.flagged_malicious',
  /** A supervisor removed the malicious flag of the customer (contact), with a reason. */
  TICKET_UNFLAGGED: 'ticket.unflagged_malicious',
  /** The customer's personal values were erased: on their request, or anonymised after the retention period. */
  TICKET_PERSONAL_ERASED: 'ticket.personal_erased',
  /** The customer rated the result (1–5): `satisfaction` on the record. */
  TICKET_RATED: 'ticket.rated',
  /** The customer appealed the result: the ticket was reopened (with `ticket.reopened`); owner and supervisors are told. */
  TICKET_APPEALED: 'ticket.appealed',
  /** A return visit fell due (random share of closed tickets and every major one): agents claim it. */
  TICKET_RETURN_VISIT_DUE: 'ticket.return_visit_due',
  TICKET_RETURN_VISIT_CLAIMED: 'ticket.return_visit_claimed',
  /** The agent recorded the return visit's outcome. */
  TICKET_RETURN_VISIT_DONE: 'ticket.return_visit_done',
} as const;

export type EventType = (typeof EVENTS)[keyof typeof EVENTS];

export interface DomainEvent {
  /** Deterministic id: `<number>:<version>:<type>`, so a repeated delivery can be recognised. */
  id: string;
  /** Position of the change in the feed. */
  seq: number;
  type: EventType;
  ticketNumber: string;
  ticketVersion: number;
  at: Date;
  /** Small, non-personal facts the consumers need (status, category, severity, owner id, message id). */
  data: Record<string, unknown>;
}

export function eventId(ticketNumber: string, version: number, type: EventType): string {
  return `${ticketNumber}:${version}:${type}`;
}

/** The events of one committed change, as consumers see them. */
export function eventsOf(entry: FeedEntry): DomainEvent[] {
  const t = entry.after;
  const lastMessage = t.messages[t.messages.length - 1];
  // The notice a change created or settled is the one it touched last (settling moves it to the end).
  const lastNotice = t.notices?.[t.notices.length - 1];
  return entry.events.map((type) => ({
    id: eventId(entry.number, entry.version, type),
    seq: entry.seq,
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
      actor: { kind: entry.actor.kind, id: entry.actor.id },
      ...((type === EVENTS.TICKET_CUSTOMER_MESSAGE || type === EVENTS.TICKET_AGENT_MESSAGE) && lastMessage ? { messageId: lastMessage.id } : {}),
      ...((type === EVENTS.TICKET_NOTICE || type === EVENTS.TICKET_NOTICE_SETTLED) && lastNotice ? { noticeId: lastNotice.id, noticeKind: lastNotice.kind, via: lastNotice.via, noticeStatus: lastNotice.status } : {}),
    },
  }));
}
