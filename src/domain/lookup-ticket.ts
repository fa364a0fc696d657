/**
 * A customer's (or hotline's) lookup of a ticket, with verification.
 *
 * Two secrets: the lookup code handed out at filing (10 characters from 32: not guessable) and
 * the phone's last four digits (10⁴ values: guessable). So:
 * - the code is always checked: nobody can lock a customer out of their own ticket;
 * - wrong answers count against the client that sent them (IP), which must wait once it has too many;
 * - wrong last-4 answers also count against the ticket, from anyone: after a few, the last four
 *   digits are checked only after an exponentially growing wait (the code still works at once);
 * - the last four digits alone show the status and the deadlines, not what the complaint says.
 */
import crypto from 'node:crypto';
import { LookupLockedError, VerificationFailedError } from './errors';
import { hashLookupCode } from './file-complaint';
import { lastFourDigits } from './mask';
import type { AuditLog, Clock, CoreLogger, LookupGuard, TicketRepository } from './ports';
import type { Ticket } from './ticket';

export interface Verification {
  code?: string;
  last4?: string;
}

/** What a verified lookup may show: everything (lookup code) or status and deadlines (last four digits). */
export type LookupScope = 'full' | 'status';

export interface LookupResult {
  ticket: Ticket;
  scope: LookupScope;
}

export class LookupTicket {
  constructor(private readonly deps: { tickets: TicketRepository; lookupGuard: LookupGuard; clock: Clock; audit?: AuditLog; logger?: CoreLogger }) {}

  async lookup(number: string, verification: Verification, client = 'unknown'): Promise<LookupResult> {
    const result = await this.verify(number, verification, client);
    await this.recordAccess(result, client);
    return result;
  }

  /**
   * Who looked at a ticket, and how much they were shown, goes into the audit chain (not as a change
   * of the ticket: an entry of its own). A lookup is answered even if this write fails.
   */
  private async recordAccess({ ticket, scope }: LookupResult, client: string): Promise<void> {
    if (!this.deps.audit) return;
    const at = this.deps.clock.now();
    try {
      await this.deps.audit.append([
        {
          key: `${ticket.number}:lookup:${crypto.randomBytes(8).toString('hex')}`,
          at,
          actor: { kind: 'customer', id: client },
          action: 'ticket.looked_up',
          entity: { type: 'ticket', id: ticket.number },
          before: null,
          after: { scope, version: ticket.version },
        },
      ]);
    } catch (err) {
      this.deps.logger?.warn({ err: { message: (err as Error).message }, ticket: ticket.number }, 'lookup not recorded in the audit chain');
    }
  }

  private async verify(number: string, verification: Verification, client: string): Promise<LookupResult> {
    const now = this.deps.clock.now();
    const guard = this.deps.lookupGuard;
    const clientWait = await guard.clientWait(client, now);
    if (clientWait > 0) throw new LookupLockedError(number, clientWait);

    const ticket = await this.deps.tickets.get(number);
    if (verification.code) {
      if (ticket && safeEqual(hashLookupCode(verification.code), ticket.lookupCodeHash)) return { ticket, scope: 'full' };
      if (!verification.last4) {
        await guard.recordFailure({ client, number, last4: false }, now);
        throw new VerificationFailedError(number);
      }
    }
    if (verification.last4) {
      const wait = await guard.last4Wait(number, now);
      if (wait > 0) throw new LookupLockedError(number, wait);
      const expected = ticket ? lastFourDigits(ticket.customer.contact.phone) : undefined;
      if (ticket && expected && /^\d{4}$/.test(verification.last4) && safeEqual(verification.last4, expected)) return { ticket, scope: 'status' };
    }
    await guard.recordFailure({ client, number, last4: !!verification.last4 }, now);
    // Same answer whether the ticket exists or not, so numbers cannot be probed.
    throw new VerificationFailedError(number);
  }
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}
