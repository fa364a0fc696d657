/**
 * Supervisors flag a ticket's customer as malicious (or remove the flag): a button on the ticket
 * message (where the desk shows it: rejected tickets, suggested ones, flagged ones) or
 * `/complaints flag|unflag <number>`, then a modal whose reason is required. Others are told it
 * is for supervisors; the core records the decision as an audited change of the ticket.
 */
import type { App, BlockButtonAction, webApi } from '@slack/bolt';
import { flagModal, decodeMeta, type ModalMeta } from '../blocks/modals';
import { FLAG_ACTION_ID, FLAG_VIEW_ID, parseButtonValue, UNFLAG_ACTION_ID, UNFLAG_VIEW_ID } from '../ids';
import { agentOf, explain, tell, type SlackHandlerDeps } from './common';

/** Open the flag (or unflag) modal for a ticket, if the user is a supervisor. */
export async function openFlagModal(
  client: webApi.WebClient,
  input: { triggerId: string; user: string; channel: string | null; number: string; version?: number; unflag: boolean },
  deps: SlackHandlerDeps,
): Promise<void> {
  const where = { channel: input.channel, user: input.user };
  if (!(await deps.supervisors.has(input.user))) return tell(client, where, deps.text.m.watch.reply.supervisorsOnly, deps.logger);
  try {
    const t = await deps.complaints.get(input.number);
    const meta: ModalMeta = { n: t.number, v: input.version ?? t.version, c: input.channel };
    await client.views.open({ trigger_id: input.triggerId, view: flagModal(t, deps.text, meta, input.unflag) });
  } catch (err) {
    await tell(client, where, explain(err, input.number, deps), deps.logger);
  }
}

/** Flag or unflag at once (the command with a reason); told to the supervisor. */
export async function applyFlag(input: { user: { id: string; username?: string }; number: string; reason: string; unflag: boolean; version?: number }, deps: SlackHandlerDeps): Promise<string> {
  const actor = agentOf(input.user);
  if (input.unflag) {
    await deps.complaints.unflagMalicious(input.number, input.reason, actor, input.version);
    return deps.text.m.watch.reply.unflagged(input.number);
  }
  await deps.complaints.flagMalicious(input.number, input.reason, actor, input.version);
  return deps.text.m.watch.reply.flagged(input.number);
}

export function registerMaliciousFlag(app: App, deps: SlackHandlerDeps): void {
  for (const [actionId, unflag] of [
    [FLAG_ACTION_ID, false],
    [UNFLAG_ACTION_ID, true],
  ] as const) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      deps.background.run(actionId, async () => {
        const target = parseButtonValue(action.value);
        if (!target) return tell(client, { channel: body.channel?.id ?? null, user: body.user.id }, deps.text.m.reply.badAction, deps.logger);
        await openFlagModal(client, { triggerId: body.trigger_id, user: body.user.id, channel: body.channel?.id ?? null, number: target.number, version: target.version, unflag }, deps);
      });
    });
  }

  for (const [viewId, unflag] of [
    [FLAG_VIEW_ID, false],
    [UNFLAG_VIEW_ID, true],
  ] as const) {
    app.view(viewId, async ({ ack, body, view, client }) => {
      const meta = decodeMeta(view.private_metadata);
      const reason = (view.state.values.reason?.value?.value ?? '').trim();
      if (!meta) return void (await ack({ response_action: 'errors', errors: { reason: deps.text.m.reply.badAction } }));
      // The reason is required: an empty one is refused in the modal itself, before anything is done.
      if (!reason) return void (await ack({ response_action: 'errors', errors: { reason: deps.text.m.modal.required } }));
      if ([...reason].length > 500) return void (await ack({ response_action: 'errors', errors: { reason: deps.text.m.modal.tooLong(500) } }));
      await ack();
      deps.background.run(viewId, async () => {
        const where = { channel: meta.c, user: body.user.id };
        try {
          // Checked again on submission: the modal may have been opened by someone who is no longer a supervisor.
          if (!(await deps.supervisors.has(body.user.id))) return tell(client, where, deps.text.m.watch.reply.supervisorsOnly, deps.logger);
          await applyFlag({ user: body.user, number: meta.n, reason, unflag, version: meta.v }, deps);
        } catch (err) {
          await tell(client, where, explain(err, meta.n, deps), deps.logger);
        }
      });
    });
  }
}
