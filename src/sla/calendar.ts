import { loadCalendarData, type CalendarYearData } from './calendar-files';
import {
  DAY_MS,
  formatIsoDate,
  fromLocal,
  isValidTimeZone,
  parseIsoDate,
  toLocal,
  weekdayOf,
  yearOf,
  type DayNumber,
} from './local-time';

/**
 * Working-day calendar of one region in one IANA time zone.
 *
 * - A local date is a working day when it is a make-up working day (調休) of its year's file, or a
 *   Monday–Friday that is not a holiday of that file. A year without a file falls back to plain
 *   Monday–Friday; `coveredYears` / `isCovered()` / `uncoveredYears()` tell which years had a file
 *   so that the service can warn.
 * - Whether an instant is on a working day is decided on its local date in `timeZone`.
 * - Working time: on a working day, the business-hours window (e.g. 09:00–18:00) or, without
 *   business hours, the whole local day 00:00–24:00. One window per day; a lunch break is not
 *   modelled (deadlines are stated in working days, a break would only shift intra-day points).
 *   Working time is measured on the local wall clock, so every working day is exactly
 *   `workingDayMs` long, even on a daylight-saving change day.
 */

export interface BusinessHours {
  /** `HH:mm`, local time. */
  start: string;
  /** `HH:mm` after `start`; `24:00` allowed. */
  end: string;
}

export type DayType = 'workday' | 'makeup_workday' | 'weekend' | 'holiday';

export interface CalendarOptions {
  /** Region code of the calendar files to use; default `CN`. */
  region?: string;
  /** IANA time zone of all date logic; default `Asia/Shanghai`. */
  timeZone?: string;
  /** Working window of a working day; default none (the whole day). */
  businessHours?: BusinessHours | null | undefined;
}

export const DEFAULT_REGION = 'CN';
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Days the walk in addWorkingTime may cover before giving up (a calendar with no working day). */
const MAX_WALK_DAYS = 3700;

const HH_MM = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

function parseClock(text: string, what: string): number {
  const m = HH_MM.exec(text);
  if (!m) throw new Error(`SLA business hours: ${what} "${text}" must be HH:mm (00:00–24:00)`);
  const h = Number(m[1] ?? m[3]);
  const min = Number(m[2] ?? m[4]);
  return (h * 60 + min) * 60_000;
}

export class WorkingCalendar {
  readonly region: string;
  readonly timeZone: string;
  readonly businessHours: BusinessHours | null;
  /** Years that have a calendar file for this region, ascending. */
  readonly coveredYears: readonly number[];
  /** Length of one working day's window in ms (24 h without business hours). */
  readonly workingDayMs: number;
  /** Where each covered year's data came from (the file's `source`). */
  readonly sources: ReadonlyMap<number, string>;

  private readonly holidays = new Set<DayNumber>();
  private readonly workdays = new Set<DayNumber>();
  private readonly covered: ReadonlySet<number>;
  private readonly windowStart: number;
  private readonly windowEnd: number;

  constructor(options: CalendarOptions & { years?: readonly CalendarYearData[] } = {}) {
    this.region = options.region ?? DEFAULT_REGION;
    this.timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    if (!isValidTimeZone(this.timeZone)) throw new Error(`SLA calendar: unknown IANA time zone "${this.timeZone}"`);
    this.businessHours = options.businessHours ?? null;
    if (this.businessHours) {
      this.windowStart = parseClock(this.businessHours.start, 'start');
      this.windowEnd = parseClock(this.businessHours.end, 'end');
      if (this.windowEnd <= this.windowStart) {
        throw new Error(
          `SLA business hours: end "${this.businessHours.end}" must be after start "${this.businessHours.start}"`,
        );
      }
    } else {
      this.windowStart = 0;
      this.windowEnd = DAY_MS;
    }
    this.workingDayMs = this.windowEnd - this.windowStart;

    const sources = new Map<number, string>();
    for (const y of options.years ?? []) {
      if (y.region !== this.region) continue;
      if (sources.has(y.year)) throw new Error(`SLA calendar: ${y.region}-${y.year} given twice`);
      sources.set(y.year, y.source);
      for (const d of y.holidays) this.holidays.add(this.day(d));
      for (const d of y.workdays) this.workdays.add(this.day(d));
    }
    this.sources = sources;
    this.covered = new Set(sources.keys());
    this.coveredYears = Object.freeze([...sources.keys()].sort((a, b) => a - b));
  }

  isCovered(year: number): boolean {
    return this.covered.has(year);
  }

  /** Local years from `from` to `to` (inclusive) that have no calendar file. */
  uncoveredYears(from: Date, to: Date): number[] {
    const a = yearOf(toLocal(from.getTime(), this.timeZone).day);
    const b = yearOf(toLocal(to.getTime(), this.timeZone).day);
    const out: number[] = [];
    for (let y = Math.min(a, b); y <= Math.max(a, b); y++) if (!this.covered.has(y)) out.push(y);
    return out;
  }

