import { createCalendar, loadCalendar, type CalendarYearData } from '../../../src/sla';
import { HOUR, local, sh } from './helpers';

const cn = loadCalendar();
const cnOffice = loadCalendar({ businessHours: { start: '09:00', end: '18:00' } });

/** Every day of an inclusive range, written independently of the code under test. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

// DESIGN.md §2 table, typed in again by hand.
const DESIGN_DAYS_OFF = {
  2025: [['2025-01-01', '2025-01-01'], ['2025-01-28', '2025-02-04'], ['2025-04-04', '2025-04-06'], ['2025-05-01', '2025-05-05'], ['2025-05-31', '2025-06-02'], ['2025-10-01', '2025-10-08']],
  2026: [['2026-01-01', '2026-01-03'], ['2026-02-15', '2026-02-23'], ['2026-04-04', '2026-04-06'], ['2026-05-01', '2026-05-05'], ['2026-06-19', '2026-06-21'], ['2026-09-25', '2026-09-27'], ['2026-10-01', '2026-10-07']],
} as const;
const DESIGN_MAKEUP = {
  2025: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  2026: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
} as const;

describe('working-day calendar (CN)', () => {
  it('when a make-up Saturday or Sunday (調休) is checked, then it is a working day', () => {
    for (const d of ['2026-02-14', '2026-02-28', '2025-10-11', '2026-01-04', '2025-09-28']) {
      expect([d, cn.isWorkingDate(d)]).toEqual([d, true]);
      expect([d, cn.dayType(d)]).toEqual([d, 'makeup_workday']);
    }
  });

  it('when an ordinary weekend day is checked, then it is not a working day', () => {
    expect(cn.isWorkingDate('2026-03-07')).toBe(false);
    expect(cn.dayType('2026-03-08')).toBe('weekend');
    expect(cn.isWorkingDate('2026-03-09')).toBe(true);
  });

  it('when every day of the DESIGN holiday table is checked, then each is a day off and the day after the block is not', () => {
    for (const [year, ranges] of Object.entries(DESIGN_DAYS_OFF)) {
      for (const [from, to] of ranges) {
        for (const d of days(from, to)) expect([year, d, cn.isWorkingDate(d)]).toEqual([year, d, false]);
      }
    }
    // Spring Festival 2026: Mon 16 – Mon 23 Feb are weekdays and still off; Tue 24 is back to work.
    expect(cn.dayType('2026-02-16')).toBe('holiday');
    expect(cn.dayType('2026-02-23')).toBe('holiday');
    expect(cn.isWorkingDate('2026-02-24')).toBe(true);
    // National Day 2025 runs to Wed 8 Oct; 2026 to Wed 7 Oct.
    expect(cn.isWorkingDate('2025-10-08')).toBe(false);
    expect(cn.isWorkingDate('2025-10-09')).toBe(true);
    expect(cn.isWorkingDate('2026-10-07')).toBe(false);
    expect(cn.isWorkingDate('2026-10-08')).toBe(true);
  });

  it('when the whole of 2025 and 2026 is walked, then exactly the table days differ from Mon–Fri', () => {
    for (const year of [2025, 2026] as const) {
      const off = new Set(DESIGN_DAYS_OFF[year].flatMap(([a, b]) => days(a, b)));
      const makeup = new Set<string>(DESIGN_MAKEUP[year]);
      for (const d of days(`${year}-01-01`, `${year}-12-31`)) {
        const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
        const expected = makeup.has(d) || (!off.has(d) && weekday !== 0 && weekday !== 6);
        expect([d, cn.isWorkingDate(d)]).toEqual([d, expected]);
      }
    }
  });

  it('when a year has no calendar file, then it falls back to Mon–Fri and reports it as not covered', () => {
    expect(cn.coveredYears).toEqual([2025, 2026]);
    expect(cn.isCovered(2026)).toBe(true);
    expect(cn.isCovered(2027)).toBe(false);
    // 2027-01-01 is a Friday: a holiday in reality, but nobody has entered 2027 yet.
    expect(cn.dayType('2027-01-01')).toBe('workday');
    expect(cn.dayType('2027-01-02')).toBe('weekend');
    expect(cn.uncoveredYears(sh('2026-12-30 10:00'), sh('2027-01-05 10:00'))).toEqual([2027]);
    expect(cn.uncoveredYears(sh('2025-01-01 00:00'), sh('2026-12-31 23:59'))).toEqual([]);
  });

  it('when a region has no file at all, then every year is plain Mon–Fri', () => {
    const hk = loadCalendar({ region: 'HK' });
    expect(hk.coveredYears).toEqual([]);
    expect(hk.isWorkingDate('2026-02-16')).toBe(true);
    expect(hk.isWorkingDate('2026-02-14')).toBe(false);
  });

  it('when an instant is Friday 23:30 in Shanghai (Friday 15:30 UTC), then the local date decides', () => {
    const fri = new Date('2026-03-06T15:30:00Z');
    expect(cn.localDate(fri)).toBe('2026-03-06');
    expect(cn.isWorkingDay(fri)).toBe(true);
    // One hour later it is Saturday 00:30 in Shanghai but still Friday 16:30 in UTC.
    const satInShanghai = new Date('2026-03-06T16:30:00Z');
    expect(cn.isWorkingDay(satInShanghai)).toBe(false);
    const cnUtc = loadCalendar({ timeZone: 'UTC' });
    expect(cnUtc.isWorkingDay(satInShanghai)).toBe(true);
    expect(cnUtc.localDate(satInShanghai)).toBe('2026-03-06');
  });

  it('when an unknown time zone is configured, then the calendar refuses it', () => {
    expect(() => loadCalendar({ timeZone: 'Asia/Shangai' })).toThrow(/unknown IANA time zone "Asia\/Shangai"/);
  });

  it('when no business hours are set, then the whole working day is working time', () => {
    expect(cn.workingDayMs).toBe(24 * HOUR);
    expect(cn.isWorkingTime(sh('2026-03-09 00:00'))).toBe(true);
    expect(cn.isWorkingTime(sh('2026-03-09 23:59'))).toBe(true);
    expect(cn.isWorkingTime(sh('2026-03-07 12:00'))).toBe(false);
  });

  it('when business hours are 09:00–18:00, then only that window is working time', () => {
    expect(cnOffice.workingDayMs).toBe(9 * HOUR);
    expect(cnOffice.isWorkingTime(sh('2026-03-09 08:59'))).toBe(false);
    expect(cnOffice.isWorkingTime(sh('2026-03-09 09:00'))).toBe(true);
    expect(cnOffice.isWorkingTime(sh('2026-03-09 17:59'))).toBe(true);
    expect(cnOffice.isWorkingTime(sh('2026-03-09 18:00'))).toBe(false);
    expect(cnOffice.isWorkingTime(sh('2026-02-14 10:00'))).toBe(true); // make-up Saturday
    expect(cnOffice.isWorkingTime(sh('2026-02-16 10:00'))).toBe(false); // Spring Festival Monday
  });

  it('when business hours are malformed or inverted, then the calendar refuses them', () => {
    expect(() => createCalendar({ businessHours: { start: '9:00', end: '18:00' } })).toThrow(/start "9:00" must be HH:mm/);
    expect(() => createCalendar({ businessHours: { start: '09:00', end: '24:30' } })).toThrow(/end "24:30"/);
    expect(() => createCalendar({ businessHours: { start: '18:00', end: '09:00' } })).toThrow(/must be after start/);
    expect(createCalendar({ businessHours: { start: '08:30', end: '24:00' } }).workingDayMs).toBe(15.5 * HOUR);
  });

  it('when working time is measured over a weekend, then only working-day hours count', () => {
    expect(cn.workingMsBetween(sh('2026-03-06 20:00'), sh('2026-03-09 04:00'))).toBe(8 * HOUR);
    expect(cnOffice.workingMsBetween(sh('2026-03-06 17:00'), sh('2026-03-09 10:00'))).toBe(2 * HOUR);
    expect(cnOffice.workingMsBetween(sh('2026-03-09 10:00'), sh('2026-03-06 17:00'))).toBe(-2 * HOUR);
    expect(cn.workingMsBetween(sh('2026-03-09 10:00'), sh('2026-03-09 10:00'))).toBe(0);
  });

  it('when working time is added up to the end of a window, then the result is that end, not the next opening', () => {
    expect(local(cnOffice.addWorkingMs(sh('2026-03-06 17:00'), HOUR))).toBe('2026-03-06 18:00');
    expect(local(cnOffice.addWorkingMs(sh('2026-03-06 17:00'), HOUR + 1))).toBe('2026-03-09 09:00');
    expect(local(cn.addWorkingMs(sh('2026-03-10 00:00'), 24 * HOUR))).toBe('2026-03-11 00:00');
    expect(local(cn.addWorkingMs(sh('2026-03-07 10:00'), 0))).toBe('2026-03-07 10:00');
    expect(() => cn.addWorkingMs(sh('2026-03-07 10:00'), -1)).toThrow(/bad amount/);
  });

  it('when the next working day is asked for, then holidays are skipped and make-up days found', () => {
    expect(local(cn.startOfNextWorkingDay(sh('2026-02-13 10:00')))).toBe('2026-02-14 00:00');
    expect(local(cn.startOfNextWorkingDay(sh('2026-02-14 10:00')))).toBe('2026-02-24 00:00');
    expect(local(cnOffice.startOfNextWorkingDay(sh('2025-09-30 10:00')))).toBe('2025-10-09 09:00');
  });

  it('when a daylight-saving day is a working day, then it still counts as one whole working day (wall clock)', () => {
    // A made-up region whose calendar makes Sunday 2026-03-08 (US DST start, a 23 h day) a working day.
    const year: CalendarYearData = { region: 'XX', year: 2026, source: 'test', holidays: [], workdays: ['2026-03-08'] };
    const ny = createCalendar({ region: 'XX', timeZone: 'America/New_York', years: [year] });
    const sunStart = new Date('2026-03-08T05:00:00Z'); // 00:00 EST
    const monStart = new Date('2026-03-09T04:00:00Z'); // 00:00 EDT, 23 real hours later
    expect(ny.workingMsBetween(sunStart, monStart)).toBe(24 * HOUR);
    expect(ny.addWorkingMs(sunStart, 24 * HOUR).toISOString()).toBe(monStart.toISOString());
  });

  it('when the same region-year is given twice in code, then the calendar refuses it', () => {
    const y: CalendarYearData = { region: 'CN', year: 2030, source: 'x', holidays: [], workdays: [] };
    expect(() => createCalendar({ years: [y, y] })).toThrow(/CN-2030 given twice/);
  });
});
