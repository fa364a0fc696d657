import { DateTime, IANAZone } from 'luxon';

/**
 * Calendar-date and wall-clock helpers. A local date is handled as a "day number" (days since
 * 1970-01-01, no time zone) so that walking over dates is plain integer arithmetic; only the
 * conversion between an instant and (local date, time of day) needs the IANA zone (luxon).
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Days since 1970-01-01 of a local calendar date. */
export type DayNumber = number;

/** A local date and the wall-clock milliseconds since local midnight (0 ≤ ms < DAY_MS). */
export interface LocalPoint {
  day: DayNumber;
  ms: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → day number, or null when the text is not a real calendar date. */
export function parseIsoDate(text: string): DayNumber | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / DAY_MS;
}

export function formatIsoDate(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function yearOf(day: DayNumber): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function weekdayOf(day: DayNumber): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export function toLocal(instant: number, zone: string): LocalPoint {
  const dt = DateTime.fromMillis(instant, { zone });
  const day = Date.UTC(dt.year, dt.month - 1, dt.day) / DAY_MS;
  const ms = ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.millisecond;
  return { day, ms };
}

/** The instant of wall-clock time `ms` on local date `day`; `ms` may be DAY_MS (= 24:00). */
export function fromLocal(day: DayNumber, ms: number, zone: string): number {
  const carry = Math.floor(ms / DAY_MS);
  const date = new Date((day + carry) * DAY_MS);
  let rest = Math.round(ms - carry * DAY_MS);
  const hour = Math.floor(rest / HOUR_MS);
  rest -= hour * HOUR_MS;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const millisecond = rest - second * 1000;
  return DateTime.fromObject(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour,
      minute,
      second,
      millisecond,
    },
    { zone },
  ).toMillis();
}
