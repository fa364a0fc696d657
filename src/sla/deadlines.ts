import type { Category, Severity } from '../domain/taxonomy';
import type { WorkingCalendar } from './calendar';
import { HOUR_MS } from './local-time';
import {
  DEADLINE_KINDS,
  resolveBudgets,
  type Budget,
  type DeadlineKind,
  type SlaPolicy,
  type WarningRule,
  type WorkingDayCount,
} from './policy';
import { elapsed, locate, measureOf, normalizePauses, type MeasureKind, type Pause } from './sla-clock';

/**
 * Deadline computation (pure). Semantics:
 *
 * SLA time. A clock-hour budget counts real elapsed time. A working-time budget counts only
 * working time of the calendar (working days, inside business hours if configured); one working
 * day = one working-day window (24 h without business hours). So, with `fromFiling` counting,
 * "3 working days" from a filing inside working time ends at the same local time of day after
 * 3 further working days; a filing on a non-working day (or after hours) starts counting at the
 * start of the next working window (00:00, or the opening time), which puts the deadline at the
 * end (24:00 / closing time) of the 3rd working day. With `fromNextDay` the filing day is never
 * counted and the deadline is always the end of the Nth working day after the filing date.
 *
 * Pauses (`waiting_customer`). No SLA time elapses inside a pause; the deadline moves by the SLA
 * time the pause consumed (for working-time budgets only the working time inside it: a pause over a
 * weekend moves a working-day deadline by nothing, a clock-hour deadline by the whole weekend).
 * A deadline that was already passed when a pause began stays passed. While a pause is open the
 * deadline is unknown: the result has `state: 'paused'`, `dueAt: null`, `pausedAt` and
 * `consumedMs`; recompute with the closed pause when the customer answers.
 *
 * Warning. Fires when the consumed SLA time reaches min(percent % of the budget, budget − lead)
 * (the lead ignored when it is not shorter than the budget): the earlier of "80 % of the window"
 * and "2 hours before" by default, never before the start.
 */

export interface DeadlineBase {
  kind: DeadlineKind;
  budget: Budget;
  /** The filing instant given by the caller. */
  startAt: Date;
  /** Where the SLA clock starts (startAt, or the next working day for `fromNextDay`). */
  countFrom: Date;
  /** SLA time measure of the budget: real time or working time. */
  measure: MeasureKind;
  /** The whole budget in SLA-time ms. */
  budgetMs: number;
  /** SLA time consumed (ms) when the warning fires. */
  warnAfterMs: number;
  /** The pauses used, clipped to countFrom, sorted and merged. */
  pauses: Pause[];
}

export interface RunningDeadline extends DeadlineBase {
  state: 'running';
  dueAt: Date;
  warnAt: Date;
}

export interface PausedDeadline extends DeadlineBase {
  state: 'paused';
  /** Unknown until the pause ends. */
  dueAt: null;
  /** The warning instant if it came before the pause, else null. */
  warnAt: Date | null;
  /** Start of the open pause. */
  pausedAt: Date;
  /** SLA time consumed when the pause began (budgetMs − consumedMs is left). */
  consumedMs: number;
}

export type Deadline = RunningDeadline | PausedDeadline;
export type Deadlines = Record<DeadlineKind, Deadline>;
export type DeadlineStatus = 'ok' | 'warning' | 'overdue';

export interface DeadlineInput {
  kind: DeadlineKind;
  budget: Budget;
  calendar: WorkingCalendar;
  startAt: Date;
  pauses?: readonly Pause[] | undefined;
  warning: WarningRule;
  workingDayCount?: WorkingDayCount | undefined;
}

export interface DeadlinesInput {
  policy: SlaPolicy;
  calendar: WorkingCalendar;
  category: Category;
  severity: Severity;
  startAt: Date;
  pauses?: readonly Pause[] | undefined;
  /** Ticket flags that select policy flag rules, e.g. `{ needsAppraisal: true }`. */
  flags?: Readonly<Record<string, boolean | undefined>> | undefined;
}

function budgetMs(budget: Budget, calendar: WorkingCalendar): number {
  if (budget.unit === 'workingDays') return Math.round(budget.amount * calendar.workingDayMs);
  return Math.round(budget.amount * HOUR_MS);
}

