/**
 * Add information or evidence to an existing ticket: which ticket (this conversation's own, or a
 * number verified like a status lookup), then the text and/or files. The addition reaches the
 * ticket's audit log and the agent side through the core.
 */
import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { InterruptibleDialog } from './interruptible-dialog';
import { DeskError, type DialogDeps } from './ports';
import { ticketNumberIn } from './recognizers';
import { customerOf, messageIdOf, say } from './turn-context';
import { askVerification, verification } from './status-dialog';
import { acceptEvidence } from './evidence';

export const ADD_INFO_DIALOG = 'addInfoDialog';
const WATERFALL_DIALOG = 'addInfoWaterfall';
const NUMBER_PROMPT = 'addInfoNumberPrompt';
const VERIFY_PROMPT = 'addInfoVerifyPrompt';
const ADDITION_PROMPT = 'addInfoAdditionPrompt';

export interface AddInfoOptions {
  number?: string;
  own?: string[];
}

export interface AddInfoResult {
  kind: 'added';
  number: string;
}

type Step = WaterfallStepContext<AddInfoOptions>;

export class AddInfoDialog extends InterruptibleDialog {
  constructor(private readonly deps: DialogDeps) {
    super(ADD_INFO_DIALOG);
    this.addDialog(new TextPrompt(NUMBER_PROMPT, async (p: PromptValidatorContext<string>) => !!ticketNumberIn(p.recognized.value ?? '') || p.attemptCount >= 3))
      .addDialog(new TextPrompt(VERIFY_PROMPT, async (p: PromptValidatorContext<string>) => verification(p.recognized.value ?? '') !== null || p.attemptCount >= 3))
      .addDialog(
        new TextPrompt(ADDITION_PROMPT, async (p: PromptValidatorContext<string>) => !!p.context.activity.attachments?.length || !!p.recognized.value?.trim() || p.attemptCount >= 3),
      )
      .addDialog(new WaterfallDialog(WATERFALL_DIALOG, [this.numberStep.bind(this), this.verifyStep.bind(this), this.additionStep.bind(this), this.saveStep.bind(this)]));
    this.initialDialogId = WATERFALL_DIALOG;
  }

  private async numberStep(step: Step): Promise<DialogTurnResult> {
    const own = step.options.own ?? [];
    const number = step.options.number ?? (own.length === 1 ? own[0] : undefined);
    if (number) return step.next(number);
    const m = say(step.context);
    return step.prompt(NUMBER_PROMPT, { prompt: m.askTicketNumber, retryPrompt: m.badTicketNumber });
  }

  private verifyStep(step: Step): Promise<DialogTurnResult> {
    return askVerification(step, VERIFY_PROMPT);
  }

  private async additionStep(step: Step): Promise<DialogTurnResult> {
    const m = say(step.context);
    if (step.result !== null) {
      const v = verification(String(step.result ?? ''));
      try {
        if (!v) throw new DeskError('verification_failed', 'no verification');
        await this.deps.desk.lookup((step.values as Record<string, unknown>).number as string, v, customerOf(step.context));
      } catch (err) {
        if (!(err instanceof DeskError)) throw err;
        if (err.code === 'locked') await step.context.sendActivity(m.lookupLocked(Math.ceil((err.retryAfterSeconds ?? 900) / 60)));
        else if (err.code === 'unavailable') await step.context.sendActivity(m.unavailable);
        else await step.context.sendActivity(m.verificationFailed);
        return step.endDialog(null);
      }
    }
    return step.prompt(ADDITION_PROMPT, { prompt: m.askAddition, retryPrompt: m.askAddition });
  }

  private async saveStep(step: Step): Promise<DialogTurnResult> {
    const m = say(step.context);
    const number = (step.values as Record<string, unknown>).number as string;
    const text = typeof step.result === 'string' && step.result.trim() ? step.result.trim() : undefined;
    const evidence = step.context.activity.attachments?.length ? await acceptEvidence(step.context, this.deps, step.context.activity.attachments) : [];
    if (!text && !evidence.length) return step.endDialog(null);
    try {
      const messageId = messageIdOf(step.context);
      await this.deps.desk.addInformation(number, { ...(text ? { text } : {}), ...(evidence.length ? { evidence } : {}), ...(messageId ? { messageId } : {}) }, customerOf(step.context));
    } catch (err) {
      if (!(err instanceof DeskError)) throw err;
      await step.context.sendActivity(m.addFailed);
      return step.endDialog(null);
    }
    await step.context.sendActivity(m.added(number));
    return step.endDialog({ kind: 'added', number } satisfies AddInfoResult);
  }
}
