/**
 * Report periods: what a supervisor types (`2026Q4`, `2026-11`, `last-month`, `2026-11-01..2026-11-15`)
 * turned into whole local days, and a range of days turned into the fewest counter buckets (whole
 * months where it covers them, single days at the ends), so a query reads a bounded number of
 * documents whatever the number of tickets.
 */
import { DateTime } from 'luxon';

export interface DayRange {
  /** First day, `YYYY-MM-DD` (local). */
  from: string;
  /** Last day, inclusive. */
  to: string;
  /** What the supervisor asked for, normalised (`2026Q4`, `2026-11`, `2026-11-01..2026-11-15`). */
  label: string;
}

export class PeriodError extends Error {
  override name = 'PeriodError';
  readonly code = 'report.bad_period';
}

/** Longest range a query may cover (bounds the documents read). */
export const MAX_RANGE_DAYS = 3 * 366;

export const PERIOD_HELP =
  'a period is today, yesterday, week, last-week, month, last-month, quarter, last-quarter, year, last-year, ' +
  'a year (2026), a quarter (2026Q4), a month (2026-11), a day (2026-11-20) or a range of days (2026-11-01..2026-11-15)';

/** Parse a period, relative to `now` in `timeZone`. Throws PeriodError with a message that says what is accepted. */
export function parsePeriod(input: string | undefined, now: Date, timeZone: string, fallback = 'month'): DayRange {
  const text = (input ?? '').trim().toLowerCase() || fallback;
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const span = (from: DateTime, to: DateTime, label: string): DayRange => checked(from, to, label);
  const unit = (start: DateTime, u: 'week' | 'month' | 'quarter' | 'year') => {
    const from = start.startOf(u);
    return span(from, from.endOf(u), labelOf(from, u));
  };
  switch (text) {
    case 'today':
      return span(today, today, today.toISODate()!);
    case 'yesterday': {
      const d = today.minus({ days: 1 });
      return span(d, d, d.toISODate()!);
    }
    case 'week':
      return unit(today, 'week');
    case 'last-week':
      return unit(today.minus({ weeks: 1 }), 'week');
    case 'month':
      return unit(today, 'month');
    case 'last-month':
      return unit(today.minus({ months: 1 }), 'month');
    case 'quarter':
      return unit(today, 'quarter');
    case 'last-quarter':
      return unit(today.minus({ quarters: 1 }), 'quarter');
    case 'year':
      return unit(today, 'year');
    case 'last-year':
      return unit(today.minus({ years: 1 }), 'year');
    default:
      break;
  }
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(text))) return unit(day(`${m[1]}-01-01`, timeZone, text), 'year');
  if ((m = /^(\d{4})-?q([1-4])$/.exec(text))) return unit(day(`${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}-01`, timeZone, text), 'quarter');
  if ((m = /^(\d{4}-\d{2})$/.exec(text))) return unit(day(`${m[1]}-01`, timeZone, text), 'month');
  if ((m = /^(\d{4}-\d{2}-\d{2})$/.exec(text))) {
    const d = day(m[1]!, timeZone, text);
    return span(d, d, d.toISODate()!);
  }
  if ((m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text))) {
    const from = day(m[1]!, timeZone, text);
    const to = day(m[2]!, timeZone, text);
    return span(from, to, `${from.toISODate()}..${to.toISODate()}`);
  }
  throw new PeriodError(`“${input}” is not a period: ${PERIOD_HELP}.`);
}

function day(iso: string, timeZone: string, input: string): DateTime {
  const d = DateTime.fromISO(iso, { zone: timeZone });
  if (!d.isValid || d.year < 2000 || d.year > 2999) throw new PeriodError(`“${input}” is not a valid date: ${PERIOD_HELP}.`);
  return d.startOf('day');
}

function checked(from: DateTime, to: DateTime, label: string): DayRange {
  if (to < from) throw new PeriodError(`the period ${label} ends before it starts.`);
  if (to.diff(from, 'days').days > MAX_RANGE_DAYS) throw new PeriodError(`the period ${label} is longer than ${MAX_RANGE_DAYS} days.`);
  return { from: from.toISODate()!, to: to.toISODate()!, label };
}

function labelOf(from: DateTime, u: 'week' | 'month' | 'quarter' | 'year'): string {
  if (u === 'year') return String(from.year);
  if (u === 'quarter') return `${from.year}Q${from.quarter}`;
  if (u === 'month') return from.toFormat('yyyy-MM');
  return `${from.toISODate()}..${from.endOf('week').toISODate()}`;
}

/** A DayRange for the days `from`..`to` (inclusive). */
export function dayRange(from: string, to: string): DayRange {
  return { from, to, label: from === to ? from : `${from}..${to}` };
}

// ---- buckets ---------------------------------------------------------------------------------------

export const ALL_TIME = 'all';

export function dayBucket(isoDay: string): string {
  return `d:${isoDay}`;
}

export function monthBucket(isoDay: string): string {
  return `m:${isoDay.slice(0, 7)}`;
}

/**
 * Which tables a bucket keeps: every bucket the cube and the agents; days and months the product
 * and merchant names (all time would grow without bound); months the daily series.
 */
export function bucketHas(bucket: string, table: string): boolean {
  if (table === 'cube' || table === 'perf' || table === 'agent') return true;
  if (table === 'series') return bucket.startsWith('m:');
  return bucket !== ALL_TIME;
}

/** Buckets a ticket filed on `isoDay` counts in. */
export function bucketsOfDay(isoDay: string): string[] {
  return [dayBucket(isoDay), monthBucket(isoDay), ALL_TIME];
}

/** The fewest buckets that cover the range exactly: whole months, and days at the ends. */
export function bucketsOfRange(range: { from: string; to: string }): string[] {
  const out: string[] = [];
  let d = DateTime.fromISO(range.from, { zone: 'utc' });
  const end = DateTime.fromISO(range.to, { zone: 'utc' });
  while (d <= end) {
    const monthEnd = d.endOf('month').startOf('day');
    if (d.day === 1 && monthEnd <= end) {
      out.push(monthBucket(d.toISODate()!));
      d = monthEnd.plus({ days: 1 });
    } else {
      out.push(dayBucket(d.toISODate()!));
      d = d.plus({ days: 1 });
    }
  }
  return out;
}

/** Every day of a range, in order. */
export function daysOf(range: { from: string; to: string }): string[] {
  const out: string[] = [];
  for (let d = DateTime.fromISO(range.from, { zone: 'utc' }), end = DateTime.fromISO(range.to, { zone: 'utc' }); d <= end; d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}

/** Every month (`YYYY-MM`) a range touches, in order. */
export function monthsOf(range: { from: string; to: string }): string[] {
  const out: string[] = [];
  for (let d = DateTime.fromISO(range.from.slice(0, 7) + '-01', { zone: 'utc' }), end = DateTime.fromISO(range.to, { zone: 'utc' }); d <= end; d = d.plus({ months: 1 })) out.push(d.toFormat('yyyy-MM'));
  return out;
}
