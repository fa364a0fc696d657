/**
 * Changing a ticket: read it, decide, commit at the next version. Optimistic: if another writer
 * committed that version first, read again and decide again (a second claim then fails with
 * AlreadyClaimedError instead of overwriting the first).
 *
 * Every change carries a request key — who asked for what, with which parameters — and, when the
 * caller says, the version it was asked on, so a retry of a change that did commit (its answer
 * was lost to a timeout or an outage) is recognised and answered as that change's success
 * instead of being refused ("already claimed by you") or applied twice.
 */
import crypto from 'node:crypto';
import { AlreadyClaimedError, ConcurrentChangeError, NotOwnerError, TicketNotFoundError, ValidationError } from './errors';
import { EVENTS, type EventType } from './events';
import type { ChangeObserver, Clock, CoreLogger, FeedEntry, MessageStore, SlaPlanner, TicketMessage, TicketRepository, ChangeFeed } from './ports';
import { planDeadlines } from './plan-deadlines';
import { withFigures } from './ticket-figures';
import { nextStatus, type TicketStatus, type TransitionAction } from './state-machine';
import type { Category, Remedy, Severity } from './taxonomy';
import { DEADLINE_KINDS, type Actor, type DeadlineKind, type Decider, type Evidence, type SlaPause, type Ticket } from './ticket';
import { canonicalJson } from '../support/canonical-json';
import { closeSpan, reopenSpan } from './tiers';
import { resultNoticeText, surveyText, type NoticeKind, type NoticeOutcome, type NoticeRef } from './notices';
import { currentSurvey, DEFAULT_FOLLOW_UP, SurveyNotPossibleError, type FollowUpSettings } from './follow-up';

/** The action that records a notice's delivery outcome: record-keeping, not a decision. */
const NOTICE_SETTLED = 'notice_settled';

export interface ChangeDeps {
  tickets: TicketRepository;
  feed: ChangeFeed;
  messages: MessageStore;
  sla: SlaPlanner;
  clock: Clock;
  logger: CoreLogger;
  observer?: ChangeObserver;
  /** Called after each committed change (wakes the effects that follow the feed). */
  onCommitted?: (entry: FeedEntry) => void;
  /** Resolves once a filing this process is announcing is in the feed. */
  filingAnnounced?: (number: string) => Promise<void>;
  /** Follow-up settings: surveys, their window, the appeal window (src/domain/follow-up.ts). */
  followUp?: FollowUpSettings;
}

export interface TransitionInput {
  actor: Actor;
  reason?: string;
  resolution?: { remedy?: Remedy | null; amount?: number | null; note: string };
  /** The version the caller saw (e.g. the one a Slack message showed); makes retries exact. */
  expectedVersion?: number;
  /** A supervisor may act on a ticket somebody else owns. */
  asSupervisor?: boolean;
  /** Resolve: what was found, in words for the customer (goes into the result notice). */
  customerNotice?: string;
  /** Reopen: the customer appealed (the agents' side tells the owner and the supervisors). */
  appeal?: boolean;
}

export interface ChangeRequest {
  actor: Actor;
  action: string;
  /** What else identifies the request (reason, resolution, message id …). */
  params: unknown;
  expectedVersion?: number;
}

export type Decision = { after: Ticket; events: EventType[] };

const ACTION_EVENTS: Partial<Record<TransitionAction, EventType>> = {
  claim: EVENTS.TICKET_CLAIMED,
  release: EVENTS.TICKET_RELEASED,
  resolve: EVENTS.TICKET_RESOLVED,
  reject: EVENTS.TICKET_REJECTED,
  reopen: EVENTS.TICKET_REOPENED,
  close: EVENTS.TICKET_CLOSED,
};

/** Actions only the owner may take while a ticket is claimed (supervisors act through other paths). */
const OWNER_ONLY: readonly TransitionAction[] = ['release', 'investigate', 'request_info', 'resolve'];


export class ChangeTicket {
  constructor(private readonly deps: ChangeDeps) {}

  async get(number: string): Promise<Ticket> {
    const t = await this.deps.tickets.get(number);
    if (!t) throw new TicketNotFoundError(number);
    return t;
  }

