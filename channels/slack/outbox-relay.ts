/**
 * The core's events, delivered to Slack (a consumer of the generic delivery worker,
 * src/jobs/delivery-worker.ts). Per ticket, in feed order:
 *
 * - filed → the ticket message ("root") in the routed channel, and for major or high-risk
 *   tickets a notice in the escalation channel mentioning the supervisors;
 * - every later change → the root message updated (`chat.update`) and a short note in its thread;
 * - a customer's addition → its text and evidence in the thread;
 * - an agent's message → a copy in the thread when it was not written there, then a mark on it
 *   once the customer-delivery consumer has settled it (✓ delivered, ✗ with the reason);
 * - a return visit falling due → a message with a Claim button in the return-visit channel (or the
 *   ticket's), updated when it is claimed (Record outcome) and when its outcome is recorded (also
 *   noted in the ticket's thread).
 *
 * The root is posted once: its thread document is reserved by a unique insert before posting,
 * and a reservation whose poster died is resolved by looking for the posted message (its
 * metadata names the ticket) before posting again.
 */
import type { webApi } from '@slack/bolt';
import { eventsOf, EVENTS, type DomainEvent } from '../../src/domain/events';
import type { Clock, FeedEntry, MessageStore } from '../../src/domain/ports';
import type { Ticket, TicketRecord } from '../../src/domain/ticket';
import { DeliveryError, type DeliveryConsumer, type DeliveryContext, type DeliveryOutcome, type DeliveryStore, type PlannedDelivery } from '../../src/jobs/delivery-worker';
import { CUSTOMER_DELIVERY } from '../../src/jobs/customer-delivery';
import { returnVisitMessage, visitOutcomeKey } from './blocks/return-visit';
import { createTicketCard, type CardLinks, type KnownBlock } from './blocks/ticket-card';
import { escapeMrkdwn, mention, quoteCustomerText } from './blocks/mrkdwn';
import { escalates, routeOf, type Routing } from './routing';
import { answeredBySlack, deliveryErrorOf, slackErrorCode } from './slack-api';
import type { SlackStore, ThreadDoc } from './slack-store';
import type { SlackText } from './slack-text';

export const SLACK_DELIVERY = 'slack';
/** Metadata type of root messages (finds a root whose poster died before recording it). */
export const ROOT_METADATA_TYPE = 'complaint_ticket';

type WebClient = webApi.WebClient;
type Pace = () => Promise<void>;

export interface OutboxRelayDeps {
  client: WebClient;
  store: SlackStore;
  complaints: { get(number: string): Promise<Ticket> };
  messages: MessageStore;
  deliveries: DeliveryStore;
  routing: Routing;
  text: SlackText;
  clock: Clock;
  /** `<!subteam^S…>` and/or user mentions for the escalation notice. */
  supervisorMention: string;
  /** Supervisors' user IDs: each gets a DM when a customer appeals. */
  supervisorIds?: string[];
  /** Who is told when a ticket reaches tier 1 (team lead) and tier 2 (complaint centre); default the supervisors. */
  tierMentions?: [string | null, string | null];
  /** How old a root reservation without a message must be before another attempt looks for it (ms). */
  staleReservationMs?: number;
  /** Where return visits are posted (default: the ticket's channel). */
  returnVisitChannel?: string | null;
}

type Kind = 'root' | 'escalation' | 'card' | 'note' | 'customer' | 'copy' | 'mark' | 'owner_dm' | 'overdue' | 'repeat' | 'repeat_note' | 'repeat_dm' | 'purge' | 'visit' | 'visit_update';

/** The delivery that posts the return visit of a closing (its updates find the message through it). */
function visitPostId(number: string, closedVersion: number): string {
  return `${number}:visit:${closedVersion}`;
}

const CHANGE_NOTES = new Set<string>([
  EVENTS.TICKET_CLAIMED,
  EVENTS.TICKET_RELEASED,
  EVENTS.TICKET_REASSIGNED,
  EVENTS.TICKET_STATE_CHANGED,
  EVENTS.TICKET_RESOLVED,
  EVENTS.TICKET_REJECTED,
  EVENTS.TICKET_REOPENED,
  EVENTS.TICKET_CLOSED,
  EVENTS.TICKET_RECLASSIFIED,
  EVENTS.TICKET_ESCALATED,
  EVENTS.TICKET_CONTACT_RECORDED,
  EVENTS.TICKET_PERSON_REQUESTED,
  EVENTS.TICKET_WARNED,
  EVENTS.TICKET_OVERDUE,
  EVENTS.TICKET_FLAGGED,
  EVENTS.TICKET_UNFLAGGED,
]);

export class SlackOutboxRelay implements DeliveryConsumer {
  readonly name = SLACK_DELIVERY;
  /** Each Slack call waits for the channel's next slot; reading and claiming overlap. */
  readonly pacesItself = true;
  private readonly staleMs: number;

  constructor(private readonly deps: OutboxRelayDeps) {
    this.staleMs = deps.staleReservationMs ?? 90_000;
  }

