/**
 * Erasing one customer's personal data on request. Each of their tickets records the erasure as
 * a change (audited, so the chain says who erased what and when), then loses its personal values
 * and message texts. What stays is what never held them: the records in the journal, the feed and
 * the audit chain, which carry only a keyed digest — so every chain still verifies.
 */
import { customerKeyOf } from './file-complaint';
import type { MessageStore, TicketRepository } from './ports';
import type { ChangeTicket } from './change-ticket';
import type { Actor } from './ticket';
import { ValidationError } from './errors';

export interface EraseResult {
  tickets: string[];
}

export class EraseCustomer {
  constructor(
    private readonly deps: { tickets: TicketRepository; messages: MessageStore; changes: ChangeTicket },
    private readonly contactHashSecret: string,
  ) {}

  async erase(contact: { phone?: string; email?: string }, actor: Actor): Promise<EraseResult> {
    const key = customerKeyOf(contact, this.contactHashSecret);
    if (!key) throw new ValidationError([{ field: 'contact', message: 'give the phone or the e-mail address the customer complained with' }]);
    const numbers = await this.deps.tickets.numbersOfCustomer(key);
    for (const number of numbers) {
      const ticket = await this.deps.changes.markErased(number, actor);
      await this.deps.tickets.erasePersonal(number);
      await this.deps.messages.delete(ticket.messages.map((m) => m.id));
    }
    await this.deps.tickets.forgetCustomer(key);
    return { tickets: numbers };
  }
}
