/**
 * The bot stays thin: it runs the main dialog and saves the conversation state, and owns the few
 * things that are about the conversation rather than one dialog — bad input, a redelivered
 * activity, and handoff (while a person is on the ticket, what the customer writes goes to them
 * and the bot stays quiet except for cancel, help and status).
 *
 * A turn is transactional: replies are held until the state is saved, so a turn that loses an
 * eTag race to another instance (two messages of one conversation at once) is re-run on the
 * fresh state instead of answering from a stale one. Filing is idempotent per draft, so a re-run
 * never files twice.
 */
import { ActivityTypes, type Activity, type ConversationState, type ResourceResponse, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import { MAIN_DIALOG, MainDialog, type MainResult } from '../../dialogs/main-dialog';
import { DeskError, type DialogDeps } from '../../dialogs/ports';
import { interruption, recognise, ticketNumberIn } from '../../dialogs/recognizers';
import { withButtons } from '../../dialogs/summary-card';
import { surveyAnswerOf } from '../../src/domain/follow-up';
import { statusText } from '../../dialogs/status-dialog';
import { acceptEvidence } from '../../dialogs/evidence';
import { myTicketsText } from '../../dialogs/my-tickets';
import { ConversationLanguage, customerOf, messageIdOf, say } from '../../dialogs/turn-context';
import type { BotLanguage } from '../../dialogs/messages';
import { ETagConflictError } from '../state/mongo-bot-storage';
import { isUnavailable } from '../../src/store/mongo-errors';

export interface ConversationData {
  /** Tickets filed in this conversation, oldest first. */
  own: string[];
  /** The ticket a person is handling: customer messages go to them. */
  handoff: { number: string } | null;
  /** Ids of the last activities processed (a channel may deliver one twice). */
  processed: string[];
}

const PROCESSED_KEPT = 50;
const TURN_ATTEMPTS = 3;
const CLOSED = new Set(['resolved', 'closed', 'rejected']);

export class ComplaintBot {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly data: StatePropertyAccessor<ConversationData>;
  private readonly language: ConversationLanguage;
  private readonly dialogs: DialogSet;

  constructor(
    private readonly conversationState: ConversationState,
    private readonly deps: DialogDeps,
    private readonly logger: Logger,
  ) {
    this.dialogState = conversationState.createProperty<DialogState>('dialogState');
    this.data = conversationState.createProperty<ConversationData>('conversation');
    this.language = new ConversationLanguage(conversationState.createProperty<BotLanguage | undefined>('language'));
    this.dialogs = new DialogSet(this.dialogState).add(new MainDialog(deps));
  }

  /** One turn: replies are sent only after the state is saved. */
  async run(context: TurnContext): Promise<void> {
    const held: { on: boolean; activities: Array<Partial<Activity>> } = { on: true, activities: [] };
    context.onSendActivities(async (_ctx, activities, next) => {
      if (!held.on) return next();
      held.activities.push(...activities);
      return activities.map((): ResourceResponse => ({ id: '' }));
    });
    const log = this.logger.child({ conversationId: context.activity.conversation?.id, channel: context.activity.channelId });
    for (let attempt = 1; ; attempt++) {
      held.activities = [];
      try {
        await this.conversationState.load(context, attempt > 1);
        await this.turn(context);
        await this.conversationState.saveChanges(context);
        break;
      } catch (err) {
        if (err instanceof ETagConflictError && attempt < TURN_ATTEMPTS) {
          log.debug({ attempt }, 'conversation state changed by another turn; running the turn again');
          continue;
        }
        held.on = false;
        held.activities = [];
        const m = say(context);
        const unavailable = isUnavailable(err) || (err instanceof DeskError && err.code === 'unavailable') || err instanceof ETagConflictError;
        log.error({ err, activityType: context.activity.type }, 'turn failed');
        await context.sendActivity(unavailable ? m.unavailable : m.somethingWentWrong).catch(() => undefined);
        return;
      }
    }
    held.on = false;
    if (held.activities.length) await context.sendActivities(held.activities);
  }

  private async turn(context: TurnContext): Promise<void> {
    const a = context.activity;
    await this.language.apply(context);
    if (a.type === ActivityTypes.ConversationUpdate) {
      const joined = (a.membersAdded ?? []).some((m) => m.id !== a.recipient?.id);
      if (joined) await context.sendActivity(say(context).welcome);
      return;
    }
    if (a.type !== ActivityTypes.Message) return; // typing, events, unknown types: nothing to answer

    const data = await this.data.get(context, { own: [], handoff: null, processed: [] });
    if (a.id) {
      if (data.processed.includes(a.id)) return;
      data.processed = [...data.processed, a.id].slice(-PROCESSED_KEPT);
    }
    const m = say(context);
    const text = typeof a.text === 'string' ? cleanText(a.text) : '';
    a.text = text;
    const files = (a.attachments ?? []).filter((x) => x && typeof x.contentUrl === 'string');
    if (text.length > this.deps.settings.maxMessageChars) {
      await context.sendActivity(m.tooLong(this.deps.settings.maxMessageChars));
      return;
    }
    if (!text && !files.length) {
      await context.sendActivity(m.emptyMessage);
      return;
    }
    if (text && !files.length && !/[\p{L}\p{N}]/u.test(text)) {
      await context.sendActivity(m.noWords);
      return;
    }

    const dc = await this.dialogs.createContext(context);
    if (!dc.activeDialog && !files.length && (await this.survey(context, data, text))) return;
    if (!dc.activeDialog && (await this.handoff(context, data, text))) return;
    // "My complaints" mid-way (a menu key on WeChat): the list, then the open question again.
    if (dc.activeDialog && !files.length && recognise(text) === 'mine') {
      await context.sendActivity(await myTicketsText(context, this.deps, data.own));
      await dc.repromptDialog();
      return;
    }

    let result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) result = await dc.beginDialog(MAIN_DIALOG, { own: data.own });
    if (result.status === DialogTurnStatus.complete && result.result) {
      const r = result.result as NonNullable<MainResult>;
      if (!data.own.includes(r.number)) data.own = [...data.own, r.number].slice(-20);
      if (r.kind === 'handoff') data.handoff = { number: r.number };
    }
  }

  /**
   * The answer to a survey of one of this conversation's tickets (a rating 1–5 with an optional
   * comment, "not satisfied", "appeal"). Only when a ticket waits for it: otherwise the message
   * goes on to the dialogs. True when the turn was handled here.
   */
  private async survey(context: TurnContext, data: ConversationData, text: string): Promise<boolean> {
    const answer = surveyAnswerOf(text);
    if (!answer || !data.own.length) return false;
    const m = say(context);
    const named = ticketNumberIn(text);
    const candidates = named && data.own.includes(named) ? [named] : [...data.own].reverse().slice(0, 3);
    const views = (await Promise.all(candidates.map((n) => this.deps.desk.ticketStatus(n)))).filter((v): v is NonNullable<typeof v> => v !== null);
    const actor = customerOf(context);
    if (answer.kind === 'rating') {
      const v = views.find((x) => x.awaitingRating);
      if (!v) return false;
      const r = await this.deps.desk.rate(v.number, answer.rating, actor);
      if (answer.comment) await this.deps.desk.addInformation(v.number, { text: answer.comment, ...(messageIdOf(context) ? { messageId: messageIdOf(context)! } : {}) }, actor);
      await context.sendActivity(m.ratingThanks(v.number, answer.rating) + (answer.comment ? ` ${m.commentKept}` : ''));
      if (r.offerAppeal) await context.sendActivity(withButtons(`${m.ratingLow(v.number)} ${m.appealOffer(v.number)}`, [m.appealButtons.appeal, m.appealButtons.no]));
      return true;
    }
    const v = views.find((x) => x.canAppeal);
    if (!v) {
      if (!named) return false;
      await context.sendActivity(m.appealClosed(named));
      return true;
    }
    if (answer.kind === 'not_satisfied') {
      if (answer.comment) await this.deps.desk.addInformation(v.number, { text: answer.comment, ...(messageIdOf(context) ? { messageId: messageIdOf(context)! } : {}) }, actor);
      await context.sendActivity(withButtons(m.appealOffer(v.number), [m.appealButtons.appeal, m.appealButtons.no]));
      return true;
    }
    await this.deps.desk.appeal(v.number, answer.comment, actor);
    await context.sendActivity(m.appealed(v.number));
    return true;
  }

  /**
   * While a person handles a ticket of this conversation, the customer talks to them: messages go
   * to the ticket (the agent side relays them) and the bot answers only cancel, help and status.
   * True when the turn was handled here.
   */
  private async handoff(context: TurnContext, data: ConversationData, text: string): Promise<boolean> {
    const m = say(context);
    let number = data.handoff?.number;
    if (!number) {
      // A person may have claimed the latest ticket since: then hand over now.
      const latest = data.own[data.own.length - 1];
      if (!latest) return false;
      const v = await this.deps.desk.ticketStatus(latest);
      if (!v || !v.hasOwner || CLOSED.has(v.status)) return false;
      data.handoff = { number: latest };
      number = latest;
      await context.sendActivity(m.personJoined(latest));
    }
    const view = await this.deps.desk.ticketStatus(number);
    if (!view || CLOSED.has(view.status)) {
      data.handoff = null;
      await context.sendActivity(m.botBack(number));
      return false;
    }
    // "My complaints" (a WeChat menu key, or typed) during a handoff shows the handled ticket, like "status".
    switch (interruption(text) ?? (['status', 'mine'].includes(recognise(text)) ? 'status' : null)) {
      case 'cancel':
        data.handoff = null;
        await context.sendActivity(m.handoffLeft(number));
        return true;
      case 'help':
        await context.sendActivity(m.helpInHandoff);
        return true;
      case 'status':
        await context.sendActivity(statusText(context, this.deps, view));
        return true;
      default: {
        const atts = context.activity.attachments ?? [];
        const evidence = atts.length ? await acceptEvidence(context, this.deps, atts) : [];
        try {
          const messageId = messageIdOf(context);
          await this.deps.desk.addInformation(number, { ...(text ? { text } : {}), ...(evidence.length ? { evidence } : {}), ...(messageId ? { messageId } : {}) }, customerOf(context));
        } catch (err) {
          if (!(err instanceof DeskError)) throw err;
          await context.sendActivity(m.addFailed);
        }
        return true;
      }
    }
  }
}

/** C0/C1 controls except tab and newlines, zero-width characters and bidi overrides. */
function isControl(code: number): boolean {
  return (
    (code <= 0x1f && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}

/** Control characters out (tabs and newlines stay), Unicode normalised, surrounding space trimmed. */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .split('')
    .filter((ch) => !isControl(ch.charCodeAt(0)))
    .join('')
    .trim();
}
