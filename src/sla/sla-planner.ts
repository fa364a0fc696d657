/** The core's SlaPlanner port, implemented with the calendar and policy of this package. */
import type { PlannedDeadline, SlaPlanner } from '../domain/ports';
import type { SlaPause } from '../domain/ticket';
import type { Category, Severity } from '../domain/taxonomy';
import { loadCalendar, type WorkingCalendar } from './calendar';
import { DEADLINE_KINDS, type SlaPolicy } from './policy';
import { computeDeadlines } from './deadlines';
import { loadPolicy } from './presets';
import { DEFAULT_WARNING_POINTS, parseNotifyHours, parseWarningPoints, warningTimes, type NotifyWindow, type WarningPoint } from './warning-points';

export interface SlaSettings {
  preset: string;
  policyFile?: string | undefined;
  timeZone: string;
  region: string;
  calendarDir?: string | undefined;
  /** `HH:MM-HH:MM` or undefined for whole working days. */
  businessHours?: string | undefined;
  /** Red-flag points, e.g. `80%,1h` (default). */
  warningPoints?: string | undefined;
  /** Local hours in which working-time warnings may be given, e.g. `09:00-18:00`. */
  notifyHours?: string | undefined;
}

export class PolicySlaPlanner implements SlaPlanner {
  constructor(
    readonly preset: string,
    readonly policy: SlaPolicy,
    readonly calendar: WorkingCalendar,
    readonly warningPoints: readonly WarningPoint[] = DEFAULT_WARNING_POINTS,
    readonly notifyHours: NotifyWindow | null = null,
  ) {}

  static fromSettings(s: SlaSettings): PolicySlaPlanner {
    const [start, end] = s.businessHours ? s.businessHours.split('-') : [];
    const calendar = loadCalendar({
      region: s.region,
      timeZone: s.timeZone,
      businessHours: start && end ? { start, end } : null,
      extraDir: s.calendarDir,
    });
    return new PolicySlaPlanner(
      s.preset,
      loadPolicy({ preset: s.preset, overrideFile: s.policyFile }),
      calendar,
      s.warningPoints ? parseWarningPoints(s.warningPoints) : DEFAULT_WARNING_POINTS,
      s.notifyHours ? parseNotifyHours(s.notifyHours) : null,
    );
  }

  plan(input: { category: Category; severity: Severity; startAt: Date; pauses: SlaPause[]; now: Date }): PlannedDeadline[] {
    const deadlines = computeDeadlines({
      policy: this.policy,
      calendar: this.calendar,
      category: input.category,
      severity: input.severity,
      startAt: input.startAt,
      pauses: input.pauses.map((p) => (p.to ? { from: p.from, to: p.to } : { from: p.from })),
    });
    return DEADLINE_KINDS.map((kind) => {
      const d = deadlines[kind];
      const warnings = warningTimes(d, this.warningPoints, this.calendar, this.notifyHours);
      return { kind, budget: d.budget, dueAt: d.dueAt, warnAt: warnings[0] ?? null, warnings };
    });
  }

  /** Years without a holiday file within the next `days` days — longer than any SLA window (for a start-up warning). */
  uncoveredYearsAhead(now: Date, days = 45): number[] {
    return this.calendar.uncoveredYears(now, new Date(now.getTime() + days * 86_400_000));
  }
}