  plan(entries: FeedEntry[]): PlannedDelivery[] {
    const out: PlannedDelivery[] = [];
    for (const entry of entries) {
      const events = eventsOf(entry);
      const n = entry.number;
      const route = routeOf(this.deps.routing, entry.after);
      const base = { seq: entry.seq, key: n };
      const at = (id: string, kind: Kind, data: Record<string, unknown> = {}, extra: Partial<PlannedDelivery> = {}): PlannedDelivery => ({ ...base, id, kind, data: { route, ...data }, ...extra });
      const local: PlannedDelivery[] = [];
      let card = false;
      for (const ev of events) {
        switch (ev.type) {
          case EVENTS.TICKET_FILED:
            local.push(at(ev.id, 'root', {}, { lane: route }));
            if (this.deps.routing.escalationChannel && escalates(entry.after)) {
              local.push(at(`${ev.id}/escalation`, 'escalation', {}, { key: `${n}/escalation`, lane: this.deps.routing.escalationChannel }));
            }
            local.push(...this.planWatch(ev, entry, at));
            break;
          case EVENTS.TICKET_HIGH_RISK:
            break; // the filing covers it
          case EVENTS.TICKET_CUSTOMER_MESSAGE:
            local.push(at(`${ev.id}/thread`, 'customer', { messageId: ev.data.messageId }));
            card = true;
            break;
          case EVENTS.TICKET_WARNED:
            card = true;
            local.push(at(`${ev.id}/note`, 'note', noteData(ev, entry)));
            // The owner hears of the red flag directly (a DM); an unowned ticket is seen in its channel.
            if (entry.after.owner) local.push(at(`${ev.id}/dm`, 'owner_dm', { ...noteData(ev, entry), owner: entry.after.owner.id }, { key: `${n}/dm`, lane: entry.after.owner.id }));
            break;
          case EVENTS.TICKET_OVERDUE:
            card = true;
            local.push(at(`${ev.id}/note`, 'note', noteData(ev, entry)));
            if (this.deps.routing.escalationChannel) {
              local.push(at(`${ev.id}/escalation`, 'overdue', noteData(ev, entry), { key: `${n}/escalation`, lane: this.deps.routing.escalationChannel }));
            }
            if (entry.after.owner) local.push(at(`${ev.id}/dm`, 'owner_dm', { ...noteData(ev, entry), owner: entry.after.owner.id }, { key: `${n}/dm`, lane: entry.after.owner.id }));
            break;
          case EVENTS.TICKET_ESCALATED:
            card = true;
            // An escalation by the SLA comes with its overdue note, which names the new tier.
            if (!entry.events.includes(EVENTS.TICKET_OVERDUE)) local.push(at(`${ev.id}/note`, 'note', noteData(ev, entry)));
            break;
          case EVENTS.TICKET_PERSONAL_ERASED:
            card = true;
            local.push(at(`${ev.id}/note`, 'note', noteData(ev, entry)));
            // What the app itself posted with the customer's words goes too.
            local.push(at(`${ev.id}/purge`, 'purge', { upTo: entry.version }));
            break;
          case EVENTS.TICKET_APPEALED: {
            // The reopen note goes to the thread; the owner and each supervisor hear of the appeal directly.
            const told = new Set([...(entry.after.owner ? [entry.after.owner.id] : []), ...(this.deps.supervisorIds ?? [])]);
            for (const user of told) local.push(at(`${ev.id}/dm/${user}`, 'owner_dm', { type: ev.type, owner: user }, { key: `${n}/dm`, lane: user }));
            break;
          }
          case EVENTS.TICKET_RETURN_VISIT_DUE:
          case EVENTS.TICKET_RETURN_VISIT_CLAIMED:
          case EVENTS.TICKET_RETURN_VISIT_DONE: {
            const rv = entry.after.returnVisit;
            if (!rv) break;
            // The visit's message and its updates go one after another (one key), in the return-visit channel.
            const visit = { key: `${n}/visit`, ...(this.deps.returnVisitChannel ? { lane: this.deps.returnVisitChannel } : {}) };
            if (ev.type === EVENTS.TICKET_RETURN_VISIT_DUE) local.push(at(visitPostId(n, rv.closedVersion), 'visit', { closedVersion: rv.closedVersion }, visit));
            else local.push(at(`${ev.id}/visit`, 'visit_update', { closedVersion: rv.closedVersion }, visit));
            if (ev.type === EVENTS.TICKET_RETURN_VISIT_DONE) local.push(at(`${ev.id}/note`, 'note', noteData(ev, entry)));
            break;
          }
          case EVENTS.TICKET_AGENT_MESSAGE:
            local.push(at(`${ev.id}/copy`, 'copy', { messageId: ev.data.messageId, actor: entry.actor.id }));
            local.push(at(`${ev.id}/mark`, 'mark', { messageId: ev.data.messageId, eventId: ev.id }, { key: `${n}/marks` }));
            card = true;
            break;
          default:
            if (CHANGE_NOTES.has(ev.type)) {
              card = true;
              local.push(at(`${ev.id}/note`, 'note', noteData(ev, entry)));
            }
        }
      }
      // The card first (the channel shows the truth), then what this change adds to the thread.
      if (card) out.push(at(`${n}:${entry.version}:card`, 'card'));
      out.push(...local);
    }
    return out;
  }

