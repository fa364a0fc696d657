import {
  computeDeadline,
  computeDeadlines,
  loadCalendar,
  resolvePolicy,
  workingDaysBetween,
  type Budget,
  type WorkingCalendar,
} from '../../../src/sla';
import { due, local, sh } from './helpers';

const cn = loadCalendar();
const cnOffice = loadCalendar({ businessHours: { start: '09:00', end: '18:00' } });
const service = resolvePolicy('service');
const telecom = resolvePolicy('telecom');
const WARN = { percent: 80, leadHours: 2 };

/** Due date of one budget from a start (no pauses). */
function dueOf(budget: Budget, startAt: Date, calendar: WorkingCalendar = cn, count: 'fromFiling' | 'fromNextDay' = 'fromFiling') {
  return due(computeDeadline({ kind: 'resolution', budget, calendar, startAt, warning: WARN, workingDayCount: count }));
}
const wd = (amount: number): Budget => ({ unit: 'workingDays', amount });
const hours = (amount: number): Budget => ({ unit: 'hours', amount });

describe('working-day deadlines (CN calendar, Asia/Shanghai, no business hours)', () => {
  it('when a complaint is filed Fri 2026-02-13 10:00 with 3 working days, then it is due Wed 2026-02-25 10:00', () => {
    // Sat 14 Feb is a make-up working day (1); Sun 15 – Mon 23 is the Spring Festival break;
    // Tue 24 (2), Wed 25 (3). Same time of day as the filing: Wed 25 Feb 10:00.
    const d = computeDeadlines({ policy: service, calendar: cn, category: 'billing', severity: 'general', startAt: sh('2026-02-13 10:00') });
    expect(due(d.resolution)).toBe('2026-02-25 10:00');
  });

  it('when the same Spring Festival filing is major (7 working days), then it is due Mon 2026-03-02 10:00', () => {
    // Sat 14 (1), Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5), Sat 28 make-up (6), Sun 1 Mar off,
    // Mon 2 Mar (7).
    const d = computeDeadlines({ policy: service, calendar: cn, category: 'billing', severity: 'major', startAt: sh('2026-02-13 10:00') });
    expect(due(d.resolution)).toBe('2026-03-02 10:00');
  });

  it('when a filing is two days before the make-up Saturday 2026-02-28, then that Saturday counts', () => {
    // Thu 26 Feb 10:00: Fri 27 (1), Sat 28 make-up (2), Mon 2 Mar (3). Without the make-up day: Tue 3 Mar.
    expect(dueOf(wd(3), sh('2026-02-26 10:00'))).toBe('2026-03-02 10:00');
  });

  it('when a complaint is filed just before National Day 2025, then Oct 1–8 are skipped and Sat Oct 11 counts', () => {
    // Tue 30 Sep 10:00: Oct 1–8 off; Thu 9 (1), Fri 10 (2), Sat 11 make-up (3).
    expect(dueOf(wd(3), sh('2025-09-30 10:00'))).toBe('2025-10-11 10:00');
    // Make-up Sunday 28 Sep 2025: filed Fri 26 Sep 10:00 → Sun 28 (1), Mon 29 (2), Tue 30 (3).
    expect(dueOf(wd(3), sh('2025-09-26 10:00'))).toBe('2025-09-30 10:00');
  });

  it('when a complaint is filed just before National Day 2026, then Oct 1–7 are skipped and Sat Oct 10 counts', () => {
    // Wed 30 Sep 10:00: Oct 1–7 off; Thu 8 (1), Fri 9 (2), Sat 10 make-up (3).
    expect(dueOf(wd(3), sh('2026-09-30 10:00'))).toBe('2026-10-10 10:00');
    // 7 working days: … Sat 10 (3), Sun 11 off, Mon 12 (4), Tue 13 (5), Wed 14 (6), Thu 15 (7).
    expect(dueOf(wd(7), sh('2026-09-30 10:00'))).toBe('2026-10-15 10:00');
  });

  it('when a complaint is filed 2025-12-30, then the deadline crosses the year with Jan 1–3 off and Sun Jan 4 worked', () => {
    // Tue 30 Dec 10:00: Wed 31 (1); Thu 1 – Sat 3 Jan off; Sun 4 make-up (2); Mon 5 (3).
    expect(dueOf(wd(3), sh('2025-12-30 10:00'))).toBe('2026-01-05 10:00');
    // 7: … Mon 5 (3), Tue 6 (4), Wed 7 (5), Thu 8 (6), Fri 9 (7).
    expect(dueOf(wd(7), sh('2025-12-30 10:00'))).toBe('2026-01-09 10:00');
  });

  it('when a complaint is filed on an ordinary Saturday, then counting starts Monday 00:00 and ends at the end of Wednesday', () => {
    // Sat 7 Mar 2026 10:00 → Mon 9, Tue 10, Wed 11 whole days → Wed 24:00 = Thu 12 Mar 00:00.
    expect(dueOf(wd(3), sh('2026-03-07 10:00'))).toBe('2026-03-12 00:00');
  });

  it('when a complaint is filed on a holiday, then counting starts on the first working day after the break', () => {
    // Sat 3 Oct 2026 (National Day) 15:00 → Thu 8, Fri 9, Sat 10 (make-up) → Sat 24:00 = Sun 11 Oct 00:00.
    expect(dueOf(wd(3), sh('2026-10-03 15:00'))).toBe('2026-10-11 00:00');
  });

  it('when a complaint is filed on a make-up Saturday, then that Saturday is a working day already', () => {
    // Sat 14 Feb 2026 10:00 (working) → Tue 24 (1), Wed 25 (2), Thu 26 (3) → Thu 10:00.
    expect(dueOf(wd(3), sh('2026-02-14 10:00'))).toBe('2026-02-26 10:00');
  });

  it('when the policy counts from the next day (Civil Code), then the filing day is not counted and the end of day N is due', () => {
    // Fri 13 Feb 10:00: filing day not counted; Sat 14 (1), Tue 24 (2), Wed 25 (3) → end of Wed = Thu 00:00.
    expect(dueOf(wd(3), sh('2026-02-13 10:00'), cn, 'fromNextDay')).toBe('2026-02-26 00:00');
    // A filing on a non-working day gives the same deadline in both modes.
    expect(dueOf(wd(3), sh('2026-03-07 10:00'), cn, 'fromNextDay')).toBe(dueOf(wd(3), sh('2026-03-07 10:00')));
    // The policy option reaches computeDeadlines.
    const civil = resolvePolicy('service', { workingDayCount: 'fromNextDay' });
    const d = computeDeadlines({ policy: civil, calendar: cn, category: 'other', severity: 'general', startAt: sh('2026-03-09 10:00') });
    expect(due(d.resolution)).toBe('2026-03-13 00:00');
    expect(local(d.resolution.countFrom)).toBe('2026-03-10 00:00');
    expect(due(d.firstContact)).toBe('2026-03-09 11:00'); // clock budgets are not affected
  });

  it('when the year has no calendar file, then plain Mon–Fri is used (2027-01-01 is not a holiday there)', () => {
    // Thu 31 Dec 2026 10:00 → Fri 1 Jan 2027 counts (no 2027 file) (1), Mon 4 (2), Tue 5 (3).
    expect(dueOf(wd(3), sh('2026-12-31 10:00'))).toBe('2027-01-05 10:00');
  });
});

