/** When a closed ticket is anonymised: the start (UTC) of the day after its retention period, counted from its current closing. */
import { closedAtOf, PersonalData } from '../../../src/domain/personal-data';
import type { StatusChange } from '../../../src/domain/ticket';

const step = (to: StatusChange['to'], at: string, version: number): StatusChange => ({ version, from: null, to, action: 'file', at: new Date(at), actor: { kind: 'agent', id: 'U1' } });

describe('retention of closed tickets', () => {
  it('when a ticket closed, then it is due at the start of the day after the period ends (one due bucket a day)', () => {
    expect(PersonalData.dueAt(new Date('2026-11-20T23:30:00Z'), 1).toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(PersonalData.dueAt(new Date('2026-11-20T00:00:00Z'), 30).toISOString()).toBe('2026-12-20T00:00:00.000Z');
    expect(PersonalData.dueAt(new Date('2026-11-20T00:00:01Z'), 1095).toISOString()).toBe('2029-11-20T00:00:00.000Z');
  });

  it('when a ticket was reopened and closed again, then its closing is the latest; open tickets have none', () => {
    const history = [step('new', '2026-01-01T00:00:00Z', 1), step('closed', '2026-02-01T00:00:00Z', 2), step('reopened', '2026-02-03T00:00:00Z', 3), step('closed', '2026-03-01T00:00:00Z', 4)];
    expect(closedAtOf({ status: 'closed', history })?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(closedAtOf({ status: 'reopened', history: history.slice(0, 3) })).toBeNull();
    expect(closedAtOf({ status: 'rejected', history: [step('new', '2026-01-01T00:00:00Z', 1), step('rejected', '2026-01-02T00:00:00Z', 2)] })?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });
});
