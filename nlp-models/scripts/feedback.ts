/**
 * Agent reclassifications as training examples (`npm run train -- --with-feedback`).
 *
 * The feedback store (the MongoDB collection where Slack reclassifications are recorded) is being
 * built elsewhere. When it exists, implement loadFeedbackExamples() to read it and map each record
 * to an Example: `{ text, label: <the agent's category>, severity?: <the agent's severity>,
 * origin: 'feedback:<ticket id>' }`. train.ts adds the result to the training side (feedback is never
 * held out) and records the count in the model's `data.feedbackExamples`.
 */
import type { Example } from '../../src/nlp/dataset';

export class FeedbackUnavailableError extends Error {
  override readonly name = 'FeedbackUnavailableError';
}

export async function loadFeedbackExamples(): Promise<Example[]> {
  throw new FeedbackUnavailableError(
    '--with-feedback: the feedback store (agent reclassifications from Slack) is not yet available; ' +
      'train without --with-feedback, or export the reclassifications to CSV (text,label,severity) and pass them with --data.',
  );
}