describe('clock-hour deadlines', () => {
  it('when a 1 h first contact starts at 23:30, then it is due 00:30 the next day', () => {
    const d = computeDeadlines({ policy: service, calendar: cn, category: 'other', severity: 'general', startAt: sh('2026-03-06 23:30') });
    expect(due(d.firstContact)).toBe('2026-03-07 00:30');
  });

  it('when a 24 h fact check starts on Friday, then it is due Saturday: weekends are not skipped', () => {
    const d = computeDeadlines({ policy: service, calendar: cn, category: 'other', severity: 'general', startAt: sh('2026-03-06 16:00') });
    expect(due(d.factCheck)).toBe('2026-03-07 16:00');
  });

  it('when a telecom billing complaint (72 h) is filed before the Spring Festival, then holidays are not skipped', () => {
    const d = computeDeadlines({ policy: telecom, calendar: cn, category: 'billing', severity: 'general', startAt: sh('2026-02-13 20:00') });
    expect(due(d.resolution)).toBe('2026-02-16 20:00');
    const q = computeDeadlines({ policy: telecom, calendar: cn, category: 'service_quality', severity: 'major', startAt: sh('2026-02-13 20:00') });
    expect(due(q.resolution)).toBe('2026-02-15 20:00');
    expect(due(q.factCheck)).toBe('2026-02-14 20:00');
  });

  it('when business hours are set, then clock-hour budgets still run at night', () => {
    expect(dueOf(hours(1), sh('2026-03-06 23:30'), cnOffice)).toBe('2026-03-07 00:30');
  });
});

