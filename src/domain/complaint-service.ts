/**
 * The complaint desk's use cases behind one door, for the edges (REST, dialogs, Slack). Each
 * use case is its own story in its own file:
 *
 * - file-complaint.ts  validate, classify, number, save, announce (group commit, Idempotency-Key)
 * - change-ticket.ts   state-machine actions, reclassification, messages (optimistic, retry-safe)
 * - lookup-ticket.ts   a customer's verified lookup, guarded against guessing
 * - erase-customer.ts  one customer's personal data erased on request
 * - personal-data.ts   one customer's data exported on request; closed tickets anonymised after retention
 * - malicious-flag.ts  a supervisor flags (or unflags) a customer as malicious, with a reason
 * - check-deadlines.ts warnings and overdue escalations when the scheduler says they are due
 * - effects.ts         what follows from the change feed: audit, projection, feedback, filing repair
 */
import { AgentActions, type AgentActionInput } from './agent-actions';
import { ChangeTicket, type TransitionInput } from './change-ticket';
import { FileComplaint, type FileContext, type FileResult, type FilingOptions } from './file-complaint';
import { LookupTicket, type LookupResult, type Verification } from './lookup-ticket';
import { EraseCustomer, type EraseResult } from './erase-customer';
import { CheckDeadlines } from './check-deadlines';
import { MaliciousFlags } from './malicious-flag';
import { PersonalData, type CustomerExport } from './personal-data';
import type {
  AuditLog,
  ChangeFeed,
  ChangeObserver,
  Classifier,
  Clock,
  ConversationRecords,
  CoreLogger,
  CustomerIndex,
  CustomerWatch,
  FeedEntry,
  IdempotencyStore,
  LookupGuard,
  MessageStore,
  SlaPlanner,
  TicketRepository,
} from './ports';
import type { TransitionAction } from './state-machine';
import type { Category, Severity } from './taxonomy';
import type { Actor, Evidence, Ticket } from './ticket';
import type { NoticeOutcome } from './notices';
import { DEFAULT_FOLLOW_UP, FollowUp, type FollowUpSettings } from './follow-up';

export type { FileResult, FileContext, LookupResult, Verification, TransitionInput, AgentActionInput, CustomerExport };

export interface ComplaintServiceDeps {
  tickets: TicketRepository;
  feed: ChangeFeed;
  idempotency: IdempotencyStore;
  lookupGuard: LookupGuard;
  /** Where lookups are recorded (who looked at which ticket). */
  audit?: AuditLog;
  messages: MessageStore;
  classifier: Classifier;
  sla: SlaPlanner;
  clock: Clock;
  logger: CoreLogger;
  observer?: ChangeObserver;
  /** Per-customer index (their tickets, rejections, malicious flag): export, erasure, flags. */
  customers?: CustomerIndex;
  /** The channels' records of a conversation (transcripts, dialog state), erased with the customer. */
  conversations?: ConversationRecords;
  /** Called after every commit (filings and changes): wakes the feed handlers. */
  onCommitted?: () => void;
}

export type ComplaintServiceOptions = FilingOptions & {
  /** Days after closing (or rejection) when a ticket is anonymised; 0: never. */
  retentionClosedDays?: number;
  /** Surveys, appeals and return visits (defaults: DEFAULT_FOLLOW_UP). */
  followUp?: FollowUpSettings;
};

export class ComplaintService {
  private readonly filing: FileComplaint;
  private readonly changes: ChangeTicket;
  private readonly lookups: LookupTicket;
  private readonly erasure: EraseCustomer;
  private readonly agentActions: AgentActions;
  private readonly deadlines: CheckDeadlines;
  private readonly personal: PersonalData;
  private readonly flags: MaliciousFlags;
  private readonly customers: CustomerIndex | undefined;
  private readonly after: FollowUp;
  readonly followUpSettings: FollowUpSettings;

