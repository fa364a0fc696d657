/**
 * Category check: when the classifier was unsure, the customer picks among its top candidates
 * ("Is this about billing, or after-sales service?") or "something else" (then all categories).
 * The pick goes to the core as the customer's reclassification, which feeds retraining.
 */
import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { CATEGORIES, type Category } from '../src/domain/taxonomy';
import { InterruptibleDialog } from './interruptible-dialog';
import { DeskError, type DialogDeps, type TicketDeadlines } from './ports';
import { isSomethingElse, normalise } from './recognizers';
import { withButtons } from './summary-card';
import { customerOf, languageOf, say } from './turn-context';
import { formatWhen } from './draft-text';
import { simplified } from './language';

export const CATEGORY_DIALOG = 'categoryDialog';
const WATERFALL_DIALOG = 'categoryWaterfall';
const CANDIDATE_PROMPT = 'categoryCandidatePrompt';
const ALL_PROMPT = 'categoryAllPrompt';

export interface CategoryOptions {
  number: string;
  /** The category the ticket has now (the classifier's). */
  category: Category;
  candidates: Category[];
  lookupCode: string | null;
  deadlines: TicketDeadlines;
}

export interface CategoryResult {
  category: Category;
  changed: boolean;
}

type Step = WaterfallStepContext<CategoryOptions>;

export class CategoryDialog extends InterruptibleDialog {
  constructor(private readonly deps: DialogDeps) {
    super(CATEGORY_DIALOG);
    this.addDialog(new TextPrompt(CANDIDATE_PROMPT, (p) => this.candidateValidator(p)))
      .addDialog(new TextPrompt(ALL_PROMPT, (p) => this.allValidator(p)))
      .addDialog(new WaterfallDialog(WATERFALL_DIALOG, [this.candidatesStep.bind(this), this.allStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = WATERFALL_DIALOG;
  }

  private async candidatesStep(step: Step): Promise<DialogTurnResult> {
    const m = say(step.context);
    const labels = this.shortlist(step.options).map((c) => this.label(step.context, c));
    return step.prompt(CANDIDATE_PROMPT, {
      prompt: withButtons(m.categoryQuestion(labels), [...labels, m.buttons.somethingElse]),
      retryPrompt: withButtons(m.retry.choice, [...labels, m.buttons.somethingElse]),
    });
  }

  private async allStep(step: Step): Promise<DialogTurnResult> {
    const answer = String(step.result ?? '');
    const picked = this.match(step.context, answer, this.shortlist(step.options));
    if (picked) return step.next(picked);
    const m = say(step.context);
    const labels = CATEGORIES.map((c) => this.label(step.context, c));
    return step.prompt(ALL_PROMPT, {
      prompt: withButtons(m.categoryAll, labels),
      retryPrompt: withButtons(m.retry.choice, labels),
    });
  }

  private async finalStep(step: Step): Promise<DialogTurnResult> {
    const picked = typeof step.result === 'string' && (CATEGORIES as readonly string[]).includes(step.result) ? (step.result as Category) : this.match(step.context, String(step.result ?? ''), [...CATEGORIES]);
    const m = say(step.context);
    const lang = languageOf(step.context);
    if (!picked) {
      // Three answers that fit nothing: the classifier's category stands (an agent can change it).
      await step.context.sendActivity(this.filedText(step, step.options.category));
      return step.endDialog(null);
    }
    try {
      const view = await this.deps.desk.reclassify(step.options.number, picked, customerOf(step.context));
      await step.context.sendActivity(
        [m.filed({ number: step.options.number, category: this.label(step.context, picked), firstContact: formatWhen(view.deadlines.firstContact, lang, this.deps.settings.timeZone), resolution: formatWhen(view.deadlines.resolution, lang, this.deps.settings.timeZone), lookupCode: step.options.lookupCode })].join(''),
      );
      return step.endDialog({ category: picked, changed: true } satisfies CategoryResult);
    } catch (err) {
      if (!(err instanceof DeskError)) throw err;
      await step.context.sendActivity(this.filedText(step, step.options.category));
      return step.endDialog(null);
    }
  }

  private async candidateValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    const v = p.recognized.value ?? '';
    return isSomethingElse(v) || this.match(p.context, v, [...CATEGORIES]) !== null || p.attemptCount >= 3;
  }

  private async allValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    return this.match(p.context, p.recognized.value ?? '', [...CATEGORIES]) !== null || p.attemptCount >= 3;
  }

  private shortlist(o: CategoryOptions): Category[] {
    return o.candidates.slice(0, 2);
  }

  private label(context: TurnContext, c: Category): string {
    return this.deps.settings.categoryLabel(c, languageOf(context));
  }

  /** A category from its label (in any language or script), its id, or its number in the list shown. */
  private match(_context: TurnContext, text: string, among: Category[]): Category | null {
    const s = normalise(text);
    if (!s || isSomethingElse(text)) return null;
    const n = /^(\d)$/.exec(s);
    if (n) return among[Number(n[1]) - 1] ?? null;
    for (const c of among) {
      const labels = (['zh-CN', 'zh-TW', 'en'] as const).map((l) => normalise(simplified(this.deps.settings.categoryLabel(c, l))));
      if (labels.includes(s) || s === c.replace('_', ' ') || s === c) return c;
    }
    // A label mentioned inside a short answer ("billing I think", "是售后的问题").
    if (s.length <= 30) {
      for (const c of among) {
        const labels = (['zh-CN', 'en'] as const).map((l) => normalise(simplified(this.deps.settings.categoryLabel(c, l))));
        if (labels.some((l) => l.length >= 2 && s.includes(l))) return c;
      }
    }
    return null;
  }

  private filedText(step: Step, category: Category): string {
    const lang = languageOf(step.context);
    return say(step.context).filed({
      number: step.options.number,
      category: this.label(step.context, category),
      firstContact: formatWhen(step.options.deadlines.firstContact, lang, this.deps.settings.timeZone),
      resolution: formatWhen(step.options.deadlines.resolution, lang, this.deps.settings.timeZone),
      lookupCode: step.options.lookupCode,
    });
  }
}