  async laneOf(d: PlannedDelivery): Promise<string> {
    const thread = await this.deps.store.thread(d.key.split('/')[0]!);
    return thread?.channel ?? String(d.data.route);
  }

  async deliver(d: PlannedDelivery, ctx: DeliveryContext): Promise<DeliveryOutcome> {
    const pace = ctx.pace;
    const kind = d.kind as Kind;
    const number = d.key.split('/')[0]!;
    const holder = `${d.id}#${ctx.attempt}`;
    switch (kind) {
      case 'root': {
        const root = await this.ensureRoot(number, String(d.data.route), holder, pace, true);
        if (root === 'busy') return this.busy();
        return { status: root.posted ? 'sent' : 'skipped', result: { channel: root.thread.channel, ts: root.thread.ts } };
      }
      case 'escalation':
        return this.postEscalation(number, d, pace);
      case 'card':
        return this.updateCard(number, String(d.data.route), holder, pace);
      case 'note': {
        const thread = await this.threadFor(number, d, holder, pace);
        if (thread === 'busy') return this.busy();
        return this.reply(thread, this.noteText(d.data), 'note', pace);
      }
      case 'customer': {
        const thread = await this.threadFor(number, d, holder, pace);
        if (thread === 'busy') return this.busy();
        const message = await this.deps.messages.get(String(d.data.messageId));
        return this.reply(thread, this.customerText(message), 'customer message', pace);
      }
      case 'copy': {
        const messageId = String(d.data.messageId);
        if (await this.deps.store.relayOf(messageId)) return { status: 'skipped' }; // written in the thread itself
        const thread = await this.threadFor(number, d, holder, pace);
        if (thread === 'busy') return this.busy();
        const message = await this.deps.messages.get(messageId);
        const who = this.who(String(d.data.actor ?? ''), 'agent');
        const body = `${this.deps.text.m.note.toCustomer(who)}\n${quoteCustomerText(message?.text ?? '', 2800).text}`;
        const posted = await this.reply(thread, body, 'copy of a message to the customer', pace);
        const ts = String(posted.result?.ts ?? '');
        await this.deps.store.rememberRelay({ messageId, number, channel: thread.channel, ts, origin: 'copy', user: String(d.data.actor ?? '') || null });
        return posted;
      }
      case 'mark':
        return this.mark(number, d, ctx.attempt, pace);
      case 'owner_dm':
        return this.ownerDm(number, d, pace);
      case 'overdue':
        return this.postOverdue(number, d, pace);
      case 'repeat':
        return this.repeatNote(number, d, holder, pace);
      case 'repeat_note':
      case 'repeat_dm':
        return this.tellEarlier(kind, number, d, pace);
      case 'purge':
        return this.purge(number, Number(d.data.upTo), pace);
      case 'visit':
        return this.postVisit(number, d, pace);
      case 'visit_update':
        return this.updateVisit(number, d, pace);
      default:
        throw new DeliveryError(`unknown delivery kind ${d.kind}`, { retryable: false });
    }
  }

  // ---- the root message -----------------------------------------------------------------------

  private busy(): DeliveryOutcome {
    return { status: 'deferred', retryInMs: 2_000 };
  }

  /** The ticket's thread, posting its root first if need be. */
  private async threadFor(number: string, d: PlannedDelivery, holder: string, pace: Pace): Promise<(ThreadDoc & { ts: string }) | 'busy'> {
    const root = await this.ensureRoot(number, String(d.data.route), holder, pace);
    return root === 'busy' ? 'busy' : root.thread;
  }

