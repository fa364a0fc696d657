import { computeDeadlines, countOverdue, escalationTier, ESCALATION_TIERS, loadCalendar, resolvePolicy } from '../../../src/sla';
import { sh } from './helpers';

describe('escalation tiers', () => {
  it('when the tiers are listed, then they run owner → team lead → complaint centre', () => {
    expect(ESCALATION_TIERS).toEqual(['owner', 'team_lead', 'complaint_centre']);
  });

  it('when deadlines are missed, then each one escalates one tier, capped at the complaint centre', () => {
    expect(escalationTier(0)).toBe('owner');
    expect(escalationTier(1)).toBe('team_lead');
    expect(escalationTier(2)).toBe('complaint_centre');
    expect(escalationTier(3)).toBe('complaint_centre');
  });

  it('when the ticket is high-risk, then it starts one tier up', () => {
    expect(escalationTier(0, { highRisk: true })).toBe('team_lead');
    expect(escalationTier(1, { highRisk: true })).toBe('complaint_centre');
  });

  it('when the count is not a whole number ≥ 0, then it is refused', () => {
    expect(() => escalationTier(-1)).toThrow(/whole number/);
    expect(() => escalationTier(1.5)).toThrow(/whole number/);
  });

  it('when a ticket\'s deadlines pass one by one, then the tier follows the overdue count', () => {
    const d = computeDeadlines({
      policy: resolvePolicy('service'),
      calendar: loadCalendar(),
      category: 'billing',
      severity: 'general',
      startAt: sh('2026-03-09 10:00'),
    });
    const all = Object.values(d);
    expect(escalationTier(countOverdue(all, sh('2026-03-09 10:30')))).toBe('owner');
    expect(escalationTier(countOverdue(all, sh('2026-03-09 11:00')))).toBe('team_lead'); // first contact missed
    expect(escalationTier(countOverdue(all, sh('2026-03-10 10:00')))).toBe('complaint_centre'); // + fact check
    expect(countOverdue(all, sh('2026-03-12 10:00'))).toBe(3);
  });
});
