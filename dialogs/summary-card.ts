/** The confirmation card: an Adaptive Card with the draft's facts and Submit / Edit / Cancel buttons (as text). */
import { ActionTypes, CardFactory, MessageFactory, type Activity, type Attachment } from 'botbuilder';
import type { ComplaintDraft } from './complaint-draft';
import type { BotLanguage, DraftField, Messages } from './messages';
import { describeField, EDITABLE_FIELDS } from './draft-text';

export function createSummaryCard(draft: ComplaintDraft, m: Messages, lang: BotLanguage): Attachment {
  const facts = EDITABLE_FIELDS.map((f: DraftField) => ({ title: m.fields[f], value: describeField(draft, f, m, lang) }));
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.3',
    fallbackText: `${m.summaryTitle}\n${facts.map((f) => `${f.title}: ${f.value}`).join('\n')}`,
    // One wrapped line per field ("**Contact**: 138…") reads better in a narrow chat panel than a FactSet's two columns.
    body: [
      { type: 'TextBlock', text: m.summaryTitle, weight: 'Bolder', size: 'Medium', wrap: true },
      ...facts.map((f) => ({ type: 'TextBlock', text: `**${f.title}**: ${escapeMarkdown(f.value)}`, wrap: true, spacing: 'Small' })),
    ],
  });
}

export function createSummaryActivity(draft: ComplaintDraft, m: Messages, lang: BotLanguage): Partial<Activity> {
  const activity = MessageFactory.suggestedActions(
    [m.buttons.submit, m.buttons.edit, m.buttons.cancel].map((title) => ({ type: ActionTypes.ImBack, title, value: title })),
    m.summaryIntro,
  );
  activity.attachments = [createSummaryCard(draft, m, lang)];
  return activity;
}

/** A question with buttons that send their own text (works on every channel). */
export function withButtons(text: string, buttons: string[]): Partial<Activity> {
  return MessageFactory.suggestedActions(
    buttons.map((title) => ({ type: ActionTypes.ImBack, title, value: title })),
    text,
  );
}

/** Customer text shown in a card must not turn into markdown (links, emphasis). */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]()#+!>~|])/g, '\\$1');
}