  private async ensureRoot(number: string, route: string, holder: string, pace: Pace, expectNew = false): Promise<{ thread: ThreadDoc & { ts: string }; posted: boolean } | 'busy'> {
    const { store } = this.deps;
    // A filing's delivery reserves at once (a clash then reads what is there); later ones read first.
    let reserved = expectNew && (await store.reserveThread(number, route, holder, this.deps.clock.now()));
    for (let round = 0; !reserved && round < 3; round++) {
      const now = this.deps.clock.now();
      const existing = await store.thread(number);
      if (existing?.ts) return { thread: existing as ThreadDoc & { ts: string }, posted: false };
      if (!existing) {
        reserved = await store.reserveThread(number, route, holder, now);
        continue;
      }
      // Reserved without a message: its poster is at it, or died between posting and recording.
      if (now.getTime() - existing.at.getTime() < this.staleMs) return 'busy';
      await pace();
      const found = await this.findRoot(existing.channel, number, existing.at);
      if (found) {
        await store.threadPosted(number, existing.channel, found, 0);
        return { thread: { ...existing, ts: found, cardVersion: 0 }, posted: false };
      }
      reserved = await store.takeOverReservation(number, existing, holder, now);
      if (reserved) route = existing.channel;
    }
    if (!reserved) return 'busy';
    // This attempt holds the reservation: post.
    const now = this.deps.clock.now();
    const ticket = await this.deps.complaints.get(number);
    const card = createTicketCard(ticket, this.deps.text, now, await this.cardLinks(ticket));
    let ts: string;
    try {
      await pace();
      const res = await this.deps.client.chat.postMessage({
        channel: route,
        text: card.text,
        blocks: card.blocks,
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: ROOT_METADATA_TYPE, event_payload: { number } },
      });
      ts = String(res.ts);
    } catch (err) {
      // Slack answered (an error, a 429, a 5xx): nothing was posted, so the next attempt may post.
      // No answer at all (timeout, connection lost): it may have been posted; the next attempt looks first.
      if (answeredBySlack(err)) await store.dropReservation(number, holder).catch(() => undefined);
      throw deliveryErrorOf(err, 'chat.postMessage');
    }
    await store.threadPosted(number, route, ts, ticket.version);
    return { thread: { number, channel: route, ts, holder, at: now, cardVersion: ticket.version }, posted: true };
  }

  /** A root message of `number` posted since `since` (its poster died before recording it). */
  private async findRoot(channel: string, number: string, since: Date): Promise<string | null> {
    try {
      const res = await this.deps.client.conversations.history({ channel, oldest: String(Math.floor(since.getTime() / 1000) - 60), limit: 200, include_all_metadata: true });
      const hit = (res.messages ?? []).find((m) => {
        const meta = (m as { metadata?: { event_type?: string; event_payload?: { number?: unknown } } }).metadata;
        return meta?.event_type === ROOT_METADATA_TYPE && meta.event_payload?.number === number;
      });
      return hit?.ts ?? null;
    } catch (err) {
      throw deliveryErrorOf(err, 'conversations.history');
    }
  }

  private async updateCard(number: string, route: string, holder: string, pace: Pace): Promise<DeliveryOutcome> {
    const root = await this.ensureRoot(number, route, holder, pace);
    if (root === 'busy') return this.busy();
    if (root.posted) return { status: 'sent', result: { channel: root.thread.channel, ts: root.thread.ts } };
    const ticket = await this.deps.complaints.get(number);
    // Updates render the ticket as it is now: a backlog of changes costs one update, not one each.
    if (root.thread.cardVersion >= ticket.version) return { status: 'skipped' };
    const card = createTicketCard(ticket, this.deps.text, this.deps.clock.now(), await this.cardLinks(ticket));
    try {
      await pace();
      await this.deps.client.chat.update({ channel: root.thread.channel, ts: root.thread.ts, text: card.text, blocks: card.blocks });
    } catch (err) {
      throw deliveryErrorOf(err, 'chat.update');
    }
    await this.deps.store.setCardVersion(number, ticket.version);
    return { status: 'sent', result: { version: ticket.version } };
  }

  private async postEscalation(number: string, d: PlannedDelivery, pace: Pace): Promise<DeliveryOutcome> {
    const ticket = await this.deps.complaints.get(number);
    const { m } = this.deps.text;
    const card = createTicketCard(ticket, this.deps.text, this.deps.clock.now());
    const where = `<#${String(d.data.route)}>`;
    const notice = m.note.escalation(this.deps.supervisorMention, number, this.deps.text.severity(ticket.severity), escapeMrkdwn(this.deps.text.category(ticket.category)), where);
    // The notice and the facts; the buttons stay on the ticket's own message.
    const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: notice } }, ...card.blocks.filter((b) => b.type !== 'actions')];
    try {
      await pace();
      const res = await this.deps.client.chat.postMessage({ channel: d.lane!, text: `${card.text}`, blocks, unfurl_links: false, unfurl_media: false });
      return { status: 'sent', result: { channel: d.lane, ts: res.ts } };
    } catch (err) {
      throw deliveryErrorOf(err, 'chat.postMessage');
    }
  }

  /** The owner's direct message about a red flag or a missed deadline, linking the ticket's message. */
  private async ownerDm(number: string, d: PlannedDelivery, pace: Pace): Promise<DeliveryOutcome> {
    const thread = await this.deps.store.thread(number);
    const link = thread?.ts ? await this.permalink(thread.channel, thread.ts) : null;
    const { m } = this.deps.text;
    const what = deadlineNames(d.data, m.deadline);
    const text =
      d.data.type === EVENTS.TICKET_APPEALED ? m.note.appealed(number, link) : d.data.type === EVENTS.TICKET_OVERDUE ? m.note.ownerOverdue(number, what, link) : m.note.ownerWarned(number, what, link);
    try {
      await pace();
      const res = await this.deps.client.chat.postMessage({ channel: String(d.data.owner), text, unfurl_links: false, unfurl_media: false });
      return { status: 'sent', result: { channel: res.channel, ts: res.ts } };
    } catch (err) {
      throw deliveryErrorOf(err, 'chat.postMessage (owner DM)');
    }
  }

  /** A missed deadline in the escalation channel, mentioning whoever the ticket's new tier is. */
  private async postOverdue(number: string, d: PlannedDelivery, pace: Pace): Promise<DeliveryOutcome> {
    const ticket = await this.deps.complaints.get(number);
    const { m } = this.deps.text;
    const tier = Number(d.data.tier ?? ticket.sla.escalationTier);
    const who = tier <= 0 ? (ticket.owner ? mention(ticket.owner.id) : this.deps.supervisorMention) : (this.deps.tierMentions?.[tier - 1] ?? this.deps.supervisorMention);
    const thread = await this.deps.store.thread(number);
    const where = thread?.ts ? ((await this.permalink(thread.channel, thread.ts)) ?? `<#${thread.channel}>`) : `<#${String(d.data.route)}>`;
    const notice = m.note.overdueNotice(who, number, deadlineNames(d.data, m.deadline), m.tier[tier] ?? String(tier), where);
    const card = createTicketCard(ticket, this.deps.text, this.deps.clock.now());
    const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: notice } }, ...card.blocks.filter((b) => b.type !== 'actions')];
    try {
      await pace();
      const res = await this.deps.client.chat.postMessage({ channel: d.lane!, text: notice, blocks, unfurl_links: false, unfurl_media: false });
      return { status: 'sent', result: { channel: d.lane, ts: res.ts } };
    } catch (err) {
      throw deliveryErrorOf(err, 'chat.postMessage (overdue)');
    }
  }

  /** A return visit fell due: its message, with the Claim button, linking the ticket's thread. */
  private async postVisit(number: string, d: PlannedDelivery, pace: Pace): Promise<DeliveryOutcome> {
    const ticket = await this.deps.complaints.get(number);
    if (ticket.returnVisit?.closedVersion !== Number(d.data.closedVersion)) return { status: 'skipped' };
    const thread = await this.deps.store.thread(number);
    const where = thread?.ts ? ((await this.permalink(thread.channel, thread.ts)) ?? `<#${thread.channel}>`) : '';
    const message = returnVisitMessage(ticket, this.deps.text, where);
    const channel = d.lane ?? (await this.laneOf(d));
    try {
      await pace();
      const res = await this.deps.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
      return { status: 'sent', result: { channel: res.channel ?? channel, ts: res.ts, where } };
    } catch (err) {
      throw deliveryErrorOf(err, 'chat.postMessage (return visit)');
    }
  }

  /** The visit was claimed or done: its message shows it (rendered as the ticket is now). */
  private async updateVisit(number: string, d: PlannedDelivery, pace: Pace): Promise<DeliveryOutcome> {
    const closedVersion = Number(d.data.closedVersion);
    const posted = await this.deps.deliveries.outcome(SLACK_DELIVERY, visitPostId(number, closedVersion));
    const channel = posted?.result?.channel;
    const ts = posted?.result?.ts;
    if (posted?.status !== 'sent' || typeof channel !== 'string' || typeof ts !== 'string') return { status: 'skipped' };
    const ticket = await this.deps.complaints.get(number);
    if (ticket.returnVisit?.closedVersion !== closedVersion) return { status: 'skipped' };
    const message = returnVisitMessage(ticket, this.deps.text, String(posted.result?.where ?? ''));
    try {
      await pace();
      await this.deps.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
      return { status: 'sent', result: { channel, ts, status: ticket.returnVisit.status } };
    } catch (err) {
      throw deliveryErrorOf(err, 'chat.update (return visit)');
    }
  }

  private async permalink(channel: string, ts: string, label?: string): Promise<string | null> {
    try {
      const res = await this.deps.client.chat.getPermalink({ channel, message_ts: ts });
      return res.permalink ? `<${res.permalink}|${label ?? this.deps.text.m.note.ticketLink}>` : null;
    } catch {
      return null; // the link is a convenience: the notice goes out without it
    }
  }

  // ---- recurrence and the malicious flag ---------------------------------------------------------

  /**
   * What a filing adds for the customer's history: a repeat is linked in its thread, and the
   * earlier ticket's thread and owner are told; a flagged customer's ticket says why it is under
   * review; many rejections suggest flagging, to the supervisors.
   */
  private planWatch(ev: DomainEvent, entry: FeedEntry, at: (id: string, kind: Kind, data?: Record<string, unknown>, extra?: Partial<PlannedDelivery>) => PlannedDelivery): PlannedDelivery[] {
    const out: PlannedDelivery[] = [];
    const f = entry.after.flags;
    const earlier = f.recurrenceOf;
    if (earlier) {
      out.push(at(`${ev.id}/repeat`, 'repeat', { earlier }));
      // On the earlier ticket's side (its thread, its owner), in its own order.
      out.push(at(`${ev.id}/repeat-note`, 'repeat_note', { repeat: entry.number }, { key: `${earlier}/repeat` }));
      out.push(at(`${ev.id}/repeat-dm`, 'repeat_dm', { repeat: entry.number }, { key: `${earlier}/repeat` }));
    }
    if (f.suspectedMalicious) out.push(at(`${ev.id}/review`, 'note', { type: 'review', reason: f.suspectedMalicious.reason, since: f.suspectedMalicious.since ?? entry.number }));
    else if (f.maliciousSuggested) out.push(at(`${ev.id}/suggest`, 'note', { type: 'suggest', rejected: f.maliciousSuggested.rejected }));
    return out;
  }

  /** The card's links: the earlier ticket of a repeat (when its message is known). */
  private async cardLinks(t: Ticket): Promise<CardLinks> {
    const earlier = t.flags.recurrenceOf;
    if (!earlier) return {};
    const thread = await this.deps.store.thread(earlier);
    return thread?.ts ? { recurrenceOf: await this.permalink(thread.channel, thread.ts, earlier) } : {};
  }

  /** In the repeat's thread: which earlier ticket, linked, and who owns it. */
  private async repeatNote(number: string, d: PlannedDelivery, holder: string, pace: Pace): Promise<DeliveryOutcome> {
    const thread = await this.threadFor(number, d, holder, pace);
    if (thread === 'busy') return this.busy();
    const earlier = String(d.data.earlier);
    const previous = await this.deps.complaints.get(earlier).catch(() => null);
    const earlierThread = await this.deps.store.thread(earlier);
    const link = earlierThread?.ts ? await this.permalink(earlierThread.channel, earlierThread.ts, earlier) : null;
    const text = this.deps.text.m.watch.note.repeatOf(link ?? earlier, previous?.owner ? mention(previous.owner.id) : null);
    return this.reply(thread, text, 'repeat note', pace);
  }

  /** On the earlier ticket's side: a note in its thread, or a direct message to its owner. */
  private async tellEarlier(kind: 'repeat_note' | 'repeat_dm', earlier: string, d: PlannedDelivery, pace: Pace): Promise<DeliveryOutcome> {
    const repeat = String(d.data.repeat);
    const newThread = await this.deps.store.thread(repeat);
    // The link points at the new ticket's message: wait until it is posted.
    if (!newThread?.ts) return { status: 'deferred', retryInMs: 2_000 };
    const link = (await this.permalink(newThread.channel, newThread.ts, repeat)) ?? repeat;
    const w = this.deps.text.m.watch.note;
    if (kind === 'repeat_note') {
      const thread = await this.deps.store.thread(earlier);
      // An earlier ticket that never reached Slack (filed before the app was on) has no thread to tell.
      if (!thread?.ts) return { status: 'skipped' };
      return this.reply(thread as ThreadDoc & { ts: string }, w.repeatedBy(link), 'note on the earlier ticket', pace);
    }
    const previous = await this.deps.complaints.get(earlier).catch(() => null);
    if (!previous?.owner) return { status: 'skipped' };
    try {
      await pace();
      const res = await this.deps.client.chat.postMessage({ channel: previous.owner.id, text: w.ownerRepeat(earlier, link), unfurl_links: false, unfurl_media: false });
      return { status: 'sent', result: { channel: res.channel, ts: res.ts } };
    } catch (err) {
      throw deliveryErrorOf(err, 'chat.postMessage (repeat, owner DM)');
    }
  }

  // ---- erasure ----------------------------------------------------------------------------------

  /**
   * After an erasure (on request or by retention): delete what the app posted with the customer's
   * words (their messages and the copies of replies in the thread), and show the escalation and
   * overdue notices without them (the card is updated by its own delivery). Found by `_id` through
   * the recorded outcomes of those deliveries; a repeat deletes nothing twice. Replies agents wrote
   * in the thread themselves are theirs: the app's token cannot delete them.
   */
  private async purge(number: string, upTo: number, pace: Pace): Promise<DeliveryOutcome> {
    const posted = async (id: string) => {
      const o = await this.deps.deliveries.outcome(SLACK_DELIVERY, id);
      const r = o?.status === 'sent' ? (o.result as { channel?: unknown; ts?: unknown } | undefined) : undefined;
      return r?.channel && r.ts ? { channel: String(r.channel), ts: String(r.ts) } : null;
    };
    let deleted = 0;
    let updated = 0;
    const ticket = await this.deps.complaints.get(number);
    const card = createTicketCard(ticket, this.deps.text, this.deps.clock.now());
    const blocks = card.blocks.filter((b) => b.type !== 'actions');
    for (let v = 1; v <= upTo; v++) {
      for (const id of [`${number}:${v}:${EVENTS.TICKET_CUSTOMER_MESSAGE}/thread`, `${number}:${v}:${EVENTS.TICKET_AGENT_MESSAGE}/copy`]) {
        const where = await posted(id);
        if (!where) continue;
        try {
          await pace();
          await this.deps.client.chat.delete({ channel: where.channel, ts: where.ts });
          deleted++;
        } catch (err) {
          if (slackErrorCode(err) !== 'message_not_found') throw deliveryErrorOf(err, 'chat.delete');
        }
      }
      for (const id of [`${number}:${v}:${EVENTS.TICKET_FILED}/escalation`, `${number}:${v}:${EVENTS.TICKET_OVERDUE}/escalation`]) {
        const where = await posted(id);
        if (!where) continue;
        try {
          await pace();
          await this.deps.client.chat.update({ channel: where.channel, ts: where.ts, text: card.text, blocks });
          updated++;
        } catch (err) {
          if (slackErrorCode(err) !== 'message_not_found') throw deliveryErrorOf(err, 'chat.update (erased)');
        }
      }
    }
    return { status: 'sent', result: { deleted, updated } };
  }

  // ---- thread replies -------------------------------------------------------------------------

  private async reply(thread: ThreadDoc & { ts: string }, text: string, what: string, pace: Pace): Promise<DeliveryOutcome & { status: 'sent' }> {
    try {
      await pace();
      const res = await this.deps.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text, unfurl_links: false, unfurl_media: false });
      return { status: 'sent', result: { channel: thread.channel, ts: res.ts } };
    } catch (err) {
      throw deliveryErrorOf(err, `chat.postMessage (${what})`);
    }
  }

  private customerText(message: { text: string; evidence: Array<{ name: string; contentType: string; size: number }> } | null): string {
    const { m } = this.deps.text;
    const lines = [m.note.customer];
    if (message?.text) lines.push(quoteCustomerText(message.text, 2800).text);
    if (!message) lines.push('>[erased]');
    if (message?.evidence.length) {
      lines.push(m.note.evidence);
      for (const e of message.evidence.slice(0, 20)) lines.push(`• ${escapeMrkdwn(e.name)} (${escapeMrkdwn(e.contentType)}, ${Math.ceil(e.size / 1024)} KB)`);
    }
    return lines.join('\n');
  }

  private who(actorId: string, kind: string): string {
    if (kind === 'agent' && actorId) return mention(actorId);
    return this.deps.text.m.note.actor[kind] ?? this.deps.text.m.note.someone;
  }

  private noteText(data: Record<string, unknown>): string {
    const { m, category, severity } = this.deps.text;
    const who = this.who(String(data.actorId ?? ''), String(data.actorKind ?? ''));
    const reason = data.reason ? escapeMrkdwn(String(data.reason)) : '';
    switch (data.type) {
      case EVENTS.TICKET_CLAIMED:
        return m.note.claimed(who);
      case EVENTS.TICKET_RELEASED:
        return m.note.released(who);
      case EVENTS.TICKET_REASSIGNED:
        return m.note.reassigned(who, mention(String(data.ownerId ?? '')));
      case EVENTS.TICKET_RESOLVED: {
        const remedy = data.remedy ? m.remedy[data.remedy as keyof typeof m.remedy] : '';
        const amount = typeof data.amount === 'number' ? ` ${data.amount.toFixed(2)}` : '';
        const note = data.note ? ` — ${escapeMrkdwn(String(data.note))}` : '';
        return m.note.resolved(who, `${remedy}${amount}`.trim()) + note;
      }
      case EVENTS.TICKET_REJECTED:
        return m.note.rejected(who, reason);
      case EVENTS.TICKET_REOPENED:
        return m.note.reopened(reason);
      case EVENTS.TICKET_CLOSED:
        return m.note.closed;
      case EVENTS.TICKET_RECLASSIFIED:
        return m.note.reclassified(who, `${escapeMrkdwn(category(data.category as never))} / ${escapeMrkdwn(severity(data.severity as never))}`);
      case EVENTS.TICKET_ESCALATED:
        return m.note.escalated(who, m.tier[Number(data.tier)] ?? String(data.tier));
      case EVENTS.TICKET_CONTACT_RECORDED:
        return m.note.contact(who);
      case EVENTS.TICKET_PERSON_REQUESTED:
        return m.note.personRequested;
      case EVENTS.TICKET_FLAGGED:
        return m.watch.note.flagged(who, reason);
      case EVENTS.TICKET_UNFLAGGED:
        return m.watch.note.unflagged(who, reason);
      case EVENTS.TICKET_PERSONAL_ERASED:
        return m.watch.note.erased(who);
      case 'review':
        return m.watch.note.review(reason, String(data.since ?? ''));
      case 'suggest':
        return m.watch.note.suggest(this.deps.supervisorMention, Number(data.rejected));
      case EVENTS.TICKET_RETURN_VISIT_DONE:
        return m.visit.threadNote(who, m.visit.outcome[String(data.visitOutcome)] ?? '—') + (data.note ? ` — ${escapeMrkdwn(String(data.note))}` : '');
      case EVENTS.TICKET_WARNED:
        return m.note.warned(deadlineNames(data, m.deadline));
      case EVENTS.TICKET_OVERDUE:
        return m.note.overdue(deadlineNames(data, m.deadline)) + (data.escalated ? ` — ${m.note.escalatedTo(m.tier[Number(data.tier)] ?? String(data.tier))}` : '');
      case EVENTS.TICKET_STATE_CHANGED:
        if (data.action === 'request_info') return m.note.waiting(who);
        if (data.action === 'customer_reply') return m.note.resumed;
        if (data.action === 'investigate') return m.note.investigating(who);
        return `${m.status[data.to as keyof typeof m.status] ?? String(data.to)}`;
      default:
        return String(data.type);
    }
  }

  // ---- marks on messages to the customer -------------------------------------------------------

  private async mark(number: string, d: PlannedDelivery, attempt: number, pace: Pace): Promise<DeliveryOutcome> {
    const outcome = await this.deps.deliveries.outcome(CUSTOMER_DELIVERY, String(d.data.eventId));
    const relay = await this.deps.store.relayOf(String(d.data.messageId));
    // Wait for the customer channel's answer and for the message to be in the thread.
    if (!outcome || !relay) return { status: 'deferred', retryInMs: Math.min(500 * 2 ** Math.min(attempt, 6), 30_000) };
    const { m } = this.deps.text;
    const ok = outcome.status !== 'failed';
    // A channel may hold the message for the customer (WeChat outside its 48-hour window): it is not lost, nor delivered yet.
    const held = ok && outcome.result?.waiting === true;
    try {
      await pace();
      await this.deps.client.reactions.add({ channel: relay.channel, timestamp: relay.ts, name: !ok ? 'x' : held ? 'hourglass_flowing_sand' : 'white_check_mark' });
    } catch (err) {
      if (slackErrorCode(err) !== 'already_reacted') throw deliveryErrorOf(err, 'reactions.add');
    }
    if (!ok || held) {
      const thread = await this.deps.store.thread(number);
      if (thread?.ts) {
        const note = !ok ? m.note.failed(escapeMrkdwn(outcome.error ?? 'unknown')) : m.note.heldForCustomer(outcome.result?.via === 'template');
        await this.reply(thread as ThreadDoc & { ts: string }, note, !ok ? 'delivery failure' : 'delivery held', pace);
      }
    }
    return { status: 'sent', result: { delivered: ok, ...(held ? { held: true } : {}) } };
  }
}

