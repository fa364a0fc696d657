/**
 * The modals agents act through (Block Kit views). Each carries in `private_metadata` the ticket
 * number, the version the agent saw and where its message is, so the submission can act exactly
 * once (a resubmission of the same view is the same request) and answer in the right place.
 */
import type { types } from '@slack/bolt';
import { CATEGORIES, REMEDIES, SEVERITIES } from '../../../src/domain/taxonomy';
import type { Ticket } from '../../../src/domain/ticket';
import { REJECT_REASONS } from '../i18n';
import { ESCALATE_VIEW_ID, FLAG_VIEW_ID, RECLASSIFY_VIEW_ID, UNFLAG_VIEW_ID, REJECT_VIEW_ID, RELEASE_VIEW_ID, REPLY_PREVIEW_VIEW_ID, REPLY_VIEW_ID, REQUEST_INFO_VIEW_ID, RESOLVE_VIEW_ID, RETURN_VISIT_VIEW_ID } from '../ids';
import { VISIT_OUTCOMES } from './return-visit';
import type { SlackText } from '../slack-text';
import { chunks, escapeMrkdwn, quoteCustomerText, truncate } from './mrkdwn';

export type View = types.View;

/** What a modal remembers of where it was opened. */
export interface ModalMeta {
  /** Ticket number and the version its message showed. */
  n: string;
  v: number;
  /** Channel of the ticket message (for ephemeral answers). */
  c: string | null;
  /** The customer's language (the reply preview shows it). */
  l?: string;
  /** For the reply preview: the text to send. */
  text?: string;
}

export const TEXT_MAX = 2000;
/** Slack keeps at most 3,000 characters of private_metadata; the previewed reply travels in it. */
export const REPLY_MAX = 2400;

export function encodeMeta(m: ModalMeta): string {
  return JSON.stringify(m);
}

export function decodeMeta(raw: unknown): ModalMeta | null {
  try {
    const m = JSON.parse(String(raw)) as Partial<ModalMeta>;
    if (typeof m.n !== 'string' || !/^\d{10}$/.test(m.n) || !Number.isInteger(m.v)) return null;
    return { n: m.n, v: m.v!, c: typeof m.c === 'string' ? m.c : null, ...(typeof m.l === 'string' ? { l: m.l } : {}), ...(typeof m.text === 'string' ? { text: m.text } : {}) };
  } catch {
    return null;
  }
}

const plain = (text: string) => ({ type: 'plain_text' as const, text: truncate(text, 150).text, emoji: true });

function modal(callbackId: string, title: string, text: SlackText, meta: ModalMeta, blocks: types.KnownBlock[], submit: string | null = text.m.modal.submit): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(truncate(title, 24).text),
    close: plain(text.m.modal.cancel),
    ...(submit ? { submit: plain(submit) } : {}),
    private_metadata: encodeMeta(meta),
    blocks,
  };
}

function textInput(blockId: string, label: string, options: { multiline?: boolean; max?: number; optional?: boolean; hint?: string; initial?: string; placeholder?: string } = {}): types.InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    optional: options.optional ?? false,
    ...(options.hint ? { hint: plain(options.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      multiline: options.multiline ?? false,
      ...(options.max ? { max_length: options.max } : {}),
      ...(options.initial ? { initial_value: options.initial } : {}),
      ...(options.placeholder ? { placeholder: plain(options.placeholder) } : {}),
    },
  };
}

function select(blockId: string, label: string, options: Array<[string, string]>, initial: string | null, optional = false): types.InputBlock {
  const opts = options.map(([value, text]) => ({ text: plain(text), value }));
  const init = opts.find((o) => o.value === initial);
  return { type: 'input', block_id: blockId, label: plain(label), optional, element: { type: 'static_select', action_id: 'value', options: opts, ...(init ? { initial_option: init } : {}) } };
}

function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function heading(t: Ticket, text: SlackText): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: `*${t.number}* · ${escapeMrkdwn(text.severity(t.severity))} · ${escapeMrkdwn(text.category(t.category))} · ${escapeMrkdwn(text.m.status[t.status])}` } };
}

/** Can the desk write to this ticket's customer at all (a chat channel with a conversation)? */
export function reachable(t: Ticket): boolean {
  return t.conversationRef !== null;
}

export function resolveModal(t: Ticket, text: SlackText, meta: ModalMeta): View {
  const m = text.m.modal;
  const blocks: types.KnownBlock[] = [
    heading(t, text),
    textInput('result', m.resultLabel, { multiline: true, max: TEXT_MAX }),
    select('remedy', m.remedyLabel, REMEDIES.map((r) => [r, text.m.remedy[r]]), t.desiredRemedy, true),
    textInput('amount', m.amountLabel, { optional: true, hint: m.amountHint, max: 20 }),
  ];
  if (reachable(t)) blocks.push(textInput('notice', m.noticeLabel, { multiline: true, max: TEXT_MAX, hint: m.noticeHint }));
  return modal(RESOLVE_VIEW_ID, m.resolveTitle, text, meta, blocks);
}

