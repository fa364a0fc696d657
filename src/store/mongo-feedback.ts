/** Reclassifications by agents and customers, kept as labelled examples for retraining. */
import { Schema, type Connection, type Model } from 'mongoose';
import type { FeedbackExample, FeedbackStore } from '../domain/ports';
import { CATEGORIES, SEVERITIES } from '../domain/taxonomy';
import { isDuplicateKey, translateStoreError } from './mongo-errors';

const feedbackSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketNumber: { type: String, required: true },
    text: { type: String, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    severity: { type: String, enum: SEVERITIES, required: true },
    predicted: {
      category: { type: String, enum: CATEGORIES },
      severity: { type: String, enum: SEVERITIES },
      modelVersion: String,
    },
    decidedBy: { type: String, enum: ['agent', 'customer'], required: true },
    at: { type: Date, required: true },
  },
  { collection: 'classification_feedback', versionKey: false },
);

export function feedbackModel(conn: Connection): Model<Record<string, unknown>> {
  return ((conn.models.ClassificationFeedback as Model<Record<string, unknown>> | undefined) ??
    conn.model('ClassificationFeedback', feedbackSchema)) as unknown as Model<Record<string, unknown>>;
}

export class MongoFeedbackStore implements FeedbackStore {
  private readonly model: Model<Record<string, unknown>>;

  constructor(conn: Connection) {
    this.model = feedbackModel(conn);
  }

  async record(example: FeedbackExample): Promise<void> {
    const { id, ...rest } = example;
    try {
      await this.model.create({ _id: id, ...rest });
    } catch (err) {
      if (!isDuplicateKey(err)) translateStoreError(err);
    }
  }

  async *all(): AsyncIterable<FeedbackExample> {
    for await (const doc of this.model.find({}).sort({ at: 1 }).lean<Record<string, unknown>[]>().cursor()) {
      const { _id, ...rest } = doc as unknown as Record<string, unknown>;
      yield { id: String(_id), ...(rest as Omit<FeedbackExample, 'id'>) };
    }
  }
}
