/**
 * "Talk to a person" (asked for, or after three answers the bot could not use): files the
 * complaint with what was collected, flagged for a person, after asking only for what the core
 * cannot file without (a few words on the problem, a phone or e-mail).
 */
import crypto from 'node:crypto';
import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { InterruptibleDialog } from './interruptible-dialog';
import { isFilled, newDraft, type ComplaintDraft } from './complaint-draft';
import { DeskError, type DialogDeps } from './ports';
import { parseContact } from './extract/slots';
import { customerOf, languageOf, say } from './turn-context';
import { conversationRefOf } from './conversation-ref';
import { applySlots, filingKey } from './complaint-dialog';
import { extractSlots } from './extract/slots';

export const PERSON_DIALOG = 'personDialog';
const WATERFALL_DIALOG = 'personWaterfall';
const DESCRIPTION_PROMPT = 'personDescriptionPrompt';
const CONTACT_PROMPT = 'personContactPrompt';

export interface PersonOptions {
  draft?: ComplaintDraft;
}

export interface HandoffResult {
  kind: 'handoff';
  number: string;
}

type Step = WaterfallStepContext<PersonOptions & { draft: ComplaintDraft }>;

export class PersonDialog extends InterruptibleDialog {
  constructor(private readonly deps: DialogDeps) {
    super(PERSON_DIALOG);
    this.addDialog(new TextPrompt(DESCRIPTION_PROMPT, async (p: PromptValidatorContext<string>) => (p.recognized.value ?? '').trim().length >= 2 || p.attemptCount >= 3))
      .addDialog(new TextPrompt(CONTACT_PROMPT, async (p: PromptValidatorContext<string>) => parseContact(p.recognized.value ?? '') !== null || p.attemptCount >= 3))
      .addDialog(new WaterfallDialog(WATERFALL_DIALOG, [this.descriptionStep.bind(this), this.contactStep.bind(this), this.fileStep.bind(this)]));
    this.initialDialogId = WATERFALL_DIALOG;
  }

  private async descriptionStep(step: Step): Promise<DialogTurnResult> {
    step.options.draft ??= newDraft(crypto.randomBytes(9).toString('base64url'));
    if (isFilled(step.options.draft, 'description')) return step.next();
    const m = say(step.context);
    return step.prompt(DESCRIPTION_PROMPT, { prompt: `${m.noTicketForHandoff} ${m.ask.description}`, retryPrompt: m.retry.description });
  }

  private async contactStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    if (typeof step.result === 'string' && step.result.trim()) {
      d.description = step.result.trim().slice(0, 5000);
      applySlots(d, extractSlots(step.result, { now: this.deps.settings.now(), timeZone: this.deps.settings.timeZone }), false);
    }
    if (isFilled(d, 'contact')) return step.next();
    const m = say(step.context);
    return step.prompt(CONTACT_PROMPT, { prompt: m.handoffAskContact, retryPrompt: m.retry.contact });
  }

  private async fileStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    const m = say(step.context);
    if (typeof step.result === 'string') {
      const contact = parseContact(step.result);
      if (contact?.phone) d.phone = contact.phone;
      if (contact?.email) d.email = contact.email;
    }
    if (!d.description || !isFilled(d, 'contact')) {
      // Without a way to reach them the core cannot file; say so rather than loop.
      await step.context.sendActivity(m.noTicketForHandoff);
      return step.endDialog(null);
    }
    try {
      const ticket = await this.deps.desk.file(d, {
        actor: customerOf(step.context),
        conversationRef: conversationRefOf(step.context),
        language: languageOf(step.context),
        idempotencyKey: filingKey(customerOf(step.context).conversationId, d),
        personRequested: true,
      });
      await step.context.sendActivity(m.handoffFiled(ticket.number));
      return step.endDialog({ kind: 'handoff', number: ticket.number } satisfies HandoffResult);
    } catch (err) {
      if (!(err instanceof DeskError)) throw err;
      await step.context.sendActivity(m.unavailable);
      return step.endDialog(null);
    }
  }
}
