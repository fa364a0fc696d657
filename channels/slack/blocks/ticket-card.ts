/**
 * The ticket message agents see in their channel (Block Kit): header with severity, number and
 * category; the facts (customer masked, contacts never in clear); the complaint text escaped
 * and cut, with a button for the full text; the SLA deadlines; and the buttons the ticket's
 * state allows. The message is updated on every change, so the channel always shows the truth;
 * every button carries the version it was shown with, which makes a double click or a Slack
 * retry of the same click harmless (the core answers a repeat as its own success).
 */
import type { types } from '@slack/bolt';
import { maskEmail, maskName, maskPhone } from '../../../src/domain/mask';
import type { TicketStatus } from '../../../src/domain/state-machine';
import { ERASED_TEXT, type Ticket } from '../../../src/domain/ticket';
import {
  buttonValue,
  CLAIM_ACTION_ID,
  ESCALATE_ACTION_ID,
  FLAG_ACTION_ID,
  MORE_ACTION_ID,
  RECLASSIFY_ACTION_ID,
  RECORD_CONTACT_ACTION_ID,
  REJECT_ACTION_ID,
  RELEASE_ACTION_ID,
  REPLY_ACTION_ID,
  REQUEST_INFO_ACTION_ID,
  RESOLVE_ACTION_ID,
  UNFLAG_ACTION_ID,
} from '../ids';
import type { SlackText } from '../slack-text';
import { escapeMrkdwn, mention, quoteCustomerText, slackDate, truncate } from './mrkdwn';

export type KnownBlock = types.KnownBlock;

/** How much of the complaint the message shows before "Show full text". */
export const CARD_TEXT_LIMIT = 600;

const SEVERITY_ICON = { general: ':large_blue_circle:', important: ':large_orange_circle:', major: ':red_circle:' } as const;

/** Customer name and contacts, masked (the only form Slack ever gets them in). */
export function maskedCustomer(t: Ticket): string {
  const parts = [t.customer.name ? maskName(t.customer.name) : null, t.customer.contact.phone ? maskPhone(t.customer.contact.phone) : null, t.customer.contact.email ? maskEmail(t.customer.contact.email) : null].filter(
    (x): x is string => !!x,
  );
  return parts.length ? parts.map(escapeMrkdwn).join(' · ') : '—';
}

export function cardTitle(t: Ticket, text: SlackText): string {
  return `${text.severity(t.severity)} · ${t.number} · ${text.category(t.category)}`;
}

/** Links the card shows when known (the outbox looks them up): the earlier ticket of a repeat. */
export interface CardLinks {
  /** `<permalink|2026000001>` of the earlier ticket's message. */
  recurrenceOf?: string | null;
}

/** An erased ticket shows nothing of the customer, even if its values are still being removed. */
function scrubbed(t: Ticket): Ticket {
  if (!t.erased) return t;
  return { ...t, customer: { name: null, contact: {}, key: null }, description: ERASED_TEXT, orderId: null, occurredText: null, location: null };
}

export function createTicketCard(ticket: Ticket, text: SlackText, now: Date, links: CardLinks = {}): { text: string; blocks: KnownBlock[] } {
  const t = scrubbed(ticket);
  const m = text.m;
  const blocks: KnownBlock[] = [];
  blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(`${cardTitle(t, text)}`, 150).text, emoji: true } });

  const flags: string[] = [];
  if (t.flags.highRisk) flags.push(m.highRisk);
  if (t.flags.recurrenceOf) {
    const repeat = escapeMrkdwn(m.recurrence(t.flags.recurrenceOf));
    flags.push(links.recurrenceOf ? repeat.replace(t.flags.recurrenceOf, links.recurrenceOf) : repeat);
  }
  const malicious = t.flags.suspectedMalicious;
  if (malicious) flags.push(malicious.since ? m.watch.flaggedSince(escapeMrkdwn(malicious.reason), malicious.since) : m.watch.flagged(escapeMrkdwn(malicious.reason)));
  else if (t.flags.maliciousSuggested) flags.push(m.watch.suggest(t.flags.maliciousSuggested.rejected));
  if (t.erased) flags.push(m.watch.erased);
  if (t.flags.personRequestedAt && !t.owner) flags.push(m.personRequested);
  const open = t.sla.deadlines.filter((d) => !d.metAt);
  if (open.some((d) => d.overdueAt)) flags.push(`:rotating_light: ${escapeMrkdwn(m.overdue)}`);
  else if (open.some((d) => d.warnedAt)) flags.push(`:triangular_flag_on_post: ${escapeMrkdwn(m.warning)}`);
  if (t.sla.escalationTier > 0) flags.push(`:arrow_double_up: ${escapeMrkdwn(m.tierNow(m.tier[t.sla.escalationTier] ?? String(t.sla.escalationTier)))}`);
  const owner = t.owner ? ` · ${m.ownedBy(mention(t.owner.id))}` : '';
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${SEVERITY_ICON[t.severity]} *${escapeMrkdwn(m.status[t.status])}*${owner}${flags.length ? ` · ${flags.join(' · ')}` : ''}` }] });

  const order = [t.orderId, t.product, t.merchant].filter((x): x is string => !!x).map((x) => escapeMrkdwn(truncate(x, 80).text));
  const confidence = `${Math.round(t.classification.confidence * 100)}%${t.classification.categoryDecidedBy !== 'classifier' ? ` (${escapeMrkdwn(m.decidedBy(t.classification.categoryDecidedBy))})` : ''}`;
  const fields: Array<[string, string]> = [
    [m.field.channel, escapeMrkdwn(t.source ? `${t.channel} (${t.source})` : t.channel)],
    [m.field.customer, maskedCustomer(t)],
    [m.field.order, order.length ? order.join(' · ') : m.none],
    [m.field.amount, t.amount ? escapeMrkdwn(`${t.amount.currency} ${t.amount.value.toFixed(2)}`) : m.none],
    [m.field.remedy, t.desiredRemedy ? m.remedy[t.desiredRemedy] : m.none],
    [m.field.confidence, confidence],
  ];
  blocks.push({ type: 'section', fields: fields.map(([k, v]) => ({ type: 'mrkdwn', text: `*${escapeMrkdwn(k)}*\n${v}` })) });

  const quoted = quoteCustomerText(t.description, CARD_TEXT_LIMIT);
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: `*${escapeMrkdwn(m.field.complaint)}*\n${quoted.text}` },
    ...(quoted.cut ? { accessory: { type: 'button', action_id: MORE_ACTION_ID, text: { type: 'plain_text', text: m.button.more }, value: buttonValue(t.number, t.version) } } : {}),
  });

  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(m.field.deadlines)}*\n${deadlineLines(t, text, now)}` } });

  const buttons = buttonsFor(t, text);
  if (buttons.length) blocks.push({ type: 'actions', block_id: `ticket_actions_${t.number}`, elements: buttons });

  const fallback = `${cardTitle(t, text)} — ${m.status[t.status]}`;
  return { text: fallback, blocks };
}

