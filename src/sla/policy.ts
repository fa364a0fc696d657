import { z } from 'zod';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../domain/taxonomy';

/**
 * SLA policies as data (DESIGN §2). A policy gives, for every category × severity, a budget for
 * each deadline kind. Rules are layered so that a policy need not list all 24 cells; for each
 * deadline kind the most specific rule wins:
 *
 *   flags (in the policy's listed order, a later flag wins) > cells[category][severity]
 *   > categories[category] > severities[severity] > defaults
 *
 * (Category rules beat severity rules because the source procedures state category limits as
 * hard limits, e.g. telecom [002]; a deployment that wants otherwise adds a cell.)
 */

export const DEADLINE_KINDS = ['firstContact', 'factCheck', 'resolution'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/**
 * `hours`: clock hours, real elapsed time (nights, weekends and holidays count).
 * `workingDays`: working time; one working day = one working-day window of the calendar.
 * `workingHours`: working time in hours (with no business hours, any hour of a working day).
 */
export const BUDGET_UNITS = ['hours', 'workingHours', 'workingDays'] as const;
export type BudgetUnit = (typeof BUDGET_UNITS)[number];

export interface Budget {
  unit: BudgetUnit;
  amount: number;
}

export type BudgetSet = Record<DeadlineKind, Budget>;
export type BudgetRule = Partial<BudgetSet>;

/**
 * The warning ("red flag") point: the earlier of `percent` % of the window and `leadHours` before
 * the deadline. The lead is in the budget's own time: clock hours for a clock-hour budget,
 * working hours for a working-time budget. A lead that would fall at or before the start (window
 * no longer than the lead) is disregarded, so a 1 h budget warns at 48 min, not at once.
 * `leadHours: 0` disables the lead rule; `percent: 100` warns only at the deadline.
 */
export interface WarningRule {
  percent: number;
  leadHours: number;
}

/**
 * How working-day budgets count:
 * - `fromFiling` (default): working time runs from the filing instant; N working days from a
 *   filing inside working time end at the same local time after N further working days.
 * - `fromNextDay`: the filing day is not counted (Civil Code art. 201: 期间开始的当日不计入) and
 *   the deadline is the end of the Nth working day after it (art. 203: 24:00, or the close of
 *   business hours when the calendar has them).
 * A filing outside working time gives the same deadline in both modes.
 */
export const WORKING_DAY_COUNTS = ['fromFiling', 'fromNextDay'] as const;
export type WorkingDayCount = (typeof WORKING_DAY_COUNTS)[number];

export interface SlaPolicy {
  name: string;
  description?: string | undefined;
  defaults: BudgetSet;
  severities: Partial<Record<Severity, BudgetRule>>;
  categories: Partial<Record<Category, BudgetRule>>;
  cells: Partial<Record<Category, Partial<Record<Severity, BudgetRule>>>>;
  /** Rules that apply when the caller passes the flag, e.g. `needsAppraisal`. */
  flags: Record<string, BudgetRule>;
  warning: WarningRule;
  workingDayCount: WorkingDayCount;
}

const MAX_HOURS = 24 * 366;
const MAX_UNITS: Record<BudgetUnit, number> = { hours: MAX_HOURS, workingHours: MAX_HOURS, workingDays: 366 };

const BudgetSchema = z
  .strictObject({
    unit: z.enum(BUDGET_UNITS),
    amount: z.number().positive().finite(),
  })
  .superRefine((b, ctx) => {
    if (b.amount > MAX_UNITS[b.unit]) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `at most ${MAX_UNITS[b.unit]} ${b.unit}` });
    }
  });

const BudgetRuleSchema = z.strictObject({
  firstContact: BudgetSchema.optional(),
  factCheck: BudgetSchema.optional(),
  resolution: BudgetSchema.optional(),
});

const FlagName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a flag name is a letter then letters, digits or _');

const WarningSchema = z.strictObject({
  percent: z.number().gt(0).max(100),
  leadHours: z.number().min(0).max(MAX_HOURS),
});

const layers = {
  severities: z.partialRecord(z.enum(SEVERITIES), BudgetRuleSchema),
  categories: z.partialRecord(z.enum(CATEGORIES), BudgetRuleSchema),
  cells: z.partialRecord(z.enum(CATEGORIES), z.partialRecord(z.enum(SEVERITIES), BudgetRuleSchema)),
  flags: z.record(FlagName, BudgetRuleSchema),
};

export const SlaPolicySchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  defaults: z.strictObject({ firstContact: BudgetSchema, factCheck: BudgetSchema, resolution: BudgetSchema }),
  ...layers,
  warning: WarningSchema,
  workingDayCount: z.enum(WORKING_DAY_COUNTS),
});

