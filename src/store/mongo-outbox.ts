/** The durable outbox: domain events written with deterministic ids, so writing twice stores once. */
import type { Connection, Model } from 'mongoose';
import type { DomainEvent } from '../domain/events';
import type { Outbox } from '../domain/ports';
import { GroupCommitQueue, type Outcome } from '../domain/group-commit';
import { asStoreError, isDuplicateKey } from './mongo-errors';
import { supportModels } from './models/support-models';

export class MongoOutbox implements Outbox {
  private readonly model: Model<Record<string, unknown>>;
  private readonly queue = new GroupCommitQueue<DomainEvent[], void>((batch) => this.flush(batch));

  constructor(conn: Connection) {
    this.model = supportModels(conn).Outbox;
  }

  async add(events: DomainEvent[]): Promise<void> {
    if (events.length) await this.queue.push(events);
  }

  private async flush(batch: DomainEvent[][]): Promise<Outcome<void>[]> {
    const now = new Date();
    const outcomes: Outcome<void>[] = batch.map(() => ({ ok: true, value: undefined }));
    const docs: Record<string, unknown>[] = [];
    const writing: number[] = [];
    for (const [i, events] of batch.entries()) {
      const mine = events.map((e) => ({
        _id: e.id,
        type: e.type,
        ticketNumber: e.ticketNumber,
        ticketVersion: e.ticketVersion,
        at: e.at,
        data: e.data,
        createdAt: now,
      }));
      // An unordered insertMany silently skips documents that fail validation: check them here,
      // so a caller whose event cannot be stored hears about it (and only that caller).
      const invalid = await firstValidationError(mine.map((d) => new this.model(d)));
      if (invalid) {
        outcomes[i] = { ok: false, error: invalid };
        continue;
      }
      docs.push(...mine);
      writing.push(i);
    }
    if (docs.length === 0) return outcomes;
    try {
      // Validated above, so lean: no second hydration.
      await this.model.insertMany(docs, { ordered: false, lean: true });
    } catch (err) {
      const writeErrors = (err as { writeErrors?: Array<{ code?: number }> }).writeErrors;
      const onlyDuplicates = isDuplicateKey(err) && (!writeErrors || writeErrors.every((w) => w.code === 11000));
      if (!onlyDuplicates) {
        const error = asStoreError(err);
        for (const i of writing) outcomes[i] = { ok: false, error };
      }
    }
    return outcomes;
  }
}

async function firstValidationError(docs: Array<{ validate(): Promise<void> }>): Promise<unknown> {
  for (const d of docs) {
    try {
      await d.validate();
    } catch (err) {
      return err;
    }
  }
  return null;
}