export function rejectModal(t: Ticket, text: SlackText, meta: ModalMeta): View {
  const m = text.m.modal;
  return modal(REJECT_VIEW_ID, m.rejectTitle, text, meta, [
    heading(t, text),
    select('reason', m.reasonLabel, REJECT_REASONS.map((r) => [r, text.m.rejectReason[r]]), null),
    textInput('explanation', m.explanationLabel, { multiline: true, max: TEXT_MAX, hint: reachable(t) ? m.noticeHint : undefined }),
  ]);
}

export function requestInfoModal(t: Ticket, text: SlackText, meta: ModalMeta): View {
  const m = text.m.modal;
  return modal(REQUEST_INFO_VIEW_ID, m.requestTitle, text, meta, [heading(t, text), textInput('question', m.questionLabel, { multiline: true, max: TEXT_MAX, hint: m.questionHint })]);
}

export function reclassifyModal(t: Ticket, text: SlackText, meta: ModalMeta): View {
  const m = text.m.modal;
  return modal(RECLASSIFY_VIEW_ID, m.reclassifyTitle, text, meta, [
    heading(t, text),
    select('category', m.categoryLabel, CATEGORIES.map((c) => [c, text.category(c)]), t.category),
    select('severity', m.severityLabel, SEVERITIES.map((s) => [s, text.severity(s)]), t.severity),
    context(escapeMrkdwn(m.reclassifyHint)),
  ]);
}

export function escalateModal(t: Ticket, text: SlackText, meta: ModalMeta): View {
  const m = text.m.modal;
  const next = text.m.tier[t.sla.escalationTier + 1];
  return modal(ESCALATE_VIEW_ID, m.escalateTitle, text, meta, [
    heading(t, text),
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(next ? m.escalateTo(next) : m.escalateTop) } },
    textInput('note', m.noteLabel, { multiline: true, max: 1000, optional: true }),
  ], next ? m.submit : null);
}

export function releaseModal(t: Ticket, text: SlackText, meta: ModalMeta): View {
  const m = text.m.modal;
  return modal(RELEASE_VIEW_ID, m.releaseTitle, text, meta, [
    heading(t, text),
    { type: 'input', block_id: 'assignee', optional: true, label: plain(m.assigneeLabel), element: { type: 'users_select', action_id: 'value' } },
  ]);
}

export function replyModal(t: Ticket, text: SlackText, meta: ModalMeta, initial?: string): View {
  const m = text.m.modal;
  const lang = text.m.lang[t.language] ?? t.language;
  return modal(REPLY_VIEW_ID, m.replyTitle, text, meta, [
    heading(t, text),
    context(m.replyLanguage(escapeMrkdwn(lang))),
    textInput('message', m.replyLabel, { multiline: true, max: REPLY_MAX, ...(initial ? { initial } : {}) }),
  ], m.back);
}

/** The second step of a reply: exactly what the customer gets, and Send. */
export function replyPreviewModal(t: Pick<Ticket, 'number' | 'language'>, text: SlackText, meta: ModalMeta & { text: string }): View {
  const m = text.m.modal;
  const lang = text.m.lang[t.language] ?? t.language;
  return modal(REPLY_PREVIEW_VIEW_ID, m.replyTitle, text, meta, [
    context(`*${t.number}* · ${m.replyLanguage(escapeMrkdwn(lang))}`),
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(m.previewIntro) } },
    { type: 'section', text: { type: 'mrkdwn', text: quoteCustomerText(meta.text, 2900).text } },
    context(m.previewConfirm),
  ], m.send);
}

export function fullTextModal(t: Ticket, text: SlackText): View {
  const pieces = chunks(t.description, 2500).slice(0, 40).map(escapeMrkdwn);
  return {
    type: 'modal',
    title: plain(truncate(text.m.modal.fullText, 24).text),
    close: plain(text.m.modal.cancel),
    blocks: [heading(t, text), ...pieces.map((p) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text: p } }))],
  };
}

/** Flag (or unflag) a ticket's customer as malicious: a reason is required (the submission refuses an empty one). */
export function flagModal(t: Ticket, text: SlackText, meta: ModalMeta, unflag = false): View {
  const w = text.m.watch.modal;
  return modal(unflag ? UNFLAG_VIEW_ID : FLAG_VIEW_ID, unflag ? w.unflagTitle : w.flagTitle, text, meta, [
    heading(t, text),
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(unflag ? w.unflagIntro(t.number) : w.flagIntro(t.number)) } },
    textInput('reason', w.reasonLabel, { multiline: true, max: 500, hint: w.reasonHint }),
  ]);
}

/** The outcome of a return visit: reached and satisfied / reached, not satisfied / not reached, and a required note. */
export function returnVisitModal(t: Ticket, text: SlackText, meta: ModalMeta): View {
  const v = text.m.visit;
  return modal(RETURN_VISIT_VIEW_ID, v.title, text, meta, [
    heading(t, text),
    select('outcome', v.outcomeLabel, VISIT_OUTCOMES.map((o) => [o, v.outcome[o]!]), null),
    textInput('note', v.noteLabel, { multiline: true, max: TEXT_MAX }),
  ]);
}