describe('business hours 09:00–18:00', () => {
  it('when filed inside business hours, then 3 working days (27 h) end at the same time after 3 working days', () => {
    // Mon 9 Mar 17:00: Mon 1 h, Tue 9 h, Wed 9 h (19 h), Thu 8 h → Thu 17:00.
    expect(dueOf(wd(3), sh('2026-03-09 17:00'), cnOffice)).toBe('2026-03-12 17:00');
    // Spring Festival: Fri 13 Feb 10:00: Fri 8 h, Sat 14 9 h, Tue 24 9 h (26 h), Wed 25 1 h → 10:00.
    expect(dueOf(wd(3), sh('2026-02-13 10:00'), cnOffice)).toBe('2026-02-25 10:00');
  });

  it('when filed after closing or before opening, then counting starts at the next opening and ends at a closing', () => {
    expect(dueOf(wd(3), sh('2026-03-06 19:00'), cnOffice)).toBe('2026-03-11 18:00'); // Fri evening → Mon–Wed
    expect(dueOf(wd(3), sh('2026-03-09 08:00'), cnOffice)).toBe('2026-03-11 18:00'); // Mon early → Mon–Wed
    expect(dueOf(wd(3), sh('2026-03-07 11:00'), cnOffice)).toBe('2026-03-11 18:00'); // Saturday
    // Without business hours the early filing counts from 08:00.
    expect(dueOf(wd(3), sh('2026-03-09 08:00'), cn)).toBe('2026-03-12 08:00');
  });

  it('when counting from the next day with business hours, then the deadline is the closing time of day N', () => {
    expect(dueOf(wd(3), sh('2026-03-06 10:00'), cnOffice, 'fromNextDay')).toBe('2026-03-11 18:00');
  });

  it('when a budget is in working hours, then it runs only inside business hours', () => {
    // Fri 6 Mar 16:00 + 4 working hours: Fri 16–18 (2 h), Mon 9–11 (2 h).
    expect(dueOf({ unit: 'workingHours', amount: 4 }, sh('2026-03-06 16:00'), cnOffice)).toBe('2026-03-09 11:00');
    // Without business hours a working hour is any hour of a working day: Fri 16–20.
    expect(dueOf({ unit: 'workingHours', amount: 4 }, sh('2026-03-06 16:00'), cn)).toBe('2026-03-06 20:00');
  });
});

describe('time zone', () => {
  it('when the instant is Friday 23:30 in Shanghai (15:30 UTC), then 1 working hour ends Monday 00:30 Shanghai', () => {
    const start = new Date('2026-03-06T15:30:00Z');
    // Shanghai: 30 min left on Friday, weekend skipped, 30 min on Monday.
    expect(dueOf({ unit: 'workingHours', amount: 1 }, start, cn)).toBe('2026-03-09 00:30');
    // A UTC calendar sees Friday 15:30: one hour later is still Friday.
    const utc = loadCalendar({ timeZone: 'UTC' });
    const d = computeDeadline({ kind: 'resolution', budget: { unit: 'workingHours', amount: 1 }, calendar: utc, startAt: start, warning: WARN });
    expect(d.dueAt?.toISOString()).toBe('2026-03-06T16:30:00.000Z');
  });

  it('when the instant is Saturday 00:30 in Shanghai but Friday 16:30 UTC, then Shanghai starts counting on Monday', () => {
    const start = new Date('2026-03-06T16:30:00Z');
    expect(dueOf(wd(3), start, cn)).toBe('2026-03-12 00:00');
    const utc = loadCalendar({ timeZone: 'UTC' });
    const d = computeDeadline({ kind: 'resolution', budget: wd(3), calendar: utc, startAt: start, warning: WARN });
    expect(d.dueAt?.toISOString()).toBe('2026-03-11T16:30:00.000Z'); // Fri 16:30 UTC + Mon, Tue, Wed
  });
});

describe('working days between two instants (reports)', () => {
  it('when the span crosses the Spring Festival, then only working days are counted', () => {
    expect(workingDaysBetween(cn, sh('2026-02-13 10:00'), sh('2026-02-25 10:00'))).toBe(3);
    expect(workingDaysBetween(cn, sh('2026-02-25 10:00'), sh('2026-02-13 10:00'))).toBe(-3);
    expect(workingDaysBetween(cn, sh('2026-02-15 00:00'), sh('2026-02-24 00:00'))).toBe(0);
  });

  it('when business hours are set, then a half day is half of the window', () => {
    expect(workingDaysBetween(cnOffice, sh('2026-03-09 09:00'), sh('2026-03-09 13:30'))).toBe(0.5);
    expect(workingDaysBetween(cnOffice, sh('2026-03-06 18:00'), sh('2026-03-09 09:00'))).toBe(0);
  });

  it('when a whole month is measured, then holidays and make-up days are reflected', () => {
    // February 2026: 20 weekdays − 6 holiday weekdays (16–20, 23) + 2 make-up Saturdays (14, 28) = 16.
    expect(workingDaysBetween(cn, sh('2026-02-01 00:00'), sh('2026-03-01 00:00'))).toBe(16);
  });
});

describe('input checks', () => {
  it('when the start is not a valid date, then the computation refuses it', () => {
    expect(() => dueOf(wd(3), new Date('not a date'))).toThrow(/startAt is not a valid date/);
  });
});