/** SLA time consumed at the warning point of a budget (see the module comment). */
export function warnAfter(budget: number, warning: WarningRule): number {
  const byPercent = Math.round((budget * warning.percent) / 100);
  const lead = Math.round(warning.leadHours * HOUR_MS);
  return lead > 0 && lead < budget ? Math.min(byPercent, budget - lead) : byPercent;
}

/** One deadline from one budget. */
export function computeDeadline(input: DeadlineInput): Deadline {
  const { kind, budget, calendar, startAt, warning } = input;
  if (Number.isNaN(startAt.getTime())) throw new Error('computeDeadline: startAt is not a valid date');
  const measure: MeasureKind = budget.unit === 'hours' ? 'clock' : 'working';
  const countFrom =
    budget.unit === 'workingDays' && input.workingDayCount === 'fromNextDay'
      ? calendar.startOfNextWorkingDay(startAt)
      : new Date(startAt.getTime());
  const t0 = countFrom.getTime();
  const pauses = normalizePauses(input.pauses ?? [], t0);
  const m = measureOf(measure, calendar);
  const total = budgetMs(budget, calendar);
  const warnMs = warnAfter(total, warning);
  const base: DeadlineBase = {
    kind,
    budget: { ...budget },
    startAt: new Date(startAt.getTime()),
    countFrom,
    measure,
    budgetMs: total,
    warnAfterMs: warnMs,
    pauses,
  };
  const due = locate(m, t0, pauses, total);
  const warn = locate(m, t0, pauses, warnMs);
  if ('at' in due) {
    // The warning point comes no later than the due point, so it is located too.
    const warnAt = 'at' in warn ? warn.at : due.at;
    return { ...base, state: 'running', dueAt: new Date(due.at), warnAt: new Date(warnAt) };
  }
  return {
    ...base,
    state: 'paused',
    dueAt: null,
    warnAt: 'at' in warn ? new Date(warn.at) : null,
    pausedAt: new Date(due.pausedAt),
    consumedMs: due.consumed,
  };
}

/** The three deadlines of a ticket under a policy. */
export function computeDeadlines(input: DeadlinesInput): Deadlines {
  const budgets = resolveBudgets(input.policy, input.category, input.severity, input.flags);
  const one = (kind: DeadlineKind): Deadline =>
    computeDeadline({
      kind,
      budget: budgets[kind],
      calendar: input.calendar,
      startAt: input.startAt,
      pauses: input.pauses,
      warning: input.policy.warning,
      workingDayCount: input.policy.workingDayCount,
    });
  const [firstContact, factCheck, resolution] = DEADLINE_KINDS.map(one) as [Deadline, Deadline, Deadline];
  return { firstContact, factCheck, resolution };
}

/**
 * SLA time (ms, in the deadline's own measure) consumed from the start to `now`, pauses removed.
 * An open pause counts as running up to `now`.
 */
export function elapsedSlaTime(deadline: Deadline, now: Date, calendar: WorkingCalendar): number {
  return elapsed(measureOf(deadline.measure, calendar), deadline.countFrom.getTime(), deadline.pauses, now.getTime());
}

/** SLA time (ms) left at `now`; negative = overdue by that much SLA time. */
export function remaining(deadline: Deadline, now: Date, calendar: WorkingCalendar): number {
  return deadline.budgetMs - elapsedSlaTime(deadline, now, calendar);
}

/**
 * `overdue` at or after dueAt, `warning` at or after warnAt, else `ok`. A paused deadline is never
 * overdue (one passed before the pause stays `running`). To judge a met deadline, pass the
 * instant it was met as `now`.
 */
export function status(deadline: Deadline, now: Date): DeadlineStatus {
  const t = now.getTime();
  if (deadline.state === 'running' && t >= deadline.dueAt.getTime()) return 'overdue';
  if (deadline.warnAt !== null && t >= deadline.warnAt.getTime()) return 'warning';
  return 'ok';
}

/**
 * Working days (fractional) between two instants, e.g. a handling time for reports: the working
 * time between them divided by the length of a working day. Negative when `b` is before `a`.
 */
export function workingDaysBetween(calendar: WorkingCalendar, a: Date, b: Date): number {
  return calendar.workingMsBetween(a, b) / calendar.workingDayMs;
}
