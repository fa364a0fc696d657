/**
 * How a ticket is stored. The `tickets` document holds the record (everything but personal
 * values) and, in `personal`, the one copy of the customer's personal values. The journal, the
 * change feed and the audit chain hold the record only, with a keyed digest of the personal
 * values, so erasing `personal` leaves every chain intact and verifiable.
 */
import crypto from 'node:crypto';
import { joinPersonal, personalValuesOf, ticketRecord, type PersonalValues, type Ticket, type TicketRecord } from '../domain/ticket';
import { canonicalJson } from '../support/canonical-json';

export type TicketDoc = Omit<TicketRecord, 'number'> & { _id: string; personal: PersonalValues | null };

export class TicketSealer {
  constructor(private readonly key: string) {}

  /** Keyed digest of personal values: proves what they were without revealing them. */
  digest(values: PersonalValues): string {
    return crypto.createHmac('sha256', this.key).update(canonicalJson(values)).digest('hex');
  }

  record(t: Ticket): TicketRecord {
    return ticketRecord(t, this.digest(personalValuesOf(t)));
  }

  toDoc(t: Ticket): TicketDoc {
    const { number, idempotencyKey, ...rest } = this.record(t);
    // No key, no field: the unique index on the key is sparse (it skips missing fields, not nulls).
    return { _id: number, ...rest, ...(idempotencyKey ? { idempotencyKey } : {}), personal: personalValuesOf(t) } as TicketDoc;
  }
}

export function docToTicket(doc: Record<string, unknown>): Ticket {
  const { _id, personal, ...rest } = doc as TicketDoc & Record<string, unknown>;
  const fields = rest as unknown as Omit<TicketRecord, 'number'>;
  const record: TicketRecord = { ...fields, idempotencyKey: fields.idempotencyKey ?? null, number: String(_id) };
  return joinPersonal(record, (personal as PersonalValues | null) ?? null);
}

/** The fields a change writes to the stored ticket (`$set`): everything but `_id` and the personal values. */
export function recordFields(r: TicketRecord): Record<string, unknown> {
  const { number: _n, idempotencyKey: _k, ...rest } = r;
  return rest;
}
