/** Texts of messages on tickets (personal data, erasable), `_id` = message id. */
import type { Connection, Model } from 'mongoose';
import type { MessageStore, TicketMessage } from '../domain/ports';
import { isDuplicateKey, translateStoreError } from './mongo-errors';
import { supportModels } from './models/support-models';

export class MongoMessageStore implements MessageStore {
  private readonly model: Model<Record<string, unknown>>;

  constructor(conn: Connection) {
    this.model = supportModels(conn).Message;
  }

  async put(m: TicketMessage): Promise<void> {
    const { id, ...rest } = m;
    try {
      await this.model.create({ _id: id, ...rest });
    } catch (err) {
      if (!isDuplicateKey(err)) translateStoreError(err);
    }
  }

  async get(id: string): Promise<TicketMessage | null> {
    try {
      const doc = await this.model.findOne({ _id: id }).lean<Record<string, unknown>>();
      if (!doc) return null;
      const { _id, customerKey: _k, ...rest } = doc;
      return { id: String(_id), ...(rest as Omit<TicketMessage, 'id'>) };
    } catch (err) {
      return translateStoreError(err);
    }
  }

  async delete(ids: string[]): Promise<void> {
    try {
      for (const id of ids) await this.model.deleteOne({ _id: id });
    } catch (err) {
      translateStoreError(err);
    }
  }
}
