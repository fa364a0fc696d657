/**
 * The router: new complaint, status of a ticket, add information, help, talk to a person,
 * greetings; anything else is a complaint and starts the intake with that message.
 */
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { COMPLAINT_DIALOG, ComplaintDialog, type ComplaintResult } from './complaint-dialog';
import { STATUS_DIALOG, StatusDialog } from './status-dialog';
import { myTicketsText } from './my-tickets';
import { ADD_INFO_DIALOG, AddInfoDialog } from './add-info-dialog';
import { PERSON_DIALOG, PersonDialog, type HandoffResult } from './person-dialog';
import { DeskError, type DialogDeps } from './ports';
import { recognise, ticketNumberIn } from './recognizers';
import { customerOf, say } from './turn-context';

export const MAIN_DIALOG = 'mainDialog';
const WATERFALL_DIALOG = 'mainWaterfall';

export interface MainOptions {
  /** Tickets this conversation filed (newest last). */
  own?: string[];
}

/** What the bot records about the conversation when the main dialog ends. */
export type MainResult = { kind: 'filed'; number: string } | HandoffResult | null;

type Step = WaterfallStepContext<MainOptions>;

export class MainDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(MAIN_DIALOG);
    if (!deps?.desk || !deps.evidence || !deps.settings) throw new TypeError('MainDialog needs desk, evidence and settings');
    this.addDialog(new ComplaintDialog(deps))
      .addDialog(new StatusDialog(deps))
      .addDialog(new AddInfoDialog(deps))
      .addDialog(new PersonDialog(deps))
      .addDialog(new WaterfallDialog(WATERFALL_DIALOG, [this.routeStep.bind(this), this.resumeStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = WATERFALL_DIALOG;
  }

  private async routeStep(step: Step): Promise<DialogTurnResult> {
    const { activity } = step.context;
    const text = typeof activity.text === 'string' ? activity.text : '';
    const own = step.options.own ?? [];
    const m = say(step.context);
    switch (recognise(text)) {
      case 'greeting':
        await step.context.sendActivity(m.greeting);
        return step.endDialog(null);
      case 'thanks':
        await step.context.sendActivity(m.youAreWelcome);
        return step.endDialog(null);
      case 'help':
        await step.context.sendActivity(m.help);
        return step.endDialog(null);
      case 'cancel':
        await step.context.sendActivity(m.nothingToCancel);
        return step.endDialog(null);
      case 'restart':
        await step.context.sendActivity(m.welcome);
        return step.endDialog(null);
      case 'status':
        return step.beginDialog(STATUS_DIALOG, { number: ticketNumberIn(text) ?? (own.length && !ticketNumberIn(text) ? own[own.length - 1] : undefined), own });
      case 'add_info':
        return step.beginDialog(ADD_INFO_DIALOG, { number: ticketNumberIn(text), own });
      case 'person': {
        const latest = own[own.length - 1];
        if (!latest) return step.beginDialog(PERSON_DIALOG, {});
        try {
          await this.deps.desk.requestPerson(latest, customerOf(step.context));
        } catch (err) {
          if (!(err instanceof DeskError)) throw err;
          await step.context.sendActivity(m.unavailable);
          return step.endDialog(null);
        }
        await step.context.sendActivity(m.handoffStarted(latest));
        return step.endDialog({ kind: 'handoff', number: latest } satisfies HandoffResult);
      }
      case 'mine':
        await step.context.sendActivity(await myTicketsText(step.context, this.deps, own));
        return step.endDialog(null);
      case 'new_complaint':
        return step.beginDialog(COMPLAINT_DIALOG, { attachments: activity.attachments });
      default:
        return step.beginDialog(COMPLAINT_DIALOG, { firstText: text, attachments: activity.attachments });
    }
  }

  private async resumeStep(step: Step): Promise<DialogTurnResult> {
    const r = step.result as ComplaintResult | HandoffResult | { kind: string } | null | undefined;
    if (r && r.kind === 'person') return step.beginDialog(PERSON_DIALOG, { draft: (r as Extract<ComplaintResult, { kind: 'person' }>).draft });
    return step.next(r);
  }

  private async finalStep(step: Step): Promise<DialogTurnResult> {
    const r = step.result as ComplaintResult | HandoffResult | { kind: string } | null | undefined;
    if (r?.kind === 'filed') return step.endDialog({ kind: 'filed', number: (r as Extract<ComplaintResult, { kind: 'filed' }>).ticket.number } satisfies MainResult);
    if (r?.kind === 'handoff') return step.endDialog(r as HandoffResult);
    return step.endDialog(null);
  }
}
