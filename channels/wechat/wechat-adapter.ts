/**
 * The bot adapter behind the WeChat endpoint: a customer's message becomes a turn of the same
 * bot the other channels run, and what the bot sends during the turn is collected (WeChat takes
 * one answer per message: the router renders the turn's replies as one text and answers with it,
 * or, when the turn is late, sends it through the customer-service API).
 */
import { BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import { languageOf } from '../../dialogs/turn-context';
import type { BotLanguage } from '../../dialogs/messages';

export interface TurnReplies {
  activities: Array<Partial<Activity>>;
  /** The customer's language as the bot chose it for the turn. */
  language: BotLanguage | null;
}

const REPLIES = Symbol('wechat.replies');

export class WeChatAdapter extends BotAdapter {
  async sendActivities(context: TurnContext, activities: Array<Partial<Activity>>): Promise<ResourceResponse[]> {
    const into = context.turnState.get(REPLIES) as TurnReplies | undefined;
    const real = activities.filter((a) => a.type !== 'delay' && a.type !== 'trace');
    if (into) {
      into.activities.push(...real);
      into.language = languageOf(context);
    }
    return activities.map((_a, i) => ({ id: `wx-${Date.now().toString(36)}-${i}` }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('WeChat messages cannot be updated');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('WeChat messages cannot be deleted');
  }

  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  /** Run one turn and collect what the bot says in it. */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<TurnReplies> {
    const context = new TurnContext(this, activity);
    const replies: TurnReplies = { activities: [], language: null };
    context.turnState.set(REPLIES, replies);
    await this.runMiddleware(context, logic);
    return replies;
  }
}
