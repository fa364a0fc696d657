import { computeDeadline, loadCalendar, type Budget } from '../../../src/sla';
import { DEFAULT_WARNING_POINTS, parseNotifyHours, parseWarningPoints, warningTimes } from '../../../src/sla/warning-points';
import { local, sh } from './helpers';

const cn = loadCalendar();
const office = parseNotifyHours('09:00-18:00');
const wd = (amount: number): Budget => ({ unit: 'workingDays', amount });
const hours = (amount: number): Budget => ({ unit: 'hours', amount });

function times(budget: Budget, startAt: string, points = DEFAULT_WARNING_POINTS, notify = office) {
  const d = computeDeadline({ kind: 'resolution', budget, calendar: cn, startAt: sh(startAt), warning: { percent: 80, leadHours: 2 } });
  return { due: d.dueAt ? local(d.dueAt) : null, warnings: warningTimes(d, points, cn, notify).map((t) => local(t)) };
}

describe('red flags: a list of warning points per deadline, never at night or on a day off for working time', () => {
  it('when a 3-working-day deadline\'s 80 % point falls at 19:36, then that warning moves back to 17:59 and the 1-working-hour warning stays at 09:00', () => {
    // Mon 9 Mar 10:00 + 72 working h = Thu 12 Mar 10:00; 80 % (57.6 h) = Wed 19:36; 1 h before = Thu 09:00.
    expect(times(wd(3), '2026-03-09 10:00')).toEqual({ due: '2026-03-12 10:00', warnings: ['2026-03-11 17:59', '2026-03-12 09:00'] });
  });

  it('when the window spans the National Day holiday, then no warning falls on a holiday or at night', () => {
    // Wed 30 Sep 15:00: 9 h that day, 1–7 Oct off, Thu 8 and Fri 9 Oct 24 h each, Sat 10 Oct is a make-up working day.
    const r = times(wd(3), '2026-09-30 15:00');
    expect(r.due).toBe('2026-10-10 15:00');
    expect(r.warnings).toEqual(['2026-10-09 17:59', '2026-10-10 14:00']);
    for (const w of r.warnings) {
      expect(cn.isWorkingDay(sh(w))).toBe(true);
      expect(Number(w.slice(11, 13))).toBeGreaterThanOrEqual(9);
      expect(Number(w.slice(11, 13))).toBeLessThan(18);
    }
  });

  it('when a deadline is in clock hours, then its warnings come at their points even at night (a 1 h promise has no lead warning)', () => {
    expect(times(hours(1), '2026-03-09 03:00').warnings).toEqual(['2026-03-09 03:48']);
    expect(times(hours(24), '2026-03-09 03:00').warnings).toEqual(['2026-03-09 22:12', '2026-03-10 02:00']);
  });

  it('when the points are configured, then each gives its own warning, in order', () => {
    expect(times(hours(10), '2026-03-09 08:00', parseWarningPoints('50%,90%,2h,30m')).warnings).toEqual([
      '2026-03-09 13:00',
      '2026-03-09 16:00',
      '2026-03-09 17:00',
      '2026-03-09 17:30',
    ]);
  });

  it('when the points or hours are malformed, then the message says what is expected', () => {
    expect(() => parseWarningPoints('80')).toThrow(/neither a share \(80%\) nor a lead/);
    expect(() => parseWarningPoints('0%')).toThrow(/above 0 %/);
    expect(() => parseWarningPoints('')).toThrow(/at least one point/);
    expect(() => parseNotifyHours('18:00-09:00')).toThrow(/end must be after the start/);
    expect(() => parseNotifyHours('9-18')).toThrow(/09:00-18:00/);
  });
});
