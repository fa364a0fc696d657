/**
 * Complaint intake: gets a complete, correct complaint out of one messy message with as few
 * questions as possible. Everything the first message (or any answer) already says is extracted
 * and not asked again; the customer checks a summary card, submits or changes one field, and only
 * after the ticket is saved hears its number, category and promised times.
 */
import crypto from 'node:crypto';
import { DialogTurnStatus, TextPrompt, WaterfallDialog, type DialogContext, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { clearField, isFilled, newDraft, type ComplaintDraft } from './complaint-draft';
import { extractSlots, findWhen, parseAmount, parseContact, parseRemedy, type ExtractedSlots } from './extract/slots';
import { InterruptibleDialog, type PersonRequested } from './interruptible-dialog';
import { CATEGORY_DIALOG, CategoryDialog, type CategoryResult } from './category-dialog';
import { EDITABLE_FIELDS, formatWhen } from './draft-text';
import type { DraftField } from './messages';
import { DeskError, type DialogDeps, type FiledTicket, type IncomingAttachment } from './ports';
import { fieldNamed, isBareIntent, isCorrection, isDone, isEdit, isSkip, isYes } from './recognizers';
import { createSummaryActivity, withButtons } from './summary-card';
import { customerOf, languageOf, say } from './turn-context';
import { conversationRefOf } from './conversation-ref';
import { acceptEvidence } from './evidence';

export const COMPLAINT_DIALOG = 'complaintDialog';
const WATERFALL_DIALOG = 'complaintWaterfall';
const DESCRIPTION_PROMPT = 'descriptionPrompt';
const NAME_PROMPT = 'namePrompt';
const CONTACT_PROMPT = 'contactPrompt';
const WHEN_PROMPT = 'whenPrompt';
const FREE_TEXT_PROMPT = 'freeTextPrompt';
const AMOUNT_PROMPT = 'amountPrompt';
const REMEDY_PROMPT = 'remedyPrompt';
const EVIDENCE_PROMPT = 'evidencePrompt';
const CONFIRM_PROMPT = 'confirmPrompt';
const FIELD_PROMPT = 'fieldPrompt';

/** Set on a turn whose files were already taken as evidence. */
const FILES_TAKEN = Symbol('complaint.filesTaken');

/** After this many failed answers to one question the bot hands over to a person. */
export const MAX_ATTEMPTS = 3;

export interface ComplaintOptions {
  draft?: ComplaintDraft;
  /** The message that started the intake (the router passes it on). */
  firstText?: string;
  attachments?: IncomingAttachment[];
}

export type ComplaintResult = { kind: 'filed'; ticket: FiledTicket; category: CategoryResult | null } | (PersonRequested & { draft: ComplaintDraft });

type Step = WaterfallStepContext<ComplaintOptions & { draft: ComplaintDraft }>;

export class ComplaintDialog extends InterruptibleDialog {
  constructor(private readonly deps: DialogDeps) {
    super(COMPLAINT_DIALOG);
    this.addDialog(new TextPrompt(DESCRIPTION_PROMPT, (p) => this.descriptionValidator(p)))
      .addDialog(new TextPrompt(NAME_PROMPT, (p) => this.nameValidator(p)))
      .addDialog(new TextPrompt(CONTACT_PROMPT, (p) => this.contactValidator(p)))
      .addDialog(new TextPrompt(WHEN_PROMPT, (p) => this.whenValidator(p)))
      .addDialog(new TextPrompt(FREE_TEXT_PROMPT))
      .addDialog(new TextPrompt(AMOUNT_PROMPT, (p) => this.amountValidator(p)))
      .addDialog(new TextPrompt(REMEDY_PROMPT, (p) => this.remedyValidator(p)))
      .addDialog(new TextPrompt(EVIDENCE_PROMPT, (p) => this.evidenceValidator(p)))
      .addDialog(new TextPrompt(CONFIRM_PROMPT, (p) => this.confirmValidator(p)))
      .addDialog(new TextPrompt(FIELD_PROMPT, (p) => this.fieldValidator(p)))
      .addDialog(new CategoryDialog(deps))
      .addDialog(
        new WaterfallDialog(WATERFALL_DIALOG, [
          this.descriptionStep.bind(this),
          this.nameStep.bind(this),
          this.contactStep.bind(this),
          this.whenStep.bind(this),
          this.whereStep.bind(this),
          this.productStep.bind(this),
          this.amountStep.bind(this),
          this.remedyStep.bind(this),
          this.evidenceStep.bind(this),
          this.confirmStep.bind(this),
          this.decideStep.bind(this),
          this.submitOrEditStep.bind(this),
          this.finalStep.bind(this),
        ]),
      );
    this.initialDialogId = WATERFALL_DIALOG;
  }

  // ---- steps --------------------------------------------------------------------------------------

  private async descriptionStep(step: Step): Promise<DialogTurnResult> {
    const o = step.options;
    if (!o.draft) {
      o.draft = newDraft(crypto.randomBytes(9).toString('base64url'));
      if (o.firstText && !isBareIntent(o.firstText)) {
        this.fill(o.draft, step.context, o.firstText);
        // A story becomes the description; a fragment ("坏了", a phone number alone) only fills slots and the question is asked.
        if (this.descriptionOk(o.firstText)) o.draft.description = o.firstText.trim();
      }
      if (o.attachments?.length) await this.addEvidence(step.context, o.draft, o.attachments);
      delete o.firstText;
      delete o.attachments;
    }
    if (isFilled(o.draft, 'description')) return step.next();
    return step.prompt(DESCRIPTION_PROMPT, { prompt: say(step.context).ask.description, retryPrompt: say(step.context).retry.description });
  }

  private async nameStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    if (typeof step.result === 'string') {
      if (!this.descriptionOk(step.result)) return this.handOver(step, 'failed');
      this.fill(d, step.context, step.result);
      d.description = step.result.trim();
    }
    return this.askIfMissing(step, 'name', NAME_PROMPT);
  }

  private async contactStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    if (typeof step.result === 'string') {
      const name = cleanName(step.result);
      if (!name) return this.handOver(step, 'failed');
      this.fill(d, step.context, step.result);
      d.name = name;
    }
    return this.askIfMissing(step, 'contact', CONTACT_PROMPT);
  }

  private async whenStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    if (typeof step.result === 'string') {
      const contact = parseContact(step.result);
      if (!contact) return this.handOver(step, 'failed');
      this.fill(d, step.context, step.result);
      if (contact.phone) d.phone = contact.phone;
      if (contact.email) d.email = contact.email;
    }
    return this.askIfMissing(step, 'when', WHEN_PROMPT, true);
  }

  private async whereStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    if (typeof step.result === 'string') {
      if (isSkip(step.result)) d.skipped.push('when');
      else {
        const when = findWhen(step.result, this.extractContext());
        if (!when && !looksLikeTime(step.result)) return this.handOver(step, 'failed');
        this.fill(d, step.context, step.result);
        d.occurredText = when?.text ?? step.result.trim().slice(0, 200);
        if (when) d.occurredAt = when.date;
      }
    }
    return this.askIfMissing(step, 'where', FREE_TEXT_PROMPT, true);
  }

  private async productStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    if (typeof step.result === 'string') {
      if (isSkip(step.result) || isDone(step.result)) d.skipped.push('where');
      else {
        const before = d.orderId;
        this.fill(d, step.context, step.result);
        if (d.orderId === before || !d.orderId) d.location = step.result.trim().slice(0, 200);
      }
    }
    return this.askIfMissing(step, 'product', FREE_TEXT_PROMPT, true);
  }

  private async amountStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    if (typeof step.result === 'string') {
      if (isSkip(step.result) || isDone(step.result)) d.skipped.push('product');
      else {
        this.fill(d, step.context, step.result);
        if (!d.product) d.product = step.result.trim().slice(0, 200);
      }
    }
    return this.askIfMissing(step, 'amount', AMOUNT_PROMPT, true);
  }

  private async remedyStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    if (typeof step.result === 'string') {
      if (isSkip(step.result)) d.skipped.push('amount');
      else {
        const amount = parseAmount(step.result, this.deps.settings.defaultCurrency);
        if (!amount) return this.handOver(step, 'failed');
        d.amount = amount;
      }
    }
    if (isFilled(d, 'remedy')) return step.next();
    const m = say(step.context);
    const buttons = Object.values(m.remedies);
    return step.prompt(REMEDY_PROMPT, { prompt: withButtons(m.ask.remedy, buttons), retryPrompt: withButtons(m.retry.remedy, buttons) });
  }

  private async evidenceStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    if (typeof step.result === 'string') {
      if (isSkip(step.result)) d.skipped.push('remedy');
      else {
        const remedy = parseRemedy(step.result) ?? parseRemedy(this.remedyFromLabel(step.context, step.result) ?? '');
        if (!remedy) return this.handOver(step, 'failed');
        d.desiredRemedy = remedy;
      }
    }
    if (isFilled(d, 'evidence')) return step.next();
    const m = say(step.context);
    return step.prompt(EVIDENCE_PROMPT, { prompt: withButtons(m.ask.evidence, [m.buttons.done]) });
  }

  private async confirmStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    const attachments = step.context.turnState.get(FILES_TAKEN) ? undefined : step.context.activity.attachments;
    if (step.result !== undefined || attachments?.length) {
      if (attachments?.length) await this.addEvidence(step.context, d, attachments);
      else if (!d.evidence.length) d.skipped.push('evidence');
    }
    const m = say(step.context);
    return step.prompt(CONFIRM_PROMPT, {
      prompt: createSummaryActivity(d, m, languageOf(step.context)),
      retryPrompt: withButtons(m.retry.confirm, [m.buttons.submit, m.buttons.edit, m.buttons.cancel]),
    });
  }

  private async decideStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    const attachments = step.context.turnState.get(FILES_TAKEN) ? undefined : step.context.activity.attachments;
    if (attachments?.length) {
      // Files sent at the summary are added to it, and the summary shown again.
      await this.addEvidence(step.context, d, attachments);
      return step.replaceDialog(WATERFALL_DIALOG, { draft: d });
    }
    const answer = String(step.result ?? '');
    if (isEdit(answer) || fieldNamed(answer, EDITABLE_FIELDS)) {
      const named = isEdit(answer) ? null : fieldNamed(answer, EDITABLE_FIELDS);
      if (named) return step.next({ edit: named });
      const m = say(step.context);
      const list = EDITABLE_FIELDS.map((f, i) => `${i + 1}. ${m.fields[f]}`).join('\n');
      return step.prompt(FIELD_PROMPT, {
        prompt: withButtons(`${m.whichField}\n${list}`, EDITABLE_FIELDS.map((f) => m.fields[f])),
        retryPrompt: withButtons(`${m.retry.choice}\n${list}`, EDITABLE_FIELDS.map((f) => m.fields[f])),
      });
    }
    if (isYes(answer)) return step.next({ submit: true });
    return this.handOver(step, 'failed');
  }

  private async submitOrEditStep(step: Step): Promise<DialogTurnResult> {
    const d = step.options.draft;
    const r = step.result as { edit?: DraftField; submit?: boolean } | string | undefined;
    if (typeof r === 'string' || (r && r.edit)) {
      const field = typeof r === 'string' ? fieldNamed(r, EDITABLE_FIELDS) : r.edit!;
      if (!field) return this.handOver(step, 'failed');
      return step.replaceDialog(WATERFALL_DIALOG, { draft: clearField(d, field) });
    }
    const m = say(step.context);
    let ticket: FiledTicket;
    try {
      ticket = await this.deps.desk.file(d, {
        actor: customerOf(step.context),
        conversationRef: conversationRefOf(step.context),
        language: languageOf(step.context),
        idempotencyKey: filingKey(customerOf(step.context).conversationId, d),
      });
    } catch (err) {
      if (!(err instanceof DeskError)) throw err;
      // Nothing is lost: the summary comes back and Submit can be pressed again.
      d.submitAttempts = (d.submitAttempts ?? 0) + 1;
      await step.context.sendActivity(m.saveFailed);
      return step.replaceDialog(WATERFALL_DIALOG, { draft: d });
    }
    (step.values as Record<string, unknown>).ticket = ticket;
    if (ticket.needsConfirmation && ticket.candidates.length) {
      await step.context.sendActivity(m.filedShort(ticket.number));
      return step.beginDialog(CATEGORY_DIALOG, { number: ticket.number, category: ticket.category, candidates: ticket.candidates, lookupCode: ticket.lookupCode, deadlines: ticket.deadlines });
    }
    await step.context.sendActivity(this.filedMessage(step.context, ticket));
    return step.next(null);
  }

  private async finalStep(step: Step): Promise<DialogTurnResult> {
    const ticket = (step.values as Record<string, unknown>).ticket as FiledTicket;
    const category = (step.result as CategoryResult | null | undefined) ?? null;
    return step.endDialog({ kind: 'filed', ticket, category } satisfies ComplaintResult);
  }

  // ---- validators (next to their prompts) ---------------------------------------------------------

  private async descriptionValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    return this.descriptionOk(p.recognized.value ?? '') || p.attemptCount >= MAX_ATTEMPTS;
  }

  private async nameValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    return cleanName(p.recognized.value ?? '') !== null || p.attemptCount >= MAX_ATTEMPTS;
  }

  private async contactValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    return parseContact(p.recognized.value ?? '') !== null || p.attemptCount >= MAX_ATTEMPTS;
  }

  private async whenValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    const v = p.recognized.value ?? '';
    return isSkip(v) || findWhen(v, this.extractContext()) !== undefined || looksLikeTime(v) || p.attemptCount >= MAX_ATTEMPTS;
  }

  private async amountValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    const v = p.recognized.value ?? '';
    return isSkip(v) || parseAmount(v, this.deps.settings.defaultCurrency) !== null || p.attemptCount >= MAX_ATTEMPTS;
  }

  private async remedyValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    const v = p.recognized.value ?? '';
    return isSkip(v) || parseRemedy(v) !== null || this.remedyFromLabel(p.context, v) !== null || p.attemptCount >= MAX_ATTEMPTS;
  }

  private async evidenceValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    // Files, "done", or anything else (taken as "no files") moves on: this question never fails.
    return !!p.context.activity.attachments?.length || p.recognized.succeeded || p.attemptCount >= 1;
  }

  private async confirmValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    const v = p.recognized.value ?? '';
    return !!p.context.activity.attachments?.length || isYes(v) || isEdit(v) || fieldNamed(v, EDITABLE_FIELDS) !== null || p.attemptCount >= MAX_ATTEMPTS;
  }

  private async fieldValidator(p: PromptValidatorContext<string>): Promise<boolean> {
    return fieldNamed(p.recognized.value ?? '', EDITABLE_FIELDS) !== null || fieldFromLabel(p.context, p.recognized.value ?? '') !== null || p.attemptCount >= MAX_ATTEMPTS;
  }

  // ---- interruptions ------------------------------------------------------------------------------

  /** Files sent while another question is open are kept as evidence (nothing the customer sends is dropped). */
  override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const files = (innerDc.context.activity.attachments ?? []).filter((a) => typeof a.contentUrl === 'string');
    const active = innerDc.activeDialog?.id;
    const draft = this.draftOf(innerDc);
    if (files.length && draft && active !== EVIDENCE_PROMPT && active !== CONFIRM_PROMPT) {
      await this.addEvidence(innerDc.context, draft, files);
      innerDc.context.turnState.set(FILES_TAKEN, true);
      if (!innerDc.context.activity.text?.trim()) {
        await innerDc.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      }
    }
    return super.onContinueDialog(innerDc);
  }

  protected override async applyCorrection(innerDc: DialogContext, text: string): Promise<boolean> {
    if (!isCorrection(text)) return false;
    const draft = this.draftOf(innerDc);
    if (!draft) return false;
    const found = extractSlots(text, this.extractContext());
    const changed = applySlots(draft, found, true);
    if (!changed.length) return false;
    const m = say(innerDc.context);
    await innerDc.context.sendActivity(m.updated(changed.map((f) => m.fields[f]).join(', ')));
    return true;
  }

  protected override async endForPerson(innerDc: DialogContext, reason: PersonRequested['reason']) {
    const draft = this.draftOf(innerDc) ?? newDraft(crypto.randomBytes(9).toString('base64url'));
    await innerDc.cancelAllDialogs();
    return { status: 'complete' as const, result: { kind: 'person', reason, draft } satisfies ComplaintResult } as DialogTurnResult;
  }

  protected override currentQuestion(innerDc: DialogContext): string {
    const prompt = innerDc.activeDialog?.state?.options?.prompt as { text?: string } | string | undefined;
    return typeof prompt === 'string' ? prompt : (prompt?.text ?? say(innerDc.context).summaryIntro);
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private draftOf(innerDc: DialogContext): ComplaintDraft | undefined {
    const bottom = innerDc.stack[0];
    return (bottom?.state?.options as ComplaintOptions | undefined)?.draft;
  }

  private async handOver(step: Step, reason: PersonRequested['reason']): Promise<DialogTurnResult> {
    if (reason === 'failed') await step.context.sendActivity(say(step.context).tooManyTries);
    return step.endDialog({ kind: 'person', reason, draft: step.options.draft } satisfies ComplaintResult);
  }

  private async askIfMissing(step: Step, field: 'name' | 'contact' | 'when' | 'where' | 'product' | 'amount', promptId: string, optional = false): Promise<DialogTurnResult> {
    const d = step.options.draft;
    if (isFilled(d, field)) return step.next();
    const m = say(step.context);
    const text = m.ask[field] + (optional ? m.skipHint : '');
    const retry = field === 'where' || field === 'product' ? undefined : m.retry[field];
    const prompt = optional ? withButtons(text, [m.buttons.skip]) : text;
    return step.prompt(promptId, { prompt, ...(retry ? { retryPrompt: optional ? withButtons(retry, [m.buttons.skip]) : retry } : {}) });
  }

  private extractContext() {
    return { now: this.deps.settings.now(), timeZone: this.deps.settings.timeZone };
  }

  /** Fill empty slots from whatever a message says. */
  private fill(d: ComplaintDraft, _context: TurnContext, text: string): void {
    applySlots(d, extractSlots(text, this.extractContext()), false);
  }

  private descriptionOk(text: string): boolean {
    const t = text.trim();
    const han = (t.match(/[\u3400-\u9fff]/g) ?? []).length;
    const words = (t.match(/[A-Za-z]{2,}/g) ?? []).length;
    return (han >= 4 || words >= 3) && !isBareIntent(t) && t.length <= 5000;
  }

  private remedyFromLabel(context: TurnContext, text: string): string | null {
    const m = say(context);
    const entry = Object.entries(m.remedies).find(([, label]) => label === text.trim());
    return entry ? entry[0] : null;
  }

  private async addEvidence(context: TurnContext, d: ComplaintDraft, attachments: IncomingAttachment[]): Promise<void> {
    d.evidence = [...d.evidence, ...(await acceptEvidence(context, this.deps, attachments))].slice(0, 20);
  }

  private filedMessage(context: TurnContext, t: FiledTicket): string {
    const lang = languageOf(context);
    const tz = this.deps.settings.timeZone;
    return say(context).filed({
      number: t.number,
      category: this.deps.settings.categoryLabel(t.category, lang),
      firstContact: formatWhen(t.deadlines.firstContact, lang, tz),
      resolution: formatWhen(t.deadlines.resolution, lang, tz),
      lookupCode: t.lookupCode,
    });
  }
}