  constructor(deps: ComplaintServiceDeps, options: ComplaintServiceOptions) {
    this.followUpSettings = options.followUp ?? DEFAULT_FOLLOW_UP;
    const wake = () => deps.onCommitted?.();
    const observeFilings = (tickets: Ticket[]) => {
      for (const t of tickets) {
        try {
          deps.observer?.committed({ number: t.number, version: 1, action: 'file', after: t });
        } catch (err) {
          deps.logger.warn({ err, ticket: t.number }, 'change observer failed');
        }
      }
    };
    this.filing = new FileComplaint({ ...deps, onFiled: observeFilings, onCommitted: wake }, options);
    this.changes = new ChangeTicket({ ...deps, onCommitted: (_e: FeedEntry) => wake(), filingAnnounced: (n) => this.filing.announced(n), followUp: this.followUpSettings });
    this.lookups = new LookupTicket(deps);
    this.customers = deps.customers;
    this.personal = new PersonalData({ ...deps, changes: this.changes }, { contactHashSecret: options.contactHashSecret, closedDays: options.retentionClosedDays ?? 0 });
    this.flags = new MaliciousFlags({ changes: this.changes, customers: deps.customers, logger: deps.logger });
    this.erasure = new EraseCustomer({ ...deps, changes: this.changes, personal: this.personal, ...(deps.customers ? { forget: (key: string) => deps.customers!.forget(key) } : {}) });
    this.agentActions = new AgentActions({ changes: this.changes, sla: deps.sla });
    this.deadlines = new CheckDeadlines(this.changes);
    this.after = new FollowUp(this.changes, this.followUpSettings, deps.clock);
  }

  // ---- after resolution (follow-up.ts) ----------------------------------------------------------

  /** The customer's rating 1–5 of the latest survey: 3+ closes the ticket, 1–2 offer an appeal. */
  rate(number: string, rating: number, actor: Actor): ReturnType<FollowUp['rate']> {
    return this.after.rate(number, rating, actor);
  }

  /** The customer is not satisfied: reopen with the same number and a new deadline (owner and supervisors told). */
  appeal(number: string, actor: Actor, reason: string): Promise<Ticket> {
    return this.after.appeal(number, actor, reason);
  }

  /** May the customer still appeal this ticket? */
  canAppeal(t: Ticket): boolean {
    return this.after.canAppeal(t, this.after.now());
  }

  /** Ask for a rating now (when surveys do not go out by themselves). */
  sendSurvey(number: string, actor: Actor): Promise<Ticket> {
    return this.changes.sendSurvey(number, actor);
  }

  /** The scheduler: the survey window of `round` passed (closes without rating, once). */
  surveyTimeout(number: string, round: number): Promise<boolean> {
    return this.after.surveyTimeout(number, round);
  }

  /** The scheduler: a return visit fell due (the task appears once). */
  returnVisitDue(number: string, closedVersion: number, reason: 'major' | 'random', dueAt: Date): Promise<boolean> {
    return this.after.returnVisitDue(number, closedVersion, reason, dueAt);
  }

  claimReturnVisit(number: string, actor: Actor): Promise<Ticket> {
    return this.after.claimReturnVisit(number, actor);
  }

  recordReturnVisit(number: string, outcome: { reached: boolean; satisfied: boolean | null; note: string }, actor: Actor): Promise<Ticket> {
    return this.after.recordReturnVisit(number, outcome, actor);
  }

  /** The scheduler's check of one ticket: warnings and overdue escalations that are due are committed (once). */
  checkDeadlines(number: string, dueAt: Date): ReturnType<CheckDeadlines['check']> {
    return this.deadlines.check(number, dueAt);
  }

  file(raw: unknown, ctx: FileContext): Promise<FileResult> {
    return this.filing.file(raw, ctx);
  }

  /** Resolves once every filing answered so far has reached the change feed. */
  settled(): Promise<void> {
    return this.filing.settled();
  }

  /** Confidence was below the threshold and no person has decided the category yet. */
  needsCategoryConfirmation(ticket: Ticket): boolean {
    return this.filing.needsConfirmation(ticket);
  }

