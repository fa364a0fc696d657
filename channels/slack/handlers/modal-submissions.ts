/**
 * What agents submit in the modals. Values out of range are answered in the modal itself
 * (`response_action: errors`) before anything is done; a valid submission is acknowledged at
 * once and goes to the core after, and a refusal (not the owner, a transition the state does
 * not allow) is told to the agent in an ephemeral message. The view's id makes the customer
 * message of a submission idempotent, and the version the agent saw makes its change so.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { CATEGORIES, REMEDIES, SEVERITIES, type Category, type Remedy, type Severity } from '../../../src/domain/taxonomy';
import { decodeMeta, replyPreviewModal, REPLY_MAX, TEXT_MAX, type ModalMeta } from '../blocks/modals';
import { REJECT_REASONS, type RejectReason } from '../i18n';
import { ESCALATE_VIEW_ID, RECLASSIFY_VIEW_ID, REJECT_VIEW_ID, RELEASE_VIEW_ID, REPLY_PREVIEW_VIEW_ID, REPLY_VIEW_ID, REQUEST_INFO_VIEW_ID, RESOLVE_VIEW_ID } from '../ids';
import { escapeMrkdwn, mention } from '../blocks/mrkdwn';
import { agentOf, explain, tell, type SlackHandlerDeps } from './common';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Values = ViewSubmitAction['view']['state']['values'];
type Errors = Record<string, string>;
/** Field errors for the modal, the work to do after the acknowledgement, or the next view. */
type Checked = Errors | ((args: ViewArgs) => Promise<void>) | { update: unknown };

function text(values: Values, block: string): string {
  return (values[block]?.value?.value ?? '').trim();
}

function selected(values: Values, block: string): string | null {
  return values[block]?.value?.selected_option?.value ?? null;
}

function user(values: Values, block: string): string | null {
  return values[block]?.value?.selected_user ?? null;
}

/** 0 ≤ amount ≤ 10,000,000 with at most 2 decimals; null when empty, undefined when invalid. */
export function parseAmount(raw: string): number | null | undefined {
  if (!raw) return null;
  const normalised = raw.replace(/[,\s¥￥$]/g, '');
  if (!/^\d{1,8}(\.\d{1,2})?$/.test(normalised)) return undefined;
  const n = Number(normalised);
  return n <= 10_000_000 ? n : undefined;
}

interface Submission {
  meta: ModalMeta;
  values: Values;
  viewId: string;
}

/**
 * Register one view: `check` returns field errors (shown in the modal) or the work to do after
 * the acknowledgement. A view whose metadata is not ours gets a clear error, never a silent drop.
 */
function onSubmit(app: App, callbackId: string, deps: SlackHandlerDeps, check: (s: Submission, args: ViewArgs) => Checked) {
  app.view<ViewSubmitAction>(callbackId, async (args) => {
    const { ack, body, view } = args;
    const meta = decodeMeta(view.private_metadata);
    if (!meta) {
      const firstBlock = Object.keys(view.state.values)[0];
      if (firstBlock) await ack({ response_action: 'errors', errors: { [firstBlock]: deps.text.m.reply.badAction } });
      else await ack();
      return;
    }
    const outcome = check({ meta, values: view.state.values, viewId: view.root_view_id ?? view.id }, args);
    if (typeof outcome === 'function') {
      await ack();
      deps.background.run(callbackId, async () => {
        try {
          await outcome(args);
        } catch (err) {
          await tell(args.client, { channel: meta.c, user: body.user.id }, explain(err, meta.n, deps), deps.logger);
        }
      });
      return;
    }
    if ('update' in outcome) {
      await ack({ response_action: 'update', view: outcome.update as never });
      return;
    }
    await ack({ response_action: 'errors', errors: outcome });
  });
}

