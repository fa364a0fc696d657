/**
 * What one ticket adds to the reporting counters: its contribution, a pure function of its record.
 *
 * Every figure of DESIGN §2 is a sum over tickets, so counters are plain integer sums and a change
 * of a ticket is applied as `contribution(after) − contribution(before)`. A ticket counts in the
 * period it was filed in (its local filing day, in SLA_TIMEZONE), as it stands now: a November
 * complaint resolved in December improves November's resolution rate. That keeps every ticket in
 * exactly one day, one month and the all-time bucket, whatever happens to it later.
 *
 * Tables and their rows:
 * - `cube`: one row per category × severity × channel (at most 8 × 3 × 7 rows) with the counts (filed,
 *   status, resolved ever, reopened, repeat, high risk, escalated, late), so the filters are sums over
 *   rows and `/complaints stats` reads one small document;
 * - `perf`: the same rows with the performance measures (handling-time histogram and sums, first
 *   response, on-time per deadline, ratings, remedies), read with the cube for the full KPIs;
 * - `product`, `merchant`: one row per (normalised) name — counts for the distribution report and the
 *   spike alert;
 * - `agent`: one row per current owner (`-` for none) — load and performance;
 * - `series` (month buckets only): one row per cube row, filed and resolved per day of the month
 *   (`n.07`, `r.07`) — the dashboard's daily trend with its filters from one document a month.
 *
 * A new figure is one more measure key here (e.g. CSAT once the survey records a rating).
 */
import { DateTime } from 'luxon';
import { OPEN_STATUSES } from '../domain/state-machine';
import { DEADLINE_KINDS, type TicketRecord } from '../domain/ticket';
import { ticketFigures, type TicketFigures } from '../domain/ticket-figures';

/** Measure name → integer sum. */
export type Counts = Record<string, number>;

export const TABLES = ['cube', 'perf', 'product', 'merchant', 'agent', 'series'] as const;
export type Table = (typeof TABLES)[number];

/** Row keys of the cube: `<category>|<severity>|<channel>`. */
export function cubeKey(category: string, severity: string, channel: string): string {
  return `${category}|${severity}|${channel}`;
}

export function parseCubeKey(key: string): { category: string; severity: string; channel: string } {
  const [category = '', severity = '', channel = ''] = key.split('|');
  return { category, severity, channel };
}

/** The owner row of tickets nobody owns. */
export const NO_AGENT = '-';
/** Where names go once a product or merchant table holds MAX_NAMED_ROWS names. */
export const OTHER_ROW = '(other)';
export const MAX_NAMED_ROWS = 5000;

/**
 * Handling-time histogram: bin edges in hours. A p90 read from it is exact to within the width of
 * the bin it falls in (1–2 h below a day, 12 h up to 3 days, 24 h up to a week, wider beyond).
 */
export const HANDLING_BIN_EDGES_HOURS = [1, 2, 4, 8, 12, 24, 36, 48, 60, 72, 96, 120, 144, 168, 240, 336, 504, 720] as const;

export function handlingBin(minutes: number): number {
  const hours = minutes / 60;
  let i = 0;
  while (i < HANDLING_BIN_EDGES_HOURS.length && hours >= HANDLING_BIN_EDGES_HOURS[i]!) i++;
  return i;
}

/** Bin `i` covers [lo, hi) hours; the last bin has no upper edge. */
export function binRange(i: number): [number, number | null] {
  return [i === 0 ? 0 : HANDLING_BIN_EDGES_HOURS[i - 1]!, HANDLING_BIN_EDGES_HOURS[i] ?? null];
}

export const HANDLING_BINS = HANDLING_BIN_EDGES_HOURS.length + 1;

/** A satisfaction rating of 1–5 on the record, once the survey (#10) records one. */
export function ratingOf(r: TicketRecord): number | null {
  const rating = r.satisfaction?.rating;
  return typeof rating === 'number' && Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : null;
}

export interface Contribution {
  /** Local filing day, `YYYY-MM-DD`. */
  day: string;
  rows: Array<{ table: Table; key: string; counts: Counts }>;
  /** Display name of the owner (not additive: the latest one is kept). */
  agentName?: { id: string; name: string };
}

/** Product or merchant names as counted: NFKC, trimmed, spaces collapsed, lower case, at most 60 characters. */
export function nameKey(v: string | null | undefined): string | null {
  if (!v) return null;
  const key = v.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase().slice(0, 60);
  return key || null;
}

export function localDay(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(new Date(at), { zone: timeZone }).toISODate()!;
}

