/**
 * The one interruption base (after BotBuilder-Samples' CancelAndHelpDialog): at every step of a
 * dialog that extends it, "cancel"/取消 ends everything, "help"/帮助 explains the current
 * question and asks it again, "restart"/重新开始 starts the dialog over, and "talk to a person"
 * ends it with a request for a person that the main dialog acts on. Subclasses may also take a
 * correction of an earlier answer ("电话改成 139…") without leaving the current question.
 */
import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { interruption } from './recognizers';
import { say } from './turn-context';

/** What a dialog ends with when the customer asked for a person mid-way. */
export interface PersonRequested {
  kind: 'person';
  reason: 'asked' | 'failed';
}

export abstract class InterruptibleDialog extends ComponentDialog {
  override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const result = await this.interrupt(innerDc);
    if (result) return result;
    return super.onContinueDialog(innerDc);
  }

  /** The question being asked now, for the help text. */
  protected currentQuestion(innerDc: DialogContext): string {
    const prompt = innerDc.activeDialog?.state?.options?.prompt as { text?: string } | string | undefined;
    return typeof prompt === 'string' ? prompt : (prompt?.text ?? '');
  }

  /** Options to begin the dialog again with on "restart". */
  protected restartOptions(_innerDc: DialogContext): object {
    return {};
  }

  /** Apply a correction of an earlier answer; true if the message was one. */
  protected async applyCorrection(_innerDc: DialogContext, _text: string): Promise<boolean> {
    return false;
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const text = innerDc.context.activity.text;
    if (typeof text !== 'string' || !text.trim()) return undefined;
    const m = say(innerDc.context);
    switch (interruption(text)) {
      case 'help':
        await innerDc.context.sendActivity(m.helpAtStep(this.currentQuestion(innerDc)));
        await innerDc.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      case 'cancel':
        await innerDc.context.sendActivity(m.cancelled);
        return innerDc.cancelAllDialogs(true);
      case 'restart': {
        const options = this.restartOptions(innerDc);
        await innerDc.context.sendActivity(m.restarted);
        await innerDc.cancelAllDialogs();
        return innerDc.beginDialog(this.initialDialogId, options);
      }
      case 'person': {
        const ended = await this.endForPerson(innerDc, 'asked');
        return ended;
      }
      default:
        if (await this.applyCorrection(innerDc, text)) {
          await innerDc.repromptDialog();
          return { status: DialogTurnStatus.waiting };
        }
        return undefined;
    }
  }

  /** End this dialog asking for a person; subclasses add what they collected. */
  protected async endForPerson(innerDc: DialogContext, reason: PersonRequested['reason']): Promise<DialogTurnResult> {
    await innerDc.cancelAllDialogs();
    return { status: DialogTurnStatus.complete, result: { kind: 'person', reason } satisfies PersonRequested };
  }
}
