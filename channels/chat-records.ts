/**
 * The customer channels' records of a conversation, erased with the customer (the core's
 * `ConversationRecords`): the dialog state of the conversation on every channel, the Direct Line
 * transcript (Web Chat, Direct Line), and on WeChat the customer's record and the messages that
 * waited for them. Bot Framework channels keep their transcripts on the channel's side (Teams,
 * Slack…): only the dialog state is here. Every deletion is by `_id`.
 */
import { ConversationState, MemoryStorage, type TurnContext } from 'botbuilder';
import type { Connection } from 'mongoose';
import type { ConversationRecords } from '../src/domain/ports';
import { ConversationRefError, parseConversationRef } from './customer-channel';
import { DirectLineStore } from './directline/activity-store';
import { MongoBotStorage } from './state/mongo-bot-storage';
import { WeChatStore } from './wechat/wechat-store';

/** The key botbuilder's ConversationState stores a conversation under (its own rule, not a copy of it). */
const keyRule = new ConversationState(new MemoryStorage());
export function conversationStateKey(channelId: string, conversationId: string): string {
  return keyRule.getStorageKey({ activity: { channelId, conversation: { id: conversationId } } } as TurnContext)!;
}

export class ChatRecords implements ConversationRecords {
  private readonly state: MongoBotStorage;
  private readonly directLine: DirectLineStore;

  /** `parts`: the stores the running channels use, so their caches forget what is erased too. */
  constructor(
    private readonly conn: Connection,
    parts: { state?: MongoBotStorage | undefined; directLine?: DirectLineStore } = {},
  ) {
    this.state = parts.state ?? new MongoBotStorage(conn);
    this.directLine = parts.directLine ?? new DirectLineStore(conn);
  }

  async erase(conversationRef: string): Promise<void> {
    let ref: ReturnType<typeof parseConversationRef>;
    try {
      ref = parseConversationRef(conversationRef);
    } catch (err) {
      if (err instanceof ConversationRefError) return; // not a reference of ours: no chat of ours to erase
      throw err;
    }
    const conversationId = ref.conversation.id;
    await this.state.erase(conversationStateKey(ref.channelId, conversationId));
    if (ref.channelId === 'directline' || ref.channelId === 'webchat') await this.directLine.erase(conversationId);
    // WeChat: the records are under the AppID the conversation was with (`wechat:<AppID>`).
    if (ref.channelId === 'wechat' && ref.user?.id && ref.serviceUrl.startsWith('wechat:')) {
      await new WeChatStore(this.conn, ref.serviceUrl.slice('wechat:'.length)).eraseCustomer(ref.user.id);
    }
  }
}
