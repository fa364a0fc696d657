/**
 * The bot adapter behind the self-hosted Direct Line: a posted activity becomes a turn of the same
 * bot the Bot Framework channel runs, and what the bot sends is appended to the conversation's
 * activities (where the websocket streams and polling clients find it).
 */
import { BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import { EventEmitter } from 'node:events';
import type { DirectLineStore } from './activity-store';

export const BOT_ID = 'complaint-desk';

/** An agent's display name on a message relayed to the customer (see DirectLineCustomerChannel). */
function agentName(a: Partial<Activity>): string | undefined {
  const name = (a.channelData as { agent?: { name?: unknown } } | undefined)?.agent?.name;
  return typeof name === 'string' && name.trim() ? name.trim().slice(0, 100) : undefined;
}
export const BOT_NAME = 'Complaint desk';

export class DirectLineAdapter extends BotAdapter {
  /** 'appended' (conversationId) after every activity this instance stores. */
  readonly events = new EventEmitter();

  constructor(private readonly store: DirectLineStore) {
    super();
    this.events.setMaxListeners(0);
  }

  /** All activities of one send are appended with one ordered insert (the bot sends a turn's replies together). */
  async sendActivities(context: TurnContext, activities: Array<Partial<Activity>>): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation.id;
    const now = new Date();
    const real = activities.filter((a) => a.type !== 'delay' && a.type !== 'trace');
    const stored = real.length
      ? await this.store.appendMany(
          conversationId,
          real.map((a) => ({
            ...a,
            from: { id: BOT_ID, name: agentName(a) ?? BOT_NAME, role: 'bot' },
            recipient: a.recipient ?? context.activity.from,
            conversation: { id: conversationId } as Activity['conversation'],
            channelId: context.activity.channelId,
            timestamp: now,
          })),
        )
      : [];
    if (stored.length) this.events.emit('appended', conversationId);
    let k = 0;
    return activities.map((a) => (a.type === 'delay' || a.type === 'trace' ? { id: '' } : { id: stored[k++]?.activity.id ?? '' }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('Direct Line here does not support updating activities');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('Direct Line here does not support deleting activities');
  }

  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}
