/**
 * Ports of reporting: where counters, the per-ticket contribution records and spike alerts are
 * kept (src/store/mongo-report-store.ts), and where spike alerts are told (Slack, the log).
 */
import type { Counts, Contribution, Table } from './measures';
import type { TicketRecord } from '../domain/ticket';

/**
 * One counter document: all rows of one table in one bucket (`d:2026-12-03:cube`,
 * `m:2026-12:agent`, `all:cube`), read and written by `_id` only. `mark` is the feed position of
 * the last change applied to it: a change at or below it is never applied again.
 */
export interface CounterDoc {
  id: string;
  mark: number;
  rows: Record<string, Counts>;
  /** Display names of row keys (agents), where they have one. */
  names?: Record<string, string>;
}

export function counterId(bucket: string, table: Table): string {
  return `${bucket}:${table}`;
}

/**
 * What the counters hold of one ticket: its contribution at version `v`, and the step that
 * brought it there — from the contribution `prev`, by the feed entries `from`..`seq` — so that a
 * batch handled again after a crash re-applies exactly that step (counter marks skip it where it
 * had arrived).
 */
export interface TicketTally {
  number: string;
  v: number;
  seq: number;
  from: number;
  c: Contribution;
  prev: Contribution | null;
}

/** Tickets as the rebuild reads them: records without personal values, in any order. */
export type TicketSource = AsyncIterable<TicketRecord[]>;

export interface SpikeAlert {
  /** `<day>|<dimension>|<key>`: one alert per day and subject, ever. */
  id: string;
  day: string;
  dimension: 'category' | 'product';
  key: string;
  count: number;
  /** Mean complaints a day over the baseline window. */
  baseline: number;
  baselineDays: number;
  factor: number;
  at: Date;
  notifiedAt?: Date | null;
}

export interface ReportStore {
  readCounters(ids: string[]): Promise<Map<string, CounterDoc>>;
  writeCounters(docs: CounterDoc[]): Promise<void>;
  readTallies(numbers: string[]): Promise<Map<string, TicketTally>>;
  /** Insert tallies of tickets seen for the first time; returns the numbers that already had one. */
  insertTallies(tallies: TicketTally[]): Promise<Set<string>>;
  writeTallies(tallies: TicketTally[]): Promise<void>;
  /** Remove every counter and tally (the first step of a rebuild). */
  clear(): Promise<void>;
  /** Every ticket's record, in chunks (a rebuild reads the whole collection once). */
  tickets(chunk: number): TicketSource;

  /** Record an alert (false: this alert was recorded before, by this instance or another). */
  insertAlert(alert: SpikeAlert): Promise<boolean>;
  markAlertNotified(id: string, at: Date): Promise<void>;
  /** Alerts not told yet (a small collection: at most a few a day). */
  pendingAlerts(): Promise<SpikeAlert[]>;
  /** Alerts of some days, newest first. */
  alertsOfDays(days: string[]): Promise<SpikeAlert[]>;

  getMeta(key: string): Promise<Record<string, unknown> | null>;
  setMeta(key: string, value: Record<string, unknown>): Promise<void>;
  deleteMeta(key: string): Promise<void>;
}

/** Where spike alerts go (the escalation channel in Slack, the log). Throws when it could not tell: it is tried again. */
export interface AlertSink {
  readonly name: string;
  notify(alert: SpikeAlert): Promise<void>;
}
