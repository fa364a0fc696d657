/**
 * Figures derived from a ticket, kept on it whenever it changes (DESIGN §3: "keep derived figures on
 * the ticket when it changes"), so that reports and a BI tool reading MongoDB never recompute them
 * from the history. A pure function of the ticket's record: the reporting counters call it again on
 * every change-feed entry, so a ticket stored before this existed is counted the same way.
 */
import { DEADLINE_KINDS, type DeadlineKind, type TicketRecord } from './ticket';

export interface TicketFigures {
  /** Minutes from filing until the first contact with the customer (the first-contact deadline met); null until then. */
  firstResponseMinutes: number | null;
  /** Minutes from filing until the latest resolution, wall clock; null unless resolved or closed. */
  handlingMinutes: number | null;
  /**
   * Per deadline kind: true when met by its due time, false when missed (met after it, or marked
   * overdue by the SLA scanner), null while undecided (not met and not marked overdue, or paused).
   */
  onTime: Record<DeadlineKind, boolean | null>;
  /** Whether any deadline was missed. */
  missedAny: boolean;
  /** How many times the ticket was reopened. */
  reopenCount: number;
  /** Whether the ticket was ever resolved (the base of the reopen rate). */
  everResolved: boolean;
}

type FigureInput = Pick<TicketRecord, 'createdAt' | 'status' | 'resolution' | 'sla' | 'history'>;

const MINUTE = 60_000;

export function ticketFigures(t: FigureInput): TicketFigures {
  const created = new Date(t.createdAt).getTime();
  const minutesSinceFiling = (at: Date | string | null | undefined) => (at ? Math.max(0, Math.round((new Date(at).getTime() - created) / MINUTE)) : null);
  const onTime = {} as Record<DeadlineKind, boolean | null>;
  for (const kind of DEADLINE_KINDS) onTime[kind] = deadlineOnTime(t.sla.deadlines.find((d) => d.kind === kind));
  const first = t.sla.deadlines.find((d) => d.kind === 'firstContact');
  const resolved = t.status === 'resolved' || t.status === 'closed';
  return {
    firstResponseMinutes: minutesSinceFiling(first?.metAt),
    handlingMinutes: resolved ? minutesSinceFiling(t.resolution?.at) : null,
    onTime,
    missedAny: Object.values(onTime).some((v) => v === false),
    reopenCount: t.history.filter((h) => h.action === 'reopen').length,
    everResolved: t.history.some((h) => h.action === 'resolve'),
  };
}

function deadlineOnTime(d: { dueAt: Date | null; metAt: Date | null; overdueAt: Date | null } | undefined): boolean | null {
  if (!d) return null;
  if (d.metAt && d.dueAt) return new Date(d.metAt).getTime() <= new Date(d.dueAt).getTime();
  if (d.overdueAt) return false;
  return null;
}

/** The ticket with its figures brought up to date (the core calls this wherever a ticket is decided). */
export function withFigures<T extends FigureInput & { figures?: TicketFigures }>(t: T): T {
  t.figures = ticketFigures(t);
  return t;
}
