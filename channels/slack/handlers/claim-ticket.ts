/**
 * Claim: atomic in the core (the version lock of the ticket's next version is a unique insert),
 * so of twenty agents clicking at once exactly one becomes the owner; the others are told who.
 * The click carries the version its message showed, so a double click or Slack's retry of the
 * same click is the same request and answers as its success. The message itself is updated by
 * the outbox (the claim is an event like any other), so every channel that shows it agrees.
 */
import type { App, BlockButtonAction } from '@slack/bolt';
import { CLAIM_ACTION_ID, parseButtonValue } from '../ids';
import { agentOf, explain, tell, type SlackHandlerDeps } from './common';

export function registerClaimTicket(app: App, deps: SlackHandlerDeps): void {
  app.action<BlockButtonAction>(CLAIM_ACTION_ID, async ({ ack, body, action, client }) => {
    await ack();
    const target = parseButtonValue(action.value);
    const where = { channel: body.channel?.id ?? null, user: body.user.id };
    deps.background.run('claim', async () => {
      if (!target) return tell(client, where, deps.text.m.reply.badAction, deps.logger);
      try {
        await deps.complaints.claim(target.number, agentOf(body.user), target.version);
      } catch (err) {
        await tell(client, where, explain(err, target.number, deps), deps.logger);
      }
    });
  });
}
