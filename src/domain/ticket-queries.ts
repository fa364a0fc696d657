/**
 * Read-only questions about many tickets, for the agents' and supervisors' tools (Slack's App
 * Home and `/complaints mine|overdue|stats|search`). A port: the store answers it
 * (src/store/mongo-ticket-queries.ts). On FerretDB 1.x every one of these filters scans the
 * tickets collection (only `_id` lookups are pushed down); the SLA scanner's due buckets (#10)
 * are meant to replace the slow paths behind this port. `stats` moved to the reporting counters
 * (src/reports/report-service.ts), which cost the same at any number of tickets.
 */
import type { TicketStatus } from './state-machine';
import type { Category, ChannelName, Severity } from './taxonomy';
import type { DeadlineKind } from './ticket';

/** What lists show of a ticket: no personal values. */
export interface TicketSummary {
  number: string;
  status: TicketStatus;
  category: Category;
  severity: Severity;
  highRisk: boolean;
  channel: ChannelName;
  owner: { id: string; name: string | null } | null;
  escalationTier: number;
  createdAt: Date;
  updatedAt: Date;
  /** Deadlines not met yet, soonest first (a paused one has no due date). */
  openDeadlines: Array<{ kind: DeadlineKind; dueAt: Date | null }>;
  product: string | null;
}


/** A row of `/complaints stats` (src/reports/report-service.ts answers them from counters). */
export interface StatsRow {
  /** The group's value (a category, severity, channel or owner id); `all` without grouping. */
  group: string;
  filed: number;
  open: number;
  resolved: number;
  rejected: number;
  /** Open tickets with a deadline passed, plus closed ones that missed one. */
  late: number;
}

export interface TicketQueries {
  /** Open tickets owned by `ownerId`, most urgent first (earliest unmet deadline). */
  openOwnedBy(ownerId: string, limit: number): Promise<TicketSummary[]>;
  /** Open tickets with an unmet deadline before `now`, most overdue first. */
  overdue(now: Date, limit: number): Promise<TicketSummary[]>;
  /** Tickets whose number, order id, product, merchant or text contains every word; newest first. */
  search(words: string[], limit: number): Promise<TicketSummary[]>;
}

/** The earliest unmet due date of a summary (null: none, or paused). */
export function nextDue(t: TicketSummary): Date | null {
  const due = t.openDeadlines.map((d) => d.dueAt).filter((d): d is Date => d !== null);
  return due.length ? new Date(Math.min(...due.map((d) => d.getTime()))) : null;
}