/** The facts a thread note needs, from the change as the feed holds it (no personal values). */
function noteData(ev: DomainEvent, entry: FeedEntry): Record<string, unknown> {
  const t: TicketRecord = entry.after;
  const last = t.history[t.history.length - 1];
  const data: Record<string, unknown> = { type: ev.type, actorId: entry.actor.id, actorKind: entry.actor.kind, ownerId: t.owner?.id ?? null };
  if (last && last.version === entry.version) {
    data.action = last.action;
    data.to = last.to;
    if (last.reason) data.reason = last.reason;
  }
  if (ev.type === EVENTS.TICKET_RESOLVED && t.resolution) {
    data.remedy = t.resolution.remedy;
    data.amount = t.resolution.amount;
    data.note = t.resolution.note.slice(0, 500);
  }
  if (ev.type === EVENTS.TICKET_RECLASSIFIED) Object.assign(data, { category: t.category, severity: t.severity });
  if (ev.type === EVENTS.TICKET_FLAGGED) data.reason = t.flags.suspectedMalicious?.reason ?? '';
  if (ev.type === EVENTS.TICKET_UNFLAGGED) data.reason = t.flags.maliciousCleared?.reason ?? '';
  if (ev.type === EVENTS.TICKET_RETURN_VISIT_DONE && t.returnVisit?.outcome) {
    data.visitOutcome = visitOutcomeKey(t.returnVisit.outcome);
    data.note = t.returnVisit.outcome.note.slice(0, 500);
  }
  if (ev.type === EVENTS.TICKET_ESCALATED || ev.type === EVENTS.TICKET_OVERDUE) data.tier = t.sla.escalationTier;
  // The deadlines this change warned of or marked overdue (the SLA check stamps them with its own time).
  const now = new Date(entry.at).getTime();
  const stamped = (d: Date | null) => d !== null && new Date(d).getTime() === now;
  if (ev.type === EVENTS.TICKET_WARNED) data.kinds = t.sla.deadlines.filter((x) => stamped(x.warnedAt) && !x.metAt).map((x) => x.kind);
  if (ev.type === EVENTS.TICKET_OVERDUE) {
    data.kinds = t.sla.deadlines.filter((x) => stamped(x.overdueAt) && !x.metAt).map((x) => x.kind);
    data.escalated = entry.events.includes(EVENTS.TICKET_ESCALATED);
  }
  return data;
}

function deadlineNames(data: Record<string, unknown>, names: Record<string, string>): string {
  const kinds = Array.isArray(data.kinds) ? (data.kinds as string[]) : [];
  return kinds.map((k) => names[k] ?? k).join(', ') || '—';
}