export function contributionOf(r: TicketRecord, timeZone: string): Contribution {
  const f: TicketFigures = ticketFigures(r);
  const open = OPEN_STATUSES.includes(r.status);
  const resolved = r.status === 'resolved' || r.status === 'closed';
  const rejected = r.status === 'rejected';

  const cube: Counts = { n: 1, [`s.${r.status}`]: 1 };
  if (f.everResolved) cube.rx = 1;
  if (f.reopenCount > 0) cube.ro = 1;
  if (r.flags.recurrenceOf) cube.rc = 1;
  if (r.flags.highRisk) cube.hr = 1;
  if (r.sla.escalationTier > 0) cube.es = 1;
  if (f.missedAny) cube.ms = 1;
  const perf: Counts = {};
  if (f.handlingMinutes !== null) {
    perf['ht.n'] = 1;
    perf['ht.s'] = f.handlingMinutes;
    perf[`ht.b${handlingBin(f.handlingMinutes)}`] = 1;
  }
  if (f.firstResponseMinutes !== null) {
    perf['fr.n'] = 1;
    perf['fr.s'] = f.firstResponseMinutes;
  }
  for (const k of DEADLINE_KINDS) {
    if (f.onTime[k] === true) perf[`ot.${k}.y`] = 1;
    if (f.onTime[k] === false) perf[`ot.${k}.x`] = 1;
  }
  const rating = ratingOf(r);
  if (rating !== null) {
    perf['cs.n'] = 1;
    perf['cs.s'] = rating;
    perf[`cs.${rating}`] = 1;
  }
  if (resolved && r.resolution) {
    const remedy = r.resolution.remedy ?? 'none';
    perf[`rm.${remedy}.n`] = 1;
    if (typeof r.resolution.amount === 'number' && Number.isFinite(r.resolution.amount)) perf[`rm.${remedy}.a`] = Math.round(r.resolution.amount * 100);
  }

  const brief: Counts = { n: 1 };
  if (open) brief.o = 1;
  if (resolved) brief.r = 1;
  if (rejected) brief.rj = 1;
  if (f.missedAny) brief.ms = 1;
  if (r.severity === 'major') brief.mj = 1;
  if (r.flags.recurrenceOf) brief.rc = 1;

  const agent: Counts = { ...brief };
  delete agent.mj;
  delete agent.rc;
  if (f.handlingMinutes !== null) {
    agent['ht.n'] = 1;
    agent['ht.s'] = f.handlingMinutes;
  }
  for (const k of DEADLINE_KINDS) {
    if (f.onTime[k] === true) agent[`ot.${k}.y`] = 1;
    if (f.onTime[k] === false) agent[`ot.${k}.x`] = 1;
  }

  const key = cubeKey(r.category, r.severity, r.channel);
  const rows: Contribution['rows'] = [{ table: 'cube', key, counts: cube }];
  if (Object.keys(perf).length) rows.push({ table: 'perf', key, counts: perf });
  const product = nameKey(r.product);
  if (product) rows.push({ table: 'product', key: product, counts: brief });
  const merchant = nameKey(r.merchant);
  if (merchant) rows.push({ table: 'merchant', key: merchant, counts: brief });
  const ownerId = r.owner?.id ?? NO_AGENT;
  rows.push({ table: 'agent', key: ownerId, counts: agent });
  const day = localDay(r.createdAt, timeZone);
  const dd = day.slice(8, 10);
  rows.push({ table: 'series', key, counts: resolved ? { [`n.${dd}`]: 1, [`r.${dd}`]: 1 } : { [`n.${dd}`]: 1 } });
  const c: Contribution = { day, rows };
  if (r.owner?.name) c.agentName = { id: r.owner.id, name: r.owner.name };
  return c;
}

// ---- arithmetic on counts ------------------------------------------------------------------------

export function addInto(target: Counts, add: Counts, sign = 1): Counts {
  for (const [k, v] of Object.entries(add)) {
    const n = (target[k] ?? 0) + sign * v;
    if (n === 0) delete target[k];
    else target[k] = n;
  }
  return target;
}

/** Row deltas (table/key → counts) that turn `before` into `after` (both of one ticket, so one day). */
export function contributionDelta(before: Contribution | null, after: Contribution | null): Map<string, Counts> {
  const delta = new Map<string, Counts>();
  const put = (c: Contribution | null, sign: number) => {
    for (const row of c?.rows ?? []) {
      const id = `${row.table}\u0000${row.key}`;
      const d = delta.get(id) ?? {};
      addInto(d, row.counts, sign);
      delta.set(id, d);
    }
  };
  put(before, -1);
  put(after, 1);
  for (const [id, d] of delta) if (!Object.keys(d).length) delta.delete(id);
  return delta;
}

export function splitRowId(id: string): { table: Table; key: string } {
  const i = id.indexOf('\u0000');
  return { table: id.slice(0, i) as Table, key: id.slice(i + 1) };
}
