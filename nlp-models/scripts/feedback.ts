/**
 * Agent and customer reclassifications as training examples (`npm run train -- --with-feedback`).
 * Reads the `classification_feedback` collection of the configured database (MONGODB_URI, or the
 * embedded database in DATA_DIR, with `.env` honoured as by the service). Only the latest decision
 * per ticket counts, so a ticket corrected twice teaches its final label once.
 */
import { ConfigError, loadConfig } from '../../src/config/load-config';
import type { Example } from '../../src/nlp/dataset';
import { withCliDatabase } from '../../src/store/cli-database';
import { MongoFeedbackStore, type LabelledFeedback } from '../../src/store/mongo-feedback';

export class FeedbackUnavailableError extends Error {
  override readonly name = 'FeedbackUnavailableError';
}

/** Latest decision per ticket → one example each. */
export function feedbackToExamples(records: LabelledFeedback[]): Example[] {
  const latest = new Map<string, LabelledFeedback>();
  for (const r of records) {
    const prev = latest.get(r.ticketNumber);
    if (!prev || prev.at <= r.at) latest.set(r.ticketNumber, r);
  }
  return [...latest.values()].map((r) => ({ text: r.text, label: r.category, severity: r.severity, origin: `feedback:${r.ticketNumber}` }));
}

export async function loadFeedbackExamples(): Promise<Example[]> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    throw new FeedbackUnavailableError(`--with-feedback needs the service's database settings: ${(err as ConfigError).message}`);
  }
  try {
    return await withCliDatabase(config, async (conn, label) => {
      const records: LabelledFeedback[] = [];
      for await (const r of new MongoFeedbackStore(conn).all()) records.push(r);
      console.error(`feedback: read ${records.length} reclassifications from ${label}`);
      return feedbackToExamples(records);
    });
  } catch (err) {
    if (err instanceof FeedbackUnavailableError) throw err;
    throw new FeedbackUnavailableError(`--with-feedback: cannot read the feedback store: ${(err as Error).message}`);
  }
}