/** Put extracted values into a draft: only empty slots, or (for corrections) overwriting. Returns the fields changed. */
export function applySlots(d: ComplaintDraft, s: ExtractedSlots, overwrite: boolean): DraftField[] {
  const changed = new Set<DraftField>();
  const set = <K extends keyof ComplaintDraft>(key: K, value: ComplaintDraft[K] | undefined, field: DraftField) => {
    if (value === undefined) return;
    if (!overwrite && d[key] !== undefined) return;
    if (JSON.stringify(d[key]) === JSON.stringify(value)) return;
    d[key] = value;
    d.skipped = d.skipped.filter((f) => f !== field);
    changed.add(field);
  };
  set('phone', s.phone, 'contact');
  set('email', s.email, 'contact');
  set('orderId', s.orderId, 'where');
  set('location', s.location, 'where');
  set('amount', s.amount, 'amount');
  if (s.when) {
    set('occurredAt', s.when.date, 'when');
    set('occurredText', s.when.text, 'when');
  }
  set('desiredRemedy', s.remedy, 'remedy');
  set('name', s.name, 'name');
  set('product', s.product, 'product');
  set('merchant', s.merchant, 'product');
  return [...changed];
}

/** A name answer: 1–100 characters with at least one letter (Han or Latin), no digits-only or URLs. */
function cleanName(text: string): string | null {
  const t = text.trim().replace(/^(我叫|我是|叫我|my name is|i am|i'm)\s*/i, '').replace(/[，。,.!！]+$/, '');
  if (!t || t.length > 100 || !/[\p{L}]/u.test(t) || /https?:|@/.test(t)) return null;
  if (isSkip(t) || isDone(t)) return null;
  return t;
}

function looksLikeTime(text: string): boolean {
  return /[年月周週天日号號]|早上|晚上|上午|下午|前|ago|week|month|year|morning|evening|night|last|yesterday|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday/i.test(text);
}

function fieldFromLabel(context: TurnContext, text: string): DraftField | null {
  const m = say(context);
  return EDITABLE_FIELDS.find((f) => m.fields[f] === text.trim()) ?? null;
}

/**
 * Same draft with the same answers in the same conversation → same key → one ticket, however often
 * Submit arrives (a retry after a failed save, a channel delivering an activity twice, two
 * instances racing a turn). An edited draft is a new filing.
 */
export function filingKey(conversationId: string, d: ComplaintDraft): string {
  const { submitAttempts: _attempts, ...content } = d;
  const base = crypto.createHash('sha256').update(`${conversationId}\n${JSON.stringify(content)}`).digest('hex').slice(0, 40);
  return `chat:${base}`;
}
