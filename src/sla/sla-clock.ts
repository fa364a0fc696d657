import type { WorkingCalendar } from './calendar';

/**
 * The SLA clock: a measure of "SLA time" between instants (clock time, or working time of a
 * calendar) with pauses removed. Internal to src/sla; all instants are epoch ms.
 */

export type MeasureKind = 'clock' | 'working';

/** A time during which no SLA time elapses (`waiting_customer`); no `to` = still paused. */
export interface Pause {
  from: Date;
  to?: Date | undefined;
}

export interface Measure {
  /** SLA time between a ≤ b, ignoring pauses. */
  between(a: number, b: number): number;
  /** Earliest instant t ≥ from with between(from, t) = amount. */
  advance(from: number, amount: number): number;
}

const clock: Measure = { between: (a, b) => b - a, advance: (from, amount) => from + amount };

export function measureOf(kind: MeasureKind, calendar: WorkingCalendar): Measure {
  if (kind === 'clock') return clock;
  return {
    between: (a, b) => calendar.workingMsBetween(new Date(a), new Date(b)),
    advance: (from, amount) => calendar.addWorkingMs(new Date(from), amount).getTime(),
  };
}

interface Span {
  from: number;
  to: number | undefined;
}

/**
 * Pauses clipped to start at `start` or later, sorted and merged; throws on a pause that ends
 * before it begins. An open pause swallows every pause after its start.
 */
export function normalizePauses(pauses: readonly Pause[], start: number): Pause[] {
  const spans: Span[] = [];
  for (const p of pauses) {
    const from = p.from.getTime();
    const to = p.to?.getTime();
    if (Number.isNaN(from) || (to !== undefined && Number.isNaN(to))) throw new Error('SLA pause: invalid date');
    if (to !== undefined && to < from) {
      throw new Error(`SLA pause: ends (${p.to?.toISOString()}) before it begins (${p.from.toISOString()})`);
    }
    if (to !== undefined && to <= start) continue;
    if (to === from) continue;
    spans.push({ from: Math.max(from, start), to });
  }
  spans.sort((a, b) => a.from - b.from);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && (last.to === undefined || s.from <= last.to)) {
      if (last.to !== undefined) last.to = s.to === undefined ? undefined : Math.max(last.to, s.to);
    } else {
      merged.push({ ...s });
    }
  }
  return merged.map((s) => (s.to === undefined ? { from: new Date(s.from) } : { from: new Date(s.from), to: new Date(s.to) }));
}

export type Located = { at: number } | { pausedAt: number; consumed: number };

/**
 * Where `amount` of SLA time is reached from `start` with (normalized) pauses removed: an instant,
 * or, if an open pause begins first, the pause start and the SLA time consumed by then.
 */
export function locate(measure: Measure, start: number, pauses: readonly Pause[], amount: number): Located {
  let cursor = start;
  let left = amount;
  for (const p of pauses) {
    const from = p.from.getTime();
    const candidate = measure.advance(cursor, left);
    if (candidate <= from) return { at: candidate };
    left -= measure.between(cursor, from);
    if (p.to === undefined) return { pausedAt: from, consumed: amount - left };
    cursor = Math.max(cursor, p.to.getTime());
  }
  return { at: measure.advance(cursor, left) };
}

/** SLA time elapsed from `start` to `now`, pauses removed (an open pause runs up to `now`). */
export function elapsed(measure: Measure, start: number, pauses: readonly Pause[], now: number): number {
  if (now <= start) return 0;
  let total = measure.between(start, now);
  for (const p of pauses) {
    const a = Math.max(p.from.getTime(), start);
    const b = Math.min(p.to?.getTime() ?? now, now);
    if (b > a) total -= measure.between(a, b);
  }
  return total;
}