  /** A customer's (or hotline's) lookup: the lookup code shows all, the phone's last four digits the status. */
  lookup(number: string, verification: Verification, client?: string): Promise<LookupResult> {
    return this.lookups.lookup(number, verification, client);
  }

  get(number: string): Promise<Ticket> {
    return this.changes.get(number);
  }

  claim(number: string, actor: Actor, expectedVersion?: number): Promise<Ticket> {
    return this.changes.transition(number, 'claim', { actor, expectedVersion });
  }

  transition(number: string, action: TransitionAction, input: TransitionInput): Promise<Ticket> {
    return this.changes.transition(number, action, input);
  }

  reclassify(number: string, change: { category?: Category; severity?: Severity }, actor: Actor, expectedVersion?: number): Promise<Ticket> {
    return this.changes.reclassify(number, change, actor, expectedVersion);
  }

  addCustomerMessage(number: string, input: { text?: string; evidence?: Evidence[]; messageId?: string }, actor: Actor): Promise<{ ticket: Ticket; messageId: string }> {
    return this.changes.addCustomerMessage(number, input, actor);
  }

  /** Record how a notice to the customer went out and whether it arrived (the notice delivery calls it). */
  recordNotice(number: string, id: string, outcome: NoticeOutcome): Promise<Ticket> {
    return this.changes.recordNotice(number, id, outcome);
  }

  /** The customer asked for a person (once per ticket; the agents' side is told). */
  requestPerson(number: string, actor: Actor): Promise<Ticket> {
    return this.changes.requestPerson(number, actor);
  }

  /** Erase one customer's personal data (all their tickets), keeping every chain verifiable. */
  eraseCustomer(contact: { phone?: string; email?: string }, actor: Actor): Promise<EraseResult> {
    return this.erasure.erase(contact, actor);
  }

  /** Everything held about one customer (found by their contact's keyed hash), as one document; audited, never logged. */
  exportCustomer(contact: { phone?: string; email?: string }, actor: Actor): Promise<CustomerExport> {
    return this.personal.export(contact, actor);
  }

  /** The retention check of one closed ticket (the scheduler's item): anonymised once its time has come. */
  anonymiseIfDue(number: string, now: Date): Promise<{ anonymised: boolean; retryAt: Date | null }> {
    return this.personal.anonymiseIfDue(number, now);
  }

  /** A supervisor flags the customer of a ticket as malicious (reason required, audited). */
  flagMalicious(number: string, reason: string, actor: Actor, expectedVersion?: number): Promise<Ticket> {
    return this.flags.flag(number, reason, actor, expectedVersion);
  }

  /** A supervisor removes the malicious flag of the customer of a ticket (reason required, audited). */
  unflagMalicious(number: string, reason: string, actor: Actor, expectedVersion?: number): Promise<Ticket> {
    return this.flags.unflag(number, reason, actor, expectedVersion);
  }

  /** What the desk knows of the customer of a ticket (their malicious flag, rejected complaints). */
  async customerWatch(ticket: Ticket): Promise<CustomerWatch | null> {
    return ticket.customer.key && this.customers ? this.customers.watchOf(ticket.customer.key) : null;
  }

  sendAgentMessage(number: string, input: { text: string; messageId?: string }, actor: Actor, options?: { asSupervisor?: boolean }): Promise<{ ticket: Ticket; messageId: string }> {
    return this.changes.sendAgentMessage(number, input, actor, options);
  }

  /** Raise the ticket one escalation tier (owner → team lead → complaint centre). */
  escalate(number: string, input: AgentActionInput): Promise<Ticket> {
    return this.agentActions.escalate(number, input);
  }

  /** Hand a claimed ticket to another agent (the owner, or a supervisor). */
  reassign(number: string, input: AgentActionInput & { to: { id: string; name: string | null } }): Promise<Ticket> {
    return this.agentActions.reassign(number, input);
  }

  /** Record a contact made outside the desk (a phone call): meets the first-contact deadline. */
  recordContact(number: string, input: AgentActionInput & { how: 'phone' | 'other' }): Promise<Ticket> {
    return this.agentActions.recordContact(number, input);
  }
}
