/** Names of domain events written to the outbox (later delivered to Slack and customers). */
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
} as const;

export type EventType = (typeof EVENTS)[keyof typeof EVENTS];

export interface DomainEvent {
  /** Deterministic id: `<number>:<version>:<type>`, so a repeated write is a no-op. */
  id: string;
  type: EventType;
  ticketNumber: string;
  ticketVersion: number;
  at: Date;
  /** Small, non-personal facts the consumers need (status, category, severity, owner id). */
  data: Record<string, unknown>;
}

export function eventId(ticketNumber: string, version: number, type: EventType): string {
  return `${ticketNumber}:${version}:${type}`;
}
