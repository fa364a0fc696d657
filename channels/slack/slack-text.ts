/** The words of the Slack app in its configured language, with the desk's taxonomy and time zone. */
import type { Taxonomy } from '../../src/domain/taxonomy-config';
import type { Category, Severity } from '../../src/domain/taxonomy';
import { labelsFor, messagesFor, type Messages, type SlackLanguage } from './i18n';

export interface SlackText {
  lang: SlackLanguage;
  m: Messages;
  category(c: Category): string;
  severity(s: Severity): string;
  /** Zone of the fallback dates (Slack shows dates in each reader's own zone). */
  timeZone: string;
}

export function createSlackText(lang: SlackLanguage, taxonomy: Taxonomy, timeZone: string): SlackText {
  const labels = labelsFor(lang, taxonomy);
  return { lang, m: messagesFor(lang), category: labels.category, severity: labels.severity, timeZone };
}