  // ---- the state machine ----------------------------------------------------------------------

  async transition(number: string, action: TransitionAction, input: TransitionInput): Promise<Ticket> {
    if (action === 'resolve') return this.resolveWithNotice(number, input);
    return this.transitionNow(number, action, input);
  }

  /**
   * Resolving sends the customer the result notice and, when surveys go out by themselves, the
   * survey request: their texts (personal data) are stored as messages first, the ticket records
   * the notices (and the survey round), and the notice delivery (src/jobs/notice-delivery.ts)
   * takes them from the feed. A refused resolve leaves no message behind.
   */
  private async resolveWithNotice(number: string, input: TransitionInput): Promise<Ticket> {
    const t = await this.get(number);
    const finding = (input.customerNotice ?? '').trim();
    if (finding.length > 5000) throw new ValidationError([{ field: 'customerNotice', message: 'must be at most 5000 characters' }]);
    const settings = this.followUp;
    const notices: PendingNotice[] = [
      {
        id: newNoticeId(number, 'result'),
        kind: 'result',
        text: resultNoticeText({ number, language: t.language, finding, remedy: input.resolution?.remedy ?? null, amount: input.resolution?.amount ?? null, appealDays: settings.appealDays }),
      },
    ];
    if (settings.surveyAuto) notices.push({ id: newNoticeId(number, 'survey'), kind: 'survey', text: surveyText(number, t.language, settings.appealDays) });
    return this.withNotices(number, notices, (stored) => this.transitionNow(number, 'resolve', { ...input, customerNotice: finding }, stored));
  }

  /** Ask for a rating now (surveys not sent automatically, or sent again by an agent): a resolved ticket not waiting for one. */
  async sendSurvey(number: string, actor: Actor): Promise<Ticket> {
    const t = await this.get(number);
    const notice: PendingNotice = { id: newNoticeId(number, 'survey'), kind: 'survey', text: surveyText(number, t.language, this.followUp.appealDays) };
    return this.withNotices(number, [notice], (stored) =>
      this.change(number, { actor, action: 'send_survey', params: { after: t.version } }, (before, now) => {
        // Sent by hand (SURVEY_AUTO=false) or again (the customer did not get it): a new round with a new window,
        // unless the customer has already rated this resolution.
        if (before.status !== 'resolved') throw new SurveyNotPossibleError(number, 'not_resolved');
        if (currentSurvey(before)?.answeredAt) throw new SurveyNotPossibleError(number, 'rated');
        const after: Ticket = { ...before, version: before.version + 1, updatedAt: now };
        addNotices(before, after, stored, now, this.followUp);
        return { after, events: [EVENTS.TICKET_NOTICE] };
      }),
    );
  }

  private get followUp(): FollowUpSettings {
    return this.deps.followUp ?? DEFAULT_FOLLOW_UP;
  }

  /** Store the notices' texts, run the change that records them, and remove texts the change did not keep. */
  private async withNotices(number: string, notices: PendingNotice[], run: (stored: PendingNotice[]) => Promise<Ticket>): Promise<Ticket> {
    const at = this.deps.clock.now();
    for (const n of notices) await this.deps.messages.put({ id: n.id, number, at, direction: 'to_customer', by: { kind: 'system', id: 'desk' }, text: n.text, evidence: [] });
    const ids = notices.map((n) => n.id);
    try {
      const after = await run(notices);
      const kept = ids.filter((id) => after.notices?.some((n) => n.id === id));
      if (kept.length < ids.length) await this.deps.messages.delete(ids.filter((id) => !kept.includes(id))); // a retry of a change that had committed
      return after;
    } catch (err) {
      await this.deps.messages.delete(ids).catch(() => undefined);
      throw err;
    }
  }

