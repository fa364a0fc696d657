/**
 * The malicious flag of a customer (contact). A supervisor sets it on one of the customer's
 * tickets with a reason, and may remove it the same way; each is a change of that ticket
 * (audited through the change feed: who, when, why — the record holds the contact's keyed hash,
 * never the contact). The customer-level flag follows (customer-index.ts) and is also written at
 * once, so the customer's next complaint is routed for review straight away: flagged customers
 * are still answered, but their new tickets carry the flag (`flags.suspectedMalicious.since`).
 */
import type { ChangeTicket } from './change-ticket';
import { flagOfEntry } from './customer-index';
import { ValidationError } from './errors';
import { EVENTS } from './events';
import type { CoreLogger, CustomerIndex } from './ports';
import type { Actor, Ticket } from './ticket';

export const FLAG_REASON_MAX = 500;

class Unchanged extends Error {}

export class MaliciousFlags {
  constructor(private readonly deps: { changes: ChangeTicket; customers?: CustomerIndex | undefined; logger: CoreLogger }) {}

  /** Flag the customer of ticket `number` as malicious (a supervisor's decision, with a reason). */
  async flag(number: string, reason: string, actor: Actor, expectedVersion?: number): Promise<Ticket> {
    const why = checkReason(reason);
    try {
      const after = await this.deps.changes.apply(number, { actor, action: 'flag_malicious', params: { reason: why }, expectedVersion }, (before, now) => {
        if (before.erased || !before.customer.key) throw new ValidationError([{ field: 'ticket', message: 'the customer of this ticket was erased: there is no contact to flag' }]);
        const current = before.flags.suspectedMalicious;
        if (current && current.reason === why && current.by && !current.since) throw new Unchanged();
        return {
          after: { ...before, version: before.version + 1, updatedAt: now, flags: { ...before.flags, suspectedMalicious: { reason: why, by: actor.id, at: now } } },
          events: [EVENTS.TICKET_FLAGGED],
        };
      });
      await this.tellIndex(after, actor);
      return after;
    } catch (err) {
      if (err instanceof Unchanged) return this.deps.changes.get(number);
      throw err;
    }
  }

  /** Remove the malicious flag of the customer of ticket `number` (with a reason). */
  async unflag(number: string, reason: string, actor: Actor, expectedVersion?: number): Promise<Ticket> {
    const why = checkReason(reason);
    const t = await this.deps.changes.get(number);
    const contactFlagged = t.customer.key && this.deps.customers ? (await this.deps.customers.watchOf(t.customer.key)).flag !== null : false;
    if (!t.flags.suspectedMalicious && !contactFlagged) throw new ValidationError([{ field: 'ticket', message: 'the customer of this ticket is not flagged' }]);
    const after = await this.deps.changes.apply(number, { actor, action: 'unflag_malicious', params: { reason: why }, expectedVersion }, (before, now) => ({
      after: { ...before, version: before.version + 1, updatedAt: now, flags: { ...before.flags, suspectedMalicious: null, maliciousCleared: { reason: why, by: actor.id, at: now } } },
      events: [EVENTS.TICKET_UNFLAGGED],
    }));
    await this.tellIndex(after, actor);
    return after;
  }

  /** The customer-level flag at once (the feed handler writes it too, should this fail). */
  private async tellIndex(t: Ticket, actor: Actor): Promise<void> {
    if (!t.customer.key || !this.deps.customers) return;
    try {
      await this.deps.customers.setFlag(t.customer.key, flagOfEntry({ number: t.number, at: t.updatedAt, after: t as never, actor }), t.updatedAt);
    } catch (err) {
      this.deps.logger.warn({ err: { message: (err as Error).message }, ticket: t.number }, 'malicious flag: the customer index follows from the feed');
    }
  }
}

function checkReason(reason: string): string {
  const why = (reason ?? '').trim();
  if (!why) throw new ValidationError([{ field: 'reason', message: 'give a reason' }]);
  if ([...why].length > FLAG_REASON_MAX) throw new ValidationError([{ field: 'reason', message: `must be at most ${FLAG_REASON_MAX} characters` }]);
  return why;
}
