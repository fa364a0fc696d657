import { DateTime } from 'luxon';
import type { Deadline } from '../../../src/sla';

/** A Shanghai wall-clock time "YYYY-MM-DD HH:mm" as an instant (written out by hand, +08:00). */
export function sh(local: string): Date {
  const d = new Date(`${local.replace(' ', 'T')}:00+08:00`);
  if (Number.isNaN(d.getTime())) throw new Error(`bad test time ${local}`);
  return d;
}

/** An instant shown as Shanghai wall-clock time "YYYY-MM-DD HH:mm" (24:00 shows as next day 00:00). */
export function local(d: Date | null, zone = 'Asia/Shanghai'): string {
  if (d === null) throw new Error('expected a date, got null');
  return DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm');
}

export function due(d: Deadline): string {
  if (d.state !== 'running') throw new Error(`deadline ${d.kind} is paused`);
  return local(d.dueAt);
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
