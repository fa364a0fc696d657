/** The durable outbox: domain events written with deterministic ids, so writing twice stores once. */
import type { Connection, Model } from 'mongoose';
import type { DomainEvent } from '../domain/events';
import type { Outbox } from '../domain/ports';
import { GroupCommitQueue, type Outcome } from './group-commit';
import { isDuplicateKey, translateStoreError } from './mongo-errors';
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
    const docs = batch.flat().map((e) => ({
      _id: e.id,
      type: e.type,
      ticketNumber: e.ticketNumber,
      ticketVersion: e.ticketVersion,
      at: e.at,
      data: e.data,
      createdAt: now,
    }));
    try {
      await this.model.insertMany(docs, { ordered: false });
    } catch (err) {
      const writeErrors = (err as { writeErrors?: Array<{ code?: number }> }).writeErrors;
      const onlyDuplicates = isDuplicateKey(err) && (!writeErrors || writeErrors.every((w) => w.code === 11000));
      if (!onlyDuplicates) {
        try {
          translateStoreError(err);
        } catch (e) {
          return batch.map(() => ({ ok: false, error: e }));
        }
      }
    }
    return batch.map(() => ({ ok: true, value: undefined }));
  }
}
