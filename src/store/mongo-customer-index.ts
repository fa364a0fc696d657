/**
 * One document per customer, `_id` = the keyed hash of their contact (never the contact): the
 * numbers of their tickets, the ones rejected, and the malicious flag. Finding a customer's tickets
 * (export, erasure) and what the desk knows of them at filing is one `_id` lookup, whatever the
 * number of tickets.
 *
 * The writer is the feed handler of src/domain/customer-index.ts, run by one instance under the
 * feed worker's lease, one batch after the other: `$addToSet`/`$pull` are idempotent, so a batch
 * handled twice changes nothing. (On FerretDB an update is not atomic: two instances both believing
 * they hold the lease could lose an element; the filing's own latest-ticket record still finds the
 * newest ticket per category, see PersonalData.ticketsOf.) The flag is also written by the action
 * that sets it, at once; `flagAt` keeps the later decision.
 */
import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { CustomerIndex, CustomerWatch } from '../domain/ports';
import { isDuplicateKey, translateStoreError } from './mongo-errors';

const customerSchema = new Schema(
  {
    _id: { type: String, required: true },
    tickets: { type: [String], default: [] },
    rejected: { type: [String], default: [] },
    flag: { type: Schema.Types.Mixed, default: null },
    flagAt: { type: Date, default: null },
  },
  { collection: 'customer_index', versionKey: false, minimize: false },
);

interface CustomerDoc {
  _id: string;
  tickets?: string[];
  rejected?: string[];
  flag?: { reason: string; by: string; at: Date; ticket: string } | null;
  flagAt?: Date | null;
}

export function customerIndexModel(conn: Connection): Model<Record<string, unknown>> {
  return ((conn.models.CustomerIndex as Model<Record<string, unknown>> | undefined) ?? conn.model('CustomerIndex', customerSchema)) as unknown as Model<Record<string, unknown>>;
}

export class MongoCustomerIndex implements CustomerIndex {
  private readonly model: Model<Record<string, unknown>>;

  constructor(conn: Connection) {
    this.model = customerIndexModel(conn);
  }

  private async doc(key: string): Promise<CustomerDoc | null> {
    return this.model.findOne({ _id: key }).lean<CustomerDoc>();
  }

  async watchOf(key: string): Promise<CustomerWatch> {
    try {
      const d = await this.doc(key);
      const flag = d?.flag ? { reason: String(d.flag.reason), by: String(d.flag.by), at: new Date(d.flag.at), ticket: String(d.flag.ticket) } : null;
      return { flag, rejected: d?.rejected?.length ?? 0 };
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async ticketsOf(key: string): Promise<string[]> {
    try {
      return [...((await this.doc(key))?.tickets ?? [])].sort();
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async addTickets(key: string, numbers: string[]): Promise<void> {
    if (!numbers.length) return;
    try {
      await this.model.updateOne({ _id: key }, { $addToSet: { tickets: { $each: numbers } } }, { upsert: true });
    } catch (err) {
      translateStoreError(err);
    }
  }

  /**
   * New customers are inserted together (one command for the whole batch: FerretDB runs commands
   * one at a time, so this is what filing throughput pays); known ones, refused as duplicates, get
   * the numbers added.
   */
  async addFilings(entries: Array<{ customerKey: string; numbers: string[] }>): Promise<void> {
    if (!entries.length) return;
    let known: typeof entries;
    try {
      await this.model.insertMany(
        entries.map((e) => ({ _id: e.customerKey, tickets: [...new Set(e.numbers)], rejected: [], flag: null, flagAt: null })),
        { ordered: false, lean: true },
      );
      return;
    } catch (err) {
      if (!isDuplicateKey(err)) return translateStoreError(err);
      const failed = new Set(((err as { writeErrors?: Array<{ index: number }> }).writeErrors ?? []).map((w) => w.index));
      // Without per-document errors, every customer is treated as known (adding to a set twice is harmless).
      known = failed.size ? entries.filter((_, i) => failed.has(i)) : entries;
    }
    for (const e of known) await this.addTickets(e.customerKey, e.numbers);
  }

  async addRejected(key: string, numbers: string[]): Promise<void> {
    if (!numbers.length) return;
    try {
      await this.model.updateOne({ _id: key }, { $addToSet: { rejected: { $each: numbers }, tickets: { $each: numbers } } }, { upsert: true });
    } catch (err) {
      translateStoreError(err);
    }
  }

  async removeTicket(key: string, number: string): Promise<void> {
    try {
      await this.model.updateOne({ _id: key }, { $pull: { tickets: number, rejected: number } });
    } catch (err) {
      translateStoreError(err);
    }
  }

  async setFlag(key: string, flag: CustomerWatch['flag'], at: Date): Promise<void> {
    try {
      const current = await this.doc(key);
      if (current?.flagAt && new Date(current.flagAt).getTime() > at.getTime()) return;
      await this.model.updateOne({ _id: key }, { $set: { flag, flagAt: at } }, { upsert: true });
    } catch (err) {
      translateStoreError(err);
    }
  }

  async forget(key: string): Promise<void> {
    try {
      await this.model.deleteOne({ _id: key });
    } catch (err) {
      translateStoreError(err);
    }
  }
}
