/**
 * The SLA coming alive: when a ticket's next warning point or deadline has come (the durable
 * scheduler hands the ticket over, src/jobs/due-scanner.ts), the ticket is checked and what is
 * due is committed as one change of the ticket:
 *
 * - a warning point passed → `ticket.sla_warning` (red flag) for that deadline, once per point;
 * - a deadline passed unmet → `ticket.sla_overdue`, the miss recorded against the tier holding
 *   the ticket, and the ticket escalated one tier per missed deadline (owner → team lead →
 *   complaint centre, capped) with `ticket.escalated`.
 *
 * The decision re-reads the ticket and only gives what was not given yet (`warningsGiven`,
 * `overdueAt`), and the change commits through the version lock (change-ticket.ts): however
 * often the scheduler hands a ticket over, and however many instances do it at once, each
 * warning and each escalation happens exactly once.
 *
 * What to schedule next follows the change feed (`slaScheduleHandler`): after every change the
 * ticket's next check time is computed from its record and, when it moved, put in the due index.
 */
import { EVENTS, type EventType } from './events';
import { TicketNotFoundError } from './errors';
import type { ChangeFeed, DueSchedule, FeedEntry, OverdueList } from './ports';
import type { FeedHandler } from './effects';
import type { ChangeTicket, Decision } from './change-ticket';
import { isOpen } from './state-machine';
import type { Actor, DeadlineKind, Ticket, TicketDeadline, TicketRecord } from './ticket';
import { moveToTier, recordMissed, TOP_TIER } from './tiers';

export const SLA_ACTOR: Actor = { kind: 'system', id: 'sla', name: 'SLA' };
export const SLA_DUE_KIND = 'sla';

export interface DeadlineCheck extends Decision {
  warned: DeadlineKind[];
  overdue: DeadlineKind[];
}

function pointsOf(d: TicketDeadline): Date[] {
  return d.warnings ?? (d.warnAt ? [d.warnAt] : []);
}

function givenOf(d: TicketDeadline): number {
  return d.warningsGiven ?? (d.warnedAt ? 1 : 0);
}

/** What is due on the ticket at `now` (null: nothing). Pure. */
export function checkDeadlines(before: Ticket, now: Date): DeadlineCheck | null {
  if (!isOpen(before.status)) return null;
  const t = now.getTime();
  const warned: DeadlineKind[] = [];
  const overdue: DeadlineKind[] = [];
  const deadlines = before.sla.deadlines.map((d) => {
    if (d.metAt || !d.dueAt) return d;
    const points = pointsOf(d);
    if (t >= d.dueAt.getTime()) {
      if (d.overdueAt) return d;
      overdue.push(d.kind);
      return { ...d, overdueAt: now, warningsGiven: points.length };
    }
    const passed = points.filter((p) => p.getTime() <= t).length;
    if (passed <= givenOf(d)) return d;
    warned.push(d.kind);
    return { ...d, warnedAt: now, warningsGiven: passed };
  });
  if (!warned.length && !overdue.length) return null;
  const after: Ticket = { ...before, version: before.version + 1, updatedAt: now, sla: { ...before.sla, deadlines } };
  const events: EventType[] = [];
  if (warned.length) events.push(EVENTS.TICKET_WARNED);
  if (overdue.length) {
    events.push(EVENTS.TICKET_OVERDUE);
    after.sla = recordMissed(after, overdue);
    const tier = Math.min(before.sla.escalationTier + overdue.length, TOP_TIER);
    if (tier > before.sla.escalationTier) {
      after.sla = moveToTier(after, tier, now);
      events.push(EVENTS.TICKET_ESCALATED);
    }
  }
  return { after, events, warned, overdue };
}

/** When the ticket next needs a check: its earliest warning point not given yet or unmet deadline not marked overdue. */
export function nextCheckAt(r: Pick<TicketRecord, 'status' | 'sla'>): Date | null {
  if (!isOpen(r.status)) return null;
  let next = Infinity;
  for (const d of r.sla.deadlines) {
    if (d.metAt || !d.dueAt || d.overdueAt) continue;
    const due = new Date(d.dueAt).getTime();
    const point = pointsOf(d)[givenOf(d)];
    next = Math.min(next, point && new Date(point).getTime() < due ? new Date(point).getTime() : due);
  }
  return Number.isFinite(next) ? new Date(next) : null;
}

class NothingDue extends Error {}

export class CheckDeadlines {
  constructor(private readonly changes: ChangeTicket) {}

  /**
   * Check one ticket (the scheduler's item for `dueAt`); commits what is due. Null when nothing
   * was (already given by another instance, met meanwhile, the ticket gone).
   */
  async check(number: string, dueAt: Date): Promise<{ warned: DeadlineKind[]; overdue: DeadlineKind[] } | null> {
    let result: DeadlineCheck | null = null;
    try {
      await this.changes.apply(number, { actor: SLA_ACTOR, action: 'sla_check', params: { at: dueAt.toISOString() } }, (before, now) => {
        result = checkDeadlines(before, now);
        if (!result) throw new NothingDue();
        return result;
      });
    } catch (err) {
      if (err instanceof NothingDue || err instanceof TicketNotFoundError) return null;
      throw err;
    }
    const r = result as DeadlineCheck | null;
    return r ? { warned: r.warned, overdue: r.overdue } : null;
  }
}

/**
 * Feed handler: after every filing and change, schedule the ticket's next check when it moved
 * (a ticket whose times did not change already has its item), and note tickets that went overdue
 * in the overdue list (`/complaints overdue` reads it by `_id`).
 */
export function slaScheduleHandler(due: DueSchedule, overdue: OverdueList, feed: ChangeFeed): FeedHandler {
  return {
    name: 'sla-schedule',
    async handle(entries: FeedEntry[]) {
      const known = new Map<string, TicketRecord>();
      const items: Array<{ kind: string; ref: string; at: Date }> = [];
      const late: string[] = [];
      for (const e of entries) {
        known.set(`${e.number}:${e.version}`, e.after);
        const next = nextCheckAt(e.after);
        if (e.events.includes(EVENTS.TICKET_OVERDUE)) late.push(e.number);
        if (!next) continue;
        let prev: TicketRecord | null = null;
        if (e.version > 1) prev = known.get(`${e.number}:${e.version - 1}`) ?? (await feed.entryOf(e.number, e.version - 1))?.after ?? null;
        const prevNext = prev ? nextCheckAt(prev) : null;
        if (prevNext?.getTime() === next.getTime()) continue;
        items.push({ kind: SLA_DUE_KIND, ref: e.number, at: next });
      }
      await due.add(items);
      await overdue.add(late);
    },
  };
}
