/**
 * SLA deadlines of a ticket, planned by the SLA engine and merged with what was already met,
 * warned or missed. A met deadline is kept as it was (its due time no longer moves: on-time
 * figures compare `metAt` with the `dueAt` the ticket had when it was met).
 */
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
    if (prev?.metAt) return prev;
    return {
      kind: p.kind,
      budget: p.budget,
      dueAt: p.dueAt,
      warnAt: p.warnAt,
      warnings: p.warnings,
      warningsGiven: prev?.warningsGiven ?? (prev?.warnedAt ? 1 : 0),
      metAt: met.has(p.kind) ? now : null,
      warnedAt: prev?.warnedAt ?? null,
      overdueAt: prev?.overdueAt ?? null,
    };
  });
}
