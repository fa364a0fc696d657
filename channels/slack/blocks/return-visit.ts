/**
 * The return-visit message (posted when a visit falls due, updated when it is claimed and when its
 * outcome is recorded): which ticket, why it is visited, the customer masked as on the ticket
 * message, a link to the ticket's thread, and the one button the visit's state allows (Claim, then
 * Record outcome for whoever took it).
 */
import type { types } from '@slack/bolt';
import type { ReturnVisitState } from '../../../src/domain/follow-up';
import type { Ticket } from '../../../src/domain/ticket';
import { RETURN_VISIT_CLAIM_ACTION_ID, RETURN_VISIT_RECORD_ACTION_ID, buttonValue } from '../ids';
import type { SlackText } from '../slack-text';
import { escapeMrkdwn, mention, slackDate, truncate } from './mrkdwn';
import { maskedCustomer, type KnownBlock } from './ticket-card';

export const VISIT_OUTCOMES = ['reached_satisfied', 'reached_unsatisfied', 'not_reached'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

/** The outcome the modal offers, as the core records it. */
export function visitOutcomeOf(o: VisitOutcome): { reached: boolean; satisfied: boolean | null } {
  return o === 'reached_satisfied' ? { reached: true, satisfied: true } : o === 'reached_unsatisfied' ? { reached: true, satisfied: false } : { reached: false, satisfied: null };
}

export function visitOutcomeKey(o: { reached: boolean; satisfied: boolean | null }): VisitOutcome {
  return !o.reached ? 'not_reached' : o.satisfied ? 'reached_satisfied' : 'reached_unsatisfied';
}

/** When the closing the visit follows happened (the last close of the ticket up to that version). */
function closedAt(t: Ticket, rv: ReturnVisitState): Date | null {
  const close = [...t.history].reverse().find((h) => h.to === 'closed' && h.version <= rv.closedVersion);
  return close ? new Date(close.at) : null;
}

export function returnVisitMessage(t: Ticket, text: SlackText, where: string): { text: string; blocks: KnownBlock[] } {
  const v = text.m.visit;
  const rv = t.returnVisit!;
  const closed = closedAt(t, rv);
  const headline = v.due(t.number, v.reason[rv.reason] ?? rv.reason, closed ? slackDate(closed, text.timeZone) : '—', where);
  const facts = `${escapeMrkdwn(text.severity(t.severity))} · ${escapeMrkdwn(text.category(t.category))} · ${text.m.field.customer}: ${maskedCustomer(t)}${t.owner ? ` · ${text.m.ownedBy(mention(t.owner.id))}` : ''}`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: headline } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: facts }] },
  ];
  const value = buttonValue(t.number, rv.closedVersion);
  if (rv.status === 'due') {
    blocks.push({ type: 'actions', block_id: `return_visit_${t.number}`, elements: [button(RETURN_VISIT_CLAIM_ACTION_ID, v.claim, value, true)] });
  } else if (rv.status === 'claimed') {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: v.claimedBy(mention(rv.claimedBy?.id ?? '')) }] });
    blocks.push({ type: 'actions', block_id: `return_visit_${t.number}`, elements: [button(RETURN_VISIT_RECORD_ACTION_ID, v.record, value, true)] });
  } else if (rv.outcome) {
    const outcome = v.outcome[visitOutcomeKey(rv.outcome)]!;
    const note = rv.outcome.note ? ` — ${escapeMrkdwn(truncate(rv.outcome.note, 1500).text)}` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${v.doneBy(mention(rv.outcome.by.id), outcome)}${note}` } });
  }
  const state = rv.status === 'done' && rv.outcome ? ` — ${v.outcome[visitOutcomeKey(rv.outcome)]}` : '';
  return { text: `${v.title}: ${t.number}${state}`, blocks };
}

function button(actionId: string, label: string, value: string, primary: boolean): types.Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: label, emoji: true }, value, ...(primary ? { style: 'primary' as const } : {}) };
}
