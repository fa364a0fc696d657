/**
 * Replies in a ticket's thread. Nothing reaches a customer by accident: a reply is an internal
 * note unless it starts with the send prefix (`>>` by default), or — with
 * SLACK_THREAD_DEFAULT=customer — unless it starts with the note prefix. Only the owner or a
 * supervisor can write to the customer; anyone else is told, and their reply stays a note. The
 * bot's own posts (and any bot's) are never relayed, so nothing echoes. An edit or a deletion
 * of a message that went out is answered: the customer keeps what they got.
 */
import type { App } from '@slack/bolt';
import { unescapeSlack } from '../blocks/mrkdwn';
import { agentOf, explain, tell, type SlackHandlerDeps } from './common';

/** The message events this handler reads (Slack's Events API shapes, the fields used). */
interface MessageEvent {
  type: 'message';
  subtype?: string;
  channel: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  message?: { user?: string; bot_id?: string; ts: string; thread_ts?: string; text?: string; subtype?: string };
  previous_message?: { user?: string; bot_id?: string; ts: string; thread_ts?: string };
  deleted_ts?: string;
}

/** Split a thread reply into what it is and what would be sent. */
export function readReply(raw: string, settings: SlackHandlerDeps['thread']): { toCustomer: boolean; text: string } {
  const text = unescapeSlack(raw).trim();
  if (settings.threadDefault === 'internal') {
    if (text.startsWith(settings.sendPrefix)) return { toCustomer: true, text: text.slice(settings.sendPrefix.length).trim() };
    return { toCustomer: false, text };
  }
  if (text.startsWith(settings.notePrefix)) return { toCustomer: false, text: text.slice(settings.notePrefix.length).trim() };
  return { toCustomer: true, text };
}

/** The core's id of a message sent from a Slack thread reply (idempotent: a redelivered event is the same message). */
export function threadMessageKey(channel: string, ts: string): string {
  return `slack-${channel}-${ts}`;
}

export function registerThreadRelay(app: App, deps: SlackHandlerDeps): void {
  app.event('message', async ({ event, client }) => {
    const e = event as unknown as MessageEvent;
    deps.background.run('thread reply', async () => {
      if (e.subtype === 'message_changed') return onEdit(e);
      if (e.subtype === 'message_deleted') return onDelete(e);
      if (e.subtype && e.subtype !== 'file_share' && e.subtype !== 'thread_broadcast') return;
      if (e.bot_id || !e.user || e.user === deps.botUserId()) return; // never relay a bot (ourselves included)
      if (!e.thread_ts || e.thread_ts === e.ts) return; // not a reply in a thread
      const number = await deps.store.ticketAt(e.channel, e.thread_ts);
      if (!number) return; // not a ticket's thread
      const reply = readReply(e.text ?? '', deps.thread);
      if (!reply.toCustomer) return; // an internal note: stays in Slack
      const where = { channel: e.channel, user: e.user, threadTs: e.thread_ts };
      if (!reply.text) return tell(client, where, deps.text.m.reply.emptyMessage, deps.logger);
      try {
        const ticket = await deps.complaints.get(number);
        const supervisor = await deps.supervisors.has(e.user);
        if (!supervisor && ticket.owner?.id !== e.user) return tell(client, where, deps.text.m.reply.notAllowedToSend(number), deps.logger);
        const key = threadMessageKey(e.channel, e.ts);
        const relay = { messageId: `${number}:${key}`, number, channel: e.channel, ts: e.ts, origin: 'thread' as const, user: e.user };
        // Remembered first, so the outbox marks this very message (and posts no copy of it).
        await deps.store.rememberRelay(relay);
        try {
          await deps.complaints.sendAgentMessage(number, { text: reply.text, messageId: key }, agentOf({ id: e.user }), { asSupervisor: supervisor });
        } catch (err) {
          // Refused (not sent): the reply is not a relayed message after all. An outage may leave it remembered: harmless.
          await deps.store.forgetRelay(relay).catch(() => undefined);
          throw err;
        }
      } catch (err) {
        await tell(client, where, explain(err, number, deps), deps.logger);
      }
    });

    async function onEdit(ev: MessageEvent): Promise<void> {
      const msg = ev.message;
      if (!msg || msg.bot_id || !msg.user || msg.user === deps.botUserId()) return;
      const relay = await deps.store.relayAt(ev.channel, msg.ts);
      if (!relay) return;
      await tell(client, { channel: ev.channel, user: msg.user, threadTs: msg.thread_ts ?? null }, deps.text.m.reply.editNotSent, deps.logger);
    }

    async function onDelete(ev: MessageEvent): Promise<void> {
      const prev = ev.previous_message;
      const ts = ev.deleted_ts ?? prev?.ts;
      if (!prev || !ts || prev.bot_id || !prev.user) return;
      const relay = await deps.store.relayAt(ev.channel, ts);
      if (!relay) return;
      await tell(client, { channel: ev.channel, user: prev.user, threadTs: prev.thread_ts ?? null }, deps.text.m.reply.deleteNotRecalled, deps.logger);
    }
  });
}