  private transitionNow(number: string, action: TransitionAction, input: TransitionInput, notices?: PendingNotice[]): Promise<Ticket> {
    const params = { reason: input.reason?.trim() || null, resolution: input.resolution ?? null, ...(input.customerNotice ? { notice: input.customerNotice } : {}) };
    return this.change(number, { actor: input.actor, action, params, expectedVersion: input.expectedVersion }, (before, now) => {
      if (action === 'claim' && before.status === 'claimed' && before.owner) throw new AlreadyClaimedError(number, before.owner.id);
      if (OWNER_ONLY.includes(action) && before.owner && input.actor.kind === 'agent' && before.owner.id !== input.actor.id && !input.asSupervisor) {
        throw new NotOwnerError(number, input.actor.id);
      }
      const to = nextStatus(before.status, action, input.reason);
      const after = this.applyTransition(before, action, to, input, now);
      const events: EventType[] = [ACTION_EVENTS[action] ?? EVENTS.TICKET_STATE_CHANGED];
      if (action === 'reopen' && input.appeal) events.push(EVENTS.TICKET_APPEALED);
      if (notices?.length) {
        addNotices(before, after, notices, now, this.followUp);
        events.push(EVENTS.TICKET_NOTICE);
      }
      return { after, events };
    });
  }

  /** The notice delivery settled a notice: how it went out and whether it arrived (once). */
  recordNotice(number: string, id: string, outcome: NoticeOutcome): Promise<Ticket> {
    return this.change(number, { actor: { kind: 'system', id: 'notices' }, action: NOTICE_SETTLED, params: { id, status: outcome.status } }, (before, now) => {
      const notice = before.notices?.find((n) => n.id === id);
      if (!notice || notice.status !== 'pending') throw new AlreadyRecorded();
      const settled: NoticeRef = {
        ...notice,
        status: outcome.status,
        via: outcome.via,
        settledAt: now,
        ...(outcome.detail ? { detail: outcome.detail } : {}),
        ...(outcome.reason ? { reason: outcome.reason.slice(0, 300) } : {}),
      };
      // The settled notice goes last, so the change's event names it (events.ts).
      const notices = [...before.notices!.filter((n) => n.id !== id), settled];
      return { after: { ...before, version: before.version + 1, updatedAt: now, notices }, events: [EVENTS.TICKET_NOTICE_SETTLED] };
    }).catch(async (err) => {
      if (err instanceof AlreadyRecorded) return this.get(number);
      throw err;
    });
  }

  private applyTransition(before: Ticket, action: TransitionAction, to: TicketStatus, input: TransitionInput, now: Date): Ticket {
    const version = before.version + 1;
    const reason = input.reason?.trim() || undefined;
    let pauses: SlaPause[] = before.sla.pauses.map((p) => ({ ...p }));
    const met = new Set<DeadlineKind>();

    switch (action) {
      case 'request_info':
        pauses = [...pauses, { from: now, to: null }];
        met.add('firstContact');
        break;
      case 'customer_reply':
        pauses = closePauses(pauses, now);
        break;
      case 'resolve':
      case 'reject':
        pauses = closePauses(pauses, now);
        DEADLINE_KINDS.forEach((k) => met.add(k));
        break;
      default:
        break;
    }

    const after: Ticket = {
      ...before,
      version,
      status: to,
      updatedAt: now,
      history: [...before.history, { version, from: before.status, to, action, at: now, actor: input.actor, ...(reason ? { reason } : {}) }],
      sla: { ...before.sla, pauses },
    };
    if (action === 'claim') after.owner = { id: input.actor.id, name: input.actor.name ?? null };
    if (action === 'release') after.owner = null;
    if (action === 'resolve') {
      after.resolution = {
        remedy: input.resolution?.remedy ?? null,
        amount: input.resolution?.amount ?? null,
        note: input.resolution?.note ?? reason ?? '',
        at: now,
        by: input.actor,
      };
    }
    if (action === 'reject') after.rejection = { reason: reason!, at: now, by: input.actor };
    if (action === 'resolve' || action === 'reject') after.sla = closeSpan(after, now);
    if (action === 'reopen') {
      // An appeal: the ticket keeps its number and gets a new resolution deadline from now (the
      // deadlines met before stay as they were), and its tier holds it again.
      after.resolution = null;
      after.sla = { ...reopenSpan(after, now), startedAt: now, pauses: [] };
      const previous = before.sla.deadlines.filter((d) => d.kind !== 'resolution');
      after.sla.deadlines = planDeadlines(this.deps.sla, { category: after.category, severity: after.severity, startAt: now, pauses: [] }, now, previous);
      return after;
    }
    after.sla.deadlines = planDeadlines(this.deps.sla, { category: after.category, severity: after.severity, startAt: after.sla.startedAt, pauses }, now, before.sla.deadlines, met);
    return after;
  }