export function registerModalSubmissions(app: App, deps: SlackHandlerDeps): void {
  const m = deps.text.m.modal;
  const tooLong = (s: string, max: number) => [...s].length > max;

  onSubmit(app, RESOLVE_VIEW_ID, deps, ({ meta, values }, { body }): Checked => {
    const result = text(values, 'result');
    const amount = parseAmount(text(values, 'amount'));
    const remedy = selected(values, 'remedy');
    const hasNotice = 'notice' in values;
    const notice = text(values, 'notice');
    const errors: Errors = {};
    if (!result) errors.result = m.required;
    else if (tooLong(result, TEXT_MAX)) errors.result = m.tooLong(TEXT_MAX);
    if (amount === undefined) errors.amount = m.mustBeNumber;
    if (remedy !== null && !REMEDIES.includes(remedy as Remedy)) errors.remedy = m.required;
    if (hasNotice && !notice) errors.notice = m.required;
    else if (tooLong(notice, TEXT_MAX)) errors.notice = m.tooLong(TEXT_MAX);
    if (Object.keys(errors).length) return errors;
    return async () => {
      const actor = agentOf(body.user);
      // What the customer is told goes into the result notice (with the remedy and how to appeal).
      await deps.complaints.transition(meta.n, 'resolve', {
        actor,
        expectedVersion: meta.v,
        resolution: { remedy: (remedy as Remedy | null) ?? null, amount: amount ?? null, note: result },
        ...(notice ? { customerNotice: notice } : {}),
      });
    };
  });

  onSubmit(app, REJECT_VIEW_ID, deps, ({ meta, values, viewId }, { body }): Checked => {
    const reason = selected(values, 'reason');
    const explanation = text(values, 'explanation');
    const errors: Errors = {};
    if (!reason || !REJECT_REASONS.includes(reason as RejectReason)) errors.reason = m.required;
    if (!explanation) errors.explanation = m.required;
    else if (tooLong(explanation, TEXT_MAX)) errors.explanation = m.tooLong(TEXT_MAX);
    if (Object.keys(errors).length) return errors;
    return async () => {
      const actor = agentOf(body.user);
      const asSupervisor = await deps.supervisors.has(actor.id);
      const t = await deps.complaints.get(meta.n);
      await deps.complaints.transition(meta.n, 'reject', { actor, expectedVersion: meta.v, reason: `${reason}: ${explanation}`.slice(0, 1000) });
      // The customer is told why (on their channel, when the desk can reach them).
      if (t.conversationRef) await deps.complaints.sendAgentMessage(meta.n, { text: explanation, messageId: `slack-${viewId}` }, actor, { asSupervisor });
    };
  });

  onSubmit(app, REQUEST_INFO_VIEW_ID, deps, ({ meta, values, viewId }, { body }): Checked => {
    const question = text(values, 'question');
    if (!question) return { question: m.required };
    if (tooLong(question, TEXT_MAX)) return { question: m.tooLong(TEXT_MAX) };
    return async () => {
      const actor = agentOf(body.user);
      const asSupervisor = await deps.supervisors.has(actor.id);
      const t = await deps.complaints.get(meta.n);
      await deps.complaints.transition(meta.n, 'request_info', { actor, expectedVersion: meta.v, reason: question.slice(0, 1000) });
      if (t.conversationRef) await deps.complaints.sendAgentMessage(meta.n, { text: question, messageId: `slack-${viewId}` }, actor, { asSupervisor });
    };
  });

  onSubmit(app, RECLASSIFY_VIEW_ID, deps, ({ meta, values }, { body, client }): Checked => {
    const category = selected(values, 'category');
    const severity = selected(values, 'severity');
    if (category !== null && !CATEGORIES.includes(category as Category)) return { category: m.required };
    if (severity !== null && !SEVERITIES.includes(severity as Severity)) return { severity: m.required };
    return async () => {
      const t = await deps.complaints.get(meta.n);
      const change: { category?: Category; severity?: Severity } = {};
      if (category && category !== t.category) change.category = category as Category;
      if (severity && severity !== t.severity) change.severity = severity as Severity;
      if (!change.category && !change.severity) {
        await tell(client, { channel: meta.c, user: body.user.id }, m.pickOne, deps.logger);
        return;
      }
      await deps.complaints.reclassify(meta.n, change, agentOf(body.user), meta.v);
    };
  });

  onSubmit(app, ESCALATE_VIEW_ID, deps, ({ meta, values }, { body, client }): Checked => {
    const note = text(values, 'note');
    if (tooLong(note, 1000)) return { note: m.tooLong(1000) };
    return async () => {
      const actor = agentOf(body.user);
      const asSupervisor = await deps.supervisors.has(actor.id);
      await deps.complaints.escalate(meta.n, { actor, expectedVersion: meta.v, asSupervisor });
      // Why is an internal note in the ticket's thread, as if the agent had written it there.
      const thread = note ? await deps.store.thread(meta.n) : null;
      if (thread?.ts) await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: `${mention(actor.id)}: ${escapeMrkdwn(note)}` });
    };
  });

  onSubmit(app, RELEASE_VIEW_ID, deps, ({ meta, values }, { body }): Checked => {
    const assignee = user(values, 'assignee');
    return async () => {
      const actor = agentOf(body.user);
      if (!assignee) {
        await deps.complaints.transition(meta.n, 'release', { actor, expectedVersion: meta.v });
        return;
      }
      const asSupervisor = await deps.supervisors.has(actor.id);
      await deps.complaints.reassign(meta.n, { actor, expectedVersion: meta.v, asSupervisor, to: { id: assignee, name: null } });
    };
  });

  // Reply to the customer, in two steps: write, then see exactly what goes out and send it.
  onSubmit(app, REPLY_VIEW_ID, deps, ({ meta, values }): Checked => {
    const message = text(values, 'message');
    if (!message) return { message: m.required };
    if (tooLong(message, REPLY_MAX)) return { message: m.tooLong(REPLY_MAX) };
    return { update: replyPreviewModal({ number: meta.n, language: (meta.l ?? 'zh') as never }, deps.text, { ...meta, text: message }) };
  });

  onSubmit(app, REPLY_PREVIEW_VIEW_ID, deps, ({ meta, viewId }, { body }): Checked => {
    return async () => {
      if (!meta.text?.trim()) return;
      const actor = agentOf(body.user);
      const asSupervisor = await deps.supervisors.has(actor.id);
      await deps.complaints.sendAgentMessage(meta.n, { text: meta.text, messageId: `slack-${viewId}` }, actor, { asSupervisor });
    };
  });
}
