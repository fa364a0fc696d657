/**
 * ConversationState that saves with the eTag it loaded. botbuilder's BotState always writes with
 * eTag `*` (last writer wins), so two turns of one conversation on two instances would silently
 * overwrite each other; here the second save fails with an eTag conflict and the bot re-runs that
 * turn on the fresh state. A conversation never saved before is written with eTag `0`, "only if
 * it still does not exist".
 */
import { ConversationState, calculateChangeHash, type TurnContext } from 'botbuilder';

export const NEW_ITEM_ETAG = '0';

export class OptimisticConversationState extends ConversationState {
  private readonly loadedHash = new WeakMap<TurnContext, string>();

  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    const state = (await super.load(context, force)) as Record<string, unknown>;
    if (force || !this.loadedHash.has(context)) {
      if (state.eTag === undefined) state.eTag = NEW_ITEM_ETAG;
      this.loadedHash.set(context, calculateChangeHash(state));
    }
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    const state = this.get(context) as Record<string, unknown> | undefined;
    if (!state) return;
    const hash = calculateChangeHash(state);
    if (!force && this.loadedHash.get(context) === hash) return;
    const key = await this.storageKey(context);
    // The storage moves `state.eTag` on to the version it wrote, so a later save in the same turn is conditional on this one.
    await this.storage.write({ [key]: state });
    this.loadedHash.set(context, hash);
  }
}
