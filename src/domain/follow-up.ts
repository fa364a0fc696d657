/**
 * After resolution (DESIGN §2 "Follow-up"; seeds 002, 003, 004):
 *
 * - **Survey**: resolving sends the result notice and (when surveys go out automatically) a
 *   survey request; the customer rates 1–5 (`rate`), a rating of 3 or more closes the ticket,
 *   1–2 leave it resolved and offer an appeal. No answer within the survey window → closed
 *   without rating (`surveyTimeout`, handed over by the durable scheduler).
 * - **Appeal**: the customer is not satisfied → the ticket is reopened with its number and a new
 *   resolution deadline (`appeal`); the agents' side tells the owner and the supervisors.
 * - **Return visits**: a random share of closed tickets and every major one get a return-visit
 *   task some days later (`returnVisitDue`), which an agent claims (`claimReturnVisit`: one
 *   claim wins, it commits through the version lock's unique insert) and records
 *   (`recordReturnVisit`).
 *
 * Every one of these is a committed change of the ticket (so it is audited, reaches the feed and
 * the counters) whose decision re-reads the ticket: a due item handed over twice, by two
 * instances at once or again after a restart, changes the ticket once.
 */
import crypto from 'node:crypto';
import { AlreadyClaimedError, DomainError, InvalidTransitionError, TicketNotFoundError, ValidationError } from './errors';
import { EVENTS, type EventType } from './events';
import type { ChangeTicket } from './change-ticket';
import type { FeedHandler } from './effects';
import type { Clock, DueSchedule, FeedEntry } from './ports';
import type { Actor, Ticket, TicketRecord } from './ticket';

export const FOLLOW_UP_ACTOR: Actor = { kind: 'system', id: 'follow-up', name: 'Follow-up' };
export const SURVEY_DUE_KIND = 'survey-timeout';
export const RETURN_VISIT_DUE_KIND = 'return-visit';

export interface FollowUpSettings {
  /** Surveys go out when a ticket is resolved (false: an agent sends one with `sendSurvey`). */
  surveyAuto: boolean;
  /** Days the customer has to answer the survey; then the ticket is closed without rating. */
  surveyTimeoutDays: number;
  /** Days after closing within which the customer may still appeal. */
  appealDays: number;
  /** Share of closed tickets (0–1) that get a return visit; major ones always do. */
  returnVisitRate: number;
  /** Days after closing the return visit is due. */
  returnVisitDays: number;
  /** Keys the random choice of return visits (the same ticket is always chosen the same way). */
  salt: string;
}

export const DEFAULT_FOLLOW_UP: FollowUpSettings = { surveyAuto: true, surveyTimeoutDays: 3, appealDays: 7, returnVisitRate: 0.2, returnVisitDays: 7, salt: 'follow-up' };

export interface SurveyState {
  /** 1 for the first survey, 2 after a reopen and a second resolve … */
  round: number;
  /** The notice that asked (its text is a message of the ticket). */
  noticeId: string;
  /** Ticket version whose change sent it (the scheduler's timeout is planned from it). */
  version: number;
  at: Date;
  /** No answer by then → closed without rating. */
  dueAt: Date;
  /** When the customer rated (null: not yet). */
  answeredAt: Date | null;
  /** Closed by the timeout without a rating. */
  timedOut?: boolean;
}

export interface ReturnVisitState {
  /** The closing it follows (its ticket version). */
  closedVersion: number;
  dueAt: Date;
  /** Why this ticket: `major` or `random`. */
  reason: 'major' | 'random';
  status: 'due' | 'claimed' | 'done';
  claimedBy: { id: string; name: string | null } | null;
  claimedAt: Date | null;
  outcome: { reached: boolean; satisfied: boolean | null; note: string; at: Date; by: { id: string; name: string | null } } | null;
}

const DAY = 86_400_000;