function deadlineLines(t: Ticket, text: SlackText, now: Date): string {
  const m = text.m;
  const lines = t.sla.deadlines.map((d) => {
    const name = escapeMrkdwn(m.deadline[d.kind]);
    if (d.metAt) return `:heavy_check_mark: ${name}: ${m.met}`;
    if (!d.dueAt) return `:double_vertical_bar: ${name}: ${m.paused}`;
    const late = !!d.overdueAt || d.dueAt.getTime() < now.getTime();
    // A red flag marks the deadline once its warning is given (and until it is met).
    const flagged = !late && !!d.warnedAt;
    const icon = late ? ':rotating_light:' : flagged ? ':triangular_flag_on_post:' : ':hourglass_flowing_sand:';
    return `${icon} ${name}: ${slackDate(d.dueAt, text.timeZone)}${late ? ` (${m.overdue})` : flagged ? ` (${m.warning})` : ''}`;
  });
  return lines.length ? lines.join('\n') : m.none;
}

const BUTTONS_BY_STATUS: Partial<Record<TicketStatus, string[]>> = {
  new: [CLAIM_ACTION_ID, RECLASSIFY_ACTION_ID, REJECT_ACTION_ID],
  reopened: [CLAIM_ACTION_ID, RECLASSIFY_ACTION_ID, REJECT_ACTION_ID],
  claimed: [REPLY_ACTION_ID, RESOLVE_ACTION_ID, REQUEST_INFO_ACTION_ID, ESCALATE_ACTION_ID, RECORD_CONTACT_ACTION_ID, RECLASSIFY_ACTION_ID, RELEASE_ACTION_ID],
  investigating: [REPLY_ACTION_ID, RESOLVE_ACTION_ID, REQUEST_INFO_ACTION_ID, ESCALATE_ACTION_ID, RECORD_CONTACT_ACTION_ID, RECLASSIFY_ACTION_ID],
  waiting_customer: [REPLY_ACTION_ID, RESOLVE_ACTION_ID, ESCALATE_ACTION_ID, RECORD_CONTACT_ACTION_ID, RECLASSIFY_ACTION_ID],
};

function buttonsFor(t: Ticket, text: SlackText): types.Button[] {
  const b = { ...text.m.button, flag: text.m.watch.button.flag, unflag: text.m.watch.button.unflag };
  const label: Record<string, string> = {
    [CLAIM_ACTION_ID]: b.claim,
    [RECLASSIFY_ACTION_ID]: b.reclassify,
    [REJECT_ACTION_ID]: b.reject,
    [RESOLVE_ACTION_ID]: b.resolve,
    [REQUEST_INFO_ACTION_ID]: b.requestInfo,
    [ESCALATE_ACTION_ID]: b.escalate,
    [RELEASE_ACTION_ID]: b.release,
    [REPLY_ACTION_ID]: b.reply,
    [RECORD_CONTACT_ACTION_ID]: b.recordContact,
    [FLAG_ACTION_ID]: b.flag,
    [UNFLAG_ACTION_ID]: b.unflag,
  };
  const firstContactOpen = t.sla.deadlines.some((d) => d.kind === 'firstContact' && !d.metAt);
  const atTop = t.sla.escalationTier >= 2;
  return [...(BUTTONS_BY_STATUS[t.status] ?? []), ...flagButton(t)]
    .filter((id) => (id === RECORD_CONTACT_ACTION_ID ? firstContactOpen : id === ESCALATE_ACTION_ID ? !atTop : true))
    .map((id) => ({
      type: 'button',
      action_id: id,
      text: { type: 'plain_text', text: label[id]!, emoji: true },
      value: buttonValue(t.number, t.version),
      ...(id === CLAIM_ACTION_ID || id === REPLY_ACTION_ID ? { style: 'primary' as const } : id === REJECT_ACTION_ID || id === FLAG_ACTION_ID ? { style: 'danger' as const } : {}),
    }));
}

/**
 * The supervisors' flag button, where it is wanted: on a flagged ticket (to remove it), on a
 * rejected one, and where the desk suggests it (many rejections). Anywhere else `/complaints flag`.
 */
function flagButton(t: Ticket): string[] {
  if (t.erased) return [];
  if (t.flags.suspectedMalicious) return [UNFLAG_ACTION_ID];
  if (t.status === 'rejected' || t.flags.maliciousSuggested) return [FLAG_ACTION_ID];
  return [];
}
