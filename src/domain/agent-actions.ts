/**
 * What agents do to a ticket besides the state machine and messages: escalate it one tier
 * (owner → team lead → complaint centre), hand it to a colleague, and record a contact made
 * outside the desk (a phone call), which meets the first-contact deadline. Optimistic and retry-safe like every change
 * (change-ticket.ts): the same request on the same expected version answers as its own success.
 * Every change goes through ChangeTicket's commit loop.
 */
import { DomainError, NotOwnerError, ValidationError } from './errors';
import { EVENTS } from './events';
import type { SlaPlanner } from './ports';
import { planDeadlines } from './plan-deadlines';
import { isOpen } from './state-machine';
import type { ChangeTicket, Decision } from './change-ticket';
import type { Actor, Ticket } from './ticket';
import { moveToTier } from './tiers';

export interface AgentActionDeps {
  changes: ChangeTicket;
  sla: SlaPlanner;
}

export interface AgentActionInput {
  actor: Actor;
  /** The version the caller saw (e.g. the one a Slack message showed); makes retries exact. */
  expectedVersion?: number;
  /** A supervisor may act on a ticket somebody else owns. */
  asSupervisor?: boolean;
}

/** The tiers of `sla.escalationTier` (src/sla/escalation.ts names them too). */
const TIERS = ['owner', 'team lead', 'complaint centre'] as const;
const TOP_TIER = TIERS.length - 1;
const VERBS: Record<string, string> = { escalate: 'escalated', record_contact: 'given a recorded contact', reassign: 'reassigned' };

export class AgentActions {
  constructor(private readonly deps: AgentActionDeps) {}

  /** Raise the ticket one escalation tier (open tickets; the owner, anyone while unowned, or a supervisor). */
  escalate(number: string, input: AgentActionInput): Promise<Ticket> {
    return this.change(number, input, 'escalate', { tier: 'next' }, (before, now) => {
      this.mayAct(before, input, 'escalate');
      if (before.sla.escalationTier >= TOP_TIER) {
        throw new ValidationError([{ field: 'tier', message: `ticket ${number} is already at the top tier (${TIERS[TOP_TIER]})` }]);
      }
      return {
        after: { ...before, version: before.version + 1, updatedAt: now, sla: moveToTier(before, before.sla.escalationTier + 1, now) },
        events: [EVENTS.TICKET_ESCALATED],
      };
    });
  }

  /** Hand a claimed ticket to another agent (the owner, or a supervisor); the status stays. */
  reassign(number: string, input: AgentActionInput & { to: { id: string; name: string | null } }): Promise<Ticket> {
    return this.change(number, input, 'reassign', { to: input.to.id }, (before, now) => {
      if (!before.owner || !['claimed', 'investigating', 'waiting_customer'].includes(before.status)) {
        throw new DomainError('ticket.invalid_transition', `A ticket that is ${before.status} cannot be reassigned (claim it instead).`, { from: before.status, action: 'reassign' });
      }
      this.mayAct(before, input, 'reassign');
      if (before.owner.id === input.to.id) throw new ValidationError([{ field: 'to', message: `ticket ${number} is already owned by them` }]);
      return { after: { ...before, version: before.version + 1, updatedAt: now, owner: { id: input.to.id, name: input.to.name } }, events: [EVENTS.TICKET_REASSIGNED] };
    });
  }

  /** The owner reached the customer outside the desk: the first-contact deadline is met (once). */
  recordContact(number: string, input: AgentActionInput & { how: 'phone' | 'other' }): Promise<Ticket> {
    return this.change(number, input, 'record_contact', { how: input.how }, (before, now) => {
      this.mayAct(before, input, 'record_contact');
      const met = new Set(['firstContact'] as const);
      const after: Ticket = {
        ...before,
        version: before.version + 1,
        updatedAt: now,
        sla: {
          ...before.sla,
          deadlines: planDeadlines(this.deps.sla, { category: before.category, severity: before.severity, startAt: before.sla.startedAt, pauses: before.sla.pauses }, now, before.sla.deadlines, met),
        },
      };
      return { after, events: [EVENTS.TICKET_CONTACT_RECORDED] };
    });
  }

  private mayAct(t: Ticket, input: AgentActionInput, action: string): void {
    if (!isOpen(t.status)) {
      throw new DomainError('ticket.invalid_transition', `A ticket that is ${t.status} cannot be ${VERBS[action] ?? action}.`, { from: t.status, action });
    }
    if (t.owner && input.actor.kind === 'agent' && t.owner.id !== input.actor.id && !input.asSupervisor) throw new NotOwnerError(t.number, input.actor.id);
  }

  private change(
    number: string,
    input: AgentActionInput,
    action: string,
    params: unknown,
    decide: (before: Ticket, now: Date) => Decision,
  ): Promise<Ticket> {
    return this.deps.changes.apply(number, { actor: input.actor, action, params, expectedVersion: input.expectedVersion }, decide);
  }
}
