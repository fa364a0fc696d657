/**
 * Notices to customers (the result notice; survey requests), delivered from the change feed by
 * the delivery worker (delivery-worker.ts) — at least once, retried, none lost to a restart:
 *
 * - filed through the REST API (a hotline, an e-mail gateway): to the filing system's webhook,
 *   signed with HMAC, so it delivers by phone or SMS;
 * - filed in a chat: on the customer's channel while it can still reach them; when it cannot (the
 *   web chat was closed, a channel's reply window passed) or keeps failing, by e-mail if they
 *   gave an address;
 * - otherwise it fails with the reason.
 *
 * Each notice's fate is committed to the ticket (`recordNotice`): how it went out, whether it arrived.
 */
import { EVENTS } from '../domain/events';
import type { FeedEntry, MessageStore } from '../domain/ports';
import { noticeSubject, surveyChoices, type NoticeKind, type NoticeOutcome } from '../domain/notices';
import type { Ticket } from '../domain/ticket';
import { DeliveryError, type DeliveryConsumer, type DeliveryContext, type DeliveryOutcome, type PlannedDelivery, type SettledDelivery } from './delivery-worker';
import type { CustomerChannelPort } from './customer-delivery';

export const NOTICE_DELIVERY = 'notices';

/** Sends one e-mail (src/notify/smtp-mailer.ts). */
export interface Mailer {
  send(mail: { to: string; subject: string; text: string }): Promise<void>;
}

/** Posts one signed notice to the filing system (src/notify/webhook.ts). */
export interface NoticeWebhook {
  post(payload: Record<string, unknown>): Promise<void>;
}

export interface NoticeDeliveryDeps {
  tickets: { get(number: string): Promise<Ticket> };
  messages: MessageStore;
  channels: CustomerChannelPort[];
  mailer: Mailer | null;
  webhook: NoticeWebhook | null;
  record(number: string, id: string, outcome: NoticeOutcome): Promise<unknown>;
}

/** After this many failed attempts on the customer's channel, e-mail is tried instead. */
const CHANNEL_TRIES = 3;

/** Filed through the REST API (a hotline, an e-mail gateway): the filing system delivers. */
function filedByApi(t: Ticket): boolean {
  return t.history[0]?.actor.kind === 'api';
}

export class NoticeDelivery implements DeliveryConsumer {
  readonly name = NOTICE_DELIVERY;

  constructor(private readonly deps: NoticeDeliveryDeps) {}

  /** Every notice a change created, in the order it created them (result before survey). */
  plan(entries: FeedEntry[]): PlannedDelivery[] {
    return entries.flatMap((e) =>
      e.events.includes(EVENTS.TICKET_NOTICE)
        ? (e.after.notices ?? [])
            .filter((n) => n.version === e.version)
            .map((n) => ({ id: `${e.number}:${e.version}:notice:${n.kind}`, seq: e.seq, key: e.number, lane: 'notices', kind: n.kind, data: { noticeId: n.id } }))
        : [],
    );
  }

  async deliver(d: PlannedDelivery, ctx: DeliveryContext): Promise<DeliveryOutcome> {
    const ticket = await this.deps.tickets.get(d.key);
    const id = String(d.data.noticeId);
    const notice = ticket.notices?.find((n) => n.id === id);
    if (!notice || notice.status !== 'pending') return { status: 'skipped' };
    const kind = notice.kind;
    const message = await this.deps.messages.get(id);
    if (!message?.text) return this.settle(ticket, id, { status: 'failed', via: null, reason: 'the notice text is gone (erased)' });
    const email = kind === 'result' ? (ticket.customer.contact.email ?? null) : null;
    const canMail = !!email && !!this.deps.mailer;

    if (filedByApi(ticket)) {
      if (this.deps.webhook) {
        try {
          await this.deps.webhook.post({
            id,
            type: kind === 'result' ? 'result_notice' : 'survey_request',
            ticket: ticket.number,
            source: ticket.source,
            language: ticket.language,
            text: message.text,
            ...(kind === 'survey' ? { ratings: [1, 2, 3, 4, 5] } : {}),
            contact: ticket.customer.contact,
          });
        } catch (err) {
          throw asDeliveryError('webhook', err);
        }
        return this.settle(ticket, id, { status: 'sent', via: 'webhook' });
      }
      if (canMail) return this.mail(ticket, id, kind, email!, message.text);
      return this.settle(ticket, id, { status: 'failed', via: null, reason: 'filed through the API, and neither NOTICE_WEBHOOK_URL nor an e-mail address with SMTP_URL is there to reach the customer' });
    }

    const channel = this.deps.channels.find((c) => c.name === ticket.channel);
    if (channel && ticket.conversationRef && ctx.attempt <= CHANNEL_TRIES) {
      let how: { via: string; waiting?: boolean } | void;
      try {
        how = await channel.send(ticket.conversationRef, {
          text: message.text,
          language: ticket.language,
          from: { kind: 'system' },
          kind,
          ticketNumber: ticket.number,
          id: `${NOTICE_DELIVERY}:${d.id}`,
          ...(kind === 'survey' ? { choices: surveyChoices(ticket.language) } : {}),
        });
      } catch (err) {
        // Try the channel a few times; then e-mail takes over (when there is an address).
        if (ctx.attempt < CHANNEL_TRIES || !canMail) throw asDeliveryError(ticket.channel, err);
        return this.mail(ticket, id, kind, email!, message.text, `${ticket.channel} failed`);
      }
      const via = how?.via ?? 'conversation';
      // The channel could not put it before the customer now (the chat was closed, WeChat's window passed): the text waits there, and e-mail tells them now.
      if (how?.waiting && canMail) return this.mail(ticket, id, kind, email!, message.text, `${via}, waiting`);
      return this.settle(ticket, id, { status: 'sent', via: 'channel', detail: how?.waiting ? `${via}, waiting` : via });
    }
    if (canMail) return this.mail(ticket, id, kind, email!, message.text);
    const why = !channel || !ticket.conversationRef ? `no way to reach customers of channel "${ticket.channel}" from the desk` : 'the customer\'s channel kept failing';
    return this.settle(ticket, id, { status: 'failed', via: null, reason: `${why}, and no e-mail address${this.deps.mailer ? '' : ' or SMTP_URL'} to fall back to` });
  }

  /** A delivery that ended failed in the worker (retries used up): the ticket records it. */
  async settled(d: PlannedDelivery, outcome: SettledDelivery): Promise<void> {
    if (outcome.status !== 'failed') return;
    await this.deps.record(d.key, String(d.data.noticeId), { status: 'failed', via: null, reason: outcome.error ?? 'failed' });
  }

  private async mail(ticket: Ticket, id: string, kind: NoticeKind, to: string, text: string, detail?: string): Promise<DeliveryOutcome> {
    try {
      await this.deps.mailer!.send({ to, subject: noticeSubject(kind, ticket.number, ticket.language), text });
    } catch (err) {
      throw asDeliveryError('e-mail', err);
    }
    return this.settle(ticket, id, { status: 'sent', via: 'email', ...(detail ? { detail: `channel: ${detail}` } : {}) });
  }

  private async settle(ticket: Ticket, id: string, outcome: NoticeOutcome): Promise<DeliveryOutcome> {
    await this.deps.record(ticket.number, id, outcome);
    return { status: 'sent', result: { delivered: outcome.status === 'sent', via: outcome.via } };
  }
}

function asDeliveryError(where: string, err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const permanent = (err as { permanent?: boolean })?.permanent === true;
  return new DeliveryError(`${where}: ${(err as Error)?.message ?? String(err)}`, { retryable: !permanent, cause: err });
}