  // ---- reclassification -----------------------------------------------------------------------

  /**
   * Change the category and/or severity. Agents may set both (a person may also lower what the
   * rules raised); customers only pick the category, e.g. from the candidates offered when the
   * classifier was unsure. The ticket records who decided, the SLA is re-planned from the same
   * start, and the decision becomes a labelled example for retraining (effects.ts).
   */
  async reclassify(number: string, change: { category?: Category; severity?: Severity }, actor: Actor, expectedVersion?: number): Promise<Ticket> {
    if (!change.category && !change.severity) throw new ValidationError([{ field: 'category', message: 'give a category or a severity' }]);
    if (actor.kind === 'customer' && change.severity) {
      throw new ValidationError([{ field: 'severity', message: 'customers choose the category only; severity is set by the rules and agents' }]);
    }
    const decider: Decider = actor.kind === 'customer' ? 'customer' : actor.kind === 'agent' ? 'agent' : 'api';
    return this.change(number, { actor, action: 'reclassify', params: change, expectedVersion }, (before, now) => {
      const category = change.category ?? before.category;
      const severity = change.severity ?? before.severity;
      const after: Ticket = {
        ...before,
        version: before.version + 1,
        category,
        severity,
        updatedAt: now,
        classification: {
          ...before.classification,
          categoryDecidedBy: change.category ? decider : before.classification.categoryDecidedBy,
          severityDecidedBy: change.severity ? decider : before.classification.severityDecidedBy,
        },
      };
      after.sla = {
        ...before.sla,
        deadlines: planDeadlines(this.deps.sla, { category, severity, startAt: before.sla.startedAt, pauses: before.sla.pauses }, now, before.sla.deadlines),
      };
      return { after, events: [EVENTS.TICKET_RECLASSIFIED] };
    });
  }

  // ---- erasure --------------------------------------------------------------------------------

  /** Record that the customer's personal values are erased (the values themselves go from the store). */
  markErased(number: string, actor: Actor): Promise<Ticket> {
    return this.change(number, { actor, action: 'erase_personal', params: null }, (before, now) => {
      if (before.erased) throw new AlreadyRecorded();
      // The link to the contact goes too (its keyed hash), so nothing ties the ticket to the person.
      return { after: { ...before, version: before.version + 1, erased: true, updatedAt: now, customer: { ...before.customer, key: null } }, events: [EVENTS.TICKET_PERSONAL_ERASED] };
    }).catch(async (err) => {
      if (err instanceof AlreadyRecorded) return this.get(number);
      throw err;
    });
  }

  // ---- a person, please -----------------------------------------------------------------------

  /** The customer asked to talk to a person: recorded once per ticket, and the agents' side is told. */
  requestPerson(number: string, actor: Actor): Promise<Ticket> {
    return this.change(number, { actor, action: 'request_person', params: null }, (before, now) => {
      if (before.flags.personRequestedAt) throw new AlreadyRecorded();
      return { after: { ...before, version: before.version + 1, updatedAt: now, flags: { ...before.flags, personRequestedAt: now } }, events: [EVENTS.TICKET_PERSON_REQUESTED] };
    }).catch(async (err) => {
      if (err instanceof AlreadyRecorded) return this.get(number);
      throw err;
    });
  }

  // ---- messages -------------------------------------------------------------------------------

  /**
   * The customer adds to their ticket (text and/or evidence). The text is stored apart (personal
   * data); the ticket records that a message came, and a ticket waiting for the customer resumes
   * at once (its SLA clock runs again). `messageId` makes a repeated delivery a no-op.
   */
  addCustomerMessage(
    number: string,
    input: { text?: string; evidence?: Evidence[]; messageId?: string },
    actor: Actor,
  ): Promise<{ ticket: Ticket; messageId: string }> {
    return this.message(number, input, actor, 'from_customer');
  }