/** What a deployment's override file may contain: any part of a policy. */
export const PolicyOverrideSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  defaults: BudgetRuleSchema.optional(),
  severities: layers.severities.optional(),
  categories: layers.categories.optional(),
  cells: layers.cells.optional(),
  flags: layers.flags.optional(),
  warning: WarningSchema.partial().optional(),
  workingDayCount: z.enum(WORKING_DAY_COUNTS).optional(),
});
export type PolicyOverride = z.infer<typeof PolicyOverrideSchema>;

export class SlaPolicyError extends Error {
  constructor(
    readonly what: string,
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`Invalid SLA policy ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'SlaPolicyError';
  }
}

const KEY_HINTS: Record<string, string> = {
  categories: `categories are ${CATEGORIES.join(', ')}`,
  cells: `categories are ${CATEGORIES.join(', ')}`,
  severities: `severities are ${SEVERITIES.join(', ')}`,
};

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const where = i.path.length ? i.path.map(String).join('.') : '(root)';
    const last = String(i.path[i.path.length - 1] ?? '');
    const hint = i.code === 'unrecognized_keys' && i.path.length === 1 ? KEY_HINTS[last] : undefined;
    return `${where}: ${i.message}${hint ? ` (${hint})` : ''}`;
  });
}

/** Validates a complete policy (e.g. a preset, or one built in code). */
export function validatePolicy(data: unknown, what = 'policy'): SlaPolicy {
  const r = SlaPolicySchema.safeParse(data);
  if (!r.success) throw new SlaPolicyError(what, formatIssues(r.error.issues));
  return r.data;
}

/** Copies the defined budgets of `rule` onto `target` (an explicit `undefined` never erases). */
function assignRule<T extends BudgetRule>(target: T, rule: BudgetRule | undefined): T {
  for (const kind of DEADLINE_KINDS) {
    const b = rule?.[kind];
    if (b !== undefined) target[kind] = b;
  }
  return target;
}

function mergeRule(base: BudgetRule | undefined, over: BudgetRule | undefined): BudgetRule {
  return assignRule(assignRule({}, base), over);
}

function mergeLayer<K extends string>(
  base: Partial<Record<K, BudgetRule>>,
  over: Partial<Record<K, BudgetRule>> | undefined,
): Partial<Record<K, BudgetRule>> {
  const out: Partial<Record<K, BudgetRule>> = { ...base };
  for (const key of Object.keys(over ?? {}) as K[]) out[key] = mergeRule(base[key], over?.[key]);
  return out;
}

/**
 * Applies an override (usually parsed from the JSON file named by config) to a policy and
 * validates the result. Budgets are replaced whole per deadline kind; everything not named in
 * the override is kept. Throws SlaPolicyError listing each bad entry by its path.
 */
export function applyOverride(base: SlaPolicy, override: unknown, what = 'override'): SlaPolicy {
  const r = PolicyOverrideSchema.safeParse(override ?? {});
  if (!r.success) throw new SlaPolicyError(what, formatIssues(r.error.issues));
  const o = r.data;
  const cells: SlaPolicy['cells'] = { ...base.cells };
  for (const cat of Object.keys(o.cells ?? {}) as Category[]) {
    cells[cat] = mergeLayer(base.cells[cat] ?? {}, o.cells?.[cat]);
  }
  const merged: SlaPolicy = {
    name: o.name ?? base.name,
    description: o.description ?? base.description,
    defaults: assignRule({ ...base.defaults }, o.defaults),
    severities: mergeLayer(base.severities, o.severities),
    categories: mergeLayer(base.categories, o.categories),
    cells,
    flags: mergeLayer(base.flags, o.flags) as Record<string, BudgetRule>,
    warning: { ...base.warning, ...o.warning },
    workingDayCount: o.workingDayCount ?? base.workingDayCount,
  };
  if (merged.description === undefined) delete merged.description;
  return validatePolicy(merged, what);
}

/**
 * The budgets of one ticket: category × severity, plus the flags the caller sets (a flag counts
 * when its value is true).
 */
export function resolveBudgets(
  policy: SlaPolicy,
  category: Category,
  severity: Severity,
  flags: Readonly<Record<string, boolean | undefined>> = {},
): BudgetSet {
  const out: BudgetSet = { ...policy.defaults };
  assignRule(out, policy.severities[severity]);
  assignRule(out, policy.categories[category]);
  assignRule(out, policy.cells[category]?.[severity]);
  for (const [flag, rule] of Object.entries(policy.flags)) {
    if (flags[flag] === true) assignRule(out, rule);
  }
  return out;
}
