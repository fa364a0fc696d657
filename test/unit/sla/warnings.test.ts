import {
  computeDeadline,
  computeDeadlines,
  loadCalendar,
  resolvePolicy,
  status,
  type Budget,
  type Pause,
  type WarningRule,
  type WorkingCalendar,
} from '../../../src/sla';
import { due, local, MINUTE, sh } from './helpers';

const cn = loadCalendar();
const cnOffice = loadCalendar({ businessHours: { start: '09:00', end: '18:00' } });
const DEFAULT: WarningRule = { percent: 80, leadHours: 2 };
const wd = (amount: number): Budget => ({ unit: 'workingDays', amount });
const hours = (amount: number): Budget => ({ unit: 'hours', amount });

function deadline(budget: Budget, startAt: string, opts: { calendar?: WorkingCalendar; warning?: WarningRule; pauses?: Pause[] } = {}) {
  return computeDeadline({
    kind: 'resolution',
    budget,
    calendar: opts.calendar ?? cn,
    startAt: sh(startAt),
    warning: opts.warning ?? DEFAULT,
    pauses: opts.pauses,
  });
}

describe('warning time (80 % of the window or 2 hours before, whichever is first)', () => {
  it('when the budget is 1 h, then the warning is at 48 min (the 2 h lead does not fit in the window)', () => {
    const d = computeDeadlines({ policy: resolvePolicy('service'), calendar: cn, category: 'other', severity: 'general', startAt: sh('2026-03-09 10:00') });
    expect(local(d.firstContact.warnAt)).toBe('2026-03-09 10:48');
    expect(d.firstContact.warnAfterMs).toBe(48 * MINUTE);
  });

  it('when the budget is exactly the lead (2 h), then the lead is ignored and 80 % applies', () => {
    expect(local(deadline(hours(2), '2026-03-09 10:00').warnAt)).toBe('2026-03-09 11:36');
  });

  it('when the budget is 24 clock hours, then 80 % (19 h 12 min) comes before 2 h before (22 h)', () => {
    expect(local(deadline(hours(24), '2026-03-09 10:00').warnAt)).toBe('2026-03-10 05:12');
  });

  it('when the budget is 3 clock hours, then 2 h before (1 h in) comes before 80 % (2 h 24 min)', () => {
    expect(local(deadline(hours(3), '2026-03-09 10:00').warnAt)).toBe('2026-03-09 11:00');
  });

  it('when the budget is 3 working days (72 working h), then 80 % (57.6 h) wins over 2 working hours before', () => {
    // Fri 13 Feb 10:00: Fri 14 h, Sat 14 (make-up) 24 h = 38 h, Tue 24: 19.6 h more → Tue 19:36.
    // 2 working hours before the Wed 25 10:00 deadline would be Wed 08:00: later.
    const d = deadline(wd(3), '2026-02-13 10:00');
    expect(due(d)).toBe('2026-02-25 10:00');
    expect(local(d.warnAt)).toBe('2026-02-24 19:36');
  });

  it('when business hours make 3 working days 27 h, then 80 % (21.6 h) still wins', () => {
    // Mon 9 Mar 09:00: Mon 9 h, Tue 9 h, Wed 3.6 h → Wed 12:36; 2 working hours before Wed 18:00 = 16:00.
    const d = deadline(wd(3), '2026-03-09 09:00', { calendar: cnOffice });
    expect(due(d)).toBe('2026-03-11 18:00');
    expect(local(d.warnAt)).toBe('2026-03-11 12:36');
  });

  it('when the percentage is raised to 95 %, then 2 working hours before the deadline wins', () => {
    // 95 % of 27 h = 25.65 h > 25 h, so the warning is 2 working hours before Wed 18:00: Wed 16:00.
    const d = deadline(wd(3), '2026-03-09 09:00', { calendar: cnOffice, warning: { percent: 95, leadHours: 2 } });
    expect(local(d.warnAt)).toBe('2026-03-11 16:00');
  });

  it('when the lead crosses a weekend, then it is counted in working hours, not clock hours', () => {
    // 1 working day (9 h) from Fri 6 Mar 10:00 → due Mon 9 10:00. 2 working hours before =
    // Mon 09–10 + Fri 17–18 → Fri 17:00 (7 h in), before 80 % (7.2 h → Fri 17:12).
    const d = deadline(wd(1), '2026-03-06 10:00', { calendar: cnOffice });
    expect(due(d)).toBe('2026-03-09 10:00');
    expect(local(d.warnAt)).toBe('2026-03-06 17:00');
  });

  it('when the lead is 0, then only the percentage counts; at 100 % the warning is the deadline', () => {
    expect(local(deadline(hours(3), '2026-03-09 10:00', { warning: { percent: 80, leadHours: 0 } }).warnAt)).toBe('2026-03-09 12:24');
    const last = deadline(hours(3), '2026-03-09 10:00', { warning: { percent: 100, leadHours: 0 } });
    expect(last.warnAt?.getTime()).toBe(last.dueAt?.getTime());
  });

  it('when a policy override changes the warning rule, then computeDeadlines uses it', () => {
    const policy = resolvePolicy('service', { warning: { percent: 50 } });
    const d = computeDeadlines({ policy, calendar: cn, category: 'other', severity: 'general', startAt: sh('2026-03-09 10:00') });
    expect(local(d.firstContact.warnAt)).toBe('2026-03-09 10:30');
    expect(local(d.factCheck.warnAt)).toBe('2026-03-09 22:00');
  });

  it('when a pause comes before the warning point, then the warning moves with it; after it, it stays', () => {
    // Filed Mon 9 Mar 10:00; warn at 57.6 working h = Wed 11 19:36, due Thu 12 10:00.
    const before = deadline(wd(3), '2026-03-09 10:00', { pauses: [{ from: sh('2026-03-10 10:00'), to: sh('2026-03-10 14:00') }] });
    expect(local(before.warnAt)).toBe('2026-03-11 23:36');
    expect(due(before)).toBe('2026-03-12 14:00');
    const after = deadline(wd(3), '2026-03-09 10:00', { pauses: [{ from: sh('2026-03-12 06:00'), to: sh('2026-03-12 10:00') }] });
    expect(local(after.warnAt)).toBe('2026-03-11 19:36');
    expect(due(after)).toBe('2026-03-12 14:00');
  });
});

describe('deadline status', () => {
  const d = deadline(hours(1), '2026-03-09 10:00');

  it('when now is before the warning, then ok', () => {
    expect(status(d, sh('2026-03-09 10:47'))).toBe('ok');
    expect(status(d, sh('2026-03-09 09:00'))).toBe('ok');
  });

  it('when now is at or after the warning but before the deadline, then warning', () => {
    expect(status(d, sh('2026-03-09 10:48'))).toBe('warning');
    expect(status(d, new Date(sh('2026-03-09 11:00').getTime() - 1))).toBe('warning');
  });

  it('when now is at or after the deadline, then overdue', () => {
    expect(status(d, sh('2026-03-09 11:00'))).toBe('overdue');
    expect(status(d, sh('2026-04-01 00:00'))).toBe('overdue');
  });
});
