import { InvalidTransitionError, ReasonRequiredError } from '../../../src/domain/errors';
import {
  availableActions,
  nextStatus,
  TICKET_STATUSES,
  TRANSITION_ACTIONS,
  type TicketStatus,
  type TransitionAction,
} from '../../../src/domain/state-machine';

// The table a complaint office would draw (DESIGN §2 "States"): from × action → to, or refused.
const ALLOWED: Array<[TicketStatus, TransitionAction, TicketStatus]> = [
  ['new', 'claim', 'claimed'],
  ['reopened', 'claim', 'claimed'],
  ['claimed', 'release', 'new'],
  ['claimed', 'investigate', 'investigating'],
  ['claimed', 'request_info', 'waiting_customer'],
  ['investigating', 'request_info', 'waiting_customer'],
  ['waiting_customer', 'customer_reply', 'investigating'],
  ['claimed', 'resolve', 'resolved'],
  ['investigating', 'resolve', 'resolved'],
  ['waiting_customer', 'resolve', 'resolved'],
  ['resolved', 'close', 'closed'],
  ['resolved', 'reopen', 'reopened'],
  ['closed', 'reopen', 'reopened'],
  ['new', 'reject', 'rejected'],
  ['claimed', 'reject', 'rejected'],
  ['investigating', 'reject', 'rejected'],
  ['waiting_customer', 'reject', 'rejected'],
  ['reopened', 'reject', 'rejected'],
];

describe('ticket state machine', () => {
  it.each(ALLOWED)('when a %s ticket gets %s, then it becomes %s', (from, action, to) => {
    expect(nextStatus(from, action, 'because')).toBe(to);
  });

  const refused = TICKET_STATUSES.flatMap((from) =>
    TRANSITION_ACTIONS.filter((a) => !ALLOWED.some(([f, act]) => f === from && act === a)).map((a) => [from, a] as const),
  );

  it('when the table is complete, then every other pair is refused (there are refused pairs to check)', () => {
    expect(refused.length).toBe(TICKET_STATUSES.length * TRANSITION_ACTIONS.length - ALLOWED.length);
    expect(refused.length).toBeGreaterThan(40);
  });

  it.each(refused)('when a %s ticket gets %s, then an InvalidTransitionError names both', (from, action) => {
    let error: unknown;
    try {
      nextStatus(from, action, 'because');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect(error).toMatchObject({ code: 'ticket.invalid_transition', from, action });
  });

  it('when a ticket is rejected or reopened without a reason, then a ReasonRequiredError is raised', () => {
    expect(() => nextStatus('new', 'reject')).toThrow(ReasonRequiredError);
    expect(() => nextStatus('new', 'reject', '   ')).toThrow(ReasonRequiredError);
    expect(() => nextStatus('resolved', 'reopen', '')).toThrow(ReasonRequiredError);
    expect(nextStatus('resolved', 'reopen', 'customer unhappy')).toBe('reopened');
  });

  it('when closed or rejected, then rejected is terminal and closed can only be reopened', () => {
    expect(availableActions('rejected')).toEqual([]);
    expect(availableActions('closed')).toEqual(['reopen']);
    expect(availableActions('new')).toEqual(['claim', 'reject']);
  });
});
