/**
 * Reclassifications by agents and customers, kept as labelled examples for retraining. The text
 * is not copied here: training reads it from the ticket, so an erased customer's examples go too.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { FeedbackExample, FeedbackStore } from '../domain/ports';
import { CATEGORIES, SEVERITIES } from '../domain/taxonomy';
import { isDuplicateKey, translateStoreError } from './mongo-errors';
import { ticketModel } from './models/ticket-model';

const feedbackSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketNumber: { type: String, required: true },
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

interface TicketTextDoc {
  personal: { description: string } | null;
  product?: string | null;
  merchant?: string | null;
  erased?: boolean;
}

export interface LabelledFeedback extends FeedbackExample {
  text: string;
}

export class MongoFeedbackStore implements FeedbackStore {
  private readonly model: Model<Record<string, unknown>>;
  private readonly tickets: Model<Record<string, unknown>>;

  constructor(conn: Connection) {
    this.model = feedbackModel(conn);
    this.tickets = ticketModel(conn);
  }

  async record(examples: FeedbackExample[]): Promise<void> {
    if (!examples.length) return;
    try {
      await this.model.insertMany(
        examples.map(({ id, ...rest }) => ({ _id: id, ...rest })),
        { ordered: false },
      );
    } catch (err) {
      // Duplicates are examples recorded before (the feed is read at least once).
      if (!isDuplicateKey(err)) translateStoreError(err);
    }
  }

  /** Every example with the text it labels, read from its ticket; examples of erased tickets are left out. */
  async *all(): AsyncIterable<LabelledFeedback> {
    for await (const doc of this.model.find({}).sort({ at: 1 }).lean<Record<string, unknown>[]>().cursor()) {
      const { _id, text: _legacy, ...rest } = doc as unknown as Record<string, unknown>;
      const example = { id: String(_id), ...(rest as Omit<FeedbackExample, 'id'>) };
      const ticket = await this.tickets.findOne({ _id: example.ticketNumber }, { personal: 1, product: 1, merchant: 1, erased: 1 }).lean<TicketTextDoc>();
      if (!ticket || ticket.erased || !ticket.personal) continue;
      const text = [ticket.personal.description, ticket.product, ticket.merchant].filter(Boolean).join('\n');
      yield { ...example, text };
    }
  }
}
