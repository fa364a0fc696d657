/**
 * Domain errors carry a code; each edge (HTTP error middleware, bolt's app.error, the bot's
 * onTurnError) maps codes once. Unknown errors are wrapped by the edge and logged once.
 */
import type { TicketStatus, TransitionAction } from './state-machine';

export type DomainErrorCode =
  | 'validation.failed'
  | 'ticket.not_found'
  | 'ticket.verification_failed'
  | 'ticket.lookup_locked'
  | 'ticket.invalid_transition'
  | 'ticket.already_claimed'
  | 'ticket.reason_required'
  | 'ticket.not_owner'
  | 'ticket.concurrent_change'
  | 'idempotency.key_reused'
  | 'idempotency.in_progress'
  | 'ticket.numbers_exhausted'
  | 'store.unavailable'
  | 'store.overloaded';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends DomainError {
  override name = 'ValidationError';
  constructor(readonly problems: FieldProblem[]) {
    super('validation.failed', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
  }
}

export class TicketNotFoundError extends DomainError {
  override name = 'TicketNotFoundError';
  constructor(number: string) {
    super('ticket.not_found', `Ticket ${number} was not found.`, { number });
  }
}

export class VerificationFailedError extends DomainError {
  override name = 'VerificationFailedError';
  constructor(number: string) {
    super('ticket.verification_failed', `The verification does not match ticket ${number}.`, { number });
  }
}

export class LookupLockedError extends DomainError {
  override name = 'LookupLockedError';
  constructor(
    number: string,
    readonly retryAfterSeconds: number,
  ) {
    super('ticket.lookup_locked', `Too many wrong verifications for ticket ${number}; try again later.`, { number, retryAfterSeconds });
  }
}

export class InvalidTransitionError extends DomainError {
  override name = 'InvalidTransitionError';
  constructor(
    readonly from: TicketStatus,
    readonly action: TransitionAction,
  ) {
    super('ticket.invalid_transition', `A ticket that is ${from} cannot be ${action.replace(/_/g, ' ')}ed.`, { from, action });
  }
}

export class AlreadyClaimedError extends DomainError {
  override name = 'AlreadyClaimedError';
  constructor(
    number: string,
    readonly ownerId: string,
  ) {
    super('ticket.already_claimed', `Ticket ${number} is already claimed.`, { number, ownerId });
  }
}

export class ReasonRequiredError extends DomainError {
  override name = 'ReasonRequiredError';
  constructor(readonly action: TransitionAction) {
    super('ticket.reason_required', `A reason is required to ${action} a ticket.`, { action });
  }
}

export class NotOwnerError extends DomainError {
  override name = 'NotOwnerError';
  constructor(number: string, actorId: string) {
    super('ticket.not_owner', `Only the owner of ticket ${number} can do that.`, { number, actorId });
  }
}

export class ConcurrentChangeError extends DomainError {
  override name = 'ConcurrentChangeError';
  constructor(number: string) {
    super('ticket.concurrent_change', `Ticket ${number} was changed by someone else at the same time; try again.`, { number });
  }
}

export class StoreUnavailableError extends DomainError {
  override name = 'StoreUnavailableError';
  constructor(cause?: unknown) {
    super('store.unavailable', 'The database is unavailable.', {});
    if (cause) this.cause = cause;
  }
}

/** Too many writes are already waiting for the database: answer "busy, retry" instead of queueing more. */
export class StoreOverloadedError extends DomainError {
  override name = 'StoreOverloadedError';
  constructor(readonly retryAfterSeconds = 2) {
    super('store.overloaded', 'The service is busy; retry shortly.', { retryAfterSeconds });
  }
}

/** Every number of the year (999,999) is used: filing stops with a clear error and an alert. */
export class NumbersExhaustedError extends DomainError {
  override name = 'NumbersExhaustedError';
  constructor(readonly year: number) {
    super('ticket.numbers_exhausted', `All ticket numbers of ${year} are used; filing is stopped until an operator acts.`, { year });
  }
}

/** A ticket already holds this Idempotency-Key (the database refused a second one). */
export class DuplicateIdempotencyKeyError extends DomainError {
  override name = 'DuplicateIdempotencyKeyError';
  constructor(readonly key: string) {
    super('idempotency.in_progress', 'A ticket with this Idempotency-Key exists already.', {});
  }
}
