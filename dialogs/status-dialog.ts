/**
 * Status lookup with verification: the ticket number (from the message or asked), then the last
 * 4 digits of the contact phone or the lookup code. The core counts wrong tries (per conversation,
 * and per ticket for the guessable last 4 digits), so numbers cannot be probed.
 */
import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { InterruptibleDialog } from './interruptible-dialog';
import { DeskError, type DialogDeps, type TicketView } from './ports';
import { ticketNumberIn } from './recognizers';
import { customerOf, languageOf, say } from './turn-context';
import { formatWhen } from './draft-text';
import type { TurnContext } from 'botbuilder';

export const STATUS_DIALOG = 'statusDialog';
const WATERFALL_DIALOG = 'statusWaterfall';
const NUMBER_PROMPT = 'statusNumberPrompt';
const VERIFY_PROMPT = 'statusVerifyPrompt';

export interface StatusOptions {
  number?: string;
  /** Tickets this conversation filed: no verification needed for them. */
  own?: string[];
}

export interface StatusResult {
  kind: 'status';
  number: string;
  view: TicketView;
}

type Step = WaterfallStepContext<StatusOptions>;

export class StatusDialog extends InterruptibleDialog {
  constructor(private readonly deps: DialogDeps) {
    super(STATUS_DIALOG);
    this.addDialog(new TextPrompt(NUMBER_PROMPT, async (p: PromptValidatorContext<string>) => !!ticketNumberIn(p.recognized.value ?? '') || p.attemptCount >= 3))
      .addDialog(new TextPrompt(VERIFY_PROMPT, async (p: PromptValidatorContext<string>) => verification(p.recognized.value ?? '') !== null || p.attemptCount >= 3))
      .addDialog(new WaterfallDialog(WATERFALL_DIALOG, [this.numberStep.bind(this), this.verifyStep.bind(this), this.lookupStep.bind(this)]));
    this.initialDialogId = WATERFALL_DIALOG;
  }

  private async numberStep(step: Step): Promise<DialogTurnResult> {
    if (step.options.number) return step.next(step.options.number);
    const m = say(step.context);
    return step.prompt(NUMBER_PROMPT, { prompt: m.askTicketNumber, retryPrompt: m.badTicketNumber });
  }

  private verifyStep(step: Step): Promise<DialogTurnResult> {
    return askVerification(step, VERIFY_PROMPT);
  }

  private async lookupStep(step: Step): Promise<DialogTurnResult> {
    const number = (step.values as Record<string, unknown>).number as string;
    const m = say(step.context);
    try {
      let view: TicketView | null;
      if (step.result === null) view = await this.deps.desk.ticketStatus(number);
      else {
        const v = verification(String(step.result ?? ''));
        if (!v) {
          await step.context.sendActivity(m.verificationFailed);
          return step.endDialog(null);
        }
        view = await this.deps.desk.lookup(number, v, customerOf(step.context));
      }
      if (!view) {
        await step.context.sendActivity(m.verificationFailed);
        return step.endDialog(null);
      }
      await step.context.sendActivity(statusText(step.context, this.deps, view));
      return step.endDialog({ kind: 'status', number, view } satisfies StatusResult);
    } catch (err) {
      if (!(err instanceof DeskError)) throw err;
      if (err.code === 'locked') await step.context.sendActivity(m.lookupLocked(Math.ceil((err.retryAfterSeconds ?? 900) / 60)));
      else if (err.code === 'unavailable') await step.context.sendActivity(m.unavailable);
      else await step.context.sendActivity(m.verificationFailed);
      return step.endDialog(null);
    }
  }
}

/** "5678" → last 4 digits; a code of 6+ letters and digits → lookup code. */
export function verification(text: string): { last4?: string; code?: string } | null {
  const t = text.trim();
  const last4 = /^(?:[^\d]*?)(\d{4})$/.exec(t.replace(/\s/g, ''));
  if (last4 && t.replace(/\D/g, '').length === 4) return { last4: last4[1]! };
  const code = /\b([A-Za-z0-9]{6,32})\b/.exec(t.toUpperCase());
  if (code && /[A-Z]/.test(code[1]!)) return { code: code[1]! };
  return null;
}

export function statusText(context: TurnContext, deps: DialogDeps, view: TicketView): string {
  const m = say(context);
  const lang = languageOf(context);
  const tz = deps.settings.timeZone;
  return m.statusReport({
    number: view.number,
    status: m.statuses[view.status] ?? view.status,
    category: deps.settings.categoryLabel(view.category, lang),
    owner: view.hasOwner,
    firstContact: formatWhen(view.deadlines.firstContact, lang, tz),
    resolution: formatWhen(view.deadlines.resolution, lang, tz),
  });
}

/**
 * The step after the ticket number (status lookup, adding information): keep the number, and ask
 * for the verification unless this conversation filed that ticket itself.
 */
export async function askVerification(step: WaterfallStepContext<{ own?: string[] }>, verifyPrompt: string): Promise<DialogTurnResult> {
  const number = ticketNumberIn(String(step.result ?? ''));
  const m = say(step.context);
  if (!number) {
    await step.context.sendActivity(m.badTicketNumber);
    return step.endDialog(null);
  }
  (step.values as Record<string, unknown>).number = number;
  if (step.options.own?.includes(number)) return step.next(null);
  return step.prompt(verifyPrompt, { prompt: m.askVerification, retryPrompt: m.askVerification });
}