/** Is this closing chosen for a return visit? Deterministic per ticket and closing, keyed by the salt. */
export function returnVisitReason(r: Pick<TicketRecord, 'number' | 'severity'>, closedVersion: number, settings: Pick<FollowUpSettings, 'returnVisitRate' | 'salt'>): 'major' | 'random' | null {
  if (r.severity === 'major') return 'major';
  if (settings.returnVisitRate <= 0) return null;
  const h = crypto.createHmac('sha256', settings.salt).update(`${r.number}:${closedVersion}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < settings.returnVisitRate ? 'random' : null;
}

/**
 * What the customer's message says about the survey (null: not a survey answer): a rating 1–5
 * (a comment may follow the number), "not satisfied", or "appeal". Only short, clear messages count.
 */
export type SurveyAnswer = { kind: 'rating'; rating: number; comment: string } | { kind: 'not_satisfied'; comment: string } | { kind: 'appeal'; comment: string };

export function surveyAnswerOf(text: string): SurveyAnswer | null {
  const s = text.trim();
  const m = /^([1-5])(?:\s*(?:分|星|stars?|points?))?(?:(?:[\s,.，。:：、-]+)([\s\S]*))?$/i.exec(s);
  if (m) return { kind: 'rating', rating: Number(m[1]), comment: (m[2] ?? '').trim() };
  const sep = '(?:[\\s,.，。:：!！、-]+([\\s\\S]*))?$';
  const appeal = new RegExp(`^(?:我要申诉|申诉|我要申訴|申訴|appeal)(?:\\s*\\d{10})?${sep}`, 'i').exec(s);
  if (appeal) return { kind: 'appeal', comment: (appeal[1] ?? '').trim() };
  const not = new RegExp(`^(?:很不满意|非常不满意|不满意|不滿意|not satisfied|unsatisfied|dissatisfied)${sep}`, 'i').exec(s);
  if (not) return { kind: 'not_satisfied', comment: (not[1] ?? '').trim() };
  return null;
}

class NothingToDo extends Error {}

/** The ticket is not waiting for a rating (none was asked for, or it was given, or the window closed): a conflict with its state. */
export class SurveyClosedError extends DomainError {
  override name = 'SurveyClosedError';
  constructor(number: string) {
    super('ticket.invalid_transition', `Ticket ${number} is not waiting for a rating.`, { number });
  }
}

/** The survey of the ticket's current resolution (null: none sent since it was last resolved). */
export function currentSurvey(t: Pick<Ticket, 'history' | 'survey'>): SurveyState | null {
  const resolved = [...t.history].reverse().find((h) => h.action === 'resolve');
  return t.survey && resolved && t.survey.version >= resolved.version ? t.survey : null;
}

/** The survey cannot be sent: the ticket is not resolved, or its customer has rated this resolution already. */
export class SurveyNotPossibleError extends DomainError {
  override name = 'SurveyNotPossibleError';
  constructor(number: string, why: 'not_resolved' | 'rated') {
    super('ticket.invalid_transition', why === 'rated' ? 'The customer has already rated this resolution.' : 'The ticket is not resolved: a survey follows a resolution.', { number, reason: why });
  }
}

export class FollowUp {
  constructor(
    private readonly changes: ChangeTicket,
    private readonly settings: FollowUpSettings,
    private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /** Is the ticket waiting for the customer's rating? */
  static awaitingRating(t: Pick<Ticket, 'status' | 'survey'>): boolean {
    return t.status === 'resolved' && !!t.survey && !t.survey.answeredAt;
  }

  /** May the customer appeal now (resolved, or closed within the appeal window)? */
  canAppeal(t: Pick<Ticket, 'status' | 'history'>, now: Date): boolean {
    if (t.status === 'resolved') return true;
    if (t.status !== 'closed') return false;
    const closed = [...t.history].reverse().find((h) => h.to === 'closed');
    return !!closed && now.getTime() - new Date(closed.at).getTime() <= this.settings.appealDays * DAY;
  }

  /**
   * The customer's rating (1–5). 3 or more closes the ticket; 1–2 leave it resolved (an appeal is
   * offered). A repeated rating of the same survey is answered with the ticket as it is.
   */
  async rate(number: string, rating: number, actor: Actor): Promise<{ ticket: Ticket; closed: boolean; offerAppeal: boolean }> {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new ValidationError([{ field: 'rating', message: 'must be a whole number from 1 to 5' }]);
    const round = (await this.changes.get(number)).survey?.round ?? 0;
    const ticket = await this.changes.apply(number, { actor, action: 'rate', params: { rating, round } }, (before, now) => {
      if (!FollowUp.awaitingRating(before) || before.survey!.round !== round) throw new SurveyClosedError(number);
      const version = before.version + 1;
      const after: Ticket = { ...before, version, updatedAt: now, satisfaction: { rating, at: now }, survey: { ...before.survey!, answeredAt: now } };
      const events: EventType[] = [EVENTS.TICKET_RATED];
      if (rating >= 3) {
        after.status = 'closed';
        after.history = [...before.history, { version, from: before.status, to: 'closed', action: 'close', at: now, actor }];
        events.push(EVENTS.TICKET_CLOSED);
      }
      return { after, events };
    });
    return { ticket, closed: ticket.status === 'closed', offerAppeal: rating <= 2 && ticket.status === 'resolved' };
  }

  /**
   * The customer appeals: the ticket is reopened with its number and a new resolution deadline
   * (the reopen transition of change-ticket.ts), and the agents' side tells the owner and the
   * supervisors (`ticket.appealed`).
   */
  async appeal(number: string, actor: Actor, reason: string): Promise<Ticket> {
    const t = await this.changes.get(number);
    if (!this.canAppeal(t, this.clock.now())) throw new InvalidTransitionError(t.status, 'reopen');
    // The customer's words are personal free text: kept with the messages, not in the reopen's reason (the feed and audit hold that).
    if (reason.trim()) await this.changes.addCustomerMessage(number, { text: reason.trim() }, actor);
    return this.changes.transition(number, 'reopen', { actor, reason: 'appeal by the customer', appeal: true });
  }

  /** The survey window passed: close without rating (once, whoever hands the item over). */
  async surveyTimeout(number: string, round: number): Promise<boolean> {
    try {
      await this.changes.apply(number, { actor: FOLLOW_UP_ACTOR, action: 'survey_timeout', params: { round } }, (before, now) => {
        if (before.status !== 'resolved' || before.survey?.round !== round) throw new NothingToDo();
        const version = before.version + 1;
        const rated = !!before.survey.answeredAt;
        return {
          after: {
            ...before,
            version,
            status: 'closed',
            updatedAt: now,
            survey: { ...before.survey, ...(rated ? {} : { timedOut: true }) },
            history: [...before.history, { version, from: before.status, to: 'closed', action: 'close', at: now, actor: FOLLOW_UP_ACTOR, reason: rated ? 'appeal not taken' : 'no rating' }],
          },
          events: [EVENTS.TICKET_CLOSED],
        };
      });
      return true;
    } catch (err) {
      if (err instanceof NothingToDo || err instanceof TicketNotFoundError) return false;
      throw err;
    }
  }

  /** The return visit of a closing fell due: the task appears (once) for agents to claim. */
  async returnVisitDue(number: string, closedVersion: number, reason: 'major' | 'random', dueAt: Date): Promise<boolean> {
    try {
      await this.changes.apply(number, { actor: FOLLOW_UP_ACTOR, action: 'return_visit_due', params: { closedVersion } }, (before, now) => {
        if (before.status !== 'closed' || before.returnVisit?.closedVersion === closedVersion) throw new NothingToDo();
        const returnVisit: ReturnVisitState = { closedVersion, dueAt, reason, status: 'due', claimedBy: null, claimedAt: null, outcome: null };
        return { after: { ...before, version: before.version + 1, updatedAt: now, returnVisit }, events: [EVENTS.TICKET_RETURN_VISIT_DUE] };
      });
      return true;
    } catch (err) {
      if (err instanceof NothingToDo || err instanceof TicketNotFoundError) return false;
      throw err;
    }
  }

  /** An agent takes the return visit: the first claim commits, any other is refused. */
  claimReturnVisit(number: string, actor: Actor): Promise<Ticket> {
    return this.changes.apply(number, { actor, action: 'claim_return_visit', params: null }, (before, now) => {
      const rv = before.returnVisit;
      if (!rv || rv.status === 'done') throw new ValidationError([{ field: 'returnVisit', message: `ticket ${number} has no return visit to claim` }]);
      if (rv.claimedBy) throw new AlreadyClaimedError(number, rv.claimedBy.id);
      const returnVisit: ReturnVisitState = { ...rv, status: 'claimed', claimedBy: { id: actor.id, name: actor.name ?? null }, claimedAt: now };
      return { after: { ...before, version: before.version + 1, updatedAt: now, returnVisit }, events: [EVENTS.TICKET_RETURN_VISIT_CLAIMED] };
    });
  }

  /** The agent who claimed the return visit records how it went (audited with the change). */
  recordReturnVisit(number: string, outcome: { reached: boolean; satisfied: boolean | null; note: string }, actor: Actor): Promise<Ticket> {
    const note = outcome.note.trim();
    if (note.length > 2000) throw new ValidationError([{ field: 'note', message: 'must be at most 2000 characters' }]);
    return this.changes.apply(number, { actor, action: 'record_return_visit', params: { reached: outcome.reached, satisfied: outcome.satisfied } }, (before, now) => {
      const rv = before.returnVisit;
      if (!rv || rv.status !== 'claimed') throw new ValidationError([{ field: 'returnVisit', message: `the return visit of ticket ${number} is not claimed` }]);
      if (rv.claimedBy?.id !== actor.id) throw new AlreadyClaimedError(number, rv.claimedBy!.id);
      const returnVisit: ReturnVisitState = { ...rv, status: 'done', outcome: { reached: outcome.reached, satisfied: outcome.satisfied, note, at: now, by: { id: actor.id, name: actor.name ?? null } } };
      return { after: { ...before, version: before.version + 1, updatedAt: now, returnVisit }, events: [EVENTS.TICKET_RETURN_VISIT_DONE] };
    });
  }
}

/**
 * Feed handler: after a change that sent a survey, schedule its timeout; after a closing chosen
 * for a return visit, schedule the visit. Items are planned from the change itself, so a batch
 * handled twice only adds items whose handlers then find nothing to do.
 */
export function followUpScheduleHandler(due: DueSchedule, settings: FollowUpSettings): FeedHandler {
  return {
    name: 'follow-up-schedule',
    async handle(entries: FeedEntry[]) {
      const items: Array<{ kind: string; ref: string; at: Date; data?: Record<string, unknown> }> = [];
      for (const e of entries) {
        const s = e.after.survey;
        if (s && s.version === e.version && !s.answeredAt) items.push({ kind: SURVEY_DUE_KIND, ref: e.number, at: new Date(s.dueAt), data: { round: s.round } });
        if (e.events.includes(EVENTS.TICKET_CLOSED) && e.after.status === 'closed') {
          const reason = returnVisitReason(e.after, e.version, settings);
          if (reason) items.push({ kind: RETURN_VISIT_DUE_KIND, ref: e.number, at: new Date(new Date(e.at).getTime() + settings.returnVisitDays * DAY), data: { closedVersion: e.version, reason } });
        }
      }
      await due.add(items);
    },
  };
}
