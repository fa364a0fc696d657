/**
 * Spike alerts (seed 001, crisis response): when complaints about one category or one product on
 * one day exceed their baseline — the mean per day over the previous SPIKE_BASELINE_DAYS days — by
 * SPIKE_FACTOR, and number at least SPIKE_MIN_COUNT, the escalation channel is told once.
 *
 * Checked after every counter batch from the day documents the batch just wrote (no extra reads);
 * the baseline is read once a day (2 × SPIKE_BASELINE_DAYS `_id` lookups). An alert is recorded by
 * a unique insert (`<day>|<dimension>|<key>`), so two instances never raise it twice; it is then told
 * to every sink, and one that could not be told is tried again by `retryPending()`.
 */
import type { Clock, CoreLogger } from '../domain/ports';
import { localDay, OTHER_ROW, parseCubeKey } from './measures';
import { dayBucket } from './periods';
import { counterId, type AlertSink, type CounterDoc, type ReportStore, type SpikeAlert } from './ports';
import { DateTime } from 'luxon';

export interface SpikeSettings {
  factor: number;
  minCount: number;
  baselineDays: number;
  timeZone: string;
}

/** The rule itself: at least `minCount`, and more than `factor` times the baseline. */
export function isSpike(count: number, baseline: number, s: Pick<SpikeSettings, 'factor' | 'minCount'>): boolean {
  return count >= s.minCount && count > s.factor * baseline;
}

/** Complaints per category in one cube document. */
export function perCategory(cube: CounterDoc | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, counts] of Object.entries(cube?.rows ?? {})) {
    const { category } = parseCubeKey(key);
    out.set(category, (out.get(category) ?? 0) + (counts.n ?? 0));
  }
  return out;
}

function perName(doc: CounterDoc | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, counts] of Object.entries(doc?.rows ?? {})) if (key !== OTHER_ROW && counts.n) out.set(key, counts.n);
  return out;
}

export class SpikeWatch {
  private baseline: { day: string; category: Map<string, number>; product: Map<string, number> } | null = null;
  private readonly raised = new Set<string>();
  private readonly telling = new Set<Promise<void>>();

  constructor(
    private readonly deps: { store: ReportStore; clock: Clock; logger: CoreLogger; sinks: AlertSink[]; settings: SpikeSettings },
  ) {}

  get settings(): SpikeSettings {
    return this.deps.settings;
  }

  /** Look at today's documents a counter batch wrote. */
  async afterBatch(written: Map<string, CounterDoc>): Promise<void> {
    const { settings, clock } = this.deps;
    const now = clock.now();
    const today = localDay(now, settings.timeZone);
    const cube = written.get(counterId(dayBucket(today), 'cube'));
    const product = written.get(counterId(dayBucket(today), 'product'));
    if (!cube && !product) return;
    const base = await this.baselineOf(today);
    const check = async (dimension: SpikeAlert['dimension'], counts: Map<string, number>, baseline: Map<string, number>) => {
      for (const [key, count] of counts) {
        const mean = baseline.get(key) ?? 0;
        if (!isSpike(count, mean, settings)) continue;
        await this.raise({ id: `${today}|${dimension}|${key}`, day: today, dimension, key, count, baseline: mean, baselineDays: settings.baselineDays, factor: settings.factor, at: now, notifiedAt: null });
      }
    };
    if (cube) await check('category', perCategory(cube), base.category);
    if (product) await check('product', perName(product), base.product);
  }

  /** Tell the sinks about alerts recorded but not told (a sink was down, or the process stopped). */
  async retryPending(): Promise<number> {
    const pending = await this.deps.store.pendingAlerts();
    for (const a of pending) await this.tell(a);
    return pending.length;
  }

  /** Wait for alerts being told right now (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.telling.size) await Promise.allSettled([...this.telling]);
  }

  private async baselineOf(today: string): Promise<{ category: Map<string, number>; product: Map<string, number> }> {
    if (this.baseline?.day === today) return this.baseline;
    const { baselineDays } = this.deps.settings;
    const start = DateTime.fromISO(today, { zone: 'utc' });
    const days = Array.from({ length: baselineDays }, (_, i) => start.minus({ days: i + 1 }).toISODate()!);
    const ids = days.flatMap((d) => [counterId(dayBucket(d), 'cube'), counterId(dayBucket(d), 'product')]);
    const docs = await this.deps.store.readCounters(ids);
    const category = new Map<string, number>();
    const product = new Map<string, number>();
    for (const d of days) {
      for (const [k, n] of perCategory(docs.get(counterId(dayBucket(d), 'cube')))) category.set(k, (category.get(k) ?? 0) + n);
      for (const [k, n] of perName(docs.get(counterId(dayBucket(d), 'product')))) product.set(k, (product.get(k) ?? 0) + n);
    }
    for (const m of [category, product]) for (const [k, sum] of m) m.set(k, sum / baselineDays);
    this.baseline = { day: today, category, product };
    this.raised.clear();
    return this.baseline;
  }

  private async raise(alert: SpikeAlert): Promise<void> {
    if (this.raised.has(alert.id)) return;
    const fresh = await this.deps.store.insertAlert(alert);
    this.raised.add(alert.id);
    if (!fresh) return;
    this.deps.logger.warn({ alert: { day: alert.day, dimension: alert.dimension, key: alert.key, count: alert.count, baseline: round1(alert.baseline) } }, 'ALERT: complaint spike');
    const p = this.tell(alert);
    this.telling.add(p);
    void p.finally(() => this.telling.delete(p));
  }

  private async tell(alert: SpikeAlert): Promise<void> {
    try {
      for (const sink of this.deps.sinks) await sink.notify(alert);
      await this.deps.store.markAlertNotified(alert.id, this.deps.clock.now());
    } catch (err) {
      this.deps.logger.warn({ err: { message: (err as Error).message }, alert: alert.id }, 'spike alert not told yet; it is tried again');
    }
  }
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
