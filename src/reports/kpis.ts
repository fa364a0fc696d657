/**
 * The KPIs of DESIGN §2 from summed counters (measures.ts). Pure arithmetic; the definitions, as the
 * dashboard, the quarterly report and `/complaints stats` state them:
 *
 * - every figure is about the complaints filed in the period, as they stand now;
 * - resolution rate = resolved or closed ÷ (filed − rejected);
 * - on-time rate per deadline kind = met by the due time ÷ (met by it + missed), missed = met after
 *   the due time or marked overdue by the SLA scanner; deadlines still running do not count;
 * - handling time = filing → latest resolution (wall clock), over resolved and closed complaints;
 *   its p90 is read from a fixed histogram (measures.ts), exact to within the bin it falls in;
 * - first response = filing → first contact with the customer;
 * - CSAT = mean rating (1–5) and share of 4–5 among rated complaints ("no ratings yet" when none);
 * - recurrence rate = complaints flagged as a repeat (same customer, same category, within
 *   RECURRENCE_WINDOW_DAYS) ÷ filed;
 * - reopen rate = complaints reopened at least once ÷ complaints resolved at least once;
 * - late = complaints that missed at least one deadline.
 */
import { DEADLINE_KINDS, type DeadlineKind } from '../domain/ticket';
import { TICKET_STATUSES, OPEN_STATUSES, type TicketStatus } from '../domain/state-machine';
import { REMEDIES } from '../domain/taxonomy';
import { binRange, HANDLING_BINS, type Counts } from './measures';

export interface OnTime {
  onTime: number;
  missed: number;
  rate: number | null;
}

export interface KpiSet {
  filed: number;
  open: number;
  resolved: number;
  rejected: number;
  byStatus: Record<TicketStatus, number>;
  resolutionRate: number | null;
  late: number;
  onTime: Record<DeadlineKind, OnTime>;
  handling: { count: number; averageHours: number | null; p90Hours: number | null; p90Bin: [number, number | null] | null; histogram: number[] };
  firstResponse: { count: number; averageHours: number | null };
  csat: { count: number; average: number | null; satisfiedRate: number | null; distribution: number[] };
  recurrence: { count: number; rate: number | null };
  reopen: { count: number; base: number; rate: number | null };
  escalated: number;
  highRisk: number;
  remedies: Array<{ remedy: string; count: number; amount: number }>;
}

export const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function kpisOf(c: Counts): KpiSet {
  const get = (k: string) => c[k] ?? 0;
  const byStatus = Object.fromEntries(TICKET_STATUSES.map((s) => [s, get(`s.${s}`)])) as Record<TicketStatus, number>;
  const filed = get('n');
  const open = OPEN_STATUSES.reduce((sum, s) => sum + byStatus[s], 0);
  const resolved = byStatus.resolved + byStatus.closed;
  const rejected = byStatus.rejected;
  const onTime = Object.fromEntries(
    DEADLINE_KINDS.map((k) => {
      const y = get(`ot.${k}.y`);
      const x = get(`ot.${k}.x`);
      return [k, { onTime: y, missed: x, rate: ratio(y, y + x) }];
    }),
  ) as Record<DeadlineKind, OnTime>;
  const histogram = Array.from({ length: HANDLING_BINS }, (_, i) => get(`ht.b${i}`));
  const p90 = percentileFromHistogram(histogram, 0.9);
  const csatN = get('cs.n');
  const remedies = [...REMEDIES, 'none']
    .map((r) => ({ remedy: r, count: get(`rm.${r}.n`), amount: get(`rm.${r}.a`) / 100 }))
    .filter((r) => r.count > 0);
  return {
    filed,
    open,
    resolved,
    rejected,
    byStatus,
    resolutionRate: ratio(resolved, filed - rejected),
    late: get('ms'),
    onTime,
    handling: {
      count: get('ht.n'),
      averageHours: get('ht.n') ? get('ht.s') / get('ht.n') / 60 : null,
      p90Hours: p90?.value ?? null,
      p90Bin: p90?.bin ?? null,
      histogram,
    },
    firstResponse: { count: get('fr.n'), averageHours: get('fr.n') ? get('fr.s') / get('fr.n') / 60 : null },
    csat: {
      count: csatN,
      average: csatN ? get('cs.s') / csatN : null,
      satisfiedRate: ratio(get('cs.4') + get('cs.5'), csatN),
      distribution: [1, 2, 3, 4, 5].map((r) => get(`cs.${r}`)),
    },
    recurrence: { count: get('rc'), rate: ratio(get('rc'), filed) },
    reopen: { count: get('ro'), base: get('rx'), rate: ratio(get('ro'), get('rx')) },
    escalated: get('es'),
    highRisk: get('hr'),
    remedies,
  };
}

/**
 * The q-quantile of values counted in histogram bins: the bin holding the value of rank ⌈q·n⌉,
 * linearly interpolated inside it. Exact to within that bin's width; null without values. In the
 * last, open-ended bin the value is its lower edge (the answer is then "at least").
 */
export function percentileFromHistogram(bins: number[], q: number): { value: number; bin: [number, number | null] } | null {
  const n = bins.reduce((a, b) => a + b, 0);
  if (!n) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  let before = 0;
  for (let i = 0; i < bins.length; i++) {
    const count = bins[i]!;
    if (count && before + count >= rank) {
      const [lo, hi] = binRange(i);
      const value = hi === null ? lo : lo + ((rank - before) / count) * (hi - lo);
      return { value, bin: [lo, hi] };
    }
    before += count;
  }
  return null;
}

/** The counts of rows in name tables (product, merchant, agent): fewer measures than the cube. */
export interface BriefRow {
  key: string;
  name?: string;
  filed: number;
  open: number;
  resolved: number;
  rejected: number;
  late: number;
  major: number;
  recurrence: number;
  handling: { count: number; averageHours: number | null };
  onTime: Record<DeadlineKind, OnTime>;
}

export function briefOf(key: string, c: Counts, name?: string): BriefRow {
  const get = (k: string) => c[k] ?? 0;
  return {
    key,
    ...(name ? { name } : {}),
    filed: get('n'),
    open: get('o'),
    resolved: get('r'),
    rejected: get('rj'),
    late: get('ms'),
    major: get('mj'),
    recurrence: get('rc'),
    handling: { count: get('ht.n'), averageHours: get('ht.n') ? get('ht.s') / get('ht.n') / 60 : null },
    onTime: Object.fromEntries(DEADLINE_KINDS.map((k) => [k, { onTime: get(`ot.${k}.y`), missed: get(`ot.${k}.x`), rate: ratio(get(`ot.${k}.y`), get(`ot.${k}.y`) + get(`ot.${k}.x`)) }])) as Record<DeadlineKind, OnTime>,
  };
}

/** On-time rate over all deadline kinds together (an agent's performance). */
export function overallOnTime(onTime: Record<DeadlineKind, OnTime>): OnTime {
  const y = DEADLINE_KINDS.reduce((s, k) => s + onTime[k].onTime, 0);
  const x = DEADLINE_KINDS.reduce((s, k) => s + onTime[k].missed, 0);
  return { onTime: y, missed: x, rate: ratio(y, y + x) };
}
