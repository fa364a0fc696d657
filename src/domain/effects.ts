/**
 * What follows from a committed change, derived from the change feed: the audit entry, the
 * stored ticket brought up to date, the classifier feedback. Each is a feed handler: it is given
 * the committed entries in feed order, at least once, and must be idempotent (every store it
 * writes dedupes by the entry's `<number>:<version>`). Because handlers follow a durable cursor,
 * a crash or an outage only delays them: every committed change reaches its effects, however late.
 *
 * The filing repair covers the one gap the feed cannot: a filing committed (ticket inserted) but
 * not yet in the feed when its writer died. It walks each year's ticket numbers behind a cursor.
 */
import type { AuditEntryInput, AuditLog, ChangeFeed, Clock, CursorStore, FeedEntry, FeedbackExample, FeedbackStore, TicketRepository } from './ports';
import type { TicketRecord } from './ticket';

export interface FeedHandler {
  readonly name: string;
  handle(entries: FeedEntry[]): Promise<void>;
}

/** What the audit keeps of a ticket: its record (no personal values, only their digest), without the lookup code's hash. */
export function auditSnapshot(r: TicketRecord): Record<string, unknown> {
  const { lookupCodeHash: _code, ...rest } = r;
  return rest;
}

export function auditAction(action: string): string {
  return action === 'file' ? 'ticket.filed' : `ticket.${action}`;
}

/** Appends every committed change to the tamper-evident audit chain (idempotent by `<number>:<version>`). */
export function auditHandler(audit: AuditLog, feed: ChangeFeed): FeedHandler {
  return {
    name: 'audit',
    async handle(entries) {
      const known = new Map<string, TicketRecord>();
      const inputs: AuditEntryInput[] = [];
      for (const e of entries) {
        let before: TicketRecord | null = null;
        if (e.version > 1) before = known.get(`${e.number}:${e.version - 1}`) ?? (await feed.entryOf(e.number, e.version - 1))?.after ?? null;
        known.set(`${e.number}:${e.version}`, e.after);
        inputs.push({
          key: `${e.number}:${e.version}`,
          at: e.at,
          actor: { kind: e.actor.kind, id: e.actor.id },
          action: auditAction(e.action),
          entity: { type: 'ticket', id: e.number },
          before: before ? auditSnapshot(before) : null,
          after: auditSnapshot(e.after),
        });
      }
      await audit.append(inputs);
    },
  };
}

/** Reclassifications by people become labelled examples for retraining. */
export function feedbackHandler(feedback: FeedbackStore): FeedHandler {
  return {
    name: 'feedback',
    async handle(entries) {
      const examples: FeedbackExample[] = entries
        .filter((e) => e.action === 'reclassify' && (e.actor.kind === 'agent' || e.actor.kind === 'customer'))
        .map((e) => ({
          id: `${e.number}:${e.version}`,
          ticketNumber: e.number,
          category: e.after.category,
          severity: e.after.severity,
          predicted: { category: e.after.classification.category, severity: e.after.classification.severity, modelVersion: e.after.classification.modelVersion },
          decidedBy: e.actor.kind as 'agent' | 'customer',
          at: e.at,
        }));
      await feedback.record(examples);
    },
  };
}

/** Brings stored tickets up to their latest change (reading one repairs it), so a ticket nobody reads does not lag forever. */
export function projectionHandler(tickets: TicketRepository): FeedHandler {
  return {
    name: 'projection',
    async handle(entries) {
      const numbers = new Set(entries.filter((e) => e.kind === 'change').map((e) => e.number));
      for (const n of numbers) await tickets.get(n);
    },
  };
}

/**
 * Put filings that were committed but never reached the feed (their writer died in between)
 * into it, and remember them as their customers' latest (unless a later ticket is recorded).
 * Filings younger than `graceMs` are left to their writers for now: only a matter of not doing
 * their work twice — doing it twice is harmless.
 */
export async function repairFilings(
  deps: { feed: ChangeFeed; tickets: TicketRepository; cursors: CursorStore; clock: Clock },
  years: number[],
  graceMs = 30_000,
): Promise<number> {
  let repaired = 0;
  for (const year of years) {
    const name = `filings:${year}`;
    let cursor = await deps.cursors.get(name);
    for (;;) {
      const olderThan = new Date(deps.clock.now().getTime() - graceMs);
      const { tickets, checkedTo } = await deps.feed.unannouncedFilings(year, cursor, 500, olderThan);
      if (tickets.length) {
        await deps.feed.announceFilings(tickets);
        await deps.tickets.rememberCustomerTickets(
          tickets.flatMap((t) => (t.customer.key ? [{ customerKey: t.customer.key, category: t.category, number: t.number, at: t.createdAt, known: true }] : [])),
          { onlyIfNewer: true },
        );
        repaired += tickets.length;
      }
      if (checkedTo === cursor) break;
      cursor = checkedTo;
      await deps.cursors.set(name, cursor);
    }
  }
  return repaired;
}
