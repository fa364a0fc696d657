import type { WorkingCalendar } from './calendar';
import type { Deadline } from './deadlines';
import { DAY_MS, HOUR_MS, fromLocal, toLocal } from './local-time';
import { locate, measureOf } from './sla-clock';

/**
 * Red flags: the warnings before a deadline (DESIGN §2, [003] "临近处理时限的工单自动标红提醒").
 * A deadline gets one warning per point of a configurable list (`SLA_WARNING_POINTS`, default
 * `80%,1h`): a share of the window consumed, or a lead before the deadline. Both are measured in
 * the deadline's own time — working time for a working-day budget, clock time for clock hours —
 * so "1h" before a working-day deadline is one working hour before it.
 *
 * A warning of a working-time deadline is never given at night or on a day off: one that falls
 * outside the notification hours (`SLA_NOTIFY_HOURS`, else the business hours, on working days)
 * moves back to the last minute inside them before it (earlier, never later, than its point), or
 * when the window started too late for that, forward to the next opening if that still comes
 * before the deadline; one that fits neither way is dropped (the overdue escalation follows). Clock-hour deadlines (first contact in 1 h) warn when
 * their point comes, day or night: that is what a clock-hour promise means.
 */

export type WarningPoint = { percent: number } | { leadHours: number };

export const DEFAULT_WARNING_POINTS: readonly WarningPoint[] = [{ percent: 80 }, { leadHours: 1 }];

/** `80%,1h,30m` → points; throws with a clear message on anything else. */
export function parseWarningPoints(text: string): WarningPoint[] {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (!parts.length) throw new Error('give at least one point, e.g. 80%,1h');
  return parts.map((p) => {
    let m = /^(\d{1,2}(?:\.\d+)?|100)%$/.exec(p);
    if (m) {
      const percent = Number(m[1]);
      if (!(percent > 0 && percent < 100)) throw new Error(`"${p}": a share must be above 0 % and below 100 %`);
      return { percent };
    }
    m = /^(\d+(?:\.\d+)?)(h|m)$/.exec(p);
    if (m) {
      const hours = m[2] === 'h' ? Number(m[1]) : Number(m[1]) / 60;
      if (!(hours > 0)) throw new Error(`"${p}": a lead must be above 0`);
      return { leadHours: hours };
    }
    throw new Error(`"${p}" is neither a share (80%) nor a lead before the deadline (1h, 30m)`);
  });
}

export interface NotifyWindow {
  /** ms after local midnight */
  start: number;
  end: number;
}

/** `09:00-18:00` → a window; throws when it is malformed or empty. */
export function parseNotifyHours(text: string): NotifyWindow {
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" must look like 09:00-18:00`);
  const start = (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  const end = (Number(m[3]) * 60 + Number(m[4])) * 60_000;
  if (end <= start) throw new Error(`"${text}": the end must be after the start`);
  return { start, end };
}

/**
 * The warning instants of a deadline, ascending, before its due time. A paused deadline gives
 * the ones that came before its pause (the rest are known when it resumes).
 */
export function warningTimes(deadline: Deadline, points: readonly WarningPoint[], calendar: WorkingCalendar, notify: NotifyWindow | null): Date[] {
  const measure = measureOf(deadline.measure, calendar);
  const t0 = deadline.countFrom.getTime();
  const due = deadline.dueAt?.getTime() ?? Infinity;
  const out = new Set<number>();
  for (const p of points) {
    const consumed = 'percent' in p ? Math.round((deadline.budgetMs * p.percent) / 100) : deadline.budgetMs - Math.round(p.leadHours * HOUR_MS);
    if (consumed <= 0 || consumed >= deadline.budgetMs) continue; // a lead longer than the window: no such warning
    const at = locate(measure, t0, deadline.pauses, consumed);
    if (!('at' in at)) continue; // after the open pause: not known yet
    const placed = deadline.measure === 'working' ? placeInNotifyTime(at.at, t0, due, calendar, notify) : at.at;
    if (placed !== null && placed < due) out.add(placed);
  }
  return [...out].sort((a, b) => a - b).map((t) => new Date(t));
}

/** The notification window of a day: the configured one, else the calendar's business hours, else the whole day. */
function windowOf(calendar: WorkingCalendar, notify: NotifyWindow | null): NotifyWindow {
  if (notify) return notify;
  const bh = calendar.businessHours;
  if (!bh) return { start: 0, end: DAY_MS };
  const ms = (s: string) => {
    const [h, m] = s.split(':').map(Number);
    return ((h ?? 0) * 60 + (m ?? 0)) * 60_000;
  };
  return { start: ms(bh.start), end: ms(bh.end) };
}

function placeInNotifyTime(t: number, start: number, due: number, calendar: WorkingCalendar, notify: NotifyWindow | null): number | null {
  const w = windowOf(calendar, notify);
  const zone = calendar.timeZone;
  const p = toLocal(t, zone);
  const working = (day: number) => calendar.isWorkingDay(new Date(fromLocal(day, 12 * HOUR_MS, zone)));
  if (working(p.day) && p.ms >= w.start && p.ms < w.end) return t;
  // Back: the last minute inside the window before t (the warning comes earlier, never later, than its point).
  for (let day = p.ms >= w.end ? p.day : p.day - 1, n = 0; n < 60; day--, n++) {
    if (!working(day)) continue;
    const last = fromLocal(day, w.end, zone) - 60_000;
    if (last >= start && last < t) return last;
    break;
  }
  // Forward: the next opening of the window, if it still comes before the deadline.
  for (let day = p.ms < w.start ? p.day : p.day + 1, n = 0; n < 60; day++, n++) {
    if (!working(day)) continue;
    const next = fromLocal(day, w.start, zone);
    return next > t && next < due ? next : null;
  }
  return null;
}
