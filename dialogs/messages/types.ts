/**
 * Everything the bot says to a customer, in one shape per language (zh-CN, zh-TW, en). Dialogs
 * never hold customer-facing text: they call `messagesFor(lang)` and pick a key.
 */
import type { Remedy } from '../../src/domain/taxonomy';

export type BotLanguage = 'zh-CN' | 'zh-TW' | 'en';
export const BOT_LANGUAGES: readonly BotLanguage[] = ['zh-CN', 'zh-TW', 'en'];

/** Fields of a complaint draft the customer can be asked about or change. */
export type DraftField = 'description' | 'name' | 'contact' | 'when' | 'where' | 'product' | 'amount' | 'remedy' | 'evidence';

export interface StatusFacts {
  number: string;
  status: string;
  category: string;
  firstContact: string | null;
  resolution: string | null;
  owner: boolean;
}

export interface Messages {
  welcome: string;
  greeting: string;
  youAreWelcome: string;
  help: string;
  helpAtStep: (question: string) => string;
  helpInHandoff: string;
  cancelled: string;
  nothingToCancel: string;
  restarted: string;
  emptyMessage: string;
  tooLong: (max: number) => string;
  noWords: string;
  somethingWentWrong: string;
  unavailable: string;

  ask: Record<DraftField, string>;
  /** Said again when an answer does not fit. */
  retry: Record<'name' | 'contact' | 'when' | 'amount' | 'remedy' | 'description' | 'choice' | 'confirm', string>;
  skipHint: string;
  evidenceSaved: (count: number) => string;
  evidenceTooLarge: (name: string, maxMb: number) => string;
  evidenceType: (name: string) => string;
  evidenceUnreachable: (name: string) => string;

  remedies: Record<Remedy, string>;
  fields: Record<DraftField, string>;
  notGiven: string;
  summaryTitle: string;
  summaryIntro: string;
  buttons: { submit: string; edit: string; cancel: string; skip: string; done: string; somethingElse: string };
  whichField: string;
  updated: (field: string) => string;

  saveFailed: string;
  filed: (f: { number: string; category: string; firstContact: string | null; resolution: string | null; lookupCode: string | null }) => string;
  filedShort: (number: string) => string;
  categoryQuestion: (options: string[]) => string;
  categoryAll: string;

  askTicketNumber: string;
  askVerification: string;
  badTicketNumber: string;
  verificationFailed: string;
  lookupLocked: (minutes: number) => string;
  statusReport: (f: StatusFacts) => string;
  statuses: Record<string, string>;

  askAddition: string;
  added: (number: string) => string;
  addFailed: string;

  handoffAskContact: string;
  handoffFiled: (number: string) => string;
  handoffStarted: (number: string) => string;
  personJoined: (number: string) => string;
  handoffLeft: (number: string) => string;
  botBack: (number: string) => string;
  /** After-resolution survey and appeal. */
  ratingThanks: (number: string, rating: number) => string;
  ratingLow: (number: string) => string;
  appealOffer: (number: string) => string;
  appealed: (number: string) => string;
  appealClosed: (number: string) => string;
  appealButtons: { appeal: string; no: string };
  commentKept: string;
  tooManyTries: string;
  noTicketForHandoff: string;
  /** "My complaints": heading of the list of this conversation's tickets (newest first). */
  myTickets: (shown: number, total: number) => string;
  noTicketsYet: string;
}
