/**
 * The other buttons of a ticket message: most open a modal (Slack's trigger expires after 3 s,
 * so the modal opens right after the acknowledgement); "Record phone contact" acts at once.
 * Buttons that only the owner (or a supervisor) may use are refused before a modal opens.
 */
import type { App, BlockButtonAction, webApi } from '@slack/bolt';
import type { Ticket } from '../../../src/domain/ticket';
import { escalateModal, fullTextModal, reclassifyModal, rejectModal, releaseModal, replyModal, requestInfoModal, resolveModal, type ModalMeta, type View } from '../blocks/modals';
import {
  ESCALATE_ACTION_ID,
  MORE_ACTION_ID,
  parseButtonValue,
  RECLASSIFY_ACTION_ID,
  RECORD_CONTACT_ACTION_ID,
  REJECT_ACTION_ID,
  RELEASE_ACTION_ID,
  REPLY_ACTION_ID,
  REQUEST_INFO_ACTION_ID,
  RESOLVE_ACTION_ID,
} from '../ids';
import type { SlackText } from '../slack-text';
import { agentOf, explain, tell, type SlackHandlerDeps } from './common';

type ModalBuilder = (t: Ticket, text: SlackText, meta: ModalMeta) => View;

const MODALS: Record<string, { build: ModalBuilder; ownerOnly: boolean }> = {
  [RESOLVE_ACTION_ID]: { build: resolveModal, ownerOnly: true },
  [REJECT_ACTION_ID]: { build: rejectModal, ownerOnly: true },
  [REQUEST_INFO_ACTION_ID]: { build: requestInfoModal, ownerOnly: true },
  [RECLASSIFY_ACTION_ID]: { build: reclassifyModal, ownerOnly: false },
  [ESCALATE_ACTION_ID]: { build: escalateModal, ownerOnly: true },
  [RELEASE_ACTION_ID]: { build: releaseModal, ownerOnly: true },
  [REPLY_ACTION_ID]: { build: replyModal, ownerOnly: true },
};

/** May this user act on the ticket as its owner (or while it has none), or as a supervisor? */
export async function mayActAsOwner(t: Ticket, userId: string, deps: SlackHandlerDeps): Promise<{ ok: boolean; supervisor: boolean }> {
  const supervisor = await deps.supervisors.has(userId);
  return { ok: supervisor || !t.owner || t.owner.id === userId, supervisor };
}

export function registerTicketButtons(app: App, deps: SlackHandlerDeps): void {
  for (const [actionId, { build, ownerOnly }] of Object.entries(MODALS)) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      deps.background.run(actionId, () => openModal(client, body, action.value, build, ownerOnly, deps));
    });
  }

  app.action<BlockButtonAction>(MORE_ACTION_ID, async ({ ack, body, action, client }) => {
    await ack();
    deps.background.run('full text', async () => {
      const target = parseButtonValue(action.value);
      const where = { channel: body.channel?.id ?? null, user: body.user.id };
      if (!target) return tell(client, where, deps.text.m.reply.badAction, deps.logger);
      try {
        const t = await deps.complaints.get(target.number);
        await client.views.open({ trigger_id: body.trigger_id, view: fullTextModal(t, deps.text) });
      } catch (err) {
        await tell(client, where, explain(err, target.number, deps), deps.logger);
      }
    });
  });

  app.action<BlockButtonAction>(RECORD_CONTACT_ACTION_ID, async ({ ack, body, action, client }) => {
    await ack();
    deps.background.run('record contact', async () => {
      const target = parseButtonValue(action.value);
      const where = { channel: body.channel?.id ?? null, user: body.user.id };
      if (!target) return tell(client, where, deps.text.m.reply.badAction, deps.logger);
      try {
        const supervisor = await deps.supervisors.has(body.user.id);
        await deps.complaints.recordContact(target.number, { actor: agentOf(body.user), expectedVersion: target.version, asSupervisor: supervisor, how: 'phone' });
      } catch (err) {
        await tell(client, where, explain(err, target.number, deps), deps.logger);
      }
    });
  });
}

async function openModal(client: webApi.WebClient, body: BlockButtonAction, value: unknown, build: ModalBuilder, ownerOnly: boolean, deps: SlackHandlerDeps): Promise<void> {
  const target = parseButtonValue(value);
  const where = { channel: body.channel?.id ?? null, user: body.user.id };
  if (!target) return tell(client, where, deps.text.m.reply.badAction, deps.logger);
  try {
    const t = await deps.complaints.get(target.number);
    if (ownerOnly && !(await mayActAsOwner(t, body.user.id, deps)).ok) return tell(client, where, deps.text.m.reply.notYourTicket(t.number), deps.logger);
    const meta: ModalMeta = { n: t.number, v: Math.max(target.version, 0), c: where.channel, l: t.language };
    await client.views.open({ trigger_id: body.trigger_id, view: build(t, deps.text, meta) });
  } catch (err) {
    await tell(client, where, explain(err, target.number, deps), deps.logger);
  }
}
