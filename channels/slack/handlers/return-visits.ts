/**
 * Return visits from Slack: "Claim return visit" on the visit's message takes it (one claim wins in
 * the core; the others are told who has it), "Record outcome" opens a modal for whoever took it
 * (outcome and a required note), and its submission records the visit. The message itself is
 * updated by the outbox, from the claimed and done events.
 */
import type { App, BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import { AlreadyClaimedError } from '../../../src/domain/errors';
import type { Ticket } from '../../../src/domain/ticket';
import { mention } from '../blocks/mrkdwn';
import { decodeMeta, returnVisitModal, TEXT_MAX } from '../blocks/modals';
import { VISIT_OUTCOMES, visitOutcomeOf, type VisitOutcome } from '../blocks/return-visit';
import { parseButtonValue, RETURN_VISIT_CLAIM_ACTION_ID, RETURN_VISIT_RECORD_ACTION_ID, RETURN_VISIT_VIEW_ID } from '../ids';
import { agentOf, explain, tell, type SlackHandlerDeps } from './common';

export function registerReturnVisits(app: App, deps: SlackHandlerDeps): void {
  const v = deps.text.m.visit;
  /** The visit the button was shown for is still the ticket's open one. */
  const current = (t: Ticket, closedVersion: number) => !!t.returnVisit && t.returnVisit.closedVersion === closedVersion && t.returnVisit.status !== 'done';

  app.action<BlockButtonAction>(RETURN_VISIT_CLAIM_ACTION_ID, async ({ ack, body, action, client }) => {
    await ack();
    const target = parseButtonValue(action.value);
    const where = { channel: body.channel?.id ?? null, user: body.user.id };
    deps.background.run('claim return visit', async () => {
      if (!target) return tell(client, where, deps.text.m.reply.badAction, deps.logger);
      try {
        const t = await deps.complaints.get(target.number);
        if (!current(t, target.version)) return tell(client, where, v.stale(target.number), deps.logger);
        await deps.complaints.claimReturnVisit(target.number, agentOf(body.user));
      } catch (err) {
        if (err instanceof AlreadyClaimedError) {
          const holder = err.ownerId;
          // A double click of the one who has it is not a refusal.
          if (holder !== body.user.id) await tell(client, where, v.taken(target.number, mention(holder)), deps.logger);
          return;
        }
        await tell(client, where, explain(err, target.number, deps), deps.logger);
      }
    });
  });

  app.action<BlockButtonAction>(RETURN_VISIT_RECORD_ACTION_ID, async ({ ack, body, action, client }) => {
    await ack();
    // Slack's trigger expires after 3 s: the modal opens right after the acknowledgement.
    deps.background.run('record return visit', async () => {
      const target = parseButtonValue(action.value);
      const where = { channel: body.channel?.id ?? null, user: body.user.id };
      if (!target) return tell(client, where, deps.text.m.reply.badAction, deps.logger);
      try {
        const t = await deps.complaints.get(target.number);
        if (!current(t, target.version)) return tell(client, where, v.stale(target.number), deps.logger);
        const holder = t.returnVisit!.claimedBy?.id;
        if (holder !== body.user.id) return tell(client, where, holder ? v.taken(t.number, mention(holder)) : v.stale(t.number), deps.logger);
        await client.views.open({ trigger_id: body.trigger_id, view: returnVisitModal(t, deps.text, { n: t.number, v: target.version, c: where.channel }) });
      } catch (err) {
        await tell(client, where, explain(err, target.number, deps), deps.logger);
      }
    });
  });

  app.view<ViewSubmitAction>(RETURN_VISIT_VIEW_ID, async ({ ack, body, view, client }) => {
    const meta = decodeMeta(view.private_metadata);
    const values = view.state.values;
    const outcome = values.outcome?.value?.selected_option?.value ?? null;
    const note = (values.note?.value?.value ?? '').trim();
    const errors: Record<string, string> = {};
    if (!meta) errors.outcome = deps.text.m.reply.badAction;
    else if (!outcome || !VISIT_OUTCOMES.includes(outcome as VisitOutcome)) errors.outcome = deps.text.m.modal.required;
    if (!note) errors.note = deps.text.m.modal.required;
    else if ([...note].length > TEXT_MAX) errors.note = deps.text.m.modal.tooLong(TEXT_MAX);
    if (Object.keys(errors).length || !meta) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    deps.background.run(RETURN_VISIT_VIEW_ID, async () => {
      const where = { channel: meta.c, user: body.user.id };
      try {
        await deps.complaints.recordReturnVisit(meta.n, { ...visitOutcomeOf(outcome as VisitOutcome), note }, agentOf(body.user));
      } catch (err) {
        const text = err instanceof AlreadyClaimedError ? v.taken(meta.n, mention(err.ownerId)) : explain(err, meta.n, deps);
        await tell(client, where, text, deps.logger);
      }
    });
  });
}
