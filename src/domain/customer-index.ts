/**
 * The per-customer index follows the change feed (a feed handler, at least once, in feed order):
 * a filing adds the ticket to its customer's document, a rejection counts it as rejected, a
 * flag or unflag sets the customer's malicious flag, an erasure or anonymisation takes the ticket
 * out. Every write is idempotent (sets, and the flag's own time), so a batch handled twice
 * changes nothing, and nothing committed is missed, however late.
 */
import { EVENTS } from './events';
import type { FeedHandler } from './effects';
import type { CustomerIndex, CustomerWatch, FeedEntry } from './ports';

/** The customer-level flag a flag or unflag change of a ticket sets. */
export function flagOfEntry(e: Pick<FeedEntry, 'number' | 'at' | 'after' | 'actor'>): CustomerWatch['flag'] {
  const f = e.after.flags.suspectedMalicious;
  return f ? { reason: f.reason, by: f.by ?? e.actor.id, at: new Date(f.at ?? e.at), ticket: e.number } : null;
}

export function customerIndexHandler(index: CustomerIndex): FeedHandler {
  return {
    name: 'customer-index',
    async handle(entries) {
      const filed = new Map<string, string[]>();
      const rejected = new Map<string, string[]>();
      const push = (m: Map<string, string[]>, k: string, n: string) => m.set(k, [...(m.get(k) ?? []), n]);
      const flush = async () => {
        if (filed.size) await index.addFilings([...filed].map(([customerKey, numbers]) => ({ customerKey, numbers })));
        for (const [k, numbers] of rejected) await index.addRejected(k, numbers);
        filed.clear();
        rejected.clear();
      };
      for (const e of entries) {
        const key = e.after.customer.key;
        if (!key) continue;
        if (e.version === 1) push(filed, key, e.number);
        if (e.events.includes(EVENTS.TICKET_REJECTED)) push(rejected, key, e.number);
        if (e.events.includes(EVENTS.TICKET_FLAGGED) || e.events.includes(EVENTS.TICKET_UNFLAGGED)) {
          await flush();
          await index.setFlag(key, flagOfEntry(e), new Date(e.at));
        }
        if (e.after.erased) {
          await flush();
          await index.removeTicket(key, e.number);
        }
      }
      await flush();
    },
  };
}