  /**
   * An agent writes to the customer. Only the owner may (or anyone while nobody owns it, who then
   * does not become owner); the first one meets the first-contact deadline.
   */
  async sendAgentMessage(number: string, input: { text: string; messageId?: string }, actor: Actor, options: { asSupervisor?: boolean } = {}): Promise<{ ticket: Ticket; messageId: string }> {
    if (!input.text.trim()) throw new ValidationError([{ field: 'text', message: 'must not be empty' }]);
    return this.message(number, input, actor, 'to_customer', options);
  }

  private async message(
    number: string,
    input: { text?: string; evidence?: Evidence[]; messageId?: string },
    actor: Actor,
    direction: TicketMessage['direction'],
    options: { asSupervisor?: boolean } = {},
  ): Promise<{ ticket: Ticket; messageId: string }> {
    const text = (input.text ?? '').trim();
    const evidence = input.evidence ?? [];
    if (!text && !evidence.length) throw new ValidationError([{ field: 'text', message: 'give a text or evidence' }]);
    if (text.length > 5000) throw new ValidationError([{ field: 'text', message: 'must be at most 5000 characters' }]);
    const id = input.messageId ? `${number}:${input.messageId}` : `${number}:${crypto.randomBytes(9).toString('base64url')}`;
    await this.get(number); // refuse unknown tickets before storing anything
    await this.deps.messages.put({ id, number, at: this.deps.clock.now(), direction, by: actor, text, evidence });
    const ticket = await this.change(number, { actor, action: direction === 'from_customer' ? 'customer_message' : 'agent_message', params: { id } }, (before, now) => {
      if (before.messages.some((m) => m.id === id)) throw new AlreadyRecorded();
      if (direction === 'to_customer' && before.owner && before.owner.id !== actor.id && !options.asSupervisor) throw new NotOwnerError(number, actor.id);
      const version = before.version + 1;
      const after: Ticket = {
        ...before,
        version,
        updatedAt: now,
        evidence: [...before.evidence, ...evidence],
        messages: [...before.messages, { id, at: now, direction, by: { kind: actor.kind, id: actor.id }, evidence: evidence.length }],
      };
      const events: EventType[] = [direction === 'from_customer' ? EVENTS.TICKET_CUSTOMER_MESSAGE : EVENTS.TICKET_AGENT_MESSAGE];
      let pauses = before.sla.pauses;
      const met = new Set<DeadlineKind>();
      if (direction === 'from_customer' && before.status === 'waiting_customer') {
        // The customer answered: the ticket resumes and its clock runs again, now.
        pauses = closePauses(pauses, now);
        after.status = nextStatus(before.status, 'customer_reply');
        after.history = [...before.history, { version, from: before.status, to: after.status, action: 'customer_reply', at: now, actor }];
        events.push(EVENTS.TICKET_STATE_CHANGED);
      }
      if (direction === 'to_customer') met.add('firstContact');
      after.sla = {
        ...before.sla,
        pauses,
        deadlines: planDeadlines(this.deps.sla, { category: before.category, severity: before.severity, startAt: before.sla.startedAt, pauses }, now, before.sla.deadlines, met),
      };
      return { after, events };
    }).catch(async (err) => {
      if (err instanceof AlreadyRecorded) return this.get(number);
      throw err;
    });
    return { ticket, messageId: id };
  }

  // ---- the commit loop ------------------------------------------------------------------------

  /**
   * The commit loop every change goes through (this file's and agent-actions.ts's): read, decide,
   * commit at the next version; retry on a lost race; answer a committed retry as its success.
   */
  async apply(number: string, request: ChangeRequest, decide: (before: Ticket, now: Date) => Decision): Promise<Ticket> {
    return this.change(number, request, decide);
  }