  /** The local date (`YYYY-MM-DD`) of an instant. */
  localDate(instant: Date): string {
    return formatIsoDate(toLocal(instant.getTime(), this.timeZone).day);
  }

  /** What kind of day a local date (`YYYY-MM-DD`) is. */
  dayType(date: string): DayType {
    return this.typeOf(this.day(date));
  }

  isWorkingDate(date: string): boolean {
    return this.isWorking(this.day(date));
  }

  /** Is the instant on a working day (decided on its local date)? */
  isWorkingDay(instant: Date): boolean {
    return this.isWorking(toLocal(instant.getTime(), this.timeZone).day);
  }

  /** Is the instant inside working time (a working day, within business hours if any)? */
  isWorkingTime(instant: Date): boolean {
    const p = toLocal(instant.getTime(), this.timeZone);
    return this.isWorking(p.day) && p.ms >= this.windowStart && p.ms < this.windowEnd;
  }

  /** Working time in ms between two instants (negative when `b` is before `a`). */
  workingMsBetween(a: Date, b: Date): number {
    const ta = a.getTime();
    const tb = b.getTime();
    if (tb < ta) return -this.workingMsBetween(b, a);
    const A = toLocal(ta, this.timeZone);
    const B = toLocal(tb, this.timeZone);
    let total = 0;
    for (let day = A.day; day <= B.day; day++) {
      if (!this.isWorking(day)) continue;
      const lo = Math.max(this.windowStart, day === A.day ? A.ms : 0);
      const hi = Math.min(this.windowEnd, day === B.day ? B.ms : DAY_MS);
      if (hi > lo) total += hi - lo;
    }
    return total;
  }

  /**
   * The earliest instant at which `ms` of working time has elapsed since `start`. Time before the
   * next working window does not count; when the amount ends exactly at the end of a window the
   * result is that end (e.g. 24:00 = next day 00:00), not the start of the next window.
   */
  addWorkingMs(start: Date, ms: number): Date {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error(`addWorkingMs: bad amount ${ms}`);
    if (ms === 0) return new Date(start.getTime());
    const p = toLocal(start.getTime(), this.timeZone);
    let left = ms;
    let cursor = p.ms;
    for (let day = p.day; day < p.day + MAX_WALK_DAYS; day++, cursor = 0) {
      if (!this.isWorking(day)) continue;
      const from = Math.max(cursor, this.windowStart);
      if (from >= this.windowEnd) continue;
      const available = this.windowEnd - from;
      if (left <= available) return new Date(fromLocal(day, from + left, this.timeZone));
      left -= available;
    }
    throw new Error(`SLA calendar ${this.region}: no working time found within ${MAX_WALK_DAYS} days`);
  }

  /** Start of the working window of the first working day after the instant's local date. */
  startOfNextWorkingDay(instant: Date): Date {
    const first = toLocal(instant.getTime(), this.timeZone).day + 1;
    for (let day = first; day < first + MAX_WALK_DAYS; day++) {
      if (this.isWorking(day)) return new Date(fromLocal(day, this.windowStart, this.timeZone));
    }
    throw new Error(`SLA calendar ${this.region}: no working day found within ${MAX_WALK_DAYS} days`);
  }

  private day(date: string): DayNumber {
    const d = parseIsoDate(date);
    if (d === null) throw new Error(`SLA calendar: "${date}" is not a YYYY-MM-DD date`);
    return d;
  }

  private typeOf(day: DayNumber): DayType {
    if (this.covered.has(yearOf(day))) {
      if (this.workdays.has(day)) return 'makeup_workday';
      if (this.holidays.has(day)) return 'holiday';
    }
    return weekdayOf(day) >= 6 ? 'weekend' : 'workday';
  }

  private isWorking(day: DayNumber): boolean {
    const t = this.typeOf(day);
    return t === 'workday' || t === 'makeup_workday';
  }
}

/** A calendar from already-loaded data (pure; no file access). */
export function createCalendar(
  options: CalendarOptions & { years?: readonly CalendarYearData[] } = {},
): WorkingCalendar {
  return new WorkingCalendar(options);
}

/**
 * A calendar from the shipped files plus `extraDir` (config `SLA_CALENDAR_DIR`). Every file is
 * validated; the first bad one throws a CalendarFileError naming the file and entries.
 */
export function loadCalendar(
  options: CalendarOptions & { extraDir?: string | undefined; shippedDir?: string } = {},
): WorkingCalendar {
  const { extraDir, shippedDir, ...rest } = options;
  const years = loadCalendarData({ extraDir, ...(shippedDir ? { shippedDir } : {}) });
  return new WorkingCalendar({ ...rest, years });
}
