/**
 * Reading the counters: the KPIs of a period with filters, breakdowns by dimension, per-agent load
 * and performance, top products and merchants, the trend. Every answer reads a bounded number of
 * counter documents by `_id` (a month: one per table; a range: whole months plus the days at its
 * ends; the daily trend: one per day of a range of at most 62 days), never the tickets — the same
 * cost at a million tickets as at ten thousand. `/complaints stats` reads only the counts (the
 * `cube` table); the KPIs add the performance measures (`perf`).
 */
import { CATEGORIES, CHANNELS, SEVERITIES, type Category, type ChannelName, type Severity } from '../domain/taxonomy';
import type { Clock } from '../domain/ports';
import { addInto, NO_AGENT, parseCubeKey, type Counts, type Table } from './measures';
import { briefOf, kpisOf, type BriefRow, type KpiSet } from './kpis';
import { ALL_TIME, bucketHas, bucketsOfRange, daysOf, monthsOf, type DayRange } from './periods';
import { counterId, type CounterDoc, type ReportStore, type SpikeAlert } from './ports';

export interface ReportFilter {
  category?: Category;
  severity?: Severity;
  channel?: ChannelName;
}

export const CUBE_DIMENSIONS = ['category', 'severity', 'channel'] as const;
export type CubeDimension = (typeof CUBE_DIMENSIONS)[number];
export const BREAKDOWNS = ['category', 'severity', 'channel', 'agent', 'product', 'merchant'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export class ReportFilterError extends Error {
  override name = 'ReportFilterError';
  readonly code = 'report.bad_filter';
}

/** Check filter values from the outside (query strings, Slack); unknown names and values are refused by name. */
export function parseFilter(input: Record<string, unknown>): ReportFilter {
  const filter: ReportFilter = {};
  const allowed: Record<CubeDimension, readonly string[]> = { category: CATEGORIES, severity: SEVERITIES, channel: CHANNELS };
  for (const [name, raw] of Object.entries(input)) {
    if (raw === undefined || raw === '' || raw === 'all') continue;
    if (!(CUBE_DIMENSIONS as readonly string[]).includes(name)) throw new ReportFilterError(`unknown filter “${name}”: filters are ${CUBE_DIMENSIONS.join(', ')}.`);
    const values = allowed[name as CubeDimension];
    if (typeof raw !== 'string' || !values.includes(raw)) throw new ReportFilterError(`unknown ${name} “${String(raw)}”: one of ${values.join(', ')}.`);
    (filter as Record<string, string>)[name] = raw;
  }
  return filter;
}

export function parseBreakdown(v: unknown): Breakdown {
  if (typeof v === 'string' && (BREAKDOWNS as readonly string[]).includes(v)) return v as Breakdown;
  throw new ReportFilterError(`unknown breakdown “${String(v)}”: one of ${BREAKDOWNS.join(', ')}.`);
}

export interface StatsRow {
  group: string;
  name?: string;
  filed: number;
  open: number;
  resolved: number;
  rejected: number;
  /** Complaints that missed at least one deadline. */
  late: number;
}

export interface GroupRow {
  dimension: Breakdown;
  group: string;
  /** Display name where the key is an id (agents). */
  name?: string;
  kpis?: KpiSet;
  brief?: BriefRow;
}

export interface Overview {
  range: DayRange;
  filter: ReportFilter;
  kpis: KpiSet;
  breakdown: Record<CubeDimension, GroupRow[]>;
  /** Complaints per category and severity (the distribution chart). */
  matrix: Array<{ category: string; bySeverity: Record<string, number> }>;
  /** Per current owner, tickets filed in the period (name tables are not split by the filters). */
  agents: BriefRow[];
  /** Open tickets per owner now, whatever their filing date. */
  load: BriefRow[];
  products: BriefRow[];
  merchants: BriefRow[];
  trend: { unit: 'day' | 'month'; points: Array<{ label: string; filed: number; resolved: number }> };
  alerts: SpikeAlert[];
  /** Documents read to answer (for the benchmark). */
  reads: number;
}

const DAILY_TREND_MAX_DAYS = 62;

export class ReportService {
  constructor(
    private readonly store: ReportStore,
    private readonly options: { clock: Clock; timeZone: string },
  ) {}

  get timeZone(): string {
    return this.options.timeZone;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** KPIs of the period and filter, summed from the fewest documents. */
  async kpis(range: DayRange, filter: ReportFilter = {}): Promise<KpiSet> {
    const docs = await this.read(bucketsOfRange(range), ['cube', 'perf']);
    return kpisOf(sumCube([...docs.cube, ...docs.perf], filter));
  }

  /**
   * One row per group of a breakdown (what `/complaints stats … by …` and the CSV export show),
   * largest first; `all` without a breakdown. Cube breakdowns honour the filter; name tables
   * (agent, product, merchant) count all tickets of the period.
   */
  async breakdown(range: DayRange, by: Breakdown | null, filter: ReportFilter = {}, options: { countsOnly?: boolean } = {}): Promise<GroupRow[]> {
    const buckets = bucketsOfRange(range);
    if (!by || (CUBE_DIMENSIONS as readonly string[]).includes(by)) {
      // The counts are in the cube; the performance measures (times, on-time, ratings, remedies) in perf.
      const docs = await this.read(buckets, options.countsOnly ? ['cube'] : ['cube', 'perf']);
      const cells = [...docs.cube, ...docs.perf];
      if (!by) return [{ dimension: 'category', group: 'all', kpis: kpisOf(sumCube(cells, filter)) }];
      return cubeGroups(cells, filter, by as CubeDimension);
    }
    const table = by as Exclude<Table, 'cube'>;
    const docs = await this.read(buckets, [table]);
    return nameRows(docs[table]).map((b) => ({ dimension: by, group: b.key, ...(b.name ? { name: b.name } : {}), brief: b }));
  }

  /**
   * The rows of `/complaints stats [period] [by …]`: filed, open, resolved, rejected and late per
   * group (or `all`), largest first.
   */
  async stats(range: DayRange, by: Breakdown | null, filter: ReportFilter = {}): Promise<StatsRow[]> {
    const rows = (await this.breakdown(range, by, filter, { countsOnly: true })).filter((r) => (r.kpis ?? r.brief!).filed > 0 || (r.brief?.open ?? 0) > 0);
    return rows.map((r) => {
      const x = r.kpis ?? r.brief!;
      return { group: r.group, ...(r.name ? { name: r.name } : {}), filed: x.filed, open: x.open, resolved: x.resolved, rejected: x.rejected, late: r.kpis ? r.kpis.late : r.brief!.late };
    });
  }

  /** Everything the dashboard shows for a period and filter. */
  async overview(range: DayRange, filter: ReportFilter = {}): Promise<Overview> {
    const days = daysOf(range);
    const daily = days.length <= DAILY_TREND_MAX_DAYS;
    const [docs, series, load, alerts] = await Promise.all([
      this.read(bucketsOfRange(range), ['cube', 'perf', 'agent', 'product', 'merchant']),
      daily ? this.read(monthsOf(range).map((m) => `m:${m}`), ['series']) : null,
      this.read([ALL_TIME], ['agent']),
      this.store.alertsOfDays(days.slice(-31)),
    ]);
    const cells = [...docs.cube, ...docs.perf];
    let points: Overview['trend']['points'];
    if (daily) {
      const perDay = new Map<string, { filed: number; resolved: number }>(days.map((d) => [d, { filed: 0, resolved: 0 }]));
      for (const doc of series!.series) {
        const month = doc.id.slice(2, 9);
        const inMonth = days.filter((d) => d.startsWith(month));
        for (const [key, counts] of Object.entries(doc.rows)) {
          if (!matches(key, filter)) continue;
          for (const d of inMonth) {
            const p = perDay.get(d)!;
            p.filed += counts[`n.${d.slice(8, 10)}`] ?? 0;
            p.resolved += counts[`r.${d.slice(8, 10)}`] ?? 0;
          }
        }
      }
      points = days.map((d) => ({ label: d, ...perDay.get(d)! }));
    } else {
      points = monthsOf(range).map((m) => {
        const k = kpisOf(sumCube(docs.cube.filter((d) => d.id.slice(2, 9) === m), filter));
        return { label: m, filed: k.filed, resolved: k.resolved };
      });
    }
    return {
      range,
      filter,
      kpis: kpisOf(sumCube(cells, filter)),
      breakdown: {
        category: cubeGroups(cells, filter, 'category'),
        severity: cubeGroups(cells, filter, 'severity'),
        channel: cubeGroups(cells, filter, 'channel'),
      },
      matrix: categoryBySeverity(docs.cube, filter),
      agents: nameRows(docs.agent),
      load: nameRows(load.agent)
        .filter((r) => r.open > 0)
        .sort((a, b) => b.open - a.open || a.key.localeCompare(b.key)),
      products: nameRows(docs.product).slice(0, 20),
      merchants: nameRows(docs.merchant).slice(0, 20),
      trend: { unit: daily ? 'day' : 'month', points },
      alerts,
      reads: docs.reads + (series?.reads ?? 0) + load.reads,
    };
  }

  private async read(buckets: string[], tables: Table[]): Promise<Record<Table, CounterDoc[]> & { reads: number }> {
    const ids = buckets.flatMap((b) => tables.filter((t) => bucketHas(b, t)).map((t) => counterId(b, t)));
    const found = await this.store.readCounters(ids);
    const out = { cube: [], perf: [], agent: [], product: [], merchant: [], series: [], reads: ids.length } as Record<Table, CounterDoc[]> & { reads: number };
    for (const id of ids) {
      const d = found.get(id);
      if (d) out[id.slice(id.lastIndexOf(':') + 1) as Table].push(d);
    }
    return out;
  }
}

function matches(key: string, f: ReportFilter): boolean {
  const k = parseCubeKey(key);
  return (!f.category || k.category === f.category) && (!f.severity || k.severity === f.severity) && (!f.channel || k.channel === f.channel);
}

export function sumCube(docs: CounterDoc[], filter: ReportFilter): Counts {
  const total: Counts = {};
  for (const d of docs) for (const [key, counts] of Object.entries(d.rows)) if (matches(key, filter)) addInto(total, counts);
  return total;
}

function cubeGroups(docs: CounterDoc[], filter: ReportFilter, by: CubeDimension): GroupRow[] {
  const groups = new Map<string, Counts>();
  for (const d of docs) {
    for (const [key, counts] of Object.entries(d.rows)) {
      if (!matches(key, filter)) continue;
      const g = parseCubeKey(key)[by];
      addInto(groups.get(g) ?? groups.set(g, {}).get(g)!, counts);
    }
  }
  return [...groups]
    .map(([group, c]) => ({ dimension: by, group, kpis: kpisOf(c) }))
    .filter((r) => r.kpis.filed > 0)
    .sort((a, b) => b.kpis.filed - a.kpis.filed || a.group.localeCompare(b.group));
}

function nameRows(docs: CounterDoc[]): BriefRow[] {
  const rows = new Map<string, Counts>();
  const names = new Map<string, string>();
  for (const d of docs) {
    for (const [key, counts] of Object.entries(d.rows)) addInto(rows.get(key) ?? rows.set(key, {}).get(key)!, counts);
    for (const [id, name] of Object.entries(d.names ?? {})) names.set(id, name);
  }
  return [...rows]
    .map(([key, c]) => briefOf(key, c, key === NO_AGENT ? undefined : names.get(key)))
    .filter((r) => r.filed > 0 || r.open > 0)
    .sort((a, b) => b.filed - a.filed || a.key.localeCompare(b.key));
}

export function categoryBySeverity(docs: CounterDoc[], filter: ReportFilter): Overview['matrix'] {
  const m = new Map<string, Record<string, number>>();
  for (const d of docs) {
    for (const [key, counts] of Object.entries(d.rows)) {
      if (!matches(key, filter) || !counts.n) continue;
      const { category, severity } = parseCubeKey(key);
      const row = m.get(category) ?? m.set(category, {}).get(category)!;
      row[severity] = (row[severity] ?? 0) + counts.n;
    }
  }
  const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  return [...m]
    .map(([category, bySeverity]) => ({ category, bySeverity }))
    .sort((a, b) => total(b.bySeverity) - total(a.bySeverity) || CATEGORIES.indexOf(a.category as Category) - CATEGORIES.indexOf(b.category as Category));
}