  private async change(number: string, request: ChangeRequest, decide: (before: Ticket, now: Date) => Decision): Promise<Ticket> {
    const requestKey = requestKeyOf(request);
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await this.get(number);
      if (before.version === 1) await this.ensureAnnounced(before);
      // A retry of this very request that committed (its answer was lost) is answered as its success.
      if (await this.alreadyCommitted(before, requestKey, request.expectedVersion)) return before;
      const decision = decide(before, this.deps.clock.now());
      withFigures(decision.after);
      const result = await this.deps.tickets.commitChange({
        number,
        expectedVersion: before.version,
        after: decision.after,
        events: decision.events,
        actor: request.actor,
        action: request.action,
        requestKey,
      });
      if (result.committed) {
        this.committed(result.entry);
        return decision.after;
      }
      if (result.winner?.requestKey === requestKey) return this.get(number);
    }
    throw new ConcurrentChangeError(number);
  }

  /**
   * A ticket's changes follow its filing in the feed: the first change waits for the filing's
   * announcement (in this process), or makes it (a filing whose writer died before announcing it).
   */
  private async ensureAnnounced(t: Ticket): Promise<void> {
    await this.deps.filingAnnounced?.(t.number);
    // Another instance may be announcing it this very moment: give it a moment before doing it too
    // (doing it twice only costs a repeated feed entry, which consumers ignore).
    for (const wait of [0, 10, 30, 100, 300, 1000]) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      if ((await this.deps.feed.lockHolder(t.number, 1)) !== null) return;
    }
    await this.deps.feed.announceFilings([t]);
  }

  /**
   * Did this request already commit? With the version the caller saw, exactly: the change right
   * after it is this request. Without it: the latest change is this request (the same actor,
   * action and parameters) — anything older may have been undone since, so it does not count.
   */
  private async alreadyCommitted(t: Ticket, requestKey: string, expectedVersion: number | undefined): Promise<boolean> {
    if (expectedVersion !== undefined) {
      const version = expectedVersion + 1;
      if (version > t.version || version < 2) return false;
      return (await this.deps.feed.entryOf(t.number, version))?.requestKey === requestKey;
    }
    // The latest change, looking past the desk's own record-keeping that may have followed it at
    // once (a notice's delivery outcome changes nothing anyone decided).
    for (let version = t.version; version >= 2 && version > t.version - 4; version--) {
      const entry = await this.deps.feed.entryOf(t.number, version);
      if (entry?.requestKey === requestKey) return true;
      if (entry?.action !== NOTICE_SETTLED) return false;
    }
    return false;
  }

  private committed(entry: FeedEntry): void {
    try {
      this.deps.observer?.committed(entry);
    } catch (err) {
      this.deps.logger.warn({ err, ticket: entry.number }, 'change observer failed');
    }
    this.deps.onCommitted?.(entry);
  }
}

interface PendingNotice {
  id: string;
  kind: NoticeKind;
  text: string;
}

function newNoticeId(number: string, kind: NoticeKind): string {
  return `${number}:${kind}:${crypto.randomBytes(6).toString('base64url')}`;
}

/** Record notices on the ticket of a change (and the survey round a survey request opens). */
function addNotices(before: Ticket, after: Ticket, notices: PendingNotice[], now: Date, settings: FollowUpSettings): void {
  const version = before.version + 1;
  after.messages = [...before.messages, ...notices.map((n) => ({ id: n.id, at: now, direction: 'to_customer' as const, by: { kind: 'system' as const, id: 'desk' }, evidence: 0 }))];
  const refs: NoticeRef[] = notices.map((n) => ({ id: n.id, kind: n.kind, version, at: now, status: 'pending', via: null, settledAt: null }));
  after.notices = [...(before.notices ?? []), ...refs];
  const survey = notices.find((n) => n.kind === 'survey');
  if (survey) {
    after.survey = { round: (before.survey?.round ?? 0) + 1, noticeId: survey.id, version, at: now, dueAt: new Date(now.getTime() + settings.surveyTimeoutDays * 86_400_000), answeredAt: null };
  }
}

/** Thrown inside a decision when the message is on the ticket already (a repeated delivery). */
class AlreadyRecorded extends Error {}

function closePauses(pauses: SlaPause[], now: Date): SlaPause[] {
  return pauses.map((p) => (p.to === null ? { ...p, to: now } : p));
}

/** Who asked for what with which parameters (the version it was asked on is checked by position). */
export function requestKeyOf(r: ChangeRequest): string {
  const text = canonicalJson([r.actor.kind, r.actor.id, r.action, r.params ?? null]);
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 32);
}
