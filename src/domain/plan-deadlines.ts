/** SLA deadlines of a ticket, planned by the SLA engine and merged with what was already met or warned. */
import type { SlaPlanner } from './ports';
import type { Category, Severity } from './taxonomy';
import type { DeadlineKind, SlaPause, TicketDeadline } from './ticket';

export function planDeadlines(
  sla: SlaPlanner,
  input: { category: Category; severity: Severity; startAt: Date; pauses: SlaPause[] },
  now: Date,
  previous: TicketDeadline[],
  met: Set<DeadlineKind> = new Set(),
): TicketDeadline[] {
  return sla.plan({ ...input, now }).map((p) => {
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
