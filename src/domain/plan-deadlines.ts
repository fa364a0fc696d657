/**
 * SLA deadlines of a ticket, planned by the SLA engine and merged with what was already met,
 * warned or missed. A met deadline is kept as it was (its due time no longer moves: on-time
 * figures compare `metAt` with the `dueAt` the ticket had when it was met).
 *
 * A deadline met by the very change that pauses the clock (a request for information meets the
 * first contact and starts waiting for the customer) is planned as if the pause ended when it
 * was met: its due time is the one that stood at that instant, not the unknown due time of a
 * paused deadline.
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
  const planned = sla.plan({ ...input, now });
  const paused = met.size > 0 && input.pauses.some((p) => p.to === null);
  const asMet = paused ? sla.plan({ ...input, pauses: input.pauses.map((p) => (p.to === null ? { ...p, to: now } : p)), now }) : planned;
  return planned.map((p) => {
    const prev = previous.find((d) => d.kind === p.kind);
    if (prev?.metAt) return prev;
    const metNow = met.has(p.kind);
    const plan = metNow ? (asMet.find((m) => m.kind === p.kind) ?? p) : p;
    return {
      kind: plan.kind,
      budget: plan.budget,
      dueAt: plan.dueAt,
      warnAt: plan.warnAt,
      warnings: plan.warnings,
      warningsGiven: prev?.warningsGiven ?? (prev?.warnedAt ? 1 : 0),
      metAt: metNow ? now : null,
      warnedAt: prev?.warnedAt ?? null,
      overdueAt: prev?.overdueAt ?? null,
    };
  });
}
