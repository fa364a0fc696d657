/**
 * Tickets the SLA scanner marked overdue, reachable by `_id` (FerretDB pushes no other filter
 * down): `sla_overdue/<n>` for n = 1, 2, … without gaps, each naming one ticket. Adding takes
 * the next free n with a unique insert (a clash means another writer took it: take the next).
 * Reading walks from the floor to the first miss. Entries of tickets that are no longer overdue
 * (met, resolved, rejected) are marked gone by the reader, and a prefix of gone entries is
 * deleted and the floor moved past it, so the list costs what is overdue now (plus the gone
 * entries behind the oldest overdue one), never what the tickets collection holds.
 */
import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import type { OverdueList } from '../domain/ports';
import { isDuplicateKey, translateStoreError } from './mongo-errors';
import { gallopLast } from './sequence-log';

const schema = new Schema(
  { _id: { type: String, required: true }, number: String, at: Date, gone: Boolean, value: Number },
  { collection: 'sla_overdue', versionKey: false },
);

const FLOOR = 'floor';

export class MongoOverdueList implements OverdueList {
  private readonly model: Model<Record<string, unknown>>;
  private next: number | null = null;

  constructor(conn: Connection) {
    this.model = (conn.models.SlaOverdue ?? conn.model('SlaOverdue', schema)) as unknown as Model<Record<string, unknown>>;
  }

  private id(n: number): string {
    return String(n).padStart(10, '0');
  }

  private async exists(n: number): Promise<boolean> {
    return (await this.model.findOne({ _id: this.id(n) }, { _id: 1 }).lean()) !== null;
  }

  private async floor(): Promise<number> {
    const doc = await this.model.findOne({ _id: FLOOR }).lean<{ value?: number }>();
    return doc?.value ?? 0;
  }

  async add(numbers: string[]): Promise<void> {
    try {
      for (const number of numbers) {
        for (let attempt = 0; ; attempt++) {
          const n = this.next ?? (await gallopLast((k) => this.exists(k), await this.floor())) + 1;
          try {
            await this.model.create({ _id: this.id(n), number, at: new Date() });
            this.next = n + 1;
            break;
          } catch (err) {
            if (!isDuplicateKey(err) || attempt > 50) throw err;
            this.next = null;
          }
        }
      }
    } catch (err) {
      translateStoreError(err);
    }
  }

  /**
   * The tickets on the list, oldest marking first, each once. `stillOverdue` decides which stay:
   * the others are marked gone (and a gone prefix is trimmed).
   */
  async list(stillOverdue: (numbers: string[]) => Promise<Set<string>>): Promise<string[]> {
    try {
      const floor = await this.floor();
      const entries: Array<{ n: number; number: string; gone: boolean }> = [];
      for (let n = floor + 1; ; n++) {
        const doc = await this.model.findOne({ _id: this.id(n) }).lean<{ number: string; gone?: boolean }>();
        if (!doc) break;
        entries.push({ n, number: doc.number, gone: !!doc.gone });
      }
      const candidates = [...new Set(entries.filter((e) => !e.gone).map((e) => e.number))];
      const keep = await stillOverdue(candidates);
      const seen = new Set<string>();
      for (const e of entries) {
        const stays = !e.gone && keep.has(e.number) && !seen.has(e.number);
        if (stays) seen.add(e.number);
        else if (!e.gone) await this.model.updateOne({ _id: this.id(e.n) }, { $set: { gone: true } });
        e.gone = !stays;
      }
      let newFloor = floor;
      for (const e of entries) {
        if (!e.gone) break;
        newFloor = e.n;
      }
      if (newFloor > floor && newFloor < (entries[entries.length - 1]?.n ?? 0)) {
        // Keep the last entry so the end of the list stays findable from the floor.
        await this.model.replaceOne({ _id: FLOOR }, { _id: FLOOR, value: newFloor }, { upsert: true }).catch(() => undefined);
        for (let n = floor + 1; n <= newFloor; n++) await this.model.deleteOne({ _id: this.id(n) });
      }
      return [...seen];
    } catch (err) {
      return translateStoreError(err);
    }
  }
}
